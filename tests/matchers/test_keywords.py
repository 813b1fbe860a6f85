"""keywords(): phrases stated (not negated), with synonyms, notation variants and evidence."""

from __future__ import annotations

import re

import pytest

from pytest_hwcheck.matchers.keywords import SYNONYMS, compile_term, keywords, number_pattern, phrase, regex
from pytest_hwcheck.matchers.text import normalize
from pytest_hwcheck.verdict import Verdict

FORWARD_KL = keywords(all_of=["forward KL", "mass-covering"])
MODE_SEEKING = keywords(all_of=["mode-seeking"])
NO_LEARNING_RATE = keywords(none_of=["learning rate"])
FIX = keywords(all_of=["std = d_model^-0.5"])
BETA = keywords(all_of=["β = 10^-6"])

ACCEPTED = [
    (FORWARD_KL, "Plot A is forward KL: it is mass-covering."),
    (FORWARD_KL, "Plot A is $D_{KL}(P\\|Q)$, which is zero-avoiding."),
    (FORWARD_KL, "**Forward-KL** is *mode-covering*."),
    (FORWARD_KL, "Minimizing KL(P ∥ Q) is mean-seeking."),
    (FORWARD_KL, "Forward KL is not only mass-covering but also zero-avoiding."),
    (MODE_SEEKING, "Reverse KL is zero-forcing."),
    (MODE_SEEKING, "Reverse KL is mode seeking."),
    (MODE_SEEKING, "It is not mass-covering, but mode-seeking."),
    (NO_LEARNING_RATE, "The bug is not the learning rate; it is the init."),
    (NO_LEARNING_RATE, "The bug is the initialization of line 9."),
    (FIX, "`self.emb.weight.data.normal_(mean=0, std=d_model ** -0.5)`"),
    (FIX, "Use $\\sigma = d_{\\text{model}}^{-0.5}$ on line 9."),
    (FIX, "set the standard deviation = d_model**(-0.5)"),
    (BETA, "(b) β = 10−6"),
    (BETA, "(b) $\\beta = 10^{-6}$"),
    (BETA, "(b) beta=1e-6"),
    (BETA, "(b) β = 10⁻⁶"),
    (BETA, "(b) β = 1 × 10^-6"),
    (BETA, "(b) β = 0.000001"),
    (keywords(any_of=[("initialize", "set")]), "We initialise B to zero."),
    (keywords(all_of=["reparameterization trick"]), "This is the reparametrization trick."),
    (keywords(all_of=["learning rate"]), "Lower the LR."),
]

REJECTED = [
    # A naive substring check passes every one of these.
    (MODE_SEEKING, "Reverse KL is not mode-seeking."),
    (MODE_SEEKING, "It is wrong to say that reverse KL is mode-seeking."),
    (MODE_SEEKING, "Incorrect: forward KL is mode-seeking."),
    (MODE_SEEKING, "The mode-seekingness of it"),
    (FORWARD_KL, "Plot A is forward KL; it is not mass-covering."),
    (FORWARD_KL, "Plot A is reverse KL and mass-covering."),
    (NO_LEARNING_RATE, "Lower the learning rate."),
    (FIX, "std = d_model ** 0.5"),
    (FIX, "use std=1 instead of std = d_model^-0.5"),
    (BETA, "(b) β = 10^-60"),
    (BETA, "(b) β = 10^-3"),
    (BETA, "(b) β = 10^6"),
    (keywords(all_of=["std = 1"]), "std = 1/sqrt(d_model)"),
    (keywords(all_of=["decoder"]), "The encoder gets both terms."),
]


@pytest.mark.parametrize("matcher, answer", ACCEPTED)
def test_keywords_accepts_answers_that_state_the_phrases(matcher, answer):
    verdict = matcher(answer)
    assert verdict.passed, verdict.summary()
    assert verdict.score == 1.0


@pytest.mark.parametrize("matcher, answer", REJECTED)
def test_keywords_rejects_answers_that_do_not_state_the_phrases(matcher, answer):
    verdict = matcher(answer)
    assert not verdict.passed, verdict.summary()


def test_keywords_rejects_a_negated_phrase_and_says_so():
    verdict = MODE_SEEKING("Reverse KL is *not* mode-seeking.")
    assert not verdict.passed
    assert "only negated" in verdict.explanation and "'not'" in verdict.explanation
    assert verdict.evidence == "Reverse KL is *not* mode-seeking."
    assert verdict.expected == "all of 'mode-seeking'"


def test_keywords_evidence_is_the_sentence_that_stated_it():
    verdict = FORWARD_KL("Some intro. Plot A is $D_{KL}(P\\|Q)$. It is mass-covering! Unrelated.")
    assert verdict.passed
    assert verdict.evidence == "Plot A is $D_{KL}(P\\|Q)$. … It is mass-covering!"
    assert verdict.details["stated"]["forward KL"] == "Plot A is $D_{KL}(P\\|Q)$."


def test_keywords_gives_partial_credit_for_all_of():
    verdict = keywords(all_of=["forward KL", "mass-covering", "Plot A"])("Plot A is forward KL.")
    assert not verdict.passed
    assert verdict.score == pytest.approx(2 / 3)
    assert "'mass-covering' is missing" in verdict.explanation
    assert "'mass-covering' missing" in verdict.found


def test_keywords_a_stated_forbidden_term_zeroes_the_score():
    verdict = keywords(all_of=["line 9"], none_of=["learning rate"])("Line 9 is fine; lower the learning rate.")
    assert not verdict.passed and verdict.score == 0.0
    assert verdict.explanation.startswith("states 'learning rate', which it must not")
    assert verdict.evidence == "Line 9 is fine; lower the learning rate."


def test_keywords_any_of_needs_one_stated_alternative():
    matcher = keywords(any_of=["U[0,1]", "uniform"])
    assert matcher("Let P be uniform on [0, 1].").passed
    verdict = matcher("P is not uniform.")
    assert not verdict.passed and "only negated" in verdict.explanation


def test_keywords_can_ignore_negation():
    assert keywords(all_of=["mode-seeking"], negation_aware=False)("not mode-seeking").passed


def test_keywords_regex_terms_run_on_normalized_text():
    matcher = keywords(all_of=[r"std\s*=\s*d_model\^-0\.5"], regex=True)
    assert matcher("std = d_model ** -0.5").passed
    assert keywords(all_of=[re.compile(r"u\[0,\s*2\]")])("Q = U[0, 2]").passed
    assert keywords(all_of=[regex(r"line\s+9", label="line 9")])("Line 9 is the bug").passed


def test_phrase_helper_builds_a_synonym_group():
    term = phrase("mode-covering", "covers both modes")
    assert keywords(all_of=[term])("Q covers both modes.").passed
    assert repr(term) == "('mode-covering', 'covers both modes')"


def test_user_synonyms_extend_the_built_in_table():
    matcher = keywords(all_of=["mode-seeking"], synonyms={"mode-seeking": ["exclusive"]})
    assert matcher("Reverse KL is exclusive.").passed
    assert matcher("Reverse KL is zero-forcing.").passed  # the built-in set still applies
    assert not keywords(all_of=["mode-seeking"], synonyms=False)("Reverse KL is zero-forcing.").passed


@pytest.mark.parametrize("name, spellings", sorted(SYNONYMS.items()))
def test_every_built_in_synonym_matches_its_canonical_term(name, spellings):
    matcher = keywords(all_of=[name])
    for spelling in spellings:
        assert matcher(f"It is {spelling} here.").passed, spelling


def test_forward_and_reverse_kl_are_never_synonyms():
    assert not keywords(all_of=["forward KL"])("Plot B is D_KL(Q‖P).").passed
    assert not keywords(all_of=["reverse KL"])("Plot A is $D_{KL}(P \\| Q)$.").passed


@pytest.mark.parametrize("number, text", [
    ("10^-6", "10^-6"), ("10^-6", "1e-6"), ("10^-6", "1E-06"), ("10^-6", "1*10^-6"), ("10^-6", "10-6"),
    ("10^-6", "0.000001"), ("1000", "1,000"), ("1000", "1e3"), ("1000", "10^3"), ("1.7e15", "1.7*10^15"),
    ("0.5", ".5"), ("0.5", "5e-1"), ("10^0", "1"), ("2", "2.0"),
])
def test_number_pattern_matches_every_notation(number, text):
    assert re.fullmatch(number_pattern(number), normalize(text)), (number, text)


@pytest.mark.parametrize("number, text", [("10^-6", "10^-3"), ("10^-6", "1e-5"), ("1000", "100"), ("0.5", "0.05")])
def test_number_pattern_rejects_other_values(number, text):
    assert not re.fullmatch(number_pattern(number), text)


def test_keywords_repr_is_the_factory_call():
    assert repr(FORWARD_KL) == "keywords(all_of=['forward KL', 'mass-covering'])"
    assert repr(keywords(none_of="x", negation_aware=False)) == "keywords(none_of='x', negation_aware=False)"


def test_keywords_needs_some_terms_and_rejects_bad_ones():
    with pytest.raises(ValueError):
        keywords()
    with pytest.raises(ValueError):
        keywords(all_of=["   "])
    with pytest.raises(TypeError):
        keywords(all_of=[3])


def test_compile_term_matches_at_word_boundaries_only():
    term = compile_term("KL")
    assert term.search("the kl term") and not term.search("the d_kl term") and not term.search("klaxon")


def test_keywords_returns_a_verdict_with_the_contract_fields():
    verdict = FORWARD_KL("Nothing relevant.")
    assert isinstance(verdict, Verdict)
    assert not verdict.passed and verdict.expected and verdict.found
    assert verdict.explanation == "'forward KL' is missing; 'mass-covering' is missing"


@pytest.mark.parametrize("pattern", [r"(a+)+b", r"(?:\w+\s?)*x", r"(x*)*"])
def test_keywords_refuses_a_regex_with_nested_quantifiers(pattern):
    with pytest.raises(ValueError, match="nests quantifiers"):
        keywords(all_of=[pattern], regex=True)
    with pytest.raises(ValueError, match="nests quantifiers"):
        regex(pattern)


def test_a_tuple_given_as_all_of_requires_every_term():
    assert not keywords(all_of=("forward KL", "mass-covering"))("Plot A is forward KL.").passed
    assert keywords(all_of=[("forward KL", "inclusive KL")])("Plot A is inclusive KL.").passed


@pytest.mark.parametrize("matcher, answer, said", [
    (keywords(any_of=[("line 9", "emb_word")]), "the emb_word init is wrong here", "states 'emb_word'"),
    (keywords(any_of=[("line 9", "emb_word")]), "Line 9 has the bug.", "states 'line 9'"),
    (keywords(all_of=[("frozen", "fixed")]), "The model weights stay fixed.", "states 'fixed'"),
    (keywords(all_of=[("U-shaped", "dips")]), "The error dips, then rises.", "states 'dips'"),
    (keywords(all_of=[("frozen", "fixed")]), "The weights are not fixed.", "'fixed' appears only negated"),
    (keywords(none_of=[("learning rate", "step size")]), "Lower the step size.", "states 'step size', which it must not"),
])
def test_keywords_messages_name_the_spelling_of_a_synonym_group_that_matched(matcher, answer, said):
    verdict = matcher(answer)
    assert said in verdict.explanation, verdict.explanation


def test_keywords_messages_name_the_whole_group_when_none_of_it_is_there():
    verdict = keywords(all_of=[("frozen", "fixed")])("The weights change.")
    assert verdict.explanation == "('frozen', 'fixed') is missing"


def test_keywords_do_not_see_a_negation_in_a_preceding_subordinate_clause():
    matcher = keywords(any_of=["depends only on the token"])
    answer = "Because nothing mixes positions, the prediction depends only on the token at position t."
    assert matcher(answer).passed, matcher(answer).summary()
    assert not matcher("Nothing here depends only on the token at position t.").passed
