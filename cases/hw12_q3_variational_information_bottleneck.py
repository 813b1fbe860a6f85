"""HW12 Q3 — Variational Information Bottleneck (reparameterization, gradient flow, the β trade-off).

Parts:
- (a) the reparameterization block diagram Z = μ + σ·V (multiplier σ×V, then an adder with μ);
- (b) which loss terms send gradients where (encoder: task loss AND latent regularizer; decoder: task loss only);
- (c) the validation-error curve against β (curve (b): dips at moderate β, rises for large β);
- (d) matching the latent-space plots to β by their axis scales ((a) 10^-3, (b) 10^-6, (c) 10^0) and the best one, (a).

Reading rules (the small helpers below wrap the shared matchers; none changes a matcher module):

- An *unmarked* copy of the question's checkbox options ("For decoder parameters θ_d: / task loss /
  latent regularizer" on bare lines, or "(a) β = 10^-6 β = 10^-3 β = 10^0" on one line) selects
  nothing: chat exports lose the ☒ marks, and such a list binds every option to its subject.
  When *every* such listing names all the options, :class:`_WithoutOptionEcho` removes them before
  the concepts of (b) and (d) read the answer, so the prose decides; a ticked or empty box is kept
  (it is a selection), and so is a listing that names only some options.
- Part (b) reads a Markdown table of ticks row by row ("| decoder θ_d | ✓ | ✗ |" under the headers
  "task loss | latent regularizer" becomes "decoder θ_d: ☒ task loss ☐ latent regularizer"), resolves
  "this term" to the loss term named just before it, and does not count a decoder ↔ regularizer
  binding whose own predicate denies it ("the KL term does not involve θ_d", "∂D_KL/∂θ_d = 0").
- Part (c)'s own label at the top of its section ("### (c)") is not a pick of curve (c).
- Part (d) has two sub-questions; the "better latent space" pick is read from sub-part ii only
  (:class:`_InSubpart`), so the β mapping of sub-part i, written "(a) β = 10^-3 …", is never taken
  for the pick.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Sequence

from pytest_hwcheck import (
    Concept,
    Example,
    Matcher,
    Part,
    Question,
    Verdict,
    all_of,
    any_of,
    association,
    choice,
    expression,
    keywords,
    not_,
)
from pytest_hwcheck.matchers.base import as_matcher
from pytest_hwcheck.matchers.keywords import Term, compile_term
from pytest_hwcheck.matchers.keywords import regex as rx
from pytest_hwcheck.matchers.text import CHECKED_MARKS, UNCHECKED_MARKS, normalize_with_map

PROMPT = r"""## 3. Variational Information Bottleneck

In class, you saw tricks that we introduced in the context of Variational Auto-Encoders to allow ourselves to get the latent space to have a desirable distribution. It turns out that we can use the same spirit even with tasks different than auto-encoding.

Consider a prediction task that maps an input source $X$ to a target $Y$ through a latent variable $Z$, as shown in the figure below. Our goal is to learn a latent encoding that is maximally useful for our target task, while trying to be close to a target distribution $r(Z)$.

**Figure 2:** Overview of a VIB that maps an input $X$ to the target $Y$ through a latent variable $Z$ (top). We use deep neural networks for both the encoder and task-relevant “decoder.”

(a) Assume that we decide to have the encoder network (parameterized by $\theta_e$) take both an input $x$ and some independent randomness $V$ to emit a random sample $Z$ in the latent space drawn according to the Gaussian distribution $p_{\theta_e}(Z|x)$.

For this part, assume that we want $Z$ to be a scalar Gaussian (conditioned on $x$) with mean $\mu$ and variance $\sigma^2$ with the encoder neural network emitting the two scalars $\mu$ and $\sigma$ as functions of $x$. Assume that $V$ is drawn from iid standard $\mathcal{N}(0, 1)$ Gaussian random variables.

**Draw a block diagram with multipliers and adders showing how we get $Z$ from $\mu$ and $\sigma$ along with $V$.**

(b) Assume that our task is a classification-type task and the “decoder” network (parameterized by $\theta_d$) emits scores for the different classes that we run through a softmax to get the distribution $q_{\theta_d}(y|z)$ over classes when the latent variable takes value $z$.

To train our networks using our $N$ training points, we want to use SGD to approximately minimize the following loss:

$$L = \frac{1}{N} \sum_{n=1}^N \mathbb{E}_{z \sim p_{\theta_e}(z|x_n)} \left[ \underbrace{-\log q_{\theta_d}(y_n|z)}_{\text{task loss}} \right] + \beta \overbrace{D_{KL}(p_{\theta_e}(Z|x_n) || r(Z))}^{\text{latent regularizer}} \quad (1)$$

where the $y_n$ is the training label for input $x_n$ and during training, we draw fresh randomness $V$ each time we see an input, and we set $r(Z)$ to be a standard Gaussian $\mathcal{N}(0, 1)$.

If we train using SGD treating the random samples of $V$ as a part of the external input, **select all the loss terms that contribute (via backprop) to the gradients used to learn the encoder and decoder parameters:**

|                                     |             |                      |
|-------------------------------------|-------------|----------------------|
| For encoder parameters $\theta_e$: | ☐ task loss | ☐ latent regularizer |
| For decoder parameters $\theta_d$: | ☐ task loss | ☐ latent regularizer |

(c) Let's say we implemented the above information bottleneck for the task of MNIST classification. Which of the curves in Figure 3 below best represents the trend of the *validation error* (on held-out data) with increasing regularization strength parameter $\beta$? (select one)

☐ (a)

☐ (b)

☐ (c)

☐ (d)

**Figure 3:** Validation error (on held-out data) profiles for different values of $\beta$.

(d) Let's say we implemented the above information bottleneck for the task of MNIST classification for three digits, and set the dimension of the latent space $Z$ to 2. Figure 4 below shows the latent space embeddings of the input data, with different symbols corresponding to different class labels, for three choices of $\beta \in \{10^{-6}, 10^{-3}, 10^0\}$. Now answer these two questions:

i. **Guess the respective values of $\beta$ used to generate the samples.** (select one for each fig)

(HINT: Don't forget to look at the axis labels to see the scale.)

- (a) ☐ $\beta = 10^{-6}$ ☐ $\beta = 10^{-3}$ ☐ $\beta = 10^0$
- (b) ☐ $\beta = 10^{-6}$ ☐ $\beta = 10^{-3}$ ☐ $\beta = 10^0$
- (c) ☐ $\beta = 10^{-6}$ ☐ $\beta = 10^{-3}$ ☐ $\beta = 10^0$

ii. **Which of the three experiments in Figure 4 results in a *better* latent space for the prediction task?** (select one)

- ☐ (a)
- ☐ (b)
- ☐ (c)

**Figure 4:** MNIST VIB with 2D latent space.
"""


# ---------------------------------------------------------------------------------------------
# Reading helpers
# ---------------------------------------------------------------------------------------------

_MARKS = tuple(CHECKED_MARKS) + tuple(UNCHECKED_MARKS) + ("[X]",)
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
# What may separate two options of an echoed list on one line: spaces, "/", "|", math dollars, emphasis.
_ECHO_GAP = re.compile(r"[\s/|$*_]*")
# A line holding only one option: optional bullet or number, emphasis, trailing punctuation.
_BARE_LEAD = re.compile(r"^[\s>]*(?:[-*+•][ \t]+|\d{1,2}[.)][ \t]+)?")
_BARE_TRAIL = re.compile(r"[\s.,;:*_]*$")


class _WithoutOptionEcho(Matcher):
    """Grade ``inner`` on the answer with unmarked copies of the question's option list removed.

    A *listing* is (1) a run of bare lines, each holding exactly one option and no box ("task loss" /
    "latent regularizer" under "For decoder parameters θ_d:"), or (2) one line without any box naming
    two or more options separated by nothing but spaces, "/" or "|" ("(a) β = 10^-6 β = 10^-3 β = 10^0").
    When every listing names *all* the options, the answer has copied the question's boxes without
    their marks, and the listings are removed so that the prose decides; when some listing names only
    some options, the listings are selections and are kept. Lines with a ticked or empty box, and
    prose ("task loss and latent regularizer"), are never touched.

    ``prepare`` (optional) rewrites the answer first (``_linearize_tables``), and ``resolve`` after
    (``_resolve_term_anaphora``).
    """

    name = "without_option_echo"

    def __init__(self, inner: Any, options: Sequence[Any], *, prepare: Any = None, resolve: Any = None) -> None:
        super().__init__()
        self.inner = as_matcher(inner)
        self.options: list[Term] = [compile_term(o) for o in options]
        self.prepare = prepare
        self.resolve = resolve

    def children(self) -> list[Matcher]:
        return [self.inner]

    def texts_to_embed(self, answer: str) -> list[str]:
        return self.inner.texts_to_embed(self._clean(answer)[0])

    def __repr__(self) -> str:
        return repr(self.inner)

    def _hits(self, norm: str) -> list[tuple[int, int, int]]:
        hits = []
        for index, term in enumerate(self.options):
            for m in term.finditer(norm):
                if m.end() > m.start():
                    hits.append((m.start(), m.end(), index))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        out: list[tuple[int, int, int]] = []
        for h in hits:
            if out and h[0] < out[-1][1]:
                continue
            out.append(h)
        return out

    def _clean(self, answer: str) -> tuple[str, list[str]]:
        if self.prepare is not None:
            answer = self.prepare(answer)
        lines = answer.split("\n")
        # listings: (option indices named, [(line index, start, end)] spans to blank out)
        listings: list[tuple[set[int], list[tuple[int, int, int]]]] = []
        bare: list[int | None] = [None] * len(lines)  # option index of a bare option line
        in_code = False
        for i, line in enumerate(lines):
            if _FENCE.match(line):
                in_code = not in_code
                continue
            if in_code or not line.strip() or any(mark in line for mark in _MARKS):
                continue
            norm = normalize_with_map(line)
            hits = self._hits(norm.text)
            if not hits:
                continue
            if len({h[2] for h in hits}) >= 2 and all(
                    _ECHO_GAP.fullmatch(norm.text[a[1]:b[0]]) for a, b in zip(hits, hits[1:])):
                start, _ = norm.source_span(hits[0][0], hits[0][1])
                _, end = norm.source_span(hits[-1][0], hits[-1][1])
                listings.append(({h[2] for h in hits}, [(i, start, end)]))
                continue
            if len(hits) == 1:
                lead = _BARE_LEAD.match(norm.text)
                offset = lead.end() if lead else 0
                h = hits[0]
                if h[0] == offset and _BARE_TRAIL.fullmatch(norm.text[h[1]:]):
                    bare[i] = h[2]
        i = 0
        while i < len(lines):
            if bare[i] is None:
                i += 1
                continue
            run = [i]
            j = i + 1
            while j < len(lines) and (bare[j] is not None or not lines[j].strip()):
                if bare[j] is not None:
                    run.append(j)
                j += 1
            listings.append(({bare[k] for k in run}, [(k, 0, len(lines[k])) for k in run]))
            i = j
        everything = set(range(len(self.options)))
        if not listings or any(named != everything for named, _ in listings):
            cleaned = "\n".join(lines)
            return (self.resolve(cleaned) if self.resolve else cleaned), []
        dropped = []
        for _, spans in listings:
            dropped.append(" / ".join(lines[k][a:b].strip() for k, a, b in spans))
            for k, a, b in spans:
                lines[k] = lines[k][:a] + lines[k][b:]
        cleaned = "\n".join(lines)
        return (self.resolve(cleaned) if self.resolve else cleaned), dropped

    def check(self, answer: str) -> Verdict:
        cleaned, dropped = self._clean(answer)
        verdict = self.inner(cleaned)
        if dropped:
            more = f" and {len(dropped) - 1} more" if len(dropped) > 1 else ""
            verdict = replace(verdict, explanation=f"{verdict.explanation} [not read as a selection: the unmarked "
                                                   f"option list {dropped[0]!r}{more}]")
        return verdict


_TABLE_SEPARATOR = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$")
_TICK_CELL = re.compile(r"^(?:☒|☑|✅|✓|✔|⊠|■|🗹|\[x\]|x|yes|y|\*\*yes\*\*|\*\*✓\*\*)$", re.I)
_CROSS_CELL = re.compile(r"^(?:☐|□|⬜|✗|✘|❌|\[ \]|no|n|-|–|—|0|\*\*no\*\*)?$", re.I)


def _cells(row: str) -> list[str]:
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|"):
        row = row[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", row)]


def _linearize_tables(answer: str) -> str:
    """A Markdown table with column headers becomes one line per row: ``<row label>: ☒ <header> ☐ <header>``.

    "| decoder θ_d | ✓ | ✗ |" under "| | task loss | latent regularizer |" reads
    "decoder θ_d: ☒ task loss ☐ latent regularizer", which the association matchers understand;
    other cells become "<header>: <cell>".
    """
    lines = answer.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        if (i + 1 < len(lines) and "|" in lines[i] and _TABLE_SEPARATOR.match(lines[i + 1])
                and "-" in lines[i + 1]):
            header = _cells(lines[i])
            j = i + 2
            rows = []
            while j < len(lines) and "|" in lines[j] and lines[j].strip():
                rows.append(_cells(lines[j]))
                j += 1
            if not rows:
                out.extend(lines[i:j])
                i = j
                continue
            for cells in rows:
                parts = []
                for name, cell in zip(header[1:], cells[1:]):
                    if _TICK_CELL.match(cell):
                        parts.append(f"☒ {name}")
                    elif _CROSS_CELL.match(cell):
                        parts.append(f"☐ {name}")
                    else:
                        parts.append(f"{name}: {cell};")
                out.append(f"{cells[0]}: " + " ".join(parts))
            i = j
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


class _InSubpart(Matcher):
    """Grade ``inner`` on sub-part ``roman`` ("ii") of the part's answer; the whole answer if it has none."""

    name = "in_subpart"

    def __init__(self, roman: str, inner: Any) -> None:
        super().__init__(roman=roman)
        self.roman = roman
        self.inner = as_matcher(inner)

    def children(self) -> list[Matcher]:
        return [self.inner]

    def __repr__(self) -> str:
        return f"in_subpart({self.roman!r}, {self.inner!r})"

    def check(self, answer: str) -> Verdict:
        from pytest_hwcheck.sections import find_section

        section = find_section(answer, self.roman)
        verdict = self.inner(section.text if section is not None else answer)
        where = f"sub-part {self.roman}" if section is not None else f"whole answer (no sub-part {self.roman} found)"
        return replace(verdict, explanation=f"[{where}] {verdict.explanation}")


class _WithoutOwnLabel(Matcher):
    """Grade ``inner`` with the part's own label ("### (c)", "**(c)**", "Part (c):") cut from the start.

    Part (c) asks to pick one of the curves (a)-(d), so its own label "(c)" standing alone at the top
    of its section would otherwise read as picking curve (c).
    """

    name = "without_own_label"

    def __init__(self, label: str, inner: Any) -> None:
        super().__init__(label=label)
        self.inner = as_matcher(inner)
        self.pattern = re.compile(
            r"\A\s*(?:#{1,6}[ \t]*)?(?:\*\*|__)?[ \t]*(?:part|question)?[ \t]*(?:\d{1,2}[ \t]*)?"
            r"(?:\([ \t]*" + re.escape(label) + r"[ \t]*\)|" + re.escape(label) + r"\))[ \t]*[.:]?[ \t]*(?:\*\*|__)?[ \t]*[.:]?",
            re.I)

    def children(self) -> list[Matcher]:
        return [self.inner]

    def __repr__(self) -> str:
        return repr(self.inner)

    def check(self, answer: str) -> Verdict:
        return self.inner(self.pattern.sub("", answer, count=1))


# A predicate that denies what comes right before it ("the KL term does not involve θ_d").
_DENYING_PREDICATE = re.compile(
    r"^\s*(?:[a-zα-ω_^*‖|=+\-/0-9\s]{0,40}?)?(?:does\s+not|doesn't|do\s+not|don't|is\s+not|isn't|are\s+not|aren't|"
    r"has\s+no|have\s+no|never|cannot|can't|(?:contributes?|gives?|sends?|provides?|passes?)\s+(?:no|zero|nothing)|"
    r"(?:is|are)\s+independent\s+of)(?![a-z])")
# "∂D_KL/∂θ_d = 0": the pair is followed by "= 0".
_IS_ZERO = re.compile(r"^[\s)}\]$]*(?:=|≈|is|are)\s*(?:0|zero)(?!\d)(?!\.\d)")
_PREDICATE_END = re.compile(r"[,.;:!?\n]|(?<![a-z])(?:which|that|and|but|so|because|since|while|whereas)(?![a-z])")


class _Affirms(Matcher):
    """``association(subject, attribute)`` that does not count a binding whose attribute is itself denied.

    In "The decoder only ever sees the task loss: the KL term does not involve θ_d" the KL term sits
    after "decoder" and is bound to it, yet its own predicate ("does not involve θ_d") denies the link;
    in "∂D_KL/∂θ_d = 0" the pair is followed by "= 0". Such bindings are not affirmations.
    """

    name = "affirms"

    def __init__(self, subject: Any, attribute: Any, *, within: str = "sentence") -> None:
        super().__init__(subject=subject, attribute=attribute, within=within if within != "sentence" else None)
        self.assoc = association(subject, attribute, within=within)

    def check(self, answer: str) -> Verdict:
        from pytest_hwcheck.matchers.associations import find_bindings
        from pytest_hwcheck.matchers.text import Document

        a = self.assoc
        found = find_bindings(Document(answer), a.subject, a.attribute, a.conflicts, a.others, level=a.level)
        denied = []
        for b in found.bindings:
            if b.kind != "attribute" or b.negated:
                continue
            tail = b.unit.norm[b.entity.end:]
            for _ in range(3):
                tail = re.sub(r"\([^()]*\)", " ", tail)
            stop = _PREDICATE_END.search(tail)
            after_pair = b.unit.norm[max(b.entity.end, b.subject.end if b.subject.unit is b.unit else 0):]
            if _DENYING_PREDICATE.match(tail[: stop.start() if stop else 120]) or _IS_ZERO.match(after_pair):
                denied.append(b)
                continue
            return Verdict.ok(f"binds {b.describe()}", evidence=b.unit.text)
        if denied:
            return Verdict.fail(f"{denied[0].describe()} appears only where the {a.attribute.label} is denied",
                                evidence=denied[0].unit.text)
        return Verdict.fail(f"does not bind {a.subject.label} to {a.attribute.label}")


_TASK_NAME = re.compile(r"task[\s-]*loss|task\s+term|classification\s+loss|cross[\s-]*entropy|prediction\s+loss|"
                        r"negative\s+log[\s-]*likelihood", re.I)
_REG_NAME = re.compile(r"regulari[sz]er|regularization\s+term|kl\s+(?:term|divergence|penalty)|d_\{?kl\}?|"
                       r"(?<![a-z])kl(?![a-z])", re.I)
_ANAPHOR = re.compile(r"(?<![a-z])(?:this|that)\s+(?:loss\s+)?term(?![a-z])", re.I)


def _resolve_term_anaphora(answer: str) -> str:
    """"this term" / "that term" → the loss term named last before it (task loss or latent regularizer)."""
    out = []
    pos = 0
    for m in _ANAPHOR.finditer(answer):
        before = answer[: m.start()]
        task = [t.end() for t in _TASK_NAME.finditer(before)]
        reg = [r.end() for r in _REG_NAME.finditer(before)]
        last_task = task[-1] if task else -1
        last_reg = reg[-1] if reg else -1
        if last_task < 0 and last_reg < 0:
            continue
        name = "the task loss term" if last_task > last_reg else "the latent regularizer term"
        out.append(answer[pos:m.start()])
        out.append(name)
        pos = m.end()
    out.append(answer[pos:])
    return "".join(out)


class _Denies(Matcher):
    """Passes when the answer binds ``subject`` to ``attribute`` only in negated statements.

    Used inside ``not_()`` for a wrong twin that is a denial ("no task-loss gradient reaches the
    encoder"): the answer links the two, always with a negation, and never affirms the link.
    """

    name = "denies"

    def __init__(self, subject: Any, attribute: Any, *, within: str = "sentence") -> None:
        super().__init__(subject=subject, attribute=attribute, within=within)
        self.inner = association(subject, attribute, within=within)

    def check(self, answer: str) -> Verdict:
        verdict = self.inner(answer)
        bindings = verdict.details.get("bindings", [])
        affirmed = [b for b in bindings if b["kind"] == "attribute" and not b["negated"]]
        denied = [b for b in bindings if b["kind"] == "attribute" and b["negated"]]
        if denied and not affirmed:
            b = denied[0]
            return Verdict.ok(f"denies {b['pair']} ({b['cue']!r})", evidence=b["evidence"])
        if affirmed:
            return Verdict.fail(f"affirms {affirmed[0]['pair']}", evidence=affirmed[0]["evidence"])
        return Verdict.fail("does not deny the link")


# ---------------------------------------------------------------------------------------------
# (a) Reparameterization
# ---------------------------------------------------------------------------------------------

_V_ALIASES = {"V": ["v", "ε", "\\epsilon", "\\varepsilon", "eps", "epsilon"], "sigma": ["std"]}
_Z = ("Z", "z", "z_n", "Z_n")

#: Z = μ + σ·V in any notation (⊙, ·, ×, *, juxtaposition, code).
Z_FORMULA = expression("mu + sigma*V", bound_to=_Z, aliases=_V_ALIASES)
#: The wrong twin that scales the noise by the variance.
Z_WITH_VARIANCE = any_of(
    expression("mu + sigma**2*V", bound_to=_Z, aliases=_V_ALIASES),
    keywords(any_of=[rx(r"σ\s*\^\s*\(?2\)?\s*(?:\*|⊙|×|·|⋅|\\cdot)?\s*(?:v|ε)(?![a-z])", label="σ²·V"),
                     rx(r"(?<![a-z])(?:v|ε|noise)\s*(?:\*|⊙|×|·|⋅)\s*σ\s*\^\s*\(?2", label="V·σ²"),
                     rx(r"multipl\w*\s+(?:v|ε|the\s+noise)\s+by\s+(?:the\s+variance\s*)?\(?σ\s*\^\s*\(?2", label="multiply V by σ²")]),
)
#: The wrong twin that standardises the noise instead of scaling and shifting it.
Z_STANDARDISED = any_of(
    expression("(V - mu)/sigma", bound_to=_Z, aliases=_V_ALIASES),
    keywords(any_of=[rx(r"\(\s*(?:v|ε)\s*-\s*μ\s*\)\s*/\s*\(?σ", label="(V − μ)/σ")]),
)

MULTIPLIER = association(
    ("multiplier", "multiply", "multiplies", "multiplied", "multiplication", "product", "⊗", "scaled by", "scales"),
    ("σ", "sigma", "standard deviation"), within="item")
ADDER = association(
    ("adder", "add", "adds", "added", "addition", "sum", "summed", "⊕", "shifted by", "shift"),
    ("μ", "mu", "mean"), within="item")

# ---------------------------------------------------------------------------------------------
# (b) Gradient flow
# ---------------------------------------------------------------------------------------------

ENCODER = ("encoder", "encoder parameters", "encoder network", "θ_e", "theta_e")
DECODER = ("decoder", "decoder parameters", "decoder network", "θ_d", "theta_d")
TASK_LOSS = ("task loss", "task-loss", "task term", "classification loss", "cross-entropy", "cross entropy",
             "prediction loss", "negative log-likelihood", "log-likelihood term")
REGULARIZER = ("latent regularizer", "latent regulariser", "regularizer", "regulariser", "regularization term",
               "KL regularizer", "KL term", "KL divergence", "KL penalty", "KL", "D_KL")
#: The regularizer ticked in a box ("☒ latent regularizer", "[x] KL term").
TICKED_REGULARIZER = rx(r"(?:☒|☑|✅|✓|✔|\[x\]|⊠|■|🗹)[ \t]*(?:(?:latent[ \t]+)?regulari[sz]er|regularization[ \t]+term"
                        r"|kl[ \t]+(?:term|divergence|penalty|regulari[sz]er)|d_kl)",
                        label="☒ latent regularizer")
#: The regularizer alone on a line under a lead-in ("For decoder parameters θ_d:" / "latent regularizer").
BARE_REGULARIZER_LINE = rx(r"(?:^|(?<=\n))[ \t]*(?:latent[ \t]+)?regulari[sz]er[ \t.]*(?=\n|$)", label="latent regularizer")
#: The question's two checkbox options (an unmarked copy of them selects nothing).
Q3B_OPTIONS = ["task loss", "latent regularizer"]


def either_level(subject: Any, attribute: Any) -> Matcher:
    """Bound in one sentence, or in a lead-in with the bullets under it ("- Decoder parameters θ_d: …")."""
    return any_of(association(subject, attribute, within="sentence"), association(subject, attribute, within="block"))


def q3b(matcher: Any) -> Matcher:
    """Read part (b) with tables as lines, unmarked copies of its options removed and "this term" resolved."""
    return _WithoutOptionEcho(matcher, Q3B_OPTIONS, prepare=_linearize_tables, resolve=_resolve_term_anaphora)


# ---------------------------------------------------------------------------------------------
# (c) Validation error against β
# ---------------------------------------------------------------------------------------------

CURVES = "abcd"


def curve_pick(option: str) -> Matcher:
    """The curve the answer picks in part (c) (its own heading "(c)" is not a pick)."""
    return _WithoutOwnLabel("c", choice(option, options=CURVES))
DIP_THEN_RISE = keywords(any_of=[(
    "U-shaped", "U-shape", "U shape", "V-shaped", "dip", "dips", "sweet spot", "sweet-spot",
    "minimum at moderate", "minimum at intermediate", "minimum in the middle", "lowest at moderate",
    "lowest at intermediate", "optimal β in the middle", "optimal intermediate β", "decreases then increases",
    "decreases and then increases", "first decreases", "falls and then rises", "improves and then degrades",
)])

# ---------------------------------------------------------------------------------------------
# (d) Latent spaces against β
# ---------------------------------------------------------------------------------------------

_NUM_END = r"(?!\d)(?!\.\d)"
#: β = 10^0 in any notation (10^0, 10^{0}, 10⁰, 1e0, β = 1, "→ 1", a table cell "| 1 |"): not any bare
#: "1", which N(0, 1) also has.
BETA_1 = rx(r"(?<![\w.^])10\s*\^\s*\(?\s*0\s*\)?" + _NUM_END + r"|(?<![\w.])1e0" + _NUM_END
            + r"|(?:β\s*(?:=|≈|~|∼)|[|→⇒]|->)\s*1(?:\.0+)?(?![\d,])(?!\.\d)", label="β = 10^0")
BETA_SMALL = ("β = 10^-6", "10^-6", "small β", "smallest β", "low β", "lowest β", "tiny β", "weak regularization",
              "weakest regularization", "minimal regularization")
BETA_MEDIUM = ("β = 10^-3", "10^-3", "medium β", "moderate β", "intermediate β", "middle β", "balanced regularization",
               "moderate regularization", "medium regularization", "intermediate regularization")
BETA_LARGE = (BETA_1, "large β", "largest β", "high β", "highest β", "strong regularization",
              "strongest regularization", "heavy regularization")
#: The three β options as the question lists them (an unmarked copy of them selects nothing).
Q3D_OPTIONS = [("β = 10^-6",), ("β = 10^-3",), rx(r"β\s*=\s*(?:10\s*\^\s*\(?0\)?|1|100|1e0)" + _NUM_END, label="β = 10^0")]


def q3d(matcher: Any) -> Matcher:
    """Read part (d) without unmarked copies of the β options."""
    return _WithoutOptionEcho(matcher, Q3D_OPTIONS)


def figure_is(label: str, own: Any, others: Sequence[Any]) -> Matcher:
    """Figure ``label`` bound to its β (a bullet, line or table row), never to another β."""
    return q3d(association(label, own, conflicts=list(others), within="item"))


def better_pick(option: str) -> Matcher:
    """The option picked in sub-part ii ("which experiment gives the better latent space")."""
    return _InSubpart("ii", choice(option, options="abc"))


# ---------------------------------------------------------------------------------------------
# Examples (written for this case; none is copied from a transcript)
# ---------------------------------------------------------------------------------------------

Q3A_GOOD = [
    # LaTeX-heavy, numbered blocks, N(μ, σ²) mentioned (σ² as the variance is fine).
    r"""### (a) Getting $Z$ out of $\mu$, $\sigma$ and $V$

We never sample $Z$ directly. The encoder head produces $\mu(x)$ and $\sigma(x)$ and a separate noise source
produces $V \sim \mathcal{N}(0,1)$, independent of $x$. Then

$$
Z \;=\; \mu(x) + \sigma(x)\,V \;\sim\; \mathcal{N}\big(\mu(x),\, \sigma(x)^2\big).
$$

Block diagram, left to right:

1. a **multiplier** $(\times)$ whose inputs are $\sigma$ and $V$; its output is $\sigma V$;
2. an **adder** $(+)$ whose inputs are $\mu$ and the product $\sigma V$; its output is $Z$.

Since $V$ enters as an input, $\partial Z/\partial\mu = 1$ and $\partial Z/\partial\sigma = V$, so gradients reach $\theta_e$.""",
    # ASCII diagram in a code fence, lower-case names.
    """Reparameterisation: treat the randomness as an input wire.

```
 v ~ N(0,1) ----+
                |
                v
 sigma ------> [ x ] ---- sigma*v ----> [ + ] ----> z
                                          ^
                                          |
 mu --------------------------------------+
```

The box `[ x ]` is the multiplier (it multiplies sigma by v) and `[ + ]` is the adder, which adds mu.
In one line: z = mu + sigma * v. Because v does not depend on any parameter, backprop goes through both boxes.""",
    # Code plus a table, ε used for the noise.
    r"""**Part (a).**

| block | inputs | output |
|---|---|---|
| multiplier ⊗ | σ, ε | σ·ε |
| adder ⊕ | μ, σ·ε | Z |

Here ε plays the role of V, i.e. ε ~ N(0, 1). In PyTorch:

```python
eps = torch.randn_like(mu)   # V ~ N(0, 1), an external input
z = mu + sigma * eps         # multiply by sigma, then add mu
```

so $z = \mu + \sigma \epsilon$ has mean μ and variance σ².""",
    # Terse prose with a Unicode formula and the Hadamard product.
    """(a) Scale, then shift. First multiply the standard normal sample V by the standard deviation σ (a multiplier block), then add the mean μ with an adder block: Z = μ + σ ⊙ V. The output is N(μ, σ²) because Var(σV) = σ²·Var(V) = σ².""",
]

Q3A_BAD = [
    # σ² instead of σ (the key's wrong twin), with all the right vocabulary.
    Example(
        r"""### (a)

Use the reparameterization trick. The encoder gives $\mu$ and the variance $\sigma^2$, and we draw
$V \sim \mathcal{N}(0, 1)$. A **multiplier** forms $\sigma^2 \cdot V$ and an **adder** adds $\mu$:

$$Z = \mu + \sigma^2 V .$$""",
        caught_by="not-variance-times-v",
    ),
    # Standardising (the other wrong twin).
    Example(
        """(a) Block diagram: an adder subtracts μ from the noise V, then a divider scales by 1/σ, so Z = (V − μ)/σ. This standardises the sample, which is what a Gaussian encoder needs.""",
        caught_by="not-standardised",
    ),
    # Roles swapped: multiplies by μ and adds σ.
    Example(
        """**(a)** The noise V ~ N(0,1) goes into a multiplier together with μ, and the result goes into an adder with σ:

Z = σ + μ·V

so the adder adds σ and the multiplier scales by μ.""",
        caught_by="z-is-mu-plus-sigma-v",
    ),
    # σ² in code and prose only.
    Example(
        """(a) Multiply V by σ^2 and add μ.

```python
z = mu + sigma**2 * v
```
The adder outputs z.""",
        caught_by="not-variance-times-v",
    ),
]

Q3B_GOOD = [
    # Checkbox rows as the question prints them, ticked with [x].
    r"""### Part (b)

With $V$ fed in as an input, $z = \mu_{\theta_e}(x) + \sigma_{\theta_e}(x)\,V$ is a differentiable function of $\theta_e$.

- For encoder parameters $\theta_e$: [x] task loss [x] latent regularizer
- For decoder parameters $\theta_d$: [x] task loss [ ] latent regularizer

The KL term $D_{KL}(p_{\theta_e}(Z|x_n)\,\|\,r(Z))$ has no $\theta_d$ in it.""",
    # Pure prose.
    """(b) The encoder is trained by both terms. The KL regularizer depends on μ and σ directly, and the task loss reaches θ_e through the sampled z thanks to the reparameterization, since backprop passes through z = μ + σV.

The decoder only ever sees the task loss. The latent regularizer D_KL(p_θe(Z|x) ‖ r(Z)) does not involve θ_d at all, so it sends zero gradient to the decoder.""",
    # Gradient equations plus a one-line summary per network.
    r"""**(b)** Write $L = L_{\text{task}} + \beta L_{\text{KL}}$. Then

$$\nabla_{\theta_e} L = \nabla_{\theta_e} L_{\text{task}} + \beta\,\nabla_{\theta_e} L_{\text{KL}}, \qquad \nabla_{\theta_d} L = \nabla_{\theta_d} L_{\text{task}}\ \ (\text{since } \nabla_{\theta_d} L_{\text{KL}} = 0).$$

* Encoder $\theta_e$: task loss **and** latent regularizer.
* Decoder $\theta_d$: task loss only.""",
    # Boxes with ☒/☐ under lead-ins, each option on its own line.
    """For encoder parameters θ_e:
- ☒ task loss
- ☒ latent regularizer

For decoder parameters θ_d:
- ☒ task loss
- ☐ latent regularizer

The regularizer only sees the encoder's distribution and the fixed prior r(Z) = N(0, 1).""",
    # A table of ticks: the column headers name the loss terms.
    r"""**(b)** Treating $V$ as an input makes the sampling step differentiable, so:

| parameters | task loss | latent regularizer |
|---|:---:|:---:|
| encoder $\theta_e$ | ✓ | ✓ |
| decoder $\theta_d$ | ✓ | ✗ |

(Since the KL term is a function of $\mu, \sigma$ only, $\partial D_{KL}/\partial\theta_d = 0$.)""",
    # Unmarked copy of the options (marks lost), the prose decides.
    """(b) Gradient of the task loss flows through the decoder into θ_d and then back through z into the encoder, so the encoder gets the task loss as well. The latent regularizer compares p_θe(Z|x) with N(0, 1); it involves only the encoder, so the decoder receives nothing from it.

For encoder parameters θ_e:

task loss

latent regularizer

For decoder parameters θ_d:

task loss

latent regularizer""",
]

Q3B_BAD = [
    # The decoder gets the regularizer (wrong twin), in the question's own checkbox layout.
    Example(
        """(b)
For encoder parameters θ_e: ☒ task loss ☒ latent regularizer
For decoder parameters θ_d: ☒ task loss ☒ latent regularizer

Both networks are trained end to end on the full loss, so the decoder also receives the KL regularizer.""",
        caught_by="decoder-no-regularizer",
    ),
    # The encoder gets no task-loss gradient (wrong twin), said in prose with the right vocabulary.
    Example(
        """(b) Because z is sampled, the task loss does not backpropagate into the encoder; the encoder θ_e is trained by the latent regularizer only. The decoder θ_d is trained by the task loss, and the KL term does not touch the decoder.""",
        caught_by="encoder-task-loss-not-denied",
    ),
    # Both wrong twins at once, in a table of ticks.
    Example(
        r"""**(b)**

| | task loss | latent regularizer |
|---|---|---|
| For encoder parameters $\theta_e$ | ✗ | ✓ |
| For decoder parameters $\theta_d$ | ✓ | ✓ |

The sampling step is not differentiable, so the encoder only learns from the KL term.""",
        caught_by="decoder-no-regularizer",
    ),
    # Swapped roles in prose.
    Example(
        """(b) The latent regularizer is what trains the decoder θ_d, since the decoder must read codes that look like N(0, 1); the encoder only needs the task loss.""",
        caught_by="decoder-no-regularizer",
    ),
]

Q3C_GOOD = [
    """**Answer: (b).** For tiny β the bottleneck is inactive and the model overfits; moderate β removes nuisance information and the validation error dips to its minimum; for large β the code is squeezed towards N(0, 1), loses the label information, and the error shoots up. Curve (a) keeps rising, so it misses the regularization benefit; (c) and (d) do not blow up at large β.""",
    r"""### (c)

☐ (a)  ☒ (b)  ☐ (c)  ☐ (d)

The validation error $\mathcal{E}_{\text{val}}(\beta)$ is U-shaped: it decreases while $\beta$ trades overfitting for compression, reaches its lowest value for an intermediate $\beta$ (around $10^{-3}$), then increases steeply once $\beta \approx 1$ forces $p(Z|x) \approx \mathcal{N}(0,1)$.""",
    """(c) Selection: Curve (b)

- small β → overfitting, higher held-out error
- moderate β → the sweet spot
- large β → underfitting, error climbs fast""",
    """Part (c): I pick curve (b), the one with a dip at moderate β followed by a sharp rise. Curve (a) would mean regularization never helps, which is not what a bottleneck does on held-out data.""",
]

Q3C_BAD = [
    # Picks (a) (the key's wrong twin).
    Example(
        """**Answer: (a).** Validation error increases monotonically with β: every bit of regularization removes information from Z, so the held-out error can only go up.""",
        caught_by="not-curve-a",
    ),
    # Right reasoning, wrong letter.
    Example(
        """(c) The validation error should dip at moderate β and rise for large β, a U-shape. That is curve (d).""",
        caught_by="picks-curve-b",
    ),
    # Picks (c) with boxes.
    Example(
        """☐ (a) ☐ (b) ☒ (c) ☐ (d)

The error falls steadily as β grows because the bottleneck keeps removing noise.""",
        caught_by="not-curve-c",
    ),
    # Hedges between two curves.
    Example(
        """(c) Answer: (b) or (c). Both show the error being lowest for moderate β, so either could be the validation curve.""",
        caught_by="picks-curve-b",
    ),
]

Q3D_GOOD = [
    # Table with axis ranges.
    r"""### (d)

**i.** The hint matters: the three panels use very different axis ranges.

| Figure | axis range | $\beta$ |
|---|---|---|
| (a) | about $[-1.5, 1.5]$ | $10^{-3}$ |
| (b) | about $[-3, 7]$ | $10^{-6}$ |
| (c) | about $[-0.15, 0.15]$ | $10^{0}$ |

A weak KL pull lets the code spread far from the origin; a strong one collapses it onto $\mathcal{N}(0,1)$'s centre.

**ii.** My pick is (a): the three digits form separate clusters while the code stays compact.""",
    # Checkbox lines with ticks, Unicode exponents.
    """d) i.
- (a) ☐ β = 10⁻⁶ ☒ β = 10⁻³ ☐ β = 10⁰
- (b) ☒ β = 10⁻⁶ ☐ β = 10⁻³ ☐ β = 10⁰
- (c) ☐ β = 10⁻⁶ ☐ β = 10⁻³ ☒ β = 10⁰

Reason: look at the scales on the axes. Panel (b) reaches 7, panel (c) never leaves ±0.15.

ii. ☒ (a) ☐ (b) ☐ (c)""",
    # Prose with 1e-3 style numbers.
    """Part (d)

i. Reading the axis scales:
- Figure (a): moderate spread, roughly ±1.5 on both axes → β = 1e-3.
- Figure (b): the widest range, from −3 up to 7 → β = 1e-6, the weakest regularization.
- Figure (c): everything within ±0.15 of the origin, classes on top of each other → β = 1.

ii. Figure (a) is the best choice for prediction, since its classes are separable and compact; (b) is spread out and (c) has collapsed.""",
    # LaTeX, "10^{0}" spelling, bold labels.
    r"""**(d) i.** Judging by the tick labels on the axes:

**(a)** $\beta = 10^{-3}$ — clusters well separated within $\pm 1.5$.

**(b)** $\beta = 10^{-6}$ — range $-3$ to $7$, far from the prior.

**(c)** $\beta = 10^{0}$ — squashed into $\pm 0.15$.

**(d) ii.** I choose experiment (a) for the better latent space.""",
]

Q3D_BAD = [
    # Ordering by position (the key's wrong twin), with ii = (b).
    Example(
        """(d) i. The β values grow from left to right:
- (a) β = 10^-6
- (b) β = 10^-3
- (c) β = 10^0

ii. Answer: (b), the balanced one, whose axis scale is moderate.""",
        caught_by="not-positional-order",
    ),
    # Right mapping, wrong pick in ii.
    Example(
        """(d)
i. From the axis scales: (a) β = 10^-3, (b) β = 10^-6, (c) β = 10^0.
ii. Answer: (b). The widest spread separates the three digits best, so it is the best latent space.""",
        caught_by="not-better-b",
    ),
    # No mapping at all.
    Example(
        """(d) i. With β = 10^-6 the points spread widely, with β = 10^-3 they are structured but compact, and with β = 10^0 they collapse into one blob near the origin. Match each plot by how spread out it is on its axes.

ii. The experiment with β = 10^-3 gives the best latent space.""",
        caught_by="figure-a-is-1e-3",
    ),
    # Right mapping, picks (c) in ii.
    Example(
        r"""**(d) i.** (a) $\beta = 10^{-3}$; (b) $\beta = 10^{-6}$; (c) $\beta = 10^{0}$, read from the axis ranges.

**(d) ii.** Final answer: (c), because a latent code that matches the prior $\mathcal{N}(0,1)$ is the most regular.""",
        caught_by="not-better-c",
    ),
]


question = Question(
    id="hw12.q3",
    title="Variational Information Bottleneck",
    prompt=PROMPT,
    parts=[
        Part(
            id="hw12.q3a",
            title="Reparameterization block diagram",
            reference=(
                "Reparameterization: the encoder emits μ and σ, and V ~ N(0, 1) is drawn independently. "
                "A multiplier forms σ × V, then an adder adds μ: Z = μ + σ·V, so Z ~ N(μ, σ²) and Z is a "
                "differentiable function of μ and σ."
            ),
            concepts=[
                Concept("z-is-mu-plus-sigma-v", Z_FORMULA, points=2,
                        description="Z = μ + σ·V with V ~ N(0, 1) (the reparameterization trick)"),
                Concept("multiplier-sigma-times-v", MULTIPLIER,
                        description="a multiplier block scales the noise V by the standard deviation σ"),
                Concept("adder-with-mu", ADDER,
                        description="an adder block then adds the mean μ to σ·V"),
                Concept("not-variance-times-v",
                        not_(Z_WITH_VARIANCE, because="the noise V is multiplied by the variance σ² instead of σ"),
                        description="the multiplier uses σ, not σ² (σ·V has variance σ²)"),
                Concept("not-standardised",
                        not_(Z_STANDARDISED, because="Z = (V − μ)/σ standardises V instead of computing μ + σ·V"),
                        description="Z is not the standardisation (V − μ)/σ"),
            ],
            good_examples=Q3A_GOOD,
            bad_examples=Q3A_BAD,
        ),
        Part(
            id="hw12.q3b",
            title="Which loss terms train the encoder and the decoder",
            reference=(
                "For encoder parameters θ_e: ☒ task loss ☒ latent regularizer. The latent regularizer "
                "D_KL(p_θe(Z|x) ‖ r(Z)) depends on μ and σ and so on θ_e directly, and because V is an external "
                "input the task loss reaches θ_e through z = μ + σV by backprop.\n"
                "For decoder parameters θ_d: ☒ task loss ☐ latent regularizer. The decoder is trained by the task "
                "loss only: the KL term does not involve θ_d, so its gradient with respect to θ_d is zero."
            ),
            concepts=[
                Concept("encoder-gets-task-loss", q3b(either_level(ENCODER, TASK_LOSS)), points=1.5,
                        description="the task loss trains the encoder θ_e too (its gradient flows back through z = μ + σV)"),
                Concept("encoder-gets-regularizer", q3b(either_level(ENCODER, REGULARIZER)),
                        description="the latent regularizer (KL term) trains the encoder θ_e"),
                Concept("decoder-gets-task-loss", q3b(either_level(DECODER, TASK_LOSS)),
                        description="the decoder θ_d is trained by the task loss"),
                Concept("decoder-no-regularizer",
                        q3b(not_(any_of(_Affirms(DECODER, REGULARIZER, within="sentence"),
                                        association(DECODER, TICKED_REGULARIZER, within="block"),
                                        association(DECODER, BARE_REGULARIZER_LINE, within="block")),
                                 because="the latent regularizer is said to send gradients to the decoder θ_d")),
                        points=1.5,
                        description="the decoder θ_d gets no gradient from the latent regularizer (the KL term has no θ_d)"),
                Concept("encoder-task-loss-not-denied",
                        q3b(not_(_Denies(ENCODER, TASK_LOSS),
                                 because="the encoder θ_e is said to get no gradient from the task loss")),
                        description="the answer never denies that the task loss reaches the encoder"),
            ],
            good_examples=Q3B_GOOD,
            bad_examples=Q3B_BAD,
        ),
        Part(
            id="hw12.q3c",
            title="Validation error against β",
            reference=(
                "Answer: curve (b). With tiny β the model overfits; a moderate β regularizes the latent code and the "
                "validation error dips to its minimum; a large β squeezes the label information out of Z "
                "(p(Z|x) ≈ N(0, 1)) and the validation error rises sharply."
            ),
            concepts=[
                Concept("picks-curve-b", curve_pick("b"), points=2,
                        description="curve (b) is the validation-error profile"),
                Concept("dips-then-rises", DIP_THEN_RISE,
                        description="validation error dips at moderate β and rises for large β (a U-shape)"),
                Concept("not-curve-a", not_(curve_pick("a"),
                                            because="picks curve (a): validation error only grows with β")),
                Concept("not-curve-c", not_(curve_pick("c"), because="picks curve (c) instead of (b)")),
                Concept("not-curve-d", not_(curve_pick("d"), because="picks curve (d) instead of (b)")),
            ],
            good_examples=Q3C_GOOD,
            bad_examples=Q3C_BAD,
        ),
        Part(
            id="hw12.q3d",
            title="Latent spaces for three values of β",
            reference=(
                "i. Read the axis scales: (a) spans about ±1.5, (b) about −3 to 7, (c) only about ±0.15.\n"
                "- (a) β = 10^-3\n- (b) β = 10^-6 (weakest pull towards N(0, 1), the widest spread)\n"
                "- (c) β = 10^0 (collapsed near the origin, classes overlap)\n"
                "ii. Answer: (a), because its classes are well separated while the code stays compact."
            ),
            concepts=[
                Concept("figure-a-is-1e-3", figure_is("(a)", BETA_MEDIUM, [BETA_SMALL, BETA_LARGE]),
                        description="figure (a) (axes about ±1.5) is β = 10^-3; an answer that never maps the figures fails here"),
                Concept("figure-b-is-1e-6", figure_is("(b)", BETA_SMALL, [BETA_MEDIUM, BETA_LARGE]),
                        description="figure (b) (axes about −3 to 7, the widest) is β = 10^-6"),
                Concept("figure-c-is-1e0", figure_is("(c)", BETA_LARGE, [BETA_SMALL, BETA_MEDIUM]),
                        description="figure (c) (axes about ±0.15, collapsed) is β = 10^0"),
                Concept("reads-axis-scales",
                        keywords(any_of=[("axis", "axes", "scale", "scales", "range", "tick", "ticks")]),
                        points=0.5, description="the mapping is read from the axis scales"),
                Concept("better-latent-is-a", better_pick("a"), points=1.5,
                        description="ii: experiment (a) gives the better latent space"),
                Concept("not-positional-order",
                        q3d(not_(all_of(association("(a)", BETA_SMALL, within="item"),
                                        association("(b)", BETA_MEDIUM, within="item")),
                                 because="the figures are mapped to β by position ((a) = 10^-6, (b) = 10^-3), "
                                         "not by their axis scales")),
                        description="the figures are not simply ordered (a), (b), (c) = 10^-6, 10^-3, 10^0"),
                Concept("not-better-b", not_(better_pick("b"),
                                             because="picks (b) (β = 10^-6, the widest spread) as the better latent space")),
                Concept("not-better-c", not_(better_pick("c"),
                                             because="picks (c) (β = 10^0, collapsed) as the better latent space")),
            ],
            good_examples=Q3D_GOOD,
            bad_examples=Q3D_BAD,
        ),
    ],
)
