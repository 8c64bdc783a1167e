"""A laboratory value, vital sign or score in a note → an Observation with its unit, date and reference range."""

from __future__ import annotations

import re
from dataclasses import replace

from spacy.tokens import Span

from assistant.errors import UnitError
from assistant.patient.concepts import Concept, load_concepts
from assistant.patient.facts import Observation
from assistant.patient.note.dates import StatedDate, shown_date
from assistant.patient.note.normal import stated_normal
from assistant.patient.note.pipeline import term_of
from assistant.patient.note.reading import Reading, add_mention, not_used_reason
from assistant.patient.note.scope import context_of, negation_reaches_value
from assistant.patient.note.sizes import TUMOUR_SIZE_LOINC, is_primary_tumour, size_beside, tumour_size_concept
from assistant.patient.note.spans import sentence, sentence_ents
from assistant.patient.note.types import NoteContext, NoteMention
from assistant.patient.note.values import (
    THOUSANDS,
    StatedRange,
    StatedValue,
    convert,
    count_before,
    is_thousands,
    looks_like_unit,
    other_plausible_units,
    reference_after,
    roman_after,
    value_after,
    values_in,
)
from assistant.patient.note.vocabulary import PAIR_CONCEPT, Term, concept_details, pair_parts, plausible_range
from assistant.patient.units import format_number, is_uln

_FLAG = re.compile(r"\b(?P<w>positive|negative|not detected|detected|reactive|non-?reactive)\b", re.IGNORECASE)
_RANGE_AFTER = re.compile(r"\s*(?:-|–|to)\s*\d+(?:\.\d+)?")
"""A second number after a value that makes it a range ("ECOG 1-2", "ALT 40 to 60")."""
_NUMERAL = re.compile(r"[\d.]+")
_DECIMAL_COMMA = re.compile(r",\d{1,2}(?![\d,])")
"""A comma and one or two digits right after a number: a decimal comma ("1,2"), not a thousands separator."""
_NOT_TESTED = re.compile(
    r"\b(?:not|never)\s+(?:yet\s+)?(?:been\s+)?(?:tested|done|performed|checked|measured|available|sent|obtained|drawn)\b"
    r"|\b(?:pending|awaited|not\s+known|unknown)\b",
    re.IGNORECASE,
)
"""A negated test that states no result ("HBsAg not done", "HIV test pending")."""
_SIGN = re.compile(r"(?:[ \t]*\([ \t]*(?P<w>[+-])[ \t]*\)|(?P<bare>[+-])(?=[\s,.;)]|$))")
"""A result written as a sign right after a test's name: "HBsAg (-)", "HCV Ab (+)", "HBsAg-"."""
_PAIR_JOIN = re.compile(r"\s*(?:/|and|&)\s*", re.IGNORECASE)


def read_observation(
    ent: Span, limit: int, reading: Reading, base: dict[str, object], stated: StatedDate | None, dates: list[StatedDate]
) -> None:
    """Read the value(s) after one matched laboratory, vital or score name (a flag: positive or negative), each
    with its unit converted, its date and any reference range stated after it, or a note why it is not used."""
    name = str(base["concept"])
    concept = concept_details(name)
    ctx: NoteContext = base["context"]  # type: ignore[assignment]
    text = reading.text
    if concept is not None and concept.value == "flag":
        clause = max(sentence(ent).start_char, *(text.rfind(c, 0, ent.start_char) + 1 for c in ",;"))
        sign = _SIGN.match(text, ent.end_char, limit)  # "HBsAg (-)", "HCV Ab+"
        found = sign or _FLAG.search(text, ent.end_char, limit)
        if found is None and not _NOT_TESTED.search(text, ent.end_char, limit):  # "HCV negative; HBsAg pending"
            found = _FLAG.search(text, clause, ent.start_char)  # "negative for HBsAg"
        sent = sentence(ent)  # "HBsAg not done"
        if found is None and (not ctx.negated or _NOT_TESTED.search(text, sent.start_char, sent.end_char)):
            reading.not_understood.append(text[ent.start_char : limit].strip())
            return
        word = (sign.group("w") or sign.group("bare")) if sign is not None else found.group("w") if found else ""
        positive = word.lower() in ("positive", "detected", "reactive", "+")
        flag = positive and not ctx.negated
        end = max(ent.end_char, found.end()) if found is not None else ent.end_char
        start = min(ent.start_char, found.start()) if found is not None else ent.start_char
        fact = Observation(concept=name, flag=flag, date=stated.date if stated else None, source=reading.source)
        words = text[start:end]
        _use_observation(
            reading, base, start, end, f"{concept.label}: {'positive' if flag else 'negative'} (from '{words}')", fact
        )
        return
    if _paired(ent, limit, reading, base, dates, stated):
        return
    first = value_after(text, ent.end_char, limit)
    if first is None and concept is not None and concept.value == "score":
        first = roman_after(text, ent.end_char, limit)
    if first is None:
        first = count_before(text, ent.start_char, ent.end_char, sentence(ent).start_char)
    if first is None and (len(ent.text) <= 3 or stated_normal(text, ent.start_char, ent.end_char, limit)):
        return  # a short abbreviation with no value is more often something else ("Mrs. K", "mg"); see normal.py
    if first is None:
        reading.not_understood.append(text[ent.start_char : min(limit, ent.end_char + 40)].strip().split("\n")[0])
        return
    values = [first]
    reference = reference_after(text, first.end, limit)  # "(ULN 1.0 mg/dL)": a limit, not a second value
    for extra in values_in(text, reference.end if reference is not None else first.end, limit):
        if any(d.start <= extra.start < d.end for d in dates):
            continue
        after = [d for d in dates if extra.end <= d.start <= extra.end + 12]
        if (first.unit and extra.unit == first.unit) or after:
            values.append(extra)
    # "platelets 92,000/mm3 (118,000 yesterday)": the date after a later value is that value's alone
    owned = {id(v): [d for d in dates if _dates_value(text, v, d)] for v in values}
    for value in values:
        taken = [d for v in values if v is not value for d in owned[id(v)]]
        fallback = stated if stated not in taken else None
        _one_value(ent, value, reading, base, concept, [d for d in dates if d not in taken], fallback)


def _paired(
    ent: Span, limit: int, reading: Reading, base: dict[str, object], dates: list[StatedDate], stated: StatedDate | None
) -> bool:
    """Two names joined before one value ("AST/ALT 32/28 U/L", "AST and ALT 2x ULN"): each its own number
    of a pair, or both the one value. True when read so (the second name's span is then used)."""
    text = reading.text
    join = _PAIR_JOIN.match(text, ent.end_char, limit + 1)
    if join is None or join.end() != limit:
        return False
    second = next((e for e in sentence_ents(ent) if e.start_char == limit and e.label_ == "OBSERVATION"), None)
    if second is None:
        return False
    later = [e.start_char for e in sentence_ents(ent) if e.start_char > second.start_char]
    value = value_after(text, second.end_char, later[0] if later else sentence(ent).end_char)
    if value is None:
        return False
    term = term_of(second)
    numbers = (value.number, value.second if value.second is not None else value.number)
    for span, number, part in ((ent, numbers[0], base), (second, numbers[1], _base_of(second, term, base))):
        one = StatedValue(value.start, value.end, number, None, value.unit, value.text)
        _one_value(span, one, reading, part, concept_details(str(part["concept"])), dates, stated)
    return True


def _base_of(span: Span, term: Term, base: dict[str, object]) -> dict[str, object]:
    return dict(base, concept=term.concept, code=term.code, system=term.system, context=context_of(span))


_NOW_BEFORE = re.compile(
    r"\b(?:now|today|currently|this\s+morning|at\s+present)\b[\s:,]*(?:is\s+|was\s+|of\s+)?$", re.I
)
"""A word of the present just before a value ("1.8 two years ago, now 1.0"): the value is of the note's day."""


_PREDICTED_AFTER = re.compile(r"\s*(?:of\s+)?(?:the\s+)?(?:predicted|pred\b\.?)", re.IGNORECASE)


def _percent_predicted(ent: Span, value: StatedValue, concept: Concept | None, text: str) -> tuple[Concept, int] | None:
    """The percent-predicted concept of the measurement named by ``ent`` ("FEV1" → "FEV1 % predicted") and where
    its words end, when the value is a percentage followed by "predicted"; else None."""
    after = _PREDICTED_AFTER.match(text, value.end)
    if concept is None or value.unit != "%" or concept.unit == "%" or after is None:
        return None
    found = load_concepts().by_text(f"{ent.text} % predicted", "observation")
    return (found, after.end()) if found is not None else None


def _dates_value(text: str, value: StatedValue, stated: StatedDate) -> bool:
    """True when ``stated`` is written right after ``value``, no other number between ("1.8 mg/dL in 2023")."""
    return value.end <= stated.start <= value.end + 12 and not re.search(r"\d", text[value.end : stated.start])


def _value_date(
    value: StatedValue, dates: list[StatedDate], fallback: StatedDate | None, reading: Reading
) -> StatedDate | None:
    after = [d for d in dates if _dates_value(reading.text, value, d)]
    if after:
        return after[0]
    now = _NOW_BEFORE.search(reading.text, max(0, value.start - 20), value.start)
    if now is not None:
        return StatedDate(now.start(), now.end(), reading.today, now.group().strip(" :,"))
    return fallback


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
    if concept is not None and concept.value == "score" and value.unit and not looks_like_unit(value.unit):
        numeral = _NUMERAL.match(text, value.start)  # "ECOG 3 allowed": the word after a score is no unit
        end = numeral.end() if numeral else value.end
        value = replace(value, end=end, unit=None, text=text[value.start : end])
    start, end = min(ent.start_char, value.start), value.end  # a count may come before its name
    words = (
        text[start:end] if value.start - ent.end_char < 40 else text[ent.start_char : ent.end_char] + " … " + value.text
    )
    reason = not_used_reason(ctx) or ("negated" if ctx.negated and negation_reaches_value(ent) else None)
    name = str(base["concept"])
    if reason is not None:
        add_mention(reading, base, start, end, f"{words}: not used: {reason}", None)
        reading.notes.append(f"'{words}': not used: {reason}")
        return
    when = _value_date(value, dates, stated, reading)
    date = when.date if when is not None else None
    examined = date is None and ent._.section_category == "physical_exam" and not ctx.historical
    if examined:  # an examination's findings are of the day the note records
        date = reading.today
    if value.comparator is not None and value.second is not None:  # "BP <140/90": a goal, not a reading
        reading.notes.append(f"'{words}': a bound on two numbers, not a reading; not used")
        return
    if value.comparator is not None and reading.question:  # "can a patient with platelets > 50,000 enrol?"
        reading.notes.append(f"'{words}': a bound in a question is a threshold, not the patient's value; not used")
        return
    parts = pair_parts()
    if value.second is not None and (concept is None or concept.value != "score"):
        if name == PAIR_CONCEPT and parts is not None:
            for concept_name, number in zip(parts, (value.number, value.second), strict=True):
                sub = dict(base, concept=concept_name)
                part = StatedValue(value.start, value.end, number, None, value.unit, value.text)
                _one_value(ent, part, reading, sub, concept_details(concept_name), dates, stated)
            return
        per = _per_count_unit(value, concept)
        if per is None:
            _unusable(reading, name, words, f"two numbers given for {name.replace('_', ' ')}")
            return
        value = per  # "3/50 HPF": 3 per 50 high-power fields, one value
    number, unit = value.number, value.unit
    predicted = _percent_predicted(ent, value, concept, text)
    if predicted is not None:  # "FEV1 45% predicted": the FEV1 as a share of its predicted value
        concept, end = predicted
        name, base, words = concept.name, dict(base, concept=concept.name), text[start:end]
    label = concept.label if concept is not None else name.replace("_", " ")
    bound = f"{value.comparator} " if value.comparator else ""
    decimal = _DECIMAL_COMMA.match(text, value.end) if value.unit is None else None
    if decimal is not None:  # "platelets 1,2 x10^9/L": 1.2, or a list "1, 2"? not for the reader to guess
        _unusable(reading, name, text[start : decimal.end()], "a number with a decimal comma; write it with a point")
        return
    span = _RANGE_AFTER.match(text, value.end)
    if span is not None and value.second is None:
        _unusable(reading, name, text[start : span.end()], "a range, not one value")
        return
    bounds = plausible_range(concept)
    if concept is not None and concept.value == "score" and bounds is not None and not bounds[0] <= number <= bounds[1]:
        _unusable(
            reading,
            name,
            words,
            f"{format_number(number)} is off the {label} scale ({format_number(bounds[0])}–{format_number(bounds[1])})",
        )
        return
    precision = when.precision if when is not None and date is not None and not examined else "day"
    if is_uln(unit) and concept is not None and concept.value == "quantity":
        fact = Observation(
            concept=name,
            value=number,
            unit="ULN",
            comparator=value.comparator,
            date=date,
            dated_to=precision,
            source=reading.source,
        )
        dated = shown_date(date, precision)
        rendering = f"{label} {bound}{format_number(number)} x ULN{dated} (from '{words}')"
        reading.series.append((_use_observation(reading, base, start, end, rendering, fact), value, when))
        return
    if is_thousands(unit):
        unit = THOUSANDS
    shown_unit = unit
    assumed = ""
    reference = reference_after(text, value.end, len(text))
    high: float | None = None
    if concept is not None and concept.value == "quantity" and concept.unit:
        if unit is None:
            others = other_plausible_units(number, concept, bounds) if bounds is not None else []
            plausible = bounds is not None and bounds[0] <= number <= bounds[1]
            implied = others[0] if not plausible and len(others) == 1 and concept.molar_mass is None else None
            if implied is not None:  # "platelets 250,000": plausible per mm3 only
                number = convert(number, implied, concept, f"'{words}'")
                assumed = f" (unit not written: read as {implied}, the only unit it is plausible in)"
            elif not plausible or others:
                _unusable(
                    reading, name, words, f"no unit given for {label}; expected {concept.expects or concept.unit}"
                )
                return
            else:
                assumed = f" (unit not written: {concept.unit} assumed)"
            shown_unit = concept.unit
        else:
            try:
                number = convert(number, unit, concept, f"'{words}'")
            except UnitError:
                _unusable(reading, name, words, f"unit '{unit}' cannot be converted to {concept.unit}")
                return
            shown_unit = concept.unit
        if bounds is not None and not bounds[0] <= number <= bounds[1]:
            _unusable(
                reading,
                name,
                words,
                f"{format_number(number)} {concept.unit} is outside the plausible range "
                f"{format_number(bounds[0])}–{format_number(bounds[1])} for {label}",
            )
            return
        high = _reference_high(reference, unit or concept.unit, concept, f"'{words}'", reading)
    if high is not None and reference is not None:
        end = reference.end
        words = text[start:end].rstrip()
    fact = Observation(
        concept=name,
        value=number,
        comparator=value.comparator,
        unit=shown_unit if concept is None or concept.unit else None,
        date=date,
        dated_to=precision,
        source=reading.source,
        reference_high=high,
        reference_high_unit=shown_unit if high is not None else None,
    )
    dated = shown_date(date, precision) + (" (the examination)" if examined and date is not None else "")
    unit_text = f" {shown_unit}" if shown_unit else ""
    limit_text = f", ULN {format_number(high)} {shown_unit}" if high is not None else ""
    rendering = f"{label} {bound}{format_number(number)}{unit_text}{limit_text}{assumed}{dated} (from '{words}')"
    mention = _use_observation(reading, base, start, end, rendering, fact)
    reading.series.append((mention, value, when))


def _unusable(reading: Reading, name: str, words: str, why: str) -> None:
    """A value stated of the patient that cannot be used: noted, and kept as a conflict of its concept, so
    neither it nor any other value of that concept decides a criterion."""
    reading.notes.append(f"'{words}': {why}; not used")
    reading.unusable.append((name, words, why))


def _per_count_unit(value: StatedValue, concept: Concept | None) -> StatedValue | None:
    """``value`` read as one number per a counted unit ("3/50 HPF" → 3 in /50 HPF) when the concept's
    quantity converts from that unit and not from the unit alone; None otherwise (two numbers:
    "creatinine 1.1/1.2 mg/dL")."""
    if concept is None or concept.value != "quantity" or value.unit is None or value.second is None:
        return None
    try:
        convert(value.number, value.unit, concept, "unit")
        return None  # the unit is the concept's own: two values in it, not one per a count
    except UnitError:
        pass
    unit = f"/{value.second:g}{value.unit}"
    try:
        convert(value.number, unit, concept, "unit")
    except UnitError:
        return None
    return StatedValue(value.start, value.end, value.number, None, unit, value.text)


def _reference_high(
    reference: StatedRange | None, unit: str | None, concept: Concept, where: str, reading: Reading
) -> float | None:
    """The stated upper limit of normal in the concept's canonical unit (the value's unit when it has
    none of its own), or None, with a note, when it cannot be converted."""
    if reference is None:
        return None
    high_unit = THOUSANDS if is_thousands(reference.unit) else reference.unit or unit
    if high_unit is None or is_uln(high_unit):
        return None
    try:
        return convert(reference.high, high_unit, concept, where)
    except UnitError:
        reading.notes.append(f"{where}: the reference range's unit '{high_unit}' cannot be converted; range not used")
        return None


def _use_observation(
    reading: Reading, base: dict[str, object], start: int, end: int, rendering: str, fact: Observation
) -> NoteMention:
    return add_mention(reading, base, start, end, rendering, fact)


def read_tumour_size(ent: Span, term: Term, reading: Reading, context: NoteContext) -> None:
    """The size written beside a tumour's name ("a 4-cm lung adenocarcinoma") as an observation of the vocabulary's
    tumour-size concept, in its unit (see ``sizes``)."""
    concept = tumour_size_concept()
    if concept is None or concept.unit is None or not is_primary_tumour(term):
        return
    found = size_beside(ent)
    if found is None or any(span != _span(ent) for span in reading.used_spans.overlapping(found[2], found[3])):
        return
    size, unit, start, end = found
    number = convert(size, unit, concept, "tumour size")
    fact = Observation(concept=concept.name, value=number, unit=concept.unit, source=reading.source)
    base = {"kind": "observation", "concept": concept.name, "context": context, "code": TUMOUR_SIZE_LOINC}
    base["system"] = "LOINC"
    words = reading.text[start:end]
    rendering = f"{concept.label} {format_number(number)} {concept.unit} (from '{words}')"
    value = StatedValue(start, end, size, None, unit, words)
    reading.series.append((_use_observation(reading, base, start, end, rendering, fact), value, None))


def _span(ent: Span) -> tuple[int, int]:
    return ent.start_char, ent.end_char
