"""HW11 Q6 — Soft prompting (which tokens carry the loss, trainable parameters, true/false, MAML over a prompt).

Part (a) has no reference in the answer key (the seeds do not hold the exact token indices the
official solution uses) and is left out of verdict comparisons; its concepts below are what the
question text asks for, stated without indices.
"""

import re

from pytest_hwcheck import Concept, Example, Part, Question, Verdict, any_of, expression, keywords, not_, similar, true_false
from pytest_hwcheck.matchers.text import is_negated

PROMPT = r"""## 6. Soft Prompting

[stem text not in the seed]

(a) If we want to train the soft-prompt to output correct reasoning and produce the correct answer, which output tokens will be used to compute the loss?

(b) How many parameters are being trained in this model?

(c) [text not in the seed; the student asked for "parts i ii iii iv"]

(d) Describe how you would adapt a meta-learning approach like MAML for a family of tasks using a frozen GPT model and soft prompting.
"""

_PROMPT_WORDS = r"(?:soft[- ]?prompt|prompt\s+(?:tokens?|vectors?|positions?|embeddings?)|question|input)"

# ---------------------------------------------------------------------------------------------
# (a) which outputs carry the loss
# ---------------------------------------------------------------------------------------------

PART_A = Part(
    id="hw11.q6a",
    title="Which output tokens the loss is computed on",
    reference=(
        "Only the outputs that predict the target text carry the loss: the tokens of the reasoning (chain of thought) "
        "and of the final answer, together with the newline / end token that closes the answer. The outputs at the "
        "soft-prompt positions and at the question positions are not used in the loss (they are conditioning input), "
        "and padding positions after the answer are masked out."
    ),
    concepts=[
        Concept(
            "loss-on-reasoning-and-answer",
            keywords(all_of=[("reasoning", "chain of thought", "chain-of-thought", "rationale", "explanation",
                              "solution steps"),
                             ("answer",)]),
            points=2,
            description="The loss is computed on the outputs that produce the reasoning tokens and the answer tokens",
        ),
        Concept(
            "no-loss-on-prompt-or-question",
            keywords(regex=True, negation_aware=False, any_of=[
                r"\b(?:not|no|n't|never|nothing|exclud\w*|ignor\w*|mask\w*|without|skip\w*)\b[^.\n]{0,60}\b" + _PROMPT_WORDS,
                _PROMPT_WORDS + r"[^.\n]{0,60}\b(?:not|no|excluded|ignored|masked(?:\s+out)?)\b",
                r"\bonly\b[^.\n]{0,60}\b(?:reasoning|answer|chain[- ]of[- ]thought|cot|target)",
            ]),
            description="The outputs at the soft-prompt and question positions are not part of the loss",
        ),
        Concept(
            "no-loss-on-every-token",
            not_(keywords(regex=True, any_of=[
                r"\b(?:loss|train\w*)\b[^.\n]{0,30}\b(?:on|over)\s+(?:the\s+)?(?:soft[- ]?prompt|question|input)",
                r"\b(?:loss|train\w*)\b[^.\n]{0,40}\b(?:on|over|for)\s+(?:all|every|each)\s+(?:of\s+the\s+)?"
                r"(?:output\s+)?(?:tokens?|positions?)\b",
            ]), because="the loss is computed on every position, including the soft prompt / question tokens"),
            description="The loss is not taken on all positions (the prompt and question are input, not targets)",
        ),
    ],
    good_examples=[
        """The loss is applied only to the part of the sequence the model has to *generate*: the reasoning tokens and the
final answer token (plus the newline/EOS that ends the answer). Outputs at the soft-prompt positions and at the question
positions are ignored — they are conditioning context — and padding positions are masked out.""",
        """| positions | content | used in the loss? |
|---|---|---|
| 1–5 | soft prompt | no |
| question tokens | the question | no |
| reasoning tokens | chain of thought | yes |
| answer token + newline | final answer | yes |
| padding | — | no (masked) |""",
        r"""We mask the cross-entropy so that $\mathcal{L} = -\sum_{t \in \text{reasoning} \cup \text{answer}} \log p(x_t \mid x_{<t})$:
i.e. we compute the loss only on the outputs predicting the chain-of-thought tokens and the answer. Nothing is computed on
the prompt or question positions.""",
    ],
    bad_examples=[
        # every position in the loss
        Example(
            """We compute the loss on all output tokens, including the soft prompt and the question, so that the model learns the
whole sequence including the reasoning and the answer.""",
            caught_by="no-loss-on-every-token",
        ),
        # answer only, reasoning never mentioned
        Example(
            """Only the final answer token is used in the loss; every other position (soft prompt, question) is ignored.""",
            caught_by="loss-on-reasoning-and-answer",
        ),
        # loss on the soft prompt positions
        Example(
            """Since the soft prompt is what we train, the loss is computed on the soft prompt tokens and on the answer, with the
reasoning left unsupervised.""",
            caught_by="no-loss-on-prompt-or-question",
        ),
    ],
)

# ---------------------------------------------------------------------------------------------
# (b) number of trainable parameters
# ---------------------------------------------------------------------------------------------

_LAYERS = {"L": ["N_layers", "n_layers", "N_L", "num_layers", "L_layers", "n_L"]}

PART_B = Part(
    id="hw11.q6b",
    title="Number of trained parameters",
    reference=(
        "Only the soft prompt is trained: 5 prompt vectors, each of the embedding width E, so 5 × E parameters. "
        "The GPT model itself is frozen."
    ),
    concepts=[
        Concept("five-times-e", expression("5*E", aliases={"E": ["d_model", "D", "H", "d_embed", "d_emb"]}), points=2,
                description="5 × E trainable parameters: 5 prompt vectors of width E"),
        Concept("model-frozen",
                keywords(any_of=[("frozen", "fixed", "not updated", "not trained", "kept fixed", "untouched",
                                  "no gradient updates", "not fine-tuned", "stay the same")]),
                description="The GPT model's own weights are frozen; only the prompt vectors train"),
        Concept(
            "no-times-layers",
            not_(any_of(expression("5*E*L", aliases=_LAYERS),
                        keywords(regex=True, any_of=[
                            r"(?:times|multipl\w*|×|\*)\s*(?:by\s+)?(?:the\s+)?(?:number\s+of\s+|#\s*)layers",
                            r"\b(?:per|at\s+every|in\s+each|for\s+each|at\s+each|in\s+every)\s+layer\b",
                        ])),
                 because="multiplying by the number of layers (the soft prompt sits only at the input embedding)"),
            description="The count is not multiplied by the number of layers",
        ),
    ],
    good_examples=[
        """**5E.** The transformer is frozen; the only trainable tensor is the soft prompt, 5 vectors in the embedding space of
width E, so 5·E parameters.""",
        r"""Trainable parameters $= 5 \times E$ (five prompt embeddings $p_1,\dots,p_5 \in \mathbb{R}^{E}$); every GPT weight stays fixed.""",
        """```python
soft_prompt = torch.nn.Parameter(torch.randn(5, E))   # the only trainable tensor
for p in gpt.parameters():
    p.requires_grad_(False)                           # GPT is frozen
n_trainable = 5 * E
```""",
        """Answer: 5 × E. The prompt vectors enter only at the input layer, so the count is not multiplied by the number of
layers; the model weights are not updated.""",
    ],
    bad_examples=[
        # wrong twin: times layers
        Example(
            """Each of the 5 prompt vectors has E entries and is inserted at every layer, so 5 × E × L parameters; the model is frozen.""",
            caught_by="no-times-layers",
        ),
        # wrong twin in words
        Example(
            """5E per layer, times the number of layers. GPT's weights are frozen.""",
            caught_by="no-times-layers",
        ),
        # model not frozen
        Example(
            """We fine-tune the whole network together with the prompt: all of GPT's parameters plus 5 × E.""",
            caught_by="model-frozen",
        ),
        # wrong count
        Example(
            """The soft prompt has 5 tokens, so 5 parameters are trained; the model is frozen.""",
            caught_by="five-times-e",
        ),
    ],
)

# ---------------------------------------------------------------------------------------------
# (c) four true/false statements
# ---------------------------------------------------------------------------------------------

PART_C = Part(
    id="hw11.q6c",
    title="True or false (i)–(iv)",
    reference="(i) True. (ii) True. (iii) False. (iv) False.",
    concepts=[
        Concept("true-true-false-false", true_false({"i": True, "ii": True, "iii": False, "iv": False}), points=4,
                description="(i) True, (ii) True, (iii) False, (iv) False"),
    ],
    good_examples=[
        """**(i) True.** The prompt positions come first and attend only to themselves, so their activations can be cached.

**(ii) True.** Soft prompts live in a continuous space that contains every hard prompt's embeddings.

**(iii) False.** Full fine-tuning is not always better; on small data it can overfit.

**(iv) False.** The base model is frozen, so training a prompt for task A cannot hurt task B.""",
        """| statement | verdict |
|---|---|
| (i) | True |
| (ii) | True |
| (iii) | False |
| (iv) | False |""",
        """- i: true
- ii: true
- iii: false — fine-tuning every weight can overfit or forget
- iv: false — the frozen weights are shared, only the prompts differ""",
    ],
    bad_examples=[
        Example(
            """(i) True (ii) False (iii) False (iv) False""",
            caught_by="true-true-false-false",
        ),
        Example(
            """(i) False — the prompt activations depend on the question. (ii) True (iii) False (iv) False""",
            caught_by="true-true-false-false",
        ),
        Example(
            """(i) True (ii) True (iii) True (iv) True""",
            caught_by="true-true-false-false",
        ),
        Example(
            """(i) True (ii) True (iii) False (iv) True — training task A's prompt changes the shared model.""",
            caught_by="true-true-false-false",
        ),
    ],
)

# ---------------------------------------------------------------------------------------------
# (d) MAML over the soft prompt
# ---------------------------------------------------------------------------------------------


def loop_uses(loop, data, wrong):
    """Some sentence / bullet / row about the ``loop`` names the ``wrong`` split and not the ``data`` split.

    Used as a guard: "inner loop ... query set" (without the support set) swaps MAML's two splits.
    """
    loop_re = re.compile(loop, re.I)
    data_re = re.compile(data, re.I)
    wrong_re = re.compile(wrong, re.I)

    def check(answer):
        # Own segmentation: text.items()/sentences() start a new item at any line beginning with "q…" or
        # "part…" ("query set" wrapped onto a new line), which would cut "outer loop … query set" in two.
        joined = re.sub(r"\n(?=[a-z(])", " ", answer)
        units = [piece for line in joined.splitlines() for piece in re.split(r"(?<=[.!?])\s+(?=[A-Z*])", line)]
        for text in units:
            hit = loop_re.search(text)
            bad = wrong_re.search(text)
            if hit and bad and not data_re.search(text) and not is_negated(text, bad.span()):
                return Verdict.ok(f"{hit.group()!r} is tied to {bad.group()!r}", evidence=text.strip())
        return Verdict.fail(f"no sentence ties {loop!r} to {wrong!r}")

    check.__qualname__ = f"loop_uses({loop!r}, wrong={wrong!r})"
    return check


_INNER = r"\binner[- ]?loop|\badaptation step|\btask[- ]specific adaptation"
_OUTER = r"\bouter[- ]?loop|\bmeta[- ]?(?:update|gradient|optimi[sz]ation|step|objective)"
_SUPPORT = r"\bsupport\b|\btraining split\b|\btrain(?:ing)? examples of (?:the|that|each) task"
_QUERY = r"\bquery\b|\bvalidation\b|\bheld[- ]out\b|\btest split\b"

PART_D = Part(
    id="hw11.q6d",
    title="MAML with a frozen GPT and a soft prompt",
    reference=(
        "Run MAML over the soft prompt: the meta-parameters are the prompt's initialization P_init; the GPT weights stay "
        "frozen throughout. Inner loop: for a sampled task, start from P_init and take a few gradient steps on the prompt "
        "vectors only, using the task's support set, to get an adapted prompt P_i. Outer loop: evaluate each adapted "
        "prompt on its task's query set and update P_init by gradient descent on the summed query-set loss across tasks. "
        "At test time, start a new task from the meta-learned P_init and take a few gradient steps on its support data."
    ),
    concepts=[
        Concept(
            # Topic only: embeddings cannot tell the right loop structure from a swapped one, so this
            # concept is worth little and the loop concepts below carry the grade.
            "describes-maml-over-the-prompt",
            similar(
                "Use MAML to meta-learn the initialization of the soft prompt: an inner loop adapts the prompt with a "
                "few gradient steps on each task's support set, and an outer loop updates the shared initialization "
                "from the loss on the query set, with the GPT weights frozen.",
                threshold=0.5,
                also=keywords(any_of=[("MAML", "meta-learn", "meta-learned", "meta-learning", "meta learning",
                                       "inner loop", "outer loop")]),
            ),
            points=0.5,
            description="The answer is about meta-learning the soft prompt (topic check, with a keyword guard)",
        ),
        Concept(
            "meta-learn-prompt-init",
            keywords(regex=True, any_of=[
                r"\b(?:initiali[sz]ation|init|initial(?:i[sz]ed)?|starting point)\b[^.\n]{0,40}\b(?:soft[- ]?)?prompt",
                r"\bprompt\w*\b[^.\n]{0,40}\b(?:initiali[sz]ation|init|initial|starting point)\b",
                r"\bp_(?:init|0)\b|\bp_\{?0\}?\b|\bφ_0\b|\bθ_prompt\b",
            ]),
            points=2,
            description="What MAML meta-learns is the soft prompt's initialization",
        ),
        Concept(
            "inner-loop-support-set",
            keywords(all_of=[(re.compile(_INNER),), (re.compile(_SUPPORT),),
                             ("gradient", "SGD", "gradient descent", "gradient steps", "fine-tune", "optimi[sz]e")],
                     regex=True),
            points=2,
            description="Inner loop: a few gradient steps on the prompt only, from P_init, on a task's support set",
        ),
        Concept(
            "outer-loop-query-set",
            keywords(all_of=[(re.compile(_OUTER),), (re.compile(_QUERY),)], regex=True),
            points=2,
            description="Outer loop: update the prompt initialization from the adapted prompts' query-set loss",
        ),
        Concept(
            "gpt-frozen",
            any_of(keywords(regex=True, any_of=[
                       r"\bfrozen\b", r"\bfixed\b", r"\bnot (?:be )?(?:updated|trained|changed|fine-?tuned)\b",
                       r"\bprompt(?:\s+vectors?|\s+embeddings?|\s+parameters?)?\s+only\b",
                       r"\bonly\s+(?:the\s+)?(?:soft\s+)?prompt\b",
                   ]),
                   keywords(regex=True, negation_aware=False, any_of=[
                       r"\b(?:not|never|n't|no)\s+(?:\w+\s+){0,2}(?:updat|fine-?tun|train|chang|modif|touch)\w*\s+"
                       r"(?:the\s+|any\s+(?:of\s+the\s+)?)?(?:gpt|model|transformer|base|backbone|network)",
                   ])),
            description="The GPT weights stay frozen; only the prompt is adapted and meta-learned",
        ),
        Concept(
            "no-model-weight-updates",
            not_(keywords(regex=True, any_of=[
                r"\b(?:update|fine-?tune|train|adapt)\w*\s+(?:the\s+|all\s+(?:of\s+)?(?:the\s+)?)?(?:gpt|model|transformer|network)"
                r"(?:'s)?\s*(?:weights|parameters)?\b",
                r"\bmeta-?learn\w*\s+(?:the\s+)?(?:gpt|model|transformer)(?:'s)?\s+(?:weights|parameters|initiali[sz]ation)",
            ]), because="the GPT weights are updated / meta-learned (they must stay frozen)"),
            description="The GPT model weights are not updated in either loop",
        ),
        Concept(
            "splits-not-swapped",
            not_(any_of(loop_uses(_INNER, _SUPPORT, _QUERY), loop_uses(_OUTER, _QUERY, _SUPPORT)),
                 because="support and query sets swapped (inner loop on the query set / outer loop on the support set)"),
            description="The inner loop adapts on the support set and the outer loop evaluates on the query set",
        ),
    ],
    good_examples=[
        r"""**Meta-parameters.** Keep GPT frozen and treat the soft prompt's initialization $P_0 \in \mathbb{R}^{5\times E}$ as the thing MAML learns.

1. **Inner loop** (per task $\mathcal{T}_i$): start from $P_0$ and take $k$ gradient steps on the prompt only, using the task's support set:
   $P_i' = P_0 - \alpha \nabla_P \mathcal{L}^{\text{support}}_{\mathcal{T}_i}(P_0)$.
2. **Outer loop**: evaluate each $P_i'$ on that task's query set and update
   $P_0 \leftarrow P_0 - \beta \nabla_{P_0} \sum_i \mathcal{L}^{\text{query}}_{\mathcal{T}_i}(P_i')$ (first-order MAML is fine).

At test time a new task starts from the learned $P_0$ and gets a few support-set steps.""",
        """| loop | starts from | data | updates |
|---|---|---|---|
| inner loop | the meta-learned prompt initialization | support set of one task | a few gradient steps on the prompt vectors only |
| outer loop (meta-update) | adapted prompts | query set of each task | the prompt initialization |

The GPT weights are never updated; gradients flow through the frozen model into the prompt.""",
        """Think of the soft prompt as MAML's θ. We meta-learn a good starting point for the prompt: for every sampled task, the
inner loop copies that initial prompt and runs a few steps of SGD on the task's support examples (support set), touching
only the prompt embeddings because GPT is frozen. The outer loop then measures each adapted prompt's loss on the task's
query set and backpropagates it (through the inner steps, or first-order) into the shared initial prompt.""",
        """```python
P_init = torch.nn.Parameter(torch.randn(5, E))       # meta-learned soft-prompt initialization; GPT stays frozen
for tasks in loader:
    meta_loss = 0
    for support, query in tasks:
        P = P_init.clone()
        for _ in range(k):                            # inner loop: gradient steps on the support set
            P = P - alpha * torch.autograd.grad(loss(gpt, P, support), P, create_graph=True)[0]
        meta_loss += loss(gpt, P, query)              # outer loop objective: query-set loss
    meta_opt.zero_grad(); meta_loss.backward(); meta_opt.step()   # meta-update of P_init
```""",
    ],
    bad_examples=[
        # support/query swapped
        Example(
            """Meta-learn the initialization of the soft prompt (GPT frozen). Inner loop: take a few gradient steps on the prompt
using the task's query set. Outer loop: evaluate the adapted prompt on the support set and update the prompt initialization.""",
            caught_by="splits-not-swapped",
        ),
        # updates the model weights
        Example(
            """Learn the prompt initialization P_init. Inner loop: gradient steps on the support set that fine-tune the GPT weights
together with the prompt. Outer loop: meta-update P_init from the query-set loss.""",
            caught_by="no-model-weight-updates",
        ),
        # meta-learns the model, not the prompt
        Example(
            """Use standard MAML on GPT: the inner loop fine-tunes the model with gradient descent on the support set, and the outer
loop updates the model's initialization using the query set; afterwards, attach a soft prompt.""",
            caught_by="meta-learn-prompt-init",
        ),
        # no inner/outer structure
        Example(
            """Train one soft prompt on the union of all tasks with gradient descent while GPT stays frozen.""",
            caught_by="inner-loop-support-set",
        ),
    ],
)

question = Question(
    id="hw11.q6",
    title="Soft prompting",
    prompt=PROMPT,
    parts=[PART_A, PART_B, PART_C, PART_D],
)
