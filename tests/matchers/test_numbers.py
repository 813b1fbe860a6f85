"""number() and extract_quantities(): every notation, unit conversion, binding and negation.

Tables of accepted and rejected answers; the rejected ones include the answers a naive
substring check would pass ("25 apples" for 5, "10^30" for 30, "1030 FLOPs" for 10^30).
"""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from pytest_hwcheck.matchers.base import Matcher
from pytest_hwcheck.matchers.numbers import Quantity, _registry, extract_quantities, number
from pytest_hwcheck.verdict import Verdict


def _only(text: str) -> Quantity:
    found = extract_quantities(text)
    assert len(found) == 1, f"{text!r} -> {[q.render() for q in found]}"
    return found[0]


# ---------------------------------------------------------------------------
# Extraction: every notation answers use
# ---------------------------------------------------------------------------

NOTATIONS = [
    # (text, value, pint unit or None)
    ("1e30", 1e30, None),
    ("1E+30", 1e30, None),
    ("1.7e15", 1.7e15, None),
    ("1e-6", 1e-6, None),
    ("10^30", 1e30, None),
    ("10^{30}", 1e30, None),
    ("{10}^{30}", 1e30, None),
    ("10**30", 1e30, None),
    ("10³⁰", 1e30, None),
    ("10<sup>30</sup>", 1e30, None),
    ("1.7 × 10^15", 1.7e15, None),
    ("1.7×10¹⁵", 1.7e15, None),
    ("1.7 x 10^15", 1.7e15, None),
    ("1.7*10**15", 1.7e15, None),
    (r"1.7 \times 10^{15}", 1.7e15, None),
    (r"1.7 \cdot 10^{15}", 1.7e15, None),
    ("1.7 · 10^15", 1.7e15, None),
    (r"$1.7 \times 10^{15}$", 1.7e15, None),
    (r"\(1.7 \times 10^{15}\)", 1.7e15, None),
    (r"$$10^{30}$$", 1e30, None),
    ("1,700,000", 1.7e6, None),
    ("1 700 000", 1.7e6, None),
    ("1\u202f700\u202f000", 1.7e6, None),
    (r"1\,700\,000", 1.7e6, None),
    (r"1{,}700{,}000", 1.7e6, None),
    ("1.7 quadrillion", 1.7e15, None),
    ("5.95 billion", 5.95e9, None),
    ("6 Billion", 6e9, None),
    ("32 million", 3.2e7, None),
    ("714 Trillion", 7.14e14, None),
    ("120 thousand", 1.2e5, None),
    ("≈ 7.14 × 10^14", 7.14e14, None),
    ("~1.44", 1.44, None),
    ("-0.5", -0.5, None),
    ("−0.5", -0.5, None),
    ("10^-6", 1e-6, None),
    ("10^{-6}", 1e-6, None),
    ("10^{−6}", 1e-6, None),
    ("10^(-6)", 1e-6, None),
    ("10⁻⁶", 1e-6, None),
    ("10−6", 1e-6, None),       # PDF-flattened superscript with U+2212
    ("10**-6", 1e-6, None),
    ("2^10", 1024.0, None),
    # money
    ("$10,000", 1e4, "dollar"),
    ("$10k", 1e4, "dollar"),
    ("$10K", 1e4, "dollar"),
    ("$1.2M", 1.2e6, "dollar"),
    ("$210 B", 2.1e11, "dollar"),
    ("$210B", 2.1e11, "dollar"),
    ("$210 billion", 2.1e11, "dollar"),
    ("$ 0.42", 0.42, "dollar"),
    (r"\$10{,}000", 1e4, "dollar"),
    (r"$\$10{,}000$", 1e4, "dollar"),
    ("US$10,000", 1e4, "dollar"),
    ("USD 10,000", 1e4, "dollar"),
    ("10,000 dollars", 1e4, "dollar"),
    ("$0.00005/MB", 5e-5, "dollar / megabyte"),
    ("$10k per year", 1e4, "dollar / year"),
    # time
    ("41.7 s", 41.7, "second"),
    ("41.7s", 41.7, "second"),
    ("41.7 seconds", 41.7, "second"),
    (r"41.7\,\text{s}", 41.7, "second"),
    ("73 ms", 73.0, "millisecond"),
    ("73ms", 73.0, "millisecond"),
    ("12.12 hours", 12.12, "hour"),
    ("5 min", 5.0, "minute"),
    ("3 µs", 3.0, "microsecond"),
    ("41.7 seconds per token", 41.7, "second / token"),
    # data
    ("2 TB", 2.0, "terabyte"),
    ("2TB", 2.0, "terabyte"),
    (r"2\text{ TB}", 2.0, "terabyte"),
    (r"$2\ \mathrm{TB}$", 2.0, "terabyte"),
    ("2000 GB", 2000.0, "gigabyte"),
    ("2 terabytes", 2.0, "terabyte"),
    ("16 bytes", 16.0, "byte"),
    ("4.8 TB/s", 4.8, "terabyte / second"),
    ("1 PB", 1.0, "petabyte"),
    # compute and counts
    ("10^{30} FLOPs", 1e30, "FLOP"),
    ("10^30 FLOPS", 1e30, "FLOP"),
    (r"10^{30}\,\text{FLOPs}", 1e30, "FLOP"),
    ("**10^30** FLOPs", 1e30, "FLOP"),
    ("3640 PF-days", 3640.0, "PF_day"),
    ("1.7 × 10^15 tokens", 1.7e15, "token"),
    ("1M tokens", 1e6, "token"),
    ("175B params", 1.75e11, "parameter"),
    ("100T Params", 1e14, "parameter"),
    ("~1.44 tokens/min", 1.44, "token / minute"),
    ("823 tokens per minute", 823.0, "token / minute"),
    ("5.95 × 10^9 books", 5.95e9, "book"),
    ("20 GPUs", 20.0, "GPU"),
    # percent
    ("20%", 20.0, "percent"),
    (r"20\%", 20.0, "percent"),
    ("20 percent", 20.0, "percent"),
]


@pytest.mark.parametrize(("text", "value", "unit"), NOTATIONS, ids=[t for t, _v, _u in NOTATIONS])
def test_extract_quantities_reads_every_common_notation(text: str, value: float, unit: str | None) -> None:
    quantity = _only(text)
    assert quantity.value == pytest.approx(value, rel=1e-9)
    assert quantity.unit == unit


@pytest.mark.parametrize(("text", "values"), [
    ("25", [25.0]),
    ("10^30", [1e30]),                        # the exponent is not a number of its own
    ("1030 FLOPs", [1030.0]),                 # PDF-flattened, but as written it is 1030
    ("(10^14)^2", [1e14]),
    ("C = 100 × (10^14)^2 = 10^30", [100.0, 1e14, 1e30]),
    ("GPT-3 runs on an H200", []),            # names, not quantities
    ("the 2nd try in 3D", []),
    ("x^2 + y_{10} + c₀²", []),               # exponents and subscripts of symbols
    ("e^{-6} and d_model ** -0.5 and d_model^(-0.5)", []),
    ("10^x and 2^{n}", []),                   # a power whose exponent is not a number
    ("version 1.2.3", []),
    ("1. First step\n2) second step", []),    # list markers
    ("1,2345", [1.0, 2345.0]),                # not a thousands separator
    ("10-20 layers", [10.0, 20.0]),           # a range, not minus 20
    ("186x larger", [186.0]),
    ("9" * 100, []),                          # a digit flood is not a quantity
    ("1e99999", []),                          # overflows: not a finite quantity
])
def test_extract_quantities_reads_whole_tokens_only(text: str, values: list[float]) -> None:
    assert [q.value for q in extract_quantities(text)] == pytest.approx(values)


@pytest.mark.parametrize(("text", "number_text"), [
    (r"C = 1.7 \times 10^{15} tokens.", r"1.7 \times 10^{15} tokens"),
    ("Cost: $10,000 per year!", "$10,000 per year"),
    (r"So $C = 10^{30}$.", "10^{30}"),
    ("ẞ ünïcødé → 73ms ←", "73ms"),
    ("10⁻⁶ is small", "10⁻⁶"),
])
def test_extract_quantities_spans_point_into_the_original_text(text: str, number_text: str) -> None:
    quantity = _only(text)
    start, end = quantity.span
    assert text[start:end] == quantity.text == number_text


@pytest.mark.parametrize(("text", "rendered"), [
    (r"It needs $10^{30}$ FLOPs and costs $210 billion, while $2$ TB cost $5 - $10.",
     ["1e30 FLOPs", "$2.1e11", "2 TB", "$5", "$10"]),
    (r"The term becomes $0.5 \cdot \log\left(\frac{0.5}{0}\right)$. Since", ["0.5", "0.5", "0"]),
    (r"Let $r = \frac{c_0^2}{D}$, so $1 - r = \frac{c_1^2}{D}$.", ["1"]),
    (r"$$C = 100 \times (10^{14})^2 = 10^{30}$$", ["100", "1e14", "1e30"]),
    ("SSD: $10,000 and DRAM: $800,000 per year", ["$10000", "$800000/year"]),
    ("$10 + $20 = $30", ["$10", "$20", "$30"]),
    (r"$\$10{,}000$ in LaTeX", ["$10000"]),
])
def test_extract_quantities_distinguishes_a_math_dollar_from_money(text: str, rendered: list[str]) -> None:
    assert [q.render() for q in extract_quantities(text)] == rendered


def test_quantity_renders_value_and_unit_briefly() -> None:
    assert [q.render() for q in extract_quantities("1.7 × 10^15 tokens, $10k, 73 ms, 20%, 4.8 TB/s")] == [
        "1.7e15 tokens", "$10000", "73 ms", "20%", "4.8 TB/s",
    ]


# ---------------------------------------------------------------------------
# number(): notations accepted end to end
# ---------------------------------------------------------------------------

ACCEPTED = [
    # (target, answer)
    (1e30, "C = 1e30"),
    (1e30, "C = 1E+30"),
    (1e30, "C = 10^30"),
    (1e30, r"$C = 10^{30}$"),
    (1e30, "C = 10**30"),
    (1e30, "C = 10³⁰"),
    (1e30, "C = 100 × 10^28 = 10^30 FLOPs"),
    (1.7e15, "D = 1.7 × 10^15"),
    (1.7e15, "D = 1.7×10¹⁵"),
    (1.7e15, r"$D = 1.7 \times 10^{15}$"),
    (1.7e15, r"\(D = 1.7 \cdot 10^{15}\)"),
    (1.7e15, "1.7 quadrillion tokens"),
    (1.7e6, "1,700,000"),
    (1.7e6, "1 700 000"),
    (1e4, "$10,000"),
    (1e4, "$10k"),
    (1e4, "$10K"),
    (1.2e6, "$1.2M"),
    (2.1e11, "$210 B"),
    (2.1e11, "$210 billion"),
    (5.95e9, "5.95 billion essays"),
    (3.2e7, "32 million books"),
    (41.7, "41.7 s"),
    (73, "73 ms"),
    (20, "20%"),
    (0.2, "20%"),                         # a unit-less target also reads a percentage as a fraction
    (7.142857e14, "≈ 7.14 × 10^14 words"),
    (1.44, "~1.44 tokens/min"),
    (1e-6, "β = 10^-6"),
    (1e-6, "β = 10^{-6}"),
    (1e-6, "β = 10⁻⁶"),
    (1e-6, "β = 10−6"),
    (1e-3, r"(a) $\beta = 10^{-3}$ (moderate regularization)"),
    (25, "25 apples"),
    (5, "5 apples"),
]


@pytest.mark.parametrize(("target", "answer"), ACCEPTED, ids=[a for _t, a in ACCEPTED])
def test_number_accepts_every_notation(target: float, answer: str) -> None:
    verdict = number(target)(answer)
    assert verdict.passed, verdict.summary()
    assert verdict.score == 1.0


REJECTED = [
    # (target, answer, why) - most of these a naive substring or float-in-text check would pass
    (5, "25 apples", "5 is a substring of 25"),
    (25, "2.5 or 0.25 or 250", "the digits are there, the number is not"),
    (5, "It takes 15 minutes and 0.5 s", "substrings"),
    (30, "C = 10^30", "the exponent is not a number"),
    (10, "C = 10^30", "the base is not a number"),
    (1e30, "C = 1030 FLOPs", "1030 is not 10^30"),
    (1e29, r"C = $10^{30}$", "off by 10x"),
    (1e29, "C = 10^{30}", "off by 10x"),
    (1e28, "C = 100 × 10^28 = 10^30", "an intermediate factor times a power is one number"),
    (700000, "1,700,000", "a thousands group is not a number"),
    (700, "1 700 000", "a space-grouped thousands group is not a number"),
    (1.7e14, "D = 1.7 × 10^15 tokens", "wrong exponent"),
    (1e-6, "β = 10^-3", "wrong exponent"),
    (1e-6, "β = 10^6", "sign of the exponent"),
    (1e-6, "β = 10-6", "an ASCII hyphen is a range or a subtraction, not a flattened exponent"),
    (3, "GPT-3 is large", "part of a name"),
    (200, "an H200 GPU", "part of a name"),
    (2, "x^2", "an exponent of a symbol"),
    (1e30, "no numbers here at all", "nothing stated"),
]


@pytest.mark.parametrize(("target", "answer", "why"), REJECTED, ids=[f"{t}-{a}" for t, a, _w in REJECTED])
def test_number_rejects_numbers_that_only_look_alike(target: float, answer: str, why: str) -> None:
    verdict = number(target)(answer)
    assert not verdict.passed, f"{why}: {verdict.summary()}"
    assert verdict.score == 0.0


# ---------------------------------------------------------------------------
# Units: conversion with pint, mismatches never match
# ---------------------------------------------------------------------------

UNIT_CASES = [
    # (target, answer, passes)
    ("2 TB", "1 Trillion Params: 10^12 × 2 bytes = 2 TB.", True),
    ("2 TB", "Num GPUs = 2000 GB / 100 GB = 20 GPUs", True),
    ("2 TB", "about 2e12 bytes", True),
    ("2 TB", "2 terabytes", True),
    ("2 TB", "2,000,000 MB", True),
    ("2 TB", "It needs 2 GB.", False),
    ("2 TB", "It needs 2 TiB.", False),                  # binary prefix: 10% larger
    ("2 TB", "It takes 2 s.", False),                    # wrong dimension
    ("2 TB", "20 GPUs of which 2 are spare", False),     # a size needs its unit
    ("73 ms", "Latency = 0.35/4.8 ≈ 0.073 seconds", True),
    ("73 ms", "73ms", True),
    ("73 ms", "73 milliseconds", True),
    ("73 ms", "73 s", False),
    ("73 ms", "73 MB", False),
    ("41.7 s", "Latency = 200/4.8 ≈ 41.7 seconds", True),
    ("41.7 s", "41.7 s per token", True),                # the rate's numerator states the time
    ("41.7 s", "about 0.695 minutes", True),
    ("41.7 s", "41.7 ms", False),
    ("41.7 s", "41.7 GB", False),
    ("41.7 s", "Latency = 41.7", False),                 # a time needs its unit
    ("1e30 FLOPs", "C = 10^30 FLOPs", True),
    ("1e30 FLOPs", "C = 10^30", True),                   # a bare count may state FLOPs
    ("1e30 FLOPs", "1 PF-day = 8.64 × 10^19 FLOPs", False),
    ("8.64e19 FLOPs", "1 PF-day", False),                # that conversion is what homework asks for
    ("1e30 FLOPs", "≈ 1.16 × 10^10 PF-days", False),
    ("1.16e10 PF-days", "PF-Days = 10^30/8.64 × 10^19 ≈ 1.157 × 10^10", True),
    ("2e8 MB", "200 TB", True),
    ("1e30 FLOPs", "10^30 tokens", False),
    ("1e30 FLOPs", "10^30 bytes", False),
    ("$10,000", "SSD: 2 × 10^8 × $0.00005 = $10,000", True),
    ("$10,000", "$10k per year", True),
    ("$10,000", "USD 10,000", True),
    ("$10,000", "10,000 dollars", True),
    ("$10,000", r"\$10{,}000", True),
    ("$10,000", "10,000", False),                        # a price needs its currency
    ("$10,000", "10,000 GB", False),
    ("$10,000", "$10,000,000", False),
    ("$10,000", "$1,000", False),
    ("$210 billion", "Cost ≈ 11.6 billion × $18.18 ≈ $210 Billion.", True),
    ("$210 billion", "$2.1 × 10^11", True),
    ("$210 billion", "$0.21 trillion", True),
    ("$210 billion", "$210 M", False),
    ("$210 billion", "$210", False),
    ("1.44 tokens/min", "Throughput = 60/41.7 ≈ 1.44 tokens/min", True),
    ("1.44 tokens/min", "1.44 tokens per minute", True),
    ("1.44 tokens/min", "86.4 tokens/hour", True),
    ("1.44 tokens/min", "0.024 tokens/s", True),
    ("1.44 tokens/min", "1.44 tokens/s", False),
    ("1.44 tokens/min", "1.44 tokens", False),
    ("1.7e15 tokens", "D = 1.7 × 10^15 tokens", True),
    ("1.7e15 tokens", "D = 1.7 × 10^15", True),          # a bare count may state tokens
    ("1.7e15 tokens", "1.7 quadrillion tokens", True),
    ("1.7e15 tokens", "D = 1.7 × 10^14 tokens", False),
    ("1.7e15 tokens", "D = 1.7 × 10^15 FLOPs", False),
    ("5.95e9 books", "≈ 5.95 × 10^9 books", True),
    ("5.95e9 books", "≈ 5.95 Billion essays", False),    # same number, different count
    ("20%", "20 %", True),
    ("20%", "20 percent", True),
    ("20%", "a fraction of 0.2", True),
    ("20%", "20 apples", False),
    ("20%", "2%", False),
    ("20%", "0.2 FLOPs", False),                         # both dimensionless to pint, still different
    ("1e30 FLOPs", "10^32 %", False),
]


@pytest.mark.parametrize(("target", "answer", "passes"), UNIT_CASES, ids=[f"{t}-{a}" for t, a, _p in UNIT_CASES])
def test_number_converts_units_and_rejects_a_unit_mismatch(target: str, answer: str, passes: bool) -> None:
    verdict = number(target)(answer)
    assert verdict.passed is passes, verdict.summary()


def test_number_unit_setting_gives_a_plain_target_its_unit() -> None:
    matcher = number(2000, unit="GB")
    assert matcher("2 TB").passed
    assert not matcher("2000 ms").passed
    assert number(1e30, unit="FLOPs")("10^30 FLOPs").passed
    assert not number(1e30, unit="FLOPs")("10^30 tokens").passed
    assert number(10000, unit="$")("$10k").passed


def test_number_bound_to_its_unit_checks_a_unit_conversion() -> None:
    # "200 TB" converts to 2e8 MB; binding to "MB" asks for the conversion itself.
    matcher = number("2e8 MB", bound_to="MB")
    assert matcher("Model size: 200 TB = 2 × 10^8 MB.").passed
    assert not matcher("Model size: 200 TB = 2 × 10^11 MB.").passed
    assert not matcher("Model size: 200 TB.").passed


def test_number_without_a_unit_matches_any_unit() -> None:
    assert number(2000)("2000 GB").passed
    assert number(73)("73 ms").passed
    assert not number(2000)("2 TB").passed          # the value as written is 2


def test_pint_registry_is_built_once_per_process() -> None:
    assert _registry() is _registry()
    assert _registry().Quantity(2, "terabyte").to("gigabyte").magnitude == pytest.approx(2000)


def test_importing_the_module_does_not_import_pint() -> None:
    code = "import sys, pytest_hwcheck.matchers.numbers as n; print('pint' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# ---------------------------------------------------------------------------
# Tolerance
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(("matcher", "answer", "passes"), [
    (number(7.142857e14), "7.14 × 10^14", True),           # default rel=0.02 covers rounding
    (number(100), "101.9", True),
    (number(100), "102.1", False),
    (number(41.7, rel=0.001), "41.6", False),
    (number(41.7, rel=0.001), "41.7", True),
    (number(100, abs=5), "104", True),                      # abs alone: no relative tolerance
    (number(100, abs=5), "106", False),
    (number(100, rel=0.1, abs=1), "109", True),              # the larger tolerance wins
    (number(0, abs=0.01), "0.005", True),
    (number("41.7 s", abs=1), "42.5 s", True),               # abs in the target's unit
    (number("41.7 s", abs=1), "43 s", False),
    (number("73 ms", abs=1), "0.0735 s", True),
], ids=lambda value: value if isinstance(value, str) else None)
def test_number_tolerance_follows_pytest_approx(matcher: Matcher, answer: str, passes: bool) -> None:
    assert matcher(answer).passed is passes


# ---------------------------------------------------------------------------
# bound_to and near
# ---------------------------------------------------------------------------

COMPUTE = number(1e30, bound_to=("compute", "FLOPs", "C ="))

BOUND_CASES = [
    # (answer, passes)
    ("Compute (C): 10^{30} FLOPs.", True),
    ("The compute needed is 1e30.", True),
    ("C = 100 × (10^14)^2 = 100 × 10^28 = 10^30", True),
    ("C=10^30", True),
    ("For compute, we get 10^30.", True),                   # other clause, no number in between
    ("- Compute (C):\n  $$ 10^{30} $$", True),               # the line ending in ':' continues
    ("| Compute | 10^30 |", True),                           # a table row
    ("We need 10^30 floating-point operations of compute.", True),
    ("The compute is 1e29, the dataset is 1e30.", False),   # 1e30 belongs to the dataset
    ("The compute is 10^29 and D is 10^30.", False),
    ("Compute: 10^29.\nThe dataset has 10^30 tokens.", False),
    ("Total: 10^30.", False),                                # no keyword at all
    ("Compute matters. " + "Filler words go on and on here. " * 4 + "The value 10^30 appears later.", False),
    ("c = 10^30", False),                                    # "C =" keeps its case
    ("10^30, for compute.", True),                           # the keyword may follow
    ("Compute (C): 100 × 10^28 = 10^30", True),
    ("Compute (C): 10^29 FLOPs, dataset (D): 10^30 tokens", False),
    ("Compute: we need a lot of it; the dataset D = 10^30", False),   # a clause in between
    ("We need 10^29 FLOPs, and 10^30 for the dataset.", False),     # FLOPs is 10^29's unit
    ("The compute is large, but the dataset is 10^30 tokens.", False),  # that clause has its own subject
    ("The compute, as derived from the scaling laws above, is 10^30.", True),
]


@pytest.mark.parametrize(("answer", "passes"), BOUND_CASES, ids=[a[:50] for a, _p in BOUND_CASES])
def test_number_bound_to_ties_the_number_to_its_quantity(answer: str, passes: bool) -> None:
    verdict = COMPUTE(answer)
    assert verdict.passed is passes, verdict.summary()


def test_number_bound_to_explains_an_unbound_match() -> None:
    verdict = number(1e30, bound_to="compute")("The compute is 1e29, the dataset is 1e30.")
    assert not verdict.passed
    assert "1e30" in verdict.explanation and "compute" in verdict.explanation
    assert "not stated as compute" in verdict.explanation


def test_number_bound_to_respects_within_chars() -> None:
    answer = "The compute, as derived from the Chinchilla scaling laws above with the model size we chose, is 1e30."
    assert number(1e30, bound_to="compute", within_chars=100)(answer).passed
    assert not number(1e30, bound_to="compute", within_chars=20)(answer).passed


def test_number_near_asks_only_for_a_keyword_close_by() -> None:
    answer = "Dataset size.\n1.7 × 10^15 tokens"
    assert number(1.7e15, near="dataset")(answer).passed
    assert not number(1.7e15, bound_to="dataset")("Dataset size.\nIt is big.\n1.7 × 10^15 tokens").passed
    assert not number(1.7e15, near="dataset", within_chars=5)(answer).passed


def test_number_picks_the_bound_occurrence_among_several() -> None:
    answer = "The dataset has 1e30 tokens. Later: the compute is 1e30 FLOPs."
    verdict = number(1e30, bound_to="compute")(answer)
    assert verdict.passed
    assert "compute is 1e30" in verdict.evidence


# ---------------------------------------------------------------------------
# Negation and contrast
# ---------------------------------------------------------------------------

FLOPS = number(1e30, unit="FLOPs")

NEGATION_CASES = [
    ("C = 10^30 FLOPs.", True),
    ("C = 10^30 FLOPs, not 10^28.", True),
    ("It is not 10^28 but 10^30 FLOPs.", True),
    ("We use 10^30 FLOPs instead of 10^29.", True),
    ("It is not hard: C = 10^30 FLOPs.", True),
    ("The compute is not 10^30 FLOPs.", False),
    ("C isn't 10^30 FLOPs.", False),
    ("C = 10^29 FLOPs, not 10^30.", False),
    ("We use 10^29 FLOPs instead of 10^30 FLOPs.", False),
    ("We use 10^29 FLOPs rather than 10^30.", False),
    ("C ≠ 10^30", False),
    ("10^30 FLOPs is wrong; the answer is 10^29 FLOPs.", False),
    ("Some students get 10^30 FLOPs, which is incorrect.", False),
    ("Wrong answer: 10^30 FLOPs", False),
    ("C = 10^30 FLOPs (not 10^28).", True),
    ("C = 10^30 FLOPs (wrong)", False),
    ("C = 10^30 FLOPs ✗", False),
    ("Note that we do not need D here: C = 10^30 FLOPs.", True),
]


@pytest.mark.parametrize(("answer", "passes"), NEGATION_CASES, ids=[a for a, _p in NEGATION_CASES])
def test_number_does_not_count_a_negated_or_contrasted_number(answer: str, passes: bool) -> None:
    verdict = FLOPS(answer)
    assert verdict.passed is passes, verdict.summary()


def test_number_negated_explanation_names_the_cue() -> None:
    verdict = FLOPS("The compute is not 10^30 FLOPs.")
    assert "negated" in verdict.explanation and "'not'" in verdict.explanation


# ---------------------------------------------------------------------------
# Verdicts: evidence, expected, found, explanation
# ---------------------------------------------------------------------------

def test_number_passing_verdict_shows_the_span_with_the_number() -> None:
    answer = "Answer:\n\n- Compute (C): 10^30 FLOPs.\n- Dataset (D): 1.7 × 10^15 tokens (1.7 quadrillion)."
    verdict = number("1.7e15 tokens", bound_to="dataset")(answer)
    assert verdict.passed
    assert "1.7 × 10^15 tokens" in verdict.evidence
    assert "Compute" not in verdict.evidence
    assert verdict.found == "1.7e15 tokens"
    assert verdict.expected == "1.7e15 tokens ± 2%"
    assert verdict.details["number_text"] == "1.7 × 10^15 tokens"
    start, end = verdict.details["span"]
    assert answer[start:end] == "1.7 × 10^15 tokens"


def test_number_failing_verdict_lists_the_nearest_numbers_found() -> None:
    verdict = FLOPS("C = 100 × (10^14)^2 = 10^29 FLOPs. Training takes 10^28 FLOPs per epoch. N = 1e14.")
    assert not verdict.passed
    assert verdict.explanation.startswith("expected 1e30 FLOPs ± 2%; found 1e29 FLOPs in '")
    assert "1e28 FLOPs" in verdict.explanation
    assert verdict.found == "1e29 FLOPs"
    assert "10^29" in verdict.evidence


def test_number_failing_verdict_says_when_no_unit_is_compatible() -> None:
    verdict = number("41.7 s")("It needs 41.7 GB.")
    assert not verdict.passed
    assert "no number in the answer has a unit compatible with s" in verdict.explanation
    assert verdict.found == "41.7 GB"


def test_number_failing_verdict_says_when_there_are_no_numbers() -> None:
    verdict = FLOPS("I do not know.")
    assert not verdict.passed
    assert verdict.explanation == "expected 1e30 FLOPs ± 2%; found no numbers in the answer"
    assert verdict.found == "no numbers"


def test_number_repr_is_the_factory_call() -> None:
    assert repr(number(1e30, unit="FLOPs")) == "number(target=1e+30, unit='FLOPs')"
    assert repr(number("2 TB", rel=0.05)) == "number(target='2 TB', rel=0.05)"
    assert repr(COMPUTE) == "number(target=1e+30, bound_to=('compute', 'FLOPs', 'C ='), within_chars=80)"


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"target": "C = 10^30"}, ValueError),           # not one number with a unit
    ({"target": "10^30 and 10^29"}, ValueError),
    ({"target": "lots"}, ValueError),
    ({"target": float("nan")}, ValueError),
    ({"target": True}, TypeError),
    ({"target": [1e30]}, TypeError),
    ({"target": 1.0, "unit": "parsecs of vibes"}, ValueError),
    ({"target": "2 TB", "unit": "s"}, ValueError),    # the two units disagree
    ({"target": 1.0, "rel": -0.1}, ValueError),
    ({"target": 1.0, "bound_to": ""}, ValueError),
    ({"target": 1.0, "near": []}, ValueError),
])
def test_number_rejects_a_bad_definition_when_the_case_is_built(kwargs: dict, error: type) -> None:
    with pytest.raises(error):
        number(**kwargs)


def test_number_returns_a_verdict_for_non_string_answers() -> None:
    assert isinstance(FLOPS(None), Verdict)  # type: ignore[arg-type]
    assert not FLOPS(None).passed  # type: ignore[arg-type]
    assert number(1e30)(1e30).passed  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# Real answers (gemini-pro, homework 11 question 5, superscripts restored)
# ---------------------------------------------------------------------------

Q5C = """## Solution

1. Calculate Compute Cost (C):

   N = 0.1C^0.5 ⟹ 10N = C^0.5 ⟹ C = 100N^2

   C = 100 × (10^14)^2 = 100 × 10^28 = 10^30 FLOPs

2. Calculate Dataset Size (D):

   D = 1.7C^0.5 = 1.7(10N) = 17N

   D = 17 × 10^14 = 1.7 × 10^15 tokens

Answer:

- Compute (C): 10^30 FLOPs.
- Dataset (D): 1.7 × 10^15 tokens (1.7 quadrillion).
"""

Q5G = """1. GPT-6 (100T Params): Size = 200 TB. Bandwidth = 4.8 TB/s.

   Latency = 200/4.8 ≈ 41.7 seconds

   Throughput = 60/41.7 ≈ 1.44 tokens/min

2. GPT-3 (175B Params): Size = 0.35 TB.

   Latency = 0.35/4.8 ≈ 0.073 seconds (73ms)

   Throughput ≈ 823 tokens/min

3. Batch Size for GPT-3: Activation size per token ≈ 23.6 MB. Model Size = 350,000 MB.

   B = 350,000/23.6 ≈ 14,830
"""

Q5H = """1. 1 PF-Day: 10^15 × 24 × 3600 = 8.64 × 10^19 FLOPs.
2. H200 Hours equivalent: 24/1.98 ≈ 12.12 hours.
3. Cost of 1 PF-Day: 12.12 × $1.50 ≈ $18.18.
4. GPT-3 Cost (3640 PF-Days): 3640 × $18.18 ≈ $66,182.
5. GPT-6 Cost (10^30 FLOPs): PF-Days = 10^30/8.64 × 10^19 ≈ 1.157 × 10^10. Cost ≈ 11.6 billion × $18.18 ≈ $210 Billion.
6. Comparison: More expensive than the Apollo Program ($178B).
"""


@pytest.mark.parametrize(("matcher", "answer", "passes"), [
    (number(1e30, unit="FLOPs", bound_to=("compute", "C =")), Q5C, True),
    (number("1.7e15 tokens", bound_to=("dataset", "D =")), Q5C, True),
    (number(1e28, unit="FLOPs", bound_to=("compute", "C =")), Q5C, False),   # the answer key's wrong twins
    (number(1e29, unit="FLOPs", bound_to=("compute", "C =")), Q5C, False),
    (number("1.7e14 tokens", bound_to=("dataset", "D =")), Q5C, False),
    (number("41.7 s", bound_to="latency"), Q5G, True),
    (number("1.44 tokens/min", bound_to="throughput"), Q5G, True),
    (number("73 ms", bound_to="latency"), Q5G, True),
    (number("823 tokens/min"), Q5G, True),
    (number(14800, rel=0.01, bound_to=("batch", "B =")), Q5G, True),
    (number("41.7 ms", bound_to="latency"), Q5G, False),
    (number("$18.18", bound_to="PF-Day"), Q5H, True),
    (number("$66,000", bound_to="GPT-3"), Q5H, True),
    (number("$210 B", bound_to="cost"), Q5H, True),
    (number("8.64e19 FLOPs"), Q5H, True),
    (number("$178 B", bound_to="cost"), Q5H, False),                          # Apollo's, stated as "expensive"
    (number("$210 B", bound_to="GPT-3"), Q5H, False),                         # GPT-6's cost, not GPT-3's
])
def test_number_grades_real_homework_answers(matcher: Matcher, answer: str, passes: bool) -> None:
    verdict = matcher(answer)
    assert verdict.passed is passes, verdict.summary()


def test_number_reads_a_flattened_pdf_exponent_as_written() -> None:
    # Seeds lost superscripts ("1030 FLOPs" is 10^30); cassettes restore them, the matcher never guesses.
    verdict = FLOPS("• Compute (C): 1030 FLOPs.")
    assert not verdict.passed
    assert "1030 FLOPs" in verdict.explanation
    assert math.isclose(extract_quantities("1030 FLOPs")[0].value, 1030)


# ---------------------------------------------------------------------------
# Regressions reported by case authors
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "rendered"), [
    ("is **20 GPUs**", ["20 GPUs"]),                         # bold after a word: emphasis
    ("about **186 times** larger", ["186"]),
    ("the answer is **2 GB**.", ["2 GB"]),
    ("we need **2**.", ["2"]),
    ("**Total** 20 GPUs", ["20 GPUs"]),                      # a closing ** before a number
    ("**10^30** FLOPs", ["1e30 FLOPs"]),
    ("x ** 2", []),                                          # code: still a power
    ("x**2", []),
    ("x **2 + y**3", []),                                    # no closing bold: a power
    ("d_model ** -0.5", []),
    ("10 ** 2", ["100"]),
])
def test_extract_quantities_reads_markdown_bold_as_emphasis_never_as_an_exponent(text: str,
                                                                                rendered: list[str]) -> None:
    assert [q.render() for q in extract_quantities(text)] == rendered


@pytest.mark.parametrize(("matcher", "answer"), [
    (number("2 GB"), "the answer is **2 GB**"),
    (number(20, unit="GPUs"), "So the 1T model is **20 GPUs**."),
    (number(186), "GPT-6 is about **186 times** larger"),
], ids=lambda value: value if isinstance(value, str) else None)
def test_number_accepts_a_bold_quantity_after_a_word(matcher: Matcher, answer: str) -> None:
    verdict = matcher(answer)
    assert verdict.passed, verdict.summary()


DRAM_10K = number("$10,000", bound_to="DRAM")

LATER_LABEL_CASES = [
    # (answer, passes): a keyword after the number that names a number of its own does not bind
    ("SSD ≈ $10,000/year; DRAM ≈ $800,000/year.", False),
    ("SSD ≈ $10,000/year DRAM ≈ $800,000/year.", False),
    ("SSD ≈ $10,000/year, DRAM costs $800,000/year.", False),
    ("SSD $10,000/year vs DRAM $800,000/year", False),
    ("| SSD | $10,000/year | DRAM | $800,000/year |", False),
    ("SSD costs $800,000 per year; DRAM costs $10,000 per year.", True),   # the swapped twin is DRAM's
    ("Keeping it in DRAM costs $10,000 per year.", True),
    ("$10,000 per year for DRAM", True),
    ("| DRAM | $10,000/year |", True),
]


@pytest.mark.parametrize(("answer", "passes"), LATER_LABEL_CASES, ids=[a for a, _p in LATER_LABEL_CASES])
def test_number_bound_to_ignores_a_later_keyword_that_labels_its_own_number(answer: str, passes: bool) -> None:
    verdict = DRAM_10K(answer)
    assert verdict.passed is passes, verdict.summary()


@pytest.mark.parametrize(("matcher", "answer", "passes"), [
    (number("12.1 hours"), "12.12 hours per PF-day", True),
    (number("12.1 hours"), "≈ 12.1 H200-hours per PF-day", True),          # device-hours are hours
    (number("0.28 hours", rel=0.05), "≈ 0.28 GPU hours", True),
    (number(8.64e19, unit="FLOPs"), "8.64 × 10^19 FLOPs per PF-day", True),
    (number("$18.18"), "$18.18 per PF-day", True),
    (number("$18.18"), r"$12.12 \times 1.5 \approx \$18.18$ per PF-day", True),
    (number("41.7 s"), "41.7 s per token", True),
    (number("$10,000"), "$10k per year", True),
    (number("$18.18"), "$1.50 per hour", False),
    (number("12.1 hours"), "12.1 PF-days per hour", False),                 # the numerator is PF-days
    (number(8.64e19, unit="FLOPs"), "8.64 × 10^19 PF-days", False),
    (number("12.1 hours/PF-day"), "12.1 hours", False),                      # a rate target needs the rate
], ids=lambda value: value if isinstance(value, str) else None)
def test_number_reads_a_rate_per_unit_as_also_stating_its_numerator(matcher: Matcher, answer: str,
                                                                     passes: bool) -> None:
    verdict = matcher(answer)
    assert verdict.passed is passes, verdict.summary()


@pytest.mark.parametrize(("text", "rendered"), [
    ("$10, 000", ["$10000"]),
    ("$800, 000/year", ["$800000/year"]),
    ("$1, 000, 000", ["$1e6"]),
    (r"\$10, 000", ["$10000"]),
    ("$10,000", ["$10000"]),
    ("10, 000 and 5", ["10", "0", "5"]),                     # not a dollar amount: never merged
    ("$5, 10, 20", ["$5", "10", "20"]),                      # not a thousands group
])
def test_extract_quantities_merges_a_pdf_flattened_thousands_group_only_in_a_dollar_amount(
        text: str, rendered: list[str]) -> None:
    assert [q.render() for q in extract_quantities(text)] == rendered


def test_number_reads_a_pdf_flattened_dollar_amount() -> None:
    assert number("$10,000")("SSD: 2 × 10^8 × $0.00005 = $10, 000").passed
    assert not number(10000)("10, 000 and 5").passed
