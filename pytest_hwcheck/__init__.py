"""pytest-hwcheck: grade recorded LLM answers to homework, concept by concept.

Case files import their vocabulary from here::

    from pytest_hwcheck import Question, Part, Concept, Example, keywords, number

Everything is imported lazily (on first attribute access): pytest imports this
package for every run through the plugin entry point, and a run without
``--hw-*`` options must not pay for pydantic, sympy or anything else.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module (relative to this package) that defines it
_LAZY = {
    "Question": ".case",
    "Part": ".case",
    "Concept": ".case",
    "Example": ".case",
    "CaseDefinitionError": ".case",
    "Verdict": ".verdict",
}
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

_LAZY.update({name: f".matchers.{module}" for name, module in _MATCHERS.items()})

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pytest_hwcheck' has no attribute {name!r}")
    # Not cached here: the defining module in sys.modules stays the single source of truth
    # (a test harness that restores sys.modules must not leave two Question classes around).
    return getattr(importlib.import_module(module, __name__), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
