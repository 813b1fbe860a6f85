"""The case-file vocabulary: a Question has Parts, a Part has Concepts.

A case file under ``cases/`` is a plain Python module that builds one or more
:class:`Question` objects at module level::

    from pytest_hwcheck import Question, Part, Concept, keywords

    question = Question(
        id="hw12.q2",
        prompt="...the question text, as sent to the model...",
        parts=[Part(id="hw12.q2b", concepts=[Concept("forward-kl-covers", keywords(all_of=["mass-covering"]))])],
    )

Validation happens when the objects are built, so a broken case file fails on
import with one :class:`CaseDefinitionError` that names the question and the field.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Callable, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .ids import UnsafeNameError, check_name
from .matchers.base import Matcher, as_matcher

_PART_LETTER = re.compile(r"\.q\d+([a-z])$")


class CaseDefinitionError(ValueError):
    """A case file defines a question that cannot be graded; the message names question and field."""

    def __init__(self, question: str | None, field: str, message: str) -> None:
        self.question = question
        self.field = field
        self.message = message
        where = f"question {question!r}" if question else "a question"
        super().__init__(f"{where}, field {field!r}: {message}")


_VALIDATING: ContextVar[bool] = ContextVar("hwcheck_validating_case", default=False)


class _CaseModel(BaseModel):
    """Parts and concepts are recorded as written and validated when their Question is built.

    Validating the whole tree in one place gives one error that names both the
    question and the field path (``parts.2.concepts.0.check``).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True, extra="forbid")

    def __init__(self, **data: Any) -> None:
        # pydantic calls a custom __init__ for nested models too: validate normally while
        # a Question is being validated, record the raw fields otherwise.
        if isinstance(self, Question) or _VALIDATING.get():
            super().__init__(**data)
        else:
            object.__setattr__(self, "__dict__", {"_hwcheck_raw": dict(data), **data})
            object.__setattr__(self, "__pydantic_fields_set__", set(data))
            object.__setattr__(self, "__pydantic_extra__", None)
            object.__setattr__(self, "__pydantic_private__", None)


def _raw(value: Any) -> Any:
    """Unvalidated Parts/Concepts (at any depth of lists/dicts) turned back into plain data."""
    if isinstance(value, _CaseModel) and "_hwcheck_raw" in value.__dict__:
        return {k: _raw(v) for k, v in value.__dict__["_hwcheck_raw"].items()}
    if isinstance(value, list):
        return [_raw(v) for v in value]
    if isinstance(value, dict) and not isinstance(value, BaseModel):
        return {k: _raw(v) for k, v in value.items()}
    return value


class Concept(_CaseModel):
    """One key idea a full-credit answer to a part must state.

    ``check`` is a matcher (``keywords(...)``, ``number(...)``, …) or any plain
    function of the answer text returning a bool or a Verdict. ``points`` weighs
    the concept in the part's score; ``marks`` are pytest marks for its tests.
    """

    id: str
    check: Any
    points: float = Field(default=1.0, ge=0)
    description: str = ""
    marks: list[Any] = Field(default_factory=list)

    def __init__(self, id: str | None = None, check: Any = None, /, **data: Any) -> None:  # noqa: A002
        if id is not None:
            data.setdefault("id", id)
        if check is not None:
            data.setdefault("check", check)
        super().__init__(**data)

    @field_validator("id")
    @classmethod
    def _id_is_safe(cls, value: str) -> str:
        return check_name("concept", value)

    @field_validator("check")
    @classmethod
    def _check_is_a_matcher(cls, value: Any) -> Matcher:
        if value is None:
            raise ValueError("a concept needs a matcher or a function of the answer text")
        try:
            return as_matcher(value)
        except TypeError as exc:
            raise ValueError(str(exc)) from None

    @property
    def matcher(self) -> Matcher:
        """The concept's check as a :class:`Matcher`."""
        return self.check


ConceptSpec = Union[Concept, Matcher, Callable[[str], Any]]


@dataclass(frozen=True)
class Example:
    """A bad example answer of a part, and the concept whose job it is to reject it.

    ``Part(bad_examples=[...])`` takes plain strings or ``Example`` objects::

        bad_examples=[
            "N_opt ∝ (C/C₀)^(α/(α+β))",                                  # any concept may reject it
            Example("N_opt ∝ (C/C₀)^(α/(α+β))", caught_by="no-swapped-exponents"),
        ]

    With ``caught_by`` the self-test (``pytest --hw-selftest``) requires that this
    concept rejects the answer: it fails when that concept accepts it (or gives up on it),
    even if some other concept happened to reject it. A plain string counts as rejected
    when any concept rejects it. ``caught_by`` must be the id of one of the part's
    concepts, which is checked when the Question is built.
    """

    text: str
    caught_by: str | None = None


class Part(_CaseModel):
    """One gradable part of a question (``hw12.q3c``) and the concepts it is graded on.

    ``label`` is how answers head this part's section (``"c"`` finds ``(c)``,
    ``Part (c)``, ``**c)**``); it defaults to the id's trailing letter, and a part
    without one (``hw12.q1``) is graded on the whole turn. ``prompt`` is the text
    used when the part is asked on its own in a follow-up turn. ``reference`` is
    the key's answer, which must itself pass; ``good_examples`` and
    ``bad_examples`` are answers the concepts must accept and reject. A bad example
    may be an :class:`Example` naming the concept that must reject it
    (``Example(text, caught_by="concept-id")``); after validation every entry of
    ``bad_examples`` is an :class:`Example` (plain strings get ``caught_by=None``).
    """

    id: str
    concepts: list[Concept]
    label: str | None = None
    title: str = ""
    prompt: str | None = None
    reference: str = ""
    good_examples: list[str] = Field(default_factory=list)
    bad_examples: list[Example] = Field(default_factory=list)
    marks: list[Any] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _concepts_from_mapping(cls, data: Any) -> Any:
        # ``concepts={"id": matcher}`` is shorthand for a list of Concept(id, matcher).
        if isinstance(data, dict):
            concepts = data.get("concepts")
            if isinstance(concepts, dict):
                data = {**data, "concepts": [{"id": k, "check": v} for k, v in concepts.items()]}
            if data.get("label") is None and isinstance(data.get("id"), str):
                match = _PART_LETTER.search(data["id"])
                if match:
                    data = {**data, "label": match.group(1)}
        return data

    @field_validator("id")
    @classmethod
    def _id_is_safe(cls, value: str) -> str:
        return check_name("part", value)

    @field_validator("bad_examples", mode="before")
    @classmethod
    def _bad_examples_as_examples(cls, value: Any) -> Any:
        # A plain string is an Example that any concept may reject.
        if not isinstance(value, (list, tuple)):
            return value
        examples = []
        for index, item in enumerate(value):
            example = Example(item) if isinstance(item, str) else item
            if not isinstance(example, Example):
                raise ValueError(f"bad_examples[{index}] is of type {type(item).__name__}; a bad example is the answer text "
                                 "or Example(text, caught_by='concept-id')")
            if not isinstance(example.text, str) or not example.text.strip():
                raise ValueError(f"bad_examples[{index}] has no answer text")
            if example.caught_by is not None and not isinstance(example.caught_by, str):
                raise ValueError(f"bad_examples[{index}]: caught_by must be a concept id (a string), "
                                 f"got {example.caught_by!r}")
            examples.append(example)
        return examples

    @model_validator(mode="after")
    def _caught_by_names_a_concept(self) -> "Part":
        ids = [c.id for c in self.concepts]
        for index, example in enumerate(self.bad_examples):
            if example.caught_by is not None and example.caught_by not in ids:
                raise ValueError(
                    f"bad_examples[{index}] says caught_by={example.caught_by!r}, but part {self.id!r} has no such "
                    f"concept (its concepts: {', '.join(ids)})"
                )
        return self

    @field_validator("concepts")
    @classmethod
    def _concepts_are_unique_and_present(cls, value: list[Concept]) -> list[Concept]:
        if not value:
            raise ValueError("a part needs at least one concept")
        seen: set[str] = set()
        for concept in value:
            if concept.id in seen:
                raise ValueError(f"concept id {concept.id!r} appears twice")
            seen.add(concept.id)
        return value

    @property
    def points(self) -> float:
        """The total points the part is worth."""
        return sum(c.points for c in self.concepts)


class Question(_CaseModel):
    """A homework question: the prompt sent to the model and its gradable parts.

    ``id`` names the question (``hw12.q3``) and its cassette file
    (``cassettes/<model>/hw12.q3.yaml``). ``prompt`` is the question text exactly
    as sent to the model: changing it invalidates recorded answers.
    """

    id: str
    prompt: str = Field(min_length=1)
    parts: list[Part]
    title: str = ""
    marks: list[Any] = Field(default_factory=list)

    def __init__(self, **data: Any) -> None:
        data = {k: _raw(v) for k, v in data.items()}
        token = _VALIDATING.set(True)
        try:
            super().__init__(**data)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "(question)"
            qid = data.get("id") if isinstance(data.get("id"), str) else None
            raise CaseDefinitionError(qid, field, _plain(first)) from None
        except (UnsafeNameError, CaseDefinitionError) as exc:
            raise CaseDefinitionError(data.get("id"), "id", str(exc)) from None
        finally:
            _VALIDATING.reset(token)

    @field_validator("id")
    @classmethod
    def _id_is_safe(cls, value: str) -> str:
        return check_name("question", value)

    @field_validator("parts")
    @classmethod
    def _parts_are_unique_and_present(cls, value: list[Part]) -> list[Part]:
        if not value:
            raise ValueError("a question needs at least one part")
        seen: set[str] = set()
        for part in value:
            if part.id in seen:
                raise ValueError(f"part id {part.id!r} appears twice")
            seen.add(part.id)
        return value

    def part(self, part_id: str) -> Part:
        """The part with this id (KeyError if none)."""
        for part in self.parts:
            if part.id == part_id:
                return part
        raise KeyError(part_id)

    @property
    def part_ids(self) -> list[str]:
        """Ids of all parts, in order."""
        return [p.id for p in self.parts]


def _plain(error: dict) -> str:
    message = error.get("msg", "invalid value")
    return message.removeprefix("Value error, ")
