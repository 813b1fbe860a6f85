"""association() and mapping(): a subject bound to an attribute, not just both mentioned.

::

    association("Plot A", "forward KL", conflicts=["reverse KL"])
    association("decoder", "task loss", conflicts=["latent regularizer"])
    mapping({"(a)": "β = 10^-3", "(b)": "β = 10^-6", "(c)": "β = 10^0"})

A binding is a subject and an attribute in the same unit (``within``: ``"clause"``
by default, or ``"sentence"``, ``"item"`` for a whole bullet/line/table row, ``"block"``
for a lead-in line with the bullets under it). Inside a unit that names several
subjects ("Plot A is forward KL, Plot B is reverse KL"), each attribute goes to the
subject it belongs to: the one before it when the unit is written subject-first,
the one after it when written attribute-first ("forward KL (Plot A), reverse KL
(Plot B)"), looking first in the attribute's own clause piece (cut at ":" and ";") and
sentence: in "The decoder sees the task loss: the regularizer does not involve θ_d" the
regularizer belongs to the denied θ_d, not to the decoder. A denial right after the
attribute that points back ("… does not involve it") negates the binding. Other subjects
are the ``others`` given, the other keys of a ``mapping``, lettered siblings of a label
("Plot B" for "Plot A", "(c)" for "(b)") and a few known pairs (encoder/decoder).

A label named with a noun ("Plot B") is not the bare part label of a heading ("### (b)
Reverse vs. Forward KL", "**(b)** …", "Part (b): …"), and it is the first cell of a table
row ("| B | reverse KL |") under a header naming its kind ("| plot | … |"). With
``within="block"``, a lead-in followed only by an unmarked copy of the options ("For
decoder parameters θ_d:" / "task loss" / "latent regularizer") states nothing.

The verdict fails when the subject is bound to a *conflicting* attribute ("Plot A is
reverse KL (mode-seeking)" fails ``Plot A`` ↔ forward KL even if the answer says
"forward KL" elsewhere), and a negated binding never counts ("the decoder does not get
the regularizer" is not decoder ↔ regularizer; it is noted as support when the
regularizer is a conflict). Subjects and attributes are keyword terms (strings,
synonym groups, regexes), so numbers match in any notation: ``β = 10^-6`` matches
``10^{-6}``, ``1e-6``, ``10⁻⁶`` and ``10−6``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from ..verdict import Verdict, shorten
from .base import Deadline, Matcher
from .keywords import Hit, Term, compile_term, find_hits
from .text import CHECKED_MARKS, UNCHECKED_MARKS, Document, TextUnit, negation_cue, normalize

__all__ = ["association", "mapping", "Binding", "LabelTerm", "find_bindings", "shown", "SIBLINGS"]

_LEVELS = ("clause", "sentence", "item", "block")
_LABEL_NOUNS = r"(?:plot|curve|figure|fig|panel|subplot|subfigure|graph|option|experiment|choice)"
_LABEL_SUBJECT = re.compile(r"(?:(?P<noun>" + _LABEL_NOUNS + r")\.?\s*)?\(?\s*(?P<lab>[a-z]|\d{1,2})\s*\)?")
# Words before "(b)" that make it a reference to a part, equation or step rather than a subject.
_NOT_A_SUBJECT = r"(?<!part )(?<!part)(?<!question )(?<!eq\. )(?<!eq )(?<!step )(?<!line )(?<![\d_a-z])"

#: Subjects that come in pairs: naming one makes the other a sibling subject, so an
#: attribute next to the sibling is not bound to the subject.
SIBLINGS: dict[str, tuple[str, ...]] = {
    "encoder": ("decoder", "θ_d"),
    "decoder": ("encoder", "θ_e"),
    "θ_e": ("decoder", "θ_d"),
    "θ_d": ("encoder", "θ_e"),
    "generator": ("discriminator",),
    "discriminator": ("generator",),
    "forward kl": ("reverse kl",),
    "reverse kl": ("forward kl",),
}


def _label_regex(label: str, exclude: bool = False) -> str:
    """Regex for a lettered subject such as "(b)", "Plot B", "Figure (b)".

    With ``exclude``, any *other* single label (a sibling).
    """
    lab = re.escape(label)
    if exclude:
        lab = r"(?!" + lab + r"(?![a-z0-9]))(?:[a-z]|\d{1,2})"
    return (
        _NOT_A_SUBJECT + r"(?:" + _LABEL_NOUNS + r"\.?\s*)?\(\s*" + lab + r"\s*\)"
        r"|(?<![\w])" + _LABEL_NOUNS + r"(?:\.\s*|\s+)" + lab + r"(?![\w(])"  # "Plot A", not the plural "plots"
    )


@dataclass(frozen=True, repr=False)
class LabelTerm(Term):
    """A lettered subject ("Plot A", "(b)"): a term that also knows its labels and the nouns it was named with.

    ``nouns`` is empty when the subject was given as a bare label ("(b)"); when it was
    named with a noun ("Plot B"), a bare "(b)" that labels a section heading is a part,
    not the plot, and a table row whose first cell is just "B" under a "Plot" column is
    the plot.
    """

    labels: tuple[str, ...] = ()
    nouns: tuple[str, ...] = ()


def _subject_term(spec: Any, synonyms: Any) -> tuple[Term, list[str]]:
    """Compile a subject; lettered labels ("(b)", "Plot A") match every way of writing the label.

    Returns the term and the labels it stands for (for sibling detection).
    """
    if isinstance(spec, Term):
        return spec, []
    spellings = [spec] if isinstance(spec, str) else list(spec) if isinstance(spec, (tuple, list)) else None
    if spellings and all(isinstance(s, str) for s in spellings):
        labels = []
        nouns: list[str] = []
        for s in spellings:
            m = _LABEL_SUBJECT.fullmatch(normalize(s).strip())
            if m is None or not (m.group("noun") or "(" in s):
                labels = []
                break
            labels.append(m.group("lab"))
            nouns.append(m.group("noun") or "")
        if labels:
            pattern = "|".join(f"(?:{_label_regex(lab)})" for lab in dict.fromkeys(labels))
            label = spellings[0]
            named = tuple(dict.fromkeys(nouns)) if all(nouns) else ()
            return LabelTerm(label, re.compile(pattern), tuple(spellings), False, tuple(dict.fromkeys(labels)),
                             named), labels
    return compile_term(spec, synonyms), []


def _sibling_terms(subject: Term, labels: list[str], others: Sequence[Term], synonyms: Any) -> list[Term]:
    siblings = list(others)
    if labels:
        pattern = "|".join(f"(?:{_label_regex(lab, exclude=True)})" for lab in dict.fromkeys(labels))
        if len(set(labels)) == 1:
            nouns = subject.nouns if isinstance(subject, LabelTerm) else ()
            # Every other letter is a sibling's label (a table row "| B | … |" under "plot" is Plot B).
            other_letters = tuple(c for c in "abcdefghijklmnopqrstuvwxyz" if c not in labels)
            siblings.append(LabelTerm("another label", re.compile(pattern), (), False, other_letters, nouns))
    for spelling in subject.spellings:
        if not isinstance(spelling, str):
            continue
        key = normalize(spelling).strip()
        for other in SIBLINGS.get(key, ()):
            siblings.append(compile_term(other, synonyms))
    return siblings


@dataclass(frozen=True)
class Binding:
    """A subject occurrence bound to an attribute (or conflict) occurrence in one unit."""

    kind: str  # "attribute" or "conflict"
    subject: Hit
    entity: Hit
    unit: TextUnit
    denied: str | None = None  # a denial after the entity that reaches back to the subject ("… does not involve it")

    @property
    def negated(self) -> bool:
        return self.entity.negated or self.subject.negated or self.denied is not None

    @property
    def cue(self) -> str | None:
        return self.entity.cue or self.subject.cue or self.denied

    def describe(self) -> str:
        return f"{shown(self.subject.text)} ↔ {shown(self.entity.text)}"


@dataclass
class _Found:
    bindings: list[Binding] = field(default_factory=list)
    to_others: list[tuple[Hit, Hit]] = field(default_factory=list)  # (entity, sibling it went to)
    subject_seen: Hit | None = None
    attribute_seen: Hit | None = None
    attribute_echoed: Hit | None = None  # the attribute seen only in an unmarked copy of the options


def _bucket(hits: Iterable[Hit]) -> dict[tuple[int, int], list[Hit]]:
    out: dict[tuple[int, int], list[Hit]] = {}
    for hit in hits:
        out.setdefault((hit.unit.nstart, hit.unit.nend), []).append(hit)
    return out


def _overlaps(a: Hit, b: Hit) -> bool:
    return a.start < b.end and b.start < a.end


def find_bindings(doc: Document, subject: Term, attribute: Term, conflicts: Sequence[Term], others: Sequence[Term],
                  *, level: str = "clause", deadline: Deadline | None = None) -> _Found:
    """Every binding of ``subject`` to ``attribute`` or a conflict in ``doc`` (see the module doc).

    Inside a unit, an entity goes to the nearest subject of the smallest scope that names one:
    its own clause piece (cut at ";" and ":"), then its sentence, then the whole unit. So in
    "The decoder sees the task loss: the regularizer does not involve θ_d" the regularizer
    belongs to the denied θ_d, not to the decoder before the colon.
    """
    found = _Found()
    if level == "clause":
        level = "clause_or_row"  # the cells of a table row belong together
    subject_hits = _label_hits(doc, subject, level, deadline, post=False)
    found.subject_seen = subject_hits[0] if subject_hits else None
    by_unit = _bucket(subject_hits)
    echoes = _option_echo_items(doc) if level == "block" else []
    all_attr_hits = find_hits(doc, attribute, level=level, deadline=deadline, limit=500)
    attr_hits = _bucket(_outside(all_attr_hits, echoes))
    if echoes and all_attr_hits and not attr_hits:
        found.attribute_echoed = all_attr_hits[0]
    conflict_hits = [_bucket(_outside(find_hits(doc, c, level=level, deadline=deadline, limit=500), echoes))
                     for c in conflicts]
    other_hits = [_bucket(_label_hits(doc, o, level, deadline, post=False)) for o in others]
    for key in attr_hits:
        found.attribute_seen = found.attribute_seen or attr_hits[key][0]
    # Units naming a sibling but not the subject still show where an attribute went.
    keys = list(by_unit) + [k for bucket in other_hits for k in bucket if k not in by_unit]
    for key in dict.fromkeys(keys):
        if deadline is not None:
            deadline.check()
        subjects = by_unit.get(key, [])
        if not subjects and key not in attr_hits:
            continue
        unit = (subjects or next(b[key] for b in other_hits if key in b))[0].unit
        attrs = [h for h in attr_hits.get(key, []) if not any(_overlaps(h, s) for s in subjects)]
        confs = []
        for bucket in conflict_hits:
            for h in bucket.get(key, []):
                if not any(_overlaps(h, x) for x in attrs + subjects + confs):
                    confs.append(h)
        sibs = []
        for bucket in other_hits:
            for h in bucket.get(key, []):
                if not any(_overlaps(h, x) for x in subjects + attrs + confs + sibs):
                    sibs.append(h)
        entities = sorted([("attribute", h) for h in attrs] + [("conflict", h) for h in confs], key=lambda e: e[1].start)
        if not entities:
            continue
        anchors = sorted([("subject", h) for h in subjects] + [("other", h) for h in sibs], key=lambda a: a[1].start)
        scopes = _scopes(doc, unit)
        for kind, entity in entities:
            anchor, forward = _anchor_for(entity, entities, anchors, scopes, unit.norm)
            if anchor is None:
                continue
            if anchor[0] == "subject":
                # A denial right after the entity reaches back to a subject named before it
                # ("… the task loss: the regularizer does not involve it").
                denied = _denial_after(unit.norm, entity.end) if forward else None
                found.bindings.append(Binding(kind, anchor[1], entity, unit, denied))
            elif kind == "attribute":
                found.to_others.append((entity, anchor[1]))
    return found


def _choose(entity: Hit, entities: Sequence[tuple[str, Hit]], anchors: Sequence[tuple[str, Hit]]
            ) -> tuple[tuple[str, Hit] | None, bool]:
    """The anchor an entity belongs to among ``anchors`` (all in one scope), and whether it precedes the entity.

    Written subject-first ("Plot A is forward KL"), an entity takes the anchor before it;
    written attribute-first ("forward KL (Plot A)"), the one after it.
    """
    if not anchors:
        return None, False
    subject_first = anchors[0][1].start < entities[0][1].start if entities else True
    before = [a for a in anchors if a[1].end <= entity.start]
    after = [a for a in anchors if a[1].start >= entity.end]
    if subject_first:
        if before:
            return before[-1], True
        return (after[0], False) if after else (None, False)
    if after:
        return after[0], False
    return (before[-1], True) if before else (None, False)


def _anchor_for(entity: Hit, entities: Sequence[tuple[str, Hit]], anchors: Sequence[tuple[str, Hit]],
                scopes: Sequence[Sequence[tuple[int, int]]], norm: str) -> tuple[tuple[str, Hit] | None, bool]:
    """The anchor of ``entity``: from the smallest scope around it that holds one, else from the whole unit.

    An entity owned by a possessive ("matrix B's randomness") belongs to what comes before it,
    so no anchor later in its scope may claim it; the whole unit decides.
    """
    if _POSSESSIVE_BEFORE.search(norm, max(0, entity.start - 4), entity.start):
        scopes = ()
    for spans in scopes:
        span = next(((a, b) for a, b in spans if a <= entity.start < b), None)
        if span is None:
            continue
        a, b = span
        local = [x for x in anchors if a <= x[1].start and x[1].end <= b and _local_anchor(norm, x, entity, b)]
        if local:
            local_entities = [e for e in entities if a <= e[1].start < b]
            return _choose(entity, local_entities, local)
    return _choose(entity, entities, anchors)


_PIECE_BREAK = re.compile(r"[;:](?=\s)")
_POSSESSIVE_BEFORE = re.compile(r"\w['’]s[ \t]+$")


def _scopes(doc: Document, unit: TextUnit) -> list[list[tuple[int, int]]]:
    """Spans (in ``unit.norm``) of the unit's clause pieces and of its sentences, smallest first."""
    n = len(unit.norm)
    sentence_cuts = [0]
    if unit.kind != "row":
        sentences = doc.sentences()
        starts = doc.starts("sentence")
        k = bisect_right(starts, unit.nstart)
        while k < len(sentences) and sentences[k].nstart < unit.nstart + n:
            sentence_cuts.append(sentences[k].nstart - unit.nstart)
            k += 1
    sentence_cuts.append(n)
    sentences = [(a, b) for a, b in zip(sentence_cuts, sentence_cuts[1:]) if b > a]
    pieces: list[tuple[int, int]] = []
    for a, b in sentences:
        cuts = [a] + [m.end() for m in _PIECE_BREAK.finditer(unit.norm, a, b)] + [b]
        pieces.extend((x, y) for x, y in zip(cuts, cuts[1:]) if y > x)
    return [pieces, sentences]


def _local_anchor(norm: str, anchor: tuple[str, Hit], entity: Hit, scope_end: int) -> bool:
    """Whether ``anchor`` may claim ``entity`` inside their shared scope.

    Not a sibling that is itself negated ("…, unlike Plot B"), not one in a parenthetical aside
    ("(which depends only on the encoder)"), and not the lead-in of the next piece ("… decoder θ_d:").
    """
    kind, hit = anchor
    if kind == "other" and hit.negated:
        return False
    if _in_aside(norm, hit, entity):
        return False
    tail = norm[hit.end:scope_end]
    if tail.rstrip().endswith(":") and len(tail.rstrip()[:-1].split()) <= 2 and entity.start < hit.start:
        return False
    return True


# A parenthetical aside: "(which depends only on the encoder)", "(as it depends on μ, σ)".
_ASIDE_OPENER = re.compile(r"\([ \t]*(?:which|that|who|whose|as|since|because|i\.e\.|e\.g\.|see|like|unlike|via|where|when|"
                           r"not|rather|unlike|versus|vs\.?|compared)(?![a-z])")


def _in_aside(norm: str, anchor: Hit, entity: Hit) -> bool:
    """Whether ``anchor`` sits in a parenthetical aside that does not hold ``entity`` (it is no local anchor)."""
    open_at = norm.rfind("(", max(0, anchor.start - 120), anchor.start)
    if open_at < 0 or ")" in norm[open_at:anchor.start]:
        return False
    if not _ASIDE_OPENER.match(norm, open_at):
        return False
    close_at = norm.find(")", anchor.end)
    return not (open_at < entity.start and (close_at < 0 or entity.end <= close_at))


_DENIAL_AFTER = re.compile(
    r"[ \t]*(?:\([^()\n]{0,80}\)[ \t]*)?,?[ \t]*"
    r"(?:(?:does|do|did|will|would|can|could|should)[ \t]*(?:not|n't)|doesn't|don't|didn't|won't|cannot|can't|never"
    r"|(?:has|have|plays?|gives?|sends?|provides?|contributes?)[ \t]+(?:no|zero|nothing)"
    r"|(?:is|are)[ \t]+(?:not|independent[ \t]+of|unrelated[ \t]+to)|isn't|aren't)"
    r"(?:[ \t]+[a-z_'-]+){0,4}?[ \t]+(?:it|them|these|those|its|their)(?![a-z])"
)


def _denial_after(norm: str, at: int) -> str | None:
    """A denial right after an entity whose object refers back to the subject ("does not involve them")."""
    m = _DENIAL_AFTER.match(norm, at)
    return m.group(0).strip() if m else None


# -- label subjects: part headings and table rows -------------------------------------------------

_HEADING_LINE = re.compile(r"[ \t]*(?:#{1,6}[ \t]+|(?:\*\*|__)[ \t]*(?:part[ \t]*)?\(?[a-z]\)[.:]?[ \t]*(?:\*\*|__)"
                           r"|part[ \t]*\(?[a-z]\)?[ \t]*[.:])", re.I)
_TERMINAL = re.compile(r"[.!?;][\s*_)\"']*$")
_TABLE_SEPARATOR_LINE = re.compile(r"[ \t]*(?:\|[ \t]*)?:?-{2,}:?(?:[ \t]*\|[ \t]*:?-{2,}:?)*[ \t]*(?:\|[ \t]*)?")
_NOUN_FAMILY = {"plot": "figure", "figure": "figure", "fig": "figure", "panel": "figure", "subplot": "figure",
                "subfigure": "figure", "graph": "figure", "curve": "figure"}


def _is_part_heading(doc: Document, hit: Hit) -> bool:
    """Whether a bare label hit ("(b)") labels a section heading rather than naming a plot.

    Headings are Markdown headings ("### (b) Reverse vs. Forward KL"), a bold label opening a
    title line ("**(b)** Reverse vs. Forward KL") and "Part (b): …".
    """
    if hit.unit.norm[hit.start:hit.start + 1] != "(":
        return False  # "Plot B" written out: the subject itself
    item = doc.unit_at("item", hit.unit.nstart + hit.start)
    if item is None:
        return False
    if item.kind == "heading":
        return True
    if item.norm[:hit.unit.nstart + hit.start - item.nstart].strip() not in ("", "part"):
        return False  # not the label the line opens with
    line = item.text.split("\n", 1)[0]
    head = _HEADING_LINE.match(line)
    if head is None:
        return False
    rest = line[head.end():].strip()
    # A short title with no sentence end: the line only names the part.
    return not _TERMINAL.search(rest) and len(rest.split()) <= 12


def _label_hits(doc: Document, term: Term, level: str, deadline: Deadline | None, *, post: bool) -> list[Hit]:
    """Hits of a subject term; for a label named with a noun ("Plot B"), without heading labels and with table rows."""
    hits = find_hits(doc, term, level=level, deadline=deadline, post=post, limit=500)
    if not isinstance(term, LabelTerm) or not term.nouns:
        return hits
    hits = [h for h in hits if not _is_part_heading(doc, h)]
    if term.labels:
        rows = _table_row_hits(doc, term, level, deadline)
        if rows:
            taken = {h.unit.nstart + h.start for h in hits}
            hits = sorted(hits + [r for r in rows if r.unit.nstart + r.start not in taken],
                          key=lambda h: (h.unit.nstart + h.start))
    return hits


def _first_cell(row: TextUnit) -> tuple[int, int] | None:
    """Original offsets of the first cell's text in a table row."""
    text = row.text
    at = 1 if text.startswith("|") else 0
    end = text.find("|", at)
    if end < 0:
        return None
    a, b = at, end
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return (row.start + a, row.start + b) if b > a else None


def _table_row_hits(doc: Document, term: LabelTerm, level: str, deadline: Deadline | None,
                    limit: int = 500) -> list[Hit]:
    """Rows whose first cell is just the label ("| A | forward KL |") under a header naming the noun ("| plot | … |")."""
    families = {_NOUN_FAMILY.get(n, n) for n in term.nouns}
    hits: list[Hit] = []
    header: TextUnit | None = None
    header_names_noun = False
    previous: TextUnit | None = None
    for count, item in enumerate(doc.items()):
        if deadline is not None and count % 1024 == 0:
            deadline.check()
        if len(hits) >= limit:
            break
        if item.kind != "row":
            header = previous = None
            continue
        if previous is None:
            header = item
        else:
            # The same table only when nothing but separator lines ("|---|---|") stands between the rows.
            lines = doc.text[previous.end:item.start].split("\n")[1:-1]
            if not all(_TABLE_SEPARATOR_LINE.fullmatch(x) and "-" in x for x in lines):
                header = item
        previous = item
        if item is header:
            head_cell = _first_cell(header)
            head_word = normalize(doc.text[head_cell[0]:head_cell[1]]).strip(" *_.:") if head_cell else ""
            head_word = head_word[:-1] if head_word.endswith("s") else head_word  # "plots"
            header_names_noun = _NOUN_FAMILY.get(head_word, head_word) in families
            continue
        if not header_names_noun:
            continue
        cell = _first_cell(item)
        if cell is None:
            continue
        a, b = doc.norm.normalized_span(*cell)
        label = doc.norm.text[a:b].strip()
        if label not in term.labels:
            continue
        unit = doc.unit_at(level, a)
        if unit is None:
            continue
        start, end = a - unit.nstart, b - unit.nstart
        cue = negation_cue(unit.norm, (start, end), post=False)
        hits.append(Hit(term, unit, start, end, cue))
    return hits


# -- unmarked option lists ----------------------------------------------------------------------

_MARKS = tuple(CHECKED_MARKS) + tuple(UNCHECKED_MARKS) + ("[X]", "**", "__")
_BARE_OPTION = re.compile(r"[a-zα-ω_][a-zα-ω_ '/()-]{0,39}")


def _option_echo_items(doc: Document) -> list[tuple[int, int]]:
    """Normalized spans of items that repeat a question's options with no mark under a lead-in.

    "For decoder parameters θ_d:" followed by the lines "task loss" and "latent regularizer"
    (no ☒, [x], ✓ or bold anywhere) copies the options without choosing: it states nothing.
    """
    spans: list[tuple[int, int]] = []
    all_items = doc.items()
    item_starts = [u.start for u in all_items]
    for block in doc.blocks():
        if block.text.count("\n") < 2:
            continue  # a lead-in and two listed lines at least
        k = bisect_left(item_starts, block.start)
        items = []
        while k < len(all_items) and all_items[k].end <= block.end:
            items.append(all_items[k])
            k += 1
        if len(items) < 3 or not items[0].text.rstrip("*_ ").endswith(":"):
            continue
        if any(mark in block.text for mark in _MARKS):
            continue
        listed = items[1:]
        bare = [u for u in listed if _BARE_OPTION.fullmatch(u.norm) and len(u.norm.split()) <= 5]
        if len(bare) >= 2 and len(bare) == len(listed):
            spans.extend((u.nstart, u.nend) for u in bare)
    return spans


def _outside(hits: list[Hit], spans: Sequence[tuple[int, int]]) -> list[Hit]:
    """The hits that do not fall inside any of ``spans`` (normalized document offsets)."""
    if not spans:
        return hits
    return [h for h in hits if not any(a <= h.unit.nstart + h.start < b for a, b in spans)]


# -- showing spans ------------------------------------------------------------------------------

_EDGE_MARKUP = ("**", "__", "*", "`", "~~")


def shown(text: str) -> str:
    """A matched span as quoted in a message: without emphasis markers at its edges ("reverse KL**").

    Underscores go only around text with a space in it ("__reverse KL__"): "__init__" and
    "zeros_" are identifiers.
    """
    text = text.strip().strip("*`~").strip()
    while text.startswith("_") and text.endswith("_") and len(text) > 2 and " " in text.strip("_"):
        text = text[1:-1].strip()
    return text.strip("*`~").strip()


def _evidence(text: str) -> str:
    """A unit as evidence: emphasis markers left open at its edges by a clause cut are dropped."""
    text = text.strip()
    for marker in _EDGE_MARKUP:
        count = text.count(marker) if marker != "*" else text.replace("**", "").count("*")
        if count % 2 == 1:
            if text.endswith(marker):
                text = text[:-len(marker)].rstrip()
            elif text.startswith(marker):
                text = text[len(marker):].lstrip()
    return text


def _subject_shown(binding: Binding, subject: Term) -> str:
    """How a message names the subject of a binding: as written, or "Plot A (row 'A')" for a table row label."""
    written = shown(binding.subject.text)
    if isinstance(subject, LabelTerm) and len(written) == 1:
        return f"{subject.label} (row {written!r})"
    return written


def _judge(found: _Found, subject: Term, attribute: Term, conflicts: Sequence[Term]) -> Verdict:
    """The verdict for one subject ↔ attribute pair from its bindings."""
    expected = f"{subject.label} ↔ {attribute.label}"
    affirmed = [b for b in found.bindings if b.kind == "attribute" and not b.negated]
    clashing = [b for b in found.bindings if b.kind == "conflict" and not b.negated]
    negated = [b for b in found.bindings if b.kind == "attribute" and b.negated]
    ruled_out = [b for b in found.bindings if b.kind == "conflict" and b.negated]
    details = {
        "bindings": [{"kind": b.kind, "pair": b.describe(), "negated": b.negated, "cue": b.cue,
                      "evidence": _evidence(b.unit.text)} for b in found.bindings],
    }
    if clashing:
        b = clashing[0]
        also = ""
        if affirmed:
            also = f" (it also binds it to {attribute.label} in \"{shorten(_evidence(affirmed[0].unit.text), 80)}\")"
        return Verdict.fail(
            f"expected {expected}; the answer binds {_subject_shown(b, subject)} to {shown(b.entity.text)!r}, "
            f"which conflicts with {attribute.label}{also}",
            evidence=_evidence(b.unit.text), expected=expected, found=f"{subject.label} ↔ {shown(b.entity.text)}",
            details=details)
    if affirmed:
        b = affirmed[0]
        note = ""
        if ruled_out:
            note = f", and rules out {shown(ruled_out[0].entity.text)!r} ({ruled_out[0].cue!r})"
        return Verdict.ok(f"binds {_subject_shown(b, subject)} to {shown(b.entity.text)!r}{note}",
                          evidence=_evidence(b.unit.text), expected=expected,
                          found=f"{subject.label} ↔ {shown(b.entity.text)}", details=details)
    if negated:
        b = negated[0]
        return Verdict.fail(
            f"expected {expected}; the answer binds {_subject_shown(b, subject)} to {shown(b.entity.text)!r} only in "
            f"a negated context ({b.cue!r})",
            evidence=_evidence(b.unit.text), expected=expected, found="only negated", details=details)
    if found.to_others:
        entity, other = found.to_others[0]
        owner = shown(other.text)
        owner = f"the row {owner!r}" if len(owner) == 1 else owner
        return Verdict.fail(
            f"expected {expected}; the answer binds {shown(entity.text)!r} to {owner}, not to {subject.label}",
            evidence=_evidence(entity.unit.text), expected=expected, found=f"{owner} ↔ {shown(entity.text)}",
            details=details)
    if found.subject_seen is None:
        return Verdict.fail(f"expected {expected}; the answer never mentions {subject.label}", expected=expected,
                            found=f"no {subject.label}", details=details)
    if found.attribute_seen is not None:
        return Verdict.fail(
            f"expected {expected}; the answer mentions {subject.label} and {attribute.label} but never in the same "
            f"unit", evidence=_evidence(found.subject_seen.unit.text), expected=expected, found="not bound",
            details=details)
    if found.attribute_echoed is not None:
        # The attribute is there, but only as a copy of the question's options with nothing marked.
        return Verdict.fail(
            f"expected {expected}; {attribute.label} appears only in an unmarked list of the options (no ☒, [x], ✓ "
            f"or bold), which selects nothing", evidence=_evidence(found.attribute_echoed.unit.text),
            expected=expected, found="only an unmarked option list", details=details)
    return Verdict.fail(f"expected {expected}; the answer never states {attribute.label}",
                        evidence=_evidence(found.subject_seen.unit.text), expected=expected,
                        found=f"no {attribute.label}", details=details)


def _check_level(within: str) -> str:
    if within not in _LEVELS:
        raise ValueError(f"within must be one of {', '.join(_LEVELS)}, not {within!r}")
    return within


def _terms(specs: Any, synonyms: Any) -> list[Term]:
    if specs is None:
        return []
    if isinstance(specs, (str, Term, re.Pattern)):
        specs = [specs]
    return [compile_term(s, synonyms) for s in specs]


class _Association(Matcher):
    name = "association"

    def __init__(self, subject: Any, attribute: Any, conflicts: Any, within: str, others: Any, synonyms: Any) -> None:
        super().__init__(subject=subject, attribute=attribute, conflicts=list(conflicts) if conflicts else None,
                         within=within if within != "clause" else None, others=list(others) if others else None,
                         synonyms=synonyms)
        self.level = _check_level(within)
        self.subject, labels = _subject_term(subject, synonyms)
        self.attribute = compile_term(attribute, synonyms)
        self.conflicts = _terms(conflicts, synonyms)
        explicit_others = [(_subject_term(o, synonyms)[0]) for o in (others or ())]
        self.others = _sibling_terms(self.subject, labels, explicit_others, synonyms)

    def check(self, answer: str) -> Verdict:
        deadline = Deadline(what="association: answer too large to scan in time")
        doc = Document(answer, deadline=deadline)
        found = find_bindings(doc, self.subject, self.attribute, self.conflicts, self.others, level=self.level,
                              deadline=deadline)
        # The loops check the budget only every few hundred steps, so a busy machine can carry
        # a read past it; the budget is the contract (answer within it or give up), so give up.
        deadline.check()
        return _judge(found, self.subject, self.attribute, self.conflicts)


def association(subject: Any, attribute: Any, *, conflicts: Any = (), within: str = "clause", others: Any = (),
                synonyms: Any = None) -> Matcher:
    """Pass when the answer binds ``subject`` to ``attribute`` and never to a conflicting attribute.

    ``subject``/``attribute``/``conflicts``/``others`` are keyword terms (phrases, synonym
    groups, regexes). ``within`` is the unit a binding must sit in: ``"clause"``
    (default), ``"sentence"``, ``"item"`` (a bullet, line or table row) or ``"block"`` (a
    lead-in with the bullets under it). ``others`` are sibling subjects whose
    attributes must not be credited to ``subject`` (lettered labels and encoder/decoder
    get theirs automatically).

    Example: ``association("Plot A", "forward KL", conflicts=["reverse KL", "mode-seeking"])``.
    """
    return _Association(subject, attribute, conflicts, within, others, synonyms)


class _Mapping(Matcher):
    name = "mapping"

    def __init__(self, pairs: Mapping[Any, Any], conflicts: Any, within: str, synonyms: Any) -> None:
        if not isinstance(pairs, Mapping) or not pairs:
            raise ValueError("mapping() needs a non-empty dict {subject: attribute}")
        super().__init__(pairs=dict(pairs), conflicts=conflicts, within=within if within != "clause" else None,
                         synonyms=synonyms)
        self.level = _check_level(within)
        compiled = []
        for subject, attribute in pairs.items():
            term, labels = _subject_term(subject, synonyms)
            compiled.append((subject, term, labels, compile_term(attribute, synonyms), attribute))
        self.pairs = []
        for index, (subject, term, labels, attr, attr_spec) in enumerate(compiled):
            others = [t for j, (_, t, _, _, _) in enumerate(compiled) if j != index]
            siblings = _sibling_terms(term, labels, others, synonyms)
            if conflicts is None:
                # By default the other pairs' attributes conflict ("(a) ↔ β = 10^-6" is wrong when (b) has it).
                own = normalize(str(attr_spec)).strip()
                conflict_terms = [a for j, (_, _, _, a, spec) in enumerate(compiled)
                                  if j != index and normalize(str(spec)).strip() != own]
            elif isinstance(conflicts, Mapping):
                conflict_terms = _terms(conflicts.get(subject, ()), synonyms)
            else:
                conflict_terms = _terms(conflicts, synonyms)
            self.pairs.append((term, attr, conflict_terms, siblings))

    def check(self, answer: str) -> Verdict:
        deadline = Deadline(what="mapping: answer too large to scan in time")
        doc = Document(answer, deadline=deadline)
        verdicts = []
        for subject, attribute, conflicts, siblings in self.pairs:
            found = find_bindings(doc, subject, attribute, conflicts, siblings, level=self.level, deadline=deadline)
            verdicts.append((subject, attribute, _judge(found, subject, attribute, conflicts)))
        deadline.check()  # as in association(): a read that ran past the budget gives up
        passed = [v for _, _, v in verdicts if v.passed]
        score = len(passed) / len(verdicts)
        lines = [f"{s.label} ↔ {a.label}: {'ok' if v.passed else v.explanation}" for s, a, v in verdicts]
        expected = "; ".join(f"{s.label} ↔ {a.label}" for s, a, _ in verdicts)
        found = "; ".join(v.found or "?" for _, _, v in verdicts)
        details = {"pairs": [{"pair": f"{s.label} ↔ {a.label}", "passed": v.passed, "explanation": v.explanation,
                              "evidence": v.evidence} for s, a, v in verdicts]}
        if len(passed) == len(verdicts):
            evidence = " … ".join(dict.fromkeys(v.evidence for _, _, v in verdicts if v.evidence))
            return Verdict.ok(f"binds all {len(verdicts)} pairs: " + "; ".join(
                f"{s.label} ↔ {a.label}" for s, a, _ in verdicts), evidence=evidence or None,
                expected=expected, found=found, details=details)
        failing = [(s, a, v) for s, a, v in verdicts if not v.passed]
        return Verdict.fail(
            f"{len(failing)} of {len(verdicts)} pairs not bound as expected: " + " | ".join(
                f"{s.label} ↔ {a.label}: {v.explanation}" for s, a, v in failing),
            evidence=failing[0][2].evidence, score=score, expected=expected, found=found, details=details)


def mapping(pairs: Mapping[Any, Any], *, conflicts: Any = None, within: str = "clause", synonyms: Any = None) -> Matcher:
    """Pass when every ``{subject: attribute}`` pair is bound (see :func:`association`); reports each pair.

    By default each subject's conflicts are the *other* pairs' attributes, so an answer
    that swaps two pairs fails both; pass ``conflicts`` as a list (for every subject), a
    dict ``{subject: [...]}``, or ``{}`` for none. Subjects are each other's siblings.
    Score: the fraction of pairs bound.

    Example: ``mapping({"Plot A": "forward KL", "Plot B": "reverse KL"})``.
    """
    return _Mapping(pairs, conflicts, within, synonyms)
