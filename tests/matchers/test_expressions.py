"""expression(): formulas in code, LaTeX, Unicode and prose, compared by symbolic equivalence.

Each table pairs answers that must pass with answers that must fail, including the wrong
twins from the answer key (/work/shared/answer-key.md) and answers a substring check
would wrongly pass.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from pytest_hwcheck.matchers.expressions import expression
from pytest_hwcheck.verdict import Verdict

D_MODEL = "d_model**-0.5"


def _pid(value: str) -> str:
    return value if len(value) <= 50 else value[:47] + "..."


# ---------------------------------------------------------------------------------------
# hw12.q1: the embedding init fix, std = 1/√d_model, in every notation
# ---------------------------------------------------------------------------------------
FIX_ACCEPTED = [
    # code
    "self.emb_word.weight.data.normal_(mean=0, std=d_model ** -0.5)",
    "```python\nself.emb_word.weight.data.normal_(mean=0, std=d_model**-0.5)\n```",
    "```python\nimport math\nstd = 1.0 / math.sqrt(d_model)\n```",
    "`std = 1/math.sqrt(d_model)`",
    "`std = 1 / np.sqrt(d_model)`",
    "`std = 1 / torch.sqrt(d_model)`",
    "`std = torch.rsqrt(d_model)`",
    "`std = math.pow(d_model, -0.5)`",
    "`std = (1.0 / d_model) ** 0.5`",
    "`std = 1 / self.d_model ** 0.5`",
    "`std = d_model ** -0.5 if tie_weights else 0.02`",
    "Use `std=d_model**-0.5` on line 9.",
    # LaTeX
    "Initializing with $\\text{std}=1/\\sqrt{d_{\\text{model}}}$ keeps logits small.",
    "$$\\sigma = \\frac{1}{\\sqrt{d_{\\text{model}}}}$$",
    "$\\sigma = d_{\\text{model}}^{-1/2}$",
    "$\\sigma = d_\\text{model}^{-\\frac{1}{2}}$",
    "Set \\(\\sigma = d_{model}^{-0.5}\\) on line 9.",
    "\\[ \\text{std} = \\frac{1}{\\sqrt{d\\_model}} \\]",
    "$\\sigma = \\left(\\frac{1}{d_{\\mathrm{model}}}\\right)^{1/2}$",
    "$\\sigma = \\sqrt{\\frac{1}{d_{\\rm model}}}$",
    # Unicode
    "std = 1/√d_model",
    "Scale by std = 1/√dmodel.",
    "std = d_model⁻¹ᐟ²",
    "std = d_model^(-1/2)",
    "σ = 1/√(d_model)",
    "std = 1 ÷ √d_model",
    # prose
    "std = 1/sqrt(d_model) is the fix",
    "Initialize the embedding with a\nstandard deviation of 1/√dmodel.",
    "The std should be 1/sqrt(d_model).",
    "Set `std` to `d_model ** -0.5`.",
    "**Fix:** std = 1/√d_model.",
    "- **std**: `d_model ** -0.5`",
    "| line | new init |\n|---|---|\n| 9 | std = d_model ** -0.5 |",
    # the wrong value named first, then the right one asserted
    "The bug is `std=1`. Fix it with `std = d_model ** -0.5`.",
    "Scale down, std = d_model**(-1/2), not d_model**(1/2).",
    "```diff\n- self.emb_word.weight.data.normal_(mean=0, std=1)\n+ self.emb_word.weight.data.normal_(mean=0, std=d_model ** -0.5)\n```",
    "```python\nstd = d_model ** -0.5  # fixed: was std=1\n```",
]

FIX_REJECTED = [
    # scaling up: the wrong twin
    "std = d_model ** 0.5",
    "`std = math.sqrt(d_model)`",
    "$\\sigma = \\sqrt{d_{\\text{model}}}$",
    "std = √d_model",
    "std = d_model^(1/2)",
    # near misses a substring check would pass: they contain "d_model" and "-0.5" or "sqrt"
    "std = d_model ** -0.5 * 2",
    "std = 1/d_model",
    "std = d_model ** -1.5",
    "std = 1/sqrt(2*d_model)",
    "`std = d_model ** -0.5 ** 2`",
    # assigned to something else (bound_to="std")
    "Keep `std=1`; instead change the learning rate: lr = d_model**-0.5",
    "`lr = 1/math.sqrt(d_model)`",
    "normal_(mean=d_model ** -0.5, std=1)",
    # negated or contrasted
    "Instead of std=1/sqrt(d_model), keep std=1.",
    "Don't use std = d_model**-0.5.",
    "The answer is not std = 1/√d_model.",
    "std = d_model ** -0.5 is wrong here; the bug is the learning rate.",
    "```python\nstd = d_model ** -0.5  # wrong: too small\n```",
    "```python\n# Before (buggy):\nstd = d_model ** -0.5\n```",
    "```diff\n- std = d_model ** -0.5\n+ std = 1\n```",
    # not a complete formula
    "std = 1/√(d_model",
    "$\\sigma = \\frac{1}{\\sqrt{d_{model}}} \\cdot \\unknownmacro{x}$",
    # nothing there
    "The learning rate is too high; lower it.",
    "",
]


@pytest.mark.parametrize("answer", FIX_ACCEPTED, ids=_pid)
def test_expression_accepts_the_hw12_q1_fix_in_every_notation(answer: str) -> None:
    verdict = expression(D_MODEL, bound_to="std")(answer)
    assert verdict.passed, verdict.summary()
    assert verdict.score == 1.0
    assert verdict.evidence and verdict.evidence in answer


@pytest.mark.parametrize("answer", FIX_REJECTED, ids=_pid)
def test_expression_rejects_wrong_unbound_negated_or_missing_fixes(answer: str) -> None:
    verdict = expression(D_MODEL, bound_to="std")(answer)
    assert not verdict.passed, verdict.summary()
    assert verdict.score == 0.0
    assert verdict.expected == "1/sqrt(d_model)"
    assert verdict.explanation


@pytest.mark.parametrize("answer", [
    "By scaling the weights by $\\frac{1}{\\sqrt{d_{model}}}$, we ensure unit variance.",
    "Multiply by 1/√d_model (the inverse square root).",
    "the logits have std ≈ √d_model, so we need 1/√d_model",
])
def test_expression_without_bound_to_accepts_the_formula_anywhere(answer: str) -> None:
    verdict = expression(D_MODEL)(answer)
    assert verdict.passed, verdict.summary()
    assert not expression(D_MODEL, bound_to="std")(answer).passed


@pytest.mark.parametrize("answer", [
    "σ = 1/√d",
    "$\\sigma = 1/\\sqrt{d}$",
    "std = D ** -0.5",
])
def test_expression_accepts_answer_spellings_given_as_aliases(answer: str) -> None:
    matcher = expression(D_MODEL, aliases={"d_model": ["d", "d_{model}", "dmodel", "d_\\text{model}", "D"]})
    assert matcher(answer).passed


def test_expression_without_an_alias_does_not_read_d_as_d_model() -> None:
    assert not expression(D_MODEL)("σ = 1/√d").passed


def test_expression_wrong_twin_guard_passes_an_answer_that_only_mentions_the_large_logit_std() -> None:
    # Grok's answer says the logits have std ≈ √d_model (true, and not its fix).
    answer = ("With $\\text{std}=1$, logits have $\\text{std} \\approx \\sqrt{d_{\\text{model}}}$ (very large). "
              "Initializing with $\\text{std}=1/\\sqrt{d_{\\text{model}}}$ keeps logit variance around 1.")
    assert expression(D_MODEL, bound_to="std")(answer).passed
    assert not expression("d_model**0.5", bound_to="std")(answer).passed


# ---------------------------------------------------------------------------------------
# hw12.q3a: Z = μ + σ·V; twins σ² and standardising
# ---------------------------------------------------------------------------------------
Z_ACCEPTED = [
    "Z = µ + σ ⊙V",  # micro sign, as PDF extraction leaves it
    "Z = μ + σ·V",
    "Z = μ + σ × V",
    "Z = mu + sigma * V",
    "$$Z = \\mu + \\sigma \\cdot V$$",
    "$$Z = \\mu + \\sigma * V$$",
    "$Z = \\mu + \\sigma V$",
    "$Z = V\\sigma + \\mu$",
    "$z = \\mu(x) + \\sigma(x) \\cdot V$",
    "$Z = \\mu_{\\theta_e} + \\sigma_{\\theta_e} \\cdot V$",
    "$$\\mathbf{Z} = \\boldsymbol{\\mu} + \\boldsymbol{\\sigma} \\odot \\mathbf{V}$$",
    "$$\\begin{aligned} Z &= \\mu + \\sigma V \\end{aligned}$$",
    "`z = mu + sigma * V`",
]
Z_REJECTED = [
    "Z = μ + σ²V",
    "$Z = \\mu + \\sigma^2 V$",
    "Z = (V−μ)/σ",
    "$Z = \\frac{V - \\mu}{\\sigma}$",
    "Z = σ + μ·V",  # roles swapped
    "Z = μ·σ + V",
    "Z ~ N(μ, σ²)",  # the distribution, not the reparameterisation
    "Z = μ + σ·V is not how it works",
]


@pytest.mark.parametrize("answer", Z_ACCEPTED, ids=_pid)
def test_expression_accepts_the_hw12_q3a_reparameterization(answer: str) -> None:
    assert expression("mu + sigma*V")(answer).passed


@pytest.mark.parametrize("answer", Z_REJECTED, ids=_pid)
def test_expression_rejects_the_hw12_q3a_wrong_twins(answer: str) -> None:
    assert not expression("mu + sigma*V")(answer).passed


def test_expression_reports_the_variance_twin_as_found() -> None:
    verdict = expression("mu + sigma*V")("So Z = μ + σ²V.")
    assert verdict.found == "V*sigma**2 + mu"
    assert "not equivalent to V*sigma + mu" in verdict.explanation
    assert verdict.evidence == "Z = μ + σ²V"


# ---------------------------------------------------------------------------------------
# hw11.q2c: W_QK = W_Qᵀ W_K (order and transposes matter)
# ---------------------------------------------------------------------------------------
WQK_ACCEPTED = [
    "$W_{QK} = W_Q^T W_K$",
    "$W_{QK} = W_Q^{\\top} W_K$",
    "$W_{QK} = W_{Q}^{T}W_{K}$",
    "$W_{QK} = (W_K^T W_Q)^T$",
    "W_QK = W_Qᵀ W_K",
    "`W_QK = W_Q.T @ W_K`",
    "$S_{ij} = X_i^T W_{QK} X_j$ where $W_{QK} = W_Q^T W_K$",
]
WQK_REJECTED = [
    "$W_{QK} = W_Q W_K^T$",
    "W_QK = W_K W_Qᵀ",  # commutative reading would accept this
    "`W_QK = W_K.T @ W_Q`",
    "$W_{QK} = W_Q^T W_K^T$",
    "$S_{ij} = X_i^T W_Q^T W_K X_j$",  # not assigned to W_QK
]


@pytest.mark.parametrize("answer", WQK_ACCEPTED, ids=_pid)
def test_expression_accepts_the_hw11_q2c_virtual_weight_matrix(answer: str) -> None:
    assert expression("W_Q^T*W_K", bound_to="W_QK")(answer).passed


@pytest.mark.parametrize("answer", WQK_REJECTED, ids=_pid)
def test_expression_rejects_transposed_or_reordered_matrix_products(answer: str) -> None:
    assert not expression("W_Q^T*W_K", bound_to="W_QK")(answer).passed


def test_expression_explains_a_transpose_on_the_wrong_factor() -> None:
    verdict = expression("W_Q^T*W_K")("$W_{QK} = W_Q W_K^T$")
    assert verdict.found == "W_Q*W_K^T"
    assert verdict.expected == "W_Q^T*W_K"


@pytest.mark.parametrize("answer, passed", [
    ("$L = W_U W_E T$", True),
    ("$L = W_E W_U T$", False),
])
def test_expression_noncommutative_flag_makes_order_matter_without_transposes(answer: str, passed: bool) -> None:
    assert expression("W_U*W_E*T", noncommutative=True)(answer).passed is passed


def test_expression_commutative_by_default_when_the_target_has_no_transpose() -> None:
    assert expression("W_U*W_E*T")("$L = W_E W_U T$").passed


# ---------------------------------------------------------------------------------------
# hw11.q1d: LoRA memory 4k(m + l); twins 4mkl and 4(m + l)
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("answer, passed", [
    ("• Memory required: 4k(m + l) bytes (or 4(mk + kl) bytes).", True),
    ("Total bytes = 4(mk + kl).", True),
    ("Total = $4k(m+l)$ bytes", True),
    ("Total = `4*k*(m+l)` bytes", True),
    ("Total = 4 × k × (m + l)", True),
    ("$4 \\cdot k \\cdot (m + l)$ bytes", True),
    ("Memory: 4mkl bytes", False),
    ("Memory: $4mkl$ bytes", False),
    ("Total = 4(m + l) bytes", False),
    ("A full-rank update needs 4ml bytes.", False),
])
def test_expression_grades_the_hw11_q1d_lora_memory(answer: str, passed: bool) -> None:
    assert expression("4*k*(m + l)")(answer).passed is passed


# ---------------------------------------------------------------------------------------
# hw12.q5a: β̂ = c/‖c‖²; twin c/‖c‖
# ---------------------------------------------------------------------------------------
NORM = {"‖c‖": "sqrt(c_0**2 + c_1**2)"}


@pytest.mark.parametrize("answer, passed", [
    ("$$\\hat{\\beta} = \\frac{\\mathbf{c}}{\\|\\mathbf{c}\\|^2} = \\frac{1}{c_0^2 + c_1^2} "
     "\\begin{pmatrix} c_0 \\\\ c_1 \\end{pmatrix}$$", True),
    ("β̂ = c/‖c‖²", True),
    ("β̂ = c/||c||^2", True),
    ("$\\hat\\beta = c / \\lVert c \\rVert_2^2$", True),
    ("$\\hat{\\beta} = \\frac{c}{c_0^2 + c_1^2}$", True),
    ("β̂ = c/(c₀² + c₁²)", True),
    ("β̂ = c/‖c‖", False),
    ("$\\hat\\beta = \\frac{c}{\\|c\\|}$", False),
    ("β̂ = c", False),
])
def test_expression_grades_the_hw12_q5a_minimum_norm_solution(answer: str, passed: bool) -> None:
    assert expression("c/(c_0**2 + c_1**2)", variables=NORM)(answer).passed is passed


@pytest.mark.parametrize("answer, passed", [("β̂ = c/‖c‖²", True), ("β̂ = c/‖c‖", False), ("β̂ = 1/c", False)])
def test_expression_target_may_name_a_norm_directly(answer: str, passed: bool) -> None:
    assert expression("c/norm(c)**2")(answer).passed is passed


@pytest.mark.parametrize("bound", ["beta_hat", "β̂", "\\hat{\\beta}"])
def test_expression_binds_to_a_hatted_name_in_any_spelling(bound: str) -> None:
    matcher = expression("c/(c_0**2 + c_1**2)", bound_to=bound)
    assert matcher("$\\hat{\\beta} = \\frac{c}{c_0^2 + c_1^2}$").passed
    assert not matcher("$r = \\frac{c}{c_0^2 + c_1^2}$").passed


def test_expression_shows_the_answers_own_notation_as_found() -> None:
    verdict = expression("c/(c_0**2 + c_1**2)", variables=NORM)("β̂ = c/‖c‖")
    assert verdict.found == "c/‖c‖"


# ---------------------------------------------------------------------------------------
# hw11.q5b: N_opt exponents; twin swaps α and β on C/C₀
# ---------------------------------------------------------------------------------------
N_OPT = "(alpha*A/(beta*B))**(1/(alpha + beta)) * (C/C_0)**(beta/(alpha + beta))"


@pytest.mark.parametrize("answer, passed", [
    ("$$N_{\\text{opt}} = \\left(\\frac{\\alpha A}{\\beta B}\\right)^{\\frac{1}{\\alpha+\\beta}} "
     "\\left(\\frac{C}{C_0}\\right)^{\\frac{\\beta}{\\alpha+\\beta}}$$", True),
    ("N_opt = (αA/(βB))^(1/(α+β)) · (C/C₀)^(β/(α+β))", True),
    ("$$N_{opt} = \\left(\\frac{\\alpha A}{\\beta B}\\right)^{\\frac{1}{\\alpha+\\beta}} "
     "\\left(\\frac{C}{C_0}\\right)^{\\frac{\\alpha}{\\alpha+\\beta}}$$", False),
    ("D_opt = (C/C₀)^(β/(α+β))", False),
])
def test_expression_grades_the_hw11_q5b_compute_optimal_size(answer: str, passed: bool) -> None:
    assert expression(N_OPT, bound_to="N_opt")(answer).passed is passed


# ---------------------------------------------------------------------------------------
# Notation odds and ends
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("target, answer", [
    ("exp(-x**2)", "$e^{-x^2}$"),
    ("2*pi", "$2\\pi$"),
    ("x**(1/3)", "$\\sqrt[3]{x}$"),
    ("log(n_words)", "the initial loss is ≈ ln(n_words)"),
    ("theta_e", "$\\theta_e$"),
    ("1/2", "½"),
    ("c_0*c_1", "c₀c₁"),
    ("x**2", "`x**2`"),
    ("x**2", "x²"),
    ("-4*c_0*c_1**4/(c_0**2 + c_1**2)**3", "$$\\frac{\\partial L}{\\partial c_0} = "
     "-\\frac{4c_0 c_1^4}{(c_0^2 + c_1^2)^3}$$"),
])
def test_expression_reads_assorted_notation(target: str, answer: str) -> None:
    assert expression(target)(answer).passed


def test_expression_accepts_equivalent_forms_that_only_simplify_shows() -> None:
    assert expression("(a + b)**2")("`a**2 + 2*a*b + b**2`").passed
    assert expression("log(a*b)")("`log(a) + log(b)`").passed  # true for positive symbols


# ---------------------------------------------------------------------------------------
# The verdict
# ---------------------------------------------------------------------------------------
def test_expression_pass_verdict_names_found_expected_span_and_method() -> None:
    answer = "Line 9 should read `normal_(mean=0, std=d_model ** -0.5)`."
    verdict = expression(D_MODEL, bound_to="std")(answer)
    assert verdict.passed
    assert verdict.found == "1/sqrt(d_model)"
    assert verdict.expected == "1/sqrt(d_model)"
    assert verdict.evidence == "std=d_model ** -0.5"
    start, end = verdict.details["span"]
    assert answer[start:end] == "d_model ** -0.5"
    assert "assigned to std" in verdict.explanation
    assert "equivalent" in verdict.details["method"]


def test_expression_fail_verdict_says_what_was_found_instead() -> None:
    verdict = expression(D_MODEL, bound_to="std")("Set std = d_model ** 0.5 on line 9.")
    assert not verdict.passed
    assert verdict.found == "sqrt(d_model)"
    assert verdict.explanation.startswith("found sqrt(d_model) assigned to std, which is not equivalent to")
    assert verdict.evidence == "std = d_model ** 0.5"


def test_expression_fail_verdict_explains_an_unbound_match() -> None:
    verdict = expression(D_MODEL, bound_to="std")("Keep std=1 and use lr = d_model**-0.5.")
    assert "assigned to lr, not to std" in verdict.explanation


def test_expression_fail_verdict_explains_a_negated_match() -> None:
    verdict = expression(D_MODEL)("Rather than d_model**-0.5, use 1.")
    assert "negated or contrasted" in verdict.explanation
    assert verdict.evidence == "d_model**-0.5"


def test_expression_fail_verdict_explains_that_nothing_parseable_was_found() -> None:
    verdict = expression(D_MODEL)("The problem is the learning rate.")
    assert "nothing parseable was found" in verdict.explanation
    assert verdict.expected == "1/sqrt(d_model)"


def test_expression_fail_verdict_reports_a_formula_it_could_not_parse() -> None:
    verdict = expression(D_MODEL)("$\\sum_i \\frac{1}{\\sqrt{d}}$")
    assert not verdict.passed


# ---------------------------------------------------------------------------------------
# Construction
# ---------------------------------------------------------------------------------------
def test_expression_repr_is_the_factory_call() -> None:
    assert repr(expression(D_MODEL, bound_to="std")) == "expression(target='d_model**-0.5', bound_to='std')"
    assert "timeout=5.0" in repr(expression(D_MODEL, timeout=5.0))


@pytest.mark.parametrize("target", ["", "d_model **", "(a + b", "import os", "10**10**10**10"])
def test_expression_refuses_a_target_it_cannot_parse(target: str) -> None:
    with pytest.raises(ValueError):
        expression(target)


def test_expression_refuses_a_nonpositive_timeout() -> None:
    with pytest.raises(ValueError):
        expression(D_MODEL, timeout=0)


def test_expression_never_evaluates_answer_text_as_python() -> None:
    answer = "std = __import__('os').system('echo pwned') and d_model ** 0.5"
    verdict = expression(D_MODEL, bound_to="std")(answer)
    assert isinstance(verdict, Verdict) and not verdict.passed


def test_expression_module_imports_without_sympy() -> None:
    code = ("import sys, pytest_hwcheck.matchers.expressions as e; e.expression('d_model**-0.5', bound_to='std'); "
            "print('sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_expression_abandons_a_slow_simplification_and_decides_numerically(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from pytest_hwcheck.matchers import expressions

    def stuck(self, ast):  # stands in for a sympy call that never returns in time
        time.sleep(3)
        return True, None

    monkeypatch.setattr(expressions._Expression, "_symbolic", stuck)
    matcher = expression(D_MODEL, bound_to="std", timeout=0.3)
    verdict = matcher("std = 1/math.sqrt(d_model)")
    assert verdict.passed  # "timed out" below: it did not wait for the stuck call's answer
    assert "numerically equal" in verdict.details["method"]
    assert "timed out" in verdict.details["method"]
    assert not matcher("std = math.sqrt(d_model)").passed


def test_expression_compares_a_repeated_formula_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from pytest_hwcheck.matchers import expressions

    calls = []
    original = expressions._Expression._compare

    def counting(self, cand, deadline, symbolic):
        calls.append(cand.ast)
        return original(self, cand, deadline, symbolic)

    monkeypatch.setattr(expressions._Expression, "_compare", counting)
    assert not expression(D_MODEL, bound_to="std")("std = sqrt(-d_model)\n" * 200).passed
    assert len(calls) < 5


def test_expression_substitutes_variable_definitions_before_comparing() -> None:
    # Grok's hw12.q5b answer: β̂₀ = c₀/D with D = c₀² + c₁².
    matcher = expression("c_0/(c_0**2 + c_1**2)", variables={"D": "c_0**2 + c_1**2"}, bound_to="beta_hat_0")
    assert matcher("$\\hat{\\beta}_0 = \\frac{c_0}{D}$").passed
    assert not matcher("$\\hat{\\beta}_0 = \\frac{c_1}{D}$").passed


def test_expression_keeps_declared_variable_names_whole_in_latex() -> None:
    verdict = expression("log(V)", variables=["vocab"])("$L_0 = \\log(vocab)$")
    assert not verdict.passed
    assert verdict.found == "log(vocab)"


def test_expression_accepts_a_single_alias_string() -> None:
    assert expression("d_model**-0.5", aliases={"d_model": "D"})("std = 1/√D").passed


@pytest.mark.parametrize("bad_variables", [{"a + b": "c"}, {"x": "(("}])
def test_expression_refuses_malformed_variable_definitions(bad_variables: dict) -> None:
    with pytest.raises(ValueError):
        expression("x", variables=bad_variables)


# ---------------------------------------------------------------------------------------
# Regressions reported by case authors
# ---------------------------------------------------------------------------------------
N_OPT_RIGHT = "(αA/(βB))^(1/(α+β)) · (C/C₀)^(β/(α+β))"
N_OPT_LATEX = "(\\alpha A/(\\beta B))^{1/(\\alpha+\\beta)} (C/C_0)^{\\beta/(\\alpha+\\beta)}"

STARRED_LHS = [
    (f"$N^* = {N_OPT_LATEX}$", True),
    (f"$N^{{\\star}} = {N_OPT_LATEX}$", True),
    (f"$N_{{opt}}(C) = {N_OPT_LATEX}$", True),
    (f"N_opt(C) = {N_OPT_RIGHT}", True),
    (f"N* = {N_OPT_RIGHT}", True),
    (f"N_opt(C) = {N_OPT_RIGHT.replace('C₀', 'C0')}", True),      # C0 is C_0 by default
    (f"D_opt(C) = {N_OPT_RIGHT}", False),                          # another left-hand side
    (f"L(N) = {N_OPT_RIGHT}", False),
    (f"N* = {N_OPT_RIGHT.replace('(β/(α+β))', '(α/(α+β))')}", False),  # the swapped twin
]


@pytest.mark.parametrize("answer, passed", STARRED_LHS, ids=[_pid(a) for a, _p in STARRED_LHS])
def test_expression_bound_to_recognises_starred_and_argument_left_hand_sides(answer: str, passed: bool) -> None:
    verdict = expression(N_OPT, bound_to="N_opt")(answer)
    assert verdict.passed is passed, verdict.summary()


@pytest.mark.parametrize("answer, passed", [
    ("$\\hat\\beta^* = \\frac{c}{c_0^2+c_1^2}$", True),
    ("$\\hat{\\beta}^{*} = \\frac{c}{c_0^2+c_1^2}$", True),
    ("$\\hat\\beta^* = \\frac{c}{\\sqrt{c_0^2+c_1^2}}$", False),
    ("$r^* = \\frac{c}{c_0^2+c_1^2}$", False),
])
def test_expression_bound_to_a_name_accepts_its_starred_optimum(answer: str, passed: bool) -> None:
    assert expression("c/(c_0**2 + c_1**2)", bound_to="beta_hat")(answer).passed is passed


DERIVATIVE = "-4*c_0*c_1**4/(c_0**2 + c_1**2)**3"
DERIVATIVE_ANSWERS = [
    ("∂L/∂c₀ = -4c₀c₁⁴/(c₀²+c₁²)³", True),
    ("$$\\frac{\\partial L}{\\partial c_0} = -\\frac{4c_0 c_1^4}{(c_0^2 + c_1^2)^3}$$", True),
    ("$\\partial L/\\partial c_{0} = -\\frac{4c_0 c_1^4}{(c_0^2 + c_1^2)^3}$", True),
    ("dL/dc_0 = -4*c_0*c_1**4/(c_0**2 + c_1**2)**3", True),
    ("`dL/dc0 = -4*c0*c1**4/(c0**2 + c1**2)**3`", True),
    ("dL/dc_1 = -4*c_0*c_1**4/(c_0**2 + c_1**2)**3", False),      # the other partial derivative
    ("∂L/∂c₀ = -4c₀c₁⁴/(c₀²+c₁²)²", False),                        # wrong power
    ("L = -4c₀c₁⁴/(c₀²+c₁²)³", False),
]


@pytest.mark.parametrize("bound", ["dL/dc_0", "∂L/∂c_0", "∂L/∂c₀", "\\frac{\\partial L}{\\partial c_0}", ("dL/dc_0",)],
                         ids=str)
@pytest.mark.parametrize("answer, passed", DERIVATIVE_ANSWERS, ids=[_pid(a) for a, _p in DERIVATIVE_ANSWERS])
def test_expression_bound_to_names_a_derivative_in_any_notation(bound: str, answer: str, passed: bool) -> None:
    verdict = expression(DERIVATIVE, bound_to=bound)(answer)
    assert verdict.passed is passed, verdict.summary()


N_EXPONENT = "(C/C_0)**(beta/(alpha + beta))"


@pytest.mark.parametrize("relations, answer, passed", [
    (None, "N_opt ∝ (C/C₀)^(β/(α+β))", False),                    # ∝ does not bind by default
    (None, "N_opt ≈ (C/C₀)^(β/(α+β))", False),
    (("=", "∝"), "N_opt ∝ (C/C₀)^(β/(α+β))", True),
    ("proportional", "$N^* \\propto \\left(\\frac{C}{C_0}\\right)^{\\frac{\\beta}{\\alpha+\\beta}}$", True),
    (("=", "∝"), "N_opt(C) ∝ (C/C0)^(β/(α+β))", True),
    (("=", "∝"), "N_opt ≈ (C/C₀)^(β/(α+β))", False),               # ≈ still needs its own opt-in
    (("=", "∝"), "N_opt ∝ (C/C₀)^(α/(α+β))", False),               # the swapped twin
    (("=", "∝"), "D_opt ∝ (C/C₀)^(β/(α+β))", False),
    ("≈", "N_opt ≈ (C/C₀)^(β/(α+β))", True),
    (("=", "∝"), "N_opt = (C/C₀)^(β/(α+β))", True),                # = always binds
], ids=lambda value: _pid(str(value)))
def test_expression_binds_other_relations_only_when_the_case_opts_in(relations, answer: str, passed: bool) -> None:
    verdict = expression(N_EXPONENT, bound_to="N_opt", relations=relations)(answer)
    assert verdict.passed is passed, verdict.summary()


def test_expression_explains_that_an_unlisted_relation_does_not_bind() -> None:
    verdict = expression(N_EXPONENT, bound_to="N_opt")("N_opt ∝ (C/C₀)^(β/(α+β))")
    assert "it follows '∝'" in verdict.explanation and "relations=" in verdict.explanation


def test_expression_refuses_an_unknown_relation() -> None:
    with pytest.raises(ValueError):
        expression(N_EXPONENT, bound_to="N_opt", relations="<=")


@pytest.mark.parametrize("target, answer, passed", [
    ("C/(C_0*N)", "D = C/(C0 N)", True),
    ("C/(C_0*N)", "D = C/(C0*N)", True),
    ("C/(C_0*N)", "$D = \\frac{C}{C0 N}$", True),                  # not C·0 in LaTeX either
    ("c_0*c_1", "c0*c1", True),
    ("c_0*c_1", "`c0 * c1`", True),
    ("c_0/c_1", "c1/c0", False),                                    # the roles still matter
    ("C/(C_0*N)", "D = C/(C1 N)", False),
])
def test_expression_reads_a_digit_after_a_letter_as_its_subscript(target: str, answer: str, passed: bool) -> None:
    assert expression(target)(answer).passed is passed


@pytest.mark.parametrize("target, answer, passed", [
    ("5*E", "5 x E", True),
    ("5*E", "Total = 5 x E", True),
    ("4*k*(m + l)", "4 x k x (m + l)", True),
    ("5*E*x", "5 x E", True),                                       # x is the target's own symbol
    ("5*E", "5x E", False),                                         # glued: the variable x
    ("5*E", "5 x E x F", False),
])
def test_expression_reads_a_lone_x_between_operands_as_times(target: str, answer: str, passed: bool) -> None:
    assert expression(target)(answer).passed is passed


VECTOR_TARGET = [
    ("$\\hat\\beta = 1/c$", False),                                 # c/(cᵀc) must not collapse to 1/c
    ("β̂ = c/‖c‖²", True),
    ("$\\hat\\beta = c/\\|c\\|^2$", True),
    ("$\\hat\\beta = \\frac{c}{c^\\top c}$", True),
    ("β̂ = c/(cᵀc)", True),
    ("$\\hat\\beta = c/(c^T c)$", True),
    ("`beta_hat = c / np.dot(c, c)`", True),
    ("`beta_hat = c / c.dot(c)`", True),
    ("`beta_hat = c / np.linalg.norm(c)**2`", True),
    ("β̂ = c/‖c‖", False),
    ("β̂ = c", False),
    ("β̂ = c/(c cᵀ)", False),                                       # an outer product is not cᵀc
    ("β̂ = 2c/(cᵀc)", False),
    ("β̂ = cᵀ/(cᵀc)", False),                                       # a row, not a column
]


@pytest.mark.parametrize("answer, passed", VECTOR_TARGET, ids=[_pid(a) for a, _p in VECTOR_TARGET])
def test_expression_treats_a_transposed_lowercase_symbol_as_a_vector(answer: str, passed: bool) -> None:
    verdict = expression("c/(c^T*c)", bound_to="beta_hat")(answer)
    assert verdict.passed is passed, verdict.summary()


@pytest.mark.parametrize("answer, passed", [
    ("β̂ = c/(cᵀc)", True),                                         # a transpose in the answer alone
    ("`beta_hat = c / np.dot(c, c)`", True),
    ("β̂ = 1/c", False),
])
def test_expression_reads_a_dot_product_in_the_answer_even_when_the_target_has_none(answer: str,
                                                                                    passed: bool) -> None:
    assert expression("c/norm(c)**2", bound_to="beta_hat")(answer).passed is passed


@pytest.mark.parametrize("answer, passed", [
    ("`s = np.dot(a, b)`", True),
    ("`s = np.dot(b, a)`", True),                                   # the dot product is symmetric
    ("`s = a.dot(b)`", True),
    ("`s = np.dot(a, a)`", False),
])
def test_expression_reads_np_dot_as_a_transposed_product(answer: str, passed: bool) -> None:
    assert expression("a^T*b")(answer).passed is passed


# A parenthesised prose note after a formula ends the formula; a bracket that reads as math does not.
PROSE_NOTES = [
    ("W_Q^T*W_K", {"bound_to": "W_QK"}, "where W_QK = W_Qᵀ W_K (a matrix).", True),
    ("W_O*W_V", {"noncommutative": True}, "W_OV = W_O W_V (a low-rank matrix)", True),
    ("W_O*W_V", {"noncommutative": True}, "W_OV = W_O W_V (e.g. a d × d matrix)", True),
    ("W_O*W_V", {"noncommutative": True}, "W_OV = W_O W_V (W_OV is low rank)", True),
    ("W_O*W_V", {"noncommutative": True}, "W_OV = W_O W_V [the OV circuit]", True),
    ("W_O*W_V", {"noncommutative": True}, "W_OV = W_V W_O (a low-rank matrix)", False),   # order still matters
    ("W_O*W_V", {"noncommutative": True}, "W_OV = W_O W_V (a + b)", False),              # a factor, not a note
    ("W_O*W_V", {"noncommutative": True}, "W_OV = W_O W_V (a times b)", False),
    ("W_O*W_V", {"noncommutative": True}, "W_OV = W_O W_V (T tokens)", False),            # starts like math
    ("d_model**-0.5", {"bound_to": "std"}, "std = d_model**-0.5 (a much smaller value)", True),
    ("d_model**-0.5", {"bound_to": "std"}, "std = d_model**-0.5 (a mistake)", False),      # the note negates it
    ("d_model**-0.5", {"bound_to": "std"}, "std = d_model**-0.5 (the old init)", False),
]


@pytest.mark.parametrize("target, settings, answer, passed", PROSE_NOTES, ids=[_pid(r[2]) for r in PROSE_NOTES])
def test_expression_ends_a_formula_at_a_parenthesised_prose_note(target: str, settings: dict, answer: str,
                                                                  passed: bool) -> None:
    verdict = expression(target, **settings)(answer)
    assert verdict.passed is passed, verdict.summary()


BARE_LATEX = [
    ("W_Q^T*W_K", {"bound_to": "W_QK"}, r"W_{QK} = W_Q^\top W_K", True),
    ("W_Q^T*W_K", {"bound_to": "W_QK"}, r"W_{QK} = W_Q^{\intercal} W_K", True),
    ("W_Q^T*W_K", {"bound_to": "W_QK"}, r"\mathbf{W}_{QK} = (\mathbf{W}_K^\top \mathbf{W}_Q)^\top", True),
    ("W_Q^T*W_K", {"bound_to": "W_QK"}, r"W_{QK} = W_Q W_K^\top", False),          # transpose on the wrong factor
    ("W_Q^T*W_K", {"bound_to": "W_QK"}, r"W_{QK} = W_K^\top W_Q", False),
    ("X_i^T*W_QK*X_j", {"noncommutative": True},
     r"S_{ij} = X_i^\top W_Q^\top W_K X_j = X_i^\top W_{QK} X_j", True),
    ("X_i^T*W_QK*X_j", {"noncommutative": True}, r"S_{ij} = X_i^\top W_{QK}^\top X_j", False),
    ("d_model**-0.5", {"bound_to": "std"}, r"Set \sigma = \frac{1}{\sqrt{d_{\text{model}}}} on line 9.", True),
    ("d_model**-0.5", {"bound_to": "std"}, r"\sigma = d_{\text{model}}^{-\frac{1}{2}}", True),
    ("d_model**-0.5", {"bound_to": "std"}, r"\sigma = \sqrt{d_{\text{model}}}", False),
]


@pytest.mark.parametrize("target, settings, answer, passed", BARE_LATEX, ids=[_pid(r[2]) for r in BARE_LATEX])
def test_expression_reads_bare_latex_outside_math_delimiters(target: str, settings: dict, answer: str,
                                                              passed: bool) -> None:
    verdict = expression(target, **settings)(answer)
    assert verdict.passed is passed, verdict.summary()


LOGITS = expression("W_U*W_E*T", noncommutative=True, bound_to=("L", "logits"))


@pytest.mark.parametrize("answer, passed", [
    ("The logits L = W_U W_E T.", True),
    ("The logits are L = W_U W_E T.", True),
    ("$\\text{logits}\\ L = W_U W_E T$", True),
    ("The logits L = W_E W_U T.", False),                           # the swapped twin
    ("The scores S = W_U W_E T.", False),                           # another name
    ("k L = W_U W_E T", False),                                     # a product kL, not L
])
def test_expression_binds_a_left_hand_side_that_follows_a_prose_word(answer: str, passed: bool) -> None:
    verdict = LOGITS(answer)
    assert verdict.passed is passed, verdict.summary()


W_OV = expression("W_O*W_V", noncommutative=True, bound_to="W_OV")


@pytest.mark.parametrize("answer, passed", [
    ("W_O W_V = W_OV", True),
    ("$W_O W_V = W_{OV}$ is a low-rank matrix.", True),
    ("W_O W_V = W_OV ∈ R^{d×d}", True),
    ("W_V W_O = W_OV", False),                                      # order matters on either side
    ("W_O W_V = W_OV^T", False),                                    # the name does not stand alone
    ("W_O W_V = W_OV x", False),
    ("W_O W_V := W_OV", False),                                     # := assigns left to right only
    ("`W_O @ W_V = W_OV`", False),                                  # and so does = in code
    ("W_O W_V = W_OV is wrong", False),
])
def test_expression_binds_a_formula_to_a_name_standing_alone_on_its_right(answer: str, passed: bool) -> None:
    verdict = W_OV(answer)
    assert verdict.passed is passed, verdict.summary()


def test_expression_right_hand_binding_shows_the_whole_equation_as_evidence() -> None:
    verdict = W_OV("So W_O W_V = W_OV.")
    assert verdict.evidence == "W_O W_V = W_OV"
    assert "assigned to W_OV" in verdict.explanation


NABLA = [
    ("∇_A L = (∇_W L) Bᵀ", True),
    ("$\\nabla_A L = (\\nabla_W L) B^\\top$", True),
    ("\\nabla_{A} \\mathcal{L} = \\nabla_{W}\\mathcal{L}\\, B^T", True),
    ("∂L/∂A = (∂L/∂W) Bᵀ", True),
    ("∇_A L = Bᵀ (∇_W L)", False),                                  # a gradient w.r.t. a matrix is a matrix
    ("∇_A L = Aᵀ (∇_W L)", False),
    ("∇_A L = (∇_W L) B", False),
    ("∇_B L = (∇_W L) Bᵀ", False),                                  # the other gradient
]


@pytest.mark.parametrize("bound", ["dL/dA", "∇_A L", "\\nabla_A L", "∂L/∂A"], ids=str)
@pytest.mark.parametrize("answer, passed", NABLA, ids=[_pid(a) for a, _p in NABLA])
def test_expression_reads_nabla_as_a_derivative_name(bound: str, answer: str, passed: bool) -> None:
    verdict = expression("dL/dW*B^T", bound_to=bound)(answer)
    assert verdict.passed is passed, verdict.summary()


def test_expression_rejects_a_constant_off_by_one_that_floating_point_cannot_see() -> None:
    matcher = expression("((3**3)**3)**3", bound_to="x")
    assert matcher("x = ((3^3)^3)^3").passed
    verdict = matcher("x = ((3^3)^3)^3 + 1")
    assert not verdict.passed
    assert "not equivalent" in verdict.explanation


def test_expression_does_not_read_an_alias_before_the_left_hand_side_as_a_prose_word() -> None:
    matcher = expression("d_model*W", bound_to="L")
    assert matcher("The loss L = d_model W").passed
    assert not matcher("dmodel L = d_model W").passed                 # d_model·L, not L
