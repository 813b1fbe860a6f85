"""Shared fixtures: a pytester wrapper for end-to-end runs and a fake provider API on 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import textwrap
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["pytester"]


def pytest_configure(config: pytest.Config) -> None:
    """Backstop timeout, and nothing written into the checkout, so two runs at once share no file.

    A hung test fails instead of stalling CI (matchers bound their own time; this is the
    backstop). Hypothesis keeps no example database (a failure prints its falsifying
    example) and its other files, like an embedding cache that a test does not place
    itself, go to a temporary folder of this process (of each xdist worker), not to
    ``.hypothesis/`` and ``.hwcheck_cache/`` in the cwd.
    """
    if config.pluginmanager.hasplugin("timeout") and not config.getoption("timeout", None):
        config.option.timeout = 300
    from pytest_hwcheck.embeddings import CACHE_DIR_ENV

    scratch = Path(tempfile.mkdtemp(prefix="hwcheck-tests-"))
    placed = {}
    for var, folder in (("HYPOTHESIS_STORAGE_DIRECTORY", "hypothesis"), (CACHE_DIR_ENV, "embeddings")):
        if var not in os.environ:
            os.environ[var] = placed[var] = str(scratch / folder)

    def cleanup() -> None:
        for var in placed:
            os.environ.pop(var, None)
        shutil.rmtree(scratch, ignore_errors=True)

    config.add_cleanup(cleanup)
    try:
        from hypothesis import settings
    except ImportError:  # pragma: no cover - hypothesis is in the [test] extra
        return
    settings.register_profile("hwcheck-tests", database=None)
    settings.load_profile("hwcheck-tests")

REGISTRY = """
[tool.pytest.ini_options]
addopts = "-p no:deepeval -p no:benchmark"
asyncio_default_fixture_loop_scope = "function"

[tool.hwcheck.models.claude-sonnet]
provider = "anthropic"
model = "claude-sonnet-4-5"

[tool.hwcheck.models.gemini-pro]
provider = "gemini"
model = "gemini-3-pro-preview"

[tool.hwcheck.models.grok]
provider = "openai"
model = "grok-4"
base_url_env = "XAI_BASE_URL"
api_key_env = "XAI_API_KEY"
"""

TWO_PART_CASE = '''
from pytest_hwcheck import Question, Part, Concept

def says(word):
    def check(answer):
        return word in answer
    check.__name__ = f"says_{word}"
    return check

question = Question(
    id="hw9.q1",
    prompt="Question 1. (a) Name a colour. (b) Name a fruit.",
    parts=[
        Part(id="hw9.q1a", concepts=[Concept("colour", says("red"))]),
        Part(id="hw9.q1b", concepts=[Concept("fruit", says("apple")), Concept("crunchy", says("crunchy"), points=2)]),
    ],
)
'''


class HwProject:
    """A throwaway project with a registry, case files and cassettes, run with pytester."""

    def __init__(self, pytester: pytest.Pytester) -> None:
        self.pytester = pytester
        self.root = Path(pytester.path)
        pytester.makefile(".toml", pyproject=REGISTRY)
        (self.root / "cases").mkdir()

    def case(self, name: str, source: str) -> Path:
        path = self.root / "cases" / f"{name}.py"
        path.write_text(textwrap.dedent(source), encoding="utf-8")
        return path

    def answer(self, model: str, question: str, text: str, *more: str, parts: str | None = None,
               append: bool = False, provider: str | None = None) -> int:
        from pytest_hwcheck.cli import main

        response = self.root / f"answer-{len(list(self.root.glob('answer-*')))}.md"
        response.write_text(text, encoding="utf-8")
        args = ["import", "--model", model, "--question", question, "--response-file", str(response),
                "--cassette-dir", str(self.root / "cassettes"), "--cases-dir", str(self.root / "cases"), *more]
        if parts:
            args += ["--parts", parts]
        if append:
            args.append("--append")
        if provider:
            args += ["--provider", provider]
        return main(args)

    def run(self, *args: str) -> pytest.RunResult:
        return self.pytester.runpytest("-p", "no:deepeval", "-p", "no:benchmark", *args)

    def run_subprocess(self, *args: str) -> pytest.RunResult:
        return self.pytester.runpytest_subprocess("-p", "no:deepeval", "-p", "no:benchmark", *args)

    def cassette(self, model: str, question: str) -> Path:
        return self.root / "cassettes" / model / f"{question}.yaml"


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> HwProject:
    """A project folder (the cwd) with the model registry and an empty ``cases/``."""
    for var in ("ANTHROPIC_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "OPENAI_API_KEY", "XAI_API_KEY",
                "ANTHROPIC_BASE_URL", "GEMINI_BASE_URL", "OPENAI_BASE_URL", "XAI_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(pytester.path)
    return HwProject(pytester)


class FakeApi:
    """A local stand-in for the three provider APIs, answering every request with ``answer``.

    It echoes the API key back in the response body and sets a cookie, so tests can
    check that recording scrubs responses as well as requests.
    """

    def __init__(self) -> None:
        self.answer = "(a) red. (b) a crunchy apple."
        self.requests: list[dict[str, Any]] = []
        self.fail_with: str | None = None  # "drop" closes the connection mid-response
        self.echo_key = False  # put the request's key in the answer text and in a response header
        self.gzip = False  # send the body gzip-encoded (content-encoding: gzip)
        self.error_status: int | None = None  # answer with this HTTP status and a body quoting the key
        self.delay = 0.0  # seconds to wait before answering (a recording that can be killed midway)
        self.padding = 0  # characters of filler appended to the answer text
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server naming
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                api.requests.append({"path": self.path, "headers": dict(self.headers), "body": json.loads(body)})
                if api.fail_with == "drop":
                    self.send_response(200)
                    self.send_header("content-length", "1000")
                    self.end_headers()
                    self.wfile.write(b'{"partial": ')
                    self.wfile.flush()
                    self.connection.close()
                    return
                key = self.headers.get("x-api-key") or self.headers.get("x-goog-api-key") or \
                    (self.headers.get("authorization") or "").removeprefix("Bearer ")
                note = f"request authorised with {key}"
                if api.delay:
                    import time

                    time.sleep(api.delay)
                if api.error_status:
                    data = json.dumps({"error": {"message": f"invalid x-api-key {key}"}}).encode()
                    self.send_response(api.error_status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                answer = api.answer + (f" (the key was {key})" if api.echo_key else "") + "x" * api.padding
                if self.path.endswith("/v1/messages"):
                    payload = {"id": "msg_1", "type": "message", "role": "assistant", "model": "m",
                               "content": [{"type": "thinking", "thinking": "hmm", "signature": "s"},
                                           {"type": "text", "text": answer}],
                               "stop_reason": "end_turn", "usage": {"note": note}}
                elif ":generateContent" in self.path:
                    payload = {"candidates": [{"content": {"role": "model", "parts": [{"text": answer}]}}],
                               "usageMetadata": {"note": note}}
                else:
                    payload = {"id": "c1", "object": "chat.completion", "model": "m",
                               "choices": [{"index": 0, "message": {"role": "assistant", "content": answer},
                                            "finish_reason": "stop"}],
                               "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2, "note": note}}
                data = json.dumps(payload).encode()
                if api.gzip:
                    import gzip

                    data = gzip.compress(data)
                self.send_response(200)
                self.send_header("content-type", "application/json")
                if api.gzip:
                    self.send_header("content-encoding", "gzip")
                if api.echo_key:
                    self.send_header("x-request-echo", f"key={key}")
                self.send_header("set-cookie", f"session={key}")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def minilm(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The packaged all-MiniLM-L6-v2 as the project loads it, once per session (per xdist worker).

    Its embedding cache is a folder of its own, so concurrent runs share no cache file.
    """
    from pytest_hwcheck.embeddings import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder(cache_dir=tmp_path_factory.mktemp("minilm-cache"))
    embedder.load_model()
    yield embedder
    embedder.cache.close()


@pytest.fixture
def fake_api() -> Any:
    """A fake provider API on 127.0.0.1 (tests never reach the internet)."""
    api = FakeApi()
    yield api
    api.close()
