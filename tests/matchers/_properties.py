"""Shared pieces of the matchers' property tests: hypothesis settings and the "a verdict, in time" check."""

from __future__ import annotations

import time
from typing import Iterable

from hypothesis import HealthCheck, settings

from pytest_hwcheck.verdict import Verdict

#: A matcher's own budget is 5 s; this is the ceiling a property test allows for one answer.
LIMIT_S = 10.0
SLOW = settings(deadline=None, max_examples=80, suppress_health_check=[HealthCheck.too_slow,
                                                                      HealthCheck.data_too_large])
HUGE = settings(deadline=None, max_examples=3, suppress_health_check=list(HealthCheck))


def grade_within_limit(matchers: Iterable, text: str, *, require_expected: bool = True) -> None:
    """Every matcher returns a Verdict for ``text``, without crashing, within ``LIMIT_S``.

    ``require_expected``: the verdict also says what was expected (a timeout verdict may not).
    """
    for matcher in matchers:
        start = time.monotonic()
        verdict = matcher(text)
        assert isinstance(verdict, Verdict)
        assert "could not grade" not in verdict.explanation, verdict.explanation
        if require_expected:
            assert verdict.expected or "gave up" in verdict.explanation  # a timeout is a verdict too
        assert time.monotonic() - start < LIMIT_S
