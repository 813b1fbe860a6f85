"""Properties of the text utilities: any text normalizes and splits, never raising,
and every unit and every normalized span maps back inside the original text."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from _properties import SLOW

from pytest_hwcheck.matchers.base import AnswerTooLarge, time_budget
from pytest_hwcheck.matchers.text import Document, MAX_CHARS, is_negated, normalize, normalize_with_map

MARKUP = [
    "**", "*", "__", "_", "`", "```\n", "#", "## ", "- ", "* ", "1. ", "> ", "|", " | ", "\n", "\n\n", "  \n",
    "$", "$$", "\\(", "\\)", "\\[", "\\]", "\\frac{", "\\sqrt{", "\\text{", "\\mathrm{", "\\|", "||", "{", "}",
    "_{", "^{", "^", "\\beta", "\\cdot", "\\to", "\\left(", "\\right)", "⁻", "¹", "₀", "√", "∥", "‖", "☒", "☐",
    "[x]", "[ ]", "✓", "(a)", "(b)", "Part (c)", "not ", "n't ", "but ", "instead of ", "; ", ". ", "e.g. ",
    "~~", "\\", "ﬁ", "İ", "ß", "β", "σ", "é", "\u0301", "\u200b", "10^-6", "1e-6", "d_model", " ", "x",
]
markup_text = st.lists(st.sampled_from(MARKUP) | st.text(max_size=6), max_size=120).map("".join)
any_text = st.text(max_size=3000) | markup_text


def _check_document(text: str) -> None:
    doc = Document(text)
    for level in ("item", "sentence", "clause", "block"):
        for unit in doc.units(level):
            assert 0 <= unit.start < unit.end <= len(doc.text)
            assert doc.text[unit.start:unit.end] == unit.text
            assert 0 <= unit.nstart <= unit.nend <= len(doc.norm.text)
            assert doc.norm.text[unit.nstart:unit.nend] == unit.norm


@SLOW
@given(any_text)
@example("\\frac{" * 500 + "1" + "}{2}" * 500)
@example("a" * 100_000 + "!")
@example("$" * 50_001)
@example("_{" * 20_000 + "x" + "}" * 20_000)
@example(" " * 50_000 + "x")
@example("\\begin{bmatrix}" * 30_000 + "&" * 30_000 + "\\\\" * 30_000)
@example(" " * 50_000 + "&" + " " * 50_000 + "\\end{x}")
@example("$1" * 100_000)
def test_normalize_never_raises(text):
    result = normalize(text)
    assert isinstance(result, str)


@SLOW
@given(any_text)
@example("√d_model")
@example("\\begin{bmatrix} a & b \\\\ c & d \\end{bmatrix}")
@example("$N^* \\propto C$ and x* and $5 or $6$7")
def test_every_normalized_span_maps_back_inside_the_original(text):
    norm = normalize_with_map(text)
    n = len(norm.text)
    previous = 0
    for i in range(n):
        a, b = norm.source_span(i, i + 1)
        assert 0 <= a <= b <= len(text)
        assert a >= previous  # offsets are monotone
        previous = a
    assert norm.source_span(0, n)[0] >= 0


@SLOW
@given(any_text)
def test_units_are_exact_slices_of_the_answer(text):
    _check_document(text)


@SLOW
@given(any_text, st.integers(min_value=0, max_value=3000), st.integers(min_value=0, max_value=50))
def test_is_negated_accepts_any_span(text, start, length):
    assert is_negated(text, (start, start + length)) in (True, False)


# Scaled down: benchmarks/matcher_bounds.py times Document() on the 1 MB versions.
LONG = {
    "sentences": "The bug is on line 9. " * 2_500,
    "items": "(a) x\n" * 7_500,
    "not-only": "not only (a) but also " * 2_250,
    "pipes": "|" * 15_000,
    "backslashes": "\\" * 15_000,
    "brackets": "[" * 10_000,
    "dollars": "SSD ≈ $10,000/year; DRAM ≈ $800,000/year. " * 1_150,
    "matrices": "\\begin{bmatrix} a & b \\\\ c & d \\end{bmatrix} N^* " * 1_000,
    "superscripts": "⁻¹" * 10_000,
    "bullets": "- **Plot A** is $D_{KL}(P\\|Q)$; not reverse.\n" * 1_100,
}


@pytest.mark.parametrize("text", LONG.values(), ids=LONG.keys())
def test_a_long_answer_is_split_into_exact_slices(text):
    _check_document(text)


def test_an_answer_longer_than_max_chars_is_refused_not_cut():
    with pytest.raises(AnswerTooLarge):
        Document("x" * (MAX_CHARS + 1))
