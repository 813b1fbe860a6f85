"""The plugin's own implementations of its factory hooks, registered like any other plugin.

They are ordinary hookimpls marked ``trylast`` so that a conftest or another
plugin implementing the same ``firstresult`` hook wins.
"""

from __future__ import annotations

from pathlib import Path

import pytest


class DefaultHooks:
    """Default provider, model registry and embedder."""

    @pytest.hookimpl(trylast=True)
    def pytest_hwcheck_make_provider(self, config, spec):
        from .providers import make_provider

        return make_provider(spec)

    @pytest.hookimpl(trylast=True)
    def pytest_hwcheck_load_models(self, config):
        from .registry import load_registry

        return load_registry(Path(config.rootpath))

    @pytest.hookimpl(trylast=True)
    def pytest_hwcheck_make_embedder(self, config):
        from .embeddings import SentenceTransformerEmbedder

        cache = Path(config.rootpath) / config.getini("hw_embedding_cache") / "embeddings"
        return SentenceTransformerEmbedder(config.option.hw_embedding_model, cache_dir=cache)
