"""Procedures and treatments a note says are planned, scheduled or booked ("booked for an elective caesarean
section tomorrow", "surgery planned next month", "no surgery planned"): not given yet, so never a record of
one given; a fact of their own (``Plan``) that a criterion on planned care reads."""

from __future__ import annotations

import re

from spacy.tokens import Span

from assistant.patient.facts import Plan
from assistant.patient.note.dates import StatedDate
from assistant.patient.note.pipeline import term_of
from assistant.patient.note.reading import Reading, add_mention
from assistant.patient.note.scope import context_of
from assistant.patient.note.types import NoteContext


def is_planned(ent: Span, ctx: NoteContext) -> bool:
    """True when a procedure's or drug's only hypothetical words are words of planning (ConText rules marked
    ``plan`` in ``context.json``: "planned", "scheduled for", "booked", "awaiting"), and nothing else keeps it
    from being the patient's (a relative's, uncertain, about people in general). "Consider surgery" or "if the
    pain recurs, surgery" is no plan."""
    if ent.label_ not in ("PROCEDURE", "MEDICATION") or ctx.family or ctx.uncertain or ctx.generic:
        return False
    hypothetical = [m for m in ent._.modifiers if m.category == "HYPOTHETICAL"]
    return bool(hypothetical) and all((m.rule.metadata or {}).get("plan") for m in hypothetical)


def read_plan(
    ent: Span, reading: Reading, base: dict[str, object], ctx: NoteContext, stated: StatedDate | None
) -> None:
    """Record the plan ``ent`` names (or that none is planned, when denied), dated when the note says for when
    ("tomorrow", "on 26 June"); a day already past is not kept as the plan's day."""
    words = reading.text[ent.start_char : ent.end_char]
    day = stated.date if stated is not None and stated.date >= reading.today else None
    plan = Plan(concept=str(base["concept"]), planned=not ctx.negated, date=day, source=reading.source)
    when = f" (for {stated.text} → {day.isoformat()})" if stated is not None and day is not None else ""
    shown = f"{words}: none planned" if ctx.negated else f"{words}: planned, not yet given{when}"
    add_mention(reading, base, ent.start_char, ent.end_char, shown, plan)


_NONE_PLANNED = re.compile(
    r"(?:[,;]\s*|\s+)(?:and\s+|but\s+)?"
    r"(?P<words>(?:none|no\s+more)\s+(?:is\s+|are\s+)?(?:planned|scheduled|booked|anticipated))\b",
    re.IGNORECASE,
)
"""Words after a procedure or drug that say none is planned ("…, and none planned", "; none scheduled")."""


def read_none_planned(ent: Span, limit: int, reading: Reading) -> None:
    """A plan denied by words after a procedure or drug, before the next term of its sentence (``limit``) and
    within its line: "No surgery in the last year and none planned", "Appendectomy 2015; none planned"."""
    if ent.label_ not in ("PROCEDURE", "MEDICATION"):
        return
    text = reading.text
    gap = re.split(r"[.\n]", text[ent.end_char : limit], maxsplit=1)[0]
    found = _NONE_PLANNED.search(gap)
    if found is None:
        return
    term = term_of(ent)
    base = {
        "kind": term.kind,
        "concept": term.concept,
        "context": context_of(ent),
        "code": term.code,
        "system": term.system,
    }
    start, end = ent.end_char + found.start("words"), ent.end_char + found.end("words")
    plan = Plan(concept=term.concept, planned=False, source=reading.source)
    add_mention(reading, base, start, end, f"{text[start:end]}: no {ent.text} planned", plan)
