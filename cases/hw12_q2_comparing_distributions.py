"""HW12 Q2 — Comparing distributions (KL asymmetry, forward vs reverse KL)."""

from __future__ import annotations

import re
from typing import NamedTuple

from pytest_hwcheck import Concept, Example, Matcher, Part, Question, Verdict, any_of, association, keywords, not_
from pytest_hwcheck.matchers.keywords import regex as regex_term
from pytest_hwcheck.matchers.text import negation_cue, normalize_with_map

PROMPT = r"""## 2. Comparing Distributions

Divergence metrics provide a principled measure of difference between a pair of distributions ($P, Q$). One such example is the Kullback-Leibler Divergence, that is defined as

$$D_{\text{KL}}(P||Q) = \mathbb{E}_{x \sim P(x)} \left[ \log \frac{P(x)}{Q(x)} \right]$$

(a) Technically $D_{\text{KL}}$ is not a true distance since it is asymmetric, i.e. generally $D_{\text{KL}}(P||Q) \neq D_{\text{KL}}(Q||P)$.

**Give an example of univariate distributions $P$ and $Q$ where $D_{\text{KL}}(P||Q) \neq \infty, D_{\text{KL}}(Q||P) = \infty$.**

(b) For a fixed target distribution $P$, we call $D_{\text{KL}}(P||Q)$ the *forward-KL*, while calling $D_{\text{KL}}(Q||P)$ the *reverse-KL*. Due to the asymmetric nature of KL, distributions $Q$ that minimize $D_{\text{KL}}(P||Q)$ can be different from those minimizing $D_{\text{KL}}(Q||P)$.

From the following plots, **identify which of (A, B) correspond to minimizing forward vs. reverse KL. Give brief reasoning.** Here, only the mean and standard deviation of $Q$ is allowed to vary during the minimization.
"""


# ================================================================================================
# Part (a): reading the example pair (P, Q) the answer proposes and judging both KL divergences.
#
# The answer's first affirmative declaration of each distribution is read from its normalized
# text ("P ~ Uniform(0, 1)", "Let Q be the uniform distribution on [0, 2]", "P = N(0, 1)",
# "Q = (1/2, 1/2)", "P = Bernoulli(1)", "Q = Cauchy(0, 1)"), then both divergences are decided
# from the two supports (and tails): D_KL(P‖Q) < ∞ needs supp P ⊆ supp Q; D_KL(Q‖P) = ∞ when
# Q puts mass outside supp P (or, for full-support P, when Q's tails are too heavy: Cauchy / t
# against a Gaussian).
# ================================================================================================

_NUM = r"-?\s*(?:\(\s*-?\d+(?:\.\d+)?\s*\)\s*/\s*\(\s*\d+(?:\.\d+)?\s*\)|\d+(?:\.\d+)?\s*/\s*\d+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"

# "p = …", "p ~ …", "let p be …", "p follows …" (but not the density "p(x) = …").
_DECL = re.compile(
    r"(?<![a-z0-9_\\])(?P<who>p|q)(?![a-z0-9_(‖|])\s*"
    r"(?:=|~|∼|:=|:|(?:\bto\s+)?\bbe\b|\bis\b|\bas\b|\bfollows?\b|\bbeing\b|\bdenote\b|"
    r"(?=(?:uniform|unif|gaussian|normal|cauchy|laplace|exponential|bernoulli)\b))\s*"
    r"(?:(?:the|a|an|some|distributed|as|to)\s+)*(?=(?P<rest>[^\n]{0,160}))"
)
_NAMES = {"gaussian": "a Gaussian", "cauchy": "a Cauchy", "student_t": "a Student-t", "laplace": "a Laplace",
          "logistic": "a logistic", "exponential": "an exponential", "dirac": "a point mass"}
_FULL_SUPPORT = {"gaussian", "cauchy", "student_t", "laplace", "logistic"}
_HEAVY_TAILED = {"cauchy", "student_t"}

_KINDS: list[tuple[str, re.Pattern]] = [
    ("uniform", re.compile(
        r"^(?:continuous\s+)?(?:standard\s+)?(?:uniform|unif|u)\b\s*(?:distribution|distributions|density)?\s*"
        r"(?:(?:on|over|in|supported\s+on|with\s+support)\s+(?:the\s+)?(?:interval\s+)?)?(?:x\s*∈\s*)?\(?\s*"
        rf"[\[(]\s*(?P<a>{_NUM})\s*,\s*(?P<b>{_NUM})\s*[\])]")),
    ("gaussian", re.compile(r"^(?:n\s*\(|(?:standard\s+|univariate\s+)?(?:normal|gaussian)\b)")),
    ("cauchy", re.compile(r"^(?:standard\s+)?cauchy\b")),
    ("student_t", re.compile(r"^(?:student'?s?[\s-]*t\b|t\s*_\s*\d|t\s*\(|t[\s-]+distribution)")),
    ("laplace", re.compile(r"^(?:laplace|laplacian)\b")),
    ("logistic", re.compile(r"^logistic\b")),
    ("exponential", re.compile(r"^(?:exp|exponential)\b")),
    ("dirac", re.compile(r"^(?:dirac|δ|point\s+mass|delta\b)")),
    ("bernoulli", re.compile(rf"^(?:bernoulli|bern)\s*\(\s*(?P<p>{_NUM})\s*\)")),
    ("vector", re.compile(rf"^[\[(]\s*(?P<v>{_NUM}(?:\s*,\s*{_NUM})+)\s*[\])]")),
]


def _num(text: str) -> float:
    t = re.sub(r"[\s()]", "", text)
    if "/" in t:
        a, b = t.split("/", 1)
        return float(a) / float(b)
    return float(t)


class _Dist(NamedTuple):
    kind: str
    evidence: str
    interval: tuple[float, float] | None = None     # uniform
    probs: tuple[float, ...] | None = None          # discrete (Bernoulli / probability vector)

    def render(self) -> str:
        if self.kind == "uniform":
            return f"Uniform[{self.interval[0]:g}, {self.interval[1]:g}]"
        if self.probs is not None:
            return "(" + ", ".join(f"{p:g}" for p in self.probs) + ")"
        return _NAMES.get(self.kind, self.kind)


def _classify(rest: str, evidence: str) -> _Dist | None:
    for kind, pattern in _KINDS:
        m = pattern.match(rest)
        if m is None:
            continue
        try:
            if kind == "uniform":
                a, b = _num(m.group("a")), _num(m.group("b"))
                return _Dist(kind, evidence, interval=(a, b)) if a < b else None
            if kind == "bernoulli":
                p = _num(m.group("p"))
                return _Dist("discrete", evidence, probs=(1 - p, p)) if 0 <= p <= 1 else None
            if kind == "vector":
                probs = tuple(_num(x) for x in m.group("v").split(","))
                if all(p >= 0 for p in probs) and abs(sum(probs) - 1) < 0.02:
                    return _Dist("discrete", evidence, probs=probs)
                return None
        except (ValueError, ZeroDivisionError):
            return None
        return _Dist(kind, evidence)
    return None


#: A sentence that rejects the pair it states ("P = U[0,1], Q = U[0,2] would not work").
_REFUTED = re.compile(r"(?<![a-z])(?:(?:does|do|would|will|can)\s*(?:not|n't)\s+(?:work|satisfy|qualify|do)|"
                      r"fails?\b|(?:is|are)\s+(?:wrong|incorrect|invalid|not\s+valid)|counter-?example)")


def _sentence(text: str, pos: int) -> str:
    """The sentence of normalized ``text`` around ``pos`` (decimal points do not end it)."""
    ends = [m.end() for m in re.finditer(r"[.!?](?=\s)|\n", text[:pos])]
    start = ends[-1] if ends else 0
    m = re.search(r"[.!?](?=\s|$)|\n", text[pos:])
    return text[start: pos + m.start() if m else len(text)]


def _span_of(rest: str) -> int:
    """Length of the distribution's own text at the start of ``rest`` ("uniform(0, 1)" of "uniform(0, 1). density ...")."""
    for _, pattern in _KINDS:
        m = pattern.match(rest)
        if m is not None:
            end = m.end()
            # Take in the parameters: "n(" -> "n(0, 1)", "cauchy" -> "cauchy(0, 1)".
            params = re.compile(r"[^()\n]{0,40}\)" if rest[end - 1: end] == "(" else r"\s*\([^()\n]{0,40}\)")
            more = params.match(rest, end)
            return more.end() if more else end
    return 0


def _declarations(answer: str) -> dict[str, _Dist]:
    """The first affirmatively stated distribution for P and for Q (evidence: the declaration as written)."""
    norm = normalize_with_map(answer)
    text = norm.text
    found: dict[str, _Dist] = {}
    for m in _DECL.finditer(text):
        who = m.group("who")
        if who in found:
            continue
        rest = m.group("rest")
        rest_start = m.start("rest") + len(rest) - len(rest.lstrip())
        decl_end = rest_start + _span_of(rest.lstrip())
        dist = _classify(rest.strip(), norm.source_text(m.start(), decl_end).strip())
        if dist is None:
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line = text[line_start: line_end if line_end >= 0 else len(text)]
        if negation_cue(line, (m.start() - line_start, decl_end - line_start)):
            continue
        if _REFUTED.search(_sentence(text, m.start())):
            continue
        found[who] = dist
    return found


def _subset(inner: _Dist, outer: _Dist) -> tuple[bool, bool] | None:
    """(supp inner ⊆ supp outer, outer has mass outside supp inner), or None when the supports are not comparable."""
    def support(d: _Dist):
        if d.kind == "uniform":
            return ("interval", d.interval)
        if d.kind in _FULL_SUPPORT:
            return ("interval", (float("-inf"), float("inf")))
        if d.kind == "exponential":
            return ("interval", (0.0, float("inf")))
        if d.kind == "discrete":
            return ("set", frozenset(i for i, p in enumerate(d.probs) if p > 0))
        return None

    si, so = support(inner), support(outer)
    if si is None or so is None or si[0] != so[0]:
        return None
    if si[0] == "set":
        return si[1] <= so[1], bool(so[1] - si[1])
    (a, b), (c, d) = si[1], so[1]
    return (c <= a and b <= d), (c < a or d > b)


def judge_pair(answer: str) -> tuple[str, str]:
    """Classify the example: valid / gaussians / swapped / both-finite / both-infinite / unknown, and why."""
    decl = _declarations(answer)
    if "p" not in decl or "q" not in decl:
        missing = " and ".join(w.upper() for w in ("p", "q") if w not in decl)
        return "unknown", f"no concrete distribution stated for {missing}"
    p, q = decl["p"], decl["q"]
    pair = f"P = {p.render()}, Q = {q.render()}"
    if p.kind == "gaussian" and q.kind == "gaussian":
        return "gaussians", f"{pair}: KL between two Gaussians is finite both ways"
    if p.kind == "dirac" or q.kind == "dirac":
        return "unknown", f"{pair}: a point mass against a density has no finite KL either way"
    p_in_q, q_in_p = _subset(p, q), _subset(q, p)
    if p_in_q is None or q_in_p is None:
        return "unknown", f"{pair}: supports not comparable"
    forward_finite = p_in_q[0]          # D_KL(P‖Q) < ∞ needs supp P ⊆ supp Q
    reverse_infinite = not q_in_p[0]    # D_KL(Q‖P) = ∞ once Q has mass outside supp P
    if p.kind in _FULL_SUPPORT and q.kind in _FULL_SUPPORT:
        # Same support: decided by the tails (E_Q[log Q/P] diverges for a heavy-tailed Q against a Gaussian P).
        forward_finite = not (p.kind in _HEAVY_TAILED and q.kind == "gaussian")
        reverse_infinite = q.kind in _HEAVY_TAILED and p.kind == "gaussian"
    if forward_finite and reverse_infinite:
        return "valid", f"{pair}: D_KL(P‖Q) < ∞ and D_KL(Q‖P) = ∞"
    if not forward_finite and not reverse_infinite:
        return "swapped", f"{pair}: D_KL(P‖Q) = ∞ but D_KL(Q‖P) < ∞ (the roles of P and Q are swapped)"
    if forward_finite and not reverse_infinite:
        return "both-finite", f"{pair}: both D_KL(P‖Q) and D_KL(Q‖P) are finite"
    return "both-infinite", f"{pair}: both divergences are infinite"


class _KLExample(Matcher):
    """Passes when the example pair the answer proposes falls in ``outcome`` (or, negated, does not)."""

    name = "kl_example"

    def __init__(self, outcome: str) -> None:
        super().__init__(outcome=outcome)
        self.outcome = outcome

    def check(self, answer: str) -> Verdict:
        outcome, why = judge_pair(answer)
        decl = _declarations(answer)
        evidence = "; ".join(d.evidence for d in decl.values()) or None
        if outcome == self.outcome:
            return Verdict.ok(why, evidence=evidence, expected=self.outcome, found=outcome)
        return Verdict.fail(why, evidence=evidence, expected=self.outcome, found=outcome)


#: Why D_KL(Q‖P) = ∞ while D_KL(P‖Q) < ∞: supp P strictly inside supp Q (Q has mass where P = 0),
#: or, for a full-support P, Q's tails too heavy for P.
def _rx(pattern: str) -> str:
    """A regex written with plain spaces, made to accept any whitespace (answers wrap lines)."""
    return pattern.replace(" ", r"\s+")


SUPPORT_REASON = keywords(
    any_of=[
        regex_term(_rx(r"support of (?:the\s+)?(?:distribution\s+)?p (?:is |lies |sits )?(?:a |an )?(?:proper |strict )?"
                       r"(?:subset of|contained (?:with)?in|inside|within|included in|covered by) (?:the\s+)?support of "
                       r"(?:the\s+)?(?:distribution\s+)?q"),
                   label="the support of P is a (proper) subset of the support of Q"),
        regex_term(_rx(r"p\s*'?s support (?:is |to be |lies |sits )?(?:a |an )?(?:proper |strict )?"
                       r"(?:subset of|contained (?:with)?in|inside|within|included in) q\s*'?s(?: support)?"),
                   label="P's support inside Q's support"),
        regex_term(r"supp\s*\(?\s*p\s*\)?[^.\n]{0,30}?(?:⊂|⊊|⊆|\\subset\w*|subset)[^.\n]{0,30}?supp\s*\(?\s*q",
                   label="supp P ⊂ supp Q"),
        regex_term(_rx(r"q (?:has|puts|places|assigns|gives) (?:\"?extra\"? |positive |non-?zero |some )?"
                       r"(?:support|mass|probability|density)[^.\n]{0,60}?(?:where|in regions where|on regions where|outside)"
                       r"\s+(?:p|p\s*'?s support|the support of p)(?:\s+(?:is|has|=)\s*(?:zero|0|no)|\b)"),
                   label="Q has mass where P is zero"),
        regex_term(r"q\(x\)\s*(?:>|=)\s*[\d./]*\s*,?\s*(?:but|while|whereas|and|yet)\s+p\(x\)\s*=\s*0",
                   label="Q(x) > 0 but P(x) = 0"),
        regex_term(_rx(r"q'?s? (?:has )?support (?:that )?extends? beyond (?:p|the support of p)"),
                   label="Q's support extends beyond P's"),
        regex_term(r"(?:heavier|heavy|fatter|fat)[\s-]+tail", label="Q has heavier tails"),
    ],
)

VALID_EXAMPLE = _KLExample("valid")
TWO_GAUSSIANS = _KLExample("gaussians")
ROLES_SWAPPED = _KLExample("swapped")
BOTH_FINITE = _KLExample("both-finite")


REFERENCE_A = r"""Take P = Uniform[0, 1] and Q = Uniform[0, 2]. The support of P is a proper subset of the support of Q.
D_KL(P‖Q) = ∫₀¹ 1·log(1/(1/2)) dx = ln 2 < ∞. D_KL(Q‖P) = ∫₀² ½·log(½ / P(x)) dx, and on (1, 2] Q(x) = ½ but
P(x) = 0, so the integrand is infinite on a set of positive Q-probability: D_KL(Q‖P) = ∞."""

GOOD_A = [
    # The standard example, long, LaTeX.
    r"""### (a)

KL blows up exactly when the first argument puts mass where the second has none. So we want
$\operatorname{supp} P \subsetneq \operatorname{supp} Q$: the support of $P$ is a proper subset of the support of $Q$.

**Example.** $P = \mathcal{U}[0, 1]$, $Q = \mathcal{U}[0, 2]$, i.e. $p(x) = \mathbb{1}[0 \le x \le 1]$ and
$q(x) = \tfrac12 \mathbb{1}[0 \le x \le 2]$.

* Forward: $$D_{KL}(P\|Q) = \int_0^1 1 \cdot \log\frac{1}{1/2}\,dx = \ln 2 \approx 0.69 < \infty.$$
* Reverse: $$D_{KL}(Q\|P) = \int_0^2 \tfrac12 \log\frac{1/2}{p(x)}\,dx,$$ and for $x \in (1, 2]$ we have
  $q(x) = 1/2$ but $p(x) = 0$, so $\log(q/p) = +\infty$ on a set of $Q$-probability $1/2$: $D_{KL}(Q\|P) = \infty$.""",
    # Discrete, with a table.
    r"""(a) A two-point example works. Let P = (1, 0) and Q = (1/2, 1/2) on the outcomes {0, 1}.

| | x = 0 | x = 1 |
|---|---|---|
| P(x) | 1 | 0 |
| Q(x) | 1/2 | 1/2 |

D_KL(P‖Q) = 1·log(1/(1/2)) + 0 = log 2, finite (0·log 0 = 0 by convention).
D_KL(Q‖P) = ½ log(½/1) + ½ log(½/0) = ∞, because Q puts mass on x = 1 where P is zero.""",
    # Uniform against a Gaussian.
    r"""**(a)** Let $P \sim \text{Uniform}(-1, 1)$ and $Q = \mathcal{N}(0, 1)$.

- $D_{KL}(P\|Q) = \mathbb{E}_P[\log p - \log q] = \log\tfrac12 + \tfrac12\log(2\pi) + \tfrac12\mathbb{E}_P[x^2]$, which is
  finite since $x^2 \le 1$ on $[-1, 1]$.
- $D_{KL}(Q\|P) = \infty$: the Gaussian has positive density outside $[-1, 1]$, where $P$ is zero, so
  $\log(q(x)/p(x)) = \infty$ on a set of positive $Q$-probability. In other words, P's support is contained in Q's
  support but not the other way round.""",
    # Gaussian against a Cauchy: same support, heavy tails.
    r"""(a) The supports don't even have to differ. Let P = N(0, 1) and Q = Cauchy(0, 1).

D_KL(P‖Q) = E_P[log p(x) − log q(x)] involves only E_P[x²] and E_P[log(1 + x²)], both finite, so it is finite.
D_KL(Q‖P) = E_Q[log q − log p] contains E_Q[x²/2], and the Cauchy has no finite second moment: its heavy tails make
the reverse divergence infinite.""",
    # Shifted intervals, terse, with "∼".
    r"""P ∼ U(2, 3), Q ∼ U(0, 5). Since supp P = [2, 3] ⊂ [0, 5] = supp Q: D_KL(P‖Q) = log 5 < ∞, while Q has
mass on [0, 2) ∪ (3, 5] where P is zero, so D_KL(Q‖P) = ∞.""",
]

BAD_A = [
    # Two Gaussians (the claude-sonnet twin, in other words).
    Example(
        r"""(a) Take P = N(0, 1) and Q = N(1, 9). The forward divergence D_KL(P‖Q) is finite since Q covers everywhere P
has mass. The reverse D_KL(Q‖P) = ∞ because Q has much heavier tails than P: far out, Q(x) > 0 while P(x) → 0, so
log(Q/P) → ∞ and the expectation under Q diverges.""",
        caught_by="not-two-gaussians",
    ),
    # Roles swapped.
    Example(
        r"""### (a)
We need the support of P to be a subset of the support of Q.
Let $P = \text{Uniform}(0, 2)$ and $Q = \text{Uniform}(0, 1)$. Then $D_{KL}(P\|Q) = \log 2$ is finite, while
$D_{KL}(Q\|P) = \infty$ because Q has mass where P is zero.""",
        caught_by="not-roles-swapped",
    ),
    # Both finite: two Laplace distributions.
    Example(
        r"""(a) Let P = Laplace(0, 1) and Q = Laplace(0, 3). Q is wider, so it places mass in the tails where P is
tiny; D_KL(P‖Q) is finite but D_KL(Q‖P) = ∞.""",
        caught_by="not-both-finite",
    ),
    # Both finite: two Bernoullis.
    Example(
        r"""**(a)** P = Bernoulli(0.2), Q = Bernoulli(0.5): D_KL(P‖Q) = 0.2 log(0.4) + 0.8 log(1.6) ≈ 0.19, and
D_KL(Q‖P) = ∞ since Q puts more mass on 1 than P does.""",
        caught_by="not-both-finite",
    ),
    # Right pair, but stated as the pair that does NOT work, and a swapped one proposed instead.
    Example(
        r"""(a) P = U[0, 1], Q = U[0, 2] would not work here. Instead let P = U[0, 2] and Q = U[0, 1]: Q's support lies
inside P's, so D_KL(P‖Q) is finite and D_KL(Q‖P) = ∞.""",
        caught_by="not-roles-swapped",
    ),
]


# ================================================================================================
# Part (b)
# ================================================================================================

FORWARD = ("forward KL", "forward-KL", "forward KL divergence", "D_KL(P‖Q)", "KL(P‖Q)")
REVERSE = ("reverse KL", "reverse-KL", "reverse KL divergence", "D_KL(Q‖P)", "KL(Q‖P)")
COVERING = ("mass-covering", "mode-covering", "zero-avoiding", "mean-seeking", "inclusive", "covers both modes",
            "cover both modes", "covering both modes", "covers all modes", "cover all modes", "spreads out",
            "spread out", "moment matching", "moment-matching")
SEEKING = ("mode-seeking", "zero-forcing", "exclusive", "one mode", "single mode", "a single peak", "one of the modes",
           "one of the peaks", "locks onto", "collapses onto")
SEEKING_ONLY = ("mode-seeking", "zero-forcing")
COVERING_ONLY = ("mass-covering", "mode-covering", "zero-avoiding", "mean-seeking")



def _table_label(letter: str):
    """A table cell holding just the plot's letter ("| A | forward KL | ... |")."""
    return regex_term(rf"(?<=\|)\s*(?:\*\*)?{letter.lower()}(?:\*\*)?\s*(?=\|)",
                      label=f"Plot {letter.upper()} (table row)")


#: A line that opens with the part's own label: "### (b) Forward vs. Reverse KL", "Part (b): ...", "**(b)**".
_PART_HEADING = re.compile(r"(?im)^(\s{0,3}(?:#{1,6}\s*)?(?:\*\*)?\s*(?:part\s*)?)\(?b\)(?=[\s:*.])")


class _OutsidePartHeading(Matcher):
    """Runs ``inner`` with the part label of a "(b) …" heading blanked out.

    ``association("Plot B", ...)`` reads the part label "(b)" of a heading such as
    "### (b) Reverse vs. Forward KL" as Plot B, binding it to whatever KL the heading names;
    the heading's label says which *part* this is, not which *plot*.
    """

    name = "outside_part_heading"

    def __init__(self, inner: Matcher) -> None:
        super().__init__()
        self.inner = inner

    def children(self) -> list[Matcher]:
        return [self.inner]

    def check(self, answer: str) -> Verdict:
        return self.inner(_PART_HEADING.sub(lambda m: m.group(1) + "   ", answer))

    def __repr__(self) -> str:
        return repr(self.inner)


def plot_is(letter: str, attribute, conflicts=()):
    """Plot <letter> bound to ``attribute`` in a clause ("Plot A is forward KL") or a table row ("| A | forward KL |")."""
    return _OutsidePartHeading(any_of(
        association(f"Plot {letter.upper()}", attribute, conflicts=list(conflicts)),
        association(_table_label(letter), attribute, conflicts=list(conflicts), within="item"),
    ))


REFERENCE_B = r"""Plot A is forward KL, D_KL(P‖Q): it is mass-covering (zero-avoiding), so Q spreads over both modes of P,
because any region where P > 0 and Q ≈ 0 is penalised heavily. Plot B is reverse KL, D_KL(Q‖P): it is mode-seeking
(zero-forcing), so Q locks onto one mode, because Q pays for any mass it puts where P ≈ 0 (the valley between the
modes)."""

GOOD_B = [
    # Long Markdown with derivation-style reasoning.
    r"""## (b)

**Plot A ↔ forward KL $D_{KL}(P\|Q)$; Plot B ↔ reverse KL $D_{KL}(Q\|P)$.**

*Forward KL* $= \mathbb{E}_{x\sim P}[\log P(x) - \log Q(x)]$. The expectation is over $P$, so wherever $P$ has mass,
$Q$ must not be small, or $-\log Q(x)$ explodes. A single Gaussian therefore widens to cover both bumps of the bimodal
target — forward KL is **mass-covering / zero-avoiding**, which is what Plot A shows (a broad $Q$ centred between
the modes).

*Reverse KL* $= \mathbb{E}_{x\sim Q}[\log Q(x) - \log P(x)]$. Now $Q$ pays for any mass it puts where $P \approx 0$,
e.g. in the valley between the modes, so it prefers to sit on a single peak: reverse KL is **mode-seeking /
zero-forcing**, as in Plot B (a narrow $Q$ on one mode).""",
    # A table.
    r"""| plot | objective | behaviour |
|---|---|---|
| A | forward KL, D_KL(P‖Q) | mass-covering: Q stretches over both modes |
| B | reverse KL, D_KL(Q‖P) | mode-seeking: Q fits one mode and ignores the other |""",
    # Reverse order, terse prose.
    r"""(b) Plot B is the reverse KL: reverse KL is mode-seeking, so the narrow Q that hugs one peak is its minimiser.
Plot A is the forward KL, which is zero-avoiding, so its Q is wide and covers both modes.""",
    # Checkboxes.
    r"""- [x] Plot A — forward KL ($D_{KL}(P\|Q)$), mode-covering: $Q$ must be positive wherever $P$ is.
- [x] Plot B — reverse KL ($D_{KL}(Q\|P)$), zero-forcing: $Q$ avoids the low-density gap and collapses onto one mode.""",
    # A heading that names both objectives, reverse first, then attribute-first prose.
    r"""### (b) Reverse vs. forward KL

The wide Gaussian in Plot A, straddling both bumps, is what minimizing $D_{KL}(P\|Q)$ produces: forward KL is
zero-avoiding, so $Q$ has to stay positive wherever $P$ is, and the best single Gaussian is a broad one centred in the
valley. The narrow Gaussian sitting on one bump is what minimizing $D_{KL}(Q\|P)$ produces (Plot B): reverse KL is
mode-seeking, because mass that $Q$ puts in the valley, where $P \approx 0$, costs $\log(Q/P) \to \infty$.""",
]

BAD_B = [
    # Swapped plots.
    Example(
        r"""(b) Plot A is the reverse KL and Plot B is the forward KL. Reverse KL is mode-seeking and forward KL is
mass-covering, so the broad Q of Plot A comes from reverse KL and the narrow Q of Plot B from forward KL.""",
        caught_by="no-swapped-plots",
    ),
    # Right plots, properties swapped.
    Example(
        r"""(b) Plot A corresponds to forward KL, D_KL(P‖Q), which is mode-seeking: Q picks a single region.
Plot B corresponds to reverse KL, D_KL(Q‖P), which is mass-covering and spreads Q over everything.""",
        caught_by="no-swapped-properties",
    ),
    # A table with the plots swapped.
    Example(
        r"""| plot | objective |
|---|---|
| A | reverse KL (mode-seeking) |
| B | forward KL (mass-covering) |""",
        caught_by="no-swapped-plots",
    ),
    # Negated: says Plot A is not forward KL.
    Example(
        r"""(b) Plot A is not the forward KL: since forward KL is mass-covering and reverse KL is mode-seeking, Plot B is
the forward KL and Plot A is the reverse KL.""",
        caught_by="no-swapped-plots",
    ),
]


question = Question(
    id="hw12.q2",
    title="Comparing distributions",
    prompt=PROMPT,
    parts=[
        Part(
            id="hw12.q2a",
            title="P, Q with D_KL(P‖Q) finite and D_KL(Q‖P) infinite",
            reference=REFERENCE_A,
            concepts=[
                Concept("valid-example-pair", VALID_EXAMPLE, points=2,
                        description="The example has D_KL(P‖Q) < ∞ and D_KL(Q‖P) = ∞ (e.g. P = U[0,1], Q = U[0,2]: "
                                    "supp P strictly inside supp Q)"),
                Concept("reason-q-has-mass-where-p-is-zero", SUPPORT_REASON,
                        description="D_KL(Q‖P) = ∞ because Q puts mass where P is zero (supp P ⊊ supp Q), or, for a "
                                    "full-support P, because Q's tails are too heavy"),
                Concept("not-two-gaussians",
                        not_(TWO_GAUSSIANS, because="both KL divergences between two Gaussians are finite"),
                        description="The example is not two Gaussians (their KL is finite both ways)"),
                Concept("not-roles-swapped",
                        not_(ROLES_SWAPPED, because="roles of P and Q swapped (e.g. P = U[0,2], Q = U[0,1]): the "
                                                    "forward KL is the infinite one"),
                        description="P is the distribution with the smaller support, not Q"),
                Concept("not-both-finite",
                        not_(BOTH_FINITE, because="both KL divergences of the example are finite"),
                        description="The example does not have both divergences finite"),
            ],
            good_examples=GOOD_A,
            bad_examples=BAD_A,
        ),
        Part(
            id="hw12.q2b",
            title="Forward vs. reverse KL from the plots",
            reference=REFERENCE_B,
            concepts=[
                Concept("plot-a-is-forward-kl", plot_is("A", FORWARD, conflicts=[REVERSE]), points=1.5,
                        description="Plot A corresponds to minimising forward KL D_KL(P‖Q)"),
                Concept("plot-b-is-reverse-kl", plot_is("B", REVERSE, conflicts=[FORWARD]), points=1.5,
                        description="Plot B corresponds to minimising reverse KL D_KL(Q‖P)"),
                Concept("forward-kl-mass-covering",
                        association(FORWARD, COVERING, conflicts=[SEEKING_ONLY], within="item"),
                        description="Forward KL is mass-covering / zero-avoiding: Q spreads over both modes"),
                Concept("reverse-kl-mode-seeking",
                        association(REVERSE, SEEKING, conflicts=[COVERING_ONLY], within="item"),
                        description="Reverse KL is mode-seeking / zero-forcing: Q locks onto one mode"),
                Concept("no-swapped-plots",
                        not_(any_of(plot_is("A", REVERSE), plot_is("B", FORWARD)),
                             because="plots swapped (Plot A called reverse KL or Plot B forward KL)"),
                        description="Does not assign Plot A to reverse KL or Plot B to forward KL"),
                Concept("no-swapped-properties",
                        not_(any_of(association(FORWARD, SEEKING_ONLY), association(REVERSE, COVERING_ONLY)),
                             because="properties swapped (forward KL called mode-seeking or reverse KL mass-covering)"),
                        description="Does not call forward KL mode-seeking or reverse KL mass-covering"),
            ],
            good_examples=GOOD_B,
            bad_examples=BAD_B,
        ),
    ],
)
