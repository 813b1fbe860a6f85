"""HW12 Q1 — Debugging Transformers (std=1 on the tied word embedding; fix std = d_model ** -0.5)."""

from __future__ import annotations

from pytest_hwcheck import Concept, Example, Part, Question, any_of, expression, keywords, not_
from pytest_hwcheck.matchers.keywords import regex as regex_term

PROMPT = r"""## 1. Debugging Transformers

You're implementing a Transformer encoder-decoder model for document summarization (a sequence-to-sequence NLP task). You write the initialization of your embedding layer and head weights as below:

```
1 class Transformer(nn.Module):
2     def __init__(self, n_words, max_len, n_layers,
3                 d_model, n_heads, d_ffn, p_drop):
4         super().__init__()
5         self.emb_word = nn.Embedding(n_words, d_model)
6         self.emb_pos = nn.Embedding(max_len, d_model)
7
8         # Initialize embedding layers
9         self.emb_word.weight.data.normal_(mean=0, std=1)
10        self.emb_pos.weight.data.normal_(mean=0, std=1)
11
12        self.emb_ln = nn.LayerNorm(d_model)
13        self.encoder_layers = nn.ModuleList([
14            TransformerLayer(False, d_model, n_heads, d_ffn, p_drop)
15            for _ in range(n_layers)
16        ])
17        self.decoder_layers = nn.ModuleList([
18            TransformerLayer(True, d_model, n_heads, d_ffn, p_drop)
19            for _ in range(n_layers)
20        ])
21        self.lm_head = nn.Linear(d_model, n_words)
22        # Share lm_head weights with emb_word
23        self.lm_head.weight = self.emb_word.weight
24        self.criterion = nn.CrossEntropyLoss(ignore_index=-100)
```

After training this model, you compare your implementation with your friend's by looking at the loss curves:

*(a) Your model's loss - 23.4*

*(b) Your friend's model's loss - 6.1*

**Figure 1:** Comparing your model's loss vs your friend's model's loss. Your model is doing significantly worse.

Your friend suggests that there's something wrong with how the head gets initialized. **Identify the bug in your initialization, fix it by correcting the buggy lines, and briefly explain why your fix should work.**

*Hint: remember that `d_model` is large in transformer models.*

*Hint: your change needs to impact line 9 somehow since that is where the head is initialized.*

**The bug:** (brief description)

**The fix (code):** (Just show anything you change and/or add to the code.)

**Why the fix should work:** (brief explanation)
"""

# -- the concepts -------------------------------------------------------------------------------

#: Line 9 (the word embedding emb_word, initialised with std=1) is where the bug is.
BUG_IS_LINE_9 = keywords(any_of=["line 9", "emb_word", "word embedding", "word embeddings", "word-embedding",
                                 "token embedding", "token embeddings"])

#: The fix: the standard deviation on line 9 becomes 1/sqrt(d_model), in any notation.
FIX_STD = expression("d_model**-0.5", bound_to="std")

#: Why line 9 is the head's init: lm_head.weight is the same tensor as emb_word.weight (line 23).
WEIGHT_TYING = keywords(any_of=[
    "tied", "tie", "ties", "tying", "weight tying", "weight-tying", "share", "shares", "shared", "sharing",
    "line 23", "lm_head.weight = self.emb_word.weight", "same matrix", "same weights", "same tensor",
])

#: The effect of the fix: logits get variance about 1, so the softmax is not saturated at step 0
#: (initial loss about ln(vocab size)).
UNIT_LOGIT_VARIANCE = keywords(any_of=[
    regex_term(r"varian\w*[^.\n]{0,140}?(?:≈|~|∼|=|close\s+to|around|about|approximately|roughly|near|of\s+order|"
               r"on\s+the\s+order\s+of)\s*\(?\s*1(?![\d./^*])", label="variance ≈ 1"),
    regex_term(r"unit[\s-]+variance", label="unit variance"),
    regex_term(r"(?:o\(1\)|order[\s-]+(?:one|1))\s+logits?|logits?[^.\n]{0,60}?(?:o\(1\)|order[\s-]+(?:one|1)\b|n\(0\s*,\s*1\))",
               label="O(1) logits"),
    regex_term(r"(?:prevents?|preventing|stops?|no\s+longer|removes?|eliminates?|without)\s+(?:the\s+)?(?:softmax\s+)?saturat\w*"
               r"|(?:not|n't|never)\s+(?:be\s+|become\s+|get\s+)?saturat\w*|unsaturated|non-saturated",
               label="softmax not saturated"),
    regex_term(r"(?:roughly|nearly|almost|close\s+to|near|approximately|approx\.?)[\s-]+uniform", label="softmax ≈ uniform"),
    regex_term(r"(?:initial|starting|first)\s+(?:cross[\s-]+entropy\s+)?loss\s+(?:of\s+|is\s+|near\s+|around\s+|≈\s*|~\s*|about\s+)+"
               r"(?:\$?\s*)?(?:ln|log)\s*\(?\s*(?:n_words|vocab|\|v\||v\b|vocab_size|n\b)", label="initial loss ≈ ln(vocab)"),
])

#: Wrong twin: scaling the init *up* (std = sqrt(d_model)).
SCALE_UP = any_of(
    expression("d_model**0.5", bound_to="std"),
    keywords(any_of=[
        regex_term(r"(?:scale|multiply|increase)\w*\s+(?:the\s+)?(?:std|standard\s+deviation|σ|sigma|init\w*|weights?)\s+"
                   r"(?:up\s+)?by\s+(?:\$?\s*)?(?:√|sqrt|\\sqrt)\s*\(?\s*d_model", label="scale the init up by √d_model"),
        regex_term(r"std\s+(?:is\s+)?too\s+small", label="std=1 is too small"),
    ]),
)

#: Wrong twin: the learning rate is blamed or changed instead of the init.
BLAME_LR = keywords(any_of=[
    regex_term(r"(?:lower|lowering|reduce|reducing|decrease|decreasing|smaller|tune|tuning|change|adjust|drop)\s+"
               r"(?:the\s+)?(?:learning\s+rate|lr)\b", label="lower/tune the learning rate"),
    regex_term(r"(?:learning\s+rate|\blr)\s+(?:is\s+|was\s+)?(?:much\s+|far\s+|way\s+)?too\s+(?:high|large|big|aggressive)",
               label="learning rate too high"),
    regex_term(r"(?:learning\s+rate|\blr)\s+(?:is|was)\s+(?:the\s+)?(?:bug|problem|issue|culprit|cause)",
               label="the learning rate is the bug"),
    regex_term(r"(?:learning[\s-]+rate|\blr)\s+warm[\s-]?up|warm[\s-]?up\s+(?:the\s+)?(?:learning\s+rate|lr)",
               label="learning-rate warmup"),
])

#: Wrong twin: untying lm_head from emb_word instead of fixing the init on line 9.
UNTIE = keywords(any_of=[
    regex_term(r"\bunti(?:e|es|ed|ing)\b", label="untie the weights"),
    regex_term(r"(?:remove|removing|delete|deleting|drop|dropping|comment\s+out|commenting\s+out|get\s+rid\s+of)\s+"
               r"(?:the\s+)?(?:weight[\s-]+)?(?:tying|sharing|line\s+23|tie\b)", label="remove the weight tying (line 23)"),
    regex_term(r"(?:stop|do\s+not|don't)\s+(?:sharing|share|tying|tie)\b", label="stop sharing the weights"),
    regex_term(r"(?:separate|independent|its\s+own|their\s+own|own)\s+(?:weights?|parameters?|matrix)\s+for\s+"
               r"(?:the\s+)?(?:lm_head|head|output)|(?:lm_head|head)\s+(?:gets|has|keeps|with)\s+(?:its\s+own|separate|"
               r"independent)\s+(?:init\w*|weights?|parameters?)", label="give the head its own weights"),
])


REFERENCE = r"""**The bug.** Line 9 initialises the word embedding `emb_word` with `std=1`. Because `lm_head.weight` is tied to
`emb_word.weight` (line 23), the output logits are dot products of a d_model-dimensional hidden state with unit-variance
embedding rows, so their variance grows like d_model and the softmax saturates: the initial loss is far above ln(n_words).

**The fix.**
```python
self.emb_word.weight.data.normal_(mean=0, std=d_model ** -0.5)   # line 9
self.emb_pos.weight.data.normal_(mean=0, std=d_model ** -0.5)    # line 10 (optional, same scale)
```

**Why it works.** With std = 1/√d_model each logit is a sum of d_model terms of variance 1/d_model, so the logit
variance is ≈ 1, the softmax starts roughly uniform instead of saturated, and the initial loss is ≈ ln(n_words)."""

GOOD = [
    # Long Markdown with LaTeX, a derivation, fix on lines 9 and 10.
    r"""### The bug

Look at line 9: `self.emb_word.weight.data.normal_(mean=0, std=1)`. That matrix is *also* the output projection, since
line 23 does `self.lm_head.weight = self.emb_word.weight` (weight tying). For a hidden state $h \in \mathbb{R}^{d_{model}}$
coming out of the decoder (LayerNorm-ed, so roughly unit variance per coordinate), the logit of word $i$ is

$$z_i = \sum_{k=1}^{d_{model}} h_k\, E_{ik}, \qquad \operatorname{Var}(z_i) \approx d_{model} \cdot 1 \cdot 1 = d_{model}.$$

With $d_{model} = 512$ the logits have standard deviation $\approx 22.6$: the softmax is completely peaked on a random
word, and the cross-entropy at step 0 is enormous (far above $\ln(n_{words})$). That is the 23.4 curve.

### The fix (code)

```python
# line 9
self.emb_word.weight.data.normal_(mean=0, std=d_model ** -0.5)
# line 10 -- not required for the head, but keeps the two embeddings on the same scale
self.emb_pos.weight.data.normal_(mean=0, std=d_model ** -0.5)
```

### Why the fix should work

Now each $E_{ik} \sim \mathcal{N}(0, 1/d_{model})$, so
$\operatorname{Var}(z_i) \approx d_{model} \cdot \tfrac{1}{d_{model}} = 1$: the logit variance is close to 1, the
initial softmax is roughly uniform over the vocabulary and the first loss is about $\ln(n_{words})$, exactly like your
friend's model.""",
    # Short prose, 1/math.sqrt, negated mention of the learning rate and of untying.
    r"""Bug: line 9 draws the word embeddings from N(0, 1). The LM head is the same tensor (it shares the weights with
emb_word via line 23), so every logit is a sum of d_model unit-variance products and blows up for large d_model.
This is not a learning-rate problem, and we keep the tying rather than untying the weights.

Fix:
```python
import math
self.emb_word.weight.data.normal_(mean=0, std=1 / math.sqrt(d_model))
```

Why: the logits then have variance ≈ 1, so the softmax is not saturated at initialization and gradients flow.""",
    # A table, d_model^(-1/2).
    r"""| | |
|---|---|
| **Buggy line** | 9 — `emb_word` is initialised with `std=1` |
| **Why it matters** | line 23 ties `lm_head.weight` to `emb_word.weight`, so the head uses those huge weights |
| **Fix** | `self.emb_word.weight.data.normal_(mean=0, std=d_model**(-1/2))` |
| **Effect** | logit variance ≈ 1 instead of ≈ d_model; the softmax is no longer saturated, initial loss ≈ ln(n_words) |""",
    # Checkboxes and a LaTeX \frac.
    r"""- [x] **Bug located:** line 9 — the word embedding is initialized with unit standard deviation.
- [x] **Why line 9 is the head:** `lm_head` and `emb_word` share one weight matrix (line 23).
- [x] **Fix:** set $\sigma = \frac{1}{\sqrt{d_{model}}}$ on line 9, i.e. `normal_(mean=0, std=1/d_model**0.5)`.
- [x] **Why:** each logit $z = h^\top e$ then has $\mathrm{Var}(z) \approx d_{model}\cdot\sigma^2 = 1$, which prevents
  saturation of the softmax; the starting loss sits near $\log |V|$ rather than 23.""",
    # Unicode and plain text, "standard deviation of".
    r"""The problem is the word-embedding init on line 9 (std=1). Since the output layer's weights are tied to the
embedding table, logits = h·eᵢ have variance ≈ d_model, which saturates the softmax and gives the very high starting
loss.

Change line 9 so the weights have a standard deviation of 1/√d_model:

    self.emb_word.weight.data.normal_(mean=0, std=d_model ** -0.5)

With that, logits are O(1) at initialization (variance around 1), the softmax is roughly uniform, and training starts
from loss ≈ ln(vocab) like your friend's run.""",
]

BAD = [
    # Scaling up: right vocabulary, wrong direction.
    Example(
        r"""**The bug:** line 9 uses std=1 for the word embedding, which is too small for a large d_model: since lm_head
shares these weights (line 23), the logits are too weak to separate the words.

**The fix:**
```python
self.emb_word.weight.data.normal_(mean=0, std=d_model ** 0.5)
```

**Why:** scaling the std up by √d_model gives the logits enough variance; afterwards the logit variance is about 1
per dimension and the softmax is not saturated.""",
        caught_by="no-scaling-up",
    ),
    # Blaming the learning rate.
    Example(
        r"""**The bug:** the initialization on line 9 (word embedding, std=1) is standard; because lm_head is tied to
emb_word, the real issue is that the learning rate is too high for the tied weights, so the first updates blow up.

**The fix:** lower the learning rate to 1e-4 and add a learning-rate warmup of 4000 steps; keep line 9 as is.

**Why:** smaller steps keep the logit variance about 1 and the softmax is not saturated early in training.""",
        caught_by="no-blaming-learning-rate",
    ),
    # Untying the weights instead of fixing line 9.
    Example(
        r"""The bug is line 9: the word embedding has std=1, and because line 23 shares that matrix with lm_head, the head
starts with huge weights.

Fix: delete line 23 so the head gets its own nn.Linear initialization (untie the weights):

```python
self.lm_head = nn.Linear(d_model, n_words)
# (line 23 removed)
```

Why: nn.Linear's default init has std ≈ 1/√d_model, so the logit variance is ≈ 1 and the softmax is no longer
saturated.""",
        caught_by="no-untying-weights",
    ),
    # Negated: the fix is stated as the wrong choice; blames line 10.
    Example(
        r"""The bug is not line 9; it is line 10, the positional embedding `emb_pos` with std=1, which is shared across all
positions. Instead of std = d_model ** -0.5 for the word embedding, keep it at 1 and use
`self.emb_pos.weight.data.normal_(mean=0, std=0.02)`. Then the logit variance is ≈ 1.""",
        caught_by="bug-is-line-9-word-embedding",
    ),
    # No fix value at all, only a vague explanation.
    Example(
        r"""Line 9 is the bug: the word embeddings are tied to the head (line 23) and std=1 is a bad choice. Use a
smaller standard deviation so that the softmax is not saturated.""",
        caught_by="fix-std-inverse-sqrt-d-model",
    ),
]

question = Question(
    id="hw12.q1",
    title="Debugging Transformers",
    prompt=PROMPT,
    parts=[
        Part(
            id="hw12.q1",
            title="Bug, fix and reason for the tied word-embedding initialization",
            reference=REFERENCE,
            concepts=[
                Concept("bug-is-line-9-word-embedding", BUG_IS_LINE_9,
                        description="The bug is line 9: the word embedding emb_word is initialised with std=1"),
                Concept("fix-std-inverse-sqrt-d-model", FIX_STD, points=2,
                        description="The fix sets std = d_model ** -0.5 (1/√d_model) on line 9"),
                Concept("reason-weight-tying", WEIGHT_TYING,
                        description="lm_head.weight is tied to emb_word.weight (line 23), so line 9 initialises the head"),
                Concept("effect-unit-logit-variance", UNIT_LOGIT_VARIANCE,
                        description="With the fix the logit variance is ≈ 1, so the softmax is not saturated at init"),
                Concept("no-scaling-up", not_(SCALE_UP, because="the init is scaled up (std = √d_model) instead of down"),
                        description="Does not scale the standard deviation up by √d_model"),
                Concept("no-blaming-learning-rate",
                        not_(BLAME_LR, because="the learning rate is blamed or changed instead of the initialization"),
                        description="Does not blame the learning rate"),
                Concept("no-untying-weights",
                        not_(UNTIE, because="the weights are untied instead of changing line 9"),
                        description="Keeps the weight tying and fixes line 9 instead of untying lm_head from emb_word"),
            ],
            good_examples=GOOD,
            bad_examples=BAD,
        ),
    ],
)
