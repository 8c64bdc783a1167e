"""``read_note``: a free-text clinical note (history and physical, clinic letter) → patient facts.

Markup comments and passages about another patient are blanked (offsets kept) before the note is
parsed; every fact keeps the verbatim words it came from; what cannot be used is named in
``notes`` and the rest of the reading stands.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections import Counter
from dataclasses import replace

from spacy.tokens import Doc

from assistant.errors import PatientDataError
from assistant.patient.facts import Conflict, Medication, Observation, PatientFacts, Plan, Procedure
from assistant.patient.note.dates import find_dates
from assistant.patient.note.demographics import Found, ages, obstetric, sexes
from assistant.patient.note.derived import derived_bmi, derived_not_pregnant
from assistant.patient.note.mentions import ONLY_DENIALS, read_mention
from assistant.patient.note.normal import read_normal
from assistant.patient.note.orphans import find_second_values
from assistant.patient.note.panel_values import read_panel_multiples
from assistant.patient.note.pipeline import note_pipeline
from assistant.patient.note.plans import read_none_planned
from assistant.patient.note.reading import Reading, UsedSpans
from assistant.patient.note.spans import sentence
from assistant.patient.note.types import NoteContext, NoteMention, NoteReading
from assistant.patient.note.values import count_before, looks_like_unit, values_in
from assistant.patient.units import format_number

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>")
"""Markup tags ("<system>", "</message>"): not words of the note, and not a language."""
_OTHER_PERSON = re.compile(
    r"(?im)^[ \t]*(?:another|second|other|different|unrelated)\s+patient\b.*?(?=\n[ \t]*\n|\Z)", re.DOTALL
)
_PROSE_WORD = re.compile(r"(?<![\w/])(?=[^\W\d_]*[^\W\d_A-Z])[^\W\d_]{4,}(?![\w/])")
"""A word of prose: four letters or more, not all capitals, not part of a unit ("mg/dL") or a code. The
language is asked only of a note with six such words, four of them beyond the vocabulary's terms: a list
of abbreviated labs ("Cr 1.4 mg/dl, ULN 1.1") is in no language, and on a line of terms ("Small cell lung
cancer, extensive stage") the detector names another."""


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def _check_input(text: str) -> None:
    from assistant.settings import get_settings

    limit = get_settings().note_max_chars
    if not text.strip():
        raise PatientDataError("note: the note is empty; nothing to read")
    if len(text) > limit:
        raise PatientDataError(
            f"note: {len(text):,} characters is longer than the limit of {limit:,} (setting PA_NOTE_MAX_CHARS)"
        )


def _language(text: str) -> tuple[str, float]:
    """The most likely language of ``text`` and its probability (langdetect, seeded: deterministic)."""
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        best = detect_langs(text)[0]
    except LangDetectException:
        return "unknown", 0.0
    return str(best.lang), float(best.prob)


def read_note(text: str, today: dt.date, *, source: str = "note", question: bool = False) -> NoteReading:
    """The patient facts a clinical note states about its patient, each with the words it came from.
    ``question``: the text is a clinician's chat message (a bound in it is a threshold, not a result)."""
    _check_input(text)
    clean = _blank(_blank(text, _COMMENT), _TAG)
    if not question:  # in a chat message "Another patient: …" starts a new patient, which the chat handles
        clean = _blank(clean, _OTHER_PERSON)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"\[W036\]")  # medspaCy's empty regex matcher, every call
        nlp = note_pipeline()
        nlp.max_length = max(nlp.max_length, len(clean) + 2)  # the note's limit is the setting's, not spaCy's
        doc = nlp(clean + "\n")  # a rule that looks one token past a word ("HIV negative") sees an end
    pieces, last = [], 0
    for ent in doc.ents:  # the vocabulary's own words are English whatever the detector makes of them
        pieces.append(clean[last : ent.start_char])
        last = ent.end_char
    pieces.append(clean[last:])
    if len(_PROSE_WORD.findall(clean)) >= 6 and len(_PROSE_WORD.findall(" ".join(pieces))) >= 4:
        language, probability = _language(clean)
        if language != "en" and probability >= 0.9:  # read nothing rather than guess at a few shared words
            note = f"nothing was read: the note is not in English (detected language {language!r}, p={probability:.2f})"
            return NoteReading(PatientFacts(), (), (note,), ())
    reading = Reading(text=text, today=today, source=source, age=None, question=question)
    age, conflicts = _age(doc, reading)
    reading.age = age
    ents = [  # "5 mg": a unit, not a lab; but "12 mitoses per 50 HPF" is a count before its name
        e
        for e in doc.ents
        if not (e.start > 0 and doc[e.start - 1].like_num)
        or (
            e.label_ == "OBSERVATION"
            and not looks_like_unit(e.text)
            and count_before(clean, e.start_char, e.end_char, sentence(e).start_char) is not None
        )
    ]
    for i, ent in enumerate(ents):
        if reading.used_spans.covers(ent.start_char):
            continue
        nxt = (
            ents[i + 1].start_char
            if i + 1 < len(ents) and sentence(ents[i + 1]) == sentence(ent)
            else sentence(ent).end_char
        )
        read_mention(ent, nxt, reading)
        read_none_planned(ent, nxt, reading)
    read_normal(doc, reading)
    read_panel_multiples(doc, reading)
    sex, sex_conflict = _sex(doc, reading)
    conflicts += sex_conflict
    _obstetric(doc, reading)
    if question:  # a note's other numbers ("resected with 2 cm margins") name other things more often
        find_second_values(clean, reading)
    observations, obs_conflicts = _series(reading)
    observations += derived_bmi(reading, observations)
    from assistant.settings import get_settings

    derived_not_pregnant(reading, observations, get_settings().note_pregnancy_test_days)
    conflicts += obs_conflicts
    conflicts += _unusable_values(reading, {c.concept for c in conflicts})
    conflicts += _mentioned_beside_a_denial(reading)
    _unread_values(clean, reading)
    if not reading.mentions:
        reading.notes.append("nothing was read: no age, sex or vocabulary term was found in the note")
    facts = PatientFacts(
        age=age,
        sex=sex,  # type: ignore[arg-type]
        observations=observations,
        conditions=tuple(m.fact for m in reading.mentions if m.kind == "condition" and m.fact is not None),  # type: ignore[misc]
        medications=tuple(m.fact for m in reading.mentions if isinstance(m.fact, Medication)),
        procedures=tuple(m.fact for m in reading.mentions if isinstance(m.fact, Procedure)),
        plans=tuple(m.fact for m in reading.mentions if isinstance(m.fact, Plan)),
        conflicts=tuple(conflicts),
    )
    mentions = tuple(sorted(reading.mentions, key=lambda m: (m.start, m.end)))
    return NoteReading(facts, mentions, tuple(reading.notes), tuple(dict.fromkeys(reading.not_understood)))


def _mentioned_beside_a_denial(reading: Reading) -> list[Conflict]:
    """A concept read only from its denials (``denials_only``) that the note also mentions without denying it
    ("She is in another clinical trial; no other research studies"): neither is used, and the conflict says
    both."""
    shown = [m for m in reading.mentions if m.fact is None and m.rendering.endswith(ONLY_DENIALS)]
    found: list[Conflict] = []
    for concept in dict.fromkeys(m.concept for m in shown):
        denials = [m for m in reading.mentions if m.concept == concept and m.fact is not None]
        if not denials:
            continue
        for denial in denials:
            reading.mentions[_index_of(reading, denial)] = replace(denial, fact=None)
        words = tuple(m.text for m in sorted([*shown, *denials], key=lambda m: m.start) if m.concept == concept)
        found.append(
            Conflict(
                concept=concept,
                kind="condition",
                values=words,
                reason="mentioned without a denial beside a denial",
                source=reading.source,
            )
        )
    return found


def _mention(reading: Reading, kind: str, concept: str, found: Found, rendering: str) -> None:
    reading.mentions.append(
        NoteMention(
            kind=kind,  # type: ignore[arg-type]
            concept=concept,
            start=found.start,
            end=found.end,
            text=reading.text[found.start : found.end],
            rendering=rendering,
            fact=None,
            context=NoteContext(historical=kind == "obstetric"),
        )
    )
    reading.used_spans.append((found.start, found.end))


def _age(doc: Doc, reading: Reading) -> tuple[float | None, list[Conflict]]:
    found = ages(doc)
    for f in found:
        _mention(reading, "age", "age", f, f"age {f.value} (from '{reading.text[f.start : f.end]}')")
    distinct = list(dict.fromkeys(f.value for f in found))
    if len(distinct) > 1:
        stated = tuple(reading.text[f.start : f.end] for f in found)
        reading.notes.append(f"ages {', '.join(distinct)} stated; age not used")
        return None, [
            Conflict(concept="age", kind="age", values=stated, reason="different ages stated", source=reading.source)
        ]
    return (float(distinct[0]) if distinct else None), []


def _sex(doc: Doc, reading: Reading) -> tuple[str | None, list[Conflict]]:
    found = sexes(doc)
    counts = Counter(f.value for f in found)
    if not counts:
        return None, []
    (top, n), *rest = counts.most_common()
    first = next(f for f in found if f.value == top)
    if rest and not n >= 3 * rest[0][1]:
        stated = tuple(dict.fromkeys(reading.text[f.start : f.end] for f in found))
        reading.notes.append(f"the note calls the patient both {top} and {rest[0][0]}; sex not used")
        return None, [
            Conflict(concept="sex", kind="sex", values=stated, reason="both sexes stated", source=reading.source)
        ]
    _mention(reading, "sex", "sex", first, f"sex {top} (from '{reading.text[first.start : first.end]}')")
    return top, []


def _obstetric(doc: Doc, reading: Reading) -> None:
    for f in obstetric(doc):
        _mention(reading, "obstetric", "obstetric_history", f, f"obstetric history {f.value}: not a current pregnancy")


def _series(reading: Reading) -> tuple[tuple[Observation, ...], list[Conflict]]:
    """Observations kept; undated different values of one concept become a conflict, a dated series stands."""
    by_concept: dict[str, list[NoteMention]] = {}
    for mention in reading.mentions:
        if isinstance(mention.fact, Observation):
            by_concept.setdefault(mention.fact.concept, []).append(mention)
    kept: list[Observation] = []
    conflicts: list[Conflict] = []
    for concept, mentions in by_concept.items():
        facts = [m.fact for m in mentions if isinstance(m.fact, Observation)]
        undated = {(f.value, f.comparator, f.flag) for f in facts if f.date is None}
        dates = [f.date for f in facts if f.date is not None]
        clash = (
            len(undated) > 1
            or len(dates) != len(set(dates))
            and len({(f.date, f.value, f.comparator) for f in facts}) > len(set(dates))
        )
        seconds = tuple(reading.second_values.get(concept, ()))
        if clash or seconds:
            reason = "different values stated" if clash else "a second value stated: a repeat or a correction?"
            stated = tuple(_stated_value(reading, m) for m in mentions) + seconds
            conflicts.append(
                Conflict(
                    concept=concept,
                    kind="observation",
                    values=stated,
                    reason=reason,
                    source=reading.source,
                )
            )
            reading.notes.append(f"{concept.replace('_', ' ')}: {reason} ({'; '.join(stated)}); none used")
            for m in mentions:
                unused = replace(m, fact=None, rendering=f"{m.rendering}: not used: conflicting values")
                reading.mentions[_index_of(reading, m)] = unused
        else:
            kept.extend(dict.fromkeys(facts))
    return tuple(kept), conflicts


def _unusable_values(reading: Reading, taken: set[str]) -> list[Conflict]:
    """One conflict per concept with a value stated that cannot be used, unless it is in conflict already."""
    by_concept: dict[str, list[tuple[str, str]]] = {}
    for concept, words, why in reading.unusable:
        if concept not in taken:
            by_concept.setdefault(concept, []).append((words, why))
    return [
        Conflict(
            concept=concept,
            kind="observation",
            values=tuple(w for w, _ in stated),
            reason="; ".join(dict.fromkeys(why for _, why in stated)),
            source=reading.source,
        )
        for concept, stated in by_concept.items()
    ]


def _index_of(reading: Reading, mention: NoteMention) -> int:
    """Where ``mention`` itself (not an equal one) stands among the reading's mentions."""
    return next(i for i, m in enumerate(reading.mentions) if m is mention)


def _stated_value(reading: Reading, mention: NoteMention) -> str:
    for m, value, _ in reading.series:
        if m is mention:  # the words with the test's name ("platelets 80k"), unless they hold another number
            at = m.text.rfind(value.text)
            named = at >= 0 and at <= 40 and not any(c.isdigit() for c in m.text[:at])
            return m.text if named else value.text
    fact = mention.fact
    assert isinstance(fact, Observation)
    return format_number(fact.value) if fact.value is not None else str(fact.flag)


def _unread_values(clean: str, reading: Reading) -> None:
    """Numbers with a unit that no read fact covers: listed as not understood."""
    dated = UsedSpans((d.start, d.end) for d in find_dates(clean, reading.today, reading.age))
    for value in values_in(clean, 0, len(clean)):
        if value.unit is None or not looks_like_unit(value.unit):
            continue
        if reading.used_spans.covers(value.start) or dated.covers(value.start):
            continue
        line_start = clean.rfind("\n", 0, value.start) + 1
        lead = clean[max(line_start, value.start - 30) : value.start]
        lead = lead.split(".")[-1].split(":")[-1].split(";")[-1]
        lead = lead if value.start - 30 <= line_start else lead.partition(" ")[2]
        words = (lead + value.text).strip()
        if not any(words in note for note in reading.notes):
            reading.not_understood.append(words)
