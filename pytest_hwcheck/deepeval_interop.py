"""Two-way bridge to deepeval, plus an optional LLM-judge concept.

- :func:`as_deepeval_metric` wraps a hwcheck matcher as a deepeval ``BaseMetric``,
  so a deepeval suite can grade with hwcheck's deterministic checks.
- :func:`from_deepeval` wraps a deepeval metric as a hwcheck matcher (a case may
  also put a metric straight into a ``Concept``: ``as_matcher`` calls this).
- :func:`llm_judge` is a concept graded by deepeval's GEval with an
  OpenAI-compatible judge. Its HTTP call goes through the *judge cassette* hook
  (:func:`set_judge_cassette`), so the plugin can record it once and replay it
  offline. With neither an API key nor a recording the concept is *skipped*, never
  failed.

deepeval is an optional extra (``pip install 'pytest-hwcheck[deepeval]'``). It is
imported only inside the functions that need it, after switching off its telemetry,
``.env`` loading, legacy key file and trace upload (see :func:`quiet_deepeval`):
importing this module stays cheap and side-effect free, and works without deepeval.
Building an ``llm_judge``/``from_deepeval``/``as_deepeval_metric`` without deepeval
raises :class:`DeepevalMissing`, which says what to install.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import inspect
import json
import os
import sys
from dataclasses import dataclass
from typing import Any, Callable, ContextManager, Sequence

from .matchers.base import Matcher
from .verdict import Verdict, shorten

#: Environment deepeval reads at import time; set (unless the user chose otherwise) before importing it.
_DEEPEVAL_QUIET_ENV = {
    "DEEPEVAL_TELEMETRY_OPT_OUT": "1",  # no PostHog events
    "DEEPEVAL_DISABLE_DOTENV": "1",  # do not load the project's .env files into os.environ
    "DEEPEVAL_DISABLE_LEGACY_KEYFILE": "1",  # do not read .deepeval/.deepeval into os.environ
    "DEEPEVAL_UPDATE_WARNING_OPT_IN": "0",  # no version check against PyPI
    "CONFIDENT_TRACE_FLUSH": "0",
    "CONFIDENT_TRACE_VERBOSE": "0",  # no "tracing" console banners
    "CONFIDENT_TRACE_SAMPLE_RATE": "0",  # never upload traces of our metric calls, even with a Confident key
}


def quiet_deepeval() -> None:
    """Set the environment that keeps deepeval from phoning home, printing or reading ``.env``.

    Call before the first ``import deepeval``; values the user already set are kept.
    (With telemetry off deepeval 4.3.1 also skips creating ``.deepeval/``.)
    """
    for name, value in _DEEPEVAL_QUIET_ENV.items():
        os.environ.setdefault(name, value)


#: The extra that installs deepeval, as a user types it.
INSTALL_HINT = "pip install 'pytest-hwcheck[deepeval]'"


class DeepevalMissing(ImportError):
    """deepeval is not installed, and ``what`` needs it: the message says to install the extra."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} needs deepeval, which is not installed: install pytest-hwcheck[deepeval] "
                         f"({INSTALL_HINT})", name="deepeval")


def deepeval_installed() -> bool:
    """Whether deepeval can be imported (checked without importing it)."""
    if "deepeval" in sys.modules:
        return sys.modules["deepeval"] is not None  # None: imports of it are blocked
    try:
        return importlib.util.find_spec("deepeval") is not None
    except (ImportError, ValueError):
        return False


def require_deepeval(what: str) -> None:
    """Raise :class:`DeepevalMissing` naming ``what`` when deepeval is not installed."""
    if not deepeval_installed():
        raise DeepevalMissing(what)


@contextlib.contextmanager
def _deepeval_import(what: str) -> Any:
    """Quiet deepeval, then import inside the block; a missing deepeval becomes :class:`DeepevalMissing`."""
    quiet_deepeval()
    try:
        yield
    except ModuleNotFoundError as exc:
        if exc.name == "deepeval" or (exc.name or "").startswith("deepeval."):
            raise DeepevalMissing(what) from exc
        raise


def _base_metric_class() -> type:
    with _deepeval_import("as_deepeval_metric()"):
        from deepeval.metrics import BaseMetric

    return BaseMetric


def _test_case(input: str, actual_output: str) -> Any:
    with _deepeval_import("grading with a deepeval metric"):
        from deepeval.test_case import LLMTestCase

    return LLMTestCase(input=input, actual_output=actual_output)


def _metric_label(metric: Any) -> str:
    try:
        label = metric.__name__
    except Exception:  # noqa: BLE001 - a metric's name property may itself fail
        label = None
    return str(label or getattr(metric, "name", None) or type(metric).__name__)


# -- hwcheck matcher -> deepeval metric -------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _hwcheck_metric_class() -> type:
    """The deepeval metric class that runs a hwcheck matcher (made once, after deepeval is imported)."""
    base = _base_metric_class()

    class HwcheckMetric(base):  # type: ignore[misc, valid-type]
        """A deepeval metric whose grade is a hwcheck matcher's verdict on ``actual_output``.

        ``score`` is the verdict's score; ``success`` needs the verdict to pass *and* the
        score to reach ``threshold``; ``reason`` is the verdict's one-line summary and
        ``verdict`` the full :class:`~pytest_hwcheck.verdict.Verdict`.
        """

        def __init__(self, matcher: Matcher, name: str, threshold: float) -> None:
            self.matcher = matcher
            self.name = name
            self.threshold = threshold
            self.include_reason = True
            self.async_mode = False
            self.strict_mode = False
            self.evaluation_model = "pytest-hwcheck (deterministic, no LLM)"
            self.verdict: Verdict | None = None

        def measure(self, test_case: Any, *args: Any, **kwargs: Any) -> float:
            self.error = None
            answer = getattr(test_case, "actual_output", None)
            verdict = self.matcher(answer if isinstance(answer, str) else ("" if answer is None else str(answer)))
            self.verdict = verdict
            self.score = verdict.score
            self.success = bool(verdict.passed and verdict.score >= self.threshold)
            self.reason = verdict.summary()
            return self.score

        async def a_measure(self, test_case: Any, *args: Any, **kwargs: Any) -> float:
            return self.measure(test_case, *args, **kwargs)

        def is_successful(self) -> bool:
            return bool(self.success)

        @property
        def __name__(self) -> str:  # deepeval names metrics by this property
            return self.name

    return HwcheckMetric


def as_deepeval_metric(matcher: Any, *, name: str | None = None, threshold: float = 0.5) -> Any:
    """A deepeval ``BaseMetric`` that grades ``test_case.actual_output`` with a hwcheck matcher.

    Example: ``assert_test(case, [as_deepeval_metric(similar("KL is asymmetric", threshold=0.6, topic_only=True))])``.
    """
    from .matchers.base import as_matcher

    require_deepeval("as_deepeval_metric()")
    if not 0.0 <= float(threshold) <= 1.0:
        raise ValueError(f"as_deepeval_metric(threshold=...) must be within [0, 1], got {threshold!r}")
    hw_matcher = as_matcher(matcher)
    return _hwcheck_metric_class()(hw_matcher, name or f"hwcheck {hw_matcher!r}", float(threshold))


# -- deepeval metric -> hwcheck matcher -------------------------------------------------------------
def _measure(metric: Any, test_case: Any) -> None:
    """Run ``metric.measure`` without deepeval's progress spinner when the metric supports that."""
    try:
        accepts_indicator = "_show_indicator" in inspect.signature(metric.measure).parameters
    except (TypeError, ValueError):
        accepts_indicator = False
    if accepts_indicator:
        metric.measure(test_case, _show_indicator=False)
    else:
        metric.measure(test_case)


def _verdict_from_metric(metric: Any, label: str) -> Verdict:
    """Map a measured metric's score, success and reason (or error) into a Verdict."""
    error = getattr(metric, "error", None)
    raw = getattr(metric, "score", None)
    try:
        score = float(raw) if raw is not None else 0.0
    except (TypeError, ValueError):
        score = 0.0
    if score != score:  # NaN
        score = 0.0
    clamped = min(1.0, max(0.0, score))
    threshold = getattr(metric, "threshold", None)
    reason = getattr(metric, "reason", None)
    try:
        success = metric.is_successful()
    except Exception:  # noqa: BLE001 - fall back to the threshold
        success = None
    if success is None:
        success = threshold is not None and raw is not None and score >= float(threshold)
    details = {"metric": label, "score": raw, "threshold": threshold, "reason": reason}
    model = getattr(metric, "evaluation_model", None)
    if model:
        details["evaluation_model"] = str(model)
    expected = f"{label} score >= {threshold}" if threshold is not None else f"{label} succeeds"
    found = f"score {score:.3f}" if raw is not None else "no score"
    why = f"; reason: {shorten(str(reason), 400)}" if reason else ""
    if error:
        return Verdict.fail(f"deepeval metric {label} failed to grade: {error}", score=0.0,
                            expected=expected, found="error", details=details)
    if success:
        return Verdict.ok(f"deepeval metric {label} accepts the whole answer: {found} (threshold {threshold}){why}",
                          score=clamped, expected=expected, found=found, details=details)
    return Verdict.fail(f"deepeval metric {label} rejects the whole answer: {found} (threshold {threshold}){why}",
                        score=clamped, expected=expected, found=found, details=details)


class _FromDeepeval(Matcher):
    name = "from_deepeval"

    def __init__(self, metric: Any, input: str) -> None:
        self.metric = metric
        self.input = input
        self.label = _metric_label(metric)
        super().__init__(metric=_Named(self.label), input=input or None)

    def check(self, answer: str) -> Verdict:
        _measure(self.metric, _test_case(self.input, answer))
        return _verdict_from_metric(self.metric, self.label)


class _Named:
    """Shows as its bare name in a repr (``from_deepeval(metric=Correctness [GEval])``)."""

    def __init__(self, label: str) -> None:
        self.label = label

    def __repr__(self) -> str:
        return self.label


def from_deepeval(metric: Any, *, input: str = "") -> Matcher:
    """A hwcheck matcher that grades an answer with a deepeval metric.

    It builds ``LLMTestCase(input=input, actual_output=answer)``, calls
    ``metric.measure`` and maps ``score`` (clamped to [0, 1]), ``is_successful()``
    and ``reason`` into the Verdict. Example:
    ``Concept("answers-the-question", from_deepeval(AnswerRelevancyMetric(), input=question.prompt))``.
    """
    if not callable(getattr(metric, "measure", None)):
        raise TypeError(f"from_deepeval() needs a deepeval metric with a measure() method, got {type(metric).__name__}")
    if not isinstance(input, str):
        raise TypeError("from_deepeval(input=...) must be a string")
    require_deepeval("from_deepeval()")  # grading builds deepeval's LLMTestCase: say so now, not per answer
    return _FromDeepeval(metric, input)


# -- LLM judge with a cassette hook -----------------------------------------------------------------
@dataclass(frozen=True)
class JudgeCall:
    """What the judge cassette hook is told about one LLM-judge call.

    ``key`` is a stable digest of everything that shapes the request (judge model,
    rubric, criteria, input and answer), usable as a recording's name.
    """

    matcher: Matcher
    answer: str
    judge_model: str
    base_url: str | None
    has_api_key: bool
    key: str


#: A judge cassette: given the call, a context manager around its HTTP traffic that yields
#: True when a recorded response will be replayed (False: nothing recorded for this call).
JudgeCassette = Callable[[JudgeCall], ContextManager[Any]]


def _no_cassette(call: JudgeCall) -> ContextManager[bool]:
    return contextlib.nullcontext(False)


_judge_cassette: JudgeCassette = _no_cassette

#: Placeholder key for replaying a recording without an API key (the OpenAI client insists on one).
REPLAY_API_KEY = "sk-hwcheck-replay-no-key"


def set_judge_cassette(cassette: JudgeCassette | None) -> None:
    """Install the hook that wraps every LLM-judge call (``None`` restores "no cassette").

    The plugin's cassette layer calls this at session start with a function
    ``cassette(call: JudgeCall) -> context manager``. Inside the context the judge
    makes its HTTP requests (httpx, through the OpenAI SDK), so a vcrpy cassette
    opened there records or replays them. The context's value says whether a
    recorded response is available: without an API key the judge runs only then,
    and is skipped otherwise.
    """
    global _judge_cassette
    _judge_cassette = cassette if cassette is not None else _no_cassette


def get_judge_cassette() -> JudgeCassette:
    """The installed judge cassette hook."""
    return _judge_cassette


class _LLMJudge(Matcher):
    name = "llm_judge"

    def __init__(self, rubric: str | Sequence[str], criteria: str | None, threshold: float, judge_model: str,
                 input: str, api_key_env: str, base_url_env: str) -> None:
        super().__init__(rubric=rubric, criteria=criteria, threshold=threshold, judge_model=judge_model,
                         input=input or None,
                         api_key_env=api_key_env if api_key_env != "OPENAI_API_KEY" else None,
                         base_url_env=base_url_env if base_url_env != "OPENAI_BASE_URL" else None)
        self.rubric = rubric
        self.criteria = criteria
        self.threshold = threshold
        self.judge_model = judge_model
        self.input = input
        self.api_key_env = api_key_env
        self.base_url_env = base_url_env

    def evaluation_steps(self) -> list[str]:
        """The fixed GEval steps (fixed so the request, and so its recording, never changes between runs)."""
        if isinstance(self.rubric, str):
            steps = [
                f"Check whether the actual output clearly states the following: {self.rubric}",
                "Give a low score if the actual output states the opposite, swaps the roles of the things involved, "
                "negates the statement, or only mentions the topic without stating it.",
                "Ignore style, length and formatting; judge only whether the statement is made correctly.",
            ]
        else:
            steps = list(self.rubric)
        if self.criteria:
            steps.append(f"Also apply this criterion: {self.criteria}")
        return steps

    def key(self, answer: str) -> str:
        """Stable digest of what shapes the judge request for ``answer``."""
        payload = json.dumps([self.judge_model, self.evaluation_steps(), self.input, answer], ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()

    def skip_reason(self) -> str:
        return (f"LLM-judge concept needs {self.api_key_env} to record (pytest --hw-record=new), "
                "or a recorded verdict in the cassette")

    def build_metric(self, api_key: str, base_url: str | None) -> Any:
        """The deepeval GEval metric for this concept, talking to ``base_url`` with ``api_key``."""
        with _deepeval_import("llm_judge()"):
            from deepeval.metrics import GEval
            from deepeval.models import OpenAIModel
            from deepeval.test_case import SingleTurnParams

        # Costs are given so that any OpenAI-compatible model name is accepted (hwcheck does not bill).
        model = OpenAIModel(model=self.judge_model, api_key=api_key, base_url=base_url,
                            cost_per_input_token=0.0, cost_per_output_token=0.0)
        params = [SingleTurnParams.ACTUAL_OUTPUT]
        if self.input:
            params.insert(0, SingleTurnParams.INPUT)
        return GEval(name="hwcheck llm_judge", evaluation_params=params, criteria=self.criteria,
                     evaluation_steps=self.evaluation_steps(), model=model, threshold=self.threshold,
                     async_mode=False, verbose_mode=False, _include_g_eval_suffix=False)

    def check(self, answer: str) -> Verdict:
        import pytest

        if not answer.strip():
            # Nothing to judge, so no call to record or replay: a plain fail, the same with or without a key.
            return Verdict.fail("the answer is empty: there is nothing for the LLM judge to grade",
                                expected=f"a statement of: {shorten(str(self.rubric), 120)}", found="empty answer")
        api_key = os.environ.get(self.api_key_env) or None
        base_url = os.environ.get(self.base_url_env) or None
        call = JudgeCall(self, answer, self.judge_model, base_url, api_key is not None, self.key(answer))
        skip_detail = None
        with _judge_cassette(call) as mode:
            # The hook yields True/"replay" (a recording will answer), "offline" (no recording and
            # no live call allowed, e.g. a replay-only run) or False/"record" (call the API if a key is set).
            replaying = mode is True or mode == "replay"
            if (api_key is None or mode == "offline") and not replaying:
                skip_detail = ""
            else:
                metric = self.build_metric(api_key or REPLAY_API_KEY, base_url)
                try:
                    _measure(metric, _test_case(self.input, answer))
                except Exception as exc:
                    if api_key is not None:
                        raise
                    # Without a key only a recording can answer; a miss is "not recorded", not a wrong answer.
                    skip_detail = f" (no recorded verdict matched this answer: {type(exc).__name__}: {shorten(str(exc), 200)})"
        if skip_detail is not None:
            raise pytest.skip.Exception(self.skip_reason() + skip_detail)
        return _verdict_from_metric(metric, f"llm_judge[{self.judge_model}]")


def llm_judge(rubric: str | Sequence[str], *, criteria: str | None = None, threshold: float = 0.5,
              judge_model: str = "gpt-4o-mini", input: str = "", api_key_env: str = "OPENAI_API_KEY",
              base_url_env: str = "OPENAI_BASE_URL") -> Matcher:
    """An LLM-judge concept: deepeval GEval asks ``judge_model`` whether the answer states ``rubric``.

    ``rubric`` is the statement a full-credit answer makes (or a list of explicit
    evaluation steps); ``criteria`` adds one more criterion. The judge's score
    (0..1) must reach ``threshold``. The OpenAI-compatible endpoint comes from the
    environment (``$OPENAI_BASE_URL``, key ``$OPENAI_API_KEY``; other variable names
    via ``base_url_env`` / ``api_key_env``). Its HTTP call runs inside the judge
    cassette hook, so it is recorded once and replayed offline; with no key and no
    recording the concept is skipped. Example:
    ``llm_judge("forward KL is mass-covering and reverse KL is mode-seeking")``.
    """
    if isinstance(rubric, str):
        if not rubric.strip():
            raise ValueError("llm_judge() needs a non-empty rubric")
    else:
        rubric = tuple(rubric)
        if not rubric or not all(isinstance(step, str) and step.strip() for step in rubric):
            raise ValueError("llm_judge(rubric=[...]) needs non-empty evaluation steps")
    if criteria is not None and (not isinstance(criteria, str) or not criteria.strip()):
        raise ValueError("llm_judge(criteria=...) must be a non-empty string")
    if isinstance(threshold, bool) or not 0.0 <= float(threshold) <= 1.0:
        raise ValueError(f"llm_judge(threshold=...) must be within [0, 1], got {threshold!r}")
    if not isinstance(input, str):
        raise TypeError("llm_judge(input=...) must be a string")
    require_deepeval("llm_judge()")  # at case import, not as a skip or give-up on every answer
    return _LLMJudge(rubric, criteria, float(threshold), judge_model, input, api_key_env, base_url_env)


__all__ = [
    "DeepevalMissing",
    "INSTALL_HINT",
    "JudgeCall",
    "REPLAY_API_KEY",
    "as_deepeval_metric",
    "from_deepeval",
    "get_judge_cassette",
    "llm_judge",
    "quiet_deepeval",
    "require_deepeval",
    "set_judge_cassette",
]
