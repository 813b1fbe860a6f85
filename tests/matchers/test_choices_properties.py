"""Properties of choice() and true_false(): any answer gets a verdict in bounded time, and an
explicit pick is found whatever prose surrounds it."""

from __future__ import annotations


from hypothesis import example, given
from hypothesis import strategies as st

from _properties import HUGE, SLOW, grade_within_limit

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
    grade_within_limit(MATCHERS, text, require_expected=False)


@SLOW
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="()[]☒☑✓✔✅"), max_size=400))
def test_an_explicit_final_answer_is_found_after_any_prose(prose):
    verdict = choice("b", options="abcd")(f"{prose}\n\nFinal answer: (b)")
    assert verdict.passed, verdict.summary()


@HUGE
@given(st.sampled_from([
    "Answer: (b)\n" * 80_000,
    "not only (a) but also " * 45_000,
    "(a) x\n" * 150_000,
    "(i) True (ii) False " * 50_000,
    "### (c)\n\nCurve (b). It dips.\n\nii. (a): separated.\n" * 20_000,
    "The best latent space for prediction: Figure (a), since " * 18_000,
]))
def test_choice_on_a_one_megabyte_answer_finishes_in_its_time_budget(text):
    grade_within_limit(MATCHERS, text, require_expected=False)
