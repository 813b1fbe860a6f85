"""Properties of find_section(): any answer and label give a section or None quickly; a section
is always an exact slice of the answer that starts at a line start."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pytest_hwcheck.sections import find_section, split_sections

LIMIT_S = 10.0
SLOW = settings(deadline=None, max_examples=100, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.data_too_large])
HUGE = settings(deadline=None, max_examples=3, suppress_health_check=list(HealthCheck))

LABELS = ["a", "c", "(c)", "3c", "Q3(c)", "d.ii", "ii", "2", "i"]
PIECES = ["\n", "(a) ", "(b) ", "(c) ", "(d) ", "Part (c): ", "## ", "### Part (d)i", "**c)** ", "- ", "i. ", "ii. ",
          "Q3(c) ", "Question 3\n", "2. ", "as in (c)", "```\n", "text ", "β = 10^-6", "**", "$", "  "]
text_strategy = st.text(max_size=2000) | st.lists(st.sampled_from(PIECES), max_size=200).map("".join)


def _check(answer: str, label: str) -> None:
    start = time.monotonic()
    section = find_section(answer, label)
    assert time.monotonic() - start < LIMIT_S
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


@HUGE
@given(st.sampled_from([
    "## Part (c)\n" + "The answer is here. " * 50_000,
    "(a) x\n" * 150_000,
    "- (c) bullet\n" * 80_000,
]))
def test_find_section_on_a_one_megabyte_answer_is_fast(answer):
    for label in ("c", "3c", "d.ii", "2"):
        _check(answer, label)
