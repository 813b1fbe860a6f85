"""Cassettes: recording, replaying and importing conversations. The only module that imports vcrpy.

A cassette is a vcrpy YAML file ``<cassettes>/<model>/<question>.yaml`` with one
HTTP interaction per conversation turn, in the provider's real format, plus a
``metadata.hwcheck`` block that says which parts each turn answers and where the
text came from.

Guarantees:
- Replay is offline: vcrpy runs with ``record_mode="none"`` and sockets are
  blocked, so an unmatched request is an error, never a live call.
- Requests are matched on method, path and the JSON body, so a prompt that
  changed since recording is reported as such instead of replaying a stale answer.
- Cassettes are read with a safe YAML loader.
- Replay ignores the environment's proxy settings (it never reaches a network).
- Every way a recorded response can be unreadable (a damaged body, a wrong shape,
  a missing status, an answer past ``MAX_RESPONSE_BYTES``) is one ``CassetteCorrupt``.
- A recording is written to a temporary file, scrubbed of every secret (headers,
  query strings, request and response bodies) and renamed into place only when
  complete; a failed or interrupted recording leaves the old cassette untouched.
  What a recording run grades is the cassette it wrote, replayed, so a recording
  and a later replay give the same grades and no secret reaches any artefact.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import re
import shutil
import socket
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import yaml

from .case import Question
from .conversation import TurnPlan, messages_for_turn
from .ids import check_name
from .providers import MAX_RESPONSE_BYTES, PROVIDER_CLASSES, Provider, ProviderResponseError, Reply, canonical_json
from .registry import ModelSpec

FORMAT_VERSION = 1
REDACTED = "<REDACTED>"
#: A cassette file larger than this is refused before it is parsed (a question's turns,
#: each at most ``MAX_RESPONSE_BYTES``, and its judge calls fit well within it).
MAX_CASSETTE_BYTES = 8 * MAX_RESPONSE_BYTES
# yaml's C loader reads big cassettes several times faster; both are safe loaders.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """Parse YAML with the safe loader (the C one where libyaml is present)."""
    return yaml.load(text, Loader=_SafeLoader)  # noqa: S506 - a safe loader


class CassetteError(Exception):
    """A cassette problem a user can act on; the message says what and what to do."""


class CassetteMissing(CassetteError):
    """No cassette for this (model, question)."""


class CassetteCorrupt(CassetteError):
    """The cassette file cannot be read or is not a hwcheck cassette."""


class PromptDrift(CassetteError):
    """The request rebuilt from the case differs from the recorded one."""


class RecordingFailed(CassetteError):
    """A recording did not complete; the previous cassette (if any) was kept."""


class NetworkBlocked(ConnectionError):
    """Raised when code tries to open a socket during replay."""


@dataclass
class Conversation:
    """A replayed or recorded conversation: the turn plan, each turn's reply and the metadata."""

    question_id: str
    model: str
    plans: list[TurnPlan]
    replies: list[Reply]
    meta: dict[str, Any] = field(default_factory=dict)


def cassette_path(root: Path, model: str, question_id: str) -> Path:
    """Where the cassette for (model, question) lives; both names are validated first."""
    return Path(root) / check_name("model", model) / f"{check_name('question', question_id)}.yaml"


# --------------------------------------------------------------------------------------
# Reading and writing cassette files
# --------------------------------------------------------------------------------------
class _ReadableDumper(yaml.SafeDumper):
    """Safe dumper that writes multi-line strings as literal blocks, so cassettes diff and read well."""


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    if "\n" in data:
        # Literal blocks cannot carry trailing spaces on lines or some control characters faithfully.
        if not any(line != line.rstrip() for line in data.split("\n")) and "\r" not in data:
            return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_ReadableDumper.add_representer(str, _represent_str)


class SafeYamlSerializer:
    """vcrpy serializer: ``yaml.safe_load`` in, readable safe YAML out."""

    @staticmethod
    def deserialize(cassette_string: str) -> Any:
        return safe_load(cassette_string)

    @staticmethod
    def serialize(cassette_dict: Any) -> str:
        return dump_yaml(cassette_dict)


def dump_yaml(data: Any) -> str:
    """Readable YAML for a cassette dict."""
    return yaml.dump(data, Dumper=_ReadableDumper, sort_keys=False, allow_unicode=True, width=100)


def read_cassette(path: Path) -> dict[str, Any]:
    """Load and check a cassette file with the safe loader; raise a CassetteError saying what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise CassetteMissing(f"no cassette at {path}")
    size = path.stat().st_size
    if size > MAX_CASSETTE_BYTES:
        raise CassetteCorrupt(
            f"cassette {path} is {size:,} bytes, more than the {MAX_CASSETTE_BYTES:,} a cassette may hold "
            f"(answers are limited to {MAX_RESPONSE_BYTES:,} bytes each); re-record it or import a shorter transcript"
        )
    try:
        data = safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise CassetteCorrupt(
            f"cassette {path} is not valid YAML ({_one_line(exc)}); restore it from version control, "
            "or re-record it with --hw-record=rewrite (or re-run hwcheck import)"
        ) from None
    problem = _shape_problem(data)
    if problem:
        raise CassetteCorrupt(
            f"cassette {path} is not a hwcheck cassette: {problem}; restore it from version control, "
            "or re-record it with --hw-record=rewrite (or re-run hwcheck import)"
        )
    return data


def _shape_problem(data: Any) -> str | None:
    if not isinstance(data, dict):
        return "the file does not hold a mapping"
    interactions = data.get("interactions")
    if not isinstance(interactions, list):
        return "it has no 'interactions' list"
    meta = (data.get("metadata") or {}).get("hwcheck") if isinstance(data.get("metadata"), dict) else None
    if not isinstance(meta, dict):
        return "it has no 'metadata.hwcheck' block"
    for key in ("provider", "provider_model", "turns"):
        if key not in meta:
            return f"'metadata.hwcheck.{key}' is missing"
    if meta["provider"] not in PROVIDER_CLASSES:
        return f"unknown provider {meta['provider']!r}"
    turns = meta["turns"]
    if not isinstance(turns, list) or not all(isinstance(t, dict) and isinstance(t.get("parts"), list) for t in turns):
        return "'metadata.hwcheck.turns' must be a list of {parts: [...]}"
    if len(turns) != len(interactions):
        return f"{len(turns)} turns in the metadata but {len(interactions)} interactions"
    for i, item in enumerate(interactions):
        if not (isinstance(item, dict) and isinstance(item.get("request"), dict) and isinstance(item.get("response"), dict)):
            return f"interaction {i + 1} lacks a request or a response"
    return None


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder and a rename.

    The file gets the permissions an ordinary ``open()`` would give it (0666 less the
    umask), not ``mkstemp``'s private 0600: cassettes and reports are shared files.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{_pid_prefix()}", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_current_umask())
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _current_umask() -> int:
    # os.umask can only be read by setting it; set it straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# Temporary files a writer leaves only when it is killed: ``.<file>.pid<pid>.<random>.tmp`` from
# write_atomically, ``.<question>.recording.pid<pid>.<random>`` and ``.<question>.judge.pid<pid>.<random>``
# folders from record() and judge_calls(). The pid tells a live writer's files from a dead one's.
_LEFTOVER = re.compile(r"^\..+?\.pid(?P<pid>\d+)\.[A-Za-z0-9_]+(?:\.tmp)?$")
# The same without a pid (written by pytest-hwcheck before 0.2): stale once this old.
_OLD_LEFTOVER = re.compile(r"^\..+(?:\.(?:recording|judge)\.[A-Za-z0-9_]+|\.tmp)$")
_LEFTOVER_AGE = 3600.0


def _pid_prefix() -> str:
    return f"pid{os.getpid()}."


def remove_stale_leftovers(root: Path) -> list[Path]:
    """Delete the temporary files of interrupted recordings under ``root``; return what was removed.

    A leftover is stale when the process that made it is gone; one of a recording still
    running (in another pytest process) is kept.
    """
    root = Path(root)
    if not root.is_dir():
        return []
    removed = []
    for candidate in sorted(root.rglob(".*")):
        match = _LEFTOVER.match(candidate.name)
        if match is not None:
            if _process_alive(int(match.group("pid"))):
                continue
        elif _OLD_LEFTOVER.match(candidate.name) is None:
            continue
        else:
            with contextlib.suppress(OSError):
                if time.time() - candidate.stat().st_mtime < _LEFTOVER_AGE:
                    continue
        with contextlib.suppress(OSError):
            if candidate.is_dir():
                shutil.rmtree(candidate)
            else:
                candidate.unlink()
            removed.append(candidate)
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def plans_of(data: dict[str, Any]) -> list[TurnPlan]:
    """The turn plan recorded in a cassette's metadata."""
    return [TurnPlan(tuple(t["parts"]), t.get("prompt")) for t in data["metadata"]["hwcheck"]["turns"]]


def spec_of(data: dict[str, Any], model: str) -> ModelSpec:
    """The model spec a cassette was recorded with (replay needs no registry entry)."""
    meta = data["metadata"]["hwcheck"]
    return ModelSpec(alias=model, provider=meta["provider"], model=meta["provider_model"])


# --------------------------------------------------------------------------------------
# vcrpy configuration
# --------------------------------------------------------------------------------------
def _json_body_matcher(r1: Any, r2: Any) -> None:
    """vcrpy matcher: request bodies equal as JSON (formatting aside)."""
    assert _parse_body(r1.body) == _parse_body(r2.body), "request bodies differ"


def _parse_body(body: Any) -> Any:
    if body is None:
        return None
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    try:
        return json.loads(body)
    except (TypeError, ValueError):
        return body


def _make_vcr(record_mode: str, secrets: list[str], match_on: tuple[str, ...] = ("method", "path", "json_body")) -> Any:
    import vcr

    secret_headers = list(Provider.secret_headers) + ["set-cookie"]
    my_vcr = vcr.VCR(
        record_mode=record_mode,
        match_on=match_on,
        decode_compressed_response=True,
        filter_headers=secret_headers,
        filter_query_parameters=list(Provider.secret_query_params),
        before_record_request=lambda request: _scrub_request(request, secrets),
        before_record_response=lambda response: _scrub_response(response, secrets),
        serializer="hwcheck-yaml",
    )
    my_vcr.register_matcher("json_body", _json_body_matcher)
    my_vcr.register_serializer("hwcheck-yaml", SafeYamlSerializer)
    return my_vcr


def _scrub_text(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


def _scrub_request(request: Any, secrets: list[str]) -> Any:
    body = request.body
    if isinstance(body, bytes):
        request.body = _scrub_text(body.decode("utf-8", errors="replace"), secrets).encode("utf-8")
    elif isinstance(body, str):
        request.body = _scrub_text(body, secrets)
    request.uri = _scrub_text(request.uri, secrets)
    return request


def _scrub_response(response: dict[str, Any], secrets: list[str]) -> dict[str, Any]:
    headers = response.get("headers") or {}
    for name in list(headers):
        if name.lower() in ("set-cookie", "authorization", "x-api-key", "x-goog-api-key"):
            del headers[name]
    body = response.get("body", {}).get("string")
    if isinstance(body, bytes):
        response["body"]["string"] = _scrub_text(body.decode("utf-8", errors="replace"), secrets).encode("utf-8")
    elif isinstance(body, str):
        response["body"]["string"] = _scrub_text(body, secrets)
    return response


def _scrub_everything(data: Any, secrets: list[str]) -> Any:
    """Last line of defence: replace any secret value wherever it occurs in the cassette."""
    if isinstance(data, str):
        return _scrub_text(data, secrets)
    if isinstance(data, bytes):
        return _scrub_text(data.decode("utf-8", errors="replace"), secrets)
    if isinstance(data, list):
        return [_scrub_everything(v, secrets) for v in data]
    if isinstance(data, dict):
        return {k: _scrub_everything(v, secrets) for k, v in data.items()}
    return data


def known_secrets(provider: Provider | None = None) -> list[str]:
    """Values of every API-key variable a provider reads, longest first (only plausible keys)."""
    names = set()
    for cls in PROVIDER_CLASSES.values():
        names.update(cls.default_key_envs)
    names.update({"XAI_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY"})
    if provider is not None:
        names.update(provider.key_envs)
    values = {os.environ[n] for n in names if len(os.environ.get(n, "")) >= 6}
    return sorted(values, key=len, reverse=True)


@contextlib.contextmanager
def network_blocked() -> Iterator[None]:
    """Refuse every outgoing socket connection (replay must never reach the network)."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise NetworkBlocked("pytest-hwcheck replay is offline: a network connection was attempted")

    original_connect = socket.socket.connect
    original_create = socket.create_connection
    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse  # type: ignore[assignment]
    try:
        yield
    finally:
        socket.socket.connect = original_connect  # type: ignore[method-assign]
        socket.create_connection = original_create  # type: ignore[assignment]


# --------------------------------------------------------------------------------------
# Replay
# --------------------------------------------------------------------------------------
def replay(path: Path, question: Question, model: str, provider: Provider | None = None) -> Conversation:
    """Replay a cassette through the provider client, offline, and return the conversation.

    Every turn's request is rebuilt from the case and must match the recorded one.
    """
    import httpx
    from vcr.errors import CannotOverwriteExistingCassetteException

    data = read_cassette(path)
    plans = plans_of(data)
    _check_parts(path, question, plans)
    if provider is None:
        # Replay sends requests to the recorded base URL, so a cassette recorded against any
        # endpoint (a proxy, a local test server) replays without configuration.
        meta = data["metadata"]["hwcheck"]
        provider = PROVIDER_CLASSES[meta["provider"]](spec_of(data, model), base_url=meta.get("base_url"))
    replies: list[Reply] = []
    my_vcr = _make_vcr("none", [])
    index = 0
    try:
        with network_blocked(), my_vcr.use_cassette(str(path), allow_playback_repeats=False):
            # trust_env=False: replay never reaches a network, so the environment's proxy
            # settings (ALL_PROXY=socks5://… needs an extra package) must not be read.
            with httpx.Client(timeout=30, trust_env=False) as client:
                for index in range(len(plans)):
                    messages = messages_for_turn(question, plans, replies, index)
                    try:
                        # The placeholder stands in for the key, as it does in the recording: a
                        # provider that puts its key in the request body still matches.
                        replies.append(provider.send(client, messages, key=REDACTED))
                    except CannotOverwriteExistingCassetteException:
                        raise PromptDrift(_drift_message(path, data, provider, messages, index)) from None
    except (CassetteError, NetworkBlocked):
        raise
    except Exception as exc:  # noqa: BLE001 - every damaged recorded response is one clear error
        raise CassetteCorrupt(
            f"cassette {path}, turn {index + 1}: the recorded response cannot be read "
            f"({_response_problem(exc)}); restore it from version control, or re-record it with "
            "--hw-record=rewrite (or re-run hwcheck import)"
        ) from None
    return Conversation(question.id, model, plans, replies, data["metadata"]["hwcheck"])


def _response_problem(exc: BaseException) -> str:
    if isinstance(exc, ProviderResponseError):
        return _one_line(exc)
    return f"{type(exc).__name__}: {_one_line(exc)}"


def _check_parts(path: Path, question: Question, plans: list[TurnPlan]) -> None:
    known = set(question.part_ids)
    for plan in plans:
        unknown = [p for p in plan.parts if p not in known]
        if unknown:
            raise CassetteCorrupt(
                f"cassette {path} answers part(s) {', '.join(unknown)} that question {question.id} does not have "
                f"(its parts: {', '.join(question.part_ids)}); fix the part ids in the case file or re-record"
            )


def _drift_message(path: Path, data: dict[str, Any], provider: Provider, messages: list, index: int) -> str:
    recorded = data["interactions"][index]["request"]
    expected = provider.build_request(messages)
    recorded_body = _parse_body(recorded.get("body"))
    recorded_users = _user_texts(recorded_body)
    now_users = [m.text for m in messages if m.role == "user"]
    hint = "re-record with --hw-record=rewrite (or re-import the transcript with hwcheck import)"
    if recorded_users is not None and recorded_users != now_users:
        where = next((i for i, (a, b) in enumerate(zip(recorded_users, now_users)) if a != b), len(now_users) - 1)
        was = recorded_users[where] if where < len(recorded_users) else ""
        diff = _first_difference(was, now_users[where] if where < len(now_users) else "")
        return f"prompt changed since recording; {hint}. Cassette {path}, turn {index + 1}: {diff}"
    return (
        f"request changed since recording (model id, provider settings or history differ from {path}, turn "
        f"{index + 1}: recorded {recorded.get('method')} {recorded.get('uri')}, now {expected.method} {expected.url}); {hint}"
    )


def _user_texts(body: Any) -> list[str] | None:
    if not isinstance(body, dict):
        return None
    if isinstance(body.get("messages"), list):
        return [m.get("content") for m in body["messages"] if isinstance(m, dict) and m.get("role") == "user"]
    if isinstance(body.get("contents"), list):
        return [
            "".join(p.get("text", "") for p in c.get("parts", []))
            for c in body["contents"]
            if isinstance(c, dict) and c.get("role") == "user"
        ]
    return None


def _first_difference(old: str, new: str) -> str:
    i = next((k for k, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    return f"recorded prompt reads {old[max(0, i - 30): i + 40]!r}, the case now reads {new[max(0, i - 30): i + 40]!r}"


# --------------------------------------------------------------------------------------
# Recording
# --------------------------------------------------------------------------------------
def record(path: Path, question: Question, provider: Provider, plans: list[TurnPlan] | None = None) -> Conversation:
    """Ask the live API, write the cassette atomically and return the conversation replayed from it.

    The old cassette survives any failure. By default the whole question is asked in one turn.
    """
    import httpx

    key = provider.require_api_key()
    plans = plans or [TurnPlan(tuple(p.id for p in question.parts if not p.prompt))]
    secrets = sorted({key, *known_secrets(provider)}, key=len, reverse=True)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix=f".{path.stem}.recording.{_pid_prefix()}", dir=path.parent)
    scratch = Path(workdir) / "raw.yaml"
    replies: list[Reply] = []
    try:
        my_vcr = _make_vcr("all", secrets)
        with my_vcr.use_cassette(str(scratch)):
            with httpx.Client(timeout=600) as client:
                for index in range(len(plans)):
                    messages = messages_for_turn(question, plans, replies, index)
                    replies.append(provider.send(client, messages, key=key))
        raw = safe_load(scratch.read_text(encoding="utf-8"))
        interactions = [_readable_interaction(i) for i in raw["interactions"]]
        data = {
            "metadata": {
                "hwcheck": _meta(question, provider, plans, [{"origin": "recorded", "recorded_at": _now()}] * len(plans))
            },
            "interactions": interactions,
            "version": raw.get("version", 1),
        }
        data = _scrub_everything(data, secrets)
        text = dump_yaml(data)
        _check_replayable(text, Path(workdir), path, question, provider)
        write_atomically(path, text)
    except CassetteError:
        raise
    except Exception as exc:  # noqa: BLE001 - turned into one clear message; the old cassette is intact
        # A provider's error body can quote the key ("bad key sk-…"): scrub the message too.
        raise RecordingFailed(_scrub_text(
            f"recording {provider.spec.alias} on {question.id} failed ({type(exc).__name__}: {_one_line(exc)}); "
            f"{'the previous cassette was kept' if path.exists() else 'nothing was written'}",
            secrets,
        )) from None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    # Grade what was written, never the response as received: the cassette is scrubbed of
    # every secret, and a recording run then gives exactly the grades a later replay gives.
    return replay(path, question, provider.spec.alias, provider)


def _check_replayable(text: str, workdir: Path, path: Path, question: Question, provider: Provider) -> None:
    """Replay a recording from its scratch copy before it replaces the cassette at ``path``.

    A response the provider sent but replay cannot read (past the size limit, of an
    unexpected shape) fails the recording, so the previous cassette is kept.
    """
    check = workdir / path.name
    check.write_text(text, encoding="utf-8")
    try:
        replay(check, question, provider.spec.alias, provider)
    except CassetteError as exc:
        raise RecordingFailed(
            f"recording {provider.spec.alias} on {question.id} failed: the answer received cannot be replayed "
            f"({_one_line(exc).replace(str(check), 'the new recording')}); "
            f"{'the previous cassette was kept' if path.exists() else 'nothing was written'}"
        ) from None


def _readable_interaction(interaction: dict[str, Any]) -> dict[str, Any]:
    """Pretty-print JSON bodies so cassettes read and diff well (replay matches bodies as JSON)."""
    request = dict(interaction["request"])
    response = dict(interaction["response"])
    parsed = _parse_body(request.get("body"))
    if isinstance(parsed, (dict, list)):
        request["body"] = canonical_json(parsed).decode("utf-8")
    body = dict(response.get("body") or {})
    parsed = _parse_body(body.get("string"))
    if isinstance(parsed, (dict, list)):
        body["string"] = canonical_json(parsed).decode("utf-8")
    response["body"] = body
    return {"request": request, "response": response}


def _meta(question: Question, provider: Provider, plans: list[TurnPlan], provenance: list[dict]) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "model": provider.spec.alias,
        "provider": provider.name,
        "provider_model": provider.spec.model,
        "base_url": provider.base_url,
        "question": question.id,
        "turns": [
            {"parts": list(plan.parts), **({"prompt": plan.prompt} if plan.prompt is not None else {}), **prov}
            for plan, prov in zip(plans, provenance)
        ],
    }


# --------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------
def import_turn(
    path: Path,
    question: Question,
    provider: Provider,
    parts: list[str],
    reply: Reply,
    *,
    append: bool,
    provenance: dict[str, Any],
    prompt: str | None = None,
) -> dict[str, Any]:
    """Write (or append a turn to) a cassette as if ``reply`` had been the API's answer.

    The request is exactly what a live recording would send, so replay goes
    through the same code and prompt drift is caught the same way.
    """
    path = Path(path)
    if append and path.exists():
        data = read_cassette(path)
        meta = data["metadata"]["hwcheck"]
        if meta["provider"] != provider.name or meta["provider_model"] != provider.spec.model:
            raise CassetteError(
                f"cannot append to {path}: it was recorded with {meta['provider']}/{meta['provider_model']}, "
                f"not {provider.name}/{provider.spec.model}"
            )
        plans = plans_of(data)
        replies = [provider.parse_response(_parse_body(i["response"]["body"]["string"])) for i in data["interactions"]]
        interactions = list(data["interactions"])
        turn_meta = list(meta["turns"])
    else:
        plans, replies, interactions, turn_meta = [], [], [], []
    plans.append(TurnPlan(tuple(parts), prompt))
    messages = messages_for_turn(question, plans, replies, len(plans) - 1)
    request = provider.build_request(messages)
    interactions.append(
        {
            "request": {
                "body": canonical_json(request.body).decode("utf-8"),
                "headers": {k: [v] for k, v in request.headers.items()},
                "method": request.method,
                "uri": request.url,
            },
            "response": {
                "status": {"code": 200, "message": "OK"},
                "headers": {"content-type": ["application/json"]},
                "body": {"string": canonical_json(provider.synthesize_response(reply)).decode("utf-8")},
            },
        }
    )
    turn_meta.append({"parts": list(parts), **({"prompt": prompt} if prompt is not None else {}), **provenance})
    meta = _meta(question, provider, plans, [{k: v for k, v in t.items() if k not in ("parts", "prompt")} for t in turn_meta])
    data = {"metadata": {"hwcheck": meta}, "interactions": interactions, "version": 1}
    data = _scrub_everything(data, known_secrets(provider))
    write_atomically(path, dump_yaml(data))
    return data


# --------------------------------------------------------------------------------------
# LLM-judge calls, stored in the cassette of the answer they judge
# --------------------------------------------------------------------------------------
@contextlib.contextmanager
def judge_calls(path: Path, key: str, *, record: bool, api_key: bool) -> Iterator[str]:
    """Context for one LLM-judge call on an answer from the cassette at ``path``.

    Recorded judge traffic lives in that cassette under ``metadata.hwcheck.judge[key]``
    (``key`` digests the judge model, rubric and answer). Yields ``"replay"`` when a
    recording exists (replayed offline), ``"record"`` when ``record`` and ``api_key``
    allow a live call (its traffic is scrubbed and added to the cassette atomically,
    only if the call succeeds), and ``"offline"`` otherwise: no live call in replay.
    """
    path = Path(path)
    data = read_cassette(path) if path.exists() else None
    recorded = ((data or {}).get("metadata", {}).get("hwcheck", {}).get("judge") or {}).get(key)
    if recorded:
        from vcr.serialize import deserialize

        class _Recorded:
            @staticmethod
            def load_cassette(cassette_path: str, serializer: Any) -> Any:
                return deserialize(dump_yaml({"interactions": recorded, "version": 1}), serializer)

            @staticmethod
            def save_cassette(cassette_path: str, cassette_dict: Any, serializer: Any) -> None:
                raise AssertionError("a replayed judge recording is never written")

        # The judge's endpoint may differ between recording and replay (a proxy, a local
        # server): its request body, which holds the rubric and the answer, is what must match.
        my_vcr = _make_vcr("none", [], match_on=("method", "json_body"))
        my_vcr.register_persister(_Recorded)
        with network_blocked(), my_vcr.use_cassette(f"judge-{key}", allow_playback_repeats=True):
            yield "replay"
        return
    if not (record and api_key and data is not None):
        yield "offline"
        return
    secrets = known_secrets()
    workdir = tempfile.mkdtemp(prefix=f".{path.stem}.judge.{_pid_prefix()}", dir=path.parent)
    scratch = Path(workdir) / "judge.yaml"
    try:
        with _make_vcr("all", secrets).use_cassette(str(scratch)):
            yield "record"
        raw = safe_load(scratch.read_text(encoding="utf-8"))
        current = read_cassette(path)
        judge = current["metadata"]["hwcheck"].setdefault("judge", {})
        judge[key] = [_readable_interaction(i) for i in raw["interactions"]]
        write_atomically(path, dump_yaml(_scrub_everything(current, secrets)))
    finally:
        with contextlib.suppress(OSError):
            for child in Path(workdir).iterdir():
                child.unlink()
            os.rmdir(workdir)


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300]
