"""not_(), all_of() and any_of() never turn a matcher that gave up into a pass, nor into credit.

A give-up is forced the way it happens in a real run: the time budget runs out
(``time_budget(0.0)``) or the answer is longer than ``MAX_CHARS``. Plain functions of
the answer have no deadline, so inside the same block they still pass or fail: that
is how one part of a composition gives up while the others grade.
"""

from __future__ import annotations

import pytest

from pytest_hwcheck.matchers.base import time_budget
from pytest_hwcheck.matchers.compose import all_of, any_of, not_
from pytest_hwcheck.matchers.keywords import keywords
from pytest_hwcheck.matchers.text import MAX_CHARS

WRONG_TWIN = "Reverse KL is mode-seeking. " * 50
SAYS_MODE_SEEKING = keywords(any_of=["mode-seeking"])


def always(answer: str) -> bool:
    return True


def never(answer: str) -> bool:
    return False


def test_not_states_the_wrong_claim_as_a_fail_when_it_has_time():
    verdict = not_(SAYS_MODE_SEEKING)(WRONG_TWIN)
    assert verdict.status == "failed"


def test_not_of_a_matcher_out_of_time_is_an_error_not_a_pass():
    with time_budget(0.0):
        inner = SAYS_MODE_SEEKING(WRONG_TWIN)
        verdict = not_(SAYS_MODE_SEEKING)(WRONG_TWIN)
    assert inner.gave_up
    assert verdict.status == "error" and not verdict.passed
    assert "could not rule out" in verdict.explanation


def test_not_of_not_out_of_time_is_still_an_error():
    with time_budget(0.0):
        verdict = not_(not_(SAYS_MODE_SEEKING))(WRONG_TWIN)
    assert verdict.status == "error"


@pytest.mark.parametrize("where", ["start", "end"])
def test_not_on_an_answer_longer_than_max_chars_with_the_wrong_claim_is_an_error_not_a_pass(where):
    padding = "x" * (MAX_CHARS + 1)
    answer = WRONG_TWIN + padding if where == "start" else padding + WRONG_TWIN
    verdict = not_(SAYS_MODE_SEEKING, because="reverse KL is mode-seeking")(answer)
    assert verdict.status == "error" and not verdict.passed
    assert "more than the" in verdict.explanation  # it says the answer was too long to read


def test_all_of_with_a_part_out_of_time_is_an_error_not_a_pass():
    with time_budget(0.0):
        verdict = all_of(always, not_(SAYS_MODE_SEEKING))(WRONG_TWIN)
    assert verdict.status == "error" and not verdict.passed and verdict.score == 0


def test_all_of_gives_no_partial_credit_for_a_part_that_gave_up():
    # Had the give-up been inverted into a pass, two of three parts would pass: 2/3 credit.
    with time_budget(0.0):
        verdict = all_of(always, never, not_(SAYS_MODE_SEEKING))(WRONG_TWIN)
    assert verdict.status == "failed"  # never() is a real failure, so the concept is decided
    assert verdict.score == pytest.approx(1 / 3)


def test_any_of_whose_only_alternatives_gave_up_is_an_error_not_a_pass():
    with time_budget(0.0):
        verdict = any_of(not_(SAYS_MODE_SEEKING), never)(WRONG_TWIN)
    assert verdict.status == "error" and not verdict.passed


def test_not_of_any_of_out_of_time_is_an_error_not_a_pass():
    with time_budget(0.0):
        verdict = not_(any_of(SAYS_MODE_SEEKING, keywords(any_of=["zero-forcing"])))(WRONG_TWIN)
    assert verdict.status == "error"


def test_any_of_still_passes_on_an_alternative_that_finished():
    # A give-up is an unknown, not a veto: a decided pass elsewhere is enough.
    with time_budget(0.0):
        verdict = any_of(SAYS_MODE_SEEKING, always)(WRONG_TWIN)
    assert verdict.status == "passed"
