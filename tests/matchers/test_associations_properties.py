"""Properties of association() and mapping(): any answer gets a verdict (or, out of time, gives
up), a plainly stated binding is found whatever surrounds it, and a swapped one never passes."""

from __future__ import annotations


import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from _properties import SLOW, give_up_when_out_of_time, grade_all

from pytest_hwcheck.matchers.associations import association, mapping


PLOTS = mapping({"Plot A": "forward KL", "Plot B": "reverse KL"})
MATCHERS = [
    association("Plot A", "forward KL", conflicts=["reverse KL"]),
    association("decoder", "task loss", conflicts=["latent regularizer"], within="block"),
    mapping({"(a)": "β = 10^-3", "(b)": "β = 10^-6", "(c)": "β = 10^0"}, within="item"),
    PLOTS,
]
PIECES = ["Plot A", "Plot B", "forward KL", "reverse KL", "(a)", "(b)", "β = 10^{-6}", "10⁻³", "decoder", "encoder",
          "task loss", "latent regularizer", "not ", "☐ ", "☒ ", ": ", ", ", "; ", ". ", "\n", "\n- ", "| ", "**",
          "$", "\\|", "(", ")", "### ", "| plot | loss |\n|---|---|\n", "| A ", "| B ", " does not involve it",
          "For decoder parameters θ_d:\n"]
text_strategy = st.text(max_size=2000) | st.lists(st.sampled_from(PIECES), max_size=200).map("".join)
PROSE = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="()"), max_size=300).filter(
    lambda t: "plot" not in t.lower() and "kl" not in t.lower())




@SLOW
@given(text_strategy)
@example("a" * 100_000 + "!")
@example("\\frac{" * 500 + "1" + "}{2}" * 500)
@example("Plot A " * 20_000)
def test_associations_return_a_verdict_for_any_text(text):
    grade_all(MATCHERS, text)


@SLOW
@given(PROSE, PROSE)
def test_a_plain_binding_is_found_and_a_swapped_one_never_passes(before, after):
    right = f"{before}\n\nPlot A is forward KL, and Plot B is reverse KL.\n\n{after}"
    swapped = f"{before}\n\nPlot A is reverse KL, and Plot B is forward KL.\n\n{after}"
    assert PLOTS(right).passed, PLOTS(right).summary()
    assert not PLOTS(swapped).passed


# Scaled-down 1 MB answers: benchmarks/matcher_bounds.py times the full-size ones.
LONG = {
    "bindings": "Plot A is forward KL. " * 2_250,
    "beta-items": "- (a) β = 10^{-6} β = 10^{-3}\n" * 1_500,
    "negations": "The decoder does not get the latent regularizer; " * 1_000,
    "table": "| plot | loss |\n|---|---|\n" + "| A | forward KL |\n| B | reverse KL |\n" * 1_250,
    "headings": "### (b) Reverse vs. Forward KL\n\n**(a)** Forward KL\n" * 1_000,
    "blocks": "For decoder parameters θ_d:\n\ntask loss\n\nlatent regularizer\n\n" * 900,
    "clauses": "The decoder sees the task loss: the regularizer does not involve it. " * 650,
}


@pytest.mark.parametrize("text", LONG.values(), ids=LONG.keys())
def test_associations_on_a_long_answer_grade_it_or_give_up_when_out_of_time(text):
    grade_all(MATCHERS, text)
    give_up_when_out_of_time(MATCHERS, text)
