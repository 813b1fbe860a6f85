"""Provider clients: the real request and response formats of the three chat APIs.

Each provider turns a conversation into the HTTP request its API expects and the
API's JSON reply into answer text (keeping visible reasoning apart). Recording,
replay and ``hwcheck import`` all go through the same code: import writes the
response the API would have sent, and replay re-sends the very request a live
recording would send, which is how a changed prompt is caught.

HTTP goes through ``httpx`` so that the cassette layer can intercept it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, ClassVar

from .registry import ModelSpec


@dataclass(frozen=True)
class Message:
    """One message of a conversation: ``role`` is ``user`` or ``assistant``."""

    role: str
    text: str


@dataclass(frozen=True)
class Reply:
    """What the model said in one turn: the graded ``text`` and the ungraded ``thinking``."""

    text: str
    thinking: str = ""


@dataclass(frozen=True)
class HttpRequest:
    """A provider request, before any secret is added."""

    method: str
    url: str
    headers: dict[str, str]
    body: dict[str, Any]


#: The largest response body pytest-hwcheck reads (recorded, replayed or imported): 2 MB,
#: far beyond any homework answer, well short of what would take minutes to parse and grade.
MAX_RESPONSE_BYTES = 2_000_000


class MissingApiKeyError(RuntimeError):
    """Recording needs the provider's API key and none is set."""


class ProviderResponseError(RuntimeError):
    """The provider answered with an error or with a body this client cannot read."""


class Provider:
    """Base provider: subclasses define the wire format."""

    name: ClassVar[str]
    default_base_url: ClassVar[str]
    default_base_url_env: ClassVar[str]
    default_key_envs: ClassVar[tuple[str, ...]]
    #: Headers and query parameters that may carry a secret; never written to a cassette.
    secret_headers: ClassVar[tuple[str, ...]] = ("authorization", "x-api-key", "x-goog-api-key", "api-key", "cookie")
    secret_query_params: ClassVar[tuple[str, ...]] = ("key", "api_key", "apikey")

    def __init__(self, spec: ModelSpec, *, base_url: str | None = None) -> None:
        self.spec = spec
        self._base_url = base_url

    # -- connection ---------------------------------------------------------------------
    @property
    def key_envs(self) -> tuple[str, ...]:
        """Environment variables the API key is read from, in order."""
        return (self.spec.api_key_env,) if self.spec.api_key_env else self.default_key_envs

    def api_key(self) -> str | None:
        """The API key from the environment, or None."""
        for env in self.key_envs:
            value = os.environ.get(env)
            if value:
                return value
        return None

    def require_api_key(self) -> str:
        """The API key, or a :class:`MissingApiKeyError` that says which variable to set."""
        key = self.api_key()
        if not key:
            names = " or ".join(self.key_envs)
            raise MissingApiKeyError(
                f"recording {self.spec.alias} ({self.name}) needs an API key: set {names}, "
                "or run without --hw-record to replay the recorded cassettes"
            )
        return key

    @property
    def base_url(self) -> str:
        """Where requests go; an environment variable overrides the registry (e.g. a local test server)."""
        # Precedence: explicit base_url (a cassette's, on replay) > $<base_url_env> > registry base_url > default.
        env = self.spec.base_url_env or self.default_base_url_env
        return (self._base_url or os.environ.get(env) or self.spec.base_url or self.default_base_url).rstrip("/")

    # -- wire format ----------------------------------------------------------------------
    def build_request(self, messages: list[Message]) -> HttpRequest:  # pragma: no cover - abstract
        """The HTTP request for this conversation (no secret in it)."""
        raise NotImplementedError

    def authorize(self, request: HttpRequest, key: str) -> dict[str, str]:  # pragma: no cover - abstract
        """Headers carrying the key."""
        raise NotImplementedError

    def parse_response(self, data: dict[str, Any]) -> Reply:  # pragma: no cover - abstract
        """The answer text (and visible reasoning) in an API response body."""
        raise NotImplementedError

    def synthesize_response(self, reply: Reply) -> dict[str, Any]:  # pragma: no cover - abstract
        """The response body the API would have sent for ``reply`` (used by ``hwcheck import``)."""
        raise NotImplementedError

    def send(self, client: Any, messages: list[Message], key: str | None) -> Reply:
        """Send one turn with an ``httpx.Client`` and return the reply."""
        request = self.build_request(messages)
        headers = dict(request.headers)
        if key:
            headers.update(self.authorize(request, key))
        response = client.request(request.method, request.url, headers=headers, content=canonical_json(request.body))
        if response.status_code >= 400:
            raise ProviderResponseError(
                f"{self.spec.alias}: {self.name} answered HTTP {response.status_code}: {response.text[:300]}"
            )
        if len(response.content) > MAX_RESPONSE_BYTES:
            raise ProviderResponseError(
                f"{self.spec.alias}: {self.name} sent {len(response.content):,} bytes, more than the "
                f"{MAX_RESPONSE_BYTES:,} bytes pytest-hwcheck reads as one answer"
            )
        try:
            data = response.json()
        except ValueError as exc:
            raise ProviderResponseError(f"{self.spec.alias}: {self.name} sent a body that is not JSON") from exc
        if not isinstance(data, dict):
            raise ProviderResponseError(f"{self.spec.alias}: {self.name} sent JSON that is not an object")
        reply = self.parse_response(data)
        if not (isinstance(reply.text, str) and isinstance(reply.thinking, str)):
            raise ProviderResponseError(f"{self.spec.alias}: {self.name} response holds an answer that is not text")
        return reply


def _joined(provider: Provider, blocks: list, field: str, keep: Any) -> str:
    """The text of the blocks ``keep`` selects; a non-text ``field`` is a damaged response."""
    values = [b.get(field, "") for b in blocks if keep(b)]
    if not all(isinstance(v, str) for v in values):
        raise ProviderResponseError(f"{provider.spec.alias}: {provider.name} response has a {field!r} that is not text")
    return "".join(values)


def canonical_json(body: dict[str, Any]) -> bytes:
    """The one byte form of a request body, so equal conversations give equal bodies."""
    return json.dumps(body, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


class AnthropicProvider(Provider):
    """Anthropic Messages API (``POST /v1/messages``)."""

    name = "anthropic"
    default_base_url = "https://api.anthropic.com"
    default_base_url_env = "ANTHROPIC_BASE_URL"
    default_key_envs = ("ANTHROPIC_API_KEY",)

    def build_request(self, messages: list[Message]) -> HttpRequest:
        body = {
            "model": self.spec.model,
            "max_tokens": self.spec.max_tokens,
            "messages": [{"role": m.role, "content": m.text} for m in messages],
        }
        headers = {"content-type": "application/json", "anthropic-version": "2023-06-01"}
        return HttpRequest("POST", f"{self.base_url}/v1/messages", headers, body)

    def authorize(self, request: HttpRequest, key: str) -> dict[str, str]:
        return {"x-api-key": key}

    def parse_response(self, data: dict[str, Any]) -> Reply:
        blocks = data.get("content")
        if not isinstance(blocks, list):
            raise ProviderResponseError(f"{self.spec.alias}: anthropic response has no 'content' list")
        if not all(isinstance(b, dict) for b in blocks):
            raise ProviderResponseError(f"{self.spec.alias}: anthropic response has a content block that is not an object")
        text = _joined(self, blocks, "text", lambda b: b.get("type") == "text")
        thinking = _joined(self, blocks, "thinking", lambda b: b.get("type") == "thinking")
        return Reply(text, thinking)

    def synthesize_response(self, reply: Reply) -> dict[str, Any]:
        content: list[dict[str, Any]] = []
        if reply.thinking:
            content.append({"type": "thinking", "thinking": reply.thinking, "signature": ""})
        content.append({"type": "text", "text": reply.text})
        return {
            "id": "msg_imported",
            "type": "message",
            "role": "assistant",
            "model": self.spec.model,
            "content": content,
            "stop_reason": "end_turn",
            "usage": {"input_tokens": 0, "output_tokens": 0},
        }


class GeminiProvider(Provider):
    """Gemini API ``generateContent`` (``POST /v1beta/models/<model>:generateContent``)."""

    name = "gemini"
    default_base_url = "https://generativelanguage.googleapis.com"
    default_base_url_env = "GEMINI_BASE_URL"
    default_key_envs = ("GEMINI_API_KEY", "GOOGLE_API_KEY")

    def build_request(self, messages: list[Message]) -> HttpRequest:
        body = {
            "contents": [
                {"role": "model" if m.role == "assistant" else "user", "parts": [{"text": m.text}]} for m in messages
            ]
        }
        url = f"{self.base_url}/v1beta/models/{self.spec.model}:generateContent"
        return HttpRequest("POST", url, {"content-type": "application/json"}, body)

    def authorize(self, request: HttpRequest, key: str) -> dict[str, str]:
        return {"x-goog-api-key": key}

    def parse_response(self, data: dict[str, Any]) -> Reply:
        try:
            parts = data["candidates"][0]["content"]["parts"]
        except (KeyError, IndexError, TypeError) as exc:
            raise ProviderResponseError(f"{self.spec.alias}: gemini response has no candidate content") from exc
        if not (isinstance(parts, list) and all(isinstance(p, dict) for p in parts)):
            raise ProviderResponseError(f"{self.spec.alias}: gemini response parts are not a list of objects")
        text = _joined(self, parts, "text", lambda p: not p.get("thought"))
        thinking = _joined(self, parts, "text", lambda p: bool(p.get("thought")))
        return Reply(text, thinking)

    def synthesize_response(self, reply: Reply) -> dict[str, Any]:
        parts: list[dict[str, Any]] = []
        if reply.thinking:
            parts.append({"text": reply.thinking, "thought": True})
        parts.append({"text": reply.text})
        return {
            "candidates": [{"content": {"role": "model", "parts": parts}, "finishReason": "STOP", "index": 0}],
            "modelVersion": self.spec.model,
        }


class OpenAICompatibleProvider(Provider):
    """OpenAI-compatible chat completions (``POST /chat/completions``), as served by xAI."""

    name = "openai"
    default_base_url = "https://api.openai.com/v1"
    default_base_url_env = "OPENAI_BASE_URL"
    default_key_envs = ("OPENAI_API_KEY",)

    def build_request(self, messages: list[Message]) -> HttpRequest:
        body = {"model": self.spec.model, "messages": [{"role": m.role, "content": m.text} for m in messages]}
        return HttpRequest("POST", f"{self.base_url}/chat/completions", {"content-type": "application/json"}, body)

    def authorize(self, request: HttpRequest, key: str) -> dict[str, str]:
        return {"authorization": f"Bearer {key}"}

    def parse_response(self, data: dict[str, Any]) -> Reply:
        try:
            message = data["choices"][0]["message"]
        except (KeyError, IndexError, TypeError) as exc:
            raise ProviderResponseError(f"{self.spec.alias}: chat completion has no choices[0].message") from exc
        if not isinstance(message, dict):
            raise ProviderResponseError(f"{self.spec.alias}: chat completion's choices[0].message is not an object")
        return Reply(message.get("content") or "", message.get("reasoning_content") or "")

    def synthesize_response(self, reply: Reply) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": reply.text}
        if reply.thinking:
            message["reasoning_content"] = reply.thinking
        return {
            "id": "chatcmpl-imported",
            "object": "chat.completion",
            "model": self.spec.model,
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        }


PROVIDER_CLASSES: dict[str, type[Provider]] = {
    cls.name: cls for cls in (AnthropicProvider, GeminiProvider, OpenAICompatibleProvider)
}


def make_provider(spec: ModelSpec) -> Provider:
    """The built-in provider for a spec (the default ``pytest_hwcheck_make_provider``)."""
    return PROVIDER_CLASSES[spec.provider](spec)
