"""What the HW11 case files (hw11_q1_lora, hw11_q2_transformer_interpretability) share.

``stated(says, *patterns)`` is ``keywords()`` over one regular-expression term named ``says``:
the patterns are written against the shared normalizer's output
(:func:`pytest_hwcheck.matchers.text.normalize`: lower case, Markdown and LaTeX markup gone,
``\\frac{a}{b}`` → ``(a)/(b)``, ``W_{QK}`` → ``w_qk``, ``X^\\top``/``Xᵀ`` → ``x^t``, ``\\neq`` → ``≠``,
``\\le`` → ``≤``, ``\\cdot``/``×`` → ``*``), and a hit counts only where keywords() finds it
stated, not negated or contrasted ("rather than increasing k", "☐ decrease k"). Failure
messages name ``says``, not the regex.

With ``negatable=False`` every hit counts: for formulas, and for statements whose own words
carry a "not" ("the rank k is not the issue", "AB is not zero").
"""

from __future__ import annotations

from pytest_hwcheck import keywords
from pytest_hwcheck.matchers.keywords import regex

__all__ = ["stated"]


def stated(says: str, *patterns: str, negatable: bool = True):
    """A statement found by any of ``patterns`` (regexes over normalized text), named ``says``."""
    term = regex("|".join(f"(?:{p})" for p in patterns), label=says)
    return keywords(any_of=[term], negation_aware=negatable)
