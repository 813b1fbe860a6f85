"""find_section() / split_sections(): a part's section by its label, on real multi-part answers."""

from __future__ import annotations

import pytest

from pytest_hwcheck.sections import Section, find_section, parse_label, split_sections

# Grok, hw12 Q3 (seed 002, model words only, shortened): parts are "Part (x):" lines; part (c)
# lists the curves as "- (a) …" bullets and picks with a bare "- (a)"; part (d) has i./ii.
GROK_Q3 = """Solution to Problem 3: Variational Information Bottleneck

Part (a): Block Diagram for Obtaining Z from μ , σ , and V

The formula is:

$$Z = \\mu + \\sigma \\cdot V$$

Part (b): Loss Terms Contributing to Gradients for Encoder and Decoder Parameters

The **task loss** term depends on z (sampled via the encoder).

For decoder parameters θ_d :

task loss

latent regularizer

Part (c): Curve Representing Validation Error with Increasing β

From Figure 3 (validation error profiles for different β values):

- (a) Shows error starting low and increasing with β (matches the expected trend).
- (b) Shows decreasing error (opposite, as if more regularization helps, which it doesn't here).
- (c) Shows a U-shape (error decreases then increases, like under/over-regularization).
- (d) Shows an inverted U (error increases then decreases, not matching).

Thus, the best representation is:

- (a)

Part (d): Guessing β Values and Better Latent Space

Assuming the figures are labeled (a), (b), (c) from left to right or as described:

- (a): Wide spread, separated clusters $\\rightarrow$ small β .
- (b): Medium spread, some overlap $\\rightarrow$ medium β .

i. Guesses:

- (a) $\\beta = 10^{-6}$ $\\beta = 10^{-3}$ $\\beta = 100$
- (b) $\\beta = 10^{-6}$ $\\beta = 10^{-3}$ $\\beta = 100$

ii. Better latent space for prediction: The one with clear class separation.

- (a) (b) (c)
"""

# Claude Sonnet 4.5, hw12 Q3 c,d turn (seed 003, turn 3, shortened).
CLAUDE_Q3_CD = """Looking at the remaining parts of this Variational Information Bottleneck problem:

## Part (c): Validation Error Trend with Increasing $\\beta$

**Answer: (b)**

Curve (b) shows this U-shaped pattern with a minimum at moderate  $\\beta$  values, which is the expected behavior.

## Part (d)i: Guess the $\\beta$ Values for Each Figure

**Answer:**

- **(a)  $\\beta = 10^{-6}$**  (weakest regularization  $\\rightarrow$  largest spread)
- **(b)  $\\beta = 10^{-3}$**  (moderate regularization  $\\rightarrow$  medium spread)
- **(c)  $\\beta = 10^0$**  (strongest regularization  $\\rightarrow$  tightest clustering near origin)

## Part (d)ii: Which Experiment Gives a Better Latent Space?

**Answer: (b)** (corresponding to  $\\beta = 10^{-3}$ )

**Reasoning:** From part (c), we know the optimal  $\\beta$  is at the minimum of the U-curve.
"""

# Gemini Flash, hw12 (seed 000): PDF-extracted text, no Markdown, two questions in one reply.
GEMINI_FLASH_PDF = """2. Comparing Distributions
(a) Asymmetry of KL Divergence
We need an example where DKL(P||Q) ̸= ∞but DKL(Q||P) = ∞.
(b) Forward vs. Reverse KL
• Plot A corresponds to Forward-KL (DKL(P||Q)).
3. Variational Information Bottleneck
(a) Reparameterization Trick Diagram
To sample Z ∼N(µ, σ2) using the reparameterization trick, we use V ∼N(0, 1).
(c) Validation Error Trend
Selection: Curve (b)
(d) Latent Space Visualization
i. Guessing β values: The parameter β controls how close the posterior is to the prior.
ii. Better Latent Space: Selection: Figure (a) (β = 10−3)
Part 3: Executive Summary
Gemini Flash demonstrated a perfect one-shot performance.
"""

# Gemini 3 Pro, hw12 Q3 c,d turn (seed 001): it numbered the parts instead of lettering them.
GEMINI_PRO_Q3_CD = """Based on the principles of the Variational Information Bottleneck (VIB), here are the answers.

## Part 1: Validation Error Trend (Figure 3)

### Correct Curve: (b)

## Part 2: Latent Space Embeddings (Figure 4)

### i. Guessing the values of $\\beta$:

#### 1. $\\beta = 10^0$ (High Regularization):

### ii. Which results in a better latent space for the prediction task?

**Answer:** The experiment corresponding to  $\\beta = 10^{-3}$ .
"""


def test_grok_part_c_runs_past_its_option_bullets_to_the_pick():
    section = find_section(GROK_Q3, "c")
    assert section is not None
    assert section.heading == "Part (c): Curve Representing Validation Error with Increasing β"
    assert section.text.startswith("Part (c):")
    assert section.text.endswith("Thus, the best representation is:\n\n- (a)")
    assert GROK_Q3[section.start:section.end] == section.text


def test_grok_option_bullets_are_not_sections_of_their_own():
    section = find_section(GROK_Q3, "d")
    assert section.heading == "Part (d): Guessing β Values and Better Latent Space"
    assert section.text.endswith("- (a) (b) (c)")
    assert find_section(GROK_Q3, "b").text.endswith("latent regularizer")


def test_grok_sub_labels_belong_to_their_part():
    assert find_section(GROK_Q3, "d.i").text.startswith("i. Guesses:")
    assert find_section(GROK_Q3, "d.ii").text.startswith("ii. Better latent space")
    assert find_section(GROK_Q3, "d(ii)").text.endswith("- (a) (b) (c)")


def test_claude_part_d_spans_both_of_its_sub_headings():
    section = find_section(CLAUDE_Q3_CD, "d")
    assert section.heading == "## Part (d)i: Guess the $\\beta$ Values for Each Figure"
    assert "## Part (d)ii" in section.text
    assert section.text.endswith("minimum of the U-curve.")
    c = find_section(CLAUDE_Q3_CD, "c")
    assert c.text.startswith("## Part (c)") and "**Answer: (b)**" in c.text and "Part (d)" not in c.text


def test_claude_bold_bullets_inside_part_d_are_not_parts_a_b_c():
    assert find_section(CLAUDE_Q3_CD, "a") is None
    assert find_section(CLAUDE_Q3_CD, "ii").heading == "## Part (d)ii: Which Experiment Gives a Better Latent Space?"


def test_pdf_text_sections_by_plain_line_labels_and_question_numbers():
    assert find_section(GEMINI_FLASH_PDF, "c").text == "(c) Validation Error Trend\nSelection: Curve (b)"
    assert find_section(GEMINI_FLASH_PDF, "3a").text.startswith("(a) Reparameterization Trick Diagram")
    assert find_section(GEMINI_FLASH_PDF, "2a").text.startswith("(a) Asymmetry of KL Divergence")
    d = find_section(GEMINI_FLASH_PDF, "d")
    assert d.text.endswith("(β = 10−3)")  # "Part 3: Executive Summary" ends it


def test_numbered_parts_match_the_asked_labels_by_position():
    assert find_section(GEMINI_PRO_Q3_CD, "c") is None
    sections = split_sections(GEMINI_PRO_Q3_CD, ["c", "d"])
    assert sections["c"].heading == "## Part 1: Validation Error Trend (Figure 3)"
    assert sections["d"].text.endswith("$\\beta = 10^{-3}$ .")
    assert find_section(GEMINI_PRO_Q3_CD, "2").heading == "## Part 2: Latent Space Embeddings (Figure 4)"


LABEL_FORMS = [
    ("(c) The answer\nmore\n(d) next", "(c) The answer\nmore"),
    ("Part (c): The answer\n\nPart (d): next", "Part (c): The answer"),
    ("**c)** The answer\n**d)** next", "**c)** The answer"),
    ("c) The answer\nd) next", "c) The answer"),
    ("### Part (c)\nThe answer\n### Part (d)\nnext", "### Part (c)\nThe answer"),
    ("## (c) Validation error\nThe answer\n## (d) Latent", "## (c) Validation error\nThe answer"),
    ("Part 2(c): The answer\nPart 2(d): next", "Part 2(c): The answer"),
    ("Q3(c) The answer\nQ3(d) next", "Q3(c) The answer"),
    ("- **(c)** The answer\n- **(d)** next", "- **(c)** The answer"),
    ("**Part C:** The answer\n**Part D:** next", "**Part C:** The answer"),
    ("(c) The answer\n(a) is monotone\n\n(d) next", "(c) The answer\n(a) is monotone"),
]


@pytest.mark.parametrize("answer, expected", LABEL_FORMS)
def test_find_section_reads_every_usual_label_form(answer, expected):
    section = find_section(answer, "c")
    assert section is not None and section.text == expected


@pytest.mark.parametrize("answer", [
    "As in (a), the curve (c) dips.",
    "Unlike (c), curve (b) rises.\n(b) is the answer",
    "The figure shows it.\n(c) in Figure 4 is collapsed.",
    "From part (c), we know the optimum.",
    "```\n(c) inside code\n```",
    "",
])
def test_find_section_is_not_fooled_by_inline_mentions(answer):
    assert find_section(answer, "c") is None


def test_a_question_heading_ends_the_last_part():
    answer = "## Question 2\n(a) foo\n(b) bar\n## Question 3\n(a) baz\n(b) qux\n"
    assert find_section(answer, "2b").text == "(b) bar"
    assert find_section(answer, "3a").text == "(a) baz"
    assert find_section(answer, "2").text == "## Question 2\n(a) foo\n(b) bar"


def test_numbered_sub_lists_do_not_end_a_lettered_part():
    answer = "### Part (a): Example\n1. Forward KL is finite.\n2. Reverse KL is infinite.\n### Part (b): Plots\nx"
    assert find_section(answer, "a").text.endswith("2. Reverse KL is infinite.")


def test_the_letter_i_after_h_is_a_part_not_a_sub_label():
    answer = "(h) eighth\n(i) ninth part\n(j) tenth"
    assert find_section(answer, "i").text == "(i) ninth part"


def test_split_sections_returns_only_the_labels_found():
    sections = split_sections("(a) red\n(b) a crunchy apple", ["a", "b", "c"])
    assert set(sections) == {"a", "b"}
    assert isinstance(sections["b"], Section)
    assert sections["b"].text == "(b) a crunchy apple" and str(sections["b"]) == "(b) a crunchy apple"


@pytest.mark.parametrize("label, parsed", [
    ("c", (None, "c", None)), ("(c)", (None, "c", None)), ("C)", (None, "c", None)), ("3c", ("3", "c", None)),
    ("3(c)", ("3", "c", None)), ("Q3(c)", ("3", "c", None)), ("part 2", ("2", None, None)),
    ("d.ii", (None, "d", "ii")), ("(d)(ii)", (None, "d", "ii")), ("ii", (None, None, "ii")),
])
def test_parse_label_reads_the_usual_label_forms(label, parsed):
    assert parse_label(label) == parsed


def test_parse_label_rejects_what_is_not_a_label():
    with pytest.raises(ValueError):
        parse_label("  ")
    with pytest.raises(ValueError):
        parse_label("the last one")


def test_one_heading_can_open_several_parts():
    answer = "## Part (a)\nfoo\n## Part (b) and (c)\nboth\n## Part (d)\nx"
    assert find_section(answer, "b").text == find_section(answer, "c").text == "## Part (b) and (c)\nboth"
    assert find_section("**(b)–(d):** all\n**(e)** x", "c").text == "**(b)–(d):** all"
