"""Properties of the text utilities: any text normalizes and splits quickly, never raising,
and every unit and every normalized span maps back inside the original text."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pytest_hwcheck.matchers.text import Document, MAX_CHARS, is_negated, normalize, normalize_with_map

#: Generous: only catches hangs and quadratic blow-ups (the real budget is a few seconds).
LIMIT_S = 10.0

SLOW = settings(deadline=None, max_examples=80, suppress_health_check=[HealthCheck.too_slow,
                                                                      HealthCheck.data_too_large])
HUGE = settings(deadline=None, max_examples=3, suppress_health_check=list(HealthCheck))

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
    start = time.monotonic()
    doc = Document(text)
    for level in ("item", "sentence", "clause", "block"):
        for unit in doc.units(level):
            assert 0 <= unit.start < unit.end <= len(doc.text)
            assert doc.text[unit.start:unit.end] == unit.text
            assert 0 <= unit.nstart <= unit.nend <= len(doc.norm.text)
            assert doc.norm.text[unit.nstart:unit.nend] == unit.norm
    assert time.monotonic() - start < LIMIT_S


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
def test_normalize_never_raises_and_is_fast(text):
    start = time.monotonic()
    result = normalize(text)
    assert isinstance(result, str)
    assert time.monotonic() - start < LIMIT_S


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


@HUGE
@given(st.sampled_from([
    "The bug is on line 9. " * 50_000,
    "(a) x\n" * 150_000,
    "not only (a) but also " * 45_000,
    "|" * 300_000,
    "\\" * 300_000,
    "[" * 200_000,
    "SSD ≈ $10,000/year; DRAM ≈ $800,000/year. " * 23_000,
    "\\begin{bmatrix} a & b \\\\ c & d \\end{bmatrix} N^* " * 20_000,
    "⁻¹" * 200_000,
    "- **Plot A** is $D_{KL}(P\\|Q)$; not reverse.\n" * 22_000,
]))
def test_a_one_megabyte_answer_is_split_in_bounded_time(text):
    assert len(text) <= MAX_CHARS + 100_000
    _check_document(text)
