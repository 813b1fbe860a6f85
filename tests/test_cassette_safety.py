"""Recording and replay under hostile input: echoed keys, damaged cassettes, proxies, kills, huge answers.

Each test runs the plugin end to end with pytester, the way a user runs it, against a fake
provider API on 127.0.0.1.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
import yaml

from conftest import TWO_PART_CASE

SECRET = "sk-test-ECHOED-0123456789abcdef"

# A concept that quotes the whole answer in its explanation and evidence, so whatever the
# graded text holds reaches the terminal, the JUnit XML and the JSON report.
QUOTING_CASE = '''
from pytest_hwcheck import Question, Part, Concept, Verdict

def quotes_the_answer(answer):
    return Verdict.fail(f"the answer was: {answer}", evidence=answer)

question = Question(
    id="hw9.q1",
    prompt="Question 1. (a) Name a colour. (b) Name a fruit.",
    parts=[
        Part(id="hw9.q1a", concepts=[Concept("colour", lambda a: "red" in a)]),
        Part(id="hw9.q1b", concepts=[Concept("quoted", quotes_the_answer)]),
    ],
)
'''


def _artefacts(project, result, *names):
    return result.stdout.str() + result.stderr.str() + "".join(
        (project.root / name).read_text(encoding="utf-8") for name in names
    )


@pytest.mark.parametrize("gzip_body", [False, True], ids=["plain-body", "gzip-body"])
def test_a_key_echoed_by_the_provider_reaches_no_artefact_of_a_recording_run(project, fake_api, monkeypatch, gzip_body):
    project.case("q1", QUOTING_CASE)
    monkeypatch.setenv("ANTHROPIC_API_KEY", SECRET)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_api.url)
    fake_api.echo_key = True  # in the answer text and in a response header
    fake_api.gzip = gzip_body
    recorded = project.run("--hw-model=claude-sonnet", "--hw-record=new", "-rA",
                           "--junitxml=record.xml", "--hw-report=record.json")
    recorded.assert_outcomes(passed=1, failed=1)
    assert SECRET in json.dumps(fake_api.requests[0]["headers"])  # the key was really sent and echoed
    cassette = project.cassette("claude-sonnet", "hw9.q1").read_text(encoding="utf-8")
    everything = _artefacts(project, recorded, "record.xml", "record.json") + cassette
    assert SECRET not in everything
    # The echoed text itself did reach every artefact, scrubbed: the check above can fail.
    for artefact in (recorded.stdout.str(), (project.root / "record.xml").read_text(), (project.root / "record.json").read_text()):
        assert "(the key was <REDACTED>)" in artefact.replace("&lt;", "<").replace("&gt;", ">")

    monkeypatch.delenv("ANTHROPIC_API_KEY")
    replayed = project.run("--hw-model=claude-sonnet", "--hw-report=replay.json")
    replayed.assert_outcomes(passed=1, failed=1)
    assert json.loads((project.root / "record.json").read_text()) == json.loads((project.root / "replay.json").read_text())


def test_a_provider_error_that_quotes_the_key_is_scrubbed_from_the_failure_message(project, fake_api, monkeypatch):
    project.case("q1", TWO_PART_CASE)
    monkeypatch.setenv("ANTHROPIC_API_KEY", SECRET)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_api.url)
    fake_api.error_status = 401
    result = project.run("--hw-model=claude-sonnet", "--hw-record=new", "--junitxml=out.xml", "--hw-report=out.json")
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(["*recording claude-sonnet on hw9.q1 failed*HTTP 401*invalid x-api-key <REDACTED>*"
                                 "nothing was written*"])
    assert SECRET not in _artefacts(project, result, "out.xml", "out.json")
    assert not project.cassette("claude-sonnet", "hw9.q1").exists()


def test_an_answer_past_the_size_limit_fails_the_recording_and_keeps_the_old_cassette(project, fake_api, monkeypatch):
    from pytest_hwcheck.providers import MAX_RESPONSE_BYTES

    project.case("q1", TWO_PART_CASE)
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple")
    before = project.cassette("claude-sonnet", "hw9.q1").read_bytes()
    monkeypatch.setenv("ANTHROPIC_API_KEY", SECRET)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_api.url)
    fake_api.padding = MAX_RESPONSE_BYTES
    result = project.run("--hw-model=claude-sonnet", "--hw-record=rewrite")
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(["*recording claude-sonnet on hw9.q1 failed*more than the 2,000,000 bytes*"
                                 "the previous cassette was kept*"])
    assert project.cassette("claude-sonnet", "hw9.q1").read_bytes() == before


def test_importing_a_transcript_past_the_size_limit_is_refused_with_the_limit(project, capsys):
    from pytest_hwcheck.providers import MAX_RESPONSE_BYTES

    project.case("q1", TWO_PART_CASE)
    assert project.answer("claude-sonnet", "hw9.q1", "x" * (MAX_RESPONSE_BYTES + 1)) != 0
    assert "more than the 2,000,000 bytes" in capsys.readouterr().err
    assert not project.cassette("claude-sonnet", "hw9.q1").exists()


def _damage(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data["interactions"][0]["response"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _body(response, value):
    response["body"]["string"] = value


def _gzip_without_header(response):
    response["body"]["string"] = gzip.compress(response["body"]["string"].encode())


def _content_of_wrong_type(response):
    body = json.loads(response["body"]["string"])
    body["content"] = [{"type": "text", "text": 42}]
    response["body"]["string"] = json.dumps(body)


def _content_not_a_list(response):
    body = json.loads(response["body"]["string"])
    body["content"] = "just a string"
    response["body"]["string"] = json.dumps(body)


def _blocks_not_objects(response):
    body = json.loads(response["body"]["string"])
    body["content"] = ["a", "b"]
    response["body"]["string"] = json.dumps(body)


DAMAGES = {
    "empty-object-body": lambda r: _body(r, "{}"),
    "non-json-body": lambda r: _body(r, "<html>gateway timeout</html>"),
    "json-list-body": lambda r: _body(r, "[1, 2]"),
    "gzip-bytes-without-header": _gzip_without_header,
    "content-of-wrong-type": _content_of_wrong_type,
    "content-not-a-list": _content_not_a_list,
    "content-blocks-not-objects": _blocks_not_objects,
    "missing-status": lambda r: r.pop("status"),
    "missing-body": lambda r: r.pop("body"),
}


@pytest.mark.parametrize("damage", DAMAGES, ids=list(DAMAGES))
def test_a_damaged_response_body_is_one_error_per_concept_counted_in_the_report(project, damage):
    project.case("q1", TWO_PART_CASE)
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple")
    _damage(project.cassette("claude-sonnet", "hw9.q1"), DAMAGES[damage])
    result = project.run("--hw-model=claude-sonnet", "--hw-report=report.json")
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(["*cassette*hw9.q1.yaml, turn 1: the recorded response cannot be read*"
                                 "re-record it with --hw-record=rewrite*"])
    out = result.stdout.str()
    assert "Traceback" not in out and "File \"" not in out
    # One short message per concept, not thousands of traceback lines.
    assert len(out.splitlines()) < 80
    report = json.loads((project.root / "report.json").read_text())["models"]["claude-sonnet"]
    assert {p: v["status"] for p, v in report["parts"].items()} == {"hw9.q1a": "error", "hw9.q1b": "error"}
    assert report["unreadable_parts"] == 2


def test_a_cassette_past_the_size_limit_is_refused_before_it_is_parsed(project):
    from pytest_hwcheck.cassettes import MAX_CASSETTE_BYTES

    project.case("q1", TWO_PART_CASE)
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple")
    path = project.cassette("claude-sonnet", "hw9.q1")
    with path.open("a", encoding="utf-8") as handle:
        handle.write("# " + "x" * MAX_CASSETTE_BYTES + "\n")
    result = project.run("--hw-model=claude-sonnet")
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(["*hw9.q1.yaml is * bytes, more than the * a cassette may hold*"])


def test_replay_ignores_the_environments_proxy_settings(project, monkeypatch):
    project.case("q1", TWO_PART_CASE)
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple")
    for var in ("ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY"):
        monkeypatch.setenv(var, "socks5://127.0.0.1:1")
    project.run("--hw-model=claude-sonnet").assert_outcomes(passed=3)


def test_cassettes_and_reports_are_written_with_the_users_umask(project):
    project.case("q1", TWO_PART_CASE)
    old = os.umask(0o022)
    try:
        project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple")
        project.run("--hw-model=claude-sonnet", "--hw-report=report.json").assert_outcomes(passed=3)
    finally:
        os.umask(old)
    assert project.cassette("claude-sonnet", "hw9.q1").stat().st_mode & 0o777 == 0o644
    assert (project.root / "report.json").stat().st_mode & 0o777 == 0o644


RECORD_ONE = """
import sys
from pathlib import Path
from pytest_hwcheck.collect import load_case_module
from pytest_hwcheck.cassettes import cassette_path, record
from pytest_hwcheck.providers import make_provider
from pytest_hwcheck.registry import ModelSpec

[question] = load_case_module(Path("cases/q1.py"))
spec = ModelSpec(alias="claude-sonnet", provider="anthropic", model="m")
print("recording", flush=True)
record(cassette_path(Path("cassettes"), "claude-sonnet", question.id), question, make_provider(spec))
"""


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=["SIGKILL", "SIGTERM", "SIGINT"])
def test_a_killed_recording_keeps_the_old_cassette_and_the_next_run_removes_its_leftovers(
    project, fake_api, monkeypatch, sig
):
    project.case("q1", TWO_PART_CASE)
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple")
    before = project.cassette("claude-sonnet", "hw9.q1").read_bytes()
    fake_api.delay = 30.0
    script = project.root / "record_one.py"
    script.write_text(textwrap.dedent(RECORD_ONE), encoding="utf-8")
    env = {**os.environ, "ANTHROPIC_API_KEY": SECRET, "ANTHROPIC_BASE_URL": fake_api.url}
    child = subprocess.Popen([sys.executable, str(script)], cwd=project.root, env=env, stdout=subprocess.PIPE)
    try:
        assert child.stdout.readline().strip() == b"recording"
        folder = project.cassette("claude-sonnet", "hw9.q1").parent
        for _ in range(200):  # until the request is in flight
            if fake_api.requests:
                break
            time.sleep(0.05)
        assert fake_api.requests, "the recording never reached the fake API"
        child.send_signal(sig)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()
    leftovers = sorted(p.name for p in folder.iterdir() if p.name != "hw9.q1.yaml")
    if sig == signal.SIGKILL:
        assert leftovers and all(".recording.pid" in name for name in leftovers)
    assert project.cassette("claude-sonnet", "hw9.q1").read_bytes() == before
    fake_api.delay = 0.0
    result = project.run("--hw-model=claude-sonnet")
    result.assert_outcomes(passed=3)
    if leftovers:
        result.stdout.fnmatch_lines(["hwcheck: removed 1 temporary file(s) left by an interrupted recording*"
                                     "hw9.q1.recording.pid*"])
    assert sorted(p.name for p in folder.iterdir()) == ["hw9.q1.yaml"]


def test_leftovers_of_a_recording_still_running_are_kept(project):
    project.case("q1", TWO_PART_CASE)
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple")
    folder = project.cassette("claude-sonnet", "hw9.q1").parent
    live = folder / f".hw9.q1.recording.pid{os.getppid()}.abc123"  # the pytester process's parent: alive
    live.mkdir()
    result = project.run("--hw-model=claude-sonnet")
    result.assert_outcomes(passed=3)
    assert live.is_dir()
    assert "temporary file(s) left" not in result.stdout.str()


def test_cassettes_load_with_a_safe_loader_that_refuses_python_tags(project):
    project.case("q1", TWO_PART_CASE)
    project.answer("claude-sonnet", "hw9.q1", "(a) red\n(b) a crunchy apple")
    path = project.cassette("claude-sonnet", "hw9.q1")
    path.write_text("!!python/object/apply:os.system ['echo pwned > pwned.txt']\n", encoding="utf-8")
    result = project.run("--hw-model=claude-sonnet")
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(["*hw9.q1.yaml is not valid YAML*"])
    assert not (project.root / "pwned.txt").exists()
