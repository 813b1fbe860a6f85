"""The model registry: which provider and model id an alias like ``claude-sonnet`` stands for.

It lives in the project's ``pyproject.toml``::

    [tool.hwcheck.models.claude-sonnet]
    provider = "anthropic"          # anthropic | gemini | openai (OpenAI-compatible)
    model = "claude-sonnet-4-5"     # the provider's model id
    # optional: base_url, base_url_env, api_key_env

Replay needs no entry (any folder of cassettes is a model); recording and
``hwcheck import`` without ``--provider`` do.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from .ids import check_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PROVIDERS = ("anthropic", "gemini", "openai")


class RegistryError(ValueError):
    """The model registry in pyproject.toml is malformed."""


class ModelSpec(BaseModel):
    """One registry entry: alias -> provider, the provider's model id and connection settings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    alias: str
    provider: str
    model: str
    base_url: str | None = None
    base_url_env: str | None = None
    api_key_env: str | None = None
    max_tokens: int = 16000

    @field_validator("alias")
    @classmethod
    def _alias_is_safe(cls, value: str) -> str:
        return check_name("model", value)

    @field_validator("provider")
    @classmethod
    def _provider_is_known(cls, value: str) -> str:
        if value not in PROVIDERS:
            raise ValueError(f"unknown provider {value!r}; expected one of {', '.join(PROVIDERS)}")
        return value


def load_registry(rootdir: Path) -> dict[str, ModelSpec]:
    """Read ``[tool.hwcheck.models]`` from ``rootdir/pyproject.toml`` (empty if there is none)."""
    path = Path(rootdir) / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RegistryError(f"{path}: cannot read the model registry: {exc}") from exc
    table = data.get("tool", {}).get("hwcheck", {}).get("models", {})
    registry: dict[str, ModelSpec] = {}
    for alias, entry in table.items():
        try:
            registry[alias] = ModelSpec(alias=alias, **entry)
        except (ValidationError, TypeError, ValueError) as exc:
            raise RegistryError(f"{path}: [tool.hwcheck.models.{alias}] is invalid: {exc}") from exc
    return registry
