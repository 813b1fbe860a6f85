"""End-to-end behaviour of the plugin, run the way a user runs it (pytester)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from conftest import TWO_PART_CASE


def test_plugin_is_inert_without_hw_options(project):
    project.case("q1", TWO_PART_CASE)
    project.pytester.makepyfile(test_plain="def test_ok():\n    assert True\n")
    result = project.run()
    result.assert_outcomes(passed=1)
    assert "concepts stated per part" not in result.stdout.str()


def test_plain_pytest_imports_nothing_heavy():
    code = (
        "import sys, pytest_hwcheck.plugin, pytest_hwcheck;"
        "heavy = [m for m in ('vcr', 'sympy', 'pint', 'torch', 'sentence_transformers', 'deepeval', 'numpy', 'pydantic', 'httpx') if m in sys.modules];"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_hw_model_grades_each_concept_of_each_part_with_ids_naming_part_concept_and_model(project):
    project.case("q1", TWO_PART_CASE)
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple")
    result = project.run("--hw-model=claude-sonnet", "-v")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines([
        "*cases/q1.py::hw9.q1a::colour[[]claude-sonnet[]] PASSED*",
        "*cases/q1.py::hw9.q1b::fruit[[]claude-sonnet[]] PASSED*",
        "*cases/q1.py::hw9.q1b::crunchy[[]claude-sonnet[]] PASSED*",
    ])


def test_hw_model_takes_comma_lists_repeats_and_all(project):
    project.case("q1", TWO_PART_CASE)
    for model in ("claude-sonnet", "gemini-pro", "grok"):
        project.answer(model, "hw9.q1", "(a) red\n(b) a crunchy apple")
    assert project.run("--hw-model=claude-sonnet,grok").ret == 0
    project.run("--hw-model=claude-sonnet,grok").assert_outcomes(passed=6)
    project.run("--hw-model=claude-sonnet", "--hw-model=gemini-pro").assert_outcomes(passed=6)
    project.run("--hw-model=all").assert_outcomes(passed=9)


def test_k_selects_by_part_concept_or_model(project):
    project.case("q1", TWO_PART_CASE)
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple")
    project.answer("grok", "hw9.q1", "(a) red\n(b) a crunchy apple")
    project.run("--hw-model=all", "-k", "hw9.q1b and grok").assert_outcomes(passed=2)
    project.run("--hw-model=all", "-k", "colour").assert_outcomes(passed=2)


def test_last_failed_reruns_only_the_failed_concept(project):
    project.case("q1", TWO_PART_CASE)
    project.answer("claude-sonnet", "hw9.q1", "(a) blue\n(b) a crunchy apple")
    project.run("--hw-model=claude-sonnet").assert_outcomes(passed=2, failed=1)
    result = project.run("--hw-model=claude-sonnet", "--lf", "-v")
    result.assert_outcomes(failed=1, deselected=2)
    result.stdout.fnmatch_lines(["*hw9.q1a::colour[[]claude-sonnet[]] FAILED*"])


def test_concept_marks_apply_to_the_generated_tests(project):
    project.case("q1", '''
        import pytest
        from pytest_hwcheck import Question, Part, Concept
        question = Question(id="hw9.q2", prompt="Say hi.", parts=[Part(id="hw9.q2", concepts=[
            Concept("hi", lambda a: "hi" in a),
            Concept("known-gap", lambda a: "bye" in a, marks=[pytest.mark.xfail(reason="model never says bye")]),
        ])])
    ''')
    project.answer("claude-sonnet", "hw9.q2", "hi there")
    project.run("--hw-model=claude-sonnet").assert_outcomes(passed=1, xfailed=1)
    project.run("--hw-model=claude-sonnet", "-m", "not xfail").assert_outcomes(passed=1, deselected=1)


def test_unknown_model_is_a_usage_error_listing_the_known_ones(project):
    project.case("q1", TWO_PART_CASE)
    project.answer("grok", "hw9.q1", "(a) red")
    result = project.run("--hw-model=gpt-9")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*unknown model 'gpt-9'*Models with cassettes: grok*"])


def test_a_model_name_that_would_escape_the_cassette_folder_is_refused(project):
    project.case("q1", TWO_PART_CASE)
    result = project.run("--hw-model=../x")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*invalid model name '../x'*"])


def test_a_part_the_model_did_not_answer_is_skipped_with_a_reason(project):
    project.case("q1", TWO_PART_CASE)
    project.answer("claude-sonnet", "hw9.q1", "red", parts="a")
    result = project.run("--hw-model=claude-sonnet", "-rs")
    result.assert_outcomes(passed=1, skipped=2)
    result.stdout.fnmatch_lines(["*claude-sonnet did not answer hw9.q1b*"])


def test_a_question_without_a_cassette_is_skipped_and_says_how_to_record(project):
    project.case("q1", TWO_PART_CASE)
    project.case("q2", TWO_PART_CASE.replace("hw9.q1", "hw9.q7"))
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple")
    result = project.run("--hw-model=claude-sonnet", "-rs")
    result.assert_outcomes(passed=3, skipped=3)
    result.stdout.fnmatch_lines(["*no recorded answer to hw9.q7*--hw-record=new*hwcheck import*"])


def test_each_part_is_graded_on_its_own_section_of_a_multi_part_turn(project):
    project.case("q1", TWO_PART_CASE)
    # The word for part (a) appears only in part (b)'s section: (a) must not get credit for it.
    project.answer("claude-sonnet", "hw9.q1", "(a) blue\n\n(b) a crunchy apple, not a red one")
    result = project.run("--hw-model=claude-sonnet", "-v")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*hw9.q1a::colour*FAILED*", "*graded:*turn 1, section*"])


def test_the_latest_turn_that_answers_a_part_is_graded(project):
    project.case("q1", TWO_PART_CASE)
    project.answer("claude-sonnet", "hw9.q1", "(a) blue\n(b) a crunchy apple")
    project.answer("claude-sonnet", "hw9.q1", "On reflection: red.", parts="a", append=True)
    project.run("--hw-model=claude-sonnet").assert_outcomes(passed=3)


def test_visible_reasoning_is_kept_but_never_graded(project, tmp_path):
    project.case("q1", TWO_PART_CASE)
    thinking = tmp_path / "thinking.md"
    thinking.write_text("maybe red? maybe a crunchy apple?")
    project.answer("claude-sonnet", "hw9.q1", "(a) blue\n(b) pear", "--thinking-file", str(thinking))
    assert "maybe red?" in project.cassette("claude-sonnet", "hw9.q1").read_text()
    project.run("--hw-model=claude-sonnet").assert_outcomes(failed=3)


def test_a_failed_concept_shows_matcher_evidence_and_the_trimmed_answer(project):
    project.case("q1", TWO_PART_CASE)
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a soft pear")
    result = project.run("--hw-model=claude-sonnet")
    result.stdout.fnmatch_lines([
        "*claude-sonnet did not state concept 'fruit' of hw9.q1b*",
        "*matcher:  says_apple()*",
        "*why:*says_apple() returned False*",
        "*answer (trimmed):*",
        "*| (b) a soft pear*",
    ])


def test_the_summary_ends_with_a_matrix_of_parts_by_models_and_a_score(project):
    project.case("q1", TWO_PART_CASE)
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple")
    project.answer("grok", "hw9.q1", "(a) blue\n(b) a crunchy apple")
    project.answer("gemini-pro", "hw9.q1", "red", parts="a")
    result = project.run("--hw-model=all")
    result.stdout.fnmatch_lines([
        "*hwcheck: concepts stated per part*",
        "part*claude-sonnet*gemini-pro*grok*",
        "hw9.q1a*✓*✓*✗*",
        "hw9.q1b*✓*–*✓*",
        "score*100%*100%*75%*",
    ])


def test_json_report_has_models_parts_and_concepts(project):
    project.case("q1", TWO_PART_CASE)
    project.answer("claude-sonnet", "hw9.q1", "(a) blue\n(b) a crunchy apple")
    project.answer("grok", "hw9.q1", "red", parts="a")
    project.run("--hw-model=all", "--hw-report=out/report.json")
    report = json.loads((project.root / "out" / "report.json").read_text())
    sonnet = report["models"]["claude-sonnet"]
    assert sonnet["score"] == pytest.approx(3 / 4)
    assert sonnet["parts"]["hw9.q1a"]["status"] == "failed"
    assert sonnet["parts"]["hw9.q1b"]["status"] == "passed"
    concept = sonnet["parts"]["hw9.q1a"]["concepts"][0]
    assert concept["id"] == "colour" and concept["status"] == "failed"
    assert concept["matcher"] == "says_red()" and "returned False" in concept["reason"]
    assert report["models"]["grok"]["parts"]["hw9.q1b"]["status"] == "skipped"


def test_json_report_is_complete_under_xdist(project):
    project.case("q1", TWO_PART_CASE)
    project.case("q2", TWO_PART_CASE.replace("hw9.q1", "hw9.q3"))
    for model in ("claude-sonnet", "grok"):
        project.answer(model, "hw9.q1", "(a) red\n(b) a crunchy apple")
        project.answer(model, "hw9.q3", "(a) red\n(b) a crunchy apple")
    result = project.run_subprocess("--hw-model=all", "-n", "2", "--hw-report=report.json")
    result.assert_outcomes(passed=12)
    report = json.loads((project.root / "report.json").read_text())
    for model in ("claude-sonnet", "grok"):
        parts = report["models"][model]["parts"]
        assert sorted(parts) == ["hw9.q1a", "hw9.q1b", "hw9.q3a", "hw9.q3b"]
        assert sum(len(p["concepts"]) for p in parts.values()) == 6


def test_a_broken_case_file_is_one_collection_error_and_the_others_still_run(project):
    project.case("q1", TWO_PART_CASE)
    project.case("broken", '''
        from pytest_hwcheck import Question, Part, Concept
        question = Question(id="hw9.q5", prompt="p", parts=[Part(id="hw9.q5a", concepts=[Concept("c", 42)])])
    ''')
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple")
    result = project.run("--hw-model=claude-sonnet")
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines([
        "*cases/broken.py: question 'hw9.q5', field 'parts.0.concepts.0.check': a concept needs a matcher*",
    ])


def test_a_case_file_with_a_syntax_error_names_file_and_line(project):
    project.case("q1", TWO_PART_CASE)
    project.case("typo", "from pytest_hwcheck import Question\nquestion = Question(id='x',\n")
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple")
    result = project.run("--hw-model=claude-sonnet")
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(["*cases/typo.py*cannot load the case file: SyntaxError*"])


def test_a_question_defined_twice_is_reported(project):
    project.case("q1", TWO_PART_CASE)
    project.case("q1_copy", TWO_PART_CASE)
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple")
    result = project.run("--hw-model=claude-sonnet")
    result.stdout.fnmatch_lines(["*question 'hw9.q1' is already defined in*"])


def test_a_changed_prompt_is_an_error_naming_prompt_drift_not_a_stale_answer(project):
    case = project.case("q1", TWO_PART_CASE)
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple")
    case.write_text(case.read_text().replace("Name a fruit.", "Name a vegetable."))
    result = project.run("--hw-model=claude-sonnet")
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(["*prompt changed since recording; re-record with --hw-record=rewrite*"])
    assert "CannotOverwriteExistingCassetteException" not in result.stdout.str()


def test_a_corrupt_cassette_is_one_clear_message_and_other_questions_still_run(project):
    project.case("q1", TWO_PART_CASE)
    project.case("q2", TWO_PART_CASE.replace("hw9.q1", "hw9.q3"))
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple")
    project.answer("claude-sonnet", "hw9.q3", "(a) red\n(b) a crunchy apple")
    project.cassette("claude-sonnet", "hw9.q3").write_text("interactions: [\n  - {unclosed")
    result = project.run("--hw-model=claude-sonnet")
    result.assert_outcomes(passed=3, errors=3)
    result.stdout.fnmatch_lines(["*cassette*hw9.q3.yaml is not valid YAML*re-record it with --hw-record=rewrite*"])


def test_cassettes_are_loaded_with_a_safe_yaml_loader(project, tmp_path):
    project.case("q1", TWO_PART_CASE)
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple")
    path = project.cassette("claude-sonnet", "hw9.q1")
    marker = tmp_path / "pwned"
    path.write_text(path.read_text() + f"exploit: !!python/object/apply:os.system ['touch {marker}']\n")
    result = project.run("--hw-model=claude-sonnet")
    result.assert_outcomes(errors=3)
    assert not marker.exists()
    result.stdout.fnmatch_lines(["*is not valid YAML*"])


def test_replay_never_opens_a_network_connection(project, fake_api, monkeypatch):
    project.case("q1", TWO_PART_CASE)
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple")
    # Even with a reachable server configured, replay must not call it.
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_api.url)
    project.run("--hw-model=claude-sonnet").assert_outcomes(passed=3)
    assert fake_api.requests == []


def test_network_blocked_refuses_sockets():
    import socket

    from pytest_hwcheck.cassettes import NetworkBlocked, network_blocked

    with network_blocked(), pytest.raises(NetworkBlocked):
        socket.create_connection(("127.0.0.1", 9))


@pytest.mark.parametrize("model, key_env, base_env", [
    ("claude-sonnet", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"),
    ("gemini-pro", "GEMINI_API_KEY", "GEMINI_BASE_URL"),
    ("grok", "XAI_API_KEY", "XAI_BASE_URL"),
])
def test_recording_against_a_local_server_writes_a_scrubbed_cassette_that_replays(
    project, fake_api, monkeypatch, model, key_env, base_env
):
    secret = "sk-test-SECRET-0123456789"
    project.case("q1", TWO_PART_CASE)
    monkeypatch.setenv(key_env, secret)
    monkeypatch.setenv(base_env, fake_api.url)
    project.run(f"--hw-model={model}", "--hw-record=new").assert_outcomes(passed=3)
    assert len(fake_api.requests) == 1
    sent = fake_api.requests[0]
    assert secret in json.dumps(sent["headers"])  # the key was really used ...
    text = project.cassette(model, "hw9.q1").read_text()
    assert secret not in text  # ... and never written: headers, query, bodies and responses
    assert "set-cookie" not in text.lower()
    data = yaml.safe_load(text)
    assert data["metadata"]["hwcheck"]["turns"][0]["origin"] == "recorded"
    monkeypatch.delenv(key_env)
    monkeypatch.delenv(base_env)
    project.run(f"--hw-model={model}").assert_outcomes(passed=3)
    assert len(fake_api.requests) == 1


def test_record_new_keeps_existing_cassettes_and_rewrite_replaces_them(project, fake_api, monkeypatch):
    project.case("q1", TWO_PART_CASE)
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple")
    before = project.cassette("claude-sonnet", "hw9.q1").read_text()
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-1234567890")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_api.url)
    project.run("--hw-model=claude-sonnet", "--hw-record=new").assert_outcomes(passed=3)
    assert project.cassette("claude-sonnet", "hw9.q1").read_text() == before and fake_api.requests == []
    fake_api.answer = "(a) blue (b) pear"
    project.run("--hw-model=claude-sonnet", "--hw-record=rewrite").assert_outcomes(failed=3)
    assert "pear" in project.cassette("claude-sonnet", "hw9.q1").read_text()


def test_recording_without_an_api_key_fails_fast_and_says_which_variable(project):
    project.case("q1", TWO_PART_CASE)
    result = project.run("--hw-model=claude-sonnet", "--hw-record=new")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*recording claude-sonnet (anthropic) needs an API key: set ANTHROPIC_API_KEY*"])


def test_an_interrupted_recording_leaves_the_previous_cassette_untouched(project, fake_api, monkeypatch):
    project.case("q1", TWO_PART_CASE)
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple")
    before = project.cassette("claude-sonnet", "hw9.q1").read_bytes()
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-1234567890")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_api.url)
    fake_api.fail_with = "drop"
    result = project.run("--hw-model=claude-sonnet", "--hw-record=rewrite")
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(["*recording claude-sonnet on hw9.q1 failed*the previous cassette was kept*"])
    assert project.cassette("claude-sonnet", "hw9.q1").read_bytes() == before
    leftovers = [p.name for p in project.cassette("claude-sonnet", "hw9.q1").parent.iterdir()]
    assert leftovers == ["hw9.q1.yaml"]


def test_recording_under_xdist_is_refused(project, monkeypatch):
    project.case("q1", TWO_PART_CASE)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-1234567890")
    result = project.run("--hw-model=claude-sonnet", "--hw-record=new", "-n", "2")
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_case_and_cassette_folders_come_from_options_or_ini(project):
    (project.root / "mycases").mkdir()
    (project.root / "mycases" / "q1.py").write_text(TWO_PART_CASE)
    from pytest_hwcheck.cli import main

    answer = project.root / "a.md"
    answer.write_text("(a) red\n(b) a crunchy apple")
    assert main(["import", "--model", "grok", "--question", "hw9.q1", "--response-file", str(answer),
                 "--cases-dir", "mycases", "--cassette-dir", "tapes"]) == 0
    project.run("--hw-model=grok", "--hw-cases=mycases", "--hw-cassettes=tapes").assert_outcomes(passed=3)
    project.pytester.makefile(".ini", pytest="[pytest]\naddopts = -p no:deepeval\nhw_cases = mycases\nhw_cassettes = tapes\n")
    project.run("--hw-model=grok").assert_outcomes(passed=3)


JUDGE_CASE = '''
from pytest_hwcheck import Question, Part, Concept
from pytest_hwcheck.deepeval_interop import llm_judge

question = Question(id="hw9.q6", prompt="Which KL is mass-covering?", parts=[
    Part(id="hw9.q6", concepts=[Concept("judged", llm_judge("Forward KL D_KL(P||Q) is mass-covering."))]),
])
'''


def test_an_llm_judge_concept_is_recorded_into_the_answers_cassette_and_replayed_offline(
    project, fake_api, monkeypatch
):
    project.case("q6", JUDGE_CASE)
    project.answer("claude-sonnet", "hw9.q6", "Forward KL is mass-covering: Q spreads over both modes.")
    fake_api.answer = json.dumps({"reason": "states it", "score": 9})
    # Replay only, no recording in the cassette: skipped with the reason, and no call is made.
    monkeypatch.setenv("OPENAI_API_KEY", "sk-judge-SECRET-123456")
    monkeypatch.setenv("OPENAI_BASE_URL", fake_api.url)
    result = project.run("--hw-model=claude-sonnet", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*LLM-judge concept needs OPENAI_API_KEY to record*"])
    assert fake_api.requests == []
    # Recording: the judge's HTTP call goes into the same cassette, scrubbed.
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-unused-123456")
    project.run("--hw-model=claude-sonnet", "--hw-record=new").assert_outcomes(passed=1)
    assert len(fake_api.requests) == 1
    text = project.cassette("claude-sonnet", "hw9.q6").read_text()
    assert "sk-judge-SECRET-123456" not in text
    assert len(yaml.safe_load(text)["metadata"]["hwcheck"]["judge"]) == 1
    # Replay: no key, server gone, the recorded verdict grades the answer offline.
    for var in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(var)
    fake_api.close()
    project.run("--hw-model=claude-sonnet").assert_outcomes(passed=1)
