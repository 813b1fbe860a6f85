"""HW11 Q2 — A brief introduction to transformer interpretability (zero-layer model, multi-head output, W_QK, rank of W_OV)."""

from __future__ import annotations

import itertools
import re

from _hw11_support import stated
from pytest_hwcheck import Concept, Example, Part, Question, Verdict, all_of, any_of, association, expression, keywords, not_
from pytest_hwcheck.matchers.keywords import regex

PROMPT = r"""## 2. A Brief Introduction to Transformer Interpretability

[stem text not in the seed]

(a) The Simplest Transformer (A Zero-Layer Model)

i. Given a matrix of one-hot input tokens $T \in \mathbb{R}^{n_{vocab} \times n_{context}}$, write the mathematical expression for the final logits, $L \in \mathbb{R}^{n_{vocab} \times n_{context}}$. Your expression should be in terms of $T$, the token embedding matrix $W_E$ and the unembedding matrix $W_U$.

ii. In simple terms, what algorithm does this zero-layer model implement? What information does the prediction for the token at position $t$ depend on? This reveals the baseline functionality of the Transformer architecture before any contextual processing is introduced.

(b) In the original Vaswani et al. paper... the outputs of all heads are concatenated and then multiplied by a single large output matrix. This question asks you to prove this is equivalent to an "additive and independent" view. (i) Show that these formulations are equivalent. Specifically, demonstrate how $W_O^H$ can be constructed from the individual $W_O^h$ matrices to make the two expressions for $H_{out}$ identical. (ii) What is an advantage and disadvantage of each view?

(c) (i) Derive the expression for $S_{ij}$ as a bilinear form involving $X_i$ and $X_j$ and a single "virtual" weight matrix $W_{QK}$. Explicitly define $W_{QK}$ in terms of $W_Q$ and $W_K$. (ii) Consider a toy scenario where $d_{Model} = 3$. Interpret $W_{QK}$ for: (1) Identity, (2) Single non-zero diagonal, (3) Off-diagonal, (4) Negative Identity.

(d) (i) Show that the $i$-th column of $X_0 A^T$ is an attention-weighted average of the source token vectors: $(X_0 A^T)_i = \sum_{j=1}^{n_{context}} A_{ij} X_0^j$. (ii) Write the full expression for the final residual stream, $X_{final}$. (iii) Prove that the update vector $h^i(X_0)_t$ must lie within the column space of $W_{OV}^i$.

(e) (i) Prove that $\text{rank}(W_{OV}) \le d_{head}$. (ii) Show that $W_{OV} X_{src} = \sum_{k=1}^{r} \sigma_k (V_k^T X_{src}) U_k$. (iii) Define the read/write subspaces and what happens to orthogonal information. (iv) Explain the connection to $W_V$. (v) Synthesis: Explain how the SVD characterizes information movement."""

# Part (d) of this question has no reference answer in the key, so it is not a Part here
# (the seeded turn that answered it is left out of the cassette).


# ------------------------------------------------------------------------------------------------
# Vocabulary. Matrix products are read by expression() (any notation; order and transposes matter).
# ``stated`` patterns (see _hw11_support) are regexes over the normalized answer: lower case,
# W_{QK} and W_QK both "w_qk", X^\top and Xᵀ "x^t", \le "≤", \sum "∑". They also spell out the
# key's products, for what expression() does not read: LaTeX outside $…$ (W_{QK} = W_Q^\top W_K),
# a word before the left-hand side ("The logits L = …"), a parenthetical right after ("(a …)").
# ------------------------------------------------------------------------------------------------
def _other_products(right: str, *factors: str) -> list[str]:
    """Every product of ``factors``, in any order and with any of them transposed, except ``right``."""
    products = ("*".join(f + t for f, t in zip(order, marks))
                for order in itertools.permutations(factors)
                for marks in itertools.product(("", "^T"), repeat=len(factors)))
    return [p for p in products if p != right]


def _product(target: str, **settings):
    """A matrix product: order matters even where no factor is transposed."""
    return expression(target, noncommutative=True, **settings)


_TIMES = r"\s*[*@]?\s*"
_END = r"(?![\w^]|\.\w|\s*\)+\s*\^)"  # not followed by more of a name, nor by a transpose of a bracket


def _spelled(*factors: str) -> str:
    """The product of normalized factors ("w_q^t", "w_k"), each maybe bracketed."""
    return _TIMES.join(rf"\(?\s*{re.escape(f)}\s*\)?" for f in factors) + _END


def _spelled_other(right: tuple[str, ...], names: tuple[str, ...]) -> str:
    """Another product of as many of ``names`` (each maybe transposed) as ``right`` has factors."""
    factor = rf"\(?\s*(?:{'|'.join(map(re.escape, names))})(?:\^t)?\s*\)?"
    return rf"(?!{_spelled(*right)})" + _TIMES.join([factor] * len(right)) + _END


def _assigned(lhs: str, product: str) -> str:
    """``lhs = product``, maybe through a step between ("l = w_u x_final = w_u w_e t")."""
    return rf"(?<![\w]){lhs}\s*(?::=|=)\s*(?:[^=\n]{{0,40}}=\s*)?{product}"


_LOGITS = ("L", "logits")
_L = r"(?:l|logits)(?:\s*\(\s*t\s*\))?"
_WRONG_LOGITS = _other_products("W_U*W_E*T", "W_U", "W_E", "T")
_WRONG_WQK = _other_products("W_Q^T*W_K", "W_Q", "W_K")
_OTHER_WQK = _spelled_other(("w_q^t", "w_k"), ("w_q", "w_k"))
_OTHER_LOGITS = _spelled_other(("w_u", "w_e", "t"), ("w_u", "w_e", "t"))
_WE_WU_T = (r"(?<![\w])\(?\s*w_e(?:\^t)?\s*\)?" + _TIMES + r"\(?\s*w_u(?:\^t)?\s*\)?" + _TIMES + r"\(?\s*t"
            + _END)  # W_E W_U T anywhere, either factor maybe transposed

# A column of blocks W_O^1 \\ W_O^2 in LaTeX. The shared normalizer turns the row break "\\" into a
# space (a column would read as a row), so this one reads the answer as written.
_COLUMN_OF_BLOCKS = re.compile(r"W_\{?O\}?\^\{?\(?1\)?\}?\s*\\\\\s*W_\{?O\}?\^\{?\(?2")


def latex_column_of_blocks(answer: str) -> Verdict:
    """W_O^1 written above W_O^2 in a LaTeX matrix."""
    found = _COLUMN_OF_BLOCKS.search(answer)
    if found:
        return Verdict.ok("stacks W_O^1 above W_O^2 (a LaTeX row break between them)", evidence=found.group(0))
    return Verdict.fail("no LaTeX column W_O^1 \\\\ W_O^2")


# The two views of multi-head attention, and what is said of them (q2b).
_CONCAT_VIEW = regex(r"concat\w*|vaswani|single\s+(?:big\s+|large\s+)?output\s+matrix|one\s+(?:big|large)\s+w_?o"
                     r"|monolithic(?=[^.\n]*view)", label="the concatenation view")
_ADDITIVE_VIEW = regex(r"additive|(?<![\w])independent|elhage|sum\s+(?:of|over)\s+(?:the\s+)?(?:per-)?heads?"
                       r"|per-head\s+view|sum\s+view", label="the additive view")
_EFFICIENT = regex(r"(?<!less )(?<![\w])efficien\w*|(?<![\w])(?:fast\w*|speed\w*|gemm|cheap\w*)"
                   r"|(?:one|single)\s+(?:big\s+|large\s+|fused\s+)?(?:matrix\s+multipl\w*|mat-?mul\w*|kernel|gemm|operation)"
                   r"|paralleli[sz]\w*|vectori[sz]\w*|hardware[- ]friendly|optimi[sz]ed\s+for|fewer\s+(?:kernel|launch|op)\w*",
                   label="efficient (one big matrix multiplication)")
_SLOW = regex(r"inefficien\w*|(?<![\w])slow\w*|less\s+efficient|many\s+small|separate\s+small|overhead|loops?\s+over"
              r"|costl\w*|expensive", label="slow / inefficient")
# Interpretability claimed (not "obscures interpretability", "harder to analyse"); the guard against swapped
# advantages leaves out "circuit", which disadvantages name too ("harder to analyze the circuit of a head").
_OPEN = (r"(?<!less )(?<!obscures )(?<!obscure )(?<!hides )(?<!harder to )(?<!hard to )(?<!difficult to )(?<![\w])"
         r"(?:interpret\w*|understand\w*|analy[sz]\w*|modular\w*|transparen\w*|insight\w*|attribut\w*|intuitive)"
         r"|per-head\s+(?:contribution|analysis|role)")
_INTERPRETABLE = regex(_OPEN + r"|circuits?", label="interpretable (each head's contribution separate)")
_INTERPRETABLE_CLAIM = regex(_OPEN, label="interpretable")
_OPAQUE = regex(r"obscur\w*|(?<![\w])harder|hard\s+to|less\s+interpret\w*|opaque|(?<![\w])hides?|hidden|difficult\w*"
                r"|entangl\w*|black[- ]box|uninterpret\w*", label="hard to interpret")


def _view(view, quality, *, conflicts=(), other):
    """``quality`` said of ``view`` in the same block (a lead-in line and its bullets, a table, a paragraph)."""
    return association(view, quality, conflicts=conflicts, others=[other], within="block")


question = Question(
    id="hw11.q2",
    title="A brief introduction to transformer interpretability",
    prompt=PROMPT,
    parts=[
        # ---------------------------------------------------------------------------------- (a)
        Part(
            id="hw11.q2a",
            title="The zero-layer transformer",
            reference=(
                "(i) The embedding gives the residual stream X_0 = W_E T, and with no layers the logits are its "
                "unembedding: L = W_U W_E T.\n(ii) It is a bigram model: W_U W_E is an n_vocab × n_vocab table of "
                "next-token scores, so the prediction at position t depends only on the token at position t; no "
                "information moves between positions."
            ),
            concepts=[
                Concept("logits-WU-WE-T",
                        any_of(_product("W_U*W_E*T", bound_to=_LOGITS),
                               stated("L = W_U W_E T", _assigned(_L, _spelled("w_u", "w_e", "t")))),
                        points=2, description="The logits are L = W_U W_E T."),
                Concept(
                    "not-WE-WU-T",
                    not_(
                        any_of(*(_product(p, bound_to=_LOGITS) for p in _WRONG_LOGITS),
                               *(_product(p) for p in ("W_E*W_U*T", "W_E^T*W_U*T", "W_E*W_U^T*T", "W_E^T*W_U^T*T")),
                               stated("L = another product of W_U, W_E, T", _assigned(_L, _OTHER_LOGITS), _WE_WU_T)),
                        because="L = W_E W_U T (or another order/transposes of W_U, W_E, T): the unembedding must act "
                                "after the embedding, L = W_U W_E T",
                    ),
                    description="Does not give the factors in the wrong order (W_E W_U T).",
                ),
                Concept(
                    "bigram-model",
                    any_of(
                        keywords(any_of=[("bigram", "bi-gram", "bigram model", "bigram statistics")]),
                        stated("the zero-layer model is a bigram lookup table",
                               r"(?<![\w])(?:look-?up|lookup)\s+table(?![\w])[^.\n]{0,80}?(?<![\w])(?:current|input|previous"
                               r"|present)\s+token",
                               r"(?<![\w])(?:next|following)[- ]token\s+(?:statistics|distribution|prediction)s?\s+(?:given|from"
                               r"|conditioned\s+on)\s+(?:only\s+)?(?:the\s+)?(?:current|present|single|input)\s+token"),
                    ),
                    description="It implements a bigram model (next-token scores from the current token alone).",
                ),
                Concept(
                    "depends-only-on-token-t",
                    any_of(
                        stated(
                            "the prediction at position t depends only on the token at position t",
                            r"(?<![\w])(?:only|solely|purely|exclusively|just)\s+(?:depends\s+)?(?:on\s+)?(?:the\s+)?"
                            r"(?:(?:current|present|input|single|same|one)\s+)?(?:input\s+)?token\s+(?:at|in)\s+(?:position\s+)?"
                            r"(?:t(?![\w])|that\s+position|the\s+same\s+position)",
                            r"(?<![\w])(?:depends?|based|conditioned|relies|rely)\s+(?:only|solely|purely|exclusively|just"
                            r"|entirely)\s+(?:up)?on\s+(?:the\s+)?(?:current|present|input|single|same|token|one|t_t"
                            r"|t_\(?:?,?\s*t|x_t|t(?![\w]))",
                            r"(?<![\w])(?:only|solely|purely|exclusively)\s+(?:on\s+)?(?:the\s+)?(?:current|present)\s+"
                            r"(?:input\s+)?token",
                            r"(?<![\w])(?:depends?|based)\s+on\s+(?:nothing\s+but|no\s+more\s+than|nothing\s+other\s+than)"
                            r"\s+(?:the\s+)?(?:current\s+|input\s+)?token",
                            r"(?<![\w])only\s+(?:the\s+)?(?:current|input)\s+token\s+(?:at\s+(?:position\s+)?t\s+)?(?:matters"
                            r"|is\s+used|affects|influences)",
                            r"(?<![\w])l_t\s*=\s*w_u\s*\*?\s*w_e\s*\*?\s*t_t(?![\w])",
                        ),
                        # keywords() reads "Because nothing mixes positions, the prediction ... depends only on ..."
                        # as negated (the cue reaches past the comma): the same claim, with no negation word
                        # between its subject and its verb, counts as stated.
                        stated(
                            "the prediction at position t depends only on the token at position t",
                            r"(?<![\w])(?:prediction|output|logits?)(?:(?!(?<![\w])(?:not|never|no)(?![\w])|n't)[^,.;:\n])"
                            r"{0,50}?(?<![\w])depends?\s+(?:only|solely|purely|exclusively|just|entirely)\s+on\s+(?:the\s+)?"
                            r"(?:(?:current|input|same)\s+)?token\s+at\s+(?:position\s+)?t(?![\w])",
                            negatable=False,
                        ),
                    ),
                    points=2,
                    description="The prediction at position t depends only on the token at position t.",
                ),
                Concept(
                    "no-other-positions",
                    not_(
                        any_of(
                            keywords(any_of=[("unigram", "uni-gram", "trigram", "tri-gram")]),
                            stated(
                                "the prediction depends on other positions",
                                r"(?<![\w])(?:depends?|based|conditioned|relies|rely|attends?|uses?|looks?)\s+(?:\w+\s+){0,2}"
                                r"(?:up)?on\s+(?:(?:all|the|every)\s+){0,3}(?:previous|preceding|prior|earlier|past|other"
                                r"|surrounding|neighbou?ring|whole|entire|full|all|context)\s+(?:\w+\s+)?(?:tokens?|positions?"
                                r"|context|sequence|words|prefix)",
                                r"(?<![\w])(?:tokens?|positions?)\s+(?:1|0|one)\s*(?:through|to|\.\.\.|…|:|-)\s*t(?![\w])",
                                r"(?<![\w])x_\(?\s*(?:<\s*t|1\s*:\s*t|≤\s*t)",
                                r"(?<![\w])t_\(?\s*(?:<\s*t|1\s*:\s*t|:\s*,\s*(?:1\s*)?:\s*t)",
                                r"(?<![\w])(?:uses|combines|mixes|aggregates)\s+(?:information\s+)?(?:from\s+)?(?:all\s+)?"
                                r"(?:the\s+)?(?:previous|preceding|earlier|other)\s+(?:tokens?|positions?)",
                            ),
                        ),
                        because="the prediction at position t depends on other positions (previous tokens / context), or "
                                "calls the model a unigram/trigram model",
                    ),
                    description="Does not make the prediction depend on other positions.",
                ),
            ],
            good_examples=[
                "**(i)** $X_0 = W_E T$, and with zero layers $X_{\\text{final}} = X_0$, so\n\n"
                "$$L = W_U X_{\\text{final}} = W_U W_E T \\in \\mathbb{R}^{n_{vocab} \\times n_{context}}.$$\n\n"
                "**(ii)** The model is a **bigram model**: $W_U W_E$ is an $n_{vocab}\\times n_{vocab}$ matrix whose "
                "column $j$ holds the logits for the next token when the current token is $j$. Because nothing mixes "
                "positions, the prediction at position $t$ depends only on the token at position $t$ — none of the "
                "earlier tokens matter.",
                "```python\nlogits = W_U @ W_E @ T   # (n_vocab, n_context)\n```\n"
                "So L = W_U W_E T. Algorithm: a bigram lookup table. Column t of L is W_U W_E T_t, i.e. it depends "
                "solely on the current token at position t and not on any previous tokens.",
                "- Logits: $\\mathbf{L} = \\mathbf{W}_U\\,\\mathbf{W}_E\\,\\mathbf{T}$\n"
                "- Algorithm: bigram statistics (next token given the current one)\n"
                "- Dependence: only the input token at position t; a zero-layer model has no attention, so it cannot "
                "look at the context.",
                # plain text, a word before the left-hand side
                "The logits L = W_U W_E T (one column of scores per position). The zero-layer model is therefore a "
                "bigram model: the prediction at position t depends only on the token at position t, since no layer "
                "moves information between positions.",
            ],
            bad_examples=[
                # the key's wrong twin: W_E W_U T
                Example(
                    "(i) L = W_E W_U T.\n(ii) A bigram model: the prediction at position t depends only on the token at "
                    "position t.",
                    caught_by="not-WE-WU-T",
                ),
                # right formula, depends on previous tokens
                Example(
                    "(i) L = W_U W_E T. (ii) It is a bigram-like model, but since the residual stream accumulates the "
                    "context, the prediction at position t depends on all previous tokens 1 through t.",
                    caught_by="no-other-positions",
                ),
                # right formula, unigram model
                Example(
                    "L = W_U W_E T. This zero-layer transformer is a unigram model: it outputs the same token frequency "
                    "distribution everywhere, so the prediction at position t depends only on the token at position t "
                    "through its frequency.",
                    caught_by="bigram-model",
                ),
                # transposed factors
                Example(
                    "The logits are L = W_U^T W_E^T T, a bigram model whose prediction at position t depends only on the "
                    "token at position t.",
                    caught_by="not-WE-WU-T",
                ),
                # the wrong twin again, with a word before the left-hand side
                Example(
                    "The logits L = W_E W_U T: a bigram table, so each prediction depends only on the token at that position.",
                    caught_by="not-WE-WU-T",
                ),
            ],
        ),
        # ---------------------------------------------------------------------------------- (b)
        Part(
            id="hw11.q2b",
            title="Concatenated vs. additive multi-head output",
            reference=(
                "(i) Build W_O^H by concatenating the per-head output matrices horizontally, "
                "W_O^H = [W_O^1 W_O^2 … W_O^H]. Since R^H stacks r^1, …, r^H, block matrix multiplication gives "
                "W_O^H R^H = Σ_{h=1}^{H} W_O^h r^h, the additive view.\n"
                "(ii) Concatenation view: advantage, one big matrix multiplication, efficient on GPUs; disadvantage, "
                "hides each head's role. Additive view: advantage, interpretable per head (each head writes its own "
                "term into the residual stream); disadvantage, H small matmuls are slower."
            ),
            concepts=[
                Concept(
                    "horizontal-concatenation",
                    any_of(
                        all_of(stated("W_O^H = [W_O^1 W_O^2 … W_O^H] (row of blocks)",
                                      r"(?<![\w])w_o\^\(?1\)?\s*(?:&|,|\|)?\s*w_o\^\(?2(?![\w])", negatable=False),
                               not_(latex_column_of_blocks, because="the W_O^h written as a column")),
                        keywords(any_of=[("horizontally", "horizontal concatenation", "concatenated horizontally",
                                          "side by side", "hstack", "column-wise", "next to each other")]),
                        stated("the W_O^h are concatenated along the column axis",
                               r"(?<![\w])along\s+(?:the\s+)?(?:column|second|last|head)\s+(?:axis|dimension|dim)",
                               r"(?<![\w])(?:dim|axis)\s*=\s*(?:1|-1)(?![\w])"),
                    ),
                    points=2,
                    description="W_O^H is the horizontal concatenation [W_O^1 W_O^2 … W_O^H].",
                ),
                Concept(
                    "not-vertical-stacking",
                    not_(
                        any_of(
                            latex_column_of_blocks,
                            stated("the W_O^h are stacked vertically",
                                   r"(?<![\w])w_?o(?![a-z\d])[^.\n]{0,60}?(?<![\w])(?:vertical\w*|vstack|on\s+top\s+of\s+"
                                   r"(?:each|one)|row[- ]?wise)",
                                   r"(?<![\w])(?:vertical\w*|vstack\w*|row[- ]?wise)(?![\w])[^.\n]{0,40}?(?<![\w])w_?o(?![a-z\d])",
                                   r"(?<![\w])(?:stack|concatenat)\w*\s+(?:the\s+)?(?:output\s+matrices\s+)?(?:w_?o\^?h?\s+)?"
                                   r"(?:vertically|row[- ]?wise|along\s+(?:the\s+)?(?:row|first)\s+(?:axis|dimension))"),
                        ),
                        because="W_O^H built by stacking the W_O^h vertically (row blocks) instead of side by side",
                    ),
                    description="Does not stack the W_O^h vertically.",
                ),
                Concept(
                    "block-sum",
                    stated("W_O^H R^H = Σ_h W_O^h r^h",
                           r"(?:∑|σ|(?<![\w])sum)[^\n]{0,30}?w_o\^\(?h\)?\s*\*?\s*\(?r\^\(?h",
                           r"(?<![\w])w_o\^\(?1\)?\s*\*?\s*\(?r\^\(?1\)?\)?\s*\+",
                           r"(?<![\w])sum\s*(?:of|over)[^\n]{0,30}?w_o\^\(?h\)?\s*\(?r\^\(?h",
                           negatable=False),
                    points=2,
                    description="Block multiplication gives W_O^H R^H = Σ_h W_O^h r^h (the additive view).",
                ),
                Concept("concatenation-efficient",
                        _view(_CONCAT_VIEW, _EFFICIENT, conflicts=[_SLOW], other=_ADDITIVE_VIEW),
                        description="Concatenation view: one big matrix multiplication, computationally efficient."),
                Concept("additive-interpretable",
                        _view(_ADDITIVE_VIEW, _INTERPRETABLE, conflicts=[_OPAQUE], other=_CONCAT_VIEW),
                        description="Additive view: interpretable, each head's contribution is separate."),
                Concept(
                    "advantages-not-swapped",
                    not_(
                        any_of(_view(_ADDITIVE_VIEW, _EFFICIENT, other=_CONCAT_VIEW),
                               _view(_CONCAT_VIEW, _INTERPRETABLE_CLAIM, other=_ADDITIVE_VIEW)),
                        because="advantages swapped between the views (additive called the efficient one, or "
                                "concatenation the interpretable one)",
                    ),
                    description="Does not swap the advantages of the two views.",
                ),
            ],
            good_examples=[
                "### (b)(i)\n\nPut the head matrices side by side:\n\n$$W_O^H = \\begin{bmatrix} W_O^1 & W_O^2 & \\cdots "
                "& W_O^H \\end{bmatrix} \\in \\mathbb{R}^{d_{model} \\times H d_{head}}, \\qquad R^H = \\begin{bmatrix} "
                "r^1 \\\\ r^2 \\\\ \\vdots \\\\ r^H \\end{bmatrix}.$$\n\nBlock multiplication: $W_O^H R^H = \\sum_{h=1}^{H} "
                "W_O^h r^h$, which is exactly the additive form.\n\n### (b)(ii)\n\n"
                "| view | advantage | disadvantage |\n|---|---|---|\n"
                "| concatenation | one large GEMM, fast on GPUs | hides the per-head structure |\n"
                "| additive | interpretable: each head writes its own term to the residual stream | H small matmuls, "
                "slower |",
                "(i) Concatenate horizontally: W_O^H = [W_O^1, W_O^2, ..., W_O^H]. Then W_O^H R^H = W_O^1 r^1 + W_O^2 r^2 "
                "+ ... + W_O^H r^H = Σ_h W_O^h r^h.\n\n(ii) The concatenation view is efficient (a single matrix "
                "multiplication), but it obscures what each head does. The additive view is easier to interpret, "
                "since each head's contribution can be analysed on its own, but it is less efficient to implement.",
                "```python\nW_O = torch.cat([W_O_h for W_O_h in heads], dim=1)  # (d_model, H*d_head)\n"
                "out = W_O @ torch.cat(r, dim=0)                     # == sum(W_O_h @ r_h)\n```\n"
                "Math: $H_{out} = \\sum_{h=1}^{H} W_O^h r^h$.\n\n"
                "- Concatenation (Vaswani): **pro** efficient single matmul; **con** harder to analyse per head.\n"
                "- Additive (Elhage et al.): **pro** interpretability — heads are independent writers into the residual "
                "stream; **con** looping over heads is slow.",
            ],
            bad_examples=[
                # vertical stacking
                Example(
                    "Stack the head matrices vertically: $W_O^H = \\begin{bmatrix} W_O^1 \\\\ W_O^2 \\\\ \\vdots \\\\ "
                    "W_O^H \\end{bmatrix}$, so $W_O^H R^H = \\sum_h W_O^h r^h$. Concatenation is efficient (one big "
                    "matmul); the additive view is more interpretable.",
                    caught_by="not-vertical-stacking",
                ),
                # swapped advantages
                Example(
                    "W_O^H = [W_O^1 W_O^2 ... W_O^H] (horizontal), so W_O^H R^H = Σ_h W_O^h r^h. Advantages: the additive "
                    "view is more efficient because each head's matmul is small and fast, while the concatenation view is "
                    "more interpretable because it shows all heads at once in one matrix.",
                    caught_by="advantages-not-swapped",
                ),
                # no block-sum derivation
                Example(
                    "Concatenate the W_O^h horizontally into W_O^H. The two views are the same thing. Concatenation is "
                    "faster (one GEMM); the additive view is interpretable.",
                    caught_by="block-sum",
                ),
                # right vocabulary, negated advantages
                Example(
                    "W_O^H = [W_O^1 W_O^2 ⋯ W_O^H]; block multiplication gives Σ_h W_O^h r^h. The concatenation view is "
                    "not more efficient in practice, and the additive view is not really more interpretable either; the "
                    "difference is only notation.",
                    caught_by="concatenation-efficient",
                ),
            ],
        ),
        # ---------------------------------------------------------------------------------- (c)
        Part(
            id="hw11.q2c",
            title="The virtual QK matrix",
            reference=(
                "S_ij = Q_i^T K_j = (W_Q X_i)^T (W_K X_j) = X_i^T W_Q^T W_K X_j, a bilinear form "
                "S_ij = X_i^T W_QK X_j with the virtual matrix W_QK = W_Q^T W_K."
            ),
            concepts=[
                Concept("bilinear-form",
                        any_of(_product("X_i^T*W_QK*X_j"),
                               stated("S_ij = X_iᵀ W_QK X_j", r"(?<![\w])" + _spelled("x_i^t", "w_qk", "x_j"))),
                        description="The score is the bilinear form S_ij = X_iᵀ W_QK X_j."),
                Concept(
                    "WQK-is-WQT-WK",
                    any_of(
                        _product("W_Q^T*W_K", bound_to="W_QK"),
                        stated("W_QK = W_Qᵀ W_K", _assigned("w_qk", _spelled("w_q^t", "w_k")),
                               r"(?<![\w])" + _spelled("w_q^t", "w_k") + r"\s*(?::=|=)\s*w_qk(?![\w])"),
                    ),
                    points=2,
                    description="The virtual matrix is W_QK = W_Qᵀ W_K.",
                ),
                Concept(
                    "not-WQ-WKT",
                    not_(
                        any_of(*(_product(p, bound_to="W_QK") for p in _WRONG_WQK),
                               *(_product(f"X_i^T*{p}*X_j") for p in _WRONG_WQK),
                               stated("W_QK = another product of W_Q, W_K", _assigned("w_qk", _OTHER_WQK),
                                      r"(?<![\w])x_i\^t" + _TIMES + _OTHER_WQK + _TIMES + r"\(?\s*x_j" + _END)),
                        because="W_QK = W_Q W_Kᵀ (or another order/transposes): it must be W_QK = W_Qᵀ W_K",
                    ),
                    description="Does not give W_Q W_Kᵀ (wrong order and transposes).",
                ),
            ],
            good_examples=[
                "**(c)(i)** With $Q_i = W_Q X_i$ and $K_j = W_K X_j$:\n\n$$S_{ij} = Q_i^\\top K_j = (W_Q X_i)^\\top "
                "(W_K X_j) = X_i^\\top \\underbrace{W_Q^\\top W_K}_{W_{QK}} X_j,$$\n\nso $W_{QK} := W_Q^\\top W_K \\in "
                "\\mathbb{R}^{d_{model}\\times d_{model}}$ and $S_{ij} = X_i^\\top W_{QK} X_j$.\n\n**(ii)** Identity: "
                "attend to similar tokens; negative identity: attend to dissimilar tokens.",
                "S_ij = X_iᵀ W_QK X_j, where W_QK = W_Qᵀ W_K (a d_model × d_model matrix of rank ≤ d_head).",
                "```python\nW_QK = W_Q.T @ W_K\nS = X.T @ W_QK @ X   # S[i, j] = X[:, i].T @ W_QK @ X[:, j]\n```\n"
                "i.e. $S_{i,j} = X_i^{T} W_{QK} X_j$ with the single virtual matrix $W_{QK} = W_Q^{T} W_K$.",
                # LaTeX without $ delimiters, and a parenthetical right after the definition
                "Expanding the projections, S_{ij} = (W_Q X_i)^\\top (W_K X_j) = X_i^\\top W_Q^\\top W_K X_j, i.e. "
                "S_{ij} = X_i^\\top W_{QK} X_j with W_{QK} = W_Q^\\top W_K (a d_{model} \\times d_{model} matrix of rank at "
                "most d_{head}).",
            ],
            bad_examples=[
                # the key's wrong twin
                Example("S_ij = X_i^T W_QK X_j with W_QK = W_Q W_K^T.", caught_by="not-WQ-WKT"),
                Example(
                    "$$S_{ij} = Q_i^\\top K_j = X_i^\\top W_Q W_K^\\top X_j,$$ so the virtual matrix is $W_{QK} = W_Q "
                    "W_K^\\top$, a bilinear form in $X_i$ and $X_j$.",
                    caught_by="not-WQ-WKT",
                ),
                # order swapped
                Example(
                    "The bilinear form is S_ij = X_i^T W_QK X_j where W_QK = W_K^T W_Q (key matrix first).",
                    caught_by="not-WQ-WKT",
                ),
                # no definition at all, only the form with separate matrices
                Example(
                    "S_ij = (W_Q X_i)^T (W_K X_j): the score compares the query and key projections; the virtual matrix "
                    "combines the two projections.",
                    caught_by="WQK-is-WQT-WK",
                ),
                # the wrong twin in LaTeX without $ delimiters
                Example(
                    "S_{ij} = X_i^\\top W_{QK} X_j with W_{QK} = W_Q W_K^\\top (a d_{model} \\times d_{model} matrix).",
                    caught_by="not-WQ-WKT",
                ),
            ],
        ),
        # ---------------------------------------------------------------------------------- (e)
        Part(
            id="hw11.q2e",
            title="The rank of W_OV",
            reference=(
                "W_OV = W_O W_V with W_V ∈ R^{d_head × d_model} and W_O ∈ R^{d_model × d_head}. The rank of a product "
                "is at most the minimum of the factors' ranks, so rank(W_OV) ≤ min(rank(W_O), rank(W_V)) ≤ d_head; "
                "since d_head < d_model, W_OV is low-rank."
            ),
            concepts=[
                Concept("WOV-is-WO-WV",
                        any_of(_product("W_O*W_V", bound_to="W_OV"),
                               stated("W_OV = W_O W_V", _assigned("w_ov", _spelled("w_o", "w_v")),
                                      r"(?<![\w])" + _spelled("w_o", "w_v") + r"\s*(?::=|=)\s*w_ov(?![\w])")),
                        description="W_OV is the product W_O W_V."),
                Concept(
                    "rank-at-most-d-head",
                    stated("rank(W_OV) ≤ d_head",
                           r"(?<![\w])rank\s*\(?\s*w_ov\s*\)?\s*(?:≤[^≤≥<>=\n]{0,80}?)?≤\s*d_?head(?![\w])",
                           r"(?<![\w])rank\w*\s+(?:of\s+)?w_?ov(?![\w])[^.\n]{0,40}?(?<![\w])(?:at\s+most|no\s+(?:more|greater"
                           r"|larger)\s+than|bounded\s+(?:above\s+)?by|cannot\s+exceed|can't\s+exceed|(?:upper[- ])?bounded\s+by"
                           r"|limited\s+to)\s+(?:the\s+head\s+dimension\s+)?d_?head",
                           r"(?<![\w])w_?ov(?![\w])[^.\n]{0,20}?(?<![\w])has\s+rank\s+(?:at\s+most|no\s+more\s+than|≤|<=)\s*"
                           r"d_?head",
                           negatable=False),
                    points=2,
                    description="rank(W_OV) ≤ d_head.",
                ),
                Concept(
                    "product-rank-argument",
                    any_of(
                        stated("rank(AB) ≤ min(rank A, rank B)", r"≤\s*min\s*\(\s*rank",
                               r"(?<![\w])rank\s*\(?\s*w_o\s*\*?\s*w_v\s*\)?\s*≤", negatable=False),
                        stated("the rank of a product is bounded by its factors / the d_head bottleneck",
                               r"(?<![\w])rank\s+of\s+(?:a|the)\s+(?:matrix\s+)?product(?![\w])",
                               r"(?<![\w])inner\s+dimension(?![\w])",
                               r"(?<![\w])bottleneck(?![\w])",
                               r"(?<![\w])(?:passes|goes|factors|maps?)\s+(?:\w+\s+){0,3}(?:through|into|to)\s+(?:a\s+|the\s+)?"
                               r"(?:d_?head|r\^\(?d_?head)",
                               r"(?<![\w])w_?v\s*(?:∈|is)\s*(?:r|ℝ)?\^?\(?\s*d_?head\s*(?:\*|x)",
                               r"(?<![\w])w_?o\s*(?:∈|is)\s*(?:r|ℝ)?\^?\(?\s*d_?model\s*(?:\*|x)\s*d_?head",
                               r"(?<![\w])(?:only|just)\s+d_?head\s+(?:columns|rows)(?![\w])",
                               negatable=False),
                    ),
                    description="Why: the rank of a product is at most the smaller factor's rank (the d_head bottleneck).",
                ),
                Concept(
                    "not-full-rank",
                    not_(
                        any_of(
                            keywords(any_of=[("full rank", "full-rank", "rank d_model", "invertible")]),
                            stated("rank(W_OV) = d_model or ≥ ...", r"(?<![\w])rank\s*\(?\s*w_ov\s*\)?\s*(?:=|≥)\s*d_?model",
                                   r"(?<![\w])rank\s*\(?\s*w_ov\s*\)?\s*≥", negatable=False),
                        ),
                        because="W_OV called full-rank / rank d_model (its rank is at most d_head < d_model)",
                    ),
                    description="Does not call W_OV full-rank.",
                ),
            ],
            good_examples=[
                "**(e)(i)** $W_{OV} = W_O W_V$ where $W_V \\in \\mathbb{R}^{d_{head}\\times d_{model}}$ and "
                "$W_O \\in \\mathbb{R}^{d_{model}\\times d_{head}}$. For any product, "
                "$\\operatorname{rank}(AB) \\le \\min(\\operatorname{rank} A, \\operatorname{rank} B)$, hence\n\n"
                "$$\\operatorname{rank}(W_{OV}) \\le \\min(\\operatorname{rank} W_O, \\operatorname{rank} W_V) \\le "
                "d_{\\text{head}}.$$",
                "W_OV = W_O W_V. Every vector W_OV x = W_O (W_V x) passes through the d_head-dimensional space "
                "R^{d_head} (the inner dimension of the product), so the rank of W_OV is at most d_head, far below "
                "d_model — W_OV is low-rank, not full rank.",
                "- $W_{OV} := W_O W_V$\n- $\\mathrm{rank}(W_{OV}) \\leq \\mathrm{rank}(W_V) \\leq d_{head}$ because "
                "$W_V$ has only d_head rows",
            ],
            bad_examples=[
                # full rank
                Example(
                    "W_OV = W_O W_V is a d_model × d_model matrix, so it is full rank: rank(W_OV) = d_model.",
                    caught_by="not-full-rank",
                ),
                # wrong bound
                Example(
                    "W_OV = W_O W_V, and rank(W_OV) ≤ rank(W_O) + rank(W_V) ≤ 2 d_head, so the rank can exceed d_head.",
                    caught_by="rank-at-most-d-head",
                ),
                # wrong factor order and no bound on d_head
                Example(
                    "W_OV = W_V W_O; its rank is bounded by d_model because it is d_model × d_model.",
                    caught_by="WOV-is-WO-WV",
                ),
            ],
        ),
    ],
)
