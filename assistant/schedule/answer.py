"""A schedule as a cited answer: dates when dates were given, the relative windows otherwise."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.schedule.compute import ComputedSchedule
from assistant.types import Answer, Statement


def schedule_answer(question: str, computed: ComputedSchedule, step_ids: Sequence[str] | None = None) -> Answer:
    """An answer with one cited statement per step asked about (every step when ``step_ids`` is None).

    Each statement gives the step's dates when the given dates determine them, otherwise its window
    in words; its citations are the protocol passages the step rests on. Notes on given dates (a
    surgery date outside the planned window) are added to the statement they concern.
    """
    steps = computed.steps if step_ids is None else tuple(computed.step(step_id) for step_id in step_ids)
    statements = []
    for step in steps:
        statement = step.statement()
        if step.notes:
            statement = Statement(
                text=statement.text + " Note: " + "; ".join(step.notes) + ".", citations=statement.citations
            )
        statements.append(statement)
    return Answer(question=question, statements=tuple(statements), abstained=False, protocol_id=computed.protocol_id)
