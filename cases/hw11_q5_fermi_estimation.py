"""HW11 Q5 — Fermi estimation for a 100-trillion-parameter "GPT-6" (scaling laws, memory, cost, latency).

Parts (a), (i), (k) and (l) have no reference answer in the key and are not defined here,
so the seed import leaves those turns out. Numbers are the heart of every part: each one is
checked with the notation- and unit-aware ``number()`` bound to the quantity it measures, so a
matching number stated for something else does not count.
"""

import re

from pytest_hwcheck import Concept, Example, Part, Question, Verdict, any_of, expression, keywords, not_, number
from pytest_hwcheck.matchers.text import is_negated, items, normalize, sentences

PROMPT = r"""## 5. Fermi Estimation

[stem text not in the seed]

(a) "This is not a question..." [rest of the text not in the seed]

(b) [text not in the seed]

(c) Using Chinchilla laws $N = 0.1C^{0.5}$ and $D = 1.7C^{0.5}$, calculate compute cost and dataset size for a 100 trillion parameter model ($N = 10^{14}$).

(d) Assume 1.4 tokens/word, 400 words/page, 300 pages/book. How many words is 1000 trillion tokens? How many books? Compare to Library of Congress and Google Books.

(e) Given 16-bit parameters: 1. Memory for 1 billion params? 2. Memory for 1 trillion params? 3. How many H200 GPUs (100 GB VRAM) for the 1T model?

(f) Cost to store 100 trillion parameter model for 1 year on SSD (\$0.00005/MB) vs DRAM (\$0.0040/MB).

(g) [text not in the seed]

(h) [text not in the seed]

(i) [text not in the seed]

(j) [text not in the seed]

(k) [text not in the seed]

(l) [text not in the seed]
"""


def stated_with_unit(target, unit, keyword, *, rel=0.05):
    """``target`` written with its unit right on it ("10^28 FLOPs", "1.7 × 10^14 tokens").

    Used for wrong twins: an intermediate value of a chain ("100 × 10^28 = 10^30 FLOPs",
    "N² = 10^28") carries no unit of its own and so is never mistaken for the stated result.
    """
    return number(target, unit=unit, rel=rel, bound_to=keyword, within_chars=0)


def in_segments_naming(keyword, matcher, *, unless=()):
    """``matcher`` passes on some table row, sentence or ``;``-clause that names ``keyword``
    and none of ``unless`` (so "SSD: $800,000" is caught, "$10,000 on SSD; DRAM $800,000" is not)."""
    name = re.compile(r"(?<![A-Za-z])" + re.escape(keyword) + r"(?![A-Za-z])", re.I)
    others = [re.compile(r"(?<![A-Za-z])" + re.escape(u) + r"(?![A-Za-z])", re.I) for u in unless]

    def check(answer):
        rows = [u.text for u in items(answer) if u.kind == "row"]
        prose = [piece for u in sentences(answer) if u.kind not in ("row", "cell") for piece in re.split(r";\s", u.text)]
        for segment in rows + prose:
            if name.search(segment) and not any(o.search(segment) for o in others):
                verdict = matcher(segment)
                if verdict.passed:
                    return Verdict.ok(f"{keyword}: {verdict.explanation}", evidence=segment.strip())
        return Verdict.fail(f"no line or sentence about {keyword} alone states it ({matcher!r})")

    check.__qualname__ = f"in_segments_naming({keyword!r}, {matcher!r})"
    return check


def assigned(target, symbol, *, rel=0.05):
    """``target`` as the value given to ``symbol`` ("C = 10^29", "D ≈ 1.7e14")."""
    return number(target, rel=rel, bound_to=(f"{symbol} =", f"{symbol} ≈", f"{symbol} ~"), within_chars=3)


# ---------------------------------------------------------------------------------------------
# (b) compute-optimal N and D from L = A N^-α + B D^-β + L0 under C = C0 N D
# ---------------------------------------------------------------------------------------------

# How the answer writes N_opt / D_opt and the exponent of C/C0 in it. The exponent is the heart of (b):
# every notation (LaTeX \frac, Unicode, code **, N*, N_opt(C), "scales as", ∝, [..]^{1/(α+β)}) is read on
# normalized text, each exponent found is compared symbolically with expression().

_REL = r"\s*(?:=|∝|≈|~|∼|\bscales?\s+(?:as|like)\b|\bgrows?\s+(?:as|like)\b)"
_OPT = r"(?:_\{?opt(?:imal)?\}?|_\{?\*\}?|\^\(?[*⋆∗]\)?|[*⋆∗]|\^(?=\s*[=∝≈~∼]))(?:\(c\))?"
_LHS = {
    "N": re.compile(r"(?:(?<![a-z0-9_])n" + _OPT + r"|\boptimal\s+(?:model\s+size|number\s+of\s+parameters|parameter\s+count|n)\b)" + _REL),
    "D": re.compile(r"(?:(?<![a-z0-9_])d" + _OPT + r"|\boptimal\s+(?:data(?:set)?(?:\s+size)?|number\s+of\s+(?:training\s+)?tokens|token\s+count|d)\b)" + _REL),
}
_ANY_LHS = re.compile(_LHS["N"].pattern + "|" + _LHS["D"].pattern)
_RHS_END = re.compile(r",\s|;\s|\.\s|\.$|\s+and\s+|\s+where\s+|\s+with\s+")
# C/C0 raised to a power, C0/C raised to a power (exponent negated), or C itself raised to a power.
_C_FACTORS = [
    (re.compile(r"\(\s*\(?\s*c\s*\)?\s*/\s*\(?\s*c_?0\s*\)?\s*\)\s*\^"), ""),
    (re.compile(r"\(\s*\(?\s*c_?0\s*\)?\s*/\s*\(?\s*c\s*\)?\s*\)\s*\^"), "-"),
    (re.compile(r"(?<![a-z0-9_])c\s*\^"), ""),
]
_PAIRS = {"(": ")", "[": "]", "{": "}"}


def _groups(text):
    """Map each opening bracket's index to its closing bracket's index."""
    stack, out = [], {}
    for i, ch in enumerate(text):
        if ch in _PAIRS:
            stack.append(i)
        elif ch in _PAIRS.values() and stack:
            out[stack.pop()] = i
    return out


def _exponent_at(text, pos, groups):
    """The exponent written at ``pos`` (just after ``^``) and where it ends."""
    while pos < len(text) and text[pos] == " ":
        pos += 1
    if pos < len(text) and text[pos] in _PAIRS and pos in groups:
        return text[pos:groups[pos] + 1], groups[pos] + 1
    m = re.compile(r"-?[0-9a-zα-ω.]+").match(text, pos)
    return (m.group(), m.end()) if m else (None, pos)


_STARRED = re.compile(r"(?<![A-Za-z*\\])([NnDd])(?:\^\s*\{?\s*(?:\\star|\\ast|[*⋆∗])\s*\}?|_\{?[*⋆∗]\}?|[*⋆∗](?!\*))")


def statements(answer, var):
    """Right-hand sides (normalized text) of what the answer states for N_opt / D_opt."""
    out = []
    # N*, N^*, N^{\star}: normalization reads a lone "*" as Markdown emphasis, so name the star first.
    answer = _STARRED.sub(lambda m: m.group(1) + "_opt", answer)
    # A line that starts in lower case continues the sentence of the line before (hard-wrapped prose).
    answer = re.sub(r"\n(?=[a-z(])", " ", answer)
    for line in normalize(answer).splitlines():
        for m in _LHS[var].finditer(line):
            rest = line[m.end():]
            stop = len(rest)
            nxt = _ANY_LHS.search(rest)
            if nxt:
                stop = nxt.start()
            end = _RHS_END.search(rest, 0, stop)
            if end:
                stop = end.start()
            if is_negated(line, (m.start(), m.end() + stop)):
                continue
            out.append((line[m.start():m.end()].strip(), rest[:stop].strip()))
    return out


def c_exponents(rhs):
    """The exponent(s) of C in a right-hand side, as text (outer powers multiplied in)."""
    groups = _groups(rhs)
    found = []
    for pattern, sign in _C_FACTORS:
        for m in pattern.finditer(rhs):
            exp, end = _exponent_at(rhs, m.end(), groups)
            if not exp:
                continue
            factors = [exp]
            for open_, close in groups.items():
                if open_ < m.start() and close >= end and rhs[close + 1:close + 2] == "^":
                    outer, _ = _exponent_at(rhs, close + 2, groups)
                    if outer:
                        factors.append(outer)
            found.append(sign + "*".join(f"({f})" for f in factors))
    return found


_GREEK_AB = {"alpha": ["a"], "beta": ["b"]}


def _tidy(exponent):
    """``(((α)/(β+α)))`` -> ``α/(β+α)`` for messages."""
    previous = None
    while previous != exponent:
        previous = exponent
        exponent = re.sub(r"\(([\wα-ω.]+)\)", r"\1", exponent)
        if exponent.startswith("(") and _groups(exponent).get(0) == len(exponent) - 1:
            exponent = exponent[1:-1]
    return exponent


def _greek(text):
    return text.replace("alpha", "α").replace("beta", "β")


def c_exponent(var, target, *, what):
    """Passes when the answer states ``var``_opt ∝ (C/C₀)^``target`` (any notation, any prefactor)."""
    want = expression(target, aliases=_GREEK_AB)
    shown = _greek(target)

    def check(answer):
        seen = []
        for lhs, rhs in statements(answer, var):
            for exp in c_exponents(rhs):
                verdict = want(exp)
                seen.append(_tidy(exp))
                if verdict.passed:
                    return Verdict.ok(f"{what}: the exponent of C/C₀ in '{lhs} {rhs}' is {_tidy(exp)}, "
                                      f"which equals {shown}", evidence=f"{lhs} {rhs}", found=_tidy(exp), expected=shown)
        if seen:
            return Verdict.fail(f"{what}: the exponent of C/C₀ is written as {', '.join(seen)}, not {shown}",
                                found=seen[0], expected=shown)
        return Verdict.fail(f"{what}: no statement of {var}_opt ∝ (C/C₀)^(…) found", expected=shown)

    check.__qualname__ = f"c_exponent({var!r}, {target!r})"
    return check


_N_OPT_FULL = "(alpha*A/(beta*B))**(1/(alpha+beta)) * (C/C_0)**(beta/(alpha+beta))"
_N_OPT_ASSIGNED = expression(_N_OPT_FULL, aliases={"C_0": ["C0", "C₀"]},
                             bound_to=["N_opt", "N_{opt}", "N_optimal", "N_{\\text{opt}}", "N"])
# The same formula in normalized (lower-cased) text, for N*, N_opt(C) = …, N_opt ∝ … statements.
_N_OPT_NORMALIZED = expression(_N_OPT_FULL.lower(), aliases={"c_0": ["c0"]})


def n_opt_formula(answer):
    """N_opt = (αA/(βB))^(1/(α+β)) (C/C0)^(β/(α+β)) in full, prefactor included (any equivalent form)."""
    whole = _N_OPT_ASSIGNED(answer)
    if whole.passed:
        return whole
    for lhs, rhs in statements(answer, "N"):
        verdict = _N_OPT_NORMALIZED(rhs)
        if verdict.passed:
            return Verdict.ok(f"{lhs} {rhs}: {verdict.explanation}", evidence=f"{lhs} {rhs}", found=verdict.found,
                              expected=verdict.expected)
    return whole


PART_B = Part(
    id="hw11.q5b",
    title="Compute-optimal N and D from the scaling law",
    reference=(
        "With L = A N^-α + B D^-β + L₀ and the budget C = C₀ N D, substitute D = C/(C₀N): "
        "L(N) = A N^-α + B (C/C₀)^-β N^β + L₀. Setting dL/dN = 0 gives αA N^(-α-1) = βB (C/C₀)^-β N^(β-1), so "
        "N_opt = (αA/(βB))^(1/(α+β)) (C/C₀)^(β/(α+β)), and D_opt = C/(C₀ N_opt) ∝ (C/C₀)^(α/(α+β))."
    ),
    concepts=[
        Concept("substitutes-d", expression("C/(C_0*N)", bound_to="D", aliases={"C_0": ["C0", "C₀"]}),
                description="From the budget C = C₀ N D, D = C/(C₀ N) is substituted into the loss"),
        Concept("n-opt-exponent", c_exponent("N", "beta/(alpha+beta)", what="N_opt"), points=3,
                description="N_opt ∝ (C/C₀)^(β/(α+β)): the exponent of C/C₀ in N_opt is β/(α+β)"),
        Concept("n-opt-formula", n_opt_formula, points=1,
                description="N_opt = (αA/(βB))^(1/(α+β)) (C/C₀)^(β/(α+β)), prefactor included"),
        Concept("d-opt-exponent", c_exponent("D", "alpha/(alpha+beta)", what="D_opt"), points=2,
                description="D_opt ∝ (C/C₀)^(α/(α+β)): the exponent of C/C₀ in D_opt is α/(α+β)"),
        Concept(
            "no-swapped-exponents",
            not_(any_of(c_exponent("N", "alpha/(alpha+beta)", what="N_opt"),
                        c_exponent("D", "beta/(alpha+beta)", what="D_opt")),
                 because="exponents α and β swapped on C/C₀ (N_opt's exponent written as α/(α+β), "
                         "or D_opt's as β/(α+β))"),
            description="The exponents of C/C₀ are not swapped: N_opt's is not α/(α+β), D_opt's is not β/(α+β)",
        ),
    ],
    good_examples=[
        r"""**Setup.** The budget $C = C_0 N D$ gives $D = \frac{C}{C_0 N}$, so
$$L(N) = A N^{-\alpha} + B\left(\frac{C}{C_0}\right)^{-\beta} N^{\beta} + L_0 .$$

**Optimum.** $\frac{dL}{dN} = -\alpha A N^{-\alpha-1} + \beta B \left(\frac{C}{C_0}\right)^{-\beta} N^{\beta-1} = 0$, hence
$N^{\alpha+\beta} = \frac{\alpha A}{\beta B}\left(\frac{C}{C_0}\right)^{\beta}$ and

$$N_{\text{opt}} = \left(\frac{\alpha A}{\beta B}\right)^{\frac{1}{\alpha+\beta}}\left(\frac{C}{C_0}\right)^{\frac{\beta}{\alpha+\beta}}, \qquad
D_{\text{opt}} = \frac{C}{C_0 N_{\text{opt}}} = \left(\frac{\beta B}{\alpha A}\right)^{\frac{1}{\alpha+\beta}}\left(\frac{C}{C_0}\right)^{\frac{\alpha}{\alpha+\beta}}.$$""",
        """Let me check the algebra with sympy:

```python
import sympy as sp
N, C, C0, A, B, alpha, beta, L0 = sp.symbols("N C C0 A B alpha beta L0", positive=True)
D = C / (C0 * N)
L = A * N**-alpha + B * D**-beta + L0
N_opt = (alpha*A/(beta*B))**(1/(alpha+beta)) * (C/C0)**(beta/(alpha+beta))
assert sp.simplify(sp.diff(L, N).subs(N, N_opt)) == 0
```

So N_opt grows like C^(β/(α+β)) and the data D_opt = C/(C0·N_opt) ∝ (C/C0)^(α/(α+β)).""",
        """Substituting D = C/(C₀N) into the loss and setting ∂L/∂N = 0 gives N^{α+β} = (αA/(βB))·(C/C₀)^β, i.e.

N_opt = [(αA/(βB))·(C/C₀)^β]^{1/(α+β)}.

Hence the optimal model size scales as (C/C₀)^{β/(α+β)} and, since D = C/(C₀N), the optimal dataset size scales
as (C/C₀)^{α/(α+β)} — the two exponents add up to 1, as they must because N·D ∝ C.""",
        r"""| quantity | result |
|---|---|
| data from the budget | $D = C/(C_0 N)$ |
| optimal parameters | $N^* = (\alpha A/(\beta B))^{1/(\alpha+\beta)}\,(C/C_0)^{\beta/(\alpha+\beta)}$ |
| optimal tokens | $D^* \propto (C/C_0)^{\alpha/(\alpha+\beta)}$ |

(Chinchilla's $a = \beta/(\alpha+\beta)$ and $b = \alpha/(\alpha+\beta)$.)""",
    ],
    bad_examples=[
        # wrong twin: exponents swapped, Unicode
        Example(
            """D = C/(C₀N). Minimising over N: N_opt = (αA/(βB))^{1/(α+β)} (C/C₀)^{α/(α+β)}, so D_opt ∝ (C/C₀)^{β/(α+β)}.""",
            caught_by="no-swapped-exponents",
        ),
        # wrong twin: swapped, LaTeX proportionality
        Example(
            r"""With $D = \frac{C}{C_0 N}$ the optimum is $N^* \propto \left(\frac{C}{C_0}\right)^{\frac{\alpha}{\alpha+\beta}}$
and $D^* \propto \left(\frac{C}{C_0}\right)^{\frac{\beta}{\alpha+\beta}}$.""",
            caught_by="no-swapped-exponents",
        ),
        # right exponents, prefactor inverted
        Example(
            """D = C/(C_0 N), and N_opt = (βB/(αA))^(1/(α+β)) · (C/C_0)^(β/(α+β)); D_opt ∝ (C/C_0)^(α/(α+β)).""",
            caught_by="n-opt-formula",
        ),
        # wrong substitution propagates
        Example(
            """From C = C_0 N D we get D = C_0 N / C. Then N_opt = (αA/(βB))^(1/(α-β)) (C/C_0)^(-β/(α-β)) and
D_opt ∝ (C/C_0)^(-α/(α-β)).""",
            caught_by="substitutes-d",
        ),
        # N right, D exponent swapped
        Example(
            r"""$D = C/(C_0N)$; $N_{opt} = \left(\frac{\alpha A}{\beta B}\right)^{1/(\alpha+\beta)} (C/C_0)^{\beta/(\alpha+\beta)}$;
$D_{opt} \propto (C/C_0)^{\beta/(\alpha+\beta)}$.""",
            caught_by="no-swapped-exponents",
        ),
    ],
)

# ---------------------------------------------------------------------------------------------
# (c) Chinchilla: C and D for N = 10^14
# ---------------------------------------------------------------------------------------------

PART_C = Part(
    id="hw11.q5c",
    title="Chinchilla compute and data for a 100T-parameter model",
    reference=(
        "From N = 0.1 C^0.5, C = (10N)^2 = 100 N^2 = 100 × (10^14)^2 = 10^30 FLOPs. "
        "From D = 1.7 C^0.5 = 1.7 × 10N = 17N, the dataset is D = 1.7 × 10^15 tokens (1.7 quadrillion tokens)."
    ),
    concepts=[
        Concept(
            "compute-1e30-flops",
            number(1e30, unit="FLOPs", rel=0.05,
                   bound_to=("compute", "C =", "C ≈", "C=", "FLOP", "operations", "training cost")),
            points=2,
            description="Training compute C = 100 N² = 10^30 FLOPs for N = 10^14",
        ),
        Concept(
            "data-1.7e15-tokens",
            number(1.7e15, unit="tokens", rel=0.05,
                   bound_to=("dataset", "data", "D =", "D ≈", "D=", "token", "quadrillion")),
            points=2,
            description="Dataset size D = 1.7 C^0.5 = 17 N = 1.7 × 10^15 tokens",
        ),
        Concept(
            "no-compute-1e28-or-1e29",
            not_(any_of(stated_with_unit(1e28, "FLOPs", "FLOP"), stated_with_unit(1e29, "FLOPs", "FLOP"),
                        assigned(1e28, "C"), assigned(1e29, "C")),
                 because="compute given as 10^28 or 10^29 FLOPs (the factor 100 in C = 100 N² dropped or misapplied)"),
            description="The compute is not stated as 10^28 or 10^29 FLOPs",
        ),
        Concept(
            "no-data-1.7e14",
            not_(any_of(stated_with_unit(1.7e14, "tokens", "token"), assigned(1.7e14, "D")),
                 because="dataset given as 1.7 × 10^14 tokens (D = 1.7 N instead of 1.7 × 10 N)"),
            description="The dataset is not stated as 1.7 × 10^14 tokens",
        ),
    ],
    good_examples=[
        r"""### Part (c)

**Compute.** Invert the parameter law: $N = 0.1\,C^{0.5} \Rightarrow C^{0.5} = 10N \Rightarrow C = 100N^2$.

$$C = 100 \times (10^{14})^2 = 10^{2}\cdot 10^{28} = 10^{30}\ \text{FLOPs}$$

**Data.** $D = 1.7\,C^{0.5} = 1.7 \cdot 10N = 17N$, so

$$D = 17 \times 10^{14} = 1.7 \times 10^{15}\ \text{tokens}$$

So GPT-6 would need about $10^{30}$ FLOPs of compute and roughly 1.7 quadrillion tokens of data.""",
        """| Quantity | Formula | Value |
|---|---|---|
| Compute C | (N/0.1)² = 100·N² | 1e30 FLOPs |
| Dataset D | 1.7·√C = 17·N | 1.7e15 tokens |

Note that N² alone is only 10²⁸; the factor of 100 brings it to 10³⁰.""",
        """```python
N = 1e14
C = (N / 0.1) ** 2        # compute
D = 1.7 * C ** 0.5        # data
print(f"{C:.1e} FLOPs, {D:.1e} tokens")   # -> 1.0e+30 FLOPs, 1.7e+15 tokens
```
Training this 100T model compute-optimally costs about 1e30 FLOPs and needs a dataset of about 1.7e15 tokens.""",
        """Solving N = 0.1·C^0.5 for C gives C = 100 N^2. Plugging in N = 10^14, the training compute comes out to
roughly 10^30 floating-point operations (a nonillion), and the data requirement D = 17 N works out to
about 1.7 quadrillion tokens — far more text than exists on the public internet.""",
    ],
    bad_examples=[
        # wrong twin: factor 100 dropped, data off by 10
        Example(
            r"""**Compute:** $C = N^2 = (10^{14})^2 = 10^{28}$ FLOPs.

**Data:** $D = 1.7 N = 1.7 \times 10^{14}$ tokens.""",
            caught_by="no-compute-1e28-or-1e29",
        ),
        # wrong twin: 10^29 FLOPs, right data
        Example(
            """C = 10 × N² = 10 × 10^28, so compute ≈ 10^29 FLOPs. Dataset: D = 1.7 × 10^15 tokens.""",
            caught_by="no-compute-1e28-or-1e29",
        ),
        # right intermediate, wrong final compute (contradiction)
        Example(
            r"""$C = 100 N^2 = 10^{30}$. Rounding for a Fermi estimate, the compute cost is about $10^{29}$ FLOPs,
and the dataset is $D \approx 1.7 \times 10^{15}$ tokens.""",
            caught_by="no-compute-1e28-or-1e29",
        ),
        # right compute, data off by 10
        Example(
            """- Compute: C = 100 × (1e14)^2 = 1e30 FLOPs
- Data: D = 1.7 × 10^14 tokens (1.7 × N)""",
            caught_by="no-data-1.7e14",
        ),
        # swapped quantities
        Example(
            """Compute C = 1.7 × 10^15 FLOPs and dataset D = 10^30 tokens.""",
            caught_by="compute-1e30-flops",
        ),
    ],
)

# ---------------------------------------------------------------------------------------------
# (d) 10^15 tokens in words and books
# ---------------------------------------------------------------------------------------------

PART_D = Part(
    id="hw11.q5d",
    title="How many words and books is 1000 trillion tokens",
    reference=(
        "Words: 10^15 tokens / 1.4 tokens per word ≈ 7.14 × 10^14 words (714 trillion words). "
        "A book is 400 × 300 = 120,000 words, so 7.14 × 10^14 / 120,000 ≈ 5.95 × 10^9 books (about 6 billion books). "
        "The Library of Congress holds about 32 million books, so this is ≈186× the Library of Congress "
        "(and ≈150× the ~40 million books Google Books has scanned)."
    ),
    concepts=[
        Concept(
            "words-7.14e14",
            number(7.14e14, unit="words", rel=0.05, bound_to=("word",)),
            points=2,
            description="10^15 tokens / 1.4 tokens per word ≈ 7.14 × 10^14 words",
        ),
        Concept(
            "books-5.95e9",
            number(5.95e9, unit="books", rel=0.05, bound_to=("book",)),
            points=2,
            description="7.14 × 10^14 words / 120,000 words per book ≈ 5.95 × 10^9 books",
        ),
        Concept(
            "library-of-congress-ratio",
            number(186, rel=0.08, bound_to=("larger", "bigger", "more", "times", "Library of Congress", "LoC",
                                            "as many", "ratio")),
            description="About 186× the Library of Congress's 32 million books",
        ),
    ],
    good_examples=[
        r"""**Words.** $\dfrac{10^{15}\ \text{tokens}}{1.4\ \text{tokens/word}} \approx 7.14\times10^{14}$ words.

**Books.** One book $= 400 \times 300 = 120{,}000$ words, hence
$$\frac{7.14\times 10^{14}}{1.2\times 10^{5}} \approx 5.95\times 10^{9}\ \text{books}.$$

**Comparison.** The Library of Congress has ~32 million books, so this corpus is **≈ 186×** the Library of Congress;
Google Books (~40M scanned) is ~150× smaller.""",
        """| Step | Value |
|---|---|
| words = 1e15 / 1.4 | ≈ 7.1e14 words |
| words per book = 400 × 300 | 120,000 |
| books = 7.1e14 / 1.2e5 | ≈ 5.9e9 books |
| vs. Library of Congress (32M) | ≈ 186× more |""",
        """That's roughly 714 trillion words, or about 6 billion books of 120,000 words each. For scale,
the Library of Congress holds on the order of 32 million books, so we would need ~190 times as many books as
the Library of Congress owns (and ~150× Google Books' 40 million).""",
        """```
words = 1e15 / 1.4          # ≈ 7.14e14 words
books = words / (400*300)   # ≈ 5.95e9 books
ratio = books / 32e6        # ≈ 186
```
So the dataset is about 7.14e14 words ≈ 5.95e9 books, i.e. the Library of Congress would have to be ~186x bigger.""",
    ],
    bad_examples=[
        # multiplied by 1.4 instead of dividing
        Example(
            """Words = 10^15 × 1.4 = 1.4 × 10^15 words. Books = 1.4e15 / 120,000 ≈ 1.17 × 10^10 books,
about 365× the Library of Congress.""",
            caught_by="words-7.14e14",
        ),
        # off by 10 on books
        Example(
            """Words ≈ 7.14 × 10^14 words. Each book has 120,000 words so books ≈ 5.95 × 10^8 books,
≈ 18.6 times the Library of Congress.""",
            caught_by="books-5.95e9",
        ),
        # words per book taken as 400 (pages forgotten)
        Example(
            """7.14e14 words / 400 words per book ≈ 1.8e12 books, which is 55,800 times the Library of Congress.""",
            caught_by="books-5.95e9",
        ),
        # right words, ratio off by 10
        Example(
            """714 trillion words → 5.95 billion books; that is ≈ 1,860× the Library of Congress (32 million books).""",
            caught_by="library-of-congress-ratio",
        ),
    ],
)

# ---------------------------------------------------------------------------------------------
# (e) memory at 16 bits per parameter
# ---------------------------------------------------------------------------------------------

PART_E = Part(
    id="hw11.q5e",
    title="Memory of 16-bit parameters and number of H200s",
    reference=(
        "16-bit parameters take 2 bytes each. 1 billion parameters: 10^9 × 2 bytes = 2 GB. "
        "1 trillion parameters: 10^12 × 2 bytes = 2 TB. With 100 GB per H200, the 1T model needs "
        "2000 GB / 100 GB = 20 H200 GPUs."
    ),
    concepts=[
        Concept("1b-params-2gb", number("2 GB", rel=0.02), points=1,
                description="1 billion 16-bit parameters take 2 GB"),
        Concept("1t-params-2tb", number("2 TB", rel=0.02), points=1,
                description="1 trillion 16-bit parameters take 2 TB (2000 GB)"),
        Concept("20-h200s", any_of(number(20, unit="GPUs", rel=0.02, bound_to=("GPU", "H200", "cards", "accelerators")),
                                   number(20, rel=0.02, near=("GPU", "H200"), within_chars=40)),
                points=1, description="2 TB / 100 GB per H200 = 20 H200 GPUs"),
        Concept(
            "no-16-bytes-per-param",
            not_(any_of(number("16 GB", rel=0.02), number("16 TB", rel=0.02),
                        number(160, unit="GPUs", rel=0.02, bound_to=("GPU", "H200")),
                        number("16 bytes", rel=0.02, bound_to=("param", "parameter", "weight", "per"))),
                 because="16 bytes per 16-bit parameter (16 bits are 2 bytes)"),
            description="A 16-bit parameter is 2 bytes, not 16 bytes",
        ),
    ],
    good_examples=[
        r"""A 16-bit (fp16/bf16) parameter is $16/8 = 2$ bytes.

1. $10^9 \times 2\ \text{B} = 2\ \text{GB}$
2. $10^{12} \times 2\ \text{B} = 2\ \text{TB}$
3. $\lceil 2000\ \text{GB} / 100\ \text{GB} \rceil = 20$ H200s""",
        """| Model | Bytes | Memory |
|---|---|---|
| 1B params | 1e9 × 2 | 2 GB |
| 1T params | 1e12 × 2 | 2,000 GB |

GPUs for the 1T model: 2,000 GB ÷ 100 GB per card → **20 GPUs** (just for the weights; activations and KV cache need more).""",
        """- 1B params: 2 GB
- 1T params: 2 TB
- GPUs: 2 TB / 100 GB = 20""",
        """Since 16 bits = 2 bytes, a billion-parameter model needs about 2 gigabytes and a trillion-parameter model
about 2 terabytes, so you'd need twenty H200 GPUs... i.e. 20 H200s with 100 GB each to hold the weights.""",
    ],
    bad_examples=[
        # wrong twin: 16 bytes per parameter
        Example(
            """Each 16-bit parameter is 16 bytes. 1B params → 16 GB, 1T params → 16 TB, so 160 GPUs.""",
            caught_by="no-16-bytes-per-param",
        ),
        # right memory, wrong GPU count
        Example(
            """1B params = 2 GB; 1T params = 2 TB; with 100 GB per H200 we need 2 GPUs.""",
            caught_by="20-h200s",
        ),
        # the twin hidden inside otherwise right numbers
        Example(
            """1B: 2 GB. 1T: 2 TB, so 20 H200 GPUs. (Strictly, at 16 bytes per parameter it would be 16 TB.)""",
            caught_by="no-16-bytes-per-param",
        ),
        # bits/bytes confusion
        Example(
            """16-bit params: 1e9 × 16 = 16 GB for 1B, 16,000 GB for 1T → 160 H200 GPUs.""",
            caught_by="no-16-bytes-per-param",
        ),
    ],
)

# ---------------------------------------------------------------------------------------------
# (f) one year of storage on SSD vs DRAM
# ---------------------------------------------------------------------------------------------

PART_F = Part(
    id="hw11.q5f",
    title="Yearly storage cost of a 100T model on SSD vs DRAM",
    reference=(
        "The model is 10^14 params × 2 bytes = 200 TB = 2 × 10^8 MB. "
        "SSD: 2 × 10^8 MB × $0.00005/MB ≈ $10,000 per year. DRAM: 2 × 10^8 MB × $0.0040/MB ≈ $800,000 per year."
    ),
    concepts=[
        Concept("size-2e8-mb", number("2e8 MB", rel=0.03), points=1,
                description="The 100T model at 2 bytes per parameter is 200 TB = 2 × 10^8 MB"),
        Concept("ssd-10k", number("$10,000", rel=0.05, near=("SSD", "flash", "disk")), points=2,
                description="SSD: 2 × 10^8 MB × $0.00005/MB ≈ $10,000 per year"),
        Concept("dram-800k", number("$800,000", rel=0.05, near=("DRAM", "RAM", "memory")), points=2,
                description="DRAM: 2 × 10^8 MB × $0.0040/MB ≈ $800,000 per year"),
        Concept(
            "no-mb-off-by-1000",
            not_(any_of(number("2e5 MB", rel=0.05), number("2e11 MB", rel=0.05),
                        number("$10", rel=0.05), number("$800", rel=0.05),
                        number("$1e7", rel=0.05), number("$8e8", rel=0.05)),
                 because="MB conversion off by 10^3 (200 TB is 2 × 10^8 MB, so costs of $10 / $800 or $10M / $800M)"),
            description="200 TB is converted to 2 × 10^8 MB, not off by a factor of 1000",
        ),
        Concept(
            "ssd-dram-not-swapped",
            not_(any_of(in_segments_naming("SSD", number("$800,000", rel=0.05), unless=("DRAM",)),
                        in_segments_naming("DRAM", number("$10,000", rel=0.05), unless=("SSD",))),
                 because="SSD and DRAM costs swapped"),
            description="SSD is the cheap one ($10,000), DRAM the expensive one ($800,000)",
        ),
    ],
    good_examples=[
        r"""**Size:** $10^{14}\times 2\,\text{B} = 2\times10^{14}\,\text{B} = 200\,\text{TB} = 2\times10^{8}\,\text{MB}$.

- **SSD:** $2\times10^{8}\,\text{MB}\times \$0.00005/\text{MB} = \$10{,}000$ per year
- **DRAM:** $2\times10^{8}\,\text{MB}\times \$0.0040/\text{MB} = \$800{,}000$ per year

DRAM is 80× pricier than SSD.""",
        """| Medium | $/MB | Cost for 200 TB (2e8 MB) |
|---|---|---|
| SSD | 0.00005 | $10k / year |
| DRAM | 0.0040 | $800k / year |""",
        """Model: 100T × 2 B = 200 TB = 2e8 MB. SSD ≈ $10,000/year; DRAM ≈ $800,000/year.""",
        """Storing the 200-terabyte model on SSD costs about ten thousand dollars a year — precisely
2e8 MB * 0.00005 = $10,000 — while keeping it resident in DRAM costs roughly $0.8M a year ($800,000).""",
    ],
    bad_examples=[
        # wrong twin: 200 TB = 2e5 MB
        Example(
            """200 TB = 2 × 10^5 MB. SSD: 2e5 × $0.00005 = $10. DRAM: 2e5 × $0.004 = $800.""",
            caught_by="no-mb-off-by-1000",
        ),
        # wrong twin the other way: 2e11 MB
        Example(
            """200 TB = 2 × 10^11 MB, so SSD costs $10,000,000 per year and DRAM $800,000,000 per year.""",
            caught_by="no-mb-off-by-1000",
        ),
        # swapped media
        Example(
            """Model = 200 TB = 2e8 MB. SSD costs $800,000 per year; DRAM costs $10,000 per year.""",
            caught_by="ssd-dram-not-swapped",
        ),
        # right size, DRAM wrong
        Example(
            """Size = 2 × 10^8 MB. SSD ≈ $10,000/year; DRAM ≈ $80,000/year.""",
            caught_by="dram-800k",
        ),
    ],
)

# ---------------------------------------------------------------------------------------------
# (g) memory-bandwidth-bound latency and batch size
# ---------------------------------------------------------------------------------------------

PART_G = Part(
    id="hw11.q5g",
    title="Bandwidth-bound token latency and batch size",
    reference=(
        "Each generated token must stream all weights from HBM. GPT-6: 200 TB / 4.8 TB/s ≈ 41.7 s per token "
        "(≈ 1.44 tokens per minute). GPT-3: 0.35 TB / 4.8 TB/s ≈ 0.073 s = 73 ms per token (≈ 823 tokens per minute). "
        "Batch size at which activation traffic equals weight traffic for GPT-3: 350,000 MB / 23.6 MB ≈ 14,800."
    ),
    concepts=[
        Concept("gpt6-latency-41.7s",
                any_of(number("41.7 s", rel=0.05), number("1.44 tokens/min", rel=0.05)), points=2,
                description="GPT-6: 200 TB / 4.8 TB/s ≈ 41.7 s per token (≈ 1.44 tokens per minute)"),
        Concept("gpt3-latency-73ms",
                any_of(number("73 ms", rel=0.05), number("823 tokens/min", rel=0.05)), points=2,
                description="GPT-3: 0.35 TB / 4.8 TB/s ≈ 73 ms per token (≈ 823 tokens per minute)"),
        Concept("batch-14800",
                number(14800, rel=0.04, near=("batch", "B =", "B ≈", "B="), within_chars=150),
                points=2, description="Batch size ≈ 350,000 MB / 23.6 MB ≈ 14,800"),
    ],
    good_examples=[
        r"""**GPT-6.** Weights $=200\,\text{TB}$, HBM bandwidth $4.8\,\text{TB/s}$:
$$t = \frac{200}{4.8} \approx 41.7\ \text{s per token} \;\Rightarrow\; \approx 1.44\ \text{tokens/min}.$$

**GPT-3.** $0.35\,\text{TB}/4.8\,\text{TB/s} \approx 0.0729\,\text{s} \approx 73\,\text{ms}$ per token, i.e. about 823 tokens/min.

**Batch.** Weights $350{,}000\,\text{MB}$, activations $23.6\,\text{MB}$ per sequence: $B \approx 350{,}000/23.6 \approx 14{,}800$.""",
        """| Model | Bytes read per token | Time per token | Throughput |
|---|---|---|---|
| GPT-6 (100T) | 200 TB | ≈ 42 s | ≈ 1.4 tokens/min |
| GPT-3 (175B) | 0.35 TB | ≈ 73 ms | ≈ 820 tokens/min |

Break-even batch size for GPT-3 ≈ 350 GB / 23.6 MB ≈ 14,830 sequences.""",
        """Generating a single token from GPT-6 means streaming 200 TB through 4.8 TB/s, which takes about 41.7 seconds.
GPT-3 is much lighter: 350 GB / 4.8 TB/s is roughly 0.073 seconds per token. To make the activation traffic match the
weight traffic you would batch around 15,000 requests (350,000 MB / 23.6 MB ≈ 14,800).""",
    ],
    bad_examples=[
        # off by 1000 on GPT-6 (TB vs GB)
        Example(
            """GPT-6: 200 GB / 4.8 TB/s ≈ 41.7 ms per token. GPT-3: 73 ms per token. Batch ≈ 14,800.""",
            caught_by="gpt6-latency-41.7s",
        ),
        # batch off by 1000
        Example(
            """GPT-6 latency ≈ 41.7 s per token; GPT-3 ≈ 73 ms. Batch B = 350 / 23.6 ≈ 14.8.""",
            caught_by="batch-14800",
        ),
        # GPT-3 latency wrong (used 175 GB)
        Example(
            """GPT-6: 41.7 s per token (1.44 tokens/min). GPT-3: 175 GB / 4.8 TB/s ≈ 36 ms per token (1,650 tokens/min).
Batch ≈ 14,800.""",
            caught_by="gpt3-latency-73ms",
        ),
    ],
)

# ---------------------------------------------------------------------------------------------
# (h) PF-days and dollars
# ---------------------------------------------------------------------------------------------

PART_H = Part(
    id="hw11.q5h",
    title="Training cost in PF-days and dollars",
    reference=(
        "1 PF-day = 10^15 FLOP/s × 86,400 s = 8.64 × 10^19 FLOPs. An H200 at 1.98 PFLOP/s needs 24/1.98 ≈ 12.1 H200-hours "
        "for one PF-day, ≈ 12.1 × $1.50 ≈ $18.18. GPT-3 (3640 PF-days) ≈ 3640 × $18.18 ≈ $66,000. GPT-6 (10^30 FLOPs) "
        "is 10^30 / 8.64 × 10^19 ≈ 1.16 × 10^10 PF-days ≈ $210 billion, more than the Apollo program (≈ $178 billion)."
    ),
    concepts=[
        # "8.64e19 FLOPs per PF-day" is read as a FLOP/PF-day rate (≈ 1), so a plain value bound to FLOPs is accepted too.
        Concept("pf-day-8.64e19", any_of(number(8.64e19, unit="FLOPs", rel=0.02),
                                         number(8.64e19, rel=0.02, bound_to=("FLOP", "PF-day", "PF day", "petaflop"))),
                points=1,
                description="1 PF-day = 10^15 FLOP/s × 86,400 s = 8.64 × 10^19 FLOPs"),
        Concept("h200-hours-12.1", number(12.1, rel=0.03, bound_to=("hour", "H200", "GPU-hour")), points=1,
                description="One PF-day is 24 / 1.98 ≈ 12.1 H200-hours"),
        # "$18.18 per PF-day" is read as a $/PF-day rate and converted away, hence the plain value bound to PF-day.
        Concept("pf-day-cost-18", any_of(number("$18.18", rel=0.03),
                                         number(18.18, rel=0.03, bound_to=("PF-day", "PF day", "petaflop"))),
                points=1,
                description="One PF-day costs ≈ 12.1 × $1.50 ≈ $18.18"),
        Concept("gpt3-cost-66k", number("$66,000", rel=0.05), points=2,
                description="GPT-3's 3640 PF-days cost ≈ $66,000"),
        Concept("gpt6-pf-days", number(1.157e10, rel=0.05, bound_to=("PF-day", "PF day", "petaflop", "PF-days", "PFdays")),
                points=1, description="GPT-6's 10^30 FLOPs are ≈ 1.16 × 10^10 PF-days"),
        Concept("gpt6-cost-210b", number("$210e9", rel=0.06), points=2,
                description="GPT-6 costs ≈ $210 billion"),
        Concept("more-than-apollo",
                keywords(regex=True, any_of=[
                    r"\b(?:more|greater|larger|higher|pricier|bigger|costlier)\b[^.\n]{0,50}\bthan\b[^.\n]{0,40}\bapollo",
                    r"\b(?:exceed\w*|surpass\w*|dwarf\w*|outstrip\w*|tops?|eclipse\w*)\b[^.\n]{0,50}\bapollo",
                    r"\bapollo\b[^.\n]{0,60}\b(?:cheaper|less|smaller|a fraction)\b",
                ]),
                points=1, description="GPT-6's ≈ $210 B is more than the Apollo program's ≈ $178 B"),
        Concept("not-cheaper-than-apollo",
                not_(keywords(regex=True, any_of=[
                    r"\b(?:less|cheaper|lower|smaller)\b[^.\n]{0,40}\bthan\b[^.\n]{0,40}\bapollo",
                    r"\bapollo\b[^.\n]{0,60}\b(?:more expensive|costlier|pricier)\b",
                ]), because="GPT-6 said to cost less than the Apollo program"),
                description="GPT-6 is not said to be cheaper than Apollo"),
    ],
    good_examples=[
        r"""1. $1\ \text{PF-day} = 10^{15}\times 86{,}400 = 8.64\times10^{19}$ FLOPs.
2. One H200 (1.98 PFLOP/s) needs $24/1.98 \approx 12.12$ hours per PF-day.
3. At \$1.50 per hour: $12.12 \times 1.5 \approx \$18.18$ per PF-day.
4. GPT-3: $3640 \times \$18.18 \approx \$66{,}200$.
5. GPT-6: $10^{30}/8.64\times10^{19} \approx 1.16\times10^{10}$ PF-days $\Rightarrow \approx \$2.1\times10^{11}$.

That is more than the Apollo program (about \$178B in today's dollars).""",
        """| Item | Value |
|---|---|
| 1 PF-day | 8.64e19 FLOPs |
| H200-hours per PF-day | ≈ 12.1 hours |
| $ per PF-day | ≈ $18.2 |
| GPT-3 (3640 PF-days) | ≈ $66k |
| GPT-6 (1e30 FLOPs = 1.16e10 PF-days) | ≈ $210B |

GPT-6 would exceed the cost of the entire Apollo program (~$178B).""",
        """- 8.64 × 10^19 FLOPs per PF-day
- ≈ 12.1 H200-hours per PF-day → $18.18 per PF-day
- GPT-3: 3,640 PF-days → ~$66k
- GPT-6: ~1.2 × 10^10 PF-days → ~$2.1 × 10^11, i.e. it would exceed the Apollo program (~$178B)""",
        """A petaflop/s-day is 8.64 × 10^19 FLOPs; an H200 delivers that in roughly 12.1 hours, i.e. about $18.18.
GPT-3's 3640 PF-days therefore cost around $66,000, while GPT-6's 10^30 FLOPs ≈ 1.157 × 10^10 PF-days would cost
about $210 billion — surpassing even Apollo's ≈ $178B.""",
    ],
    bad_examples=[
        # PF-day off by 24 (used hours)
        Example(
            """1 PF-day = 10^15 × 3600 = 3.6 × 10^18 FLOPs, about 0.5 H200-hours or $0.76. GPT-3 costs ≈ $2,770 and GPT-6 ≈ $8.8 billion,
far less than Apollo ($178B).""",
            caught_by="pf-day-8.64e19",
        ),
        # right PF-day, GPT-6 cost off by 1000
        Example(
            """1 PF-day = 8.64e19 FLOPs ≈ 12.1 hours ≈ $18.18. GPT-3 ≈ $66,000. GPT-6: 1.16e7 PF-days ≈ $210 million,
cheaper than the Apollo program.""",
            caught_by="gpt6-cost-210b",
        ),
        # right numbers, wrong comparison
        Example(
            """8.64 × 10^19 FLOPs per PF-day; 12.1 hours; $18.18 per PF-day; GPT-3 ≈ $66,000; GPT-6 ≈ 1.16 × 10^10 PF-days
≈ $210 billion, which is less than the Apollo program's $178B.""",
            caught_by="not-cheaper-than-apollo",
        ),
    ],
)

# ---------------------------------------------------------------------------------------------
# (j) inference cost and tokens to recoup $1B
# ---------------------------------------------------------------------------------------------

PART_J = Part(
    id="hw11.q5j",
    title="Inference cost per million tokens and tokens to recoup $1B",
    reference=(
        "1M tokens from a 1T-parameter model take 2 × 10^12 × 10^6 = 2 × 10^18 FLOPs; on an H200 (1.98 × 10^15 FLOP/s) "
        "that is ≈ 1010 s ≈ 0.28 H200-hours ≈ $0.42. Recouping $1B at $120 per 1M tokens needs 10^9 / 120 × 10^6 ≈ "
        "8.33 × 10^12 tokens, ≈ 5.95 × 10^9 essays of 1,400 tokens."
    ),
    concepts=[
        Concept("flops-2e18", number(2e18, unit="FLOPs", rel=0.03), points=1,
                description="1M tokens × 2 × 10^12 FLOPs per token = 2 × 10^18 FLOPs"),
        Concept("h200-hours-0.28", number("0.28 hours", rel=0.08), points=1,
                description="2 × 10^18 / 1.98 × 10^15 FLOP/s ≈ 1010 s ≈ 0.28 H200-hours"),
        Concept("cost-0.42", number("$0.42", rel=0.06), points=2,
                description="0.28 H200-hours × $1.50 ≈ $0.42 per million tokens"),
        Concept("tokens-8.33e12", number(8.33e12, unit="tokens", rel=0.05, bound_to=("token",)), points=2,
                description="$1B / $120 per 1M tokens ≈ 8.33 × 10^12 tokens"),
        Concept("essays-5.95e9", number(5.95e9, unit="essays", rel=0.05, bound_to=("essay",)), points=2,
                description="8.33 × 10^12 tokens / 1,400 tokens per essay ≈ 5.95 × 10^9 essays"),
    ],
    good_examples=[
        r"""- FLOPs: $2N = 2\times10^{12}$ per token, so $2\times10^{12}\times10^{6} = 2\times10^{18}$ FLOPs.
- Time: $2\times10^{18}/1.98\times10^{15} \approx 1010\,\text{s} \approx 0.28\,\text{h}$; cost $\approx 0.28 \times \$1.50 \approx \$0.42$.
- Revenue: $\$10^9 / (\$120/10^6\ \text{tokens}) \approx 8.33\times10^{12}$ tokens.
- Essays: $8.33\times10^{12}/1400 \approx 5.95\times10^{9}$ essays.""",
        """| Quantity | Value |
|---|---|
| FLOPs for 1M tokens | 2e18 FLOPs |
| H200 time | ≈ 16.8 min (0.28 hours) |
| Cost | ≈ $0.42 |
| Tokens to earn $1B | ≈ 8.3 trillion tokens |
| 1,400-token essays | ≈ 5.9 billion essays |""",
        """Serving a million tokens costs about 2 × 10^18 FLOPs, roughly 1,010 seconds of one H200, so about 42 cents.
To bring in a billion dollars at $120 per million tokens OpenAI must sell about 8.33 trillion tokens — about
6 billion essays of 1,400 tokens each.""",
    ],
    bad_examples=[
        # forgot the factor 2 FLOPs per parameter
        Example(
            """FLOPs = 10^12 × 10^6 = 10^18 FLOPs → 505 s ≈ 0.14 hours ≈ $0.21. Tokens ≈ 8.33e12 tokens, ≈ 5.95e9 essays.""",
            caught_by="flops-2e18",
        ),
        # $1B / $120 without the per-million factor
        Example(
            """2e18 FLOPs, 0.28 hours, $0.42. Tokens to recoup $1B: 1e9/120 ≈ 8.33 million tokens ≈ 5,950 essays.""",
            caught_by="tokens-8.33e12",
        ),
        # essays off by 1000
        Example(
            """2 × 10^18 FLOPs ≈ 0.28 H200-hours ≈ $0.42; 8.33 × 10^12 tokens; that's 5.95 million essays.""",
            caught_by="essays-5.95e9",
        ),
    ],
)


question = Question(
    id="hw11.q5",
    title="Fermi estimation",
    prompt=PROMPT,
    parts=[PART_B, PART_C, PART_D, PART_E, PART_F, PART_G, PART_H, PART_J],
)
