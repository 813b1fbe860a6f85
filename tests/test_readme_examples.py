"""The matcher examples shown in README.md do what the README says, on an answer and on its wrong twin."""

from __future__ import annotations

import pytest

from pytest_hwcheck import association, choice, expression, keywords, mapping, not_, number, true_false

EXAMPLES = [
    (keywords(all_of=[("weight tying", "tied", "shares weights"), "lm_head"], none_of=["learning rate"]),
     "The lm_head is tied to the word embedding.",
     "The lm_head is not tied; lower the learning rate."),
    (number("1e30 FLOPs", rel=0.05, bound_to=("compute", "C =", "FLOPs")),
     "Compute C = 10^{30} FLOPs.",
     "Compute is 10^{29} FLOPs, not 10^30."),
    (expression("d_model**-0.5", bound_to="std"),
     "self.emb.weight.data.normal_(mean=0, std=1/math.sqrt(d_model))",
     "use std = d_model ** 0.5"),
    (choice("b", options="abcd"), "Answer: (b)", "(b) dips, but the answer is **Curve (a)**."),
    (true_false({"i": True, "ii": True, "iii": False, "iv": False}),
     "(i) True (ii) True (iii) False (iv) False",
     "(i) True (ii) False (iii) False (iv) False"),
    (association("Plot A", "forward KL", conflicts=["reverse KL"]),
     "Plot A is forward KL (mass-covering).",
     "Plot A is reverse KL (mode-seeking); Plot B is forward KL."),
    (mapping({"(a)": "β = 10^-3", "(b)": "β = 10^-6", "(c)": "β = 10^0"}),
     "- (a): β = 10^{-3}\n- (b): β = 10^{-6}\n- (c): β = 10^{0}",
     "- (a): β = 10^{-6}\n- (b): β = 10^{-3}\n- (c): β = 1"),
    (not_(expression("d_model**0.5", bound_to="std"), because="scales the std up instead of down"),
     "std = d_model**-0.5",
     "std = sqrt(d_model)"),
]


@pytest.mark.parametrize("matcher, right, wrong", EXAMPLES, ids=[repr(m)[:40] for m, _, _ in EXAMPLES])
def test_each_readme_matcher_example_passes_the_answer_and_fails_its_wrong_twin(matcher, right, wrong):
    assert matcher(right).passed, matcher(right).explanation
    assert not matcher(wrong).passed, matcher(wrong).explanation


def test_a_readme_matchers_repr_is_the_factory_call():
    assert repr(choice("b", options="abcd")) == "choice(expected='b', options='abcd')"


def test_the_readme_shows_the_worked_example_case_file_exactly_as_shipped():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    case = (root / "cases" / "hw12_q1_debugging_transformers.py").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert f"```python\n{case}```" in readme
