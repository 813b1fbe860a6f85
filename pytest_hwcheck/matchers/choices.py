"""choice() and true_false(): which option(s) an answer *picks*, not merely mentions.

::

    choice("b")                                   # Curve (b) must be the one pick
    choice("b", options="abcd")
    choice(["task loss", "latent regularizer"], multiple=True,
           options=["task loss", "latent regularizer"])
    true_false({"i": True, "ii": True, "iii": False, "iv": False})

A pick is an option the answer commits to: after a cue (``Answer: (b)``,
``Selection: Curve (b)``, ``Final answer: (b)``, ``I choose (b)``, ``the best
representation is:`` followed by ``- (a)``, ``The best latent space for prediction:
Figure (a)``), ticked (``☒ task loss``, ``[x] latent regularizer``, ``☑``, ``✓``), bold
on its own (``**Curve (b)**``), a sentence of its own (``Curve (b). With tiny β…``),
right after a sub-part label (``ii. (a): its classes are well separated``), or with a
verdict (``(b) is correct``, ``Experiment (a) gives the better latent space``). Options
that are only mentioned (``(a) is monotone, so not (a)``, ``unlike (c)``, ``rather than
(d)``, a list describing every curve) are not picks, and neither is the label of a
section heading (``### (c)``, ``#### Plot (a):``, ``## Part (c)``). When the answer picks different options in different places, the last pick
marked final ("Final answer: (b)", "Revised answer") wins; without one, the
conflicting picks fail the verdict. Options are labels (``"b"``, ``"(b)"``, ``"Plot
A"``) or texts (``"task loss"``), matched with keywords' normalization and synonyms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from ..verdict import Verdict, shorten
from .base import Deadline, Matcher
from .keywords import Term, compile_term
from .text import ABBREVIATION_SAFE_DOT, Document, TextUnit, is_checked_mark, negation_cue, normalize

__all__ = ["choice", "true_false", "Option", "Pick", "extract_picks"]

_ROMANS = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii")
_OPTION_NOUNS = r"(?:curve|plot|figure|fig|option|choice|graph|panel|experiment|subplot|subfigure|diagram|picture|image|answer)"
# Nouns that name an option by a bare letter ("Plot A", "Option b").
_LETTER_NOUNS = r"(?:curve|plot|figure|fig|option|graph|panel|subplot|subfigure)"
# Words before a label that make it a reference to something other than an option.
_REFERENCE_NOUNS = frozenset("part parts question questions q problem problems eq eqs equation equations line lines step steps "
                             "statement statements section sections item items case cases".split())
_LABEL_MENTION = re.compile(
    r"(?<![a-z_])(?:(?P<noun>[a-z]+)\.?[ \t]*)?(?P<num>\d{1,2})?\([ \t]*(?P<lab>[a-z]|[ivx]{1,4}|\d{1,2})[ \t]*\)"
    # "Plot A", "Fig. b", "curve 2", but not the plural "curves".
    r"|(?<![\w])(?P<noun2>" + _LETTER_NOUNS + r")(?:\.[ \t]*|[ \t]+)(?P<lab2>[a-z]|\d{1,2})(?![\w(])"
    r"|^(?P<lab3>[a-z])\)(?=[ \t])"
)
_STRONG, _MEDIUM = 2, 1

_FINAL = re.compile(r"(?<![a-z])(?:final|finally|revised|revise|corrected|correction|updated|update|ultimately|in conclusion|to conclude|overall)(?![a-z])")
_CUE_COLON = re.compile(
    r"(?<![a-z])(?:(?:final|revised|corrected|updated|my|the)[ \t]+)*"
    r"(?:answers?|selections?|selected|choices?|chosen|picks?|picked|verdict|conclusion|solution|result"
    r"|(?:correct|right|best)[ \t]+(?:answer|option|choice|curve|plot|figure|one|graph|experiment|representation|fit|match)"
    r"|(?:answer|choice|option)[ \t]+selected)"
    r"[ \t]*(?:(?:is|would be|=)[ \t]*)?[:=→⇒\-–—][ \t]*"
)
# "The best latent space for prediction: Figure (a)", "Better fit → (b)": a judgement naming what is
# best, then a colon and the option.
_CUE_BEST = re.compile(
    r"(?<![a-z])(?:the[ \t]+)?(?:best|better|correct|preferred|optimal|most[ \t]+(?:useful|suitable|appropriate))"
    r"(?:[ \t]+[a-z][a-z-]*){1,6}?[ \t]*(?:(?:is|would[ \t]+be)[ \t]*)?[:=→⇒][ \t]*"
)
_CUE_VERB = re.compile(
    r"(?<![a-z])(?:"
    r"(?:i|we)[ \t]+(?:would[ \t]+|will[ \t]+|'d[ \t]+|'ll[ \t]+|therefore[ \t]+|thus[ \t]+|so[ \t]+)?(?:choose|chose|pick|picked|select|selected|go[ \t]+with|opt[ \t]+for)"
    r"|(?:the[ \t]+)?(?:final[ \t]+|correct[ \t]+|right[ \t]+|best[ \t]+)+(?:answer|choice|option|curve|plot|figure|one|representation|fit|match|graph|experiment|pick|selection)"
    r"(?:[ \t]+(?:for[ \t]+this|here))?[ \t]+(?:is|would[ \t]+be|=)"
    r"|(?:the[ \t]+)?answer[ \t]+(?:is|would[ \t]+be)"
    r"|(?:answer|choice|pick|selection)[ \t]+(?:is|=)"
    r"|(?:best|correctly)[ \t]+(?:represented|described|captured|matched)[ \t]+by"
    r")(?![a-z])[ \t]*:?[ \t]*"
)
# Used with .match(text, pos), which anchors at pos.
_VERDICT_AFTER = re.compile(
    r"[ \t]*(?:[:,][ \t]*)?(?:"
    r"(?:is|would[ \t]+be|seems|looks)[ \t]+(?:therefore[ \t]+|thus[ \t]+|clearly[ \t]+)?(?:the[ \t]+)?(?:correct|right|best|answer|most[ \t]+(?:likely|appropriate|consistent|plausible))"
    r"|(?:best|correctly)[ \t]+(?:represents|matches|describes|captures|shows|fits)"
    r"|(?:is|would[ \t]+be|gives|yields|produces|provides|offers|has|leads[ \t]+to|learns)[ \t]+(?:clearly[ \t]+)?"
    r"(?:the[ \t]+|a[ \t]+)?(?:better|best|more[ \t]+useful|most[ \t]+useful|optimal|preferred|superior)"
    r"(?![a-z])(?![ \t]+(?:training|train)[ \t]+(?:error|loss|accuracy|fit))"
    r"|(?:✓|✔|☑|✅)"
    r")(?![a-z])"
)
_MATCHES_BEFORE = re.compile(r"(?<![a-z])(?:matches|match|corresponds[ \t]+to|consistent[ \t]+with|fits)[ \t]+(?:the[ \t]+)?$")
_STOP = re.compile(r"[;!?\n]|" + ABBREVIATION_SAFE_DOT + r"(?=\s|$)|[ \t][-–—][ \t]|(?<![a-z])(?:because|since|as|which|where|while|whereas|due|reasoning|explanation|with)(?![a-z])")
_NOISE = re.compile(
    r"(?<![\w])(?:" + _OPTION_NOUNS + r"|the|is|are|and|or|both|only|selection|selected|final|my|correct|best|"
    r"choose|i|we|pick|select|a|an|of|to|answer|it|its|this|one|option|options|s|would|be|go|with|choice|so|thus|"
    r"therefore|hence|here)(?![\w])"
    r"|\[x\]|\[ \]|[\s&+,;/.:→⇒=\-–—*✓✔☑☒✅☐□'\"]"
)
_LEAD_CUE = re.compile(
    r"(?<![a-z])(?:answers?|select(?:ion|ed)?|choices?|choose|chosen|pick(?:ed)?|best|correct|right|final|conclusion|is|are|would be)"
    r"(?![a-z])[^:\n]{0,40}:[ \t]*(?:(?:\*\*|__)[ \t]*)?$"
)
# "Answer: B": a bare letter right after an answer cue (used with .match at the cue's end).
_BARE_LETTER = re.compile(r"[ \t]*([a-h])(?![\w(])(?=[ \t]*(?:$|[.)](?:\s|$)|[(\-–—:,;]))")
_CHECKS = re.compile(r"☒|☑|✅|✓|✔|\[x\]|⊠|■|🗹|☐|□|\[ \]|✗|✘|❌|⬜")
_BOLD = re.compile(r"(\*\*|__)(?=\S)([^*_\n]{1,80}?)(?<=\S)\1")


@dataclass(frozen=True)
class Option:
    """An option of a multiple-choice question: a label (``"b"``) or a text (``"task loss"``)."""

    key: str
    label: str
    is_label: bool
    term: Term | None = None

    def __str__(self) -> str:
        return self.label


def _parse_option(spec: Any, synonyms: Any = None) -> Option:
    if isinstance(spec, Option):
        return spec
    if isinstance(spec, (tuple, list)) and spec and all(isinstance(s, str) for s in spec):
        term = compile_term(tuple(spec), synonyms)
        return Option(normalize(spec[0]).strip(), spec[0], False, term)
    if not isinstance(spec, str):
        raise TypeError(f"an option is a label or a text, not {type(spec).__name__}")
    text = normalize(spec).strip()
    core = re.sub(r"^" + _OPTION_NOUNS + r"\.?\s*", "", text).strip()
    core = core.strip("()[]. :")
    if re.fullmatch(r"[a-z]|" + "|".join(_ROMANS) + r"|\d{1,2}", core):
        return Option(core, f"({core})", True)
    if not text:
        raise ValueError("an option must not be empty")
    return Option(text, spec, False, compile_term(spec, synonyms))


def _parse_options(options: Any, synonyms: Any = None) -> list[Option]:
    if options is None:
        return []
    if isinstance(options, str):
        # "abcd" is shorthand for the labels a, b, c, d.
        if re.fullmatch(r"[a-zA-Z]{2,12}", options):
            return [_parse_option(c, synonyms) for c in options]
        return [_parse_option(options, synonyms)]
    return [_parse_option(o, synonyms) for o in options]


@dataclass(frozen=True)
class Mention:
    """An option named at ``norm[start:end]`` of a unit (picked or not)."""

    option: Option
    start: int
    end: int


@dataclass(frozen=True)
class Pick:
    """One place where the answer commits to an option."""

    option: Option
    strength: int
    final: bool
    unit: TextUnit
    how: str

    @property
    def evidence(self) -> str:
        return self.unit.text


@dataclass
class _Extraction:
    picks: list[Pick] = field(default_factory=list)
    rejected: list[tuple[Option, TextUnit, str]] = field(default_factory=list)
    mentioned: set[str] = field(default_factory=set)


def _mentions(norm: str, labels: set[str] | None, text_options: Sequence[Option], unit_start: bool = True) -> list[Mention]:
    found: list[Mention] = []
    for m in _LABEL_MENTION.finditer(norm):
        noun = m.group("noun")
        label = m.group("lab") or m.group("lab2") or m.group("lab3")
        if label is None:
            continue
        if noun and noun in _REFERENCE_NOUNS:
            continue
        if noun and not re.fullmatch(_OPTION_NOUNS, noun):
            # "in (a)" etc.: the word before is not part of the mention.
            start = m.start("num") if m.group("num") else m.start() + m.group(0).index("(")
        else:
            start = m.start()
        if m.group("num") and not (noun and re.fullmatch(_OPTION_NOUNS, noun)):
            continue  # "3(b)" without "Figure": an equation or part number, not an option
        if labels is not None and label not in labels:
            continue
        if labels is None and not (len(label) == 1 or label in _ROMANS):
            continue
        found.append(Mention(Option(label, f"({label})", True), start, m.end()))
    for option in text_options:
        assert option.term is not None
        for m in option.term.finditer(norm):
            if m.end() > m.start():
                found.append(Mention(option, m.start(), m.end()))
    # Longest first among overlaps, then by position.
    found.sort(key=lambda x: (x.start, -(x.end - x.start)))
    out: list[Mention] = []
    for mention in found:
        if out and mention.start < out[-1].end:
            continue
        out.append(mention)
    return out


def _option_only(norm: str, mentions: Sequence[Mention]) -> bool:
    """Whether ``norm`` holds nothing but options, connectors, option nouns and parentheticals."""
    if not mentions:
        return False
    rest = []
    pos = 0
    for mention in mentions:
        rest.append(norm[pos:mention.start])
        pos = mention.end
    rest.append(norm[pos:])
    leftover = " ".join(rest)
    leftover = re.sub(r"\([^()]{0,120}\)", " ", leftover)  # "(β = 10^-3)", "(moderate regularization)"
    leftover = re.sub(r"^\s*(?:[ivx]{1,4}|\d{1,2}|[a-z])[.)]\s", " ", leftover)  # a leading list label
    leftover = _NOISE.sub(" ", leftover)
    return not leftover.strip()


def _with_bare_letters(norm: str, mentions: list[Mention], labels: set[str] | None) -> list[Mention]:
    """Add "Answer: B" (a bare letter right after an answer cue) to the mentions."""
    extra = []
    for cue in _CUE_COLON.finditer(norm):
        m = _BARE_LETTER.match(norm, cue.end())
        if m is None or (labels is not None and m.group(1) not in labels):
            continue
        if any(x.start <= m.start(1) < x.end for x in mentions):
            continue
        label = m.group(1)
        extra.append(Mention(Option(label, f"({label})", True), m.start(1), m.end(1)))
    if not extra:
        return mentions
    return sorted(mentions + extra, key=lambda x: x.start)


def _only_noise(text: str) -> bool:
    """Whether ``text`` holds only connectors, option nouns, marks and parentheticals."""
    text = re.sub(r"\([^()]{0,120}\)", " ", text)
    return not _NOISE.sub(" ", text).strip()


def _mark_for(norm: str, mention: Mention) -> str | None:
    """A tick or box right before (or right after) the option."""
    before = norm[max(0, mention.start - 40):mention.start]
    last = None
    for m in _CHECKS.finditer(before):
        last = m
    if last is not None:
        between = before[last.end():]
        if len(re.findall(r"[a-z0-9α-ω]+", between)) <= 3 and not _CHECKS.search(between):
            return last.group(0)
    after = norm[mention.end:mention.end + 6]
    m = re.match(r"[ \t:*_]*(☒|☑|✅|✓|✔|⊠|☐|□|✗|✘|❌)", after)
    return m.group(1) if m else None


def extract_picks(doc: Document, options: Sequence[Option], *, any_label: bool = False,
                  deadline: Deadline | None = None) -> _Extraction:
    """All picks (and explicit non-picks) of ``options`` in ``doc``, in answer order.

    With ``any_label``, every lettered or roman-numbered label counts as an option.
    """
    label_options = [o for o in options if o.is_label]
    text_options = [o for o in options if not o.is_label]
    labels = None if any_label else {o.key for o in label_options}
    result = _Extraction()
    # Set by a lead-in ending with ":" ("Thus, the best representation is:"): whether it
    # announced a final answer. The options listed on their own right after it are picks.
    pending: bool | None = None
    for count, unit in enumerate(doc.sentences()):
        if deadline is not None and count % 8 == 0:
            deadline.check()
        norm = unit.norm
        if not norm:
            continue
        mentions = _mentions(norm, labels, text_options)
        if label_options or labels is None:
            mentions = _with_bare_letters(norm, mentions, labels)
        bare = _option_only(norm, mentions)
        unit_final = bool(_FINAL.search(norm))
        if not mentions:
            pending = _pending_cue(norm, unit_final)
            continue
        for mention in mentions:
            result.mentioned.add(mention.option.key)
        picked: dict[str, tuple[Mention, int, bool, str]] = {}

        def add(mention: Mention, strength: int, final: bool, how: str) -> None:
            key = mention.option.key
            if key not in picked or picked[key][1] < strength:
                picked[key] = (mention, strength, final, how)

        negated: dict[int, str | None] = {}
        for i, mention in enumerate(mentions):
            negated[i] = negation_cue(norm, (mention.start, mention.end), post=True)

        # a) ticked / empty boxes
        for i, mention in enumerate(mentions):
            mark = _mark_for(norm, mention)
            if mark is None:
                continue
            if is_checked_mark(mark):
                if negated[i] is None or negated[i] == mark:
                    add(mention, _STRONG, unit_final, f"ticked {mark}")
            else:
                result.rejected.append((mention.option, unit, f"box {mark}"))
                negated[i] = negated[i] or mark

        # b) cue with a colon ("Answer: (b)", "Selection: Curve (b)") and c) cue verbs ("I choose (b)")
        for cue_re in (_CUE_COLON, _CUE_BEST, _CUE_VERB):
            for cue in cue_re.finditer(norm):
                stop = _STOP.search(norm, cue.end())
                end = stop.start() if stop else len(norm)
                final = unit_final or bool(_FINAL.search(cue.group(0)))
                window = [(i, m) for i, m in enumerate(mentions) if cue.end() <= m.start < end]
                if not window:
                    continue
                _, first = window[0]
                if not _only_noise(re.sub(r"(?<![a-z])not(?![a-z])", " ", norm[cue.end():first.start])):
                    continue  # words between cue and option: not a direct answer
                for i, mention in window:
                    if negated[i] is None:
                        add(mention, _STRONG, final, f"after the cue {cue.group(0).strip()!r}")

        # d) the whole unit is bold, or is options only after a lead-in cue
        core = unit.text.strip()
        core = re.sub(r"^(?:[-*+•]\s+|\d{1,3}[.)]\s+|#{1,6}\s+)", "", core).strip()
        whole_bold = bool(re.fullmatch(r"(\*\*|__).+(\*\*|__)[.:]?", core, flags=re.S))
        # A section heading that opens with a label ("### (c)", "#### Plot (a):", "**(c):**") names
        # the part or the panel being discussed; it picks nothing.
        heading = {i for i, m in enumerate(mentions) if _is_heading_label(unit, norm, m, bare, whole_bold, core)}
        if bare and heading:
            pass
        elif bare:
            if pending is not None:
                for i, mention in enumerate(mentions):
                    if negated[i] is None:
                        add(mention, _STRONG, pending or unit_final, "listed under the answer cue")
            elif whole_bold:
                for i, mention in enumerate(mentions):
                    if negated[i] is None:
                        add(mention, _STRONG, unit_final, "bold on its own")
            elif len(mentions) == 1 and unit.kind in ("paragraph", "bullet") and _ends_sentence(core):
                # "Curve (b). With tiny β the model overfits…": the option stated as a sentence of its own.
                if negated[0] is None:
                    add(mentions[0], _MEDIUM, unit_final, "stated on its own")
        else:
            # "ii. (a): its classes are well separated": a sub-part answered with an option up front.
            lead = _SUBPART_LEAD.match(norm)
            if lead is not None:
                first = next((i for i, m in enumerate(mentions) if m.start == lead.end()), None)
                if first is not None and negated[first] is None and _AFTER_LEAD_PICK.match(norm, mentions[first].end):
                    add(mentions[first], _MEDIUM, unit_final, "answering its sub-part")
            pending = None
            colon = norm.find(":")
            if colon > 0 and all(m.start > colon for m in mentions) and _option_only(
                    norm[colon + 1:], [Mention(m.option, m.start - colon - 1, m.end - colon - 1) for m in mentions]):
                for i, mention in enumerate(mentions):
                    if negated[i] is None:
                        add(mention, _STRONG, unit_final, "listed after a lead-in")

        # e) verdicts next to the option ("(b) is correct", "best matches (b)", inline bold)
        for i, mention in enumerate(mentions):
            if negated[i] is not None:
                continue
            if _VERDICT_AFTER.match(norm, mention.end) or _MATCHES_BEFORE.search(norm[max(0, mention.start - 40):mention.start]):
                add(mention, _MEDIUM, unit_final, "with a verdict")
        for bold in _BOLD.finditer(unit.text):
            inner = normalize(bold.group(2)).strip()
            inner_mentions = _mentions(inner, labels, text_options)
            if inner_mentions and _option_only(inner, inner_mentions) and not whole_bold:
                for inner_mention in inner_mentions:
                    key = inner_mention.option.key
                    host = next((i for i, m in enumerate(mentions) if m.option.key == key), None)
                    if host is not None and negated[host] is None and host not in heading:
                        add(mentions[host], _MEDIUM, unit_final, "in bold")

        for key, (mention, strength, final, how) in picked.items():
            result.picks.append(Pick(mention.option, strength, final, unit, how))
        for i, mention in enumerate(mentions):
            if negated[i] is not None and mention.option.key not in picked:
                result.rejected.append((mention.option, unit, str(negated[i])))
        if not bare:
            pending = _pending_cue(norm, unit_final)
    return result


# A sub-part label opening a unit: "ii. ", "(ii) ", "ii) ".
_SUBPART_LEAD = re.compile(r"[ \t]*(?:\((?:" + "|".join(reversed(_ROMANS)) + r")\)|(?:" + "|".join(reversed(_ROMANS))
                           + r")[.)])[ \t]+")
# What may follow the option right after a sub-part label for it to be the answer: a colon or dash
# and the reason, a comma, or nothing.
_AFTER_LEAD_PICK = re.compile(r"[ \t]*(?:\*\*|__)?[ \t]*(?:[:,\-–—]|\.(?:\s|$)|$)")
_HEADING_PREFIX = re.compile(r"[ \t]*(?:(?:part|question|q\d{0,2}|section)[ \t]*)?$")


def _is_heading_label(unit: TextUnit, norm: str, mention: Mention, bare: bool, whole_bold: bool, core: str) -> bool:
    """Whether ``mention`` is the label of a section heading ("### (c)", "#### Plot (a):", "**(c):**")."""
    if not _HEADING_PREFIX.match(norm[:mention.start]):
        return False  # the label is not where the heading starts ("### Correct curve: (b)")
    if unit.kind == "heading":
        return True
    # A bold label line ending with a colon introduces what follows ("**Plot (a):**").
    return bare and whole_bold and core.rstrip("*_ ").endswith(":")


def _ends_sentence(core: str) -> bool:
    """Whether a unit's text ends with a full stop (Markdown emphasis aside)."""
    return core.rstrip("*_ )").endswith(".")


def _pending_cue(norm: str, final: bool) -> bool | None:
    """A lead-in such as "Thus, the best representation is:" announces the pick on the next line.

    Returns whether it announces a final answer, or None when ``norm`` is no such lead-in.
    """
    stripped = norm.rstrip()
    if stripped.endswith(":") and _LEAD_CUE.search(stripped):
        return final
    return None


def _render(keys: Iterable[str], by_key: dict[str, Option]) -> str:
    return ", ".join(by_key[k].label if k in by_key else f"({k})" for k in keys)


def _decide(extraction: _Extraction) -> tuple[list[Pick], bool]:
    """The picks that count and whether a final pick decided them."""
    strong = [p for p in extraction.picks if p.strength >= _STRONG]
    used = strong or [p for p in extraction.picks if p.strength >= _MEDIUM]
    finals = [p for p in used if p.final]
    if finals:
        last_unit = finals[-1].unit
        return [p for p in finals if p.unit is last_unit], True
    return used, False


class _Choice(Matcher):
    name = "choice"

    def __init__(self, expected: Any, options: Any, multiple: bool, synonyms: Any) -> None:
        super().__init__(expected=expected, options=options, multiple=True if multiple else None,
                         synonyms=synonyms)
        expected_list = list(expected) if isinstance(expected, (list, set, frozenset)) else [expected]
        if isinstance(expected, tuple) and multiple:
            expected_list = list(expected)
        self.expected = [_parse_option(e, synonyms) for e in expected_list]
        if not self.expected:
            raise ValueError("choice() needs an expected option")
        if len(self.expected) > 1 and not multiple:
            raise ValueError("choice() got several expected options; pass multiple=True")
        self.options = _parse_options(options, synonyms)
        known = {o.key for o in self.options}
        for e in self.expected:
            if self.options and e.key not in known:
                raise ValueError(f"expected option {e.label!r} is not among options {[o.label for o in self.options]}")
        # Without an option list, any lettered label counts as an option (so a wrong pick is seen).
        self.any_label = not self.options and any(e.is_label for e in self.expected)
        if not self.options:
            self.options = list(self.expected)
        self.multiple = multiple

    def check(self, answer: str) -> Verdict:
        deadline = Deadline(what="choice: answer too large to scan in time")
        doc = Document(answer, deadline=deadline)
        options = self.options
        by_key = {o.key: o for o in options}
        extraction = extract_picks(doc, options, any_label=self.any_label, deadline=deadline)
        for p in extraction.picks:
            by_key.setdefault(p.option.key, p.option)
        used, decided_by_final = _decide(extraction)
        chosen: list[str] = []
        for p in used:
            if p.option.key not in chosen:
                chosen.append(p.option.key)
        expected_keys = [e.key for e in self.expected]
        expected_text = _render(expected_keys, by_key)
        details = {
            "picks": [{"option": p.option.label, "how": p.how, "final": p.final, "evidence": p.unit.text}
                      for p in extraction.picks],
            "not_picked": [{"option": o.label, "cue": cue, "evidence": u.text} for o, u, cue in extraction.rejected],
        }
        if not chosen:
            mentioned = [k for k in extraction.mentioned]
            why = "the answer picks no option"
            if mentioned:
                why += f" (it mentions {_render(sorted(mentioned), by_key)} without committing to one)"
            rejected_expected = [(o, u, c) for o, u, c in extraction.rejected if o.key in expected_keys]
            evidence = rejected_expected[0][1].text if rejected_expected else None
            if rejected_expected:
                why += f"; {rejected_expected[0][0].label} appears only negated ({rejected_expected[0][2]!r})"
            return Verdict.fail(f"expected the answer to pick {expected_text}; {why}", evidence=evidence,
                                expected=expected_text, found="no pick", details=details)
        found_text = _render(chosen, by_key)
        evidence = " … ".join(dict.fromkeys(p.unit.text for p in used))
        evidence = shorten(evidence, 400) if len(evidence) > 400 else evidence
        if self.multiple:
            wanted, got = set(expected_keys), set(chosen)
            overlap = len(wanted & got) / len(wanted | got)
            if wanted == got:
                return Verdict.ok(f"picks {found_text}, as expected", evidence=evidence, expected=expected_text,
                                  found=found_text, details=details)
            missing = [k for k in expected_keys if k not in got]
            extra = [k for k in chosen if k not in wanted]
            parts = []
            if missing:
                parts.append(f"does not pick {_render(missing, by_key)}")
            if extra:
                parts.append(f"also picks {_render(extra, by_key)}")
            return Verdict.fail(f"expected exactly {expected_text}; the answer " + " and ".join(parts),
                                evidence=evidence, score=overlap, expected=expected_text, found=found_text,
                                details=details)
        expected_key = expected_keys[0]
        if len(chosen) > 1:
            places = "; ".join(f"{by_key[p.option.key].label if p.option.key in by_key else p.option.key} in "
                               f"\"{shorten(p.unit.text, 80)}\"" for p in used)
            what = ("picks more than one option in its final answer" if decided_by_final
                    else "picks different options in different places and never says which is final")
            return Verdict.fail(f"expected one pick, {expected_text}; the answer {what}: {places}",
                                evidence=evidence, expected=expected_text, found=found_text, details=details)
        if chosen[0] == expected_key:
            note = " (its final answer)" if decided_by_final and len({p.option.key for p in extraction.picks}) > 1 else ""
            return Verdict.ok(f"picks {found_text}{note}", evidence=evidence, expected=expected_text, found=found_text,
                              details=details)
        return Verdict.fail(f"expected the answer to pick {expected_text}; it picks {found_text}", evidence=evidence,
                            expected=expected_text, found=found_text, details=details)


def choice(expected: Any, *, options: Any = None, multiple: bool = False, synonyms: Any = None) -> Matcher:
    """Pass when the answer picks ``expected`` (and, unless ``multiple``, nothing else).

    ``expected`` is a label (``"b"``, ``"(b)"``, ``"Curve (b)"``, ``"Plot A"``) or an option
    text (``"task loss"``); with ``multiple=True`` it is a list and the picks must be
    exactly that set (score: the overlap). ``options`` lists every option (labels, a
    string of letters such as ``"abcd"``, or texts); without it any lettered label
    counts as an option. Picks that differ across the answer fail unless one is
    marked final ("Final answer: (b)").

    Example: ``choice("b", options="abcd")``.
    """
    return _Choice(expected, options, multiple, synonyms)


# ---------------------------------------------------------------------------------------------
# true_false
# ---------------------------------------------------------------------------------------------

_TF_WORD = re.compile(
    r"(?<![a-z0-9])(?P<not>not[ \t]+|isn't[ \t]+|is[ \t]+not[ \t]+)?(?P<w>true|false|correct|incorrect|yes|no|right|wrong|t|f)(?![a-z0-9])"
)
_TF_VALUE = {"true": True, "correct": True, "yes": True, "right": True, "t": True,
             "false": False, "incorrect": False, "no": False, "wrong": False, "f": False}


def _label_marker(label: str) -> "re.Pattern[str]":
    lab = re.escape(label)
    return re.compile(
        r"(?:^|(?<=[\s|*_(\[:;,]))(?:(?:statement|part|claim|item)[ \t]*)?"
        r"(?:\([ \t]*" + lab + r"[ \t]*\)|" + lab + r"[ \t]*[.):](?=[\s*_|]))"
    )


@dataclass(frozen=True)
class _Reading:
    label: str
    value: bool
    unit: TextUnit
    final: bool


def _readings(doc: Document, labels: Sequence[str], deadline: Deadline | None) -> dict[str, list[_Reading]]:
    markers = {label: _label_marker(label) for label in labels}
    any_marker = re.compile("|".join(f"(?:{m.pattern})" for m in markers.values()))
    out: dict[str, list[_Reading]] = {label: [] for label in labels}
    for count, unit in enumerate(doc.sentences()):
        if deadline is not None and count % 8 == 0:
            deadline.check()
        norm = unit.norm
        final = bool(_FINAL.search(norm))
        positions = []
        for label, marker in markers.items():
            for m in marker.finditer(norm):
                positions.append((m.start(), m.end(), label))
        positions.sort()
        for index, (start, end, label) in enumerate(positions):
            stop = positions[index + 1][0] if index + 1 < len(positions) else len(norm)
            window = norm[end:stop]
            at_start = not norm[:start].strip(" |*_-•>#")
            limit = 12 if at_start else 3
            for m in _TF_WORD.finditer(window):
                position = len(window[:m.start()].split())
                if position > limit:
                    break
                word = m.group("w")
                if word in ("t", "f", "yes", "no", "right", "wrong", "correct", "incorrect") and position > 2:
                    continue
                value = _TF_VALUE[word]
                if m.group("not"):
                    value = not value
                out[label].append(_Reading(label, value, unit, final))
                break
    return out


class _TrueFalse(Matcher):
    name = "true_false"

    def __init__(self, expected: Any) -> None:
        super().__init__(expected=expected)
        if isinstance(expected, dict):
            if not expected:
                raise ValueError("true_false() needs at least one statement")
            self.schemes = [[self._label(k) for k in expected]]
            self.values = [bool(v) for v in expected.values()]
        elif isinstance(expected, (list, tuple)):
            if not expected:
                raise ValueError("true_false() needs at least one statement")
            n = len(expected)
            if n > len(_ROMANS):
                raise ValueError(f"true_false() with a list supports up to {len(_ROMANS)} statements; use a dict")
            self.values = [bool(v) for v in expected]
            self.schemes = [list(_ROMANS[:n]), [str(i + 1) for i in range(n)], list("abcdefghijklmnopqrstuvwxyz"[:n])]
        else:
            raise TypeError("true_false() takes a dict {label: bool} or a list of bools")

    @staticmethod
    def _label(key: Any) -> str:
        text = normalize(str(key)).strip().strip("().: ")
        if not text:
            raise ValueError(f"invalid statement label {key!r}")
        return text

    def check(self, answer: str) -> Verdict:
        deadline = Deadline(what="true_false: answer too large to scan in time")
        doc = Document(answer, deadline=deadline)
        best: tuple[int, list[str], dict[str, list[_Reading]]] | None = None
        for scheme in self.schemes:
            readings = _readings(doc, scheme, deadline)
            found = sum(1 for label in scheme if readings[label])
            if best is None or found > best[0]:
                best = (found, scheme, readings)
        assert best is not None
        _, labels, readings = best
        correct = 0
        problems: list[str] = []
        found_parts: list[str] = []
        evidence_units: list[str] = []
        per_label: dict[str, Any] = {}
        for label, want in zip(labels, self.values):
            reads = readings[label]
            shown = f"({label})"
            if not reads:
                problems.append(f"{shown}: expected {_tf(want)}, no True/False found")
                found_parts.append(f"{shown} ?")
                per_label[label] = None
                continue
            values = {r.value for r in reads}
            finals = [r for r in reads if r.final]
            if len(values) > 1 and finals:
                reading = finals[-1]
            elif len(values) > 1:
                problems.append(f"{shown}: answered both True and False (\"{shorten(reads[0].unit.text, 60)}\" vs "
                                f"\"{shorten(reads[-1].unit.text, 60)}\")")
                found_parts.append(f"{shown} both")
                per_label[label] = "both"
                evidence_units.append(reads[-1].unit.text)
                continue
            else:
                reading = reads[-1]
            per_label[label] = reading.value
            found_parts.append(f"{shown} {_tf(reading.value)}")
            if reading.value == want:
                correct += 1
            else:
                problems.append(f"{shown}: expected {_tf(want)}, found {_tf(reading.value)} (\"{shorten(reading.unit.text, 80)}\")")
                evidence_units.append(reading.unit.text)
        expected_text = " ".join(f"({label}) {_tf(v)}" for label, v in zip(labels, self.values))
        found_text = " ".join(found_parts)
        score = correct / len(self.values)
        details = {"readings": per_label}
        if problems:
            evidence = " … ".join(dict.fromkeys(evidence_units)) or None
            return Verdict.fail("; ".join(problems), evidence=evidence, score=score, expected=expected_text,
                                found=found_text, details=details)
        evidence_units = list(dict.fromkeys(readings[label][-1].unit.text for label in labels))
        evidence = shorten(" … ".join(evidence_units), 400)
        return Verdict.ok(f"all {len(labels)} statements judged as expected: {found_text}", evidence=evidence,
                          expected=expected_text, found=found_text, details=details)


def _tf(value: bool) -> str:
    return "True" if value else "False"


def true_false(expected: Any) -> Matcher:
    """Pass when the answer judges each statement as expected.

    ``expected`` is ``{"i": True, "ii": False, ...}`` or a list of bools (labelled (i),
    (ii), … or 1, 2, … or (a), (b), …, whichever the answer uses). Reads
    ``(i) True (ii) False`` inline, one per line or bullet, or one per table row; "not
    true" flips. Score: the fraction judged correctly.

    Example: ``true_false([True, True, False, False])``.
    """
    return _TrueFalse(expected)
