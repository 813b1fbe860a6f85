"""Conversations: which turn answered which parts, what each turn asked, and each part's answer text.

A cassette holds one conversation per (model, question). Its metadata lists the
parts each turn answers; the user messages themselves are rebuilt from the case
file on every replay (see :func:`user_message`), so a prompt edited since
recording produces a different request and is caught instead of silently
replaying a stale answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from .case import Part, Question
from .providers import Message, Reply


@dataclass(frozen=True)
class TurnPlan:
    """One turn as the cassette metadata records it: the parts it answers and an optional literal prompt.

    ``prompt`` is set only for a follow-up whose wording the case cannot rebuild
    (e.g. an imported chat where the student attached a figure); otherwise the
    message is derived from the case.
    """

    parts: tuple[str, ...]
    prompt: str | None = None


@dataclass(frozen=True)
class PartAnswer:
    """The text a part is graded on: the latest turn that answers it, cut to the part's section."""

    part_id: str
    text: str
    turn: int
    section: str | None
    note: str = ""


def _labels(parts: list[Part]) -> str:
    return ", ".join(f"({p.label})" if p.label else p.id for p in parts)


def user_message(question: Question, plan: TurnPlan, index: int) -> str:
    """The user message for turn ``index`` of a conversation, rebuilt from the case.

    The first turn that answers every part without a prompt of its own is the
    question prompt itself. A part with its own ``prompt`` (a follow-up question)
    is asked with that text. Otherwise the turn asks for its parts by label.
    """
    if plan.prompt is not None:
        return plan.prompt
    asked = [question.part(pid) for pid in plan.parts]
    own = [p for p in asked if p.prompt]
    if own and len(own) == len(asked) and index > 0:
        return "\n\n".join(p.prompt for p in own)
    main = [p for p in question.parts if not p.prompt]
    if index == 0:
        if all(p in asked for p in main):
            return question.prompt
        return f"{question.prompt}\n\nAnswer only part(s) {_labels(asked)} for now."
    return f"Now answer part(s) {_labels(asked)}."


def messages_for_turn(question: Question, plans: list[TurnPlan], replies: list[Reply], index: int) -> list[Message]:
    """The full message list sent for turn ``index``: the history so far plus this turn's question."""
    messages: list[Message] = []
    for i in range(index):
        messages.append(Message("user", user_message(question, plans[i], i)))
        messages.append(Message("assistant", replies[i].text))
    messages.append(Message("user", user_message(question, plans[index], index)))
    return messages


def answer_for_part(question: Question, plans: list[TurnPlan], replies: list[Reply], part_id: str) -> PartAnswer | None:
    """The answer a part is graded on, or None if no turn answers it.

    The latest turn that answers the part wins (a re-answer after a figure was
    shown replaces the first try). When that turn answers several parts, only the
    part's own section is graded, so text written for another part cannot count.
    Visible reasoning is never graded.
    """
    part = question.part(part_id)
    for index in range(len(plans) - 1, -1, -1):
        if part_id not in plans[index].parts:
            continue
        text = replies[index].text
        if len(plans[index].parts) == 1 or not part.label:
            return PartAnswer(part_id, text, index + 1, None)
        from .sections import find_section

        # The turn's other labels let a reply that numbers its sections ("Part 1:", "Part 2:")
        # instead of lettering them be cut by position.
        turn_labels = [question.part(pid).label for pid in plans[index].parts]
        section = find_section(text, part.label, labels=[label for label in turn_labels if label])
        if section is not None:
            return PartAnswer(part_id, section.text, index + 1, section.heading or f"({part.label})")
        return PartAnswer(
            part_id, text, index + 1, None,
            note=f"no section labelled ({part.label}) was found, so the whole turn was graded",
        )
    return None
