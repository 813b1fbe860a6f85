"""similar() on the real, packaged all-MiniLM-L6-v2: the semantics the FakeEmbedder can only imitate.

The matcher tests in tests/matchers/test_similarity.py use a bag-of-words fake, which
scores shared *words*. These tests check that the model the project ships scores
shared *meaning*: a paraphrase with few words in common beats an unrelated sentence,
similar() accepts a paraphrase of its reference and rejects an off-topic answer, and
the wrong twin of a statement scores as high as a paraphrase, which is why similar()
alone is refused for such a concept. The model is loaded once per session (the
``minilm`` fixture); they run in the default ``pytest`` run and in CI.
"""

from __future__ import annotations

import pytest

from pytest_hwcheck.embeddings import reset_embedder, set_embedder
from pytest_hwcheck.matchers.compose import not_
from pytest_hwcheck.matchers.keywords import keywords
from pytest_hwcheck.matchers.similarity import similar

pytestmark = pytest.mark.slow

REFERENCE = "Forward KL is mass-covering: Q spreads its mass over both modes of P."
#: Paraphrases that share few words with the reference (a bag of words scores them low).
PARAPHRASES = [
    "Minimizing D_KL(P||Q) forces Q to cover every region where P has mass, so it stretches across both peaks.",
    "With the forward KL divergence, the approximation spreads out to cover all the modes of the target distribution.",
]
UNRELATED = [
    "The learning rate was too high, so the optimizer diverged.",
    "Photosynthesis turns sunlight into chemical energy in plants.",
    "A hash table gives constant-time lookups on average.",
]
WRONG_TWIN = "Forward KL is mode-seeking: Q collapses onto a single mode of P."


@pytest.fixture
def model(minilm):
    """The run's embedder is the real model for this test, and the default again afterwards."""
    set_embedder(minilm)
    yield minilm
    reset_embedder()


@pytest.mark.parametrize("paraphrase", PARAPHRASES)
def test_minilm_scores_a_paraphrase_above_every_unrelated_sentence(model, paraphrase):
    close = model.similarity(REFERENCE, paraphrase)
    far = max(model.similarity(REFERENCE, text) for text in UNRELATED)
    assert close > far + 0.25, (close, far)


def test_similar_calibrated_on_examples_accepts_a_new_paraphrase_and_rejects_an_off_topic_answer(model):
    matcher = similar(REFERENCE, good=[PARAPHRASES[0]], bad=[UNRELATED[0]], topic_only=True)
    answer = f"{UNRELATED[2]} {PARAPHRASES[1]}"  # neither sentence is one of the examples
    accepted = matcher(answer)
    assert accepted.passed, accepted.summary()
    assert accepted.evidence == PARAPHRASES[1]
    rejected = matcher(f"{UNRELATED[1]} {UNRELATED[2]}")
    assert rejected.status == "failed", rejected.summary()


def test_the_wrong_twin_scores_like_a_paraphrase_so_similar_alone_is_refused(model):
    # The model reads the topic, not the truth: the opposite claim is as close as a paraphrase.
    twin = model.similarity(REFERENCE, WRONG_TWIN)
    assert twin > min(model.similarity(REFERENCE, text) for text in PARAPHRASES), twin
    threshold = min(model.similarity(REFERENCE, text) for text in PARAPHRASES) - 0.02
    assert similar(REFERENCE, threshold=threshold, topic_only=True)(WRONG_TWIN).passed  # what topic_only risks

    with pytest.raises(ValueError, match="measures topic, not truth"):
        similar(REFERENCE, threshold=threshold)

    guarded = similar(REFERENCE, threshold=threshold, also=not_(keywords(any_of=["mode-seeking"])))
    assert guarded(PARAPHRASES[0]).passed
    assert guarded(WRONG_TWIN).status == "failed"
