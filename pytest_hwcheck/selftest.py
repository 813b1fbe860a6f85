"""``--hw-selftest``: does a case's key grade its own examples the way its author says?

For every part: the reference answer and each good example must pass every
concept, and each bad example must fail at least one. A key that fails its own
reference answer, or that lets a wrong answer through, is a bug in the key.
"""

from __future__ import annotations

from typing import Any

import pytest

from .case import Part, Question
from .verdict import shorten


class ExampleMisgraded(Exception):
    """A case's concepts grade one of its own examples the wrong way."""


class SelfTestItem(pytest.Item):
    """Grades one example answer of a part with all of the part's concepts."""

    def __init__(self, *, part: Part, text: str, expect_pass: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.part = part
        self.text = text
        self.expect_pass = expect_pass
        self.add_marker(pytest.mark.hwcheck)

    @classmethod
    def for_part(cls, parent: pytest.Collector, question: Question, part: Part):
        """Items for the part's reference answer, good examples and bad examples."""
        if part.reference:
            yield cls.from_parent(parent, name="reference", part=part, text=part.reference, expect_pass=True)
        for i, text in enumerate(part.good_examples, 1):
            yield cls.from_parent(parent, name=f"good[{i}]", part=part, text=text, expect_pass=True)
        for i, text in enumerate(part.bad_examples, 1):
            yield cls.from_parent(parent, name=f"bad[{i}]", part=part, text=text, expect_pass=False)

    def texts_to_embed(self) -> list[str]:
        """Texts the part's matchers will embed for this example."""
        return [t for c in self.part.concepts for t in c.matcher.texts_to_embed(self.text)]

    def runtest(self) -> None:
        from .run import RUN_KEY

        self.config.stash[RUN_KEY].prefetch_embeddings(self.session.items)
        verdicts = [(c, c.matcher(self.text)) for c in self.part.concepts]
        failed = [(c, v) for c, v in verdicts if not v.passed]
        if self.expect_pass and failed:
            lines = [f"{self.part.id}: the key rejects its own {self.name} answer; loosen the concept below "
                     "(or fix the example if it is in fact wrong)"]
            for concept, verdict in failed:
                lines.append(f"  concept {concept.id!r} ({concept.matcher!r}): {verdict.summary()}")
            lines.append(f"  answer: {shorten(self.text, 400)!r}")
            raise ExampleMisgraded("\n".join(lines))
        if not self.expect_pass and not failed:
            lines = [f"{self.part.id}: every concept accepts the wrong answer {self.name}; add a concept that rejects it"]
            for concept, verdict in verdicts:
                lines.append(f"  concept {concept.id!r} passed: {verdict.summary()}")
            lines.append(f"  answer: {shorten(self.text, 400)!r}")
            raise ExampleMisgraded("\n".join(lines))

    def reportinfo(self):
        # Not a suffix of the node id, so pytest shows it as is instead of turning "." into "::".
        return self.path, None, f"{self.part.id} {self.name}"

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ExampleMisgraded):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)
