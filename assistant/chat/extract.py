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

from assistant.chat import lexicon as lx
from assistant.chat.model import ExtractedFacts, Mention
from assistant.chat.phrases import read_phrases
from assistant.chat.quantities import Candidate, find_quantities
from assistant.chat.scope import Scopes, any_of, rx
from assistant.chat.timing import find_times
from assistant.patient.facts import Condition, Medication, Observation, PatientFacts, Procedure, Sex

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


def _one_per_concept(mentions: list[Mention], notes: list[str]) -> list[Mention]:
    """Keep one mention per concept; when two disagree, keep neither (and say so)."""
    by_concept: dict[tuple[str, str], list[Mention]] = {}
    for mention in mentions:
        by_concept.setdefault((mention.kind, mention.concept), []).append(mention)
    kept: list[Mention] = []
    for (_, concept), group in by_concept.items():
        if len({_fact_key(m) for m in group}) > 1:
            stated = "; ".join(f"'{m.text}'" for m in group)
            notes.append(
                f"{concept.replace('_', ' ')} is stated more than once with different values ({stated}); not used"
            )
            continue
        best = max(group, key=lambda m: m.end - m.start)
        kept.append(best)
    return sorted(kept, key=lambda m: (m.start, m.concept))


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
    mentions = _one_per_concept(age_mentions + values + phrase_mentions, notes)

    return _assemble(mentions + sex_mentions, notes)


def _assemble(mentions: list[Mention], notes: list[str]) -> ExtractedFacts:
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
    )
    ordered = sorted(mentions, key=lambda m: (m.start, m.concept))
    return ExtractedFacts(facts=facts, mentions=tuple(ordered), notes=tuple(dict.fromkeys(notes)))


def without(extracted: ExtractedFacts, drop: list[Mention], why: str) -> ExtractedFacts:
    """``extracted`` less the mentions in ``drop``, each noted with ``why``."""
    kept = [m for m in extracted.mentions if m not in drop]
    notes = list(extracted.notes) + [f"'{m.text}': {why}" for m in drop]
    return _assemble(kept, notes)


def describe(extracted: ExtractedFacts) -> str:
    """The facts read, one per line, as shown back before any verdict."""
    if extracted.empty:
        return "No patient facts were read from the message."
    lines = ["Facts read from your message:"] + [f"- {m.rendering}" for m in extracted.mentions]
    if extracted.notes:
        lines += ["Not used:"] + [f"- {note}" for note in extracted.notes]
    return "\n".join(lines)
