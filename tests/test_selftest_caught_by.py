"""A bad example can name the concept that must reject it: ``Example(text, caught_by="concept-id")``.

The self-test then holds that concept to it: another concept rejecting the answer does not save
a guard that lets it through, and a guard that gives up has not rejected anything.
"""

from __future__ import annotations

import pytest

from pytest_hwcheck import CaseDefinitionError, Concept, Example, Part, Question, Verdict
from pytest_hwcheck.selftest import misgrading

# Two concepts: "says-blue" wants the word blue; "not-green" is the guard against calling the sky green.
CASE = '''
from pytest_hwcheck import Question, Part, Concept, Example, Verdict

def says_blue(answer):
    return Verdict.ok("says blue", evidence="blue") if "blue" in answer else Verdict.fail("never says blue")

def not_green(answer):
    if "GUARD-GIVES-UP" in answer:
        return Verdict.give_up("answer too long to scan")
    if GUARD_SEES_GREEN and "green" in answer:
        return Verdict.fail("calls the sky green", found="green")
    return Verdict.ok("does not call the sky green", found="no green")

GUARD_SEES_GREEN = True

question = Question(id="hw9.q4", prompt="What colour is the sky?", parts=[
    Part(id="hw9.q4", concepts=[Concept("says-blue", says_blue), Concept("not-green", not_green)],
         reference="The sky is blue.",
         good_examples=["It is blue."],
         bad_examples=[Example(BAD_TEXT, caught_by="not-green"), "It is red."]),
])
'''


def _case(bad_text: str = "It is green.", guard_sees_green: bool = True) -> str:
    return (CASE.replace("BAD_TEXT", repr(bad_text))
            .replace("GUARD_SEES_GREEN = True", f"GUARD_SEES_GREEN = {guard_sees_green}"))


def test_the_selftest_passes_a_bad_example_its_named_concept_rejects(project):
    project.case("q4", _case())
    result = project.run("--hw-selftest", "-v")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*hw9.q4::bad[[]1[]] PASSED*", "*hw9.q4::bad[[]2[]] PASSED*"])


def test_the_selftest_fails_when_the_named_concept_lets_the_wrong_answer_through(project):
    # "says-blue" rejects "It is green." by accident; the guard "not-green" is blind to green and accepts it.
    project.case("q4", _case(guard_sees_green=False))
    result = project.run("--hw-selftest")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines([
        "*hw9.q4: concept 'not-green' lets the wrong answer bad[[]1[]] through, but it is the concept that must catch it*",
        "*concept 'not-green' * passed: does not call the sky green; found: no green*",
        "*rejected instead by 'says-blue', not by the concept caught_by names*",
    ])


def test_the_selftest_fails_when_the_named_concept_gives_up(project):
    project.case("q4", _case(bad_text="It is green. GUARD-GIVES-UP"))
    result = project.run("--hw-selftest")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["*concept 'not-green', which must catch the wrong answer bad[[]1[]], gave up on it*"])


def test_a_caught_by_naming_no_concept_of_the_part_is_a_case_error(project):
    project.case("q4", _case().replace('caught_by="not-green"', 'caught_by="not-greem"'))
    result = project.run("--hw-selftest")
    result.stdout.fnmatch_lines(["*caught_by='not-greem', but part 'hw9.q4' has no such concept*"])
    assert result.ret != 0


def _part(bad_examples):
    question = Question(id="hw9.q4", prompt="p", parts=[
        Part(id="hw9.q4", concepts=[Concept("says-blue", lambda a: "blue" in a),
                                    Concept("not-green", lambda a: "green" not in a)],
             bad_examples=bad_examples),
    ])
    return question.parts[0]


def test_plain_string_bad_examples_become_examples_any_concept_may_reject():
    part = _part(["It is green.", Example("Green!", caught_by="not-green")])
    assert part.bad_examples == [Example("It is green."), Example("Green!", caught_by="not-green")]


def test_an_unknown_caught_by_is_reported_with_the_parts_concepts():
    with pytest.raises(CaseDefinitionError, match=r"caught_by='nope'.*its concepts: says-blue, not-green"):
        _part([Example("It is green.", caught_by="nope")])


@pytest.mark.parametrize("entry, message", [
    (42, "bad_examples\\[0\\] is of type int"),
    (Example("  "), "bad_examples\\[0\\] has no answer text"),
    (Example("It is green.", caught_by=["not-green"]), "caught_by must be a concept id"),
])
def test_a_malformed_bad_example_is_a_case_error(entry, message):
    with pytest.raises(CaseDefinitionError, match=message):
        _part([entry])


def test_without_caught_by_any_concept_rejecting_the_answer_is_enough():
    part = _part(["It is green."])
    assert misgrading(part, "bad[1]", "It is green.", expect_pass=False) is None


def test_with_caught_by_another_concept_rejecting_the_answer_is_not_enough():
    part = _part([Example("It is green.", caught_by="not-green")])
    problem = misgrading(part, "bad[1]", "The sky is green-blue, not green.", expect_pass=False, caught_by="says-blue")
    assert problem is not None and "concept 'says-blue' lets the wrong answer bad[1] through" in problem


def test_a_concept_that_gives_up_never_counts_as_rejecting_a_bad_example():
    question = Question(id="hw9.q4", prompt="p", parts=[
        Part(id="hw9.q4", concepts=[Concept("reads", lambda a: Verdict.give_up("too long")),
                                    Concept("accepts", lambda a: True)]),
    ])
    problem = misgrading(question.parts[0], "bad[1]", "anything", expect_pass=False)
    assert problem is not None and "'reads' gave up on it, which is not a rejection" in problem
