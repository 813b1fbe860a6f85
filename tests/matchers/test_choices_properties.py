"""Properties of choice() and true_false(): any answer gets a verdict (or, out of time, gives up),
and an explicit pick is found whatever prose surrounds it."""

from __future__ import annotations


import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from _properties import SLOW, give_up_when_out_of_time, grade_all

from pytest_hwcheck.matchers.choices import choice, true_false


MATCHERS = [
    choice("b", options="abcd"),
    choice(["task loss", "latent regularizer"], multiple=True, options=["task loss", "latent regularizer"]),
    true_false({"i": True, "ii": False}),
]
PIECES = ["(a)", "(b)", "(c)", "Answer:", "Final answer:", "Selection:", "I choose", "not ", "unlike ", "**", "☒ ",
          "☐ ", "[x] ", "[ ] ", "task loss", "latent regularizer", "(i)", "(ii)", " True", " False", "\n", "- ",
          "| ", ". ", ": ", "b", "rather than ", "Curve", "\\frac{", "### ", "ii. ", "Fig. ", "The best latent space: ",
          " gives the better "]
text_strategy = st.text(max_size=2000) | st.lists(st.sampled_from(PIECES), max_size=200).map("".join)




@SLOW
@given(text_strategy)
@example("a" * 100_000 + "!")
@example("\\frac{" * 500 + "1" + "}{2}" * 500)
@example("(b)" * 20_000)
def test_choice_and_true_false_return_a_verdict_for_any_text(text):
    grade_all(MATCHERS, text, require_expected=False)


@SLOW
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="()[]☒☑✓✔✅"), max_size=400))
def test_an_explicit_final_answer_is_found_after_any_prose(prose):
    verdict = choice("b", options="abcd")(f"{prose}\n\nFinal answer: (b)")
    assert verdict.passed, verdict.summary()


# Scaled-down 1 MB answers: benchmarks/matcher_bounds.py times the full-size ones.
LONG = {
    "answer-lines": "Answer: (b)\n" * 4_000,
    "not-only": "not only (a) but also " * 2_250,
    "option-lines": "(a) x\n" * 7_500,
    "true-false": "(i) True (ii) False " * 2_500,
    "headings": "### (c)\n\nCurve (b). It dips.\n\nii. (a): separated.\n" * 1_000,
    "figures": "The best latent space for prediction: Figure (a), since " * 900,
}


@pytest.mark.parametrize("text", LONG.values(), ids=LONG.keys())
def test_choice_on_a_long_answer_grades_it_or_gives_up_when_out_of_time(text):
    grade_all(MATCHERS, text, require_expected=False)
    give_up_when_out_of_time(MATCHERS, text)
