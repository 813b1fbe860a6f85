"""The outcome of checking one concept against one answer."""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Verdict:
    """What a matcher concluded about an answer.

    ``passed`` is the grade; ``score`` is the fraction of credit in ``[0, 1]`` (a
    partial-credit composition may pass with less than 1). ``evidence`` is the span
    of the answer the decision rests on (the sentence that stated the concept, the
    number that was extracted, the option that was picked) and ``explanation`` says
    in a sentence why the verdict is what it is. ``expected`` and ``found`` are short
    renderings used by failure messages ("expected d_model**(-0.5), found d_model**0.5").
    ``section`` names the part of a multi-part answer that was graded.

    ``gave_up`` marks the third outcome: the matcher stopped before it had read the
    whole answer (out of time, too many formulas, an answer too large to scan). Such a
    verdict neither passes nor fails the concept: it is reported as an *error*, earns no
    credit, and no composition may turn it into a pass (``not_`` keeps it as it is).
    """

    passed: bool
    score: float = 0.0
    explanation: str = ""
    evidence: str | None = None
    expected: str | None = None
    found: str | None = None
    answer: str = ""
    section: str | None = None
    details: dict = field(default_factory=dict)
    gave_up: bool = False

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score must be within [0, 1], got {self.score!r}")
        if self.gave_up and (self.passed or self.score):
            raise ValueError("a verdict that gave up can neither pass nor earn credit")

    @classmethod
    def ok(cls, explanation: str, *, evidence: str | None = None, score: float = 1.0, **kw) -> "Verdict":
        """A passing verdict (full credit unless ``score`` says otherwise)."""
        return cls(True, score, explanation, evidence, **kw)

    @classmethod
    def fail(cls, explanation: str, *, evidence: str | None = None, score: float = 0.0, **kw) -> "Verdict":
        """A failing verdict (no credit unless ``score`` says otherwise)."""
        return cls(False, score, explanation, evidence, **kw)

    @classmethod
    def give_up(cls, explanation: str, *, evidence: str | None = None, **kw) -> "Verdict":
        """The matcher could not read the whole answer: neither a pass nor a fail (an error)."""
        return cls(False, 0.0, explanation, evidence, gave_up=True, **kw)

    @property
    def status(self) -> str:
        """``"passed"``, ``"failed"`` or ``"error"`` (the matcher gave up)."""
        return "error" if self.gave_up else ("passed" if self.passed else "failed")

    def with_answer(self, answer: str, section: str | None = None) -> "Verdict":
        """This verdict with the graded text (and section label) attached."""
        return replace(self, answer=answer, section=section if section is not None else self.section)

    def negated(self, explanation: str | None = None) -> "Verdict":
        """The opposite verdict, used by ``not_()``; a verdict that gave up stays as it is."""
        if self.gave_up:
            return self
        return replace(
            self,
            passed=not self.passed,
            score=1.0 - self.score if self.score in (0.0, 1.0) else (0.0 if self.passed else 1.0),
            explanation=explanation or f"NOT({self.explanation})",
        )

    def summary(self) -> str:
        """One line: what was expected, what was found, and why."""
        parts = [self.explanation]
        if self.expected is not None:
            parts.append(f"expected: {self.expected}")
        if self.found is not None:
            parts.append(f"found: {self.found}")
        if self.evidence:
            parts.append(f"evidence: {shorten(self.evidence, 160)!r}")
        return "; ".join(p for p in parts if p)


def shorten(text: str, width: int) -> str:
    """Collapse whitespace and cut ``text`` to ``width`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: max(0, width - 1)] + "…"
