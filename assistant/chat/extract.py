"""Facts a clinician states about a patient in a chat message, read by the clinical-note reader.

``extract_facts(message, today)`` runs ``assistant.patient.note.read_note`` on the message (ConText for
negation, history, hypothetical, family and uncertainty; the vocabulary's terminologies) and keeps what the
chat needs: the facts as ``PatientFacts`` (``source="message"``) and one ``Mention`` per fact used, with the
exact words it came from. A message is a question, not a note: the reader is run in question mode (a bound
is a threshold asked about, "platelets > 100k"; a second value no name claims is a repeat or a correction),
and the chat adds its own rules. A condition, medication or procedure is named, not stated, when the message
states nothing else of a patient (no age, sex, value, no "she", "my patient" …) and no word beside it states
it ("What dose of warfarin is allowed?"), or when the message is one question opened by a question word and
points at no patient ("How long must heart surgery have been?"). An empty message states nothing.
"""

from __future__ import annotations

import datetime as dt
import re

from assistant.chat.model import ExtractedFacts, Mention
from assistant.patient.facts import Conflict, PatientFacts
from assistant.patient.note import read_note
from assistant.patient.note.types import NoteMention

__all__ = ["ExtractedFacts", "Mention", "extract_facts"]

PATIENT_REFERENCES = re.compile(
    "|".join(
        (
            r"\b(?:my|this|our|that)\s+(?:patient|pt|lady|gentleman|woman|man|guy|girl|boy)\b",
            r"\bi\s+(?:have|see|saw|am\s+seeing|'m\s+seeing)\s+(?:a|an)\b",
            r"\b(?:she|he|her|him|his|hers|herself|himself)\b",
            r"(?-i:\b(?:Mr|Mrs|Ms|Miss)\.?\s+[A-Z])",
            r"\bpatient\s+(?:#\s*)?\d+\b",
            r"\bmy\s+pt\b",
        )
    ),
    re.IGNORECASE,
)
"""Words that point at one patient; a bare name ("brain mets") is a fact only next to one."""

_NAMED = ("condition", "medication", "procedure")

STATING_CUES = re.compile(
    r"\b(?:has|had|have|having|with|history\s+of|hx\s+of|h/o|known|diagnosed|developed|suffers?|presents?"
    r"|presented|s/p|underwent|found|shows?|showed|confirmed|proven|on|taking|takes|received|prior"
    r"|previous(?:ly)?|started|stopped|finished|completed|currently|positive|negative|(?:well[- ])?controlled)\b"
    r"|[+]|\(\s*[+-]\s*\)",
    re.IGNORECASE,
)
"""Words beside a name that state it of the patient ("known brain mets", "HIV positive", "on warfarin")
rather than only name it ("What dose of warfarin is allowed?")."""
GENERAL_QUESTION = re.compile(
    r"^\W*(?:how|what|which|when|why|where|who|whose|is|are|was|were|can|could|may|might|must|should|shall|does|do"
    r"|did|will|would|has|have)\b[^?]*\?\W*$",
    re.IGNORECASE,
)
"""A message that is one question opened by a question word ("How long must heart surgery have been?"): the
conditions, medications and procedures it names are what it asks about, unless it points at a patient."""


def refers_to_patient(message: str) -> bool:
    """True when the message points at one patient ("my patient", "she", "Mrs K")."""
    return bool(PATIENT_REFERENCES.search(message))


def _facts_of(mention: NoteMention, facts: PatientFacts) -> bool:
    """Whether the fact of ``mention`` is among ``facts`` (a value in conflict with another is not)."""
    if mention.kind == "age":
        return facts.age is not None
    if mention.kind == "sex":
        return facts.sex is not None
    pool = {
        "observation": facts.observations,
        "condition": facts.conditions,
        "medication": facts.medications,
        "procedure": facts.procedures,
    }.get(mention.kind, ())
    return mention.fact is not None and any(f is mention.fact or f == mention.fact for f in pool)


def _bare(mention: NoteMention, message: str) -> bool:
    """A condition, medication or procedure only named: no negation, history or other context, no date or
    dose, and no stating word beside it."""
    if mention.kind not in _NAMED or mention.context.describe() != "asserted":
        return False
    fact = mention.fact
    details = ("onset", "date", "start", "end", "dose", "abatement")
    if fact is not None and any(getattr(fact, d, None) is not None for d in details):
        return False
    window = message[max(0, mention.start - 30) : min(len(message), mention.end + 10)]
    return not STATING_CUES.search(window)


def _mention(m: NoteMention) -> Mention:
    return Mention(m.concept, m.kind, m.start, m.end, m.text, m.rendering, m.fact)  # type: ignore[arg-type]


def extract_facts(message: str, today: dt.date) -> ExtractedFacts:
    """The facts ``message`` states about its patient, as of ``today`` (for "3 weeks ago")."""
    if not message.strip():
        return ExtractedFacts(facts=PatientFacts(), mentions=(), read=())
    reading = read_note(message, today, source="message", question=True)
    facts = reading.facts
    used = [m for m in reading.mentions if _facts_of(m, facts)]
    in_conflict = [f"'{v}'" for c in facts.conflicts for v in c.values] + [
        f"{c.concept.replace('_', ' ')}: " for c in facts.conflicts
    ]
    notes = [  # a conflict is shown as one; the reader's note on it would say it twice
        n
        for n in reading.notes
        if not n.startswith("nothing was read: no age") and not any(n.startswith(c) for c in in_conflict)
    ]
    notes += [
        f"'{m.text}': {m.rendering.split(' (from ')[0]}; not used" for m in reading.mentions if m.kind == "obstetric"
    ]
    dropped: list[NoteMention] = []
    if not refers_to_patient(message):
        if GENERAL_QUESTION.match(message):  # "How long before transplantation must heart surgery have been?"
            dropped = [m for m in used if m.kind in _NAMED]
            notes += [f"'{m.text}': named in a question, not stated of a patient" for m in dropped]
        elif used and all(_bare(m, message) for m in used):  # "What dose of warfarin is allowed?"
            dropped = list(used)
            notes += [f"'{m.text}': named, but not stated of a patient" for m in dropped]
    kept = [_mention(m) for m in used if m not in dropped]
    read = tuple((m.start, m.end) for m in reading.mentions if m.kind in (*_NAMED, "observation"))
    if dropped:
        return _assemble(facts, kept, notes, facts.conflicts, read)
    mentions = tuple(sorted(kept, key=lambda m: (m.start, m.concept)))
    return ExtractedFacts(facts=facts, mentions=mentions, notes=tuple(dict.fromkeys(notes)), read=read)


def without(extracted: ExtractedFacts, drop: list[Mention], why: str) -> ExtractedFacts:
    """``extracted`` less the mentions in ``drop``, each noted with ``why``."""
    kept = [m for m in extracted.mentions if m not in drop]
    notes = list(extracted.notes) + [f"'{m.text}': {why}" for m in drop]
    return _assemble(extracted.facts, kept, notes, extracted.facts.conflicts, extracted.read)


def split_patients(message: str, boundary: tuple[int, int], today: dt.date) -> ExtractedFacts:
    """The facts of a message that speaks of a second patient from ``boundary`` (the words that say so) on
    ("…; another patient: platelets 200,000/mm3"): what comes before is this patient's; each concept stated
    after the boundary is a conflict (which patient does it describe?), never a fact of this patient."""
    start, end = boundary
    first = extract_facts(message[:start], today)
    second = extract_facts(" " * end + message[end:], today)
    later = [m for m in second.mentions if m.kind not in ("age", "sex")] + [
        m for m in second.mentions if m.kind in ("age", "sex") and any(f.kind == m.kind for f in first.mentions)
    ]
    named = {m.concept for m in later} | {c.concept for c in second.facts.conflicts}
    conflicts = [c for c in first.facts.conflicts if c.concept not in named]
    for concept in dict.fromkeys([m.concept for m in later] + [c.concept for c in second.facts.conflicts]):
        mentions = [m for m in (*first.mentions, *second.mentions) if m.concept == concept]
        values = tuple(m.text for m in mentions) or next(
            c.values for c in second.facts.conflicts if c.concept == concept
        )
        kind = mentions[0].kind if mentions else next(c.kind for c in second.facts.conflicts if c.concept == concept)
        conflicts.append(
            Conflict(
                concept=concept,
                kind=kind,
                values=values,
                reason="stated for this patient and for another one in one message; ask about one patient at a time",
                source="message",
            )
        )
    kept = [m for m in first.mentions if m.concept not in named]
    notes = list(first.notes) + [f"'{m.text}': stated for another patient; not used" for m in second.mentions]
    read = None if first.read is None or second.read is None else first.read + second.read
    return _assemble(first.facts, kept, notes, tuple(conflicts), read)


def _assemble(
    base: PatientFacts,
    mentions: list[Mention],
    notes: list[str],
    conflicts: tuple[Conflict, ...],
    read: tuple[tuple[int, int], ...] | None,
) -> ExtractedFacts:
    """``base`` with only the facts of ``mentions`` kept, and ``conflicts`` in place of its own."""
    kept = [m.fact for m in mentions if m.fact is not None]
    kinds = {m.kind for m in mentions}
    facts = base.model_copy(
        update={
            "age": base.age if "age" in kinds else None,
            "birth_date": base.birth_date if "age" in kinds else None,
            "sex": base.sex if "sex" in kinds else None,
            "observations": tuple(o for o in base.observations if o in kept),
            "conditions": tuple(c for c in base.conditions if c in kept),
            "medications": tuple(m for m in base.medications if m in kept),
            "procedures": tuple(p for p in base.procedures if p in kept),
            "plans": tuple(p for p in base.plans if p in kept),
            "conflicts": conflicts,
        }
    )
    ordered = sorted(mentions, key=lambda m: (m.start, m.concept))
    return ExtractedFacts(facts=facts, mentions=tuple(ordered), notes=tuple(dict.fromkeys(notes)), read=read)


def mask_markup(message: str) -> str:
    """``message`` with markup comments (``<!-- … -->``) blanked out, offsets kept: text a page would
    hide is not patient data. An unclosed ``<!--`` hides nothing (the clinician sees what follows)."""
    out, pos = [], 0
    while True:
        start = message.find("<!--", pos)
        if start < 0:
            out.append(message[pos:])
            return "".join(out)
        end = message.find("-->", start + 4)
        end = start + 4 if end < 0 else end + 3
        out += [message[pos:start], " " * (end - start)]
        pos = end


def describe(extracted: ExtractedFacts) -> str:
    """The facts read, one per line, as shown back before any verdict."""
    if extracted.empty:
        return "No patient facts were read from the message."
    heading = "Facts read from your message:" if extracted.mentions else "No fact of your message could be used."
    lines = [heading] + [f"- {m.rendering}" for m in extracted.mentions]
    unused = [c.describe() for c in extracted.facts.conflicts] + list(extracted.notes)
    if unused:
        lines += ["Not used:"] + [f"- {note}" for note in unused]
    return "\n".join(lines)
