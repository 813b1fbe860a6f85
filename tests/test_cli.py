"""The hwcheck console script: import, list and check-cases."""

from __future__ import annotations

import subprocess
import sys

import yaml

from conftest import TWO_PART_CASE
from pytest_hwcheck.cli import main


def test_import_writes_a_cassette_in_the_providers_format_with_provenance(project, capsys):
    project.case("q1", TWO_PART_CASE)
    assert project.answer("gemini-pro", "hw9.q1", "(a) red\n(b) apple", "--source", "chat export, 1 Dec",
                          "--edits", "restored 10^30") == 0
    data = yaml.safe_load(project.cassette("gemini-pro", "hw9.q1").read_text())
    turn = data["metadata"]["hwcheck"]["turns"][0]
    assert turn == {"parts": ["hw9.q1a", "hw9.q1b"], "origin": "imported", "source": "chat export, 1 Dec",
                    "edits": "restored 10^30", "imported_at": turn["imported_at"]}
    interaction = data["interactions"][0]
    assert interaction["request"]["uri"].endswith("/v1beta/models/gemini-3-pro-preview:generateContent")
    assert "Name a fruit" in interaction["request"]["body"]
    assert '"candidates"' in interaction["response"]["body"]["string"]


def test_import_append_adds_a_turn_whose_request_carries_the_history(project):
    project.case("q1", TWO_PART_CASE)
    project.answer("claude-sonnet", "hw9.q1", "red", parts="a")
    project.answer("claude-sonnet", "hw9.q1", "apple", parts="b", append=True)
    data = yaml.safe_load(project.cassette("claude-sonnet", "hw9.q1").read_text())
    assert [t["parts"] for t in data["metadata"]["hwcheck"]["turns"]] == [["hw9.q1a"], ["hw9.q1b"]]
    second = data["interactions"][1]["request"]["body"]
    assert "red" in second and "Now answer part(s) (b)." in second


def test_import_takes_a_literal_follow_up_prompt(project, tmp_path):
    project.case("q1", TWO_PART_CASE)
    project.answer("claude-sonnet", "hw9.q1", "blue", parts="a")
    prompt = tmp_path / "followup.md"
    prompt.write_text("Here is the figure you asked for. Try (a) again.")
    project.answer("claude-sonnet", "hw9.q1", "red", "--prompt-file", str(prompt), parts="a", append=True)
    assert "Try (a) again." in project.cassette("claude-sonnet", "hw9.q1").read_text()
    project.run("--hw-model=claude-sonnet", "-k", "colour").assert_outcomes(passed=1, deselected=2)


def test_import_needs_a_provider_for_a_model_outside_the_registry(project, capsys):
    project.case("q1", TWO_PART_CASE)
    assert project.answer("mistral-large", "hw9.q1", "red") == 2
    assert "pass --provider" in capsys.readouterr().err
    assert project.answer("mistral-large", "hw9.q1", "(a) red\n(b) a crunchy apple", provider="openai") == 0
    project.run("--hw-model=mistral-large").assert_outcomes(passed=3)


def test_import_rejects_unknown_parts_questions_and_unsafe_names(project, capsys):
    project.case("q1", TWO_PART_CASE)
    assert project.answer("grok", "hw9.q1", "red", parts="z") == 2
    assert "has no part 'z'" in capsys.readouterr().err
    assert project.answer("grok", "hw9.q8", "red") == 2
    assert "no case defines question 'hw9.q8'" in capsys.readouterr().err
    assert project.answer("../grok", "hw9.q1", "red") == 2
    assert "invalid model name" in capsys.readouterr().err


def test_list_prints_models_questions_parts_and_provenance(project, capsys):
    project.case("q1", TWO_PART_CASE)
    project.answer("grok", "hw9.q1", "red", "--source", "grok.com share link", parts="a")
    project.answer("grok", "hw9.q1", "apple", "--edits", "dropped grader notes", parts="b", append=True)
    capsys.readouterr()
    assert main(["list", "--cassette-dir", str(project.root / "cassettes")]) == 0
    out = capsys.readouterr().out
    assert "grok\n  hw9.q1  (openai/grok-4): hw9.q1a, hw9.q1b" in out
    assert "turn 1: hw9.q1a [imported; source: grok.com share link]" in out
    assert "turn 2: hw9.q1b [imported;" in out and "edits: dropped grader notes" in out


def test_the_console_script_is_installed():
    out = subprocess.run([sys.executable, "-m", "pytest_hwcheck.cli", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "import" in out.stdout and "check-cases" in out.stdout


SELFTEST_CASE = '''
from pytest_hwcheck import Question, Part, Concept

question = Question(id="hw9.q4", prompt="Is the sky blue?", parts=[
    Part(id="hw9.q4", concepts=[Concept("blue", lambda a: "blue" in a and "not blue" not in a)],
         reference="The sky is blue.",
         good_examples=["blue, on a clear day.", "It is blue."],
         bad_examples=["It is green.", "It is not blue."]),
])
'''


def test_selftest_checks_reference_good_and_bad_examples(project):
    project.case("q4", SELFTEST_CASE)
    result = project.run("--hw-selftest", "-v")
    result.assert_outcomes(passed=5)
    result.stdout.fnmatch_lines(["*hw9.q4::reference PASSED*", "*hw9.q4::good[[]1[]] PASSED*", "*hw9.q4::bad[[]2[]] PASSED*"])


def test_selftest_reports_a_key_that_lets_a_wrong_answer_through(project):
    project.case("q4", SELFTEST_CASE.replace('"It is not blue."', '"It is blue-ish? No: it is not blue."')
                 .replace('lambda a: "blue" in a and "not blue" not in a', 'lambda a: "blue" in a'))
    result = project.run("--hw-selftest")
    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines(["*every concept accepts the wrong answer bad[[]2[]]*"])


def test_check_cases_command_runs_the_selftest(project):
    project.case("q4", SELFTEST_CASE)
    result = subprocess.run([sys.executable, "-m", "pytest_hwcheck.cli", "check-cases", "--cases-dir", "cases"],
                            capture_output=True, text=True, cwd=project.root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 passed" in result.stdout
