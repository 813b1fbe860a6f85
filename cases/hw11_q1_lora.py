"""HW11 Q1 — LoRA: rank and underfitting, zero / Xavier initialisation, adapter memory, usual init (follow-up)."""

from __future__ import annotations

import re

from _hw11_support import stated
from pytest_hwcheck import Concept, Example, Matcher, Part, Question, all_of, any_of, association, expression, not_
from pytest_hwcheck.matchers.keywords import regex

PROMPT = r"""## 1. LORA

A common strategy for adapting a large pre-trained model to a new task is to update only a subset of its parameters, keeping the rest frozen. Low-Rank Adaptation (LoRA) offers a more flexible approach to this idea. In this problem, we focus on a single weight matrix $W$ with $m$ rows and $l$ columns, where $W_0$ is the pre-trained value. During LoRA-based training, $W$ is replaced by $W_0 + AB$ where $W_0$ remains frozen and only $A$ and $B$ are learnable. Here, $A$ is an $m \times k$ matrix and $B$ is $k \times l$ matrix, typically with $k \ll \min(m, l)$.

(a) Suppose you are using LORA to adapt a pretrained deep neural net to a new task and observe that the model is "underfitting" the training data. What would you try to adjust in the LoRA to get better performance?

(b) Suppose both $A$ and $B$ are initialized to all zeros. Why will this cause problems for LoRA-based finetuning? Remember, this is going to be trained using SGD-style updates over a training set with a loss function.

(c) Consider the following pseudocode for LoRA initialization:

```python
A = torch.nn.Parameter(torch.empty(m, k))
B = torch.nn.Parameter(torch.empty(k, l))
torch.nn.init.xavier_uniform_(A)
torch.nn.init.xavier_uniform_(B)
```

Why might LoRA fine-tuning not work well with this initialization?

(d) How much memory is required to store the LoRA adaptation weights ($A$ and $B$)? Assume we are using floats (4 bytes per real number) and give your answer in bytes. How does this compare to storing a single full-rank adaptation matrix?"""

FOLLOWUP = "For part b, how are gradients for A and B usually initialized instead?"

# ------------------------------------------------------------------------------------------------
# Vocabulary. ``stated`` patterns (see _hw11_support) are regexes over the normalized answer,
# which is lower case: the matrix "A" would read as the article "a". Prose about the matrices
# is therefore checked through ``_SpelledOut``, which first writes them "matrix A" / "matrix B".
# ------------------------------------------------------------------------------------------------
_X = r"(?![\w])"  # end of a word; "_" counts as a word character (w_0, lora_a)

# A capital A or B standing alone: mid-sentence always, at the start of a sentence or line only
# when a verb or a symbol follows (so the article in "A common mistake ..." is left alone).
_MATRIX_NAME = re.compile(
    r"(?<![\w\\∂])(?<![Mm]atrix )(?<![Pp]art )(?<!partial )"
    r"(?:(?:(?<=[^.!?:\s] )|(?<=[$(`*{|]))([AB])(?![\w])"
    r"|([AB])(?=\s*(?:[:=~∼∈,.)]|(?:is|are|gets?|has|should|must|uses?|will|starts?|stays?|moves?|remains?|receives?"
    r"|and|to|from|with|as)\b)))"
)


class _SpelledOut(Matcher):
    """``matcher`` on the answer with the matrices written "matrix A" / "matrix B" and "w.r.t." as "wrt"
    (the shared sentence splitter ends a sentence at "w.r.t. A")."""

    name = "spelled_out"

    def __init__(self, matcher: Matcher) -> None:
        super().__init__()
        self.matcher = matcher

    def children(self) -> list[Matcher]:
        return [self.matcher]

    def check(self, answer: str):
        answer = re.sub(r"(?i)\bw\.r\.t\.", "wrt", answer)
        return self.matcher(_MATRIX_NAME.sub(lambda m: "matrix " + (m.group(1) or m.group(2)), answer))

    def __repr__(self) -> str:
        return repr(self.matcher)


def _grad(x: str) -> str:
    """∂L/∂x as the normalizer leaves it: ∂l/∂x, (∂ l)/(∂ x), dl/dx, ∇_x l, x.grad."""
    return (rf"(?:\(\s*∂\s*l\s*\)\s*/\s*\(\s*∂\s*{x}\s*\)|∂\s*l\s*/\s*∂\s*{x}|dl\s*/\s*d{x}|∇_\(?{x}\)?\s*\(?l"
            rf"|(?<![\w.]){x}\.grad){_X}")


def _self_gradient(x: str, other: str) -> str:
    """∂L/∂x = … with x itself and no factor of the other matrix on the right-hand side (roles swapped)."""
    stop = rf"(?!{_grad('a')}|{_grad('b')})"
    rhs = rf"(?:{stop}(?!(?<![\w∂]){other}{_X})[^=≈~∝\n,;])*"
    return (_grad(x) + rf"\s*(?:=|≈|~|∝)\s*{rhs}(?<![\w∂]){x}(?:\^t|\.t)?{_X}(?!\s+(?!and{_X})[a-z]{{2,}}){rhs}"
            rf"(?=[=≈~∝\n,;]|{_grad('a')}|{_grad('b')}|$)")


def _gradient_carries(x: str, other: str, *more_words: str, formula: str) -> Matcher:
    """∂L/∂x carries a factor of the other matrix: in a formula, or in words ("the gradient w.r.t. A depends on B")."""
    not_other = rf"(?:(?!matrix\s+{other}{_X})[^.;\n])"  # a character of the clause, not starting "matrix <other>"
    verbs = (r"depends?\s+on|proportional\s+to|multiplied\s+by|scaled\s+by|scales\s+with|involves|contains\s+a\s+factor\s+of"
             r"|is\s+a\s+(?:linear\s+)?function\s+of|goes\s+through|passes\s+through|flows?\s+through")
    return any_of(
        stated(formula, _grad(x) + rf"\s*(?:=|≈|~|∝)\s*(?:(?!{_grad('a')}|{_grad('b')})[^=≈~∝\n,;])*?(?<![\w∂]){other}{_X}",
               negatable=False),
        _SpelledOut(stated(
            f"the gradient with respect to {x.upper()} is proportional to / depends on {other.upper()}",
            rf"(?:gradient|grad|update|derivative)s?\s+(?:of|for|on|to|w\.?r\.?t\.?|with\s+respect\s+to)\s+(?:the\s+)?matrix\s+{x}{_X}"
            rf"{not_other}{{0,40}}?(?<![\w])(?:{verbs})\s+(?:the\s+(?:current\s+)?(?:value\s+of\s+)?)?matrix\s+{other}{_X}",
            rf"(?<![\w])matrix\s+{x}'s\s+gradient{not_other}{{0,40}}?(?<![\w])(?:depends\s+on|proportional\s+to"
            rf"|multiplied\s+by|scaled\s+by)\s+(?:the\s+)?matrix\s+{other}{_X}",
            *more_words)),
    )


_A = regex(rf"(?:matrix\s+|lora_)a{_X}", label="A")
_B = regex(rf"(?:matrix\s+|lora_)b{_X}", label="B")
_ZERO = regex(r"(?<![\w-])(?:all[- ]?)?zeros?(?![\w-])|zeros_|zero[- ]init\w*|(?<=[=:|])\s*0(?![\w^]|\.\d)", label="zero")
_RANDOM = regex(r"random\w*|gaussian|normal(?:ly)?\s+distributed|normal\s+distribution|(?<![\w])n\(0|kaiming|xavier"
                r"|glorot|uniform|(?<![\w])he\s+init\w*", label="random (Gaussian / Kaiming)")
_RANDOM_WORDS = _RANDOM.pattern.pattern


def _bound(subject, attribute, *, other, conflicts=()) -> Matcher:
    """``subject`` bound to ``attribute`` in a clause or a table row (the other matrix takes what is said next to it)."""
    return _SpelledOut(any_of(*(association(subject, attribute, conflicts=conflicts, others=[other], within=level)
                                for level in ("clause", "item"))))


_A_RANDOM = _bound(_A, _RANDOM, conflicts=[_ZERO], other=_B)
_B_ZERO = _bound(_B, _ZERO, conflicts=[_RANDOM], other=_A)
# (random as a conflict makes "random init for A, zero init for B" read the right way round)
_A_ZERO = _bound(_A, _ZERO, conflicts=[_RANDOM], other=_B)
_B_SET_TO_ZERO = _bound(_B, _ZERO, other=_A)  # part (c): there B is random under the init being criticised


question = Question(
    id="hw11.q1",
    title="LoRA",
    prompt=PROMPT,
    parts=[
        # ---------------------------------------------------------------------------------- (a)
        Part(
            id="hw11.q1a",
            title="Underfitting with LoRA",
            reference=(
                "Underfitting means the adapter lacks capacity: the update ΔW = AB has rank at most k, so only a "
                "k-dimensional family of changes to W_0 is reachable. Increase the LoRA rank k (e.g. from 8 to 32 or "
                "64), which adds trainable parameters and lets the update express richer changes."
            ),
            concepts=[
                Concept(
                    "increase-rank-k",
                    stated(
                        "increase the LoRA rank k",
                        r"(?<![\w])(?:increas\w*|rais\w*|enlarg\w*|grow\w*|boost\w*|bump\w*(?:\s+up)?|doubl\w*|scal\w*\s+up"
                        r"|go(?:ing)?\s+up\s+(?:in|on))\s+(?:the\s+)?(?:value\s+of\s+)?(?:lora\s+|adapter\s+|adaptation\s+)?"
                        r"(?:rank|k|r|bottleneck\s+dimension|inner\s+dimension)(?![\w])",
                        r"(?<![\w])(?:larger|higher|bigger|greater)\s+(?:lora\s+|adapter\s+)?(?:rank|k|r|value\s+of\s+k)(?![\w])",
                        r"(?<![\w])(?:rank|k|r)\s+(?:should|must|needs?\s+to|has\s+to)\s+(?:be\s+)?(?:increased|raised|larger"
                        r"|higher|bigger|go\s+up)",
                        r"(?<![\w])k\s*(?:↑|⬆|uparrow)",
                        r"(?<![\w])k\s*(?:→|⇒)\s*(?:2k|4k|larger|higher|bigger)",
                    ),
                    points=2,
                    description="The fix for underfitting is to increase the LoRA rank k (more adapter capacity).",
                ),
                Concept(
                    "not-lower-rank",
                    not_(
                        stated(
                            "lower the rank k",
                            r"(?<![\w])(?:decreas\w*|reduc\w*|lower\w*|shrink\w*|cut\w*|drop\w*)\s+(?:the\s+)?(?:value\s+of\s+)?"
                            r"(?:lora\s+|adapter\s+)?(?:rank\s+k(?![\w])|rank(?![\w])(?!\s+of)|k(?![\w]))",
                            r"(?<![\w])(?:use|choose|pick|try|set|with|go\s+to|switch\s+to)\s+(?:a\s+)?(?:smaller|lower)\s+"
                            r"(?:lora\s+)?(?:rank|k|r)(?![\w])",
                            r"(?<![\w])(?:rank|k|r)\s+(?:should|must|needs?\s+to|has\s+to)\s+(?:be\s+)?(?:decreased|reduced"
                            r"|lowered|smaller|go\s+down)",
                        ),
                        because="lowering the LoRA rank k (that removes capacity and worsens underfitting)",
                    ),
                    description="Does not recommend lowering k.",
                ),
                Concept(
                    "not-only-learning-rate",
                    not_(
                        stated(
                            "only tune the learning rate / keep k fixed",
                            r"(?<![\w])(?:only|just|simply|solely|merely)\s+(?:need\s+to\s+)?(?:tune|tuning|adjust\w*|chang\w*"
                            r"|increas\w*|rais\w*|lower\w*|decreas\w*)\s+(?:the\s+)?(?:learning[- ]rate|lr)(?![\w])",
                            r"(?<![\w])(?:keep|leave|hold)\s+(?:the\s+)?(?:rank\s+)?(?:k|rank|r)\s+(?:fixed|unchanged|the\s+same"
                            r"|as\s+is|constant)",
                            r"(?<![\w])(?:rank|k)(?![\w])[^.\n]{0,30}(?<![\w])(?:is|isn't|is\s+not)\s+(?:not\s+)?(?:the\s+)?"
                            r"(?:issue|problem|bottleneck)",
                            r"(?<![\w])(?:learning[- ]rate|lr)\s+is\s+the\s+(?:only|real|actual|right)\s+(?:knob|fix|lever|thing"
                            r"|issue|cause|culprit)",
                            negatable=False,
                        ),
                        because="only tuning the learning rate (keeping the rank k unchanged)",
                    ),
                    description="Does not reduce the fix to tuning the learning rate with k unchanged.",
                ),
            ],
            good_examples=[
                "**Answer:** increase $k$.\n\nThe LoRA update $\\Delta W = AB$ has $\\operatorname{rank}(\\Delta W) "
                "\\le k$. If the model underfits, the low-rank bottleneck is too tight, so I would raise the rank "
                "(say $k = 4 \\to k = 16$). You can also try adding LoRA adapters to more layers, but the first knob is "
                "a larger rank.",
                "### Part (a)\n\nUnderfitting = not enough capacity. In LoRA, capacity is set by the rank $r$ "
                "(here called $k$) of $A \\in \\mathbb{R}^{m\\times k}$, $B \\in \\mathbb{R}^{k\\times l}$.\n\n"
                "- [x] Increase the LoRA rank $k$\n- [ ] Decrease $k$\n- [ ] Freeze more of $W_0$\n\n"
                "A bigger $k$ means $k(m+l)$ trainable numbers instead of a tiny handful, so the adapter can fit the data.",
                "```python\n# underfitting -> give the adapter more room\nlora_config = LoraConfig(r=64)  # was r=8\n```\n"
                "In words: k should be increased. The rank of AB can never exceed k, so a small k caps how far "
                "W = W_0 + AB can move; going up in rank lets the adapted weights express the task.",
                "| knob | effect on underfitting |\n|---|---|\n| rank k ↑ | more capacity, fixes it |\n"
                "| learning rate | secondary, may help optimisation |\n\nSo: use a higher rank k for the LoRA matrices.",
            ],
            bad_examples=[
                # lowering k
                Example(
                    "Underfitting in LoRA usually means the adapter is being pulled in too many directions. Reduce the "
                    "rank k (e.g. 16 → 4) so that the update ΔW = AB is more constrained and easier to optimise.",
                    caught_by="not-lower-rank",
                ),
                # only the learning rate
                Example(
                    "The rank k is not the issue here: LoRA is already expressive enough. Keep k fixed and simply tune the "
                    "learning rate (raise it, since the adapter is learning too slowly), and train for more epochs.",
                    caught_by="not-only-learning-rate",
                ),
                # right vocabulary, wrong direction disguised: mentions increasing k only to reject it
                Example(
                    "One might think of increasing the rank k, but that will not help: the rank of ΔW = AB is irrelevant "
                    "to underfitting. Instead, lower the rank k to regularise and increase the learning rate.",
                    caught_by="not-lower-rank",
                ),
                # contrasted mention only
                Example(
                    "Rather than increasing the rank k, you should just adjust the learning rate and the number of epochs; "
                    "the capacity of a rank-k update is already plenty.",
                    caught_by="not-only-learning-rate",
                ),
            ],
        ),
        # ---------------------------------------------------------------------------------- (b)
        Part(
            id="hw11.q1b",
            title="Zero initialisation of both factors",
            reference=(
                "With W = W_0 + AB, the chain rule gives ∂L/∂A = (∂L/∂W) Bᵀ and ∂L/∂B = Aᵀ (∂L/∂W): the gradient of "
                "each factor is multiplied by the other factor. If A = 0 and B = 0, both gradients are zero, so SGD "
                "never updates A or B; they stay zero forever and the model stays at W_0 (nothing is fine-tuned)."
            ),
            concepts=[
                Concept("grad-A-through-B", _gradient_carries("a", "b", formula="∂L/∂A = (∂L/∂W) Bᵀ"),
                        description="The gradient of A carries a factor of B: ∂L/∂A = (∂L/∂W)Bᵀ."),
                Concept("grad-B-through-A",
                        _gradient_carries("b", "a", r"(?<![\w])(?:and\s+)?vice\s+versa(?![\w])", formula="∂L/∂B = Aᵀ (∂L/∂W)"),
                        description="The gradient of B carries a factor of A: ∂L/∂B = Aᵀ(∂L/∂W)."),
                Concept(
                    "both-gradients-zero",
                    any_of(
                        all_of(stated("∂L/∂A = 0", _grad("a") + r"\s*(?:=[^=\n,;]*)?=\s*0(?![\w]|\.\d)",
                                      _grad("a") + r"\s*=\s*" + _grad("b") + r"\s*=\s*0(?![\w]|\.\d)", negatable=False),
                               stated("∂L/∂B = 0", _grad("b") + r"\s*(?:=[^=\n,;]*)?=\s*0(?![\w]|\.\d)",
                                      _grad("a") + r"\s*=\s*" + _grad("b") + r"\s*=\s*0(?![\w]|\.\d)", negatable=False)),
                        stated("both gradients are zero",
                               r"(?<![\w])(?:both\s+)?gradients?(?![\w])[^.\n]{0,60}?(?<![\w])(?:are|is|will\s+be|become|becomes"
                               r"|remain|remains|stay|stays|evaluates?\s+to|equals?)\s+(?:(?:identically|exactly|all|both|also"
                               r"|then)\s+)*(?:zero|0)(?![\w])",
                               r"(?<![\w])zero\s+gradients?(?![\w])",
                               r"(?<![\w])both\s+(?:are|=|equal|become|vanish)\s*(?:zero|0)?(?![\w])(?!\.\d)",
                               r"(?<![\w])(?:every|each|all)\s+(?:the\s+)?(?:sgd\s+)?updates?\s+(?:is|are|will\s+be)\s+"
                               r"(?:exactly\s+)?(?:zero|0)(?![\w])",
                               r"(?<![\w])gradients?\s+(?:vanish|are\s+killed|are\s+identically\s+zero)",
                               r"(?<![\w])no\s+(?:learning\s+|gradient\s+)?signal(?![\w])",
                               r"(?<![\w])no\s+gradient\s+(?:flows?|reaches|can\s+flow)"),
                    ),
                    points=2,
                    description="With A = B = 0, both ∂L/∂A and ∂L/∂B are zero.",
                ),
                Concept(
                    "stuck-at-W0",
                    stated(
                        "A and B never update and the model stays at the pretrained W_0",
                        r"(?<![\w])never\s+(?:be\s+|get\s+)?(?:updated|update|change|changes|move|moves|learn|learns|train)",
                        r"(?<![\w])(?:stay|stays|remain|remains|stuck|frozen|trapped)(?![\w])[^.\n]{0,25}?(?:(?<![\w])(?:at|as"
                        r"|equal\s+to|identical\s+to))?\s*(?:zero|0(?![\w])|w_?0|the\s+pre-?trained)",
                        r"(?<![\w])(?:stays?|remains?)\s+(?:frozen|stuck)",
                        r"(?<![\w])forever(?![\w])",
                        r"(?<![\w])(?:nothing|no\s+(?:parameter|weight)s?)\s+(?:is\s+|gets\s+|will\s+be\s+)?(?:learn\w*|train\w*"
                        r"|updat\w*|fine-?tun\w*)",
                        r"(?<![\w])no\s+(?:learning|training|fine-?tuning|adaptation)\s+(?:happens|occurs|takes\s+place|at\s+all)",
                        r"(?<![\w])(?:never|cannot|can't|won't)\s+(?:escape|leave|move\s+away\s+from)\s+(?:zero|0|the\s+origin)",
                        r"(?<![\w])(?:model|network|weights?)(?![\w])[^.\n]{0,30}(?<![\w])(?:is\s+)?(?:equivalent|identical|equal)"
                        r"\s+to\s+(?:the\s+)?(?:frozen\s+|original\s+)?(?:pre-?trained|w_?0)[^.\n]{0,30}(?<![\w])(?:throughout"
                        r"|for\s+ever|during\s+all|at\s+every\s+step|for\s+all)",
                    ),
                    description="Since the gradients stay zero, A and B never move: nothing trains and W stays at W₀.",
                ),
                Concept(
                    "no-self-dependent-gradient",
                    not_(
                        any_of(
                            stated("∂L/∂A written with A itself (no B)", _self_gradient("a", "b"), negatable=False),
                            stated("∂L/∂B written with B itself (no A)", _self_gradient("b", "a"), negatable=False),
                        ),
                        because="each factor's gradient written in terms of itself (∂L/∂A ∝ Aᵀ…, ∂L/∂B ∝ …Bᵀ): the "
                                "roles of A and B are swapped",
                    ),
                    description="The gradients are not written with the roles of A and B swapped.",
                ),
                Concept(
                    "not-both-zero-recommended",
                    not_(
                        stated(
                            "initialising both A and B to zero is the recommended/standard LoRA init",
                            r"(?<![\w])(?:both|a\s+and\s+b)(?![\w])[^.\n]{0,50}?(?<![\w])zeros?(?![\w])[^.\n]{0,50}?(?<![\w])"
                            r"(?:is|are|being)\s+(?:the\s+)?(?:recommended|standard|default|usual|typical|preferred|common"
                            r"|correct|best)",
                            r"(?<![\w])(?:recommended|standard|default|usual|typical|preferred|common)\s+(?:lora\s+)?(?:init\w*"
                            r"|practice|choice)(?![\w])[^.\n]{0,30}?(?:is\s+|sets\s+|uses\s+)?(?:to\s+)?(?:initiali[sz]e\s+"
                            r"|set\s+)?(?:both|a\s+and\s+b|a\s*=\s*b\s*=\s*0)(?![\w])",
                            r"(?<![\w])(?:all[- ]zeros?|zero[- ]init\w*)(?![\w])[^.\n]{0,30}?(?<![\w])(?:is|are)\s+(?:the\s+)?"
                            r"(?:recommended|standard|default|usual|typical|preferred)",
                            r"(?<![\w])this\s+is\s+(?:exactly\s+)?how\s+lora\s+is\s+(?:normally|usually|typically)\s+"
                            r"initiali[sz]ed",
                        ),
                        because="both-zero is the recommended/standard LoRA initialisation",
                    ),
                    description="Does not present A = B = 0 as the recommended initialisation.",
                ),
            ],
            good_examples=[
                "### (b)\n\nWrite $W = W_0 + AB$ and let $G = \\frac{\\partial L}{\\partial W}$. Then\n\n"
                "$$\\frac{\\partial L}{\\partial A} = G B^\\top, \\qquad \\frac{\\partial L}{\\partial B} = A^\\top G.$$\n\n"
                "At $A = 0, B = 0$ both right-hand sides vanish: $\\frac{\\partial L}{\\partial A} = 0$ and "
                "$\\frac{\\partial L}{\\partial B} = 0$. An SGD step $A \\leftarrow A - \\eta \\nabla_A L$ therefore leaves "
                "$A = 0$, and likewise $B$. This is a fixed point: the parameters never change, $AB = 0$ forever, and the "
                "network is just the frozen $W_0$ — no fine-tuning happens at all.",
                "The problem is that (0, 0) is a saddle/fixed point of the LoRA parametrisation.\n\n"
                "- The gradient w.r.t. A is proportional to B, and the gradient w.r.t. B is proportional to A.\n"
                "- With both zero, the gradients are exactly zero.\n- So no learning signal reaches either matrix; "
                "they stay at zero and the model remains the pre-trained W_0 for the whole run.\n\n"
                "Note it is the *combination* that fails; zeroing only one factor is fine.",
                "```python\nA = torch.zeros(m, k, requires_grad=True)\nB = torch.zeros(k, l, requires_grad=True)\n"
                "loss = f(x @ (W0 + A @ B)).sum(); loss.backward()\nprint(A.grad.abs().max(), B.grad.abs().max())  # 0, 0\n```\n"
                "Because dL/dA = (dL/dW) B^T and dL/dB = A^T (dL/dW), both are 0 when A = B = 0. "
                "Nothing is ever learned: every update is zero, so A and B never move from 0.",
                "| quantity | value at init |\n|---|---|\n| ΔW = AB | 0 |\n| ∇_A L = (∇_W L) Bᵀ | 0 |\n"
                "| ∇_B L = Aᵀ (∇_W L) | 0 |\n\nBoth gradients are zero, so SGD leaves A and B stuck at zero: the model "
                "stays at W₀ throughout training and cannot adapt to the new task.",
            ],
            bad_examples=[
                # both zero recommended, wrong mechanism
                Example(
                    "Initialising both A and B to zero is the standard LoRA init, since it keeps W = W_0 at the start. The "
                    "only issue is symmetry: every column of A receives an identical gradient, so the update has rank 1 "
                    "and learning is slower; the gradients themselves are non-zero and training proceeds.",
                    caught_by="not-both-zero-recommended",
                ),
                # swapped roles in the gradients
                Example(
                    "By the chain rule ∂L/∂A = Aᵀ(∂L/∂W) and ∂L/∂B = (∂L/∂W)Bᵀ, i.e. each factor's gradient is "
                    "proportional to itself. With A = B = 0 both gradients are zero, so A and B never update and the model "
                    "stays at W_0.",
                    caught_by="no-self-dependent-gradient",
                ),
                # zero gradients only at step 0, claims recovery
                Example(
                    "At step 0, ∂L/∂A = (∂L/∂W)Bᵀ and ∂L/∂B = Aᵀ(∂L/∂W) both vanish, but Adam's bias correction and weight "
                    "noise push A and B off zero after the first step, so training simply starts a little slower. This is "
                    "why all-zeros is the recommended initialisation in practice.",
                    caught_by="stuck-at-W0",
                ),
                # right vocabulary, negated claim
                Example(
                    "The gradient w.r.t. A depends on B and the gradient w.r.t. B depends on A, but the gradients are not "
                    "zero because the loss gradient ∂L/∂W is non-zero; so A and B do get updated and there is no real "
                    "problem beyond a slow start.",
                    caught_by="both-gradients-zero",
                ),
            ],
        ),
        # ---------------------------------------------------------------------------------- (c)
        Part(
            id="hw11.q1c",
            title="Xavier initialisation of both factors",
            reference=(
                "With Xavier on both A and B the product AB ≠ 0 at step 0, so W = W_0 + AB is the pretrained weight "
                "plus random noise: the fine-tune starts from a perturbed model that is worse than the pretrained one "
                "and must first undo the noise. The standard fix is to initialise one factor randomly (A Gaussian) and "
                "B to zero, so AB = 0 initially and training starts exactly at W_0 while the gradients are non-zero."
            ),
            concepts=[
                Concept(
                    "AB-nonzero-at-init",
                    stated(
                        "the product AB is non-zero at initialisation",
                        r"(?<![\w])(?:ab|δ\s*w|delta\s*w)\s*(?:≠|!=|=/=)\s*0(?![\w.])",
                        r"(?<![\w])(?:ab|δ\s*w|product|update|delta)(?![\w])[^.\n]{0,60}?(?<![\w])(?:is|will\s+be|becomes|be)\s+"
                        r"(?:an?\s+)?(?:generally\s+|immediately\s+|already\s+)?(?:non-?zero|random|not\s+zero|nonzero)",
                        r"(?<![\w])non-?zero\s+(?:random\s+)?(?:matrix|update|product|ab|δ\s*w|perturbation)(?![\w])",
                        r"(?<![\w])(?:ab|δ\s*w)\s+(?:is\s+)?(?:not|no\s+longer)\s+(?:equal\s+to\s+)?(?:zero|0)(?![\w])",
                        negatable=False,
                    ),
                    points=2,
                    description="Xavier on both factors makes AB ≠ 0 at step 0.",
                ),
                Concept(
                    "perturbs-pretrained",
                    stated(
                        "W_0 is perturbed by random noise, so fine-tuning starts worse than the pretrained model",
                        r"(?<![\w])(?:adds?|adding|inject\w*|plus|with)\s+(?:a\s+|some\s+)?(?:random\s+)?(?:noise|perturbation)",
                        r"(?<![\w])w_?0\s*\+\s*\(?\s*(?:random\s*|a\s+random\s+)?(?:noise|perturbation)",
                        r"(?<![\w])(?:random\s+)?noise\s+(?:to|into|on\s+top\s+of|in)\s+(?:the\s+)?(?:pre-?trained|w_?0|frozen)",
                        r"(?<![\w])(?:perturb\w*|corrupt\w*|destroy\w*|damag\w*|degrad\w*|disturb\w*|overwrit\w*|shift\w*"
                        r"|distort\w*|scrambl\w*)[^.\n]{0,60}?(?<![\w])(?:pre-?trained|w_?0|original|initial\s+(?:performance"
                        r"|model|loss))",
                        r"(?<![\w])(?:pre-?trained|w_?0)(?![\w])[^.\n]{0,60}?(?<![\w])(?:perturb\w*|corrupt\w*|destroy\w*"
                        r"|damag\w*|degrad\w*|disturb\w*|overwrit\w*|distort\w*)",
                        r"(?<![\w])(?:starts?|begins?|starting|beginning)(?![\w])[^.\n]{0,40}?(?<![\w])(?:worse|higher\s+loss"
                        r"|away\s+from|far\s+from|not\s+(?:at|from)\s+(?:the\s+)?(?:pre-?trained|w_?0))",
                        r"(?<![\w])(?:no\s+longer|not)\s+(?:start\w*\s+(?:at|from)|equal\s+to|equivalent\s+to|the\s+same\s+as)"
                        r"\s+(?:the\s+)?(?:pre-?trained|w_?0)",
                        r"(?<![\w])(?:loss|performance)\s+(?:spike|jump|drop)",
                        r"(?<![\w])(?:spike|jump)\s+in\s+(?:the\s+)?loss",
                    ),
                    description="W₀ is perturbed by random noise, so the fine-tune starts worse than the pretrained model.",
                ),
                Concept(
                    "fix-one-factor-zero",
                    any_of(
                        _B_SET_TO_ZERO,
                        stated("standard fix: one factor random, the other zero, so AB = 0 initially",
                               r"(?<![\w])(?:initiali[sz]e|init|set)\w*\s+(?:one|either)\s+(?:of\s+(?:them|the\s+(?:two\s+)?"
                               r"(?:factors|matrices)))?\s*(?:factor\s+|matrix\s+)?(?:to\s+)?zeros?",
                               r"(?<![\w])one\s+(?:of\s+(?:them|the\s+(?:two\s+)?(?:factors|matrices))|factor|matrix)(?![\w])"
                               r"[^.\n]{0,30}?(?<![\w])(?:zero|0)(?![\w])"),
                    ),
                    description="Fix: one factor random, the other (B) zero, so AB = 0 at the start.",
                ),
                Concept(
                    "not-vanishing-gradients",
                    not_(
                        stated(
                            "Xavier's small values make the gradients vanish",
                            r"(?<![\w])(?:vanish\w*|tiny|too\s+small|very\s+small|diminish\w*)\s+gradients?(?![\w])[^.\n]{0,80}?"
                            r"(?:xavier|glorot|small\s+(?:initial\s+)?(?:values|weights|entries|init\w*)|scal\w+|uniform)",
                            r"(?<![\w])(?:xavier|glorot|small\s+(?:initial\s+)?(?:values|weights|entries))[^.\n]{0,100}?"
                            r"(?<![\w])(?:vanish\w*|too\s+small|tiny|diminish\w*)(?![\w])[^.\n]{0,30}?(?<![\w])gradients?",
                            r"(?<![\w])(?:xavier|glorot|small\s+(?:initial\s+)?(?:values|weights|entries))[^.\n]{0,100}?"
                            r"(?<![\w])gradients?(?![\w])[^.\n]{0,30}?(?<![\w])(?:vanish\w*|too\s+small|tiny|shrink\w*)",
                            r"(?<![\w])gradients?(?![\w])[^.\n]{0,40}?(?<![\w])(?:vanish\w*|too\s+small|tiny)(?![\w])[^.\n]{0,60}?"
                            r"(?:xavier|glorot|small\s+(?:initial\s+)?(?:values|weights|entries))",
                        ),
                        because="blames vanishing gradients from small Xavier values (the real problem is AB ≠ 0 "
                                "perturbing W_0)",
                    ),
                    description="Does not blame vanishing gradients from small Xavier values.",
                ),
                Concept(
                    "fix-not-both-zero",
                    not_(
                        stated(
                            "the fix is to set both A and B to zero",
                            r"(?<![\w])(?:fix|solution|remedy|instead|should|better|recommend\w*|use|try|simply|just)(?![\w])"
                            r"[^.\n]{0,40}?(?<![\w])(?:initiali[sz]\w*|init|set\w*|zero)\s+both\s+(?:a\s+and\s+b\s+|matrices\s+"
                            r"|factors\s+)?(?:to\s+|at\s+|with\s+|as\s+)?(?:all[- ]?)?zeros?",
                            r"(?<![\w])both\s+(?:a\s+and\s+b\s+)?(?:should|must)\s+(?:be\s+)?(?:initiali[sz]ed\s+|set\s+)?"
                            r"(?:to\s+)?zeros?",
                            r"(?<![\w])fix(?![\w])[^.\n]{0,40}?(?<![\w])a\s*=\s*b\s*=\s*0",
                        ),
                        because="proposes initialising both A and B to zero (then no gradient flows, part b)",
                    ),
                    description="Does not propose both-zero as the fix.",
                ),
            ],
            good_examples=[
                "### (c) Xavier on both factors\n\nWith `xavier_uniform_` on **both** matrices, $A$ and $B$ are "
                "independent random matrices, so $\\Delta W = AB \\neq 0$ at step 0. The very first forward pass uses\n\n"
                "$$W = W_0 + AB = W_0 + \\text{(random noise)},$$\n\nso the pretrained weights are corrupted before any "
                "learning: the initial loss is higher than the pretrained model's and the optimiser first spends steps "
                "undoing the noise. The usual fix is to keep Xavier/Kaiming on $A$ but initialise $B = 0$, which gives "
                "$AB = 0$ at the start while $\\partial L / \\partial B = A^\\top G \\ne 0$.",
                "Short version:\n1. Xavier gives non-zero entries to both matrices.\n2. Hence the product AB is a non-zero "
                "random matrix and the adapted layer W_0 + AB no longer equals the pretrained layer.\n3. The model "
                "starts worse than the pretrained checkpoint (we lose the 'start from W_0' property).\n\n"
                "Fix: zero-initialize B (or either one of the two factors) and keep A random.",
                "| init | AB at step 0 | effect |\n|---|---|---|\n| Xavier A, Xavier B | random, ≠ 0 | W_0 perturbed by "
                "noise, starting loss jumps |\n| Gaussian A, B = 0 | 0 | starts exactly at the pretrained model |\n\n"
                "So the given code is bad because AB ≠ 0: it destroys the pretrained behaviour at initialisation. "
                "(It is not a vanishing-gradient issue.)",
                "```python\ntorch.nn.init.kaiming_uniform_(A, a=5 ** 0.5)\ntorch.nn.init.zeros_(B)   # the standard LoRA choice\n```\n"
                "With the pseudocode in the question instead, AB is not zero, so fine-tuning begins from W_0 plus a random "
                "perturbation rather than from the pretrained model itself, and the early steps are spent repairing that "
                "damage.",
            ],
            bad_examples=[
                # the key's wrong twin: vanishing gradients from small Xavier values
                Example(
                    "Xavier initialisation draws very small values (scaled by 1/sqrt(fan_in + fan_out)), so the product AB "
                    "is tiny and the gradients through A and B vanish. Training barely moves. The fix is to initialise A and "
                    "B with a larger scale so that the gradients are not too small.",
                    caught_by="not-vanishing-gradients",
                ),
                # right on AB≠0, wrong fix (both zero)
                Example(
                    "With Xavier on both, AB ≠ 0 at step 0, so W_0 is perturbed by random noise and fine-tuning starts "
                    "worse than the pretrained model. The fix is to initialise both A and B to zero so that AB = 0.",
                    caught_by="fix-not-both-zero",
                ),
                # mixes the right vocabulary with the wrong mechanism
                Example(
                    "Xavier on both makes AB ≠ 0, but since Xavier is zero-mean this noise averages out and does not hurt "
                    "the pretrained model. The real issue is that Xavier's small values make the gradients vanish; setting "
                    "B = 0 and A random fixes it.",
                    caught_by="perturbs-pretrained",
                ),
                # claims AB = 0 at init
                Example(
                    "xavier_uniform_ is symmetric around zero, so AB = 0 in expectation and the model starts at W_0 — that "
                    "part is fine. The problem is exploding gradients, because Xavier assumes tanh activations; use a "
                    "smaller learning rate.",
                    caught_by="AB-nonzero-at-init",
                ),
            ],
        ),
        # ---------------------------------------------------------------------------------- (d)
        Part(
            id="hw11.q1d",
            title="Memory of the LoRA weights",
            reference=(
                "A has mk entries and B has kl entries, so storing them takes 4(mk + kl) = 4k(m + l) bytes. A full-rank "
                "adaptation matrix ΔW has ml entries, 4ml bytes. The ratio is k(m + l)/(ml), so LoRA is far smaller "
                "when k ≪ min(m, l)."
            ),
            concepts=[
                Concept("lora-bytes", expression("4*k*(m + l)"), points=2,
                        description="Storing A and B takes 4k(m + l) = 4(mk + kl) bytes."),
                Concept("full-rank-bytes", expression("4*m*l"),
                        description="A full-rank m × l update takes 4ml bytes."),
                Concept(
                    "lora-much-smaller",
                    stated(
                        "LoRA needs far less memory than the full-rank update",
                        r"(?<![\w])(?:much|far|significantly|substantially|considerably|dramatically|a\s+lot|vastly"
                        r"|orders?\s+of\s+magnitude)\s+(?:smaller|less|fewer|lower|cheaper)(?![\w])",
                        r"(?<![\w])(?:smaller|less|fewer|lower|cheaper)(?![\w])[^.\n]{0,50}?(?<![\w])(?:than|compared\s+"
                        r"(?:to|with)|vs\.?)(?![\w])",
                        r"(?<![\w])(?:saves?|saving|savings|reduction|reduces?|compression|fraction)(?![\w])",
                        r"(?:≪|<<)\s*4\s*\*?\s*m\s*\*?\s*l(?![\w])",
                        r"(?<![\w])k\s*\*?\s*\(\s*m\s*\+\s*l\s*\)\s*(?:≪|<<)\s*m\s*\*?\s*l(?![\w])",
                    ),
                    description="LoRA takes far less memory than the full-rank update when k ≪ min(m, l).",
                ),
                Concept("not-4mkl", not_(expression("4*m*k*l"), because="4mkl bytes (multiplying m, k, l instead of adding mk + kl)"),
                        description="Does not give 4mkl bytes."),
                Concept("not-4-m-plus-l", not_(expression("4*(m + l)"), because="4(m + l) bytes (the rank k is dropped)"),
                        description="Does not give 4(m + l) bytes."),
                Concept(
                    "not-always-smaller",
                    not_(
                        stated(
                            "LoRA is smaller for every k / LoRA is larger",
                            r"(?<![\w])(?:regardless|irrespective)\s+of\s+(?:the\s+(?:value\s+of\s+)?)?(?:rank\s+)?k(?![\w])",
                            r"(?<![\w])for\s+(?:any|every|all)\s+(?:values?\s+of\s+)?(?:rank\s+)?k(?![\w])",
                            r"(?<![\w])lora(?![\w])[^.\n]{0,40}?(?<![\w])(?:needs|uses|requires|takes)\s+more\s+memory",
                        ),
                        because="LoRA claimed smaller for every k (false once k > ml/(m + l)) or claimed larger",
                    ),
                    description="Does not claim the saving holds for every k, nor that LoRA is larger.",
                ),
            ],
            good_examples=[
                "**(d)** $A\\in\\mathbb R^{m\\times k}$ has $mk$ floats and $B\\in\\mathbb R^{k\\times l}$ has $kl$, so\n\n"
                "$$\\text{mem}_{\\text{LoRA}} = 4(mk + kl) = 4k(m+l)\\ \\text{bytes}.$$\n\n"
                "A full-rank update $\\Delta W \\in \\mathbb R^{m\\times l}$ needs $4ml$ bytes. Ratio: "
                "$\\frac{k(m+l)}{ml}$; with $m = l = 4096$, $k = 8$ that is $\\approx 0.4\\%$, i.e. LoRA is orders of "
                "magnitude smaller as long as $k \\ll \\min(m,l)$.",
                "| storage | entries | bytes |\n|---|---|---|\n| A (m × k) | mk | 4mk |\n| B (k × l) | kl | 4kl |\n"
                "| LoRA total | k(m + l) | 4mk + 4kl |\n| full ΔW (m × l) | ml | 4ml |\n\nLoRA is far smaller when "
                "k ≪ min(m, l) (it only loses once k exceeds ml/(m + l)).",
                "```python\nlora_bytes = 4 * k * (m + l)\nfull_bytes = 4 * m * l\n```\nSo storing A and B costs 4·k·(m+l) "
                "bytes versus 4·m·l bytes for a dense update — much less memory, because k(m+l) ≪ ml when the rank is small.",
            ],
            bad_examples=[
                # 4mkl
                Example(
                    "A is m × k and B is k × l, so together they hold m·k·l numbers: 4mkl bytes. A full-rank matrix needs "
                    "4ml bytes, so LoRA is much smaller when k ≪ min(m, l).",
                    caught_by="not-4mkl",
                ),
                # 4(m+l)
                Example(
                    "Each of A and B is stored as one vector per row/column, so the memory is 4(m + l) bytes, compared with "
                    "4ml bytes for the full update: far less memory.",
                    caught_by="not-4-m-plus-l",
                ),
                # right formula, wrong comparison
                Example(
                    "LoRA needs 4k(m + l) bytes and a full-rank ΔW needs 4ml bytes, so LoRA is smaller regardless of k — "
                    "it always saves memory.",
                    caught_by="not-always-smaller",
                ),
                # right LoRA bytes but wrong full-rank size
                Example(
                    "Memory for A and B: 4(mk + kl) bytes. The full-rank adaptation matrix would need 4(m + l)k bytes as "
                    "well, so LoRA is not smaller; the benefit is only in compute.",
                    caught_by="full-rank-bytes",
                ),
            ],
        ),
        # ---------------------------------------------------------------------------------- follow-up
        Part(
            id="hw11.q1.followup",
            label=None,
            prompt=FOLLOWUP,
            title="Usual LoRA initialisation (follow-up to part b)",
            reference=(
                "The usual LoRA initialisation is A random (Gaussian or Kaiming/He uniform) and B = 0. Then AB = 0, so "
                "the model starts exactly at W_0, while ∂L/∂B = Aᵀ(∂L/∂W) ≠ 0 because A is random, so B moves on the "
                "first step and A starts receiving gradient after that."
            ),
            concepts=[
                Concept("A-random", _A_RANDOM, description="A is initialised randomly (Gaussian or Kaiming/He)."),
                Concept("B-zero", _B_ZERO, points=2, description="B is initialised to zero, so AB = 0 at the start."),
                Concept(
                    "not-both-zero",
                    not_(
                        stated(
                            "both A and B initialised to zero",
                            r"(?<![\w])(?:both|a\s+and\s+b)\s+(?:are\s+|is\s+)?(?:usually\s+|typically\s+|commonly\s+"
                            r"|normally\s+|still\s+)?(?:initiali[sz]ed|set|init|start)\s+(?:to|at|with|as)\s+(?:all[- ]?)?zeros?",
                            r"(?<![\w])a\s*=\s*b\s*=\s*0",
                            r"(?<![\w])a\s*=\s*0\s*(?:,|and)\s*b\s*=\s*0",
                        ),
                        because="both A and B initialised to zero (no gradient ever flows, as in part b)",
                    ),
                    description="Does not give both-zero as the usual init.",
                ),
                Concept(
                    "not-both-random",
                    not_(
                        stated(
                            "both A and B initialised randomly",
                            r"(?<![\w])(?:both|a\s+and\s+b)\s+(?:are\s+|is\s+)?(?:usually\s+|typically\s+|commonly\s+"
                            r"|normally\s+)?(?:initiali[sz]ed\s+|drawn\s+|set\s+|sampled\s+)?(?:with\s+|from\s+|to\s+|using\s+)?"
                            r"(?:small\s+)?(?:" + _RANDOM_WORDS + ")",
                            r"(?<![\w])(?:random|gaussian|kaiming|xavier)\w*\s+(?:init\w*\s+)?(?:for|on)\s+both(?![\w])",
                        ),
                        because="both A and B initialised randomly (AB ≠ 0 perturbs W_0, as in part c)",
                    ),
                    description="Does not give both-random as the usual init.",
                ),
                Concept(
                    "not-A-zero",
                    not_(_A_ZERO, because="A initialised to zero with B random (the usual init zeros B and draws A at random)"),
                    description="Does not swap the roles (A zero, B random).",
                ),
            ],
            good_examples=[
                "Standard LoRA (Hu et al., 2021):\n\n- **A**: random Gaussian, $A \\sim \\mathcal N(0, \\sigma^2)$ "
                "(the PEFT library uses Kaiming-uniform).\n- **B**: zeros, $B = 0$.\n\nSo $AB = 0$ and $W = W_0$ at "
                "step 0, yet $\\partial L/\\partial B = A^\\top \\partial L/\\partial W \\neq 0$: B moves immediately and "
                "then A starts receiving gradient too.",
                "Usually you draw A from a random distribution (Kaiming/He uniform in most implementations) and set B to "
                "all zeros. That way the adapter contributes nothing at the start but gradients are not stuck like in "
                "part (b), where both were zero.",
                "```python\nnn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))\nnn.init.zeros_(self.lora_B)\n```\n"
                "i.e. random init for A, zero init for B. (Some variants swap the roles, but the usual choice is B = 0.)",
                "| matrix | usual init |\n|---|---|\n| A | Gaussian random |\n| B | 0 |\n\nOne factor must be random "
                "so that gradients flow; the other is zero so that W_0 is unchanged at the start.",
            ],
            bad_examples=[
                # both zero
                Example(
                    "Both A and B are usually initialized to zero; the symmetry is broken by dropout on the LoRA branch, so "
                    "the gradients are fine in practice.",
                    caught_by="not-both-zero",
                ),
                # both random
                Example(
                    "In practice both A and B are initialized with small random Gaussian values (std 0.02); since they are "
                    "small, AB is close to zero and W_0 is barely perturbed.",
                    caught_by="not-both-random",
                ),
                # swapped roles
                Example(
                    "The usual recipe: A is set to zero and B is drawn from a random Gaussian (Kaiming). Then AB = 0 at the "
                    "start and B's randomness lets gradients flow into A.",
                    caught_by="not-A-zero",
                ),
                # right words, negated
                Example(
                    "A common misconception is that A is random and B is zero. Actually both A and B are initialized with "
                    "Xavier so that the update starts with a useful scale.",
                    caught_by="not-both-random",
                ),
            ],
        ),
    ],
)
