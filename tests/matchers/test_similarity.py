"""similar(): best passage vs reference by cosine, explicit or calibrated threshold, and the also= guard.

These tests use the FakeEmbedder (bag-of-words hashing: texts sharing words are
close), so they are fast and need no model; tests/test_similarity_real_model.py
checks similar() on the real MiniLM.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_hwcheck.embeddings import FakeEmbedder, reset_embedder, set_embedder
from pytest_hwcheck.matchers.base import FunctionMatcher
from pytest_hwcheck.matchers.compose import all_of, not_
from pytest_hwcheck.matchers.similarity import MAX_PASSAGES, embedding_text, similar, split_sentences
from pytest_hwcheck.verdict import Verdict

REFERENCE = "forward KL is mass covering so Q spreads over both modes"


@pytest.fixture(autouse=True)
def fake_embedder():
    """Every test grades with a fresh FakeEmbedder (memory-only cache)."""
    embedder = set_embedder(FakeEmbedder())
    yield embedder
    reset_embedder()


def says_not_mode_seeking(answer: str) -> bool:
    """A stand-in companion check that catches the wrong twin ("forward KL is mode seeking")."""
    return "mode seeking" not in answer.lower() and "not mass covering" not in answer.lower()


def topic(threshold: float = 0.6, **kw):
    return similar(REFERENCE, threshold=threshold, topic_only=True, **kw)


@pytest.mark.parametrize("answer", [
    "The forward KL is mass covering, so Q spreads over both modes of P.",
    "## Part (b)\n\n- **Plot A**: forward KL is mass covering; Q spreads over both modes.",
    "Plot A uses forward KL. Forward KL is mass covering so Q spreads over both modes. Plot B is the other one.",
    "Some preamble about the homework.\n\nForward KL is mass covering.\nSo Q spreads over both modes.",
    "| plot | divergence |\n|---|---|\n| A | forward KL is mass covering so Q spreads over both modes |",
])
def test_similar_accepts_a_passage_close_to_the_reference(answer):
    verdict = topic()(answer)
    assert verdict.passed, verdict.summary()
    assert verdict.details["similarity"] >= 0.6
    assert verdict.evidence and "mass covering" in verdict.evidence


@pytest.mark.parametrize("answer", [
    "The learning rate was too high, so training diverged.",
    "",
    "   \n\n  ",
    "--- *** ---",
    "```\n\n```",
    "KL.",
])
def test_similar_rejects_an_answer_with_no_close_passage(answer):
    verdict = topic()(answer)
    assert not verdict.passed
    assert verdict.expected and REFERENCE[:20] in verdict.expected
    assert verdict.found


def test_similar_rejects_the_wrong_twin_that_a_substring_check_would_pass():
    # The reference sentence is literally in the answer, negated: topic matches, truth does not.
    answer = "It is wrong to say forward KL is mass covering so Q spreads over both modes; forward KL is mode seeking."
    assert REFERENCE in answer
    guarded = similar(REFERENCE, threshold=0.6, also=says_not_mode_seeking)
    verdict = guarded(answer)
    assert not verdict.passed
    assert "companion check" in verdict.explanation
    assert verdict.details["similarity"] >= 0.6  # the topic did match: only also= caught it


def test_similar_with_also_accepts_the_right_answer():
    verdict = similar(REFERENCE, threshold=0.6, also=says_not_mode_seeking)(
        "Forward KL is mass covering, so Q spreads over both modes.")
    assert verdict.passed, verdict.summary()
    assert "says_not_mode_seeking" in verdict.explanation


def test_similar_refuses_to_be_the_only_evidence_without_also_or_topic_only():
    with pytest.raises(ValueError, match="topic, not truth"):
        similar(REFERENCE, threshold=0.6)
    assert similar(REFERENCE, threshold=0.6, topic_only=True).settings["topic_only"] is True


@pytest.mark.parametrize("kwargs, message", [
    ({"topic_only": True}, "threshold=<cosine> or both good"),
    ({"topic_only": True, "good": ["a good answer"]}, "1 good and 0 bad"),
    ({"topic_only": True, "threshold": 1.5}, r"cosine in \[-1, 1\]"),
    ({"topic_only": True, "threshold": True}, r"cosine in \[-1, 1\]"),
    ({"topic_only": True, "threshold": 0.5, "window": 0}, "window"),
])
def test_similar_rejects_bad_settings_at_construction(kwargs, message):
    with pytest.raises(ValueError, match=message):
        similar(REFERENCE, **kwargs)


def test_similar_rejects_an_empty_reference_and_a_single_string_of_examples():
    with pytest.raises(ValueError, match="reference"):
        similar("  ...  ", threshold=0.5, topic_only=True)
    with pytest.raises(TypeError, match="lists of example answers"):
        similar(REFERENCE, good="one answer", bad=["x"], topic_only=True)


def test_similar_repr_is_the_factory_call():
    matcher = similar(REFERENCE, threshold=0.6, also=says_not_mode_seeking, window=3)
    text = repr(matcher)
    assert text.startswith("similar(reference='forward KL is mass covering")
    assert "threshold=0.6" in text and "window=3" in text and "also=says_not_mode_seeking()" in text
    assert matcher.children() and isinstance(matcher.children()[0], FunctionMatcher)


def test_similar_failing_verdict_shows_score_threshold_and_nearest_sentence():
    verdict = topic(threshold=0.9, window=1)("Intro. Forward KL spreads Q out. Unrelated closing remark.")
    assert not verdict.passed
    assert "below the threshold 0.900" in verdict.explanation
    assert verdict.evidence == "Forward KL spreads Q out."
    assert verdict.found.startswith("cosine 0.")
    assert verdict.details["threshold"] == 0.9 and 0 < verdict.details["similarity"] < 0.9


def test_similar_calibrates_the_threshold_at_the_midpoint_of_good_and_bad_examples(fake_embedder):
    good = ["Forward KL is mass covering: Q spreads over both modes.", "The forward KL is mass covering."]
    bad = ["The learning rate is too high.", "Reverse KL locks onto one mode."]
    matcher = similar(REFERENCE, good=good, bad=bad, topic_only=True)
    score_good = [matcher.best_passage(g)[0] for g in good]
    score_bad = [matcher.best_passage(b)[0] for b in bad]
    verdict = matcher("Forward KL is mass covering.")
    expected_threshold = (min(score_good) + max(score_bad)) / 2
    assert verdict.details["threshold"] == pytest.approx(expected_threshold, abs=1e-4)
    assert verdict.details["separable"] is True
    assert "midpoint" in verdict.details["threshold_rule"]
    for example in good:
        assert matcher(example).passed
    for example in bad:
        assert not matcher(example).passed


def test_similar_flags_examples_that_similarity_cannot_separate():
    # The bad example uses the same words as the good one: a bag of words cannot tell them apart.
    good = ["forward KL is mass covering, reverse KL is mode seeking"]
    bad = ["reverse KL is mass covering, forward KL is mode seeking"]
    matcher = similar(REFERENCE, good=good, bad=bad, also=says_not_mode_seeking)
    verdict = matcher(good[0])
    assert verdict.details["separable"] is False
    assert "NOT SEPARABLE" in verdict.explanation
    # The threshold sits above every bad example, so no bad example passes on similarity alone.
    assert not matcher(bad[0]).passed
    assert verdict.details["threshold"] > verdict.details["highest_bad"]


def test_similar_with_explicit_threshold_still_reports_separability_of_its_examples():
    matcher = similar(REFERENCE, threshold=0.3, good=["forward KL is mass covering"], bad=["pizza is tasty"],
                      topic_only=True)
    verdict = matcher("forward KL is mass covering")
    assert verdict.details["threshold_rule"] == "given" and verdict.details["threshold"] == 0.3
    assert verdict.details["separable"] is True


def test_similar_window_joins_a_statement_split_over_two_sentences():
    answer = "Take forward KL. It is mass covering so Q spreads over both modes."
    one = topic(threshold=0.9, window=1)(answer)
    two = topic(threshold=0.9, window=2)(answer)
    assert two.details["similarity"] > one.details["similarity"]
    assert two.passed and not one.passed
    assert two.details["window_sentences"] == 2


def test_similar_texts_to_embed_covers_everything_check_embeds(fake_embedder):
    matcher = similar(REFERENCE, good=["forward KL is mass covering"], bad=["pizza"], also=says_not_mode_seeking)
    answer = "Forward KL is mass covering. So Q spreads over both modes."
    texts = matcher.texts_to_embed(answer)
    assert texts[0] == REFERENCE
    assert "Forward KL is mass covering. So Q spreads over both modes." in texts  # the two-sentence window
    assert "pizza" in texts
    fake_embedder.prefetch(texts)
    before = fake_embedder.encoded_count
    assert matcher(answer).passed
    assert fake_embedder.encoded_count == before, "check() embedded a text that texts_to_embed() did not list"


def test_similar_inside_all_of_and_not():
    matcher = all_of(topic(), FunctionMatcher(lambda a: "Q" in a))
    assert matcher("Forward KL is mass covering so Q spreads over both modes.").passed
    assert REFERENCE in matcher.texts_to_embed("x")
    assert not not_(topic())("Forward KL is mass covering so Q spreads over both modes.").passed


def test_similar_gives_up_rather_than_fail_when_a_huge_answer_was_only_partly_compared():
    answer = " ".join(f"Sentence number {i} is here." for i in range(MAX_PASSAGES + 50))
    verdict = topic(window=1)(answer)
    assert verdict.gave_up and verdict.status == "error"
    assert f"only the first {MAX_PASSAGES} passages" in verdict.explanation
    assert not_(topic(window=1))(answer).gave_up  # and not_() does not turn it into a pass


def test_similar_still_passes_a_huge_answer_whose_early_passage_matches():
    answer = "Forward KL is mass covering so Q spreads over both modes. " + " ".join(
        f"Sentence number {i} is here." for i in range(MAX_PASSAGES + 50))
    verdict = topic(window=1)(answer)
    assert verdict.passed, verdict.explanation


@pytest.mark.parametrize("text, expected", [
    ("We use e.g. the uniform. Then it ends.", ["We use e.g. the uniform.", "Then it ends."]),
    ("Let $P = U[0,1]. Q$ be wide. Next.", ["Let $P = U[0,1]. Q$ be wide.", "Next."]),
    ("Costs $5 and\nmore. Next one.", ["Costs $5 and\nmore.", "Next one."]),
    ("1. Compute the KL. Then stop.", ["1. Compute the KL.", "Then stop."]),
    ("# Title\nBody text. More!\n- item one\n- item two", ["# Title", "Body text.", "More!", "- item one", "- item two"]),
    ("Text.\n```python\nx = 1. Y = 2.\n```\nAfter.", ["Text.", "x = 1. Y = 2.", "After."]),
    ("| a | b |\n|---|---|\n| 1 | 2 |", ["| a | b |", "| 1 | 2 |"]),
    ("$$\nA. B.\n$$ Then.", ["$$\nA. B.\n$$ Then."]),
])
def test_split_sentences_keeps_math_lists_and_code_whole(text, expected):
    assert split_sentences(text) == expected


def test_embedding_text_drops_markers_but_keeps_code_and_math_operators():
    assert embedding_text("- **Plot A**: std = d_model**-0.5 and P||Q") == "**Plot A**: std = d_model**-0.5 and P||Q"
    assert embedding_text("| A | forward |") == "A forward"
    assert embedding_text("### Heading") == "Heading"


# -- robustness ---------------------------------------------------------------------------------
GUARDED = similar(REFERENCE, threshold=0.5, also=says_not_mode_seeking)
CALIBRATED = similar(REFERENCE, good=["forward KL is mass covering"], bad=["pizza"], topic_only=True, window=3)


def _graded(matcher, answer: str) -> Verdict:
    verdict = matcher(answer)
    assert isinstance(verdict, Verdict)
    assert "could not grade" not in verdict.explanation, verdict.explanation  # a crash caught by __call__
    return verdict


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text())
def test_similar_never_raises_on_arbitrary_unicode(answer):
    for matcher in (GUARDED, CALIBRATED):
        _graded(matcher, answer)
        assert isinstance(matcher.texts_to_embed(answer), list)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                                HealthCheck.data_too_large])
@given(st.text(min_size=1, max_size=40), st.sampled_from([". ", "\n", "$", " ", "\n\n- ", "|"]))
def test_similar_never_raises_on_a_long_answer(chunk, separator):
    unit = chunk + separator
    answer = (unit * (100_000 // len(unit) + 1))[:100_000]  # how long 1 MB takes is a benchmark's question
    _graded(GUARDED, answer)


@pytest.mark.parametrize("answer", [
    "\\frac{" * 500 + "x" + "}" * 500,
    "$" + "\\frac{" * 500 + "1}{2" + "}" * 500 + "$. Forward KL is mass covering.",
    "a" * 100_000 + "!",
    "$" * 100_000,
    "\\[" * 50_000,
    ". " * 200_000,
    "e.g. " * 100_000,
    "```" * 30_000,
    "| " * 100_000,
    "\x00\ud800\U0010ffff" * 1000,
], ids=["nested-frac", "nested-frac-in-math", "a-100k", "dollars", "open-display-math", "dots", "e.g.-100k",
        "fences", "pipes", "control-and-surrogates"])
def test_similar_survives_pathological_answers(answer):
    verdict = _graded(GUARDED, answer)
    assert verdict.explanation


def test_similar_works_with_a_duck_typed_embedder():
    class Letters:
        """Not an Embedder subclass: only model_name, embed() (unnormalised) and prefetch()."""

        model_name = "letters"

        def embed(self, texts):
            return [[text.lower().count(c) * 3.0 for c in "abcdefghijklmnopqrstuvwxyz"] for text in texts]

        def prefetch(self, texts):
            pass

    set_embedder(Letters())
    verdict = similar("abc", threshold=0.99, topic_only=True)("Nothing here. Abc cab.")
    assert verdict.passed and verdict.evidence == "Abc cab."
    assert verdict.details["similarity"] == pytest.approx(1.0)
