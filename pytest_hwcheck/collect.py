"""Collection: a case file becomes a ``pytest.File``; each (part, concept, model) a ``pytest.Item``.

Node ids read ``cases/hw12_q2.py::hw12.q2a::finite-forward-kl[claude-sonnet]``, so
``-k hw12.q2a``, ``-k claude-sonnet``, ``--lf`` and ``-x`` work as usual.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import traceback
from pathlib import Path
from typing import Any

import pytest

from .case import CaseDefinitionError, Concept, Part, Question
from .verdict import Verdict, shorten


class CaseExited(ImportError):
    """A case file called ``sys.exit()`` while it was being loaded."""


def load_case_module(path: Path) -> list[Question]:
    """Import a case file and return the Questions it defines at module level.

    Raises :class:`CaseDefinitionError`, :class:`CaseExited`, or the import's own exception.
    """
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:10]
    name = f"hwcheck_cases.{path.stem}_{digest}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    # A case file may import helper modules kept beside it (named with a leading underscore,
    # so they are not collected themselves): its folder is importable while it loads.
    folder = str(path.parent.resolve())
    added = folder not in sys.path
    if added:
        sys.path.insert(0, folder)
    try:
        spec.loader.exec_module(module)
    except SystemExit as exc:
        # sys.exit() in a case file must not end the whole run (or `hwcheck import`): it is
        # one broken case file, reported like any other import error.
        sys.modules.pop(name, None)
        raise CaseExited(f"the case file called sys.exit({exc.code!r}) while loading; a case file only defines "
                         "Questions (move scripts behind `if __name__ == \"__main__\":`)") from None
    except BaseException:
        sys.modules.pop(name, None)
        raise
    finally:
        if added:
            sys.path.remove(folder)
    return [value for value in vars(module).values() if isinstance(value, Question)]


class CaseFile(pytest.File):
    """A case file under ``cases/``: collects one node per part."""

    def collect(self):
        from .run import RUN_KEY

        run = self.config.stash[RUN_KEY]
        shown = self.path.relative_to(self.config.rootpath) if self.path.is_relative_to(self.config.rootpath) else self.path
        try:
            questions = load_case_module(self.path)
        except CaseDefinitionError as exc:
            raise self.CollectError(f"{shown}: {exc}") from None
        except Exception as exc:  # noqa: BLE001 - any import failure is one clear collection error
            frame = next((f for f in reversed(traceback.extract_tb(exc.__traceback__)) if f.filename == str(self.path)), None)
            where = f" (line {frame.lineno})" if frame else (f" (line {exc.lineno})" if getattr(exc, "lineno", None) else "")
            raise self.CollectError(f"{shown}{where}: cannot load the case file: {type(exc).__name__}: {exc}") from None
        if not questions:
            raise self.CollectError(
                f"{shown}: defines no Question; a case file builds at least one pytest_hwcheck.Question at "
                "module level (name shared helper modules with a leading underscore)"
            )
        for question in questions:
            earlier = run.claim_question(question.id, self.path)
            if earlier is not None:
                raise self.CollectError(f"{shown}: question {question.id!r} is already defined in {earlier}")
        for question in questions:
            for part in question.parts:
                yield PartNode.from_parent(self, name=part.id, question=question, part=part)


class PartNode(pytest.Collector):
    """One question part: collects one item per (concept, model)."""

    def __init__(self, *, question: Question, part: Part, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.question = question
        self.part = part
        for mark in [*question.marks, *part.marks]:
            self.add_marker(mark)

    def collect(self):
        from .run import RUN_KEY

        run = self.config.stash[RUN_KEY]
        if run.selftest:
            from .selftest import SelfTestItem

            yield from SelfTestItem.for_part(self, self.question, self.part)
            return
        for concept in self.part.concepts:
            for model in run.models:
                yield ConceptItem.from_parent(
                    self, name=f"{concept.id}[{model}]", question=self.question, part=self.part,
                    concept=concept, model=model, **_parametrized_id(self, concept.id, model),
                )


def _parametrized_id(parent: pytest.Collector, name: str, param: str) -> dict[str, Any]:
    """The node id of ``name[param]``, built the way pytest builds a parametrized function's.

    pytest >= 9.2 keeps node ids structured (``Node.id``: path, names, params) and reads
    a cached id such as ``…::colour[claude-sonnet]`` back as the name ``colour`` with the
    parameter ``claude-sonnet``. An item whose *name* merely ends in ``[model]`` would then
    never equal its cached id, and ``--lf`` / ``--ff`` would not find it. Older pytest
    versions have plain string ids, where the default (``parent::name``) is the same string.
    """
    parent_id = getattr(parent, "id", None)
    if hasattr(parent_id, "child") and hasattr(parent_id, "with_params"):
        return {"nodeid": parent_id.child(name).with_params(param)}
    return {}


class ConceptNotStated(Exception):
    """A concept's matcher failed on the model's answer."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(verdict.summary())
        self.verdict = verdict


class ConceptItem(pytest.Item):
    """Checks one concept of one part against one model's recorded answer.

    The answer is loaded and graded in :meth:`setup`, so that what is not a grade is
    reported as pytest's *error* outcome (E), never as a failed concept (F): a cassette
    that cannot be read, a prompt that changed since recording, a failed recording, or a
    matcher that gave up. :meth:`runtest` then passes or fails on the verdict.
    """

    def __init__(self, *, question: Question, part: Part, concept: Concept, model: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.question = question
        self.part = part
        self.concept = concept
        self.model = model
        self.add_marker(pytest.mark.hwcheck)
        for mark in concept.marks:
            self.add_marker(mark)
        self._answer: Any = None
        self._verdict: Verdict | None = None

    # -- running ------------------------------------------------------------------------------
    def _record(self, status: str, reason: str, verdict: Verdict | None = None, answer: Any = None) -> None:
        self.user_properties.append(("hwcheck", {
            "model": self.model,
            "question": self.question.id,
            "part": self.part.id,
            "concept": self.concept.id,
            "points": self.concept.points,
            "score": verdict.score if verdict is not None else 0.0,
            "status": status,
            "matcher": repr(self.concept.matcher),
            "reason": reason,
            "evidence": verdict.evidence if verdict is not None else None,
            "turn": getattr(answer, "turn", None),
            "section": getattr(answer, "section", None),
        }))

    def load_answer(self) -> Any:
        """The part's answer text for this model (cached on the item)."""
        from .run import RUN_KEY

        if self._answer is None:
            self._answer = self.config.stash[RUN_KEY].part_answer(self.model, self.question, self.part)
        return self._answer

    def texts_to_embed(self) -> list[str]:
        """Texts the concept's matcher will embed (for the run's single batched embedding pass)."""
        try:
            answer = self.load_answer()
        except Exception:  # noqa: BLE001 - the test itself will report it
            return []
        return self.concept.matcher.texts_to_embed(answer.text) if answer is not None else []

    def setup(self) -> None:
        """Load the answer and grade it; anything that is not a grade becomes an error here."""
        from .cassettes import CassetteError, CassetteMissing
        from .run import RUN_KEY

        run = self.config.stash[RUN_KEY]
        unreadable: CassetteError | None = None
        try:
            answer = self.load_answer()
        except CassetteMissing as exc:
            self._record("skipped", str(exc))
            pytest.skip(str(exc))
        except CassetteError as exc:
            unreadable = exc
        except Exception as exc:
            # Unexpected (a bug, not bad input): shown with its traceback, but still counted, never dropped.
            self._record("error", f"could not load the answer: {type(exc).__name__}: {exc}")
            raise
        if unreadable is not None:
            # One message saying what is wrong and what to do; a traceback is noise here.
            self._record("error", str(unreadable))
            pytest.fail(f"{self.model} · {self.question.id}: {unreadable}", pytrace=False)
        if answer is None:
            reason = f"{self.model} did not answer {self.part.id} (no recorded turn answers it)"
            self._record("skipped", reason)
            pytest.skip(reason)
        run.prefetch_embeddings(self.session.items)
        try:
            with run.judging(self.model, self.question):
                verdict = self.concept.matcher(answer.text)
        except pytest.skip.Exception as exc:
            self._record("skipped", str(exc.msg))
            raise
        verdict = verdict.with_answer(answer.text, answer.section)
        if verdict.gave_up:
            # Undecided is not wrong: the concept is neither passed nor failed.
            self._record("error", verdict.summary(), verdict, answer)
            pytest.fail(
                f"{self.model} · {self.part.id} · {self.concept.id}: could not be graded: {verdict.explanation}. "
                "The answer was not fully read; shorten or split it, or raise the matcher's limit in the case file",
                pytrace=False,
            )
        self._verdict = verdict

    def runtest(self) -> None:
        verdict = self._verdict
        assert verdict is not None, "setup() grades the answer before runtest()"
        if verdict.passed:
            self._record("passed", verdict.summary(), verdict, self._answer)
            return
        self._record("failed", verdict.summary(), verdict, self._answer)
        raise ConceptNotStated(verdict)

    # -- reporting ----------------------------------------------------------------------------
    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ConceptNotStated):
            return self._explain(excinfo.value.verdict)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        # Not a suffix of the node id, so pytest shows it as is instead of turning "." into "::".
        return self.path, None, f"{self.part.id}::{self.concept.id} [{self.model}]"

    def _explain(self, verdict: Verdict) -> str:
        answer = self._answer
        where = f"turn {answer.turn}" if answer is not None else "answer"
        if verdict.section:
            where += f', section "{shorten(verdict.section, 80)}"'
        elif answer is not None and answer.note:
            where += f" ({answer.note})"
        headline = f"{self.model} did not state concept {self.concept.id!r} of {self.part.id}"
        if self.concept.description:
            headline += f": {self.concept.description}"
        lines = [
            headline,
            f"  matcher:  {self.concept.matcher!r}",
            f"  graded:   {where}",
        ]
        if verdict.expected is not None:
            lines.append(f"  expected: {verdict.expected}")
        if verdict.found is not None:
            lines.append(f"  found:    {verdict.found}")
        lines.append(f"  why:      {verdict.explanation}")
        if verdict.evidence:
            lines.append(f"  evidence: {shorten(verdict.evidence, 300)!r}")
        lines.append("  answer (trimmed):")
        lines.extend(f"    | {line}" for line in _trim(verdict.answer))
        return "\n".join(lines)



def _trim(text: str, max_lines: int = 12, width: int = 110) -> list[str]:
    lines = [line.rstrip() for line in text.strip().splitlines() if line.strip()]
    out = [shorten(line, width) for line in lines[:max_lines]]
    if len(lines) > max_lines:
        out.append(f"… ({len(lines) - max_lines} more lines)")
    return out or ["(empty answer)"]
