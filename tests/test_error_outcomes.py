"""What is not a grade is an error (pytest's E), never a pass or a fail, and never drops out of the report.

A concept is *undecided* when its matcher gave up (out of time, an answer past the reading
limit, a crash) or when the answer cannot be read at all (an unreadable cassette). Such a
concept must not pass through ``not_()``, must not count as a wrong answer, and must still
be visible in the matrix and the JSON report.
"""

from __future__ import annotations

import json

import pytest

from conftest import TWO_PART_CASE

UNDECIDED_CASE = '''
from pytest_hwcheck import Question, Part, Concept, Verdict, keywords, not_

def runs_out_of_time(answer):
    return Verdict.give_up("pretend the matcher ran out of time")

question = Question(
    id="hw9.q1",
    prompt="Question 1. (a) Name a colour. (b) Name a fruit.",
    parts=[
        Part(id="hw9.q1a", concepts=[Concept("colour", lambda a: "red" in a)]),
        Part(id="hw9.q1b", concepts=[
            Concept("fruit", lambda a: "apple" in a),
            Concept("not-a-vegetable", not_(runs_out_of_time, because="a vegetable was named")),
        ]),
    ],
)
'''


def test_a_matcher_that_gives_up_is_an_error_that_not_cannot_turn_into_a_pass(project):
    project.case("q1", UNDECIDED_CASE)
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple")
    result = project.run("--hw-model=claude-sonnet", "--hw-report=report.json")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines([
        "*ERROR at setup of hw9.q1b::not-a-vegetable*",
        "*claude-sonnet · hw9.q1b · not-a-vegetable: could not be graded*could not rule out a vegetable was named*",
    ])
    report = json.loads((project.root / "report.json").read_text())["models"]["claude-sonnet"]
    assert report["parts"]["hw9.q1b"]["status"] == "error"
    statuses = {c["id"]: c["status"] for c in report["parts"]["hw9.q1b"]["concepts"]}
    assert statuses == {"fruit": "passed", "not-a-vegetable": "error"}


def test_a_part_in_error_is_left_out_of_the_score_and_counted_as_unreadable(project):
    project.case("q1", UNDECIDED_CASE)
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple")
    result = project.run("--hw-model=claude-sonnet", "--hw-report=report.json")
    report = json.loads((project.root / "report.json").read_text())["models"]["claude-sonnet"]
    assert report["score"] == 1.0 and report["points"] == {"earned": 1.0, "possible": 1.0}
    assert report["unreadable_parts"] == 1
    result.stdout.fnmatch_lines([
        "hw9.q1a*✓*",
        "hw9.q1b*E*",
        "parts ✓*1/1*",
        "*E could not be graded*",
        "claude-sonnet: 1 part could not be graded and is left out of its score",
    ])


def test_a_clear_failure_still_fails_the_part_when_another_concept_gave_up(project):
    project.case("q1", UNDECIDED_CASE)
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a pear")
    project.run("--hw-model=claude-sonnet", "--hw-report=report.json").assert_outcomes(passed=1, failed=1, errors=1)
    report = json.loads((project.root / "report.json").read_text())["models"]["claude-sonnet"]
    assert report["parts"]["hw9.q1b"]["status"] == "failed"
    assert report["unreadable_parts"] == 0
    assert report["points"] == {"earned": 1.0, "possible": 3.0}


def test_an_unreadable_cassette_is_an_error_for_its_question_only_and_is_counted(project):
    project.case("q1", TWO_PART_CASE)
    project.case("q2", TWO_PART_CASE.replace("hw9.q1", "hw9.q3"))
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple")
    project.answer("claude-sonnet", "hw9.q3", "(a) red\n(b) a crunchy apple")
    project.cassette("claude-sonnet", "hw9.q3").write_text("interactions: [\n  - {unclosed")
    result = project.run("--hw-model=claude-sonnet", "--hw-report=report.json")
    result.assert_outcomes(passed=3, errors=3)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert "Traceback" not in result.stdout.str() and "During handling" not in result.stdout.str()
    report = json.loads((project.root / "report.json").read_text())["models"]["claude-sonnet"]
    assert {p: d["status"] for p, d in report["parts"].items()} == {
        "hw9.q1a": "passed", "hw9.q1b": "passed", "hw9.q3a": "error", "hw9.q3b": "error"}
    assert report["unreadable_parts"] == 2 and report["score"] == 1.0


@pytest.mark.parametrize("where", ["a-file/report.json", "a-folder"])
def test_an_unwritable_report_path_is_a_usage_error_before_any_test_runs(project, where):
    project.case("q1", TWO_PART_CASE)
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple")
    (project.root / "a-file").write_text("not a folder")
    (project.root / "a-folder").mkdir()
    result = project.run("--hw-model=claude-sonnet", f"--hw-report={where}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--hw-report=*cannot write the report there*choose another path*"])
    assert "passed" not in result.stdout.str()


def test_a_case_file_that_calls_sys_exit_is_one_collection_error_and_the_others_still_run(project):
    project.case("q1", TWO_PART_CASE)
    project.case("q2", "import sys\nsys.exit(3)\n")
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple")
    result = project.run("--hw-model=claude-sonnet")
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(["*cases/q2.py*called sys.exit(3) while loading*"])


def test_hwcheck_import_survives_a_case_file_that_calls_sys_exit(project):
    project.case("q1", TWO_PART_CASE)
    project.case("q2", "import sys\nsys.exit(3)\n")
    assert project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple") == 0
    assert project.cassette("claude-sonnet", "hw9.q1").exists()
