"""``--hw-selftest``: does a case's key grade its own examples the way its author says?

For every part: the reference answer and each good example must pass every
concept. Each bad example must be rejected: a bad example written as
``Example(text, caught_by="concept-id")`` by that very concept (another concept
rejecting it does not count), a plain string by at least one concept. A verdict
that gave up (the matcher could not read the answer) never counts as a rejection.
A key that fails its own reference answer, or that lets a wrong answer through
the concept meant to guard against it, is a bug in the key.

:func:`misgrading` is the rule itself; the plugin's self-test items and the case
library's own tests both use it.
"""

from __future__ import annotations

from typing import Any

import pytest

from .case import Example, Part, Question
from .verdict import Verdict, shorten


class ExampleMisgraded(Exception):
    """A case's concepts grade one of its own examples the wrong way."""


def grade_example(part: Part, text: str) -> list[tuple[Any, Verdict]]:
    """Every concept of ``part`` with its verdict on ``text``, in the part's order."""
    return [(concept, concept.matcher(text)) for concept in part.concepts]


def misgrading(
    part: Part,
    name: str,
    text: str,
    *,
    expect_pass: bool,
    caught_by: str | None = None,
    verdicts: list[tuple[Any, Verdict]] | None = None,
) -> str | None:
    """Why the part's concepts grade this example the wrong way, or None when they grade it right.

    ``name`` labels the example in the message (``"reference"``, ``"good[2]"``,
    ``"bad[1]"``). With ``expect_pass`` every concept must pass. Otherwise the answer
    is wrong and must be rejected: by the concept ``caught_by`` when given (a pass or a
    give-up of that concept is a misgrading, whatever the others say), else by any
    concept. A verdict that gave up is never a rejection. ``verdicts`` may carry
    grades already computed with :func:`grade_example`.
    """
    if verdicts is None:
        verdicts = grade_example(part, text)
    answer = f"  answer: {shorten(text, 400)!r}"
    if expect_pass:
        failed = [(c, v) for c, v in verdicts if not v.passed]
        if not failed:
            return None
        lines = [f"{part.id}: the key rejects its own {name} answer; loosen the concept below "
                 "(or fix the example if it is in fact wrong)"]
        for concept, verdict in failed:
            how = "gave up" if verdict.gave_up else "failed"
            lines.append(f"  concept {concept.id!r} ({concept.matcher!r}) {how}: {verdict.summary()}")
        return "\n".join([*lines, answer])

    rejected_by = [c.id for c, v in verdicts if v.status == "failed"]
    gave_up = [(c, v) for c, v in verdicts if v.gave_up]
    if caught_by is not None:
        concept, verdict = next((c, v) for c, v in verdicts if c.id == caught_by)
        if verdict.status == "failed":
            return None
        others = [cid for cid in rejected_by if cid != caught_by]
        if verdict.gave_up:
            head = (f"{part.id}: concept {caught_by!r}, which must catch the wrong answer {name}, gave up on it "
                    "instead of rejecting it; make the concept able to read this answer (or shorten the example)")
        else:
            head = (f"{part.id}: concept {caught_by!r} lets the wrong answer {name} through, but it is the concept "
                    f"that must catch it; tighten it (or name the right concept in caught_by=)")
        lines = [head, f"  concept {caught_by!r} ({concept.matcher!r}) {verdict.status}: {verdict.summary()}"]
        if others:
            lines.append(f"  rejected instead by {', '.join(repr(o) for o in others)}, not by the concept caught_by names")
        else:
            lines.append("  no other concept rejects it either")
        return "\n".join([*lines, answer])

    if rejected_by:
        return None
    if gave_up:
        lines = [f"{part.id}: no concept rejects the wrong answer {name}; "
                 f"{', '.join(repr(c.id) for c, _ in gave_up)} gave up on it, which is not a rejection"]
    else:
        lines = [f"{part.id}: every concept accepts the wrong answer {name}; add a concept that rejects it"]
    for concept, verdict in verdicts:
        lines.append(f"  concept {concept.id!r} {verdict.status}: {verdict.summary()}")
    return "\n".join([*lines, answer])


class SelfTestItem(pytest.Item):
    """Grades one example answer of a part with all of the part's concepts."""

    def __init__(self, *, part: Part, text: str, expect_pass: bool, caught_by: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.part = part
        self.text = text
        self.expect_pass = expect_pass
        self.caught_by = caught_by
        self.add_marker(pytest.mark.hwcheck)

    @classmethod
    def for_part(cls, parent: pytest.Collector, question: Question, part: Part):
        """Items for the part's reference answer, good examples and bad examples."""
        if part.reference:
            yield cls.from_parent(parent, name="reference", part=part, text=part.reference, expect_pass=True)
        for i, text in enumerate(part.good_examples, 1):
            yield cls.from_parent(parent, name=f"good[{i}]", part=part, text=text, expect_pass=True)
        for i, example in enumerate(part.bad_examples, 1):
            example = example if isinstance(example, Example) else Example(example)
            yield cls.from_parent(parent, name=f"bad[{i}]", part=part, text=example.text, expect_pass=False,
                                  caught_by=example.caught_by)

    def texts_to_embed(self) -> list[str]:
        """Texts the part's matchers will embed for this example."""
        return [t for c in self.part.concepts for t in c.matcher.texts_to_embed(self.text)]

    def runtest(self) -> None:
        from .run import RUN_KEY

        self.config.stash[RUN_KEY].prefetch_embeddings(self.session.items)
        problem = misgrading(self.part, self.name, self.text, expect_pass=self.expect_pass, caught_by=self.caught_by)
        if problem:
            raise ExampleMisgraded(problem)

    def reportinfo(self):
        # Not a suffix of the node id, so pytest shows it as is instead of turning "." into "::".
        return self.path, None, f"{self.part.id} {self.name}"

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ExampleMisgraded):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)
