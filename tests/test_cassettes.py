"""Cassette-level guarantees that the end-to-end tests do not reach: secrets anywhere, atomic writes."""

from __future__ import annotations

import pytest

from pytest_hwcheck.case import Concept, Part, Question
from pytest_hwcheck.cassettes import CassetteCorrupt, read_cassette, record, write_atomically
from pytest_hwcheck.providers import OpenAICompatibleProvider, canonical_json
from pytest_hwcheck.registry import ModelSpec

QUESTION = Question(id="hw9.q1", prompt="Say hi.", parts=[Part(id="hw9.q1", concepts=[Concept("hi", lambda a: True)])])
SECRET = "sk-leaky-SECRET-9876543210"


class LeakyProvider(OpenAICompatibleProvider):
    """An API that wants its key in the query string and in the body as well as in a header."""

    def send(self, client, messages, key):
        request = self.build_request(messages)
        body = {**request.body, "api_key": key}
        response = client.request("POST", f"{request.url}?key={key}&mode=chat", content=canonical_json(body),
                                  headers={**request.headers, "authorization": f"Bearer {key}", "api-key": key})
        return self.parse_response(response.json())


def test_recording_scrubs_a_key_from_query_string_body_headers_and_response(tmp_path, fake_api, monkeypatch):
    monkeypatch.setenv("LEAKY_KEY", SECRET)
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    spec = ModelSpec(alias="leaky", provider="openai", model="m", base_url=fake_api.url, api_key_env="LEAKY_KEY")
    path = tmp_path / "leaky" / "hw9.q1.yaml"
    record(path, QUESTION, LeakyProvider(spec))
    assert SECRET in str(fake_api.requests[0])  # the server did receive it ...
    text = path.read_text()
    assert SECRET not in text  # ... the cassette never holds it
    assert "mode=chat" in text  # the rest of the query string is kept


def test_a_cassette_that_is_a_list_is_reported_as_not_a_hwcheck_cassette(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("- just\n- a list\n")
    with pytest.raises(CassetteCorrupt, match="not a hwcheck cassette"):
        read_cassette(path)


def test_atomic_write_leaves_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    path = tmp_path / "c.yaml"
    path.write_text("old")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError):
        write_atomically(path, "new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["c.yaml"]
