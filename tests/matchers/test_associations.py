"""association() and mapping(): bindings, conflicts, negated bindings, real answer excerpts."""

from __future__ import annotations

import pytest

from pytest_hwcheck.matchers.associations import association, mapping, shown

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


# -- part headings, table rows, denials, option lists, evidence -----------------------------------

@pytest.mark.parametrize("answer", [
    "### (b) Reverse vs. Forward KL\n\nSome text.",
    "**(b)** Reverse vs. Forward KL\n\nSome text.",
    "Part (b): Reverse vs. Forward KL\n\nSome text.",
    "## Answer to (b): Reverse vs. Forward KL\n\nSome text.",
])
def test_association_does_not_read_a_part_heading_label_as_a_plot(answer):
    # "(b)" names the part; the subject is Plot B, so a naive label match would pass these.
    verdict = association("Plot B", "forward KL")(answer)
    assert not verdict.passed, verdict.summary()


@pytest.mark.parametrize("answer", [
    "### (b) Reverse vs. Forward KL\n\nPlot B is reverse KL.",
    "- (b) reverse KL, mode-seeking.",
    "Plot (b): reverse KL.",
])
def test_association_still_reads_a_plot_named_in_the_text_under_a_part_heading(answer):
    verdict = association("Plot B", "reverse KL")(answer)
    assert verdict.passed, verdict.summary()


def test_association_with_a_bare_label_subject_still_binds_a_label_line():
    assert association("(b)", "forward KL")("(b) forward KL").passed


@pytest.mark.parametrize("answer, passes", [
    ("| plot | loss |\n|---|---|\n| A | forward KL |", True),
    ("| Plots | objective |\n| --- | --- |\n| **A** | forward KL |\n| B | reverse KL |", True),
    ("| Figure | loss |\n|---|---|\n| A | forward KL |", True),
    ("| plot | loss |\n|---|---|\n| A | reverse KL |\n| B | forward KL |", False),
    ("| letter | loss |\n|---|---|\n| A | forward KL |", False),  # the header does not name plots
    ("| plot | loss |\n|---|---|\n| B | forward KL |", False),
])
def test_association_binds_a_bare_table_row_label_under_a_header_naming_the_subject_kind(answer, passes):
    verdict = association("Plot A", "forward KL", conflicts=["reverse KL"])(answer)
    assert verdict.passed is passes, verdict.summary()


def test_association_names_a_table_row_subject_in_its_message():
    verdict = association("Plot A", "forward KL")("| plot | loss |\n|---|---|\n| A | forward KL |")
    assert verdict.explanation == "binds Plot A (row 'A') to 'forward KL'"
    assert verdict.evidence == "| A | forward KL |"


def test_mapping_reads_a_table_of_bare_plot_letters():
    plots = mapping({"Plot A": "forward KL", "Plot B": "reverse KL"})
    table = "| plot | loss |\n|---|---|\n| A | forward KL |\n| B | reverse KL |"
    assert plots(table).passed
    assert not plots(table.replace("forward", "XX").replace("reverse", "forward").replace("XX", "reverse")).passed


DECODER_REGULARIZER = (("decoder", "θ_d"), ("latent regularizer", "KL term", "regularizer"))


@pytest.mark.parametrize("within, answer", [
    ("sentence", "The decoder only ever sees the task loss: the latent regularizer does not involve θ_d at all."),
    ("block", "The decoder only ever sees the task loss. The latent regularizer does not involve θ_d at all."),
    ("sentence", "The decoder only ever sees the task loss: the latent regularizer does not involve it at all."),
    ("sentence", "The decoder only ever sees the task loss: the latent regularizer involves only θ_e."),
    ("sentence", "The regularizer does not depend on the decoder."),
])
def test_association_does_not_bind_across_a_colon_to_a_clause_that_denies_it(within, answer):
    # Both terms are in one sentence (or block), so a naive co-occurrence check passes these.
    verdict = association(*DECODER_REGULARIZER, within=within)(answer)
    assert not verdict.passed, verdict.summary()


@pytest.mark.parametrize("answer", [
    "The decoder gets both: the task loss and the latent regularizer.",
    "Decoder θ_d: the task loss and the latent regularizer.",
    "The decoder receives gradients from the regularizer (through z).",
])
def test_association_still_binds_across_a_colon_that_introduces_the_attribute(answer):
    verdict = association(*DECODER_REGULARIZER, within="sentence")(answer)
    assert verdict.passed, verdict.summary()


def test_a_denied_binding_is_reported_with_its_cue():
    verdict = association(*DECODER_REGULARIZER, within="sentence")(
        "The decoder only ever sees the task loss: the latent regularizer does not involve it at all.")
    assert "only in a negated context ('does not involve it')" in verdict.explanation


def test_association_keeps_an_attribute_with_its_own_sentence_but_not_with_a_negated_sibling():
    assert association("Plot A", "forward KL")("Plot A: forward KL. It covers both modes, unlike Plot B.").passed
    assert association("Plot A", "mass-covering", within="item")(
        "Plot A: forward KL. It covers both modes and is mass-covering, unlike Plot B.").passed


@pytest.mark.parametrize("answer, passes", [
    ("For decoder parameters θ_d :\n\ntask loss\n\nlatent regularizer", False),
    ("For decoder parameters θ_d:\n- task loss\n- latent regularizer", False),
    ("For decoder parameters θ_d:\n- ☒ task loss\n- ☒ latent regularizer", True),
    ("For decoder parameters θ_d:\n\nlatent regularizer", True),  # one line under the lead-in answers it
])
def test_within_block_an_unmarked_option_list_under_a_lead_in_states_nothing(answer, passes):
    verdict = association(("decoder", "θ_d"), "latent regularizer", within="block")(answer)
    assert verdict.passed is passes, verdict.summary()


def test_an_unmarked_option_list_is_named_in_the_explanation():
    verdict = association(("decoder", "θ_d"), "latent regularizer", within="block")(
        "For decoder parameters θ_d :\n\ntask loss\n\nlatent regularizer")
    assert "only in an unmarked list of the options" in verdict.explanation


@pytest.mark.parametrize("answer, evidence", [
    ("**Plot A is forward KL; Plot B is reverse KL**", "Plot B is reverse KL"),
    ("**Plot A is mode-covering; Plot B is reverse KL.** More text.", "Plot B is reverse KL."),
    ("**Plot B** is **reverse KL**.", "**Plot B** is **reverse KL**."),
])
def test_association_evidence_drops_emphasis_markers_left_open_at_its_edges(answer, evidence):
    verdict = association("Plot B", "reverse KL")(answer)
    assert verdict.passed and verdict.evidence == evidence, verdict.summary()
    assert "*" not in verdict.explanation


@pytest.mark.parametrize("span, expected", [
    ("reverse KL**", "reverse KL"), ("**reverse KL**", "reverse KL"), ("`std=1`", "std=1"),
    ("_reverse KL_", "reverse KL"), ("__reverse KL__", "reverse KL"), ("zeros_", "zeros_"),
    ("__init__", "__init__"),
])
def test_shown_strips_emphasis_markers_at_span_edges(span, expected):
    assert shown(span) == expected


@pytest.mark.parametrize("matcher", [PLOT_A, mapping({"Plot A": "forward KL", "Plot B": "reverse KL"})],
                         ids=["association", "mapping"])
def test_a_read_that_runs_past_the_budget_gives_up_instead_of_grading(matcher, monkeypatch):
    import time

    from pytest_hwcheck.matchers import associations
    from pytest_hwcheck.matchers.base import time_budget

    real = associations.find_bindings

    def slow(*args, **kwargs):  # the machine stalls after the last in-loop budget check
        found = real(*args, **kwargs)
        time.sleep(0.2)
        return found

    monkeypatch.setattr(associations, "find_bindings", slow)
    with time_budget(0.1):
        verdict = matcher("Plot A is forward KL. Plot B is reverse KL.")
    assert verdict.gave_up and not verdict.passed
