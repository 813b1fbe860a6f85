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
(Plot B)"). Other subjects are the ``others`` given, the other keys of a ``mapping``,
lettered siblings of a label ("Plot B" for "Plot A", "(c)" for "(b)") and a few known
pairs (encoder/decoder).

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
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from ..verdict import Verdict, shorten
from .base import DEFAULT_TIME_BUDGET_S, Deadline, Matcher
from .keywords import Hit, Term, compile_term, find_hits
from .text import Document, TextUnit, normalize

__all__ = ["association", "mapping", "Binding", "find_bindings", "SIBLINGS"]

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
        r"|(?<![\w])" + _LABEL_NOUNS + r"\.?\s*" + lab + r"(?![\w(])"
    )


def _subject_term(spec: Any, synonyms: Any) -> tuple[Term, list[str]]:
    """Compile a subject; lettered labels ("(b)", "Plot A") match every way of writing the label.

    Returns the term and the labels it stands for (for sibling detection).
    """
    if isinstance(spec, Term):
        return spec, []
    spellings = [spec] if isinstance(spec, str) else list(spec) if isinstance(spec, (tuple, list)) else None
    if spellings and all(isinstance(s, str) for s in spellings):
        labels = []
        for s in spellings:
            m = _LABEL_SUBJECT.fullmatch(normalize(s).strip())
            if m is None or not (m.group("noun") or "(" in s):
                labels = []
                break
            labels.append(m.group("lab"))
        if labels:
            pattern = "|".join(f"(?:{_label_regex(lab)})" for lab in dict.fromkeys(labels))
            label = spellings[0]
            return Term(label, re.compile(pattern), tuple(spellings)), labels
    return compile_term(spec, synonyms), []


def _sibling_terms(subject: Term, labels: list[str], others: Sequence[Term], synonyms: Any) -> list[Term]:
    siblings = list(others)
    if labels:
        pattern = "|".join(f"(?:{_label_regex(lab, exclude=True)})" for lab in dict.fromkeys(labels))
        if len(set(labels)) == 1:
            siblings.append(Term("another label", re.compile(pattern), ()))
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

    @property
    def negated(self) -> bool:
        return self.entity.negated or self.subject.negated

    @property
    def cue(self) -> str | None:
        return self.entity.cue or self.subject.cue

    def describe(self) -> str:
        return f"{self.subject.text!s} ↔ {self.entity.text!s}"


@dataclass
class _Found:
    bindings: list[Binding] = field(default_factory=list)
    to_others: list[tuple[Hit, Hit]] = field(default_factory=list)  # (entity, sibling it went to)
    subject_seen: Hit | None = None
    attribute_seen: Hit | None = None


def _bucket(hits: Iterable[Hit]) -> dict[tuple[int, int], list[Hit]]:
    out: dict[tuple[int, int], list[Hit]] = {}
    for hit in hits:
        out.setdefault((hit.unit.nstart, hit.unit.nend), []).append(hit)
    return out


def _overlaps(a: Hit, b: Hit) -> bool:
    return a.start < b.end and b.start < a.end


def find_bindings(doc: Document, subject: Term, attribute: Term, conflicts: Sequence[Term], others: Sequence[Term],
                  *, level: str = "clause", deadline: Deadline | None = None) -> _Found:
    """Every binding of ``subject`` to ``attribute`` or a conflict in ``doc`` (see the module doc)."""
    found = _Found()
    if level == "clause":
        level = "clause_or_row"  # the cells of a table row belong together
    subject_hits = find_hits(doc, subject, level=level, deadline=deadline, post=False, limit=500)
    found.subject_seen = subject_hits[0] if subject_hits else None
    by_unit = _bucket(subject_hits)
    attr_hits = _bucket(find_hits(doc, attribute, level=level, deadline=deadline, limit=500))
    conflict_hits = [_bucket(find_hits(doc, c, level=level, deadline=deadline, limit=500)) for c in conflicts]
    other_hits = [_bucket(find_hits(doc, o, level=level, deadline=deadline, post=False, limit=500)) for o in others]
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
        subject_first = anchors[0][1].start < entities[0][1].start
        for kind, entity in entities:
            before = [a for a in anchors if a[1].end <= entity.start]
            after = [a for a in anchors if a[1].start >= entity.end]
            if subject_first:
                anchor = before[-1] if before else (after[0] if after else None)
            else:
                anchor = after[0] if after else (before[-1] if before else None)
            if anchor is None:
                continue
            if anchor[0] == "subject":
                found.bindings.append(Binding(kind, anchor[1], entity, unit))
            elif kind == "attribute":
                found.to_others.append((entity, anchor[1]))
    return found


def _judge(found: _Found, subject: Term, attribute: Term, conflicts: Sequence[Term]) -> Verdict:
    """The verdict for one subject ↔ attribute pair from its bindings."""
    expected = f"{subject.label} ↔ {attribute.label}"
    affirmed = [b for b in found.bindings if b.kind == "attribute" and not b.negated]
    clashing = [b for b in found.bindings if b.kind == "conflict" and not b.negated]
    negated = [b for b in found.bindings if b.kind == "attribute" and b.negated]
    ruled_out = [b for b in found.bindings if b.kind == "conflict" and b.negated]
    details = {
        "bindings": [{"kind": b.kind, "pair": b.describe(), "negated": b.negated, "cue": b.cue, "evidence": b.unit.text}
                     for b in found.bindings],
    }
    if clashing:
        b = clashing[0]
        also = f" (it also binds it to {attribute.label} in \"{shorten(affirmed[0].unit.text, 80)}\")" if affirmed else ""
        return Verdict.fail(
            f"expected {expected}; the answer binds {b.subject.text} to {b.entity.text!r}, which conflicts with "
            f"{attribute.label}{also}",
            evidence=b.unit.text, expected=expected, found=f"{subject.label} ↔ {b.entity.text}", details=details)
    if affirmed:
        b = affirmed[0]
        note = ""
        if ruled_out:
            note = f", and rules out {ruled_out[0].entity.text!r} ({ruled_out[0].cue!r})"
        return Verdict.ok(f"binds {b.subject.text} to {b.entity.text!r}{note}", evidence=b.unit.text,
                          expected=expected, found=f"{subject.label} ↔ {b.entity.text}", details=details)
    if negated:
        b = negated[0]
        return Verdict.fail(
            f"expected {expected}; the answer binds {b.subject.text} to {b.entity.text!r} only in a negated "
            f"context ({b.cue!r})", evidence=b.unit.text, expected=expected, found="only negated", details=details)
    if found.to_others:
        entity, other = found.to_others[0]
        return Verdict.fail(
            f"expected {expected}; the answer binds {entity.text!r} to {other.text}, not to {subject.label}",
            evidence=entity.unit.text, expected=expected, found=f"{other.text} ↔ {entity.text}", details=details)
    if found.subject_seen is None:
        return Verdict.fail(f"expected {expected}; the answer never mentions {subject.label}", expected=expected,
                            found=f"no {subject.label}", details=details)
    if found.attribute_seen is not None:
        return Verdict.fail(
            f"expected {expected}; the answer mentions {subject.label} and {attribute.label} but never in the same "
            f"unit", evidence=found.subject_seen.unit.text, expected=expected, found="not bound", details=details)
    return Verdict.fail(f"expected {expected}; the answer never states {attribute.label}",
                        evidence=found.subject_seen.unit.text, expected=expected,
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
        deadline = Deadline(DEFAULT_TIME_BUDGET_S, "association: answer too large to scan in time")
        doc = Document(answer, deadline=deadline)
        found = find_bindings(doc, self.subject, self.attribute, self.conflicts, self.others, level=self.level,
                              deadline=deadline)
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
        deadline = Deadline(DEFAULT_TIME_BUDGET_S, "mapping: answer too large to scan in time")
        doc = Document(answer, deadline=deadline)
        verdicts = []
        for subject, attribute, conflicts, siblings in self.pairs:
            found = find_bindings(doc, subject, attribute, conflicts, siblings, level=self.level, deadline=deadline)
            verdicts.append((subject, attribute, _judge(found, subject, attribute, conflicts)))
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
