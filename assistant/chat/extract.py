"""Facts a clinician states about a patient in a chat message, read deterministically.

``extract_facts(message, today)`` returns the stated facts as ``PatientFacts`` (``source="message"``)
and one ``Mention`` per fact: the exact text it came from and how it is shown back ("platelets
90,000 /mm3 (from '90k')"). It reads age, sex, labs with their units, ECOG/Karnofsky/NYHA,
tumour size, mitotic count, and conditions, medications and procedures stated present or absent,
with dates and doses. It is conservative: a number with no analyte, a bound ("> 100k"), a range,
a hedge ("possible brain mets"), a question about people in general ("can pregnant women
enroll?"), or two values that disagree are not facts; ``notes`` says what was left out and why.
"""

from __future__ import annotations

import datetime as dt
import re

from assistant.chat import lexicon as lx
from assistant.chat.model import ExtractedFacts, Mention, MentionKind
from assistant.chat.phrases import read_phrases
from assistant.chat.quantities import Candidate, find_quantities, orphan_values
from assistant.chat.scope import Scopes, any_of, rx
from assistant.chat.timing import find_times
from assistant.errors import UnitError
from assistant.patient.concepts import load_concepts
from assistant.patient.facts import Condition, Conflict, Medication, Observation, PatientFacts, Procedure, Sex
from assistant.patient.units import is_uln, to_canonical

__all__ = ["ExtractedFacts", "Mention", "extract_facts"]


def _age(message: str, scopes: Scopes) -> tuple[list[Mention], list[str], Mention | None]:
    mentions: list[Mention] = []
    notes: list[str] = []
    letter_sex: Mention | None = None
    not_after = rx(lx.AGE_NOT_AFTER)
    for pattern in lx.AGE_PATTERNS:
        for match in rx(pattern).finditer(message):
            start, end = match.start(), match.end()
            text = message[start:end]
            if any(m.start < end and start < m.end for m in mentions):
                continue
            if not_after.search(message, max(0, start - 20), start) or scopes.is_generic(start, end):
                notes.append(f"'{text}': an age limit or about patients in general, not this patient's age")
                continue
            age = int(match.group("age"))
            if not lx.AGE_MIN < age <= lx.AGE_MAX:
                continue
            letter = match.groupdict().get("sexletter")
            if letter:
                sex = "female" if letter == "F" else "male"
                letter_sex = Mention(
                    "sex", "sex", match.start("sexletter"), match.end("sexletter"), letter, f"sex {sex} (from '{text}')"
                )
            mentions.append(Mention("age", "age", start, end, text, f"age {age} years (from '{text}')"))
    return mentions, notes, letter_sex


def _sex(message: str, scopes: Scopes, letter_sex: Mention | None) -> tuple[list[Mention], list[str]]:
    first: dict[str, Mention] = {}
    for sex, words in lx.SEX_WORDS.items():
        for match in rx(r"(?<![\w])" + any_of(words) + r"(?![\w])").finditer(message):
            if scopes.is_generic(match.start(), match.end()):
                continue
            first.setdefault(
                sex,
                Mention(
                    "sex", "sex", match.start(), match.end(), match.group(0), f"sex {sex} (from '{match.group(0)}')"
                ),
            )
            break
    if letter_sex is not None:
        first.setdefault(letter_sex.rendering.split()[1], letter_sex)
    if len(first) > 1:
        return [], ["both female and male words are used; sex not taken from this message"]
    return list(first.values()), []


def _resolve(candidates: list[Candidate]) -> list[Candidate]:
    """Drop values whose text overlaps a value read with higher priority (or earlier)."""
    kept: list[Candidate] = []
    for cand in sorted(candidates, key=lambda c: (c.priority, c.mention.start)):
        m = cand.mention
        clash = any(
            k.mention.start < m.end and m.start < k.mention.end and (k.mention.start, k.mention.end) != (m.start, m.end)
            for k in kept
        )
        same = any((k.mention.start, k.mention.end, k.mention.concept) == (m.start, m.end, m.concept) for k in kept)
        if not clash and not same:
            kept.append(cand)
    return kept


def _fact_key(mention: Mention) -> tuple[object, ...]:
    fact = mention.fact
    if isinstance(fact, Observation):
        return (fact.value, fact.unit, fact.flag)
    if isinstance(fact, Condition | Procedure):
        return (fact.present,)
    if isinstance(fact, Medication):
        return (fact.present,)
    return ()


def _one_per_concept(mentions: list[Mention], conflicts: list[Conflict]) -> list[Mention]:
    """Keep one mention per concept; when two disagree (a repeat, a correction), keep neither and
    record the conflict, so no criterion is decided on either value or on an older one."""
    by_concept: dict[tuple[MentionKind, str], list[Mention]] = {}
    for mention in mentions:
        by_concept.setdefault((mention.kind, mention.concept), []).append(mention)
    kept: list[Mention] = []
    for (kind, concept), group in by_concept.items():
        if len({_fact_key(m) for m in group}) > 1:
            values = tuple(m.text for m in sorted(group, key=lambda m: m.start))
            conflicts.append(
                Conflict(
                    concept=concept,
                    kind=kind,
                    values=values,
                    reason="stated more than once with different values",
                    source="message",
                )
            )
            continue
        best = max(group, key=lambda m: m.end - m.start)
        kept.append(best)
    return sorted(kept, key=lambda m: (m.start, m.concept))


def _usable(mentions: list[Mention], conflicts: list[Conflict]) -> list[Mention]:
    """The mentions whose values can be used; a quantity with no unit, or one that cannot be
    converted to its concept's unit, becomes a conflict naming the problem (the stated value is
    not used, and neither is an older value of the same concept in its place)."""
    concepts = load_concepts()
    kept: list[Mention] = []
    for mention in mentions:
        fact = mention.fact
        if isinstance(fact, Observation) and fact.value is not None and not is_uln(fact.unit):
            concept = concepts.concepts.get(fact.concept)
            if concept is not None and concept.value == "quantity":
                try:
                    to_canonical(fact.value, fact.unit, concept, "unit")
                except UnitError as exc:
                    problem = str(exc).removeprefix("unit: ")
                    conflicts.append(
                        Conflict(
                            concept=fact.concept,
                            kind="observation",
                            values=(mention.text,),
                            reason=problem,
                            source="message",
                        )
                    )
                    continue
        kept.append(mention)
    return kept


_NOT_A_VALUE = re.compile(
    r"(?:range|normal|ref(?:erence)?|uln|limit|between|from|[<>≤≥]|[-–]|\bto|\bor)\W*$", re.IGNORECASE
)


def _orphans(message: str, mentions: list[Mention], conflicts: list[Conflict], notes: list[str]) -> list[Mention]:
    """A value with a lab unit that no analyte claims ("platelets 200,000/mm3 – correction: 80,000/mm3",
    "…; the lab corrected it to 200,000/mm3"). It belongs to a value of a compatible unit read in the
    same sentence, else to the only such value of the message: then both are in conflict and neither
    is used. Otherwise it is listed as not understood. Bounds and reference ranges are not values."""
    concepts = load_concepts()
    taken = [(m.start, m.end) for m in mentions]
    dropped: set[int] = set()
    for start, end, value, unit in orphan_values(message, taken):
        if _NOT_A_VALUE.search(message, max(0, start - 24), start):
            continue
        sentence_start = max(message.rfind(stop, 0, start) for stop in ".?!\n") + 1
        compatible: list[tuple[int, Mention]] = []
        for i, mention in enumerate(mentions):
            fact = mention.fact
            concept = concepts.concepts.get(fact.concept) if isinstance(fact, Observation) else None
            if concept is None or concept.value != "quantity" or mention.start > start:
                continue
            try:
                to_canonical(value, unit, concept, "unit")
            except UnitError:
                continue
            compatible.append((i, mention))
        near = [c for c in compatible if c[1].start >= sentence_start]
        owners = near[-1:] or (compatible if len({m.concept for _, m in compatible}) == 1 else [])
        if not owners:
            notes.append(f"'{message[start:end]}': a value with no analyte named; not understood")
            continue
        i, mention = owners[-1]
        dropped.update(j for j, m in compatible if m.concept == mention.concept)
        conflicts.append(
            Conflict(
                concept=mention.concept,
                kind="observation",
                values=(mention.text, message[start:end]),
                reason="a second value is stated (a repeat or a correction?)",
                source="message",
            )
        )
    return [m for i, m in enumerate(mentions) if i not in dropped]


def refers_to_patient(message: str) -> bool:
    """True when the message points at one patient ("my patient", "she", "Mrs K")."""
    return bool(rx(any_of(lx.PATIENT_REFERENCES)).search(message))


def extract_facts(message: str, today: dt.date) -> ExtractedFacts:
    """The facts ``message`` states about its patient, as of ``today`` (for "3 weeks ago")."""
    scopes = Scopes(message)
    notes: list[str] = []
    age_mentions, age_notes, letter_sex = _age(message, scopes)
    sex_mentions, sex_notes = _sex(message, scopes, letter_sex)
    candidates, quantity_notes = find_quantities(message, scopes)
    times = find_times(message, today)
    phrase_mentions, phrase_notes, bare = read_phrases(message, scopes, times, today)
    notes += age_notes + sex_notes + quantity_notes + phrase_notes
    values = [c.mention for c in _resolve(candidates)]
    stated = [m for i, m in enumerate(phrase_mentions) if i not in bare]
    if not (age_mentions or sex_mentions or values or stated or refers_to_patient(message)):
        notes += [f"'{m.text}': named, but not stated of a patient" for m in phrase_mentions]
        phrase_mentions = []
    conflicts: list[Conflict] = []
    mentions = _one_per_concept(age_mentions + values + phrase_mentions, conflicts)
    mentions = _usable(_orphans(message, mentions, conflicts, notes), conflicts)
    return _assemble(mentions + sex_mentions, notes, tuple(conflicts))


def _assemble(mentions: list[Mention], notes: list[str], conflicts: tuple[Conflict, ...] = ()) -> ExtractedFacts:
    age = next((float(m.rendering.split()[1]) for m in mentions if m.kind == "age"), None)
    sex_words = [m.rendering.split()[1] for m in mentions if m.kind == "sex"]
    sex: Sex | None = ("female" if sex_words[0] == "female" else "male") if sex_words else None
    facts = PatientFacts(
        age=age,
        sex=sex,
        observations=tuple(m.fact for m in mentions if isinstance(m.fact, Observation)),
        conditions=tuple(m.fact for m in mentions if isinstance(m.fact, Condition)),
        medications=tuple(m.fact for m in mentions if isinstance(m.fact, Medication)),
        procedures=tuple(m.fact for m in mentions if isinstance(m.fact, Procedure)),
        conflicts=conflicts,
    )
    ordered = sorted(mentions, key=lambda m: (m.start, m.concept))
    return ExtractedFacts(facts=facts, mentions=tuple(ordered), notes=tuple(dict.fromkeys(notes)))


def without(extracted: ExtractedFacts, drop: list[Mention], why: str) -> ExtractedFacts:
    """``extracted`` less the mentions in ``drop``, each noted with ``why``."""
    kept = [m for m in extracted.mentions if m not in drop]
    notes = list(extracted.notes) + [f"'{m.text}': {why}" for m in drop]
    return _assemble(kept, notes, extracted.facts.conflicts)


def split_patients(message: str, boundary: int, today: dt.date) -> ExtractedFacts:
    """The facts of a message that speaks of a second patient from ``boundary`` on ("…; another
    patient: platelets 200,000/mm3"): what comes before is this patient's; each concept stated after
    the boundary is a conflict (which patient does it describe?), never a fact of this patient."""
    first = extract_facts(message[:boundary], today)
    second = extract_facts(" " * boundary + message[boundary:], today)
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
    return _assemble(kept, notes, tuple(conflicts))


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
    lines = ["Facts read from your message:"] + [f"- {m.rendering}" for m in extracted.mentions]
    unused = [c.describe() for c in extracted.facts.conflicts] + list(extracted.notes)
    if unused:
        lines += ["Not used:"] + [f"- {note}" for note in unused]
    return "\n".join(lines)
