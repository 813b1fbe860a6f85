"""Shared pieces of the matchers' property tests: hypothesis settings and the "always a verdict" checks.

No test here times anything: how fast a matcher reads a 1 MB answer is measured by
``benchmarks/matcher_bounds.py``. The tests check behaviour instead: a matcher returns
a Verdict for any text, and when its time budget runs out (forced with
``time_budget(0.0)``) or the answer is longer than ``MAX_CHARS`` it *gives up*, an
error verdict that is never a pass.
"""

from __future__ import annotations

from typing import Iterable

from hypothesis import HealthCheck, settings

from pytest_hwcheck.matchers.base import time_budget
from pytest_hwcheck.verdict import Verdict

#: Random text, 40 examples per property (was 60-100): the inputs that once broke a matcher are
#: pinned as @example and run every time, so the random part only explores; this halves its cost.
SLOW = settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow,
                                                                      HealthCheck.data_too_large])


def grade_all(matchers: Iterable, text: str, *, require_expected: bool = True) -> list[Verdict]:
    """Every matcher returns a Verdict for ``text`` without crashing: a grade, or a give-up that does not pass.

    ``require_expected``: a grade also says what was expected.
    """
    verdicts = []
    for matcher in matchers:
        verdict = matcher(text)
        assert isinstance(verdict, Verdict)
        assert "could not grade" not in verdict.explanation, verdict.explanation  # a crash caught by __call__
        if verdict.gave_up:
            assert verdict.status == "error" and not verdict.passed and verdict.score == 0
            assert "gave up" in verdict.explanation, verdict.explanation
        elif require_expected:
            assert verdict.expected, verdict.summary()
        verdicts.append(verdict)
    return verdicts


def give_up_when_out_of_time(matchers: Iterable, text: str) -> None:
    """With no time left every matcher gives up on ``text`` (an error verdict), and does not crash.

    ``text`` must be long enough that each matcher reaches a deadline check (a few kB do).
    """
    with time_budget(0.0):
        for matcher in matchers:
            verdict = matcher(text)
            assert isinstance(verdict, Verdict)
            assert verdict.gave_up, (matcher, verdict.summary())
            assert verdict.status == "error" and not verdict.passed
            assert "gave up" in verdict.explanation, verdict.explanation
