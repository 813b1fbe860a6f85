"""The shared text utilities: normalization (with its map back), units, and negation."""

from __future__ import annotations

import pytest

from pytest_hwcheck.matchers.text import (
    Document,
    clauses,
    is_negated,
    items,
    negation_cue,
    normalize,
    normalize_with_map,
    sentences,
)

# -- normalize ---------------------------------------------------------------------------------

NORMALIZED = [
    # LaTeX sub/superscripts and unwrapping
    (r"d_{\text{model}}", "d_model"),
    (r"d_{model}", "d_model"),
    (r"d\_model", "d_model"),
    (r"$d_{\mathrm{model}}$", "d_model"),
    (r"\mathbf{x} \operatorname{softmax}(z)", "x softmax(z)"),
    (r"\textbf{Task Loss}", "task loss"),
    (r"\sqrt{x}", "sqrt(x)"),
    ("√d_model", "sqrt(d_model)"),
    (r"\frac{a}{b}", "(a)/(b)"),
    (r"\frac{1}{\sqrt{d_{\text{model}}}}", "(1)/(sqrt(d_model))"),
    (r"\frac{\frac{1}{2}}{3}", "((1)/(2))/(3)"),
    (r"a \cdot b \times c", "a * b * c"),
    ("σ · V", "σ * v"),
    ("σ⁻¹", "σ^-1"),
    ("x²", "x^2"),
    ("β = 10⁻⁶", "β = 10^-6"),
    (r"\beta = 10^{-6}", "β = 10^-6"),
    ("beta = 10^-6", "β = 10^-6"),
    ("d_model ** -0.5", "d_model^-0.5"),
    ("d_model**-0.5", "d_model^-0.5"),
    ("d_model**(-0.5)", "d_model^-0.5"),
    ("θₑ", "θ_e"),
    # norms and arrows
    (r"D_{KL}(P\|Q)", "d_kl(p‖q)"),
    ("D_KL(P||Q)", "d_kl(p‖q)"),
    ("KL(P ∥ Q)", "kl(p‖q)"),
    (r"P \parallel Q", "p‖q"),
    (r"\Vert c \Vert^2", "‖c‖^2"),
    (r"x \to y", "x → y"),
    ("x -> y", "x → y"),
    (r"\mathbb{E}_{x \sim P}", "e_(x ~ p)"),
    # Markdown
    ("**Curve (b)**", "curve (b)"),
    ("B is *not* initialised", "b is not initialised"),
    ("### Part (c) Validation", "part (c) validation"),
    ("`std=1`", "std=1"),
    ("Answer: **\\*(b)\\*\\***", "answer: (b)"),
    ("~~(a)~~ (b)", "(b)"),
    ("[the paper](https://example.org)", "the paper"),
    # Unicode
    ("ﬁne-tuning", "fine-tuning"),
    ("ＡＢＣ", "abc"),
    ("β̂", "β"),
    ("10−6", "10-6"),
    ("isn’t", "isn't"),
    # a star after a symbol is part of it (an optimum), not emphasis
    ("N* = x", "n* = x"),
    (r"$N^* \propto C$", "n* ∝ c"),
    (r"$N^{*}$ and $M^*$", "n* and m*"),
    ("θ_d* is optimal", "θ_d* is optimal"),
    # LaTeX environments keep their rows and columns
    (r"\begin{bmatrix} W_O^1 \\ W_O^2 \end{bmatrix}", "[w_o^1; w_o^2]"),
    (r"\begin{bmatrix} W_O^1 & W_O^2 \end{bmatrix}", "[w_o^1, w_o^2]"),
    (r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", "(a, b; c, d)"),
    (r"\begin{array}{cc} 1 & 2 \end{array}", "[1, 2]"),
    (r"\begin{aligned} a &= b \\ c &= d \\ \end{aligned}", "a = b; c = d"),
    ("Tom & Jerry", "tom & jerry"),
]


@pytest.mark.parametrize("raw, expected", NORMALIZED)
def test_normalize_gives_the_canonical_form(raw, expected):
    assert normalize(raw).strip() == expected


@pytest.mark.parametrize("a, b", [
    (r"$d_{\text{model}}^{-0.5}$", "d_model ** -0.5"),
    ("**Forward KL** ($D_{KL}(P\\|Q)$)", "forward kl (d_kl(p||q))"),
    (r"$\sigma \cdot V$", "σ × V"),
    ("β = 10⁻⁶", r"$\beta = 10^{-6}$"),
])
def test_normalize_makes_notation_variants_equal(a, b):
    assert normalize(a).strip() == normalize(b).strip()


def test_normalize_tells_a_column_of_blocks_from_a_row_of_blocks():
    column = r"$$W_O = \begin{bmatrix} W_O^1 \\ W_O^2 \end{bmatrix}$$"
    row = r"$$W_O = \begin{bmatrix} W_O^1 & W_O^2 \end{bmatrix}$$"
    assert normalize(column) != normalize(row)


def test_normalize_keeps_newlines_so_units_survive():
    assert normalize("line one\nline two") == "line one\nline two"


def test_normalize_with_map_points_back_to_the_original_text():
    source = r"The fix: $\text{std}=\frac{1}{\sqrt{d_{\text{model}}}}$ works."
    norm = normalize_with_map(source)
    assert norm.text == "the fix: std=(1)/(sqrt(d_model)) works."
    start = norm.text.index("d_model")
    original = norm.source_text(start, start + len("d_model"))
    assert original.startswith("d_{") and "model" in original
    start = norm.text.index("works")
    assert norm.source_text(start, start + 5) == "works"
    assert norm.source_span(0, len(norm.text)) == (0, len(source))


def test_text_appended_after_a_rewrite_maps_inside_the_original():
    norm = normalize_with_map("√d_model")
    assert norm.text == "sqrt(d_model)"
    assert norm.source_span(len(norm.text) - 1, len(norm.text))[1] <= len("√d_model")


def test_normalized_span_is_the_inverse_of_source_span():
    source = "Use **std = 1/√d** here"
    norm = normalize_with_map(source)
    a, b = norm.normalized_span(source.index("here"), len(source))
    assert norm.text[a:b] == "here"


# -- units -------------------------------------------------------------------------------------

def test_sentences_split_paragraphs_but_not_abbreviations_decimals_or_math():
    text = "The bug is e.g. in line 9. Use std = 0.5 here! See Fig. 3 for $a. B$ details. Done."
    assert [s.text for s in sentences(text)] == [
        "The bug is e.g. in line 9.", "Use std = 0.5 here!", "See Fig. 3 for $a. B$ details.", "Done."]


@pytest.mark.parametrize("text", [
    "The gradient w.r.t. A is proportional to B.",
    "Use a bigger model, e.g. GPT-3 with more data.",
    "Keep the init, i.e. B at zero and A random.",
    "Forward vs. Reverse KL are compared here.",
    "The corpus is approx. 186 times the Library of Congress.",
    "As Fig. 3 shows, the error dips.",
    "Plug eq. 5 into the loss.",
    "Mass-covering, a.k.a. zero-avoiding, behaviour.",
])
def test_sentences_do_not_end_at_an_abbreviation(text):
    assert [s.text for s in sentences(text)] == [text]


@pytest.mark.parametrize("text, count", [
    ("The outer loop uses the task's\nquery set to update it.", 1),
    ("The model is split into\nparticular heads.", 1),
    ("The two parts of the\nquestion are related.", 1),
    ("Some intro\nQ3 is next", 2),
    ("Some intro\nPart (c) is next", 2),
    ("Some intro\nPart 2 is next", 2),
    ("Some intro\n(c) is next", 2),
    ("Some intro\nc) is next", 2),
])
def test_only_a_real_label_shape_starts_a_new_item(text, count):
    assert len(items(text)) == count, [u.text for u in items(text)]


def test_clauses_split_at_a_semicolon_between_two_prices():
    text = "SSD ≈ $10,000/year; DRAM ≈ $800,000/year."
    assert [c.text for c in clauses(text)] == ["SSD ≈ $10,000/year;", "DRAM ≈ $800,000/year."]
    # Inline math that opens with a digit is still math: no split inside it.
    assert len(clauses("It is $10^{-6}; 3$ here; done.")) == 2


def test_sentences_keep_bullets_rows_headings_and_code_lines_apart():
    text = "## Part (b)\n- first bullet\n- second bullet\n| a | b |\n|---|---|\n| 1 | 2 |\n```\nx = 1\n```\nEnd."
    units = sentences(text)
    assert [(u.kind, u.text) for u in units] == [
        ("heading", "## Part (b)"), ("bullet", "- first bullet"), ("bullet", "- second bullet"),
        ("row", "| a | b |"), ("row", "| 1 | 2 |"), ("code", "x = 1"), ("paragraph", "End.")]


def test_wrapped_pdf_lines_are_joined_but_markdown_lines_are_not():
    pdf = "Since dmodel is large (as\nper the hint), the norm is large."
    assert [s.text for s in sentences(pdf)] == [pdf]
    markdown = "For encoder: ☒ task loss ☒ latent regularizer  \nFor decoder: ☒ task loss ☐ latent regularizer"
    assert len(items(markdown)) == 2


def test_a_list_label_is_not_a_sentence_end():
    assert [s.text for s in sentences("- ii. True\n- iii. False")] == ["- ii. True", "- iii. False"]


def test_clauses_split_table_cells_and_contrasts():
    text = "| (i) | True | D_KL(P||Q) |\nB is not zero, but random; it trains, while A is fixed."
    assert [c.text for c in clauses(text)] == [
        "(i)", "True", "D_KL(P||Q)", "B is not zero", "but random;", "it trains", "while A is fixed."]


def test_not_only_but_also_is_one_clause():
    assert len(clauses("Q is not only mass-covering but also zero-avoiding.")) == 1


def test_units_carry_their_normalized_text_and_offsets():
    text = "First.\n- **Plot A** is $D_{KL}(P\\|Q)$."
    doc = Document(text)
    unit = doc.sentences()[1]
    assert unit.norm == "plot a is d_kl(p‖q)."
    assert text[unit.start:unit.end] == unit.text
    assert doc.unit_at("sentence", doc.norm.text.index("d_kl")) == unit


def test_blocks_group_a_lead_in_with_its_items():
    text = "For decoder parameters:\n- ☒ task loss\n- ☐ latent regularizer\n\nOther text here."
    blocks = Document(text).blocks()
    assert blocks[0].text.startswith("For decoder") and blocks[0].text.endswith("latent regularizer")
    assert blocks[1].text == "Other text here."


def test_blocks_keep_a_bullet_with_its_indented_children():
    text = "- Decoder parameters: only in q.\n  - They affect the Task Loss.\n- Encoder parameters: both."
    blocks = Document(text).blocks()
    assert len(blocks) == 2 and "Task Loss" in blocks[0].text


# -- negation ----------------------------------------------------------------------------------

NEGATED = [
    ("B is *not* initialised to zero", "zero"),
    ("use std=1/sqrt(d) instead of std=1.", "std=1."),
    ("choose (b) rather than (d)", "(d)"),
    ("Q never collapses onto one mode", "one mode"),
    ("it isn't mode-seeking", "mode-seeking"),
    ("it is no longer mode-seeking", "mode-seeking"),
    ("avoid saying forward KL is mode-seeking", "forward KL"),
    ("it is wrong to say that forward KL is mode-seeking", "mode-seeking"),
    ("Incorrect: forward KL is mode-seeking", "mode-seeking"),
    ("not X but Y", "X"),
    ("this does not affect the task loss, but the regularizer matters", "task loss"),
    ("For decoder parameters θ_d: ☒ task loss ☐ latent regularizer", "latent regularizer"),
    ("[x] task loss [ ] latent regularizer", "latent regularizer"),
    ("(a) is monotone, so not (a)", "not (a)"),
    ("unlike (c), curve (b) dips", "(c)"),
    ("(d) Shows an inverted U (error increases then decreases, not matching).", "(d)"),
    ("(a) is wrong", "(a)"),
    ("the decoder does not get the regularizer", "regularizer"),
    ("Reverse KL avoids the mode-covering behaviour", "mode-covering"),
    ("there is no gradient from the regularizer", "regularizer"),
    ("neither the decoder nor the prior", "prior"),
    ("A common misconception is that forward KL is mode-seeking", "mode-seeking"),
    ("Because the decoder does not get the regularizer, it trains faster", "regularizer"),
    ("It does not use A, B or C", "B"),
    ("The gradient is not taken w.r.t. A here", "A"),
    # after the phrase: its subject is denied any role
    ("the running averages are only used for monitoring and are not needed at inference", "running averages"),
    ("the running averages of mean and variance are not needed at inference", "running averages"),
    ("batch statistics aren't used at test time", "batch statistics"),
    ("the test batch's own statistics are never used at inference", "own statistics"),
    ("the running mean plays no role at test time", "running mean"),
]

STATED = [
    ("not only mass-covering but also zero-avoiding", "mass-covering"),
    ("not only mass-covering but also zero-avoiding", "zero-avoiding"),
    ("this does not affect the task loss, but the regularizer matters", "regularizer"),
    ("not X but Y", "Y"),
    ("use std=1/sqrt(d) instead of std=1", "std=1/sqrt(d)"),
    ("choose (b) rather than (d)", "(b)"),
    ("unlike (c), curve (b) dips", "(b)"),
    ("For decoder parameters θ_d: ☒ task loss ☐ latent regularizer", "task loss"),
    ("Forward KL is mass-covering and zero-avoiding", "zero-avoiding"),
    ("the decoder does not get the regularizer", "decoder"),
    ("Plot A (not Plot B) is forward KL", "forward KL"),
    ("They do not affect the KL regularizer (which depends only on the encoder)", "encoder"),
    ("No, (b) is right", "(b)"),
    ("It is not the decoder. The encoder gets both.", "encoder"),
    # a cue inside a subordinate clause closed by a comma does not reach the main clause
    ("Because nothing mixes positions, the prediction depends only on the token at position t.", "depends only"),
    ("Since it never sees the prior, the decoder only gets the task loss", "task loss"),
    ("If the gradient is not zero, the weights move", "weights move"),
    ("Although no head attends back, the residual stream carries the token", "carries the token"),
    # a negated predicate about something else leaves its subject stated
    ("Forward KL is mass-covering and is not mode-seeking", "mass-covering"),
    ("the gradient is zero because A and B are not updated", "gradient"),
    ("the running mean is not only used at test time but also logged", "running mean"),
    ("the running averages are used at test time", "running averages"),
]


def _span(clause: str, phrase: str) -> tuple[int, int]:
    if phrase.startswith("not "):  # the second occurrence: "so not (a)"
        start = clause.index(phrase) + 4
        return start, start + len(phrase) - 4
    start = clause.index(phrase)
    return start, start + len(phrase)


@pytest.mark.parametrize("clause, phrase", NEGATED)
def test_is_negated_recognizes_a_negated_or_contrasted_phrase(clause, phrase):
    assert is_negated(clause, _span(clause, phrase)), negation_cue(clause, _span(clause, phrase))


@pytest.mark.parametrize("clause, phrase", STATED)
def test_is_negated_does_not_over_trigger(clause, phrase):
    assert not is_negated(clause, _span(clause, phrase)), negation_cue(clause, _span(clause, phrase))


def test_negation_cue_names_the_cue_for_explanations():
    assert negation_cue("Q is never mode-seeking", "mode-seeking") == "never"
    assert negation_cue("☐ latent regularizer", "latent regularizer") == "☐"


def test_a_phrase_given_as_text_is_found_case_insensitively():
    assert is_negated("It is NOT Mode-Seeking", "mode-seeking")
