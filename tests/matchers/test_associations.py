"""association() and mapping(): bindings, conflicts, negated bindings, real answer excerpts."""

from __future__ import annotations

import pytest

from pytest_hwcheck.matchers.associations import association, mapping

PLOT_A = association("Plot A", "forward KL", conflicts=["reverse KL", "mode-seeking"])
DECODER = association("decoder", "task loss", conflicts=["latent regularizer"])

PLOT_A_ACCEPTED = [
    "Plot A corresponds to forward KL, Plot B corresponds to reverse KL.",
    "**Answer: Plot A corresponds to forward KL, Plot B corresponds to reverse KL**",
    "Forward KL (Plot A) is mass-covering; reverse KL (Plot B) is mode-seeking.",
    "In summary: forward KL is inclusive/covering (Plot A), while reverse KL is exclusive/seeking (Plot B).",
    "- **Plot A:** Corresponds to minimizing **Forward KL ($D_{KL}(P||Q)$)**.\n"
    "- **Plot B:** Corresponds to minimizing **Reverse KL ($D_{KL}(Q||P)$)**.",
    "Plot A is $D_{KL}(P\\|Q)$ (zero-avoiding).",
    "Plot A is forward KL, not reverse KL.",
    "Unlike reverse KL, forward KL spreads out (Plot A).",
]
PLOT_A_REJECTED = [
    # Every keyword of the right answer appears, so a substring check passes these.
    "Plot A is reverse KL (mode-seeking). Plot B is forward KL (mass-covering).",
    "Plot B is forward KL and Plot A is reverse KL.",
    "Plot A is not forward KL; it is reverse KL.",
    "Plot A is not forward KL.",
    "The plots show forward KL and reverse KL.",
    "Plot A corresponds to forward KL. Plot A is mode-seeking.",
    "Forward KL: Plot B. Reverse KL: Plot A.",
]


@pytest.mark.parametrize("answer", PLOT_A_ACCEPTED)
def test_association_accepts_a_subject_bound_to_its_attribute(answer):
    verdict = PLOT_A(answer)
    assert verdict.passed, verdict.summary()


@pytest.mark.parametrize("answer", PLOT_A_REJECTED)
def test_association_rejects_a_swapped_missing_or_negated_binding(answer):
    verdict = PLOT_A(answer)
    assert not verdict.passed, verdict.summary()


def test_association_explains_a_conflicting_binding_with_its_evidence():
    verdict = PLOT_A("Intro. Plot A is reverse KL (mode-seeking). Plot B is forward KL (mass-covering).")
    assert verdict.explanation == ("expected Plot A ↔ forward KL; the answer binds Plot A to 'reverse KL', "
                                   "which conflicts with forward KL")
    assert verdict.evidence == "Plot A is reverse KL (mode-seeking)."
    assert verdict.expected == "Plot A ↔ forward KL"


def test_association_says_when_the_attribute_went_to_another_subject():
    verdict = association("Plot A", "forward KL")("Forward KL corresponds to Plot B.")
    assert "binds 'Forward KL' to Plot B, not to Plot A" in verdict.explanation


@pytest.mark.parametrize("answer", [
    "For decoder parameters θ_d: ☒ task loss ☐ latent regularizer",
    "The decoder gets the task loss only; the decoder does not get the latent regularizer.",
    "The encoder gets both the task loss and the latent regularizer, and the decoder gets only the task loss.",
    "The task loss trains the decoder.",
])
def test_association_decoder_gets_the_task_loss_only(answer):
    verdict = DECODER(answer)
    assert verdict.passed, verdict.summary()


@pytest.mark.parametrize("answer", [
    "The decoder gets both the task loss and the latent regularizer.",
    "For decoder parameters θ_d: ☒ task loss ☒ latent regularizer",
    "The decoder does not get the task loss.",
    "The decoder is trained by the latent regularizer.",
])
def test_association_decoder_rejects_the_regularizer_or_a_negated_task_loss(answer):
    verdict = DECODER(answer)
    assert not verdict.passed, verdict.summary()


def test_a_negated_conflict_is_not_a_binding_but_is_reported_as_support():
    verdict = DECODER("For decoder parameters θ_d: ☒ task loss ☐ latent regularizer")
    assert verdict.explanation == "binds decoder to 'task loss', and rules out 'latent regularizer' ('☐')"
    negated = association("decoder", "latent regularizer")("The decoder does not get the latent regularizer.")
    assert not negated.passed and "only in a negated context ('not')" in negated.explanation


# -- numbers in attributes, mapping ------------------------------------------------------------

BETAS = mapping({"(a)": "β = 10^-3", "(b)": "β = 10^-6", "(c)": "β = 10^0"})


@pytest.mark.parametrize("answer", [
    "- (a) $\\beta = 10^{-3}$\n- (b) $\\beta = 10^{-6}$\n- (c) $\\beta = 10^0$",
    "(a) β = 10⁻³, (b) β = 10⁻⁶, (c) β = 1",
    "(a) β = 1e-3; (b) β = 1e-6; (c) β = 1.",
    "(a) β = 10−3\n(b) β = 10−6\n(c) β = 10^0",
    "| Figure | β |\n|---|---|\n| (a) | 10^{-3} |\n| (b) | 10^{-6} |\n| (c) | 10^{0} |".replace("| 10", "| β = 10"),
    "β = 10^-3 for (a), β = 10^-6 for (b) and β = 10^0 for (c).",
])
def test_mapping_accepts_every_pair_in_any_number_notation(answer):
    verdict = BETAS(answer)
    assert verdict.passed, verdict.summary()


def test_mapping_rejects_pairs_ordered_by_position_and_reports_each():
    verdict = BETAS("- (a) β = 10^-6\n- (b) β = 10^-3\n- (c) β = 10^0")
    assert not verdict.passed
    assert verdict.score == pytest.approx(1 / 3)
    assert verdict.explanation.startswith("2 of 3 pairs not bound as expected")
    pairs = {p["pair"]: p["passed"] for p in verdict.details["pairs"]}
    assert pairs == {"(a) ↔ β = 10^-3": False, "(b) ↔ β = 10^-6": False, "(c) ↔ β = 10^0": True}


def test_mapping_rejects_an_answer_that_lists_every_value_for_every_figure():
    # Grok's hw12.q3d (checkbox marks lost): all values appear next to every label.
    answer = ("i. Guesses:\n\n"
              "- (a) $\\beta = 10^{-6}$ $\\beta = 10^{-3}$ $\\beta = 100$\n"
              "- (b) $\\beta = 10^{-6}$ $\\beta = 10^{-3}$ $\\beta = 100$\n"
              "- (c) $\\beta = 10^{-6}$ $\\beta = 10^{-3}$ $\\beta = 100$\n")
    verdict = BETAS(answer)
    assert not verdict.passed and verdict.score == 0.0


def test_mapping_default_conflicts_can_be_turned_off():
    lenient = mapping({"(a)": "β = 10^-3", "(b)": "β = 10^-6"}, conflicts={})
    assert lenient("(a) β = 10^-3 or β = 10^-6\n(b) β = 10^-6").passed


def test_mapping_of_plots_to_kl_directions():
    plots = mapping({"Plot A": ("forward KL", "mass-covering"), "Plot B": ("reverse KL", "mode-seeking")})
    assert plots("Plot A: forward KL. Plot B: reverse KL.").passed
    assert not plots("Plot A: reverse KL. Plot B: forward KL.").passed


# -- within ------------------------------------------------------------------------------------

# hw12.q3d, Gemini Flash (seed 000, math restored): each bullet states the figure, then the β.
GEMINI_FLASH_Q3D = """- Figure (b): The clusters are very spread out (axis scale ≈ 6). This implies weak regularization. Result: β = 10^-6.
- Figure (c): The points are collapsed tightly around 0 (axis scale ≈ 0.15). This implies extremely strong regularization. Result: β = 10^0.
- Figure (a): The points form distinct clusters but are reasonably compact (axis scale ≈ 1.5). This implies balanced regularization. Result: β = 10^-3.
"""

# hw12.q3d, Claude Sonnet 4.5 after it saw Figure 4 (seed 003, turn 4).
CLAUDE_Q3D_FINAL = """## Part (d)i: Guess the $\\beta$ Values for Each Figure

### Answer:

- (a)  $\\beta = 10^{-3}$  (moderate regularization)
- (b)  $\\beta = 10^{-6}$  (weakest regularization)
- (c)  $\\beta = 10^0$  (strongest regularization)
"""

# The same model before it saw the figure (seed 003, turn 3): ordered by position, wrong.
CLAUDE_Q3D_BLIND = """**Answer:**

- **(a)  $\\beta = 10^{-6}$**  (weakest regularization  $\\rightarrow$  largest spread)
- **(b)  $\\beta = 10^{-3}$**  (moderate regularization  $\\rightarrow$  medium spread)
- **(c)  $\\beta = 10^0$**  (strongest regularization  $\\rightarrow$  tightest clustering near origin)
"""


def test_within_item_binds_across_the_sentences_of_one_bullet():
    assert not BETAS(GEMINI_FLASH_Q3D).passed  # within a clause the β is in another sentence
    assert mapping(BETAS.settings["pairs"], within="item")(GEMINI_FLASH_Q3D).passed


def test_mapping_grades_the_two_claude_turns_as_the_key_does():
    assert BETAS(CLAUDE_Q3D_FINAL).passed
    assert not BETAS(CLAUDE_Q3D_BLIND).passed


# hw12.q3b, Gemini Flash: the subject is a bullet, its sub-bullets say which loss reaches it.
GEMINI_FLASH_Q3B = """- Encoder parameters θ_e: These parameters determine μ and σ.
  - They affect the KL Regularizer directly (as it depends on μ, σ).
  - They affect the Task Loss indirectly because z is sampled using μ and σ.

  Gradient contributors: Task Loss AND Latent Regularizer.
- Decoder parameters θ_d: These parameters are only present in the likelihood function q_θd(y|z).
  - They affect the Task Loss.
  - They do not affect the KL Regularizer (which depends only on the encoder and the fixed prior).

  Gradient contributors: Task Loss only.
"""


def test_within_block_binds_a_bullet_to_its_sub_bullets():
    decoder = association("decoder", "task loss", conflicts=["latent regularizer"], within="block")
    verdict = decoder(GEMINI_FLASH_Q3B)
    assert verdict.passed, verdict.summary()
    assert "rules out 'KL Regularizer'" in verdict.explanation
    encoder = association("encoder", "latent regularizer", within="block")
    assert encoder(GEMINI_FLASH_Q3B).passed


def test_association_rejects_an_unknown_unit_level():
    with pytest.raises(ValueError):
        association("a", "b", within="paragraph")


def test_association_repr_is_the_factory_call():
    assert repr(PLOT_A) == "association(subject='Plot A', attribute='forward KL', conflicts=['reverse KL', 'mode-seeking'])"
    assert repr(mapping({"x": "y"}, within="item")) == "mapping(pairs={'x': 'y'}, within='item')"
