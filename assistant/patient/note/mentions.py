"""One vocabulary match in its sentence and context → a NoteMention with its fact, or a note why not used."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from spacy.tokens import Span

from assistant.errors import UnitError
from assistant.patient.concepts import Concept
from assistant.patient.facts import Condition, Medication, Observation, Procedure
from assistant.patient.note.dates import StatedDate, find_dates, nearest_date
from assistant.patient.note.pipeline import other_senses, term_of
from assistant.patient.note.scope import (
    absence_covers_past,
    context_of,
    negation_narrowed,
    negation_reaches_value,
    resolved_not_absent,
)
from assistant.patient.note.types import NoteContext, NoteMention
from assistant.patient.note.values import StatedValue, convert, other_plausible_units, value_after, values_in
from assistant.patient.note.vocabulary import PAIR_CONCEPT, Term, concept_details, pair_parts, plausible_range
from assistant.patient.units import format_number

_FLAG = re.compile(r"\b(?P<w>positive|negative|not detected|detected|reactive|non-?reactive)\b", re.IGNORECASE)
_SINCE = re.compile(r"\b(?:since|from)\b", re.IGNORECASE)
_DIAGNOSED = re.compile(r"\bdiagnos", re.IGNORECASE)
_RESOLVED = re.compile(
    r"\b(?:resolved|resolution|recovered|recovery|cured|remission|healed|no\s+recurrence|no\s+residual)\b",
    re.IGNORECASE,
)
"""Words stating that a past condition is over; a dated past mention without them may still be current."""
_TEST_OR_VACCINE = re.compile(
    r"[\s-]*(?:[\w/.-]{1,4}\s+)?(?:antibod(?:y|ies)|antigens?|tests?|testing|screen(?:ing)?|serology|pcr"
    r"|viral\s+load|(?:western\s+)?blots?|elisa|immunoassays?|vaccines?|vaccinations?|vaccinated|immuni[sz]ations?"
    r"|titres?|titers?|status)\b",
    re.IGNORECASE,
)
"""Words after a condition's name that make it a test or a vaccine for it ("HIV 1/2 antibody", "yellow fever
vaccine"), not the condition."""
_SERVICE_AFTER = re.compile(
    r"[ \t]+(?:clinics?|service|department|dept\.?|unit|team|ward|centre|center|consultation|consult)\b", re.IGNORECASE
)
"""Words after a condition's name that make it the name of a clinic or service, not a fact about the patient."""
_PLACE_BEFORE = re.compile(r"\b(?:GP|GP's|doctor's)\s+$", re.IGNORECASE)
"""Words before a term that make it a place ("her GP surgery": a general practice, not an operation)."""
_DRUG_CUE = re.compile(
    r"\b(?:on|receiv(?:e|es|ed|ing)|tak(?:e|es|en|ing)|took|given|start(?:ed|ing)?|us(?:e|es|ed|ing)|prescribed"
    r"|infusion\s+of|treated\s+with|treatment\s+with)\W*$",
    re.IGNORECASE,
)
"""Words of giving or taking just before a term ("not receiving", "started on")."""
_YEAR_AFTER = re.compile(
    r"[ \t]*[,:(]?[ \t]*(?P<y>(?:19|20)\d{2})\b(?![.,]?\d)(?![ \t]*(?:mg|mcg|ug|µg|g|ml|units?|iu|mmol|%|/))",
    re.IGNORECASE,
)
"""A bare year just after a procedure's name ("kidney transplant 2015", "CABG, 2019"): the year it was done."""
_NOT_TESTED = re.compile(
    r"\b(?:not|never)\s+(?:yet\s+)?(?:been\s+)?(?:tested|done|performed|checked|measured|available|sent|obtained|drawn)\b"
    r"|\b(?:pending|awaited|not\s+known|unknown)\b",
    re.IGNORECASE,
)
"""A negated test that states no result ("HBsAg not done", "HIV test pending")."""


@dataclass
class Reading:
    """What the mentions of one note add up to, filled in as they are read."""

    text: str
    today: dt.date
    source: str
    age: float | None
    mentions: list[NoteMention] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    not_understood: list[str] = field(default_factory=list)
    used_spans: list[tuple[int, int]] = field(default_factory=list)
    series: list[tuple[NoteMention, StatedValue, StatedDate | None]] = field(default_factory=list)


def _episode(name: str) -> bool:
    """A condition that happens at a moment and ends (a myocardial infarction, a miscarriage), or a
    medication given once (a vaccine): a dated past mention of it is over. Curated concepts say so
    (``event``); ICD-10-CM chapter 15 (O codes) is pregnancy, childbirth and the puerperium, each
    episode of which ends."""
    concept = concept_details(name)
    return (concept is not None and concept.event) or name.startswith("icd10:O")


def _year_after(ent: Span, reading: Reading) -> StatedDate | None:
    """The bare year written just after a procedure's name, when it is not after the note's date."""
    match = _YEAR_AFTER.match(reading.text, ent.end_char)
    if match is None or int(match.group("y")) > reading.today.year:
        return None
    return StatedDate(match.start("y"), match.end("y"), dt.date(int(match.group("y")), 7, 1), match.group("y"))


def _not_used_reason(ctx: NoteContext) -> str | None:
    for flag in ("family", "hypothetical", "uncertain"):
        if getattr(ctx, flag):
            return flag
    return None


def _in_clause(dates: list[StatedDate], ent: Span) -> list[StatedDate]:
    """The dates of ``ent``'s sentence not beyond a semicolon from it: in "osteoporosis diagnosed in 2022;
    no surgery" the year is the osteoporosis's, and in "aspirin; warfarin stopped in 2019" the warfarin's."""
    text, sent = ent.doc.text, ent.sent
    start = text.rfind(";", sent.start_char, ent.start_char) + 1 or sent.start_char
    end = text.find(";", ent.end_char, sent.end_char)
    end = sent.end_char if end < 0 else end
    return [d for d in dates if start <= d.start and d.end <= end]


def _names_a_history(ent: Span, term: Term) -> bool:
    """True when the note's words end in "history" where the term's end in another word ("cardiac history"
    for the term "cardiac disease")."""
    return ent[-1].lower_ == "history" and not term.text.endswith("history")


def _drug_sense(ent: Span) -> Term | None:
    """The drug the words of a laboratory value also name ("magnesium"), when the note speaks of it as a
    drug: in the medication section, or after a word of giving or taking in its clause ("not receiving
    magnesium")."""
    drug = next((t for t in other_senses(ent) if t.kind == "medication"), None)
    if drug is None:
        return None
    if ent._.section_category == "medications":
        return drug
    text = ent.doc.text
    start = max(ent.sent.start_char, *(text.rfind(c, 0, ent.start_char) + 1 for c in ",;:("))
    return drug if _DRUG_CUE.search(text, start, ent.start_char) else None


def read_mention(ent: Span, limit: int, reading: Reading, term: Term | None = None) -> None:
    """Read one matched span (``limit``: where the next match in its sentence begins) as the vocabulary
    term it stands for, or as ``term``."""
    term = term or term_of(ent)
    kind = term.kind
    name = term.concept
    ctx = context_of(ent)
    sent = ent.sent
    dates = find_dates(sent.text, reading.today, reading.age)
    local = [StatedDate(d.start + sent.start_char, d.end + sent.start_char, d.date, d.text) for d in dates]
    stated = nearest_date(local if kind == "observation" else _in_clause(local, ent), ent.start_char, ent.end_char)
    if stated is None and kind == "procedure":
        stated = _year_after(ent, reading)
    base = {"kind": kind, "concept": name, "context": ctx, "code": term.code, "system": term.system}
    reason = _not_used_reason(ctx)
    if kind == "observation":
        _observation(ent, limit, reading, base, stated, local)
        return
    end = ent.end_char
    words = reading.text[ent.start_char : end]
    if kind == "condition" and _TEST_OR_VACCINE.match(reading.text, end, limit):  # "HIV 1/2 antibody negative"
        reading.not_understood.append(reading.text[ent.start_char : limit].strip().split("\n")[0])
        return
    if kind != "medication" and (
        _SERVICE_AFTER.match(reading.text, end) or _PLACE_BEFORE.search(reading.text, sent.start_char, ent.start_char)
    ):
        return  # the name of a clinic or service ("Infectious Diseases Clinic", "followed by the pain clinic")
    if reason is None and ctx.negated and negation_narrowed(ent):
        reason = "a narrower kind is denied"
    if reason is None and not ctx.negated and _names_a_history(ent, term):
        return  # "cardiac history: ..." names what the history is about; only its denial is a fact
    if reason is not None:
        _add(reading, base, ent.start_char, end, f"{words}: not used: {reason}", None)
        reading.notes.append(f"'{words}': not used: {reason}")
        return
    date = stated.date if stated is not None else None
    since = stated is not None and bool(_SINCE.search(reading.text[max(0, stated.start - 8) : stated.start + 6]))
    if since and kind == "procedure" and not _episode(name):
        date = None  # "on hemodialysis since 2019": the day a therapy began, not the last day it was given
    over = ctx.negated and kind == "condition" and resolved_not_absent(ent)  # "hepatitis C, resolved"
    if over:
        ctx = replace(ctx, negated=False, historical=True)
        base["context"] = ctx
    past = ctx.historical or (date is not None and date < reading.today and not since and kind != "procedure")
    when = f" ({stated.text} → {date.isoformat()})" if stated is not None and date is not None else ""
    covers_past = absence_covers_past(ent) if ctx.negated else True
    fact: Condition | Medication | Procedure
    if kind == "condition":
        # a past episode stated over ("pneumonia 2019, resolved") is over; a dated or undated entry of the
        # history without such words ("hepatitis B in 2019", "PMH: hypertension") may still be current, so
        # that is left unknown (an event's date is its onset whatever this says)
        ended = over or bool(_RESOLVED.search(sent.text)) or (date is not None and _episode(name))
        active: bool | None = (
            True if not past or (_DIAGNOSED.search(sent.text) and not ended) else (False if ended else None)
        )
        fact = Condition(
            concept=name,
            present=not ctx.negated,
            active=active,
            onset=date,
            source=reading.source,
            covers_past=covers_past,
        )
        if ctx.negated:
            state = "absent" if covers_past else "absent now (the history not stated)"
        else:
            unsure = "in the history (current or not: not stated)"
            state = "active" if active else "resolved" if active is False else unsure
    elif kind == "medication":
        dose = value_after(reading.text, end, limit)
        if dose is not None and any(d.start <= dose.start < d.end for d in local):
            dose = None  # "stopped warfarin 2 years earlier": a date, not a dose
        given = past or _episode(name)  # a vaccine is given on a day: it is not taken from then on
        fact = Medication(
            concept=name,
            present=not ctx.negated,
            active=not given and not ctx.negated,
            start=None if given else date,
            end=date if given else None,
            dose=dose.number if dose is not None and dose.unit else None,
            dose_unit=dose.unit if dose is not None and dose.unit else None,
            source=reading.source,
            covers_past=covers_past,
        )
        if dose is not None and dose.unit:
            end = dose.end
        state = "not taken" if ctx.negated else ("past" if given else "current")
    else:
        fact = Procedure(
            concept=name, present=not ctx.negated, date=date, source=reading.source, covers_past=covers_past
        )
        state = "not done" if ctx.negated else "done"
    words = reading.text[ent.start_char : end]
    label = term.label or name.replace("_", " ")
    if ":" in name:  # a terminology code: the words, then the code and its name
        label = f"{ent.text.lower()} ({term.system} {term.code}: {label})"
    _add(reading, base, ent.start_char, end, f"{label}: {state}{when} (from '{words}')", fact)


def _add(reading: Reading, base: dict[str, object], start: int, end: int, rendering: str, fact: object) -> NoteMention:
    mention = NoteMention(
        kind=base["kind"],  # type: ignore[arg-type]
        concept=str(base["concept"]),
        start=start,
        end=end,
        text=reading.text[start:end],
        rendering=rendering,
        fact=fact,  # type: ignore[arg-type]
        context=base["context"],  # type: ignore[arg-type]
        code=base["code"],  # type: ignore[arg-type]
        system=base["system"],  # type: ignore[arg-type]
    )
    reading.mentions.append(mention)
    reading.used_spans.append((start, end))
    return mention


def _observation(
    ent: Span, limit: int, reading: Reading, base: dict[str, object], stated: StatedDate | None, dates: list[StatedDate]
) -> None:
    name = str(base["concept"])
    concept = concept_details(name)
    ctx: NoteContext = base["context"]  # type: ignore[assignment]
    text = reading.text
    if concept is not None and concept.value == "flag":
        clause = max(ent.sent.start_char, *(text.rfind(c, 0, ent.start_char) + 1 for c in ",;"))
        found = _FLAG.search(text, ent.end_char, limit)
        if found is None and not _NOT_TESTED.search(text, ent.end_char, limit):  # "HCV negative; HBsAg pending"
            found = _FLAG.search(text, clause, ent.start_char)  # "negative for HBsAg"
        if found is None and (not ctx.negated or _NOT_TESTED.search(ent.sent.text)):  # "HBsAg not done"
            reading.not_understood.append(text[ent.start_char : limit].strip())
            return
        positive = found is not None and found.group("w").lower() in ("positive", "detected", "reactive")
        flag = positive and not ctx.negated
        end = max(ent.end_char, found.end()) if found is not None else ent.end_char
        start = min(ent.start_char, found.start()) if found is not None else ent.start_char
        fact = Observation(concept=name, flag=flag, date=stated.date if stated else None, source=reading.source)
        words = text[start:end]
        _use_observation(
            reading, base, start, end, f"{concept.label}: {'positive' if flag else 'negative'} (from '{words}')", fact
        )
        return
    first = value_after(text, ent.end_char, limit)
    drug = _drug_sense(ent) if first is None else None
    if drug is not None:
        read_mention(ent, limit, reading, drug)
        return
    if first is None and len(ent.text) <= 3:
        return  # a short abbreviation with no value is more often something else ("Mrs. K", "mg")
    if first is None:
        reading.not_understood.append(text[ent.start_char : min(limit, ent.end_char + 40)].strip().split("\n")[0])
        return
    values = [first]
    for extra in values_in(text, first.end, limit):
        if any(d.start <= extra.start < d.end for d in dates):
            continue
        after = [d for d in dates if extra.end <= d.start <= extra.end + 12]
        if (first.unit and extra.unit == first.unit) or after:
            values.append(extra)
    for value in values:
        _one_value(ent, value, reading, base, concept, dates, stated)


def _value_date(value: StatedValue, dates: list[StatedDate], fallback: StatedDate | None) -> StatedDate | None:
    after = [d for d in dates if value.end <= d.start <= value.end + 12]
    return after[0] if after else fallback


def _one_value(
    ent: Span,
    value: StatedValue,
    reading: Reading,
    base: dict[str, object],
    concept: Concept | None,
    dates: list[StatedDate],
    stated: StatedDate | None,
) -> None:
    ctx: NoteContext = base["context"]  # type: ignore[assignment]
    text = reading.text
    start, end = ent.start_char, value.end
    words = (
        text[start:end] if value.start - ent.end_char < 40 else text[ent.start_char : ent.end_char] + " … " + value.text
    )
    reason = _not_used_reason(ctx) or ("negated" if ctx.negated and negation_reaches_value(ent) else None)
    name = str(base["concept"])
    if reason is not None:
        _add(reading, base, start, end, f"{words}: not used: {reason}", None)
        reading.notes.append(f"'{words}': not used: {reason}")
        return
    when = _value_date(value, dates, stated)
    date = when.date if when is not None else None
    examined = date is None and ent._.section_category == "physical_exam" and not ctx.historical
    if examined:  # an examination's findings are of the day the note records
        date = reading.today
    parts = pair_parts()
    if value.second is not None and (concept is None or concept.value != "score"):
        if name == PAIR_CONCEPT and parts is not None:
            for concept_name, number in zip(parts, (value.number, value.second), strict=True):
                sub = dict(base, concept=concept_name)
                part = StatedValue(value.start, value.end, number, None, value.unit, value.text)
                _one_value(ent, part, reading, sub, concept_details(concept_name), dates, stated)
            return
        reading.notes.append(f"'{words}': two numbers given for {name.replace('_', ' ')}; not used")
        return
    number, unit = value.number, value.unit
    label = concept.label if concept is not None else name.replace("_", " ")
    shown_unit = unit
    assumed = ""
    if concept is not None and concept.value == "quantity" and concept.unit:
        bounds = plausible_range(concept)
        if unit is None:
            others = other_plausible_units(number, concept, bounds) if bounds is not None else []
            if bounds is None or not bounds[0] <= number <= bounds[1] or others:
                reading.notes.append(
                    f"'{words}': no unit given for {label}; expected {concept.expects or concept.unit}; not used"
                )
                return
            shown_unit = concept.unit
            assumed = f" (unit not written: {concept.unit} assumed)"
        else:
            try:
                number = convert(number, unit, concept, f"'{words}'")
            except UnitError:
                reading.notes.append(f"'{words}': unit '{unit}' cannot be converted to {concept.unit}; not used")
                return
            shown_unit = concept.unit
        if bounds is not None and not bounds[0] <= number <= bounds[1]:
            reading.notes.append(
                f"'{words}': {format_number(number)} {concept.unit} is outside the plausible range "
                f"{format_number(bounds[0])}–{format_number(bounds[1])} for {label}; not used"
            )
            return
    fact = Observation(
        concept=name,
        value=number,
        unit=shown_unit if concept is None or concept.unit else None,
        date=date,
        source=reading.source,
    )
    dated = f" on {date.isoformat()}{' (the examination)' if examined else ''}" if date is not None else ""
    unit_text = f" {shown_unit}" if shown_unit else ""
    rendering = f"{label} {format_number(number)}{unit_text}{assumed}{dated} (from '{words}')"
    mention = _use_observation(reading, base, start, end, rendering, fact)
    reading.series.append((mention, value, when))


def _use_observation(
    reading: Reading, base: dict[str, object], start: int, end: int, rendering: str, fact: Observation
) -> NoteMention:
    return _add(reading, base, start, end, rendering, fact)
