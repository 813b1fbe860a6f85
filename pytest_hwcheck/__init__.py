"""pytest-hwcheck: grade recorded LLM answers to homework, concept by concept.

Case files import their vocabulary from here::

    from pytest_hwcheck import Question, Part, Concept, keywords, number

Matcher factories are imported lazily (on first attribute access) so that
``import pytest_hwcheck`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

from .case import CaseDefinitionError, Concept, Part, Question
from .verdict import Verdict

__version__ = "0.1.0"

# factory name -> module that defines it
_MATCHERS = {
    "keywords": "keywords",
    "choice": "choices",
    "true_false": "choices",
    "association": "associations",
    "mapping": "associations",
    "number": "numbers",
    "expression": "expressions",
    "similar": "similarity",
    "all_of": "compose",
    "any_of": "compose",
    "not_": "compose",
    "Matcher": "base",
}

__all__ = ["Question", "Part", "Concept", "Verdict", "CaseDefinitionError", *_MATCHERS]


def __getattr__(name: str) -> Any:
    module = _MATCHERS.get(name)
    if module is None:
        raise AttributeError(f"module 'pytest_hwcheck' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".matchers.{module}", __name__), name)
    globals()[name] = value
    return value
