"""Find a part's section in a multi-part answer by its label.

::

    section = find_section(answer, "c")        # "(c)", "Part (c)", "**c)**", "### Part (c)", "Q3(c)"…
    section.text, section.heading, section.start, section.end
    split_sections(answer, ["a", "b", "c"])    # {"a": Section, ...} for the labels found

A label counts only where it *starts* something: a line, a Markdown heading, a bullet
or a bold run at the start of a line (``**c)**``), optionally after a word such as
"Part", "Question" or "Q3". Inline mentions ("as in (a)", "unlike (c)", "(c) in Figure
4") never start a section. When an answer uses strong markers (headings, "Part (c)",
bold labels) for its parts, weaker ones (a bullet "- (a) shows…" listing the options of
a multiple-choice part) are content, not section starts. A section runs until the
next label of the same level: sub-labels ``i.``/``ii.``/``(ii)``/``Part (d)ii`` belong to
their parent part, and a question-level heading ("Question 4", "Problem 4") ends it.
Labels may name a question too: ``"3c"``, ``"3(c)"``, ``"Q3(c)"`` look for part (c) under
question 3 (or a "Part 3(c)" heading), ``"2"`` finds "Part 2" / "Question 2" / "## 2.",
``"d.ii"`` finds sub-part ii of (d).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

__all__ = ["Section", "find_section", "split_sections", "parse_label"]

_ROMANS = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii")
_ROMAN_RE = r"(?:xii|xi|x|ix|viii|vii|vi|v|iv|iii|ii|i)"
_MAX_CHARS = 1_000_000


@dataclass(frozen=True)
class Section:
    """One part's text in an answer: ``answer[start:end]`` (``text``), opened by ``heading``."""

    label: str
    text: str
    start: int
    end: int
    heading: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class _Marker:
    pos: int  # offset of the line start
    line_end: int
    number: str | None
    letter: str | None
    roman: str | None
    strength: int  # 3: heading or "Part/Question" prefix; 2: bold; 1: plain line start; 0: bullet
    prefix: str | None  # "part", "question", "problem", "q", ... when written
    heading: str
    also: tuple[str, ...] = ()  # more letters the same heading answers: "Part (b) and (c)"

    def has(self, letter: str) -> bool:
        """Whether this marker starts the section of part ``letter``."""
        return self.letter == letter or letter in self.also


_DECORATION = re.compile(
    r"(?P<indent>[ \t]*)(?P<hash>#{1,6}[ \t]+)?(?P<quote>>[ \t]*)?(?P<bullet>(?:[-*+•▪◦‣][ \t]+))?"
    r"(?P<bold>\*\*|__|\*(?=\S))?[ \t]*"
)
_PREFIX = re.compile(
    r"(?P<prefix>(?:solution|answer|answers|response)[ \t]+(?:to|for)[ \t]+(?:part|problem|question)|part|question|problem|exercise|section|task|q(?=[ \t]*\d))"
    r"\.?[ \t]*(?:#[ \t]*)?",
    re.I,
)
_AFTER_PREFIX = re.compile(
    r"(?:(?P<num>\d{1,2})(?![\d])[ \t]*\.?[ \t]*)?"
    r"(?:\([ \t]*(?P<let>[a-z])[ \t]*\)|(?P<let2>[a-z])(?=[\s).:,(\-–—*_]|$))?"
    r"(?:[ \t]*\(?[ \t]*(?P<rom>" + _ROMAN_RE + r")[ \t]*\)?(?=[\s.:,)\-–—*_]|$))?",
    re.I,
)
_BARE = re.compile(
    r"(?:\([ \t]*(?P<let>[a-z])[ \t]*\)|(?P<let2>[a-z])\)(?=[\s*_:.]|$)|(?P<let3>[a-z])\.(?=[ \t]))"
    r"(?:[ \t]*\(?(?P<rom>" + _ROMAN_RE + r")\)?(?=[\s.:,)\-–—*_]|$))?"
    r"|\((?P<rom2>" + _ROMAN_RE + r")\)|(?P<rom3>" + _ROMAN_RE + r")[.)](?=[ \t*_])"
    r"|(?P<num>\d{1,2})[.)](?=[ \t*_])",
    re.I,
)
# Words that, right after a bare label, show it is an inline mention ("(c) in Figure 4").
_CONTINUATION = re.compile(
    r"[ \t]*(?:in|of|and|or|is|are|was|were|to|with|from|vs|versus|above|below|as|has|have|would|will|can|shows?|"
    r"corresponds?|represents?|matches)(?![a-z])"
)
_FENCE = re.compile(r"[ \t]*(```|~~~)")
_QUESTION_PREFIXES = ("question", "problem", "q", "exercise", "solution to problem", "solution to question",
                      "answer to question", "answer to problem")


def _line_markers(answer: str) -> list[_Marker]:
    markers: list[_Marker] = []
    in_code = False
    pos = 0
    n = len(answer)
    last_letter: str | None = None
    while pos <= n:
        nl = answer.find("\n", pos)
        end = n if nl < 0 else nl
        line = answer[pos:end]
        if _FENCE.match(line):
            in_code = not in_code
        elif not in_code and line.strip():
            marker = _parse_line(line, pos, end, last_letter)
            if marker is not None:
                markers.append(marker)
                if marker.letter:
                    last_letter = marker.letter
        if nl < 0:
            break
        pos = nl + 1
    return markers


_MORE_LETTERS = re.compile(r"[ \t]*(?:and|&|,|/|-|–|—)[ \t]*(?:part[ \t]*)?\([ \t]*([a-z])[ \t]*\)", re.I)


def _parse_line(line: str, pos: int, end: int, last_letter: str | None) -> _Marker | None:
    marker = _parse_line_label(line, pos, end, last_letter)
    if marker is None or not marker.letter:
        return marker
    # "Part (b) and (c)", "(b)–(d)", "**(b), (c)**": one heading for several parts.
    rest = line[_label_end(line):]
    letters: list[str] = []
    at = 0
    first_end = 0
    for m in _MORE_LETTERS.finditer(rest):
        if m.start() != at:
            break
        letters.append(m.group(1).lower())
        at = m.end()
        first_end = first_end or m.end()
    if not letters:
        return marker
    if any(dash in rest[:first_end] for dash in "-–—") and len(letters) == 1:
        # a range "(b)–(d)" covers the letters between
        first, last = marker.letter, letters[0]
        if first < last and ord(last) - ord(first) <= 6:
            letters = [chr(c) for c in range(ord(first) + 1, ord(last) + 1)]
    return _Marker(marker.pos, marker.line_end, marker.number, marker.letter, marker.roman, marker.strength,
                   marker.prefix, marker.heading, tuple(letters))


def _label_end(line: str) -> int:
    """Where the first label of a marker line ends (0 if it cannot be found)."""
    m = re.search(r"\([ \t]*[a-z][ \t]*\)|(?<![a-z])[a-z]\)", line, re.I)
    return m.end() if m else 0


def _parse_line_label(line: str, pos: int, end: int, last_letter: str | None) -> _Marker | None:
    deco = _DECORATION.match(line)
    assert deco is not None
    rest_at = deco.end()
    is_heading = bool(deco.group("hash"))
    is_bullet = bool(deco.group("bullet"))
    is_bold = bool(deco.group("bold"))
    heading = line.strip()
    prefix_m = _PREFIX.match(line, rest_at)
    if prefix_m is not None:
        after = _AFTER_PREFIX.match(line, prefix_m.end())
        if after is not None and (after.group("num") or after.group("let") or after.group("let2")):
            letter = (after.group("let") or after.group("let2") or "").lower() or None
            roman = (after.group("rom") or "").lower() or None
            number = after.group("num")
            prefix = " ".join(prefix_m.group("prefix").lower().split())
            if prefix == "q" and not number:
                return None
            # "Part A" with a bare capital letter but "Part a lot" would read as prose: require a stop.
            if letter and after.group("let2") and not re.match(r"[\s).:,(\-–—*_]|$", line[after.end("let2"):after.end("let2") + 1] or ""):
                letter = None
            if letter is None and roman is None and number is None:
                return None
            letter, roman = _disambiguate(letter, roman, last_letter, explicit_paren=bool(after.group("let")))
            return _Marker(pos, end, number, letter, roman, 3, prefix, heading)
    m = _BARE.match(line, rest_at)
    if m is None:
        return None
    tail = line[m.end():]
    strength = 3 if is_heading else 2 if is_bold else 0 if is_bullet else 1
    if strength <= 1 and _CONTINUATION.match(tail):
        return None  # "(c) in Figure 4 …": an inline mention that happens to start a line
    if m.group("num"):
        if strength == 0:
            return None  # a numbered list item
        return _Marker(pos, end, m.group("num"), None, None, strength, None, heading)
    letter = (m.group("let") or m.group("let2") or m.group("let3") or "").lower() or None
    roman = (m.group("rom") or m.group("rom2") or m.group("rom3") or "").lower() or None
    if m.group("let3") and strength <= 1 and not tail.strip():
        return None
    if m.group("rom2") or m.group("rom3"):
        # "(i)" / "i." may be the letter i after (h); otherwise a sub-label.
        if roman in ("i", "v", "x") and last_letter == chr(ord(roman) - 1):
            return _Marker(pos, end, None, roman, None, strength, None, heading)
        return _Marker(pos, end, None, None, roman, strength, None, heading)
    letter, roman = _disambiguate(letter, roman, last_letter, explicit_paren=bool(m.group("let")))
    return _Marker(pos, end, None, letter, roman, strength, None, heading)


def _disambiguate(letter: str | None, roman: str | None, last_letter: str | None,
                  explicit_paren: bool) -> tuple[str | None, str | None]:
    """A lone "i"/"v"/"x" label is a roman sub-label unless it follows (h)/(u)/(w)."""
    if letter in ("i", "v", "x") and roman is None and not explicit_paren:
        if last_letter != chr(ord(letter) - 1):
            return None, letter
    return letter, roman


def parse_label(label: str) -> tuple[str | None, str | None, str | None]:
    """``(number, letter, roman)`` of a part label: ``"c"`` → (None, "c", None), ``"3(c)"`` →
    ("3", "c", None), ``"d.ii"`` → (None, "d", "ii"), ``"ii"`` → (None, None, "ii"), ``"2"`` → ("2", None, None).
    """
    text = label.strip().lower()
    text = re.sub(r"^(?:part|question|problem|exercise|q)\.?\s*", "", text)
    text = text.replace("**", "").strip()
    if not text:
        raise ValueError(f"empty part label {label!r}")
    bare = text.strip("()[]. :")
    if bare in _ROMANS and len(bare) > 1:
        return None, None, bare
    m = re.fullmatch(
        r"(?:(?P<num>\d{1,2})[\s.\-]*)?(?:\(?\s*(?P<let>[a-z])\s*\)?)?[\s.\-]*(?:\(?\s*(?P<rom>" + _ROMAN_RE + r")\s*\)?)?[.:)]?",
        text,
    )
    if m is None or not (m.group("num") or m.group("let") or m.group("rom")):
        raise ValueError(f"cannot read part label {label!r}; use e.g. 'c', '(c)', '3c', 'd.ii' or '2'")
    return m.group("num"), m.group("let"), m.group("rom")


def _section(answer: str, label: str, start_marker: _Marker, end: int) -> Section:
    text = answer[start_marker.pos:end].rstrip()
    return Section(label, text, start_marker.pos, start_marker.pos + len(text), start_marker.heading)


def _letter_section(answer: str, markers: Sequence[_Marker], letter: str, lo: int, hi: int,
                    label: str) -> tuple[Section, int] | None:
    in_range = [m for m in markers if lo <= m.pos < hi]
    letters = [m for m in in_range if m.letter]
    for tier in (3, 2, 1, 0):
        candidates = [m for m in letters if m.strength >= tier]
        target = next((m for m in candidates if m.has(letter)), None)
        if target is None:
            continue
        if any(m.strength > tier and m.pos < target.pos for m in letters):
            # A weaker label after a stronger part heading is content of that part
            # (an option list), not the start of this part.
            return None
        end = hi
        for m in in_range:
            if m.pos <= target.pos:
                continue
            if m.letter and not m.has(letter) and m.strength >= tier:
                end = m.pos
                break
            if m.number and not m.letter and m.prefix is not None and (m.prefix in _QUESTION_PREFIXES or m.prefix == "part"):
                end = m.pos  # "Question 4", "Part 3: Summary": a higher level
                break
        return _section(answer, label, target, end), tier
    return None


def _number_regions(markers: Sequence[_Marker], number: str, lo: int, hi: int) -> list[tuple[_Marker, int]]:
    """Candidate sections for a number, best first: "Question 3"/"Part 3"/"Q3" headings, then
    "## 3." headings, then plain "3." lines."""
    numbered = [m for m in markers if lo <= m.pos < hi and m.number]
    tiers = (
        lambda m: m.prefix is not None,
        lambda m: m.prefix is None and m.strength >= 2,
        lambda m: m.prefix is None and m.strength >= 1,
    )
    regions = []
    for test in tiers:
        candidates = [m for m in numbered if test(m)]
        target = next((m for m in candidates if m.number == number), None)
        if target is None:
            continue
        end = hi
        for m in candidates:
            if m.pos > target.pos and m.number != number:
                end = m.pos
                break
        regions.append((target, end))
    return regions


def _number_region(markers: Sequence[_Marker], number: str, lo: int, hi: int) -> tuple[_Marker, int] | None:
    regions = _number_regions(markers, number, lo, hi)
    return regions[0] if regions else None


def _roman_section(answer: str, markers: Sequence[_Marker], roman: str, lo: int, hi: int, label: str) -> Section | None:
    in_range = [m for m in markers if lo <= m.pos < hi]
    target = next((m for m in in_range if m.roman == roman), None)
    if target is None:
        return None
    end = hi
    for m in in_range:
        if m.pos > target.pos and ((m.roman and m.roman != roman) or (m.letter and m.letter != target.letter and m.strength >= target.strength)):
            end = m.pos
            break
    return _section(answer, label, target, end)


def find_section(answer: str, label: str, *, labels: Sequence[str] | None = None) -> Section | None:
    """The section of ``answer`` for part ``label``, or None when no line starts with that label.

    ``labels`` (optional) are all the labels the answer was asked for, in order; when
    none of them appears but the answer numbers its parts instead ("## Part 1: …",
    "## Part 2: …", one per asked label), the parts are matched by position.
    """
    if not isinstance(answer, str) or not answer:
        return None
    if len(answer) > _MAX_CHARS:
        answer = answer[:_MAX_CHARS]
    number, letter, roman = parse_label(label)
    markers = _line_markers(answer)
    lo, hi = 0, len(answer)

    if number is not None and letter is not None:
        combined = next((m for m in markers if m.number == number and m.has(letter)), None)
        if combined is not None:
            # It runs to the next part of the same strength, or the next question.
            end = hi
            for m in markers:
                if m.pos <= combined.pos:
                    continue
                if (m.letter and not m.has(letter) and m.strength >= min(combined.strength, 2)) or (
                        m.number and m.number != number and m.prefix is not None):
                    end = m.pos
                    break
            section = _section(answer, label, combined, end)
            return _sub(answer, markers, section, roman, label) if roman else section
        regions = _number_regions(markers, number, 0, len(answer))
        for target, end in regions:
            found = _letter_section(answer, markers, letter, target.pos, end, label)
            if found is not None:
                return _sub(answer, markers, found[0], roman, label) if roman else found[0]
        if regions:
            return None  # question `number` exists but has no part `letter`
    elif number is not None:
        region = _number_region(markers, number, 0, len(answer))
        if region is None:
            return None
        section = _section(answer, label, region[0], region[1])
        return _sub(answer, markers, section, roman, label) if roman else section

    if letter is not None:
        found = _letter_section(answer, markers, letter, lo, hi, label)
        if found is None and letter in ("i", "v", "x") and roman is None:
            return _roman_section(answer, markers, letter, lo, hi, label)
        if found is None:
            return _positional(answer, markers, label, labels)
        section = found[0]
        return _sub(answer, markers, section, roman, label) if roman else section
    if roman is not None:
        return _roman_section(answer, markers, roman, lo, hi, label)
    return None


def _sub(answer: str, markers: Sequence[_Marker], parent: Section, roman: str | None, label: str) -> Section | None:
    if roman is None:
        return parent
    # "Part (d)ii" headings carry both; otherwise look for "ii." inside the parent.
    return _roman_section(answer, markers, roman, parent.start, parent.end + 1, label)


def _positional(answer: str, markers: Sequence[_Marker], label: str, labels: Sequence[str] | None) -> Section | None:
    """Match asked labels to "Part 1", "Part 2", … by position when the answer numbered its parts."""
    if not labels or label not in labels:
        return None
    if any(m.letter for m in markers if m.strength >= 2):
        return None
    parts = [m for m in markers if m.number and m.prefix == "part"] or [
        m for m in markers if m.number and m.prefix is None and m.strength >= 2]
    numbers = [m.number for m in parts]
    expected = [str(i + 1) for i in range(len(labels))]
    if numbers != expected:
        return None
    index = list(labels).index(label)
    target = parts[index]
    end = parts[index + 1].pos if index + 1 < len(parts) else len(answer)
    return _section(answer, label, target, end)


def split_sections(answer: str, labels: Iterable[str]) -> dict[str, Section]:
    """The sections for ``labels`` that the answer has (a label without a section is left out)."""
    labels = list(labels)
    out: dict[str, Section] = {}
    for label in labels:
        section = find_section(answer, label, labels=labels)
        if section is not None:
            out[label] = section
    return out
