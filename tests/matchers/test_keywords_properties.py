"""Properties of keywords(): any answer gets a verdict (or, out of time, gives up) and a stated
phrase is found whatever surrounds it."""

from __future__ import annotations


import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from _properties import SLOW, give_up_when_out_of_time, grade_all

from pytest_hwcheck.matchers.keywords import keywords


MATCHERS = [
    keywords(all_of=["forward KL", "mass-covering"], none_of=["mode-seeking"]),
    keywords(any_of=[("β = 10^-6", "beta = 1e-6")]),
    keywords(all_of=["std = d_model^-0.5"]),
    keywords(all_of=[r"a.*b"], regex=True),  # a user regex that is quadratic: run unit by unit, units capped
]
PIECES = ["forward KL", "mass-covering", "mode-seeking", "not ", "β = 10^{-6}", "10⁻⁶", "std", "=", "d_model",
          "**", "$", "\\|", "(a)", ". ", "\n", "- ", "| ", "a", "aaaa", "!", "☐ ", "☒ ", "\\frac{", "}", "{"]
text_strategy = st.text(max_size=2000) | st.lists(st.sampled_from(PIECES), max_size=200).map("".join)




@SLOW
@given(text_strategy)
@example("a" * 100_000 + "!")
@example("\\frac{" * 500 + "1" + "}{2}" * 500)
@example("a" * 30 + "c")
def test_keywords_returns_a_verdict_for_any_text(text):
    grade_all(MATCHERS, text)


@SLOW
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300),
       st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_a_plainly_stated_phrase_is_found_between_any_sentences(before, after):
    answer = f"{before}\n\nPlot A is forward KL, which is mass-covering.\n\n{after}"
    verdict = keywords(all_of=["forward KL", "mass-covering"])(answer)
    assert verdict.passed, verdict.summary()


# Scaled-down 1 MB answers: benchmarks/matcher_bounds.py times the full-size ones.
LONG = [
    "Forward KL is mass-covering. " * 2_000,
    "not " * 12_500,
    "a" * 50_000,
    "β = 10^{-6} " * 4_000,
]


@pytest.mark.parametrize("text", LONG, ids=["sentences", "nots", "one-letter", "betas"])
def test_keywords_on_a_long_answer_grade_it_or_give_up_when_out_of_time(text):
    grade_all(MATCHERS, text)
    give_up_when_out_of_time(MATCHERS, text)
