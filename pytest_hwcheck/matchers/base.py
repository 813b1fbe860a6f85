"""What every matcher is: a named, configured callable from answer text to a Verdict.

A matcher is built by a small factory whose keyword arguments are its settings
(``keywords(all_of=[...])``, ``number(1e30, rel=0.05)``) and which returns a
:class:`Matcher`. Calling it on an answer returns a :class:`~pytest_hwcheck.verdict.Verdict`.
Its ``repr`` is the factory call that built it, so failure messages and the JSON
report show exactly which rule was applied.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from typing import Any, Callable, Iterable, Iterator

from ..verdict import Verdict

#: How long one matcher may spend on one answer before it gives up (an *error* verdict, not a fail).
DEFAULT_TIME_BUDGET_S = 5.0

_BUDGET: contextvars.ContextVar[float] = contextvars.ContextVar("hwcheck_time_budget", default=DEFAULT_TIME_BUDGET_S)


def current_time_budget() -> float:
    """The time budget, in seconds, a matcher started now gets for one answer."""
    return _BUDGET.get()


@contextlib.contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Give matchers started inside the block ``seconds`` per answer instead of the default.

    Tests use it to force the give-up path on a small input instead of timing a large one::

        with time_budget(0.0):
            assert keywords(any_of=["x"])("x " * 1000).gave_up
    """
    token = _BUDGET.set(seconds)
    try:
        yield
    finally:
        _BUDGET.reset(token)


class Matcher:
    """Base class: subclasses implement :meth:`check`; ``__call__`` adds safety.

    ``name`` is the factory name and ``settings`` the keyword arguments it was built
    with; together they make the repr. ``check`` may raise: ``__call__`` turns any
    exception into a failed verdict naming it, so one odd answer never crashes a run.
    """

    name: str = "matcher"

    def __init__(self, **settings: Any) -> None:
        self.settings = {k: v for k, v in settings.items() if v is not None}

    def check(self, answer: str) -> Verdict:  # pragma: no cover - abstract
        """Grade ``answer``; implemented by each matcher."""
        raise NotImplementedError

    def __call__(self, answer: str) -> Verdict:
        if not isinstance(answer, str):
            answer = "" if answer is None else str(answer)
        try:
            verdict = self.check(answer)
        except MatcherTimeout as exc:
            verdict = Verdict.give_up(f"{self.name} {exc.describe()}")
        except Exception as exc:  # noqa: BLE001 - a matcher must never crash the run
            # A crash is not evidence either way, so it is a give-up (an error), which not_() cannot invert.
            verdict = Verdict.give_up(f"{self.name} could not grade this answer: {type(exc).__name__}: {exc}")
        if not isinstance(verdict, Verdict):
            raise TypeError(f"{self!r}.check() returned {type(verdict).__name__}, not a Verdict")
        return verdict

    def texts_to_embed(self, answer: str) -> list[str]:
        """Texts this matcher will embed for ``answer`` (lets a run embed all texts in one batch)."""
        return []

    def children(self) -> list["Matcher"]:
        """Sub-matchers of a composition (empty for a leaf matcher)."""
        return []

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={_short_repr(v)}" for k, v in self.settings.items())
        return f"{self.name}({args})"


class MatcherTimeout(Exception):
    """Raised inside a matcher that ran out of its time budget (it gives up: an error, not a fail)."""

    def __init__(self, seconds: float, what: str) -> None:
        super().__init__(what)
        self.seconds = seconds
        self.what = what

    def describe(self) -> str:
        """Why the matcher stopped, for the verdict's explanation."""
        return f"gave up after {self.seconds:.1f}s: {self.what}"


class AnswerTooLarge(MatcherTimeout):
    """Raised when an answer is longer than a reader will scan: the matcher gives up rather than cut it."""

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(0.0, f"the answer has {length:,} characters, more than the {limit:,} a matcher reads")

    def describe(self) -> str:
        return f"gave up: {self.what}"


class Deadline:
    """A cooperative time budget: call :meth:`check` in loops that could run long."""

    def __init__(self, seconds: float | None = None, what: str = "time budget exceeded") -> None:
        # None: the budget in force (see time_budget()), so tests can force a give-up cheaply.
        self.seconds = current_time_budget() if seconds is None else seconds
        self.what = what
        self._end = time.monotonic() + self.seconds

    def expired(self) -> bool:
        """Whether the budget is spent."""
        return time.monotonic() > self._end

    def check(self) -> None:
        """Raise :class:`MatcherTimeout` when the budget is spent."""
        if self.expired():
            raise MatcherTimeout(self.seconds, self.what)


class FunctionMatcher(Matcher):
    """Wraps a plain function of the answer text so it can be a concept.

    The function may return a ``bool`` or a :class:`Verdict`.
    """

    name = "function"

    def __init__(self, func: Callable[[str], Any]) -> None:
        super().__init__()
        self.func = func

    def check(self, answer: str) -> Verdict:
        result = self.func(answer)
        if isinstance(result, Verdict):
            return result
        label = getattr(self.func, "__name__", "function")
        if result:
            return Verdict.ok(f"{label}() returned {result!r}")
        return Verdict.fail(f"{label}() returned {result!r}")

    def __repr__(self) -> str:
        return f"{getattr(self.func, '__name__', repr(self.func))}()"


def as_matcher(check: Any) -> Matcher:
    """Coerce a concept's check (a matcher, or any plain function of the answer) to a Matcher."""
    if isinstance(check, Matcher):
        return check
    if hasattr(check, "measure") and hasattr(check, "threshold"):
        # Duck-typed so that deepeval is imported only when a case really uses one of its metrics.
        from ..deepeval_interop import DeepevalMissing, from_deepeval

        try:
            return from_deepeval(check)
        except DeepevalMissing as exc:
            raise DeepevalMissing(f"a concept's check {type(check).__name__} looks like a deepeval metric "
                                  "(it has measure() and threshold), and grading with it") from exc
    if callable(check):
        return FunctionMatcher(check)
    raise TypeError(f"a concept needs a matcher or a function of the answer text, got {type(check).__name__}")


def _short_repr(value: Any, width: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def flatten(items: Iterable[Any]) -> list[Any]:
    """Flatten one level of nesting, keeping strings whole."""
    out: list[Any] = []
    for item in items:
        if isinstance(item, (list, tuple, set, frozenset)):
            out.extend(item)
        else:
            out.append(item)
    return out
