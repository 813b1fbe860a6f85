"""Properties of find_section(): any answer and label give a section or None; a section is always an exact slice of the answer that starts at a line start."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from _properties import SLOW

from pytest_hwcheck.sections import find_section, split_sections

LABELS = ["a", "c", "(c)", "3c", "Q3(c)", "d.ii", "ii", "2", "i"]
PIECES = ["\n", "(a) ", "(b) ", "(c) ", "(d) ", "Part (c): ", "## ", "### Part (d)i", "**c)** ", "- ", "i. ", "ii. ",
          "Q3(c) ", "Question 3\n", "2. ", "as in (c)", "```\n", "text ", "β = 10^-6", "**", "$", "  "]
text_strategy = st.text(max_size=2000) | st.lists(st.sampled_from(PIECES), max_size=200).map("".join)


def _check(answer: str, label: str) -> None:
    section = find_section(answer, label)
    if section is not None:
        assert 0 <= section.start <= section.end <= len(answer)
        assert answer[section.start:section.end] == section.text
        assert section.start == 0 or answer[section.start - 1] == "\n"
        assert section.heading and section.heading in section.text


@SLOW
@given(text_strategy, st.sampled_from(LABELS))
@example("(c)" * 100_000, "c")
@example("\n" * 200_000 + "(c) x", "c")
@example("a" * 100_000 + "!", "c")
def test_find_section_returns_a_slice_of_the_answer_or_none(answer, label):
    _check(answer, label)


@SLOW
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="()\n"),
                        min_size=1, max_size=80), min_size=4, max_size=4))
def test_parts_written_as_headings_are_always_found(bodies):
    answer = "".join(f"## Part ({label})\nText: {body}\n" for label, body in zip("abcd", bodies))
    sections = split_sections(answer, "abcd")
    assert list(sections) == list("abcd")
    for label, body in zip("abcd", bodies):
        assert sections[label].text.startswith(f"## Part ({label})")
        assert body.strip() in sections[label].text


# Scaled down: benchmarks/matcher_bounds.py times find_section on the 1 MB versions.
LONG = {
    "one-long-part": "## Part (c)\n" + "The answer is here. " * 2_500,
    "many-items": "(a) x\n" * 7_500,
    "many-bullets": "- (c) bullet\n" * 4_000,
}


@pytest.mark.parametrize("answer", LONG.values(), ids=LONG.keys())
def test_find_section_on_a_long_answer_returns_a_slice_or_none(answer):
    for label in ("c", "3c", "d.ii", "2"):
        _check(answer, label)
