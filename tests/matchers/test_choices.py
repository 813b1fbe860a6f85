"""choice() and true_false(): picks, not mentions; revisions; real answer excerpts."""

from __future__ import annotations

import pytest

from pytest_hwcheck.matchers.choices import choice, true_false

CURVE_B = choice("b", options="abcd")

# Real answers to hw12.q3c (excerpts copied from the seed transcripts, model words only).
GROK_Q3C = """Part (c): Curve Representing Validation Error with Increasing β

This results in a monotonically increasing trend in validation error with β , as more regularization strips away useful information.

From Figure 3 (validation error profiles for different β values):

- (a) Shows error starting low and increasing with β (matches the expected trend).
- (b) Shows decreasing error (opposite, as if more regularization helps, which it doesn't here).
- (c) Shows a U-shape (error decreases then increases, like under/over-regularization, but in VIB for this setup, it's not typical since $\\beta=0$ is already "optimal" for task but risks overfitting; however, the problem implies held-out validation, and the trend is increasing).
- (d) Shows an inverted U (error increases then decreases, not matching).

Thus, the best representation is:

- (a)
"""
GEMINI_FLASH_Q3C = """### (c) Validation Error Trend

Selection: Curve (b)

Reasoning:

- Small β: The model overfits (low training error, high validation error) because the latent space is not regularized enough.
- Intermediate β: There is an optimal "sweet spot" where the model learns useful features while generalizing well. This results in a U-shaped curve (or V-shaped) for validation error, which matches Curve (b).
"""
CLAUDE_Q3C = """## Part (c): Validation Error Trend with Increasing $\\beta$

**Answer: (b)**

**Reasoning:** As  $\\beta$  increases, we get a classic bias-variance tradeoff (U-shaped curve):

Curve (b) shows this U-shaped pattern with a minimum at moderate  $\\beta$  values, which is the expected behavior.
"""
GEMINI_PRO_Q3C = """## Part 1: Validation Error Trend (Figure 3)

### Correct Curve: (b)

Curve **(b)** is the only one showing this characteristic regularization behavior.
"""

ACCEPTED = [
    "Answer: (b)",
    "**Curve (b)**",
    "Selection: Curve (b)",
    "I choose (b).",
    "I would pick curve (b) here.",
    "The correct answer is (b).",
    "(a) is monotone, so not (a). Answer: (b)",
    "Answer: not (a) but (b)",
    "Answer: (a)\n\nWait, the error must dip first.\n\nFinal answer: (b)",
    "Curve (b) best represents the trend.",
    "☐ (a)\n☒ (b)\n☐ (c)\n☐ (d)",
    "- [ ] (a)\n- [x] (b)\n- [ ] (c)",
    "The best choice is:\n\n- (b)",
    "Answer: B",
    "Answer: (b) (the U-shaped one)",
    "**Answer:** (b) — it dips, then rises.",
    GEMINI_FLASH_Q3C,
    CLAUDE_Q3C,
    GEMINI_PRO_Q3C,
]

REJECTED = [
    # Each mentions (b), so a substring check would pass it.
    GROK_Q3C,
    "(b) is tempting, but the answer is (c).",
    "Answer: (a). Unlike (b), it rises steadily.",
    "The curves are (a), (b), (c) and (d).",
    "It is not (b).",
    "Answer: (b) or (c)",
    "Answer: (a)\n\nLater: answer: (b)",  # revises without saying which is final
    "☒ (a)\n☒ (b)",
    "Answer: (e)",
    "Rather than (b), I choose (d).",
    "",
]


@pytest.mark.parametrize("answer", ACCEPTED)
def test_choice_accepts_an_answer_that_picks_the_expected_option(answer):
    verdict = CURVE_B(answer)
    assert verdict.passed, verdict.summary()
    assert verdict.found == "(b)"


@pytest.mark.parametrize("answer", REJECTED)
def test_choice_rejects_an_answer_that_does_not_pick_it(answer):
    verdict = CURVE_B(answer)
    assert not verdict.passed, verdict.summary()


def test_choice_says_what_was_picked_instead():
    verdict = CURVE_B(GROK_Q3C)
    assert verdict.explanation == "expected the answer to pick (b); it picks (a)"
    assert verdict.found == "(a)" and verdict.expected == "(b)"
    assert verdict.evidence == "- (a)"


def test_choice_names_both_places_when_picks_conflict():
    verdict = CURVE_B("Answer: (a)\n\nActually, Answer: (b)")
    assert "picks different options in different places" in verdict.explanation
    assert "(a) in \"Answer: (a)\"" in verdict.explanation
    assert verdict.found == "(a), (b)"


def test_choice_lets_a_final_answer_override_an_earlier_pick():
    verdict = CURVE_B("Answer: (a)\n\nOn reflection the error dips first.\n\n**Final answer: (b)**")
    assert verdict.passed and "final" in verdict.explanation


def test_choice_explains_when_nothing_is_picked():
    verdict = CURVE_B("The curves are (a), (b), (c) and (d).")
    assert verdict.explanation.startswith("expected the answer to pick (b); the answer picks no option")
    assert "mentions (a), (b), (c), (d)" in verdict.explanation


def test_choice_without_options_still_sees_a_wrong_letter():
    verdict = choice("(b)")("Answer: (c)")
    assert not verdict.passed and verdict.found == "(c)"


@pytest.mark.parametrize("expected", ["b", "(b)", "Curve (b)", "B", "curve b"])
def test_choice_reads_the_expected_label_in_any_form(expected):
    assert choice(expected)("Selection: Curve (b)").passed


def test_choice_with_option_texts_reads_ticked_boxes():
    decoder = choice(["task loss"], multiple=True, options=["task loss", "latent regularizer"])
    assert decoder("For decoder parameters θ_d: ☒ task loss ☐ latent regularizer").passed
    assert decoder("For decoder parameters θ_d: [x] task loss [ ] latent regularizer").passed
    verdict = decoder("For decoder parameters θ_d: ☒ task loss ☒ latent regularizer")
    assert not verdict.passed and "also picks latent regularizer" in verdict.explanation
    assert verdict.score == pytest.approx(0.5)


def test_choice_multiple_needs_exactly_the_expected_set():
    encoder = choice(["task loss", "latent regularizer"], multiple=True, options=["task loss", "latent regularizer"])
    assert encoder("- [X] task loss\n- [X] latent regularizer").passed
    assert encoder("Gradient contributors: Task Loss AND Latent Regularizer.").passed
    verdict = encoder("- [x] task loss\n- [ ] latent regularizer")
    assert not verdict.passed and "does not pick latent regularizer" in verdict.explanation


def test_choice_option_texts_use_synonyms():
    matcher = choice("latent regularizer", options=["task loss", "latent regularizer"])
    assert matcher("Answer: the KL term").passed


def test_choice_rejects_inconsistent_settings():
    with pytest.raises(ValueError):
        choice(["a", "b"])
    with pytest.raises(ValueError):
        choice("e", options="abcd")


def test_choice_repr_is_the_factory_call():
    assert repr(CURVE_B) == "choice(expected='b', options='abcd')"


# -- true_false --------------------------------------------------------------------------------

Q6C = {"i": True, "ii": True, "iii": False, "iv": False}

# hw11.q6c, Gemini 3 Pro (seed 004), model words only.
GEMINI_PRO_Q6C = """## Solutions

(i) True Explanation: In an autoregressive model, attention is masked. The prompt tokens (positions 1-5) only attend to themselves/preceding tokens.

(ii) True Explanation: A soft prompt consists of continuous vectors. Therefore, the optimal soft prompt is at least as good as the optimal hard prompt.

(iii) False Explanation: Full fine-tuning can overfit on small datasets or lead to catastrophic forgetting.

(iv) False Explanation: The model weights are frozen. Training a prompt for Task A only updates the prompt vectors, not the shared model weights.
"""

TF_ACCEPTED = [
    "(i) True (ii) True (iii) False (iv) False",
    GEMINI_PRO_Q6C,
    "| Statement | Answer |\n|---|---|\n| (i) | True |\n| (ii) | True |\n| (iii) | False |\n| (iv) | False |",
    "- i. True\n- ii. True\n- iii. Not true\n- iv. False",
    "(i) **True**: cached.\n(ii) **True**\n(iii) **False**\n(iv) **False**",
    "(i) T (ii) T (iii) F (iv) F",
]
TF_REJECTED = [
    "(i) True (ii) True (iii) True (iv) False",
    "(i) True (ii) True (iii) False",
    "(i) True (ii) False (iii) False (iv) False",
    "True, True, False, False",  # no labels: which statement is which is not stated
    "(i) True (ii) True (iii) False (iv) False\n\n(iv) True",
]


@pytest.mark.parametrize("answer", TF_ACCEPTED)
def test_true_false_accepts_each_statement_judged_as_expected(answer):
    verdict = true_false(Q6C)(answer)
    assert verdict.passed, verdict.summary()


@pytest.mark.parametrize("answer", TF_REJECTED)
def test_true_false_rejects_a_wrong_missing_or_contradictory_judgement(answer):
    verdict = true_false(Q6C)(answer)
    assert not verdict.passed, verdict.summary()


def test_true_false_explains_each_wrong_statement_and_scores_the_rest():
    verdict = true_false(Q6C)("(i) True (ii) True (iii) True (iv) False")
    assert verdict.score == pytest.approx(0.75)
    assert verdict.explanation.startswith("(iii): expected False, found True")
    assert verdict.expected == "(i) True (ii) True (iii) False (iv) False"
    assert verdict.found == "(i) True (ii) True (iii) True (iv) False"


def test_true_false_takes_a_list_labelled_any_usual_way():
    matcher = true_false([True, False])
    assert matcher("1. True\n2. False").passed
    assert matcher("(a) True (b) False").passed
    assert matcher("(i) True\n(ii) False").passed
    assert not matcher("(i) False\n(ii) False").passed


def test_true_false_reports_a_statement_answered_both_ways():
    verdict = true_false({"i": True})("(i) True.\n\n(i) False.")
    assert not verdict.passed and "both True and False" in verdict.explanation


# -- section headings are not picks; ordinary ways of stating one ---------------------------------

@pytest.mark.parametrize("answer", [
    "### (c)\n\nAnswer: (b)",
    "### **(c)**\n\nAnswer: (b)",
    "#### Plot (a):\n\nIt rises monotonically.\n\nAnswer: (b)",
    "## Part (c)\n\nAnswer: (b)",
    "### Answers:\n\n### (c)\n\nAnswer: (b)",
    "**(c):**\n\nAnswer: (b)",
    "### (c) Validation error\n\n**Answer: (b)**",
])
def test_choice_does_not_read_a_section_heading_label_as_a_pick(answer):
    verdict = CURVE_B(answer)
    assert verdict.passed, verdict.summary()


@pytest.mark.parametrize("answer", ["### Correct Curve: (b)", "### (b) is correct", "### Answer: (b)"])
def test_choice_still_reads_a_pick_stated_inside_a_heading(answer):
    assert CURVE_B(answer).passed


@pytest.mark.parametrize("expected, answer", [
    ("b", "Curve (b). With tiny β the model overfits; with huge β it underfits."),
    ("b", "(b). The error dips, then rises."),
    ("a", "ii. (a): its classes are well separated."),
    ("a", "(ii) (a) — its classes are well separated."),
    ("a", "ii. The best latent space for prediction: Figure (a), since its classes are well separated."),
    ("a", "Better latent space: Experiment (a)."),
    ("a", "Experiment (a) gives the better latent space."),
    ("a", "Figure (a) has the best separated classes."),
    ("b", "Answer: Fig. (b)"),
])
def test_choice_reads_ordinary_ways_of_stating_a_pick(expected, answer):
    verdict = choice(expected)(answer)
    assert verdict.passed, verdict.summary()


@pytest.mark.parametrize("expected, answer", [
    ("a", "Experiment (a) does not give the better latent space."),
    ("b", "Curve (a). It rises monotonically.\nCurve (b). It dips then rises."),  # describes each curve
    ("a", "- (a): Wide spread, separated clusters.\n- (b): Medium spread."),
    ("b", "Right panel: Figure (b) shows the clusters."),
    ("a", "ii. (a) is monotone, so it cannot be right."),
])
def test_choice_does_not_read_a_description_of_an_option_as_a_pick(expected, answer):
    verdict = choice(expected)(answer)
    assert not verdict.passed, verdict.summary()


def test_choice_does_not_read_a_plural_noun_as_a_label():
    verdict = CURVE_B("The curves are (a), (b), (c) and (d).")
    assert "(s)" not in verdict.explanation
    assert choice("b")("The curves are (a), (b), (c) and (d).").explanation.endswith(
        "(it mentions (a), (b), (c), (d) without committing to one)")
