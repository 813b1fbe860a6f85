"""HW12 Q5 — Meta-learning for learning 1D functions (min-norm β̂ = c/‖c‖², test loss and its gradient in c).

The seed holds no problem text for this question, only its title and the student's request; the
prompt below is that text, verbatim. What the parts ask is known from the answer key:
(a) the minimum-norm solution of c₀β₀ + c₁β₁ = 1; (b) the expected test loss L as a function of
c = (c₀, c₁) and its partial derivatives.
"""

from __future__ import annotations

import re

from pytest_hwcheck import Concept, Example, Matcher, Part, Question, Verdict, all_of, any_of, expression, keywords, not_

PROMPT = r"""# Problem 5: Meta-learning for Learning 1D Functions

Now can you answer question 5 parts (a) and (b) as they are written parts of the homework?
"""

#: Names an answer may use for ‖c‖² and c₀² + c₁², substituted before comparing.
VARIABLES = {"‖c‖": "sqrt(c_0**2 + c_1**2)", "D": "c_0**2 + c_1**2"}
#: Code spellings of the coefficients (c0, c1).
ALIASES = {"c_0": ["c0"], "c_1": ["c1"]}

BETA = ["beta_hat", "beta", "beta_star", "beta_hat^*"]
BETA_0 = ["beta_hat_0", "beta_0"]
BETA_1 = ["beta_hat_1", "beta_1"]
BETA_I = ["beta_hat_i", "beta_i"]


# -- part (a) ----------------------------------------------------------------------------------

#: β̂ = c/‖c‖², as a vector, as both components, or componentwise with a generic index i.
MIN_NORM_BETA = any_of(
    expression("c/‖c‖**2", bound_to=BETA, variables=VARIABLES, aliases=ALIASES),
    all_of(expression("c_0/(c_0**2 + c_1**2)", bound_to=BETA_0, variables=VARIABLES, aliases=ALIASES),
           expression("c_1/(c_0**2 + c_1**2)", bound_to=BETA_1, variables=VARIABLES, aliases=ALIASES)),
    expression("c_i/(c_0**2 + c_1**2)", bound_to=BETA_I, variables=VARIABLES, aliases=ALIASES),
)

#: Wrong twin: the norm is not squared (β̂ = c/‖c‖, the unit vector along c).
NOT_SQUARED = any_of(
    expression("c/‖c‖", bound_to=BETA, variables=VARIABLES, aliases=ALIASES),
    expression("c_0/sqrt(c_0**2 + c_1**2)", bound_to=BETA_0, variables=VARIABLES, aliases=ALIASES),
    expression("c_i/sqrt(c_0**2 + c_1**2)", bound_to=BETA_I, variables=VARIABLES, aliases=ALIASES),
)

#: Wrong twin: β̂ = c itself.
BETA_IS_C = any_of(
    expression("c", bound_to=BETA, variables=VARIABLES, aliases=ALIASES),
    all_of(expression("c_0", bound_to=BETA_0, variables=VARIABLES, aliases=ALIASES),
           expression("c_1", bound_to=BETA_1, variables=VARIABLES, aliases=ALIASES)),
    expression("c_i", bound_to=BETA_I, variables=VARIABLES, aliases=ALIASES),
)

MIN_NORM_NAMED = keywords(any_of=[("minimum norm", "minimum-norm", "min-norm", "min norm", "minimal norm",
                                   "minimal-norm", "smallest norm", "least norm", "least-norm", "pseudo-inverse",
                                   "pseudoinverse", "moore-penrose", "smallest ‖β‖", "minimize ‖β‖")])


# -- part (b) ----------------------------------------------------------------------------------

_C = {0: r"c\s*(?:_\s*\{?\s*0\s*\}?|0|₀)", 1: r"c\s*(?:_\s*\{?\s*1\s*\}?|1|₁)"}
_L = r"(?:\\mathcal\s*\{\s*L\s*\}|\\mathcal\s+L|\\ell|ℒ|L)"
_D = r"(?:\\partial|∂|\\mathrm\s*\{\s*d\s*\}|\\text\s*\{\s*d\s*\}|d)"
_NAME = {0: "dLdcZero", 1: "dLdcOne"}


def _derivative_lhs(index: int) -> re.Pattern:
    c = _C[index]
    forms = [
        rf"\\[dt]?frac\s*\{{\s*{_D}\s*{_L}\s*\}}\s*\{{\s*{_D}\s*{c}\s*\}}",      # \frac{\partial L}{\partial c_0}
        rf"{_D}\s*{_L}\s*/\s*{_D}\s*{c}",                                    # ∂L/∂c₀, dL/dc_0
        rf"\\nabla\s*_\s*\{{?\s*{c}\s*\}}?\s*{_L}",                            # \nabla_{c_0} L
        rf"(?:\\partial|∂)\s*_\s*\{{?\s*{c}\s*\}}?\s*{_L}",                    # ∂_{c_0} L
        rf"\bd_?L_?d_?{c}",                                                  # dL_dc0 (code)
    ]
    return re.compile("|".join(f"(?:{f})" for f in forms))


_LHS = {i: _derivative_lhs(i) for i in (0, 1)}


def _readable(text: str) -> str:
    """A message about the rewritten answer, with the derivatives written as derivatives again."""
    return text.replace(_NAME[0], "∂L/∂c_0").replace(_NAME[1], "∂L/∂c_1")


class _PartialDerivative(Matcher):
    """``∂L/∂c_i = <target>``: a formula equivalent to ``target`` assigned to that partial derivative.

    ``expression(bound_to=...)`` binds a formula to a *name*; a derivative written
    ``\\frac{\\partial L}{\\partial c_0}`` or ``∂L/∂c₀`` is not a name, so every such
    left-hand side is first rewritten to one (``dLdcZero``) and the formula is then bound to it.
    Swapped derivatives or a wrong sign therefore fail.
    """

    name = "partial_derivative"

    def __init__(self, index: int, target: str) -> None:
        super().__init__(of="L", wrt=f"c_{index}", target=target)
        self.index = index
        self.inner = expression(target, bound_to=_NAME[index], variables=VARIABLES, aliases=ALIASES)

    def check(self, answer: str) -> Verdict:
        text = answer
        for i in (0, 1):
            text = _LHS[i].sub(_NAME[i], text)
        verdict = self.inner(text)
        explanation = _readable(verdict.explanation)
        evidence = _readable(verdict.evidence) if verdict.evidence else None
        if verdict.passed:
            return Verdict.ok(explanation, evidence=evidence, expected=verdict.expected, found=verdict.found)
        return Verdict.fail(explanation, evidence=evidence, expected=verdict.expected, found=verdict.found)


TEST_LOSS = expression("(c_1**2/(c_0**2 + c_1**2))**2", bound_to=["L", "L(c)", "test_loss", "loss"],
                       variables=VARIABLES, aliases=ALIASES)
GRAD_C0 = _PartialDerivative(0, "-4*c_0*c_1**4/(c_0**2 + c_1**2)**3")
GRAD_C1 = _PartialDerivative(1, "4*c_0**2*c_1**3/(c_0**2 + c_1**2)**3")


# -- examples ----------------------------------------------------------------------------------

REFERENCE_A = r"""With φ_t = φ_a the single training point gives one constraint, c₀β₀ + c₁β₁ = 1, i.e. cᵀβ = 1 with
c = (c₀, c₁). The minimum-norm solution is the multiple of c that satisfies it:

$$\hat\beta = \frac{c}{\|c\|^2}, \qquad \hat\beta_0 = \frac{c_0}{c_0^2 + c_1^2},\quad \hat\beta_1 = \frac{c_1}{c_0^2 + c_1^2}.$$"""

GOOD_A = [
    # Lagrangian derivation in LaTeX.
    r"""**Part (a).** The only training point says $\hat\beta_0 c_0 \phi(x) + \hat\beta_1 c_1 \phi(x) = \phi(x)$, so
(taking $\phi(x) \neq 0$) the interpolation constraint is
$$c_0\beta_0 + c_1\beta_1 = 1 \iff \mathbf{c}^\top \boldsymbol\beta = 1 .$$
Minimum-norm interpolation solves $\min_\beta \tfrac12\|\beta\|^2$ s.t. $\mathbf{c}^\top\beta = 1$. The Lagrangian
$\mathcal{L} = \tfrac12\|\beta\|^2 - \lambda(\mathbf{c}^\top\beta - 1)$ gives $\beta = \lambda\mathbf{c}$, and the
constraint gives $\lambda\|\mathbf{c}\|^2 = 1$. Hence
$$\hat{\beta} = \frac{\mathbf{c}}{\|\mathbf{c}\|^2}.$$
Any other solution adds a vector orthogonal to $\mathbf{c}$ and is longer.""",
    # Unicode, component form.
    r"""(a) One equation, two unknowns: c₀β₀ + c₁β₁ = 1. Among all solutions the smallest norm one lies along c, so

β̂₀ = c₀/(c₀² + c₁²)   and   β̂₁ = c₁/(c₀² + c₁²).

(Check: c₀·c₀/(c₀²+c₁²) + c₁·c₁/(c₀²+c₁²) = 1.)""",
    # Code.
    r"""Part (a): the pseudo-inverse of the 1×2 feature row [c0, c1] gives the min-norm fit:

```python
import numpy as np
c = np.array([c0, c1])
beta_hat = c / np.linalg.norm(c)**2   # = c / (c0**2 + c1**2)
```

so each coefficient is its own c divided by the squared norm of c.""",
    # Generic index, with a D shorthand in a table.
    r"""| quantity | value |
|---|---|
| constraint | $c_0\beta_0 + c_1\beta_1 = 1$ |
| min-norm solution | $\hat\beta_i = \frac{c_i}{c_0^2 + c_1^2}$, $i \in \{0, 1\}$ |
| why | the least-norm solution of $c^\top\beta = 1$ is $c (c^\top c)^{-1}$ |""",
]

BAD_A = [
    # Not squared.
    Example(
        r"""(a) The constraint is c₀β₀ + c₁β₁ = 1 and the minimum-norm solution points along c, so we normalise c:
$$\hat\beta = \frac{\mathbf{c}}{\|\mathbf{c}\|}.$$""",
        caught_by="norm-is-squared",
    ),
    # β̂ = c.
    Example(
        r"""Part (a): the minimum-norm solution of $c^\top\beta = 1$ is in the span of $c$; taking the coefficient equal
to one, $\hat{\beta} = \mathbf{c}$, i.e. $\hat\beta_0 = c_0$ and $\hat\beta_1 = c_1$.""",
        caught_by="beta-is-not-c",
    ),
    # Componentwise, not squared.
    Example(
        r"""(a) Minimal norm ⟹ β̂ ∝ c. Normalising: β̂₀ = c₀/√(c₀² + c₁²) and β̂₁ = c₁/√(c₀² + c₁²).""",
        caught_by="norm-is-squared",
    ),
    # A solution, but not the minimum-norm one.
    Example(
        r"""(a) Put all the weight on the first feature: β̂₁ = 0 and β̂₀ = 1/c₀ satisfies c₀β₀ + c₁β₁ = 1, and this is the
minimum-norm choice.""",
        caught_by="min-norm-beta-hat",
    ),
]

REFERENCE_B = r"""With β̂ = c/‖c‖² the learned function is f(x) = r·φ_t(x) + (1 − r)·φ_a(x), where
r = β̂₀c₀ = c₀²/(c₀² + c₁²) and 1 − r = β̂₁c₁. The test target is φ_t; using orthonormality of φ_t and φ_a,

$$L = (1 - r)^2 = \left(\frac{c_1^2}{c_0^2 + c_1^2}\right)^2,$$

$$\frac{\partial L}{\partial c_0} = -\frac{4 c_0 c_1^4}{(c_0^2 + c_1^2)^3}, \qquad
\frac{\partial L}{\partial c_1} = \frac{4 c_0^2 c_1^3}{(c_0^2 + c_1^2)^3}.$$"""

GOOD_B = [
    # Long derivation with a D shorthand.
    r"""**Part (b).** Write $D = c_0^2 + c_1^2$, so $\hat\beta_0 c_0 = c_0^2/D$ and $\hat\beta_1 c_1 = c_1^2/D$. The test
target is $\phi_t$, so the residual is
$$\phi_t - \tfrac{c_0^2}{D}\phi_t - \tfrac{c_1^2}{D}\phi_a = \tfrac{c_1^2}{D}\,(\phi_t - \phi_a).$$
With $\mathbb{E}[\phi_t^2] = \mathbb{E}[\phi_a^2] = 1$ and $\mathbb{E}[\phi_t\phi_a] = 0$ the squared residual has
expectation $2c_1^4/D^2$; with the $\tfrac12$ in the loss,
$$L = \frac{c_1^4}{D^2}.$$
Differentiating, using $\partial D/\partial c_0 = 2c_0$ and $\partial D/\partial c_1 = 2c_1$:
$$\frac{\partial L}{\partial c_0} = -\frac{4c_0c_1^4}{D^3}, \qquad
\frac{\partial L}{\partial c_1} = \frac{4c_1^3 D - 4c_1^5}{D^3} = \frac{4c_0^2c_1^3}{D^3}.$$
So increasing $c_0$ (the weight on the true feature) always lowers the loss.""",
    # Unicode, inline.
    r"""(b) L = (c₁²/(c₀² + c₁²))². Gradient: ∂L/∂c₀ = −4c₀c₁⁴/(c₀² + c₁²)³ and ∂L/∂c₁ = 4c₀²c₁³/(c₀² + c₁²)³.""",
    # Code-style.
    r"""Part (b), as code:

```python
D = c0**2 + c1**2
L = c1**4 / D**2
dL_dc0 = -4 * c0 * c1**4 / D**3
dL_dc1 = 4 * c0**2 * c1**3 / D**3
```
(the loss only depends on how much of c's squared norm sits on the wrong feature).""",
    # dL/dc notation in LaTeX, order (c1 first).
    r"""(b) The expected test error is $L = \left(\frac{c_1^2}{c_0^2+c_1^2}\right)^2$.

- $\frac{dL}{dc_1} = \frac{4c_0^2c_1^3}{(c_0^2+c_1^2)^3}$ (positive: weight on the wrong feature hurts)
- $\frac{dL}{dc_0} = -\frac{4c_0c_1^4}{(c_0^2+c_1^2)^3}$ (negative)""",
]

BAD_B = [
    # Loss not squared, derivatives of that.
    Example(
        r"""(b) $L = \frac{c_1^2}{c_0^2 + c_1^2}$, hence $\frac{\partial L}{\partial c_0} = -\frac{2c_0c_1^2}{(c_0^2+c_1^2)^2}$
and $\frac{\partial L}{\partial c_1} = \frac{2c_0^2c_1}{(c_0^2+c_1^2)^2}$.""",
        caught_by="test-loss",
    ),
    # Right loss, derivatives swapped.
    Example(
        r"""(b) L = (c₁²/(c₀² + c₁²))², so ∂L/∂c₀ = 4c₀²c₁³/(c₀² + c₁²)³ and ∂L/∂c₁ = −4c₀c₁⁴/(c₀² + c₁²)³.""",
        caught_by="grad-c0",
    ),
    # r instead of 1 - r.
    Example(
        r"""(b) With r = c₀²/(c₀²+c₁²) the loss is L = (c₀²/(c₀² + c₁²))², with ∂L/∂c₀ = 4c₀³c₁²/(c₀² + c₁²)³ and
∂L/∂c₁ = −4c₀⁴c₁/(c₀² + c₁²)³.""",
        caught_by="test-loss",
    ),
    # Sign error on the c0 derivative.
    Example(
        r"""(b) $L = \frac{c_1^4}{(c_0^2+c_1^2)^2}$, $\frac{\partial L}{\partial c_0} = \frac{4c_0c_1^4}{(c_0^2+c_1^2)^3}$,
$\frac{\partial L}{\partial c_1} = \frac{4c_0^2c_1^3}{(c_0^2+c_1^2)^3}$.""",
        caught_by="grad-c0",
    ),
]


question = Question(
    id="hw12.q5",
    title="Meta-learning for Learning 1D Functions",
    prompt=PROMPT,
    parts=[
        Part(
            id="hw12.q5a",
            title="Minimum-norm solution",
            reference=REFERENCE_A,
            concepts=[
                Concept("min-norm-beta-hat", MIN_NORM_BETA, points=2,
                        description="The minimum-norm solution of c₀β₀ + c₁β₁ = 1 is β̂ = c/‖c‖² (β̂ᵢ = cᵢ/(c₀² + c₁²))"),
                Concept("names-min-norm", MIN_NORM_NAMED,
                        description="β̂ is the minimum-norm (pseudo-inverse) interpolating solution"),
                Concept("norm-is-squared",
                        not_(NOT_SQUARED, because="β̂ = c/‖c‖ (the norm is not squared)"),
                        description="Does not divide by ‖c‖ instead of ‖c‖²"),
                Concept("beta-is-not-c", not_(BETA_IS_C, because="β̂ = c"),
                        description="Does not give β̂ = c"),
            ],
            good_examples=GOOD_A,
            bad_examples=BAD_A,
        ),
        Part(
            id="hw12.q5b",
            title="Test loss and its gradient in c",
            reference=REFERENCE_B,
            concepts=[
                Concept("test-loss", TEST_LOSS, points=2,
                        description="L = (1 − r)² = (c₁²/(c₀² + c₁²))²"),
                Concept("grad-c0", GRAD_C0,
                        description="∂L/∂c₀ = −4c₀c₁⁴/(c₀² + c₁²)³"),
                Concept("grad-c1", GRAD_C1,
                        description="∂L/∂c₁ = 4c₀²c₁³/(c₀² + c₁²)³"),
            ],
            good_examples=GOOD_B,
            bad_examples=BAD_B,
        ),
    ],
)
