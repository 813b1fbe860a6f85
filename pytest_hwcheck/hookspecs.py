"""Hooks that let a conftest or another plugin extend pytest-hwcheck.

Factory hooks are ``firstresult``: the first implementation that returns a value
wins, and the plugin's own default is an ordinary hookimpl registered last, so a
conftest can replace it (a new provider, another embedding backend) without
patching anything.
"""

from __future__ import annotations

import pytest


@pytest.hookspec(firstresult=True)
def pytest_hwcheck_make_provider(config, spec):
    """Return a provider client for a model spec (:class:`pytest_hwcheck.registry.ModelSpec`).

    The default handles ``anthropic``, ``gemini`` and ``openai`` (OpenAI-compatible,
    e.g. xAI). Return ``None`` to let the next implementation try.
    """


@pytest.hookspec(firstresult=True)
def pytest_hwcheck_make_embedder(config):
    """Return the embedder used by similarity matchers for this run.

    The default is the packaged all-MiniLM-L6-v2 with an on-disk cache
    (``--hw-embedding-model`` selects another sentence-transformers model).
    """


@pytest.hookspec(firstresult=True)
def pytest_hwcheck_load_models(config):
    """Return the model registry, a ``dict`` alias -> ``ModelSpec``.

    The default reads ``[tool.hwcheck.models]`` from the rootdir's ``pyproject.toml``.
    """


def pytest_hwcheck_modify_report(config, report):
    """Called with the JSON-ready report dict before ``--hw-report`` writes it; edit it in place."""
