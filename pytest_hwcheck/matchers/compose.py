"""Composition: all_of / any_of / not_ over matchers, with partial credit.

``all_of(a, b)`` passes when every matcher passes and scores the mean of their
scores, so a concept made of several checks earns partial credit;
``any_of(a, b)`` passes when one does and takes the best; ``not_(m)`` passes when
``m`` fails (use it for a wrong twin: ``not_(keywords(any_of=["learning rate"]))``).

A sub-matcher that *gave up* (see :attr:`Verdict.gave_up`) is an unknown, never a
pass or a fail: a composition gives up too unless the other sub-verdicts decide it
anyway (``all_of`` with a clear fail fails; ``any_of`` with a clear pass passes), and
``not_`` never inverts it.
"""

from __future__ import annotations

from typing import Any

from ..verdict import Verdict
from .base import Matcher, as_matcher


class _Composite(Matcher):
    def __init__(self, *matchers: Any) -> None:
        super().__init__()
        if not matchers:
            raise ValueError(f"{self.name}() needs at least one matcher")
        self.matchers = [as_matcher(m) for m in matchers]

    def children(self) -> list[Matcher]:
        return list(self.matchers)

    def texts_to_embed(self, answer: str) -> list[str]:
        return [t for m in self.matchers for t in m.texts_to_embed(answer)]

    def __repr__(self) -> str:
        return f"{self.name}({', '.join(repr(m) for m in self.matchers)})"


class _AllOf(_Composite):
    name = "all_of"

    def check(self, answer: str) -> Verdict:
        verdicts = [m(answer) for m in self.matchers]
        score = sum(v.score for v in verdicts) / len(verdicts)
        failed = [(m, v) for m, v in zip(self.matchers, verdicts) if not v.passed and not v.gave_up]
        unknown = [(m, v) for m, v in zip(self.matchers, verdicts) if v.gave_up]
        if unknown and not failed:
            # No clear failure, but an unread check might have been one: the concept is undecided.
            matcher, first = unknown[0]
            return Verdict.give_up(f"{matcher!r} gave up: {first.explanation}", evidence=first.evidence,
                                   expected=first.expected, found=first.found)
        if not failed:
            evidence = next((v.evidence for v in verdicts if v.evidence), None)
            return Verdict.ok("; ".join(v.explanation for v in verdicts), evidence=evidence, score=score)
        matcher, first = failed[0]
        return Verdict.fail(
            f"{len(failed)} of {len(verdicts)} checks failed; first: {matcher!r}: {first.explanation}",
            evidence=first.evidence, score=score, expected=first.expected, found=first.found,
            details={"failed": [repr(m) for m, _ in failed]},
        )


class _AnyOf(_Composite):
    name = "any_of"

    def check(self, answer: str) -> Verdict:
        verdicts = [m(answer) for m in self.matchers]
        passing = [v for v in verdicts if v.passed]
        if passing:
            best = max(passing, key=lambda v: v.score)
            return Verdict.ok(best.explanation, evidence=best.evidence, score=best.score,
                              expected=best.expected, found=best.found)
        unknown = [v for v in verdicts if v.gave_up]
        if unknown:
            # No alternative passed, but one that gave up might have: undecided, not failed.
            return Verdict.give_up("no alternative matched and one gave up: " + unknown[0].explanation,
                                   evidence=unknown[0].evidence, expected=unknown[0].expected)
        best = max(verdicts, key=lambda v: v.score)
        return Verdict.fail(
            "none of the alternatives matched: " + " | ".join(v.explanation for v in verdicts),
            evidence=best.evidence, score=best.score, expected=" or ".join(v.expected for v in verdicts if v.expected) or None,
            found=best.found,
        )


class _Not(_Composite):
    name = "not_"

    def __init__(self, matcher: Any, because: str | None = None) -> None:
        super().__init__(matcher)
        self.because = because

    def check(self, answer: str) -> Verdict:
        inner = self.matchers[0](answer)
        if inner.gave_up:
            # "Not found" is not "absent" when the matcher stopped reading: never invert a give-up.
            return Verdict.give_up(f"could not rule out {self.because or repr(self.matchers[0])}: {inner.explanation}",
                                   expected=f"not {self.because or repr(self.matchers[0])}")
        if inner.passed:
            claim = f"wrong claim: {self.because}" if self.because else "the answer states what it must not"
            return Verdict.fail(
                f"{claim} ({inner.explanation})",
                evidence=inner.evidence, expected=f"not {self.because or repr(self.matchers[0])}", found=inner.found,
            )
        return Verdict.ok(f"as required, not stated ({inner.explanation})")

    def __repr__(self) -> str:
        extra = f", because={self.because!r}" if self.because else ""
        return f"not_({self.matchers[0]!r}{extra})"


def all_of(*matchers: Any) -> Matcher:
    """Pass when every matcher passes; score = mean of their scores (partial credit)."""
    return _AllOf(*matchers)


def any_of(*matchers: Any) -> Matcher:
    """Pass when at least one matcher passes; score = the best score."""
    return _AnyOf(*matchers)


def not_(matcher: Any, *, because: str | None = None) -> Matcher:
    """Pass when ``matcher`` fails: guards a wrong twin the answer must not state.

    ``because`` names the wrong claim, and a failure message says it
    ("wrong claim: both KL divergences between two Gaussians are finite").
    """
    if isinstance(matcher, (list, tuple)):
        raise TypeError("not_() takes one matcher; combine several with any_of() first")
    return _Not(matcher, because)
