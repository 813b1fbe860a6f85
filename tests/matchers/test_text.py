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
