"""deepeval interop both ways, and the LLM-judge concept with its cassette hook (all offline).

The judge talks to a fake OpenAI-compatible server on 127.0.0.1; recording and
replaying go through ``set_judge_cassette`` with a vcrpy cassette, the way the
plugin's cassette layer uses the hook.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from pytest_hwcheck.deepeval_interop import (
    REPLAY_API_KEY,
    JudgeCall,
    as_deepeval_metric,
    from_deepeval,
    get_judge_cassette,
    llm_judge,
    quiet_deepeval,
    set_judge_cassette,
)
from pytest_hwcheck.matchers.base import FunctionMatcher, as_matcher
from pytest_hwcheck.matchers.compose import all_of
from pytest_hwcheck.verdict import Verdict

SKIP_REASON = "LLM-judge concept needs OPENAI_API_KEY to record (pytest --hw-record=new), or a recorded verdict in the cassette"


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Run in an empty folder with no judge credentials and no cassette hook; check deepeval wrote nothing here."""
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "JUDGE_KEY", "JUDGE_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    quiet_deepeval()  # the tests import deepeval directly too; the interop module does this before each import
    set_judge_cassette(None)
    yield tmp_path
    set_judge_cassette(None)
    assert not (tmp_path / ".deepeval").exists(), "deepeval created .deepeval/ in the working folder"


def _word_metric_class():
    quiet_deepeval()
    from deepeval.metrics import BaseMetric

    class ContainsWordMetric(BaseMetric):
        """A local custom deepeval metric: score 1 when the output contains a word (no LLM, no network)."""

        def __init__(self, word: str, threshold: float = 0.5) -> None:
            self.word = word
            self.threshold = threshold
            self.seen_inputs: list[str] = []

        def measure(self, test_case, *args, **kwargs) -> float:
            self.seen_inputs.append(test_case.input)
            self.score = 1.0 if self.word in test_case.actual_output else 0.0
            self.success = self.score >= self.threshold
            self.reason = f"{'found' if self.success else 'no'} {self.word!r} in the output"
            return self.score

        async def a_measure(self, test_case, *args, **kwargs) -> float:
            return self.measure(test_case)

        def is_successful(self) -> bool:
            return bool(self.success)

        @property
        def __name__(self) -> str:
            return f"ContainsWord({self.word})"

    return ContainsWordMetric


def says(word: str) -> FunctionMatcher:
    def check(answer: str) -> Verdict:
        if word in answer:
            return Verdict.ok(f"states {word!r}", evidence=word, expected=word, found=word)
        return Verdict.fail(f"does not state {word!r}", expected=word, found="nothing")

    check.__name__ = check.__qualname__ = f"says_{word}"
    return FunctionMatcher(check)


# -- hwcheck matcher -> deepeval metric -------------------------------------------------------------
def test_as_deepeval_metric_is_a_deepeval_metric_that_grades_actual_output():
    from deepeval.metrics import BaseMetric
    from deepeval.test_case import LLMTestCase

    metric = as_deepeval_metric(says("mass-covering"), name="forward-kl")
    assert isinstance(metric, BaseMetric)
    assert metric.__name__ == "forward-kl"

    assert metric.measure(LLMTestCase(input="q", actual_output="forward KL is mass-covering")) == 1.0
    assert metric.success is True and metric.is_successful()
    assert "states 'mass-covering'" in metric.reason

    assert metric.measure(LLMTestCase(input="q", actual_output="forward KL is mode-seeking")) == 0.0
    assert metric.is_successful() is False
    assert "does not state" in metric.reason and metric.verdict.expected == "mass-covering"


def test_as_deepeval_metric_supports_async_measure_and_a_default_name():
    from deepeval.test_case import LLMTestCase

    metric = as_deepeval_metric(says("yes"))
    assert asyncio.run(metric.a_measure(LLMTestCase(input="", actual_output="yes"))) == 1.0
    assert metric.is_successful()
    assert metric.__name__ == "hwcheck says_yes()"


def test_as_deepeval_metric_needs_the_threshold_too_for_partial_credit():
    from deepeval.test_case import LLMTestCase

    half = FunctionMatcher(lambda a: Verdict.ok("half credit", score=0.4))
    metric = as_deepeval_metric(half, threshold=0.5)
    assert metric.measure(LLMTestCase(input="", actual_output="x")) == 0.4
    assert not metric.is_successful()
    with pytest.raises(ValueError, match="threshold"):
        as_deepeval_metric(half, threshold=2)


# -- deepeval metric -> hwcheck matcher -------------------------------------------------------------
@pytest.mark.parametrize("answer, passed", [
    ("forward KL is mass-covering", True),
    ("forward KL is mode-seeking", False),
    ("", False),
])
def test_from_deepeval_maps_score_success_and_reason_into_a_verdict(answer, passed):
    metric = _word_metric_class()("mass-covering")
    verdict = from_deepeval(metric, input="Which KL is mass-covering?")(answer)
    assert verdict.passed is passed
    assert verdict.score == (1.0 if passed else 0.0)
    assert "ContainsWord(mass-covering)" in verdict.explanation
    assert ("found" if passed else "no 'mass-covering'") in verdict.explanation
    assert verdict.details["threshold"] == 0.5
    assert metric.seen_inputs == ["Which KL is mass-covering?"]


def test_from_deepeval_repr_names_the_metric():
    metric = _word_metric_class()("x")
    assert repr(from_deepeval(metric)) == "from_deepeval(metric=ContainsWord(x))"
    assert repr(from_deepeval(metric, input="q")) == "from_deepeval(metric=ContainsWord(x), input='q')"


def test_a_deepeval_metric_in_a_concept_becomes_a_from_deepeval_matcher():
    matcher = as_matcher(_word_metric_class()("yes"))
    assert matcher.name == "from_deepeval"
    assert matcher("yes").passed


def test_from_deepeval_reports_a_metric_error_as_a_failed_verdict():
    metric = _word_metric_class()("x")
    metric.measure = lambda test_case: setattr(metric, "error", "judge exploded")  # type: ignore[method-assign]
    verdict = from_deepeval(metric)("x")
    assert not verdict.passed and "judge exploded" in verdict.explanation

    def crash(test_case):
        raise RuntimeError("boom")

    metric.measure = crash  # type: ignore[method-assign]
    verdict = from_deepeval(metric)("x")
    assert not verdict.passed and "RuntimeError: boom" in verdict.explanation


def test_from_deepeval_clamps_scores_outside_zero_to_one():
    metric = _word_metric_class()("x")

    def measure(test_case):
        metric.score, metric.success, metric.reason = 7.5, True, "on a 0-10 scale"

    metric.measure = measure  # type: ignore[method-assign]
    verdict = from_deepeval(metric)("x")
    assert verdict.passed and verdict.score == 1.0 and verdict.details["score"] == 7.5


def test_from_deepeval_rejects_something_that_is_not_a_metric():
    with pytest.raises(TypeError, match="measure"):
        from_deepeval(object())


@pytest.mark.parametrize("answer", ["forward KL is mass-covering", "forward KL is mode-seeking"])
def test_round_trip_matcher_to_metric_to_matcher_keeps_the_grade(answer):
    original = says("mass-covering")
    round_tripped = from_deepeval(as_deepeval_metric(original))
    assert round_tripped(answer).passed == original(answer).passed
    assert round_tripped(answer).score == original(answer).score


def test_importing_the_interop_module_does_not_import_deepeval():
    code = "import sys, pytest_hwcheck.deepeval_interop; print('deepeval' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_using_deepeval_through_the_interop_writes_no_files_and_opts_out_of_telemetry(tmp_path):
    # A clean process, none of deepeval's switches set by the caller, HOME and cwd empty folders.
    work, home = tmp_path / "work", tmp_path / "home"
    work.mkdir()
    home.mkdir()
    (work / ".env").write_text("HWCHECK_DOTENV_PROBE=loaded\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEEPEVAL_", "CONFIDENT_"))}
    env["HOME"] = str(home)
    code = (
        "import os\n"
        "from pytest_hwcheck.deepeval_interop import as_deepeval_metric, from_deepeval\n"
        "from pytest_hwcheck.matchers.base import FunctionMatcher\n"
        "metric = as_deepeval_metric(FunctionMatcher(lambda a: 'yes' in a))\n"
        "assert from_deepeval(metric)('yes').passed\n"
        "from deepeval.telemetry import telemetry_opt_out\n"
        "print(telemetry_opt_out(), os.environ.get('HWCHECK_DOTENV_PROBE'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=work, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "True None"
    assert sorted(p.name for p in work.iterdir()) == [".env"]
    assert list(home.iterdir()) == []


def test_quiet_deepeval_switches_off_telemetry_and_dotenv_without_overriding_the_user(monkeypatch):
    monkeypatch.delenv("DEEPEVAL_TELEMETRY_OPT_OUT", raising=False)
    monkeypatch.setenv("DEEPEVAL_DISABLE_DOTENV", "0")
    quiet_deepeval()
    assert os.environ["DEEPEVAL_TELEMETRY_OPT_OUT"] == "1"
    assert os.environ["DEEPEVAL_DISABLE_DOTENV"] == "0"


# -- LLM judge --------------------------------------------------------------------------------------
class FakeOpenAI:
    """An OpenAI-compatible chat-completions endpoint on 127.0.0.1 that answers with a fixed judge verdict."""

    def __init__(self) -> None:
        self.score = 9
        self.requests: list[dict[str, Any]] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server naming
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
                api.requests.append({"path": self.path, "auth": self.headers.get("authorization"), "body": body})
                content = json.dumps({"reason": f"judged {api.score}/10", "score": api.score})
                data = json.dumps({
                    "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": body.get("model"),
                    "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                                 "message": {"role": "assistant", "content": content}}],
                    "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
                }).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_openai():
    api = FakeOpenAI()
    yield api
    api.close()


RUBRIC = "forward KL is mass-covering and reverse KL is mode-seeking"


def test_llm_judge_without_a_key_or_recording_is_skipped_not_failed():
    with pytest.raises(pytest.skip.Exception) as info:
        llm_judge(RUBRIC)("Forward KL covers both modes.")
    assert info.value.msg == SKIP_REASON


def test_llm_judge_skip_passes_through_compositions():
    with pytest.raises(pytest.skip.Exception, match="needs OPENAI_API_KEY"):
        all_of(says("KL"), llm_judge(RUBRIC))("Forward KL covers both modes.")


def test_llm_judge_skip_names_a_custom_key_variable():
    with pytest.raises(pytest.skip.Exception, match="needs JUDGE_KEY to record"):
        llm_judge(RUBRIC, api_key_env="JUDGE_KEY")("answer")


def test_llm_judge_fails_an_empty_answer_without_calling_the_judge():
    verdict = llm_judge(RUBRIC)("   ")
    assert not verdict.passed and "empty" in verdict.explanation


@pytest.mark.parametrize("score, passed", [(9, True), (2, False)])
def test_llm_judge_with_a_key_grades_through_geval(monkeypatch, fake_openai, score, passed):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-key")
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.url)
    fake_openai.score = score
    verdict = llm_judge(RUBRIC, criteria="Mentions both directions.", threshold=0.5)("Forward KL covers both modes.")
    assert verdict.passed is passed, verdict.summary()
    assert verdict.score == pytest.approx(score / 10)
    assert f"judged {score}/10" in verdict.explanation
    [request] = fake_openai.requests  # fixed evaluation steps: one call, no step-generation call
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer sk-test-key"
    prompt = json.dumps(request["body"])
    assert RUBRIC in prompt and "Forward KL covers both modes." in prompt and "Mentions both directions." in prompt
    assert request["body"]["model"] == "gpt-4o-mini"


def test_llm_judge_reads_custom_endpoint_variables(monkeypatch, fake_openai):
    monkeypatch.setenv("JUDGE_KEY", "sk-other")
    monkeypatch.setenv("JUDGE_URL", fake_openai.url)
    judge = llm_judge(["Check the answer names the mass-covering divergence."], judge_model="local-judge",
                      api_key_env="JUDGE_KEY", base_url_env="JUDGE_URL")
    assert judge("forward KL").passed
    assert fake_openai.requests[0]["body"]["model"] == "local-judge"
    assert "api_key_env='JUDGE_KEY'" in repr(judge)


def _vcr_cassette(path, record: bool):
    """A judge cassette hook like the plugin's: vcrpy records with a key and replays without one."""
    import vcr

    recorder = vcr.VCR(record_mode="all" if record else "none", match_on=["method", "uri", "body"],
                       filter_headers=["authorization"])
    calls: list[JudgeCall] = []

    @contextlib.contextmanager
    def cassette(call: JudgeCall):
        calls.append(call)
        if not record and not path.exists():
            yield False
            return
        with recorder.use_cassette(str(path)):
            yield not record

    return cassette, calls


def test_llm_judge_records_through_the_cassette_hook_and_replays_offline_without_a_key(monkeypatch, fake_openai, tmp_path):
    cassette_path = tmp_path / "judge.yaml"
    answer = "Forward KL covers both modes; reverse KL picks one."
    judge = llm_judge(RUBRIC)

    # Record: key and live (local) endpoint.
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-recording-key")
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.url)
    hook, calls = _vcr_cassette(cassette_path, record=True)
    set_judge_cassette(hook)
    assert get_judge_cassette() is hook
    recorded = judge(answer)
    assert recorded.passed and len(fake_openai.requests) == 1
    assert calls[0].answer == answer and calls[0].has_api_key and calls[0].key == judge.key(answer)
    assert "sk-secret-recording-key" not in cassette_path.read_text()

    # Replay: no key, the server gone; the recorded verdict comes back.
    fake_openai.close()
    monkeypatch.delenv("OPENAI_API_KEY")
    hook, calls = _vcr_cassette(cassette_path, record=False)
    set_judge_cassette(hook)
    replayed = judge(answer)
    assert replayed.passed == recorded.passed and replayed.score == recorded.score
    assert replayed.explanation == recorded.explanation
    assert not calls[0].has_api_key

    # A different answer has no recording: skipped, not failed.
    with pytest.raises(pytest.skip.Exception) as info:
        judge("A different answer nobody recorded.")
    assert info.value.msg.startswith(SKIP_REASON) and "no recorded verdict matched" in info.value.msg


def test_llm_judge_without_a_key_and_an_empty_cassette_is_skipped(tmp_path):
    hook, calls = _vcr_cassette(tmp_path / "missing.yaml", record=False)
    set_judge_cassette(hook)
    with pytest.raises(pytest.skip.Exception) as info:
        llm_judge(RUBRIC)("Forward KL covers both modes.")
    assert info.value.msg == SKIP_REASON and len(calls) == 1


def test_llm_judge_key_is_stable_and_depends_on_what_is_sent():
    judge = llm_judge(RUBRIC)
    assert judge.key("a") == llm_judge(RUBRIC).key("a")
    assert judge.key("a") != judge.key("b")
    assert judge.key("a") != llm_judge(RUBRIC, judge_model="gpt-4o").key("a")
    assert REPLAY_API_KEY.startswith("sk-")


@pytest.mark.parametrize("kwargs, error", [
    ({"rubric": "  "}, ValueError),
    ({"rubric": []}, ValueError),
    ({"rubric": RUBRIC, "criteria": ""}, ValueError),
    ({"rubric": RUBRIC, "threshold": 1.5}, ValueError),
    ({"rubric": RUBRIC, "input": None}, TypeError),
])
def test_llm_judge_rejects_bad_settings(kwargs, error):
    with pytest.raises(error):
        llm_judge(**kwargs)


def test_llm_judge_repr_is_the_factory_call():
    assert repr(llm_judge(RUBRIC, threshold=0.7)) == f"llm_judge(rubric={RUBRIC!r}, threshold=0.7, judge_model='gpt-4o-mini')"


# -- without the deepeval extra ---------------------------------------------------------------------
@pytest.fixture
def no_deepeval(monkeypatch):
    """deepeval cannot be imported, as after ``pip install pytest-hwcheck`` without the [deepeval] extra."""
    for name in [n for n in sys.modules if n == "deepeval" or n.startswith("deepeval.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "deepeval", None)  # None in sys.modules: every import of it fails


class _DuckMetric:
    threshold = 0.5

    def measure(self, test_case):
        self.score = 1.0


@pytest.mark.parametrize("build", [
    lambda: llm_judge("forward KL is mass-covering"),
    lambda: from_deepeval(_DuckMetric()),
    lambda: as_deepeval_metric(FunctionMatcher(lambda a: True)),
    lambda: as_matcher(_DuckMetric()),
], ids=["llm_judge", "from_deepeval", "as_deepeval_metric", "a-metric-as-a-concept"])
def test_without_deepeval_building_a_deepeval_concept_says_to_install_the_extra(no_deepeval, build):
    with pytest.raises(ImportError, match=r"needs deepeval, which is not installed: install pytest-hwcheck\[deepeval\]"):
        build()


def test_without_deepeval_plain_concepts_still_work(no_deepeval):
    from pytest_hwcheck.deepeval_interop import deepeval_installed

    assert not deepeval_installed()
    assert as_matcher(lambda answer: "red" in answer)("red").passed
    assert all_of(FunctionMatcher(lambda answer: True))("x").passed
