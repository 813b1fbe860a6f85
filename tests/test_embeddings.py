"""Embedders and the embedding cache: round trips, concurrency, the run's embedder, the model's
environment, and the real MiniLM with a cold and a warm cache."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
import types
from array import array

import pytest

from pytest_hwcheck import embeddings
from pytest_hwcheck.embeddings import (
    CACHE_DIR_ENV,
    DEFAULT_MODEL_NAME,
    Embedder,
    EmbeddingCache,
    FakeEmbedder,
    SentenceTransformerEmbedder,
    cosine,
    get_embedder,
    reset_embedder,
    set_embedder,
    text_digest,
)

HEAVY_MODULES = ("torch", "numpy", "sentence_transformers", "transformers")


@pytest.fixture(autouse=True)
def fresh_embedder():
    reset_embedder()
    yield
    reset_embedder()


def _norm(vector) -> float:
    return math.sqrt(sum(x * x for x in vector))


def test_fake_embedder_returns_deterministic_unit_vectors():
    first = FakeEmbedder().embed(["Forward KL is mass covering", "pizza"])
    again = FakeEmbedder().embed(["Forward KL is mass covering", "pizza"])
    assert first == again
    assert all(isinstance(v, list) and len(v) == 256 for v in first)
    assert all(_norm(v) == pytest.approx(1.0, abs=1e-5) for v in first)


def test_fake_embedder_scores_shared_words_above_unrelated_text():
    embedder = FakeEmbedder()
    assert embedder.similarity("forward KL covers both modes", "the forward KL covers modes") > 0.7
    assert embedder.similarity("forward KL covers both modes", "pizza with olives") < 0.3


def test_a_text_without_words_embeds_to_zero_and_has_cosine_zero():
    [vector] = FakeEmbedder().embed(["--- !!! ---"])
    assert not any(vector)
    assert cosine(vector, FakeEmbedder().embed(["anything"])[0]) == 0.0


def test_cosine_is_pure_python_and_scale_free():
    assert cosine([1.0, 0.0], [2.0, 0.0]) == pytest.approx(1.0)
    assert cosine([1.0, 0.0], [0.0, 3.0]) == pytest.approx(0.0)
    assert cosine(array("f", [1, 1]), array("f", [-1, -1])) == pytest.approx(-1.0)


def test_embed_deduplicates_and_encodes_each_missing_text_once():
    embedder = FakeEmbedder()
    embedder.embed(["a b", "a b", "c d"])
    assert embedder.encoded_count == 2
    embedder.embed(["c d", "e f"])
    assert embedder.encoded_count == 3


def test_prefetch_embeds_all_missing_texts_in_one_batch():
    calls = []

    class Recording(FakeEmbedder):
        def encode(self, texts):
            calls.append(list(texts))
            return super().encode(texts)

    embedder = Recording()
    embedder.prefetch(["one", "two", "one", "three"])
    embedder.prefetch(["two", "three"])
    embedder.embed(["one", "three"])
    assert calls == [["one", "two", "three"]]


def test_cache_round_trip_through_sqlite_gives_identical_vectors(tmp_path):
    texts = ["Forward KL is mass covering.", "Reverse KL is mode seeking.", "ünïcödé ∑ $\\frac{1}{2}$", "\ud800 lone"]
    first = FakeEmbedder(cache_dir=tmp_path)
    vectors = first.embed(texts)
    first.cache.close()
    assert (tmp_path / "embeddings.sqlite3").is_file()

    second = FakeEmbedder(cache_dir=tmp_path)
    assert second.embed(texts) == vectors
    assert second.encoded_count == 0, "a warm cache must not embed again"


def test_cache_is_keyed_by_model_name(tmp_path):
    FakeEmbedder(dim=64, cache_dir=tmp_path).embed(["shared text"])
    other = FakeEmbedder(dim=32, cache_dir=tmp_path)
    [vector] = other.embed(["shared text"])
    assert other.encoded_count == 1 and len(vector) == 32


def test_cache_stores_float32_blobs_compactly(tmp_path):
    cache = EmbeddingCache(tmp_path)
    cache.put_many("m", {text_digest("x"): array("f", [0.6, 0.8])})
    cache.clear_memory()
    loaded = cache.get_many("m", [text_digest("x"), text_digest("missing")])
    assert list(loaded) == [text_digest("x")]
    assert loaded[text_digest("x")].tolist() == pytest.approx([0.6, 0.8])
    cache.close()
    import sqlite3

    with sqlite3.connect(tmp_path / "embeddings.sqlite3") as conn:
        [(size,)] = conn.execute("SELECT length(vector) FROM vectors_f32le").fetchall()
    assert size == 8  # two float32


def test_an_unwritable_cache_folder_warns_and_keeps_vectors_in_memory(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    embedder = FakeEmbedder(cache_dir=blocker / "embeddings")
    with pytest.warns(RuntimeWarning, match="embedding cache .* is unusable"):
        vectors = embedder.embed(["still works"])
    assert embedder.embed(["still works"]) == vectors
    assert embedder.encoded_count == 1


def test_concurrent_workers_share_one_cache_file_safely(tmp_path):
    # Four processes (like pytest-xdist workers) write overlapping texts into one cache at once.
    script = textwrap.dedent(f"""
        import sys
        from pytest_hwcheck.embeddings import FakeEmbedder
        worker = int(sys.argv[1])
        texts = [f"text {{i}}" for i in range(worker * 150, worker * 150 + 400)]
        for start in range(0, len(texts), 20):
            FakeEmbedder(cache_dir={str(tmp_path)!r}).prefetch(texts[start:start + 20])
        print("ok")
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(w)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for w in range(4)]
    results = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), results
    assert all(not err.strip() for _, err in results), results  # no "cache is unusable" warning
    reader = FakeEmbedder(cache_dir=tmp_path)
    reader.embed([f"text {i}" for i in range(850)])
    assert reader.encoded_count == 0


def test_get_embedder_makes_the_packaged_minilm_lazily_with_the_env_cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "emb"))
    embedder = get_embedder()
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert embedder.model_name == DEFAULT_MODEL_NAME
    assert embedder.cache.cache_dir == tmp_path / "emb"
    assert embedder._model is None, "the model must load only when a text is missing from the cache"
    assert get_embedder() is embedder


def test_default_cache_dir_is_under_the_cwd(tmp_path, monkeypatch):
    monkeypatch.delenv(CACHE_DIR_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert embeddings.default_cache_dir() == tmp_path / ".hwcheck_cache" / "embeddings"


def test_set_and_reset_embedder():
    fake = FakeEmbedder()
    assert set_embedder(fake) is fake and get_embedder() is fake
    reset_embedder()
    assert get_embedder() is not fake
    with pytest.raises(TypeError, match="needs an Embedder"):
        set_embedder(object())


@pytest.mark.parametrize("name", [None, "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"])
def test_hub_names_of_minilm_mean_the_packaged_model(name, tmp_path):
    embedder = SentenceTransformerEmbedder(name, cache_dir=tmp_path)
    assert embedder.model_name == DEFAULT_MODEL_NAME


def test_a_local_model_folder_is_cached_under_its_absolute_path(tmp_path):
    folder = tmp_path / "my-model"
    folder.mkdir()
    embedder = SentenceTransformerEmbedder(str(folder), cache_dir=tmp_path / "cache", batch_size=8)
    assert embedder.model_name == str(folder.resolve())
    assert embedder.batch_size == 8


def test_a_custom_embedder_needs_only_encode():
    class Constant(Embedder):
        model_name = "constant"

        def encode(self, texts):
            return [[3.0, 4.0] for _ in texts]

    assert Constant().embed(["x"]) == [[pytest.approx(0.6), pytest.approx(0.8)]]


@pytest.mark.slow
def test_real_minilm_ranks_a_paraphrase_above_an_unrelated_sentence_and_a_warm_cache_needs_no_torch(minilm, tmp_path):
    """The packaged all-MiniLM-L6-v2 cold in-process, then warm in a subprocess (tests/test_similarity_real_model.py has the rest)."""
    from pytest_hwcheck.matchers.similarity import similar

    reference = "Forward KL is mass-covering: Q spreads its mass over both modes of P."
    paraphrase = "Minimizing D_KL(P||Q) forces Q to cover every region where P has mass, so it stretches across both peaks."
    unrelated = "The learning rate was too high, so the optimizer diverged."
    cache_dir = tmp_path / "emb"
    cold_embedder = SentenceTransformerEmbedder(cache_dir=cache_dir)
    cold_embedder._model = minilm.load_model()  # the session's loaded model, with this test's empty cache
    set_embedder(cold_embedder)
    embedder = get_embedder()
    close, far = embedder.similarity(reference, paraphrase), embedder.similarity(reference, unrelated)
    assert close > far + 0.3, (close, far)
    matcher = similar(reference, threshold=(close + far) / 2, topic_only=True)
    cold = matcher(f"{unrelated} {paraphrase}")
    assert cold.passed and cold.evidence == paraphrase
    embedder.cache.close()

    script = textwrap.dedent(f"""
        import json, sys
        from pytest_hwcheck.embeddings import SentenceTransformerEmbedder, set_embedder
        from pytest_hwcheck.matchers.similarity import similar
        embedder = set_embedder(SentenceTransformerEmbedder(cache_dir={str(cache_dir)!r}))
        verdict = similar({reference!r}, threshold={(close + far) / 2!r}, topic_only=True)({f"{unrelated} {paraphrase}"!r})
        print(json.dumps({{"passed": verdict.passed, "similarity": verdict.details.get("similarity"),
                          "encoded": embedder.encoded_count,
                          "heavy": [m for m in {HEAVY_MODULES!r} if m in sys.modules]}}))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    warm = json.loads(done.stdout.strip().splitlines()[-1])
    assert warm["heavy"] == [], f"a warm cache imported {warm['heavy']}"
    assert warm["encoded"] == 0
    assert warm["passed"] and warm["similarity"] == pytest.approx(cold.details["similarity"], abs=1e-6)


def test_importing_the_embedding_and_similarity_modules_is_cheap():
    code = ("import sys, pytest_hwcheck.embeddings, pytest_hwcheck.matchers.similarity;"
            f"print([m for m in {HEAVY_MODULES + ('sqlite3',)!r} if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"



SIMILARITY_CASE = '''
from pytest_hwcheck import Question, Part, Concept
from pytest_hwcheck.matchers.similarity import similar

def not_mode_seeking(answer):
    return "mode seeking" not in answer.lower()

question = Question(
    id="hw9.q2",
    prompt="Question 2. (b) Which plot is forward KL, and why?",
    parts=[Part(
        id="hw9.q2b",
        reference="Plot A is forward KL: it is mass covering, so Q spreads over both modes.",
        good_examples=["Forward KL is plot A. Forward KL is mass covering and Q spreads over both modes."],
        bad_examples=["Forward KL is plot A. Forward KL is mode seeking and Q locks onto one mode."],
        concepts=[Concept("forward-kl-covers", similar(
            "forward KL is mass covering so Q spreads over both modes",
            good=["Forward KL is mass covering: Q spreads over both modes."],
            bad=["Reverse KL locks onto one mode."],
            also=not_mode_seeking,
        ))],
    )],
)
'''

COUNTING_CONFTEST = '''
import json, pytest
from pytest_hwcheck.embeddings import FakeEmbedder

class CountingFake(FakeEmbedder):
    batches = []
    def encode(self, texts):
        CountingFake.batches.append(len(texts))
        return super().encode(texts)

def pytest_hwcheck_make_embedder(config):
    return CountingFake(cache_dir=config.rootpath / ".hwcheck_cache" / "embeddings")

def pytest_sessionfinish(session):
    (session.config.rootpath / "batches.json").write_text(json.dumps(CountingFake.batches))
'''


def test_the_plugin_prefetches_similarity_texts_in_one_batch_and_reuses_the_cache(project):
    project.case("q2", SIMILARITY_CASE)
    project.pytester.makeconftest(COUNTING_CONFTEST)
    result = project.run("--hw-selftest")
    result.assert_outcomes(passed=3)  # reference, good[1], bad[1]
    batches = json.loads((project.root / "batches.json").read_text())
    assert len(batches) == 1 and batches[0] > 3, batches  # every text embedded in the single prefetch batch
    assert (project.root / ".hwcheck_cache" / "embeddings" / "embeddings.sqlite3").is_file()

    project.run("--hw-selftest").assert_outcomes(passed=3)
    assert json.loads((project.root / "batches.json").read_text()) == [], "a second run must embed nothing"


MODEL_ENV = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY", "HF_HUB_DISABLE_PROGRESS_BARS",
             "TOKENIZERS_PARALLELISM")


class _RecordingModel:
    """Stands in for sentence_transformers.SentenceTransformer: records the environment it ran in."""

    seen: list[dict] = []

    def __init__(self, source, device=None):
        _RecordingModel.seen.append({var: os.environ.get(var) for var in MODEL_ENV})

    def encode(self, texts, **kwargs):
        import numpy

        _RecordingModel.seen.append({var: os.environ.get(var) for var in MODEL_ENV})
        return numpy.ones((len(texts), 4), dtype="float32") / 2


@pytest.fixture
def recording_model(monkeypatch, tmp_path):
    """A SentenceTransformerEmbedder whose model is _RecordingModel (no torch, no model files)."""
    fake = types.ModuleType("sentence_transformers")
    fake.SentenceTransformer = _RecordingModel
    monkeypatch.setitem(sys.modules, "sentence_transformers", fake)
    _RecordingModel.seen = []
    return SentenceTransformerEmbedder(str(tmp_path), cache_dir=tmp_path / "cache")


def test_loading_and_running_the_model_is_offline_but_leaves_the_environment_as_it_was(recording_model, monkeypatch):
    for var in MODEL_ENV:
        monkeypatch.delenv(var, raising=False)
    recording_model.embed(["Forward KL is mass covering."])
    assert _RecordingModel.seen == [{**dict.fromkeys(MODEL_ENV, "1"), "TOKENIZERS_PARALLELISM": "false"}] * 2
    assert [var for var in MODEL_ENV if var in os.environ] == []


def test_the_model_keeps_environment_values_the_user_set(recording_model, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setenv("TOKENIZERS_PARALLELISM", "true")
    recording_model.load_model()
    assert _RecordingModel.seen[0]["HF_HUB_OFFLINE"] == "0" and _RecordingModel.seen[0]["TOKENIZERS_PARALLELISM"] == "true"
    assert os.environ["HF_HUB_OFFLINE"] == "0" and os.environ["TOKENIZERS_PARALLELISM"] == "true"

