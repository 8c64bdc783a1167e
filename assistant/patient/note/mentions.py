"""One vocabulary match in its sentence and context → a NoteMention with its fact, or a note why not used."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from spacy.tokens import Span

from assistant.patient.facts import Condition, Medication, Procedure
from assistant.patient.note.controlled import read_controlled
from assistant.patient.note.dates import StatedDate, find_dates, nearest_date
from assistant.patient.note.observations import read_observation, read_tumour_size
from assistant.patient.note.pipeline import other_senses, term_of
from assistant.patient.note.plans import is_planned, read_plan
from assistant.patient.note.reading import Reading, add_mention, not_used_reason
from assistant.patient.note.scope import (
    absence_covers_past,
    allergy_list,
    context_of,
    named_allergen,
    negation_narrowed,
    resolved_not_absent,
    stated_over,
)
from assistant.patient.note.senses import measured_sense
from assistant.patient.note.spans import sentence, sentence_ents, text_of
from assistant.patient.note.types import NoteContext
from assistant.patient.note.values import value_after
from assistant.patient.note.vocabulary import Term, concept_details, drug_allergy_term

_NOUN_ONLY = frozenset({"fit"})
"""One-word condition terms read only as nouns (see ``_adjective_sense``); "fits" is a plural noun already."""
_NOUN_BEFORE = frozenset({"a", "one", "first", "another", "further", "febrile", "epileptic", "no", "any", "had"})
_SINCE = re.compile(r"\b(?:since|from)\b", re.IGNORECASE)
_STARTED = re.compile(r"\b(?:start(?:ed|ing)?|began|begun|initiated|commenced)\b", re.IGNORECASE)
_STOPPED = re.compile(
    r"\b(?:stop(?:ped)?|discontinued|completed|finished|ended|ceased|held|last\s+dose|withdrawn)\b", re.IGNORECASE
)
_DIAGNOSED = re.compile(r"\b(?:diagnos|confirmed\b)", re.IGNORECASE)
_TEST_OR_VACCINE = re.compile(
    r"[\s-]*(?:[\w/.-]{1,4}\s+)?(?:antibod(?:y|ies)|antigens?|tests?|testing|screen(?:ing)?|serology|pcr"
    r"|viral\s+load|(?:western\s+)?blots?|elisa|immunoassays?|vaccines?|vaccinations?|vaccinated|immuni[sz]ations?"
    r"|titres?|titers?|status)\b",
    re.IGNORECASE,
)
"""Words after a condition's name that make it a test or a vaccine for it ("HIV 1/2 antibody", "yellow fever
vaccine"), not the condition."""
_SERVICE_AFTER = re.compile(
    r"[ \t]+(?:clinics?|service|department|dept\.?|unit|team|ward|centre|center|consultation|consult|home|facility)\b",
    re.IGNORECASE,
)
"""Words after a condition's name that make it the name of a clinic, service or place ("nursing home"), not a
fact about the patient."""
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
"""A bare year just after a procedure's or condition's name ("kidney transplant 2015", "MI 2019"): the year of it."""


_TAKEN_NOW = re.compile(r"\b(?:now|currently|presently|still)\s+(?:on|taking|receiving|using)\s+$", re.IGNORECASE)
"""Words of taking now just before a drug ("is now on capecitabine", "currently taking letrozole")."""


def _anothers_before_a_break(ent: Span, stated: StatedDate) -> bool:
    """True when a drug has a date before it that ends another item of its list: a comma or semicolon between
    the date and the drug, and another condition, procedure or drug in the date's own item ("radiation in 2018,
    on anastrozole", "dexamethasone started 3 days ago, pantoprazole"; not "In 2019, started on tamoxifen")."""
    text = text_of(ent.doc)
    if stated.end > ent.start_char:
        return False
    taking = any(m.category == "TAKING" for m in ent._.modifiers)  # "kidney transplant in 2018 on tacrolimus"
    if not taking and not re.search(r"[,;]", text[stated.end : ent.start_char]):
        return False
    item = max(sentence(ent).start_char, text.rfind(",", 0, stated.start) + 1, text.rfind(";", 0, stated.start) + 1)
    return any(
        e.start_char != ent.start_char and item <= e.start_char and e.end_char <= stated.start
        for e in sentence_ents(ent)
    )


def _episode(name: str) -> bool:
    """A condition that happens at a moment and ends (a myocardial infarction, a miscarriage), or a
    medication given once (a vaccine): a dated past mention of it is over. Curated concepts say so
    (``event``); ICD-10-CM chapter 15 (O codes) is pregnancy, childbirth and the puerperium, each
    episode of which ends."""
    concept = concept_details(name)
    return (concept is not None and concept.event) or name.startswith("icd10:O")


ONLY_DENIALS = "a mention of it is read only when it is denied"
"""Why a mention of a ``denials_only`` concept that does not deny it states no fact."""


def _denials_only(name: str) -> bool:
    """A concept a note's mention says something of only when it denies it (``denials_only``)."""
    concept = concept_details(name)
    return concept is not None and concept.denials_only


def _year_after(ent: Span, reading: Reading) -> StatedDate | None:
    """The bare year written just after a procedure's or condition's name, when it is not after the note's
    date."""
    match = _YEAR_AFTER.match(reading.text, ent.end_char)
    if match is None or int(match.group("y")) > reading.today.year:
        return None
    return StatedDate(match.start("y"), match.end("y"), dt.date(int(match.group("y")), 7, 1), match.group("y"), "year")


def _in_clause(dates: list[StatedDate], ent: Span) -> list[StatedDate]:
    """The dates of ``ent``'s sentence not beyond a semicolon from it: in "osteoporosis diagnosed in 2022;
    no surgery" the year is the osteoporosis's, and in "aspirin; warfarin stopped in 2019" the warfarin's."""
    text, sent = text_of(ent.doc), sentence(ent)
    start = text.rfind(";", sent.start_char, ent.start_char) + 1 or sent.start_char
    end = text.find(";", ent.end_char, sent.end_char)
    end = sent.end_char if end < 0 else end
    return [d for d in dates if start <= d.start and d.end <= end]


def _began(text: str, ent: Span, stated: StatedDate) -> bool:
    """True when the words from a medication to its date say it was started then, and none of its clause
    that it stopped: "letrozole started 2025-03-03", "started on warfarin 3 weeks ago", not "tamoxifen
    started in 2019 and stopped in 2023"."""
    sent = sentence(ent)
    start = max(sent.start_char, min(ent.start_char - 12, stated.start))
    end = max(ent.end_char, stated.end)
    clause_start = text.rfind(";", sent.start_char, ent.start_char) + 1 or sent.start_char
    clause_end = text.find(";", ent.end_char, sent.end_char)
    clause_end = sent.end_char if clause_end < 0 else clause_end
    return bool(_STARTED.search(text, start, end)) and not _STOPPED.search(text, clause_start, clause_end)


def _stop_date(text: str, ent: Span, dates: list[StatedDate]) -> StatedDate | None:
    """The date right after a word of stopping in a medication's clause: the day it ended, whatever other
    date is nearer its name ("tamoxifen started in 2019 and stopped in 2023")."""
    for stop in _STOPPED.finditer(text, ent.end_char, sentence(ent).end_char):
        after = [d for d in dates if stop.end() <= d.start <= stop.end() + 12]
        if after:
            return after[0]
    return None


def _not_anothers(dates: list[StatedDate], ent: Span) -> list[StatedDate]:
    """The dates of ``ent``'s sentence that no condition, medication or procedure stands between: in
    "ECOG 1, myocardial infarction 3 months ago" the date is the infarction's, not the score's, and in
    "PMH: anaemia, leukaemia in 2010" the leukaemia's, not the anaemia's. Drugs of one regimen share their
    date: "cisplatin and etoposide for 4 cycles, ending in November 2024" ended both (a drug left undated
    would read as taken now); only the items of a medication list are apart ("Medications: aspirin 81 mg
    daily, warfarin stopped 2 weeks ago")."""
    # a measurement between a condition and a date is the date's ("Hypertension: BP 150/90 today"); between two
    # measurements it is not ("ECOG 1, myocardial infarction 3 months ago")
    measured = ent.label_ == "OBSERVATION"
    others = [
        e
        for e in sentence_ents(ent)
        if (not measured or e.label_ != "OBSERVATION")
        and e != ent
        and not _same_regimen(ent, e)
        and not (e.label_ == "OBSERVATION" and e.start > 0 and ent.doc[e.start - 1].like_num)  # "5 mg": a unit
    ]
    return [
        d
        for d in dates
        if not any(
            ent.end_char <= e.start_char <= e.end_char <= d.start
            or d.end <= e.start_char <= e.end_char <= ent.start_char
            for e in others
        )
    ]


def _same_regimen(ent: Span, other: Span) -> bool:
    """True when two drugs of a sentence are given together: joined in prose, or by "and" in a medication list."""
    if ent.label_ != "MEDICATION" or other.label_ != "MEDICATION":
        return False
    if ent._.section_category != "medications":
        return True
    first, second = (ent, other) if ent.start_char < other.start_char else (other, ent)
    return not re.search(r"[,;\n]", text_of(ent.doc)[first.end_char : second.start_char])


def _adjective_sense(ent: Span) -> bool:
    """True for a one-word condition term that is also an everyday adjective meaning the opposite, written
    here as the adjective: ICD-10-CM's "Fit NOS" (R56.9, a seizure) in "fit for second-line treatment",
    "fit and well", "medically fit". The noun is read: "a fit", "febrile fits", "no further fits"."""
    if len(ent) != 1 or ent[0].lower_ not in _NOUN_ONLY:
        return False
    before = ent.doc[ent.start - 1].lower_ if ent.start > 0 else ""
    return before not in _NOUN_BEFORE


_HEADING = re.compile(r"[ \t]*:")


def _heads_test_results(ent: Span) -> bool:
    """True when a condition's name is followed by a colon and its clause reads only positive/negative test
    results ("Hepatitis B: HBsAg negative, anti-HBc positive"): the name heads the results, it is no diagnosis;
    the results are read as observations. A problem with its values ("Diabetes: HbA1c 8.2%") is a diagnosis."""
    if _HEADING.match(text_of(ent.doc), ent.end_char) is None:
        return False
    results = [e for e in sentence_ents(ent) if e.label_ == "OBSERVATION" and e.start_char > ent.end_char]
    return bool(results) and all(_is_flag(term_of(e).concept) for e in results)  # "Diabetes: HbA1c 8.2%" has it


def _is_flag(name: str) -> bool:
    concept = concept_details(name)
    return concept is not None and concept.value == "flag"


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
    text = text_of(ent.doc)
    start = max(sentence(ent).start_char, *(text.rfind(c, 0, ent.start_char) + 1 for c in ",;:("))
    return drug if _DRUG_CUE.search(text, start, ent.start_char) else None


def read_mention(
    ent: Span, limit: int, reading: Reading, term: Term | None = None, context: NoteContext | None = None
) -> None:
    """Read one matched span (``limit``: where the next match in its sentence begins) as the vocabulary
    term it stands for, or as ``term`` (in ``context``, when given, instead of the span's own)."""
    term = term or term_of(ent)
    if allergy_list(ent) == "no drug":  # "Allergies: NKDA" denies drug allergies, not every allergy
        term = drug_allergy_term() or term
    kind = term.kind
    name = term.concept
    ctx = context or context_of(ent)
    allergy = drug_allergy_term() if kind == "medication" and context is None and named_allergen(ent) else None
    if allergy is not None:  # "Allergies: penicillin": the drug is not taken; the patient has a drug allergy
        read_mention(ent, limit, reading, allergy, replace(ctx, negated=False, hypothetical=False))
    sent = sentence(ent)
    sent_text = text_of(ent.doc)[sent.start_char : sent.end_char]  # Span.text joins its tokens on each call
    dates = find_dates(sent_text, reading.today, reading.age)
    local = [replace(d, start=d.start + sent.start_char, end=d.end + sent.start_char) for d in dates]
    if kind == "observation":  # a lab's date may head its sentence ("Labs 3/1/2025: Cr 1.2; Hb 12"), but a
        # year or month in another clause dates something else ("hysterectomy in 2019; BNP 400")
        clause = _in_clause(local, ent)
        local = [d for d in local if d.precision == "day" or d in clause]
    own = _not_anothers(local if kind == "observation" else _in_clause(local, ent), ent)
    stated = nearest_date(own, ent.start_char, ent.end_char)
    taken_now = kind == "medication" and _TAKEN_NOW.search(reading.text, sent.start_char, ent.start_char) is not None
    if taken_now:  # "completed FOLFOX in 2021 and is now on capecitabine": the date is not the capecitabine's
        stated, ctx = None, replace(ctx, historical=False)
    if kind == "medication" and stated is not None and _anothers_before_a_break(ent, stated):
        stated = None  # "radiation in 2018, on anastrozole": the year is the radiation's
    if kind == "medication" and stated is not None:
        stated = _stop_date(reading.text, ent, own) or stated
    if stated is None and kind in ("procedure", "condition"):  # "appendectomy 2015", "MI 2019"
        stated = _year_after(ent, reading)
    base = {"kind": kind, "concept": name, "context": ctx, "code": term.code, "system": term.system}
    reason = not_used_reason(ctx)
    if kind == "observation":
        details = concept_details(name)
        flag = details is not None and details.value == "flag"
        drug = None if flag or value_after(reading.text, ent.end_char, limit) else _drug_sense(ent)
        if drug is not None:  # "not receiving magnesium": the drug the words also name
            read_mention(ent, limit, reading, drug)
            return
        read_observation(ent, limit, reading, base, stated, local)
        return
    end = ent.end_char
    words = reading.text[ent.start_char : end]
    if kind == "condition" and _TEST_OR_VACCINE.match(reading.text, end, limit):  # "HIV 1/2 antibody negative"
        reading.not_understood.append(reading.text[ent.start_char : limit].strip().split("\n")[0])
        return
    measured = measured_sense(ent, limit) if kind == "condition" else None
    if measured is not None:  # "MI 5/50 HPF": a mitotic index, not an infarction
        read_mention(ent, limit, reading, measured)
        return
    if kind == "condition" and _adjective_sense(ent):
        reading.notes.append(f"'{words}': not used: the adjective ('fit for treatment'), not the condition")
        return
    if kind != "medication" and (
        _SERVICE_AFTER.match(reading.text, end) or _PLACE_BEFORE.search(reading.text, sent.start_char, ent.start_char)
    ):
        return  # the name of a clinic or service ("Infectious Diseases Clinic", "followed by the pain clinic")
    if reason is None and ctx.negated and negation_narrowed(ent):
        reason = "a narrower kind is denied"
    if reason is None and not ctx.negated and _names_a_history(ent, term):
        return  # "cardiac history: ..." names what the history is about; only its denial is a fact
    if kind == "condition" and reason is None and _heads_test_results(ent):
        return  # "Hepatitis B: HBsAg negative, anti-HBc positive": a heading of results, which say the rest
    if reason is None and kind == "condition" and not ctx.negated and _denials_only(name):
        reason = ONLY_DENIALS  # "screening for the X study"
    if reason == "hypothetical" and is_planned(ent, ctx):  # "booked for an elective caesarean section tomorrow"
        read_plan(ent, reading, base, ctx, stated)
        return
    if reason is not None:
        add_mention(reading, base, ent.start_char, end, f"{words}: not used: {reason}", None)
        reading.notes.append(f"'{words}': not used: {reason}")
        return
    date = stated.date if stated is not None else None
    if kind == "procedure" and not ctx.negated and date is not None and date > reading.today:
        read_plan(ent, reading, base, ctx, stated)  # "Knee replacement on 20 December" (a day to come): planned
        return
    since = stated is not None and bool(_SINCE.search(reading.text[max(0, stated.start - 8) : stated.start + 6]))
    if since and kind == "procedure" and not _episode(name):
        date = None  # "on hemodialysis since 2019": the day a therapy began, not the last day it was given
    over = ctx.negated and kind == "condition" and resolved_not_absent(ent)  # "hepatitis C, resolved"
    if over:
        ctx = replace(ctx, negated=False, historical=True)
        base["context"] = ctx
    began = kind == "medication" and stated is not None and _began(reading.text, ent, stated)
    past = (ctx.historical and not began) or (
        date is not None and date < reading.today and not since and not began and kind != "procedure"
    )
    precision = stated.precision if stated is not None and date is not None else "day"
    shown = {"day": "%Y-%m-%d", "month": "%Y-%m, the month only", "year": "%Y, the year only"}[precision]
    when = f" ({stated.text} → {date.strftime(shown)})" if stated is not None and date is not None else ""
    covers_past = absence_covers_past(ent) if ctx.negated else True
    fact: Condition | Medication | Procedure
    if kind == "condition":
        # a past episode stated over ("pneumonia 2019, resolved") is over; a dated or undated entry of the
        # history without such words ("hepatitis B in 2019", "PMH: hypertension") may still be current, so
        # that is left unknown (an event's date is its onset whatever this says)
        over_now = stated_over(ent)  # "AML in complete remission": present in the history, over now
        ended = over or over_now or (date is not None and _episode(name))
        active: bool | None
        if over_now or (past and ended):
            active = False
        elif not past or since or _DIAGNOSED.search(sent_text):  # "PMH: hypertension since 2015": it goes on
            active = True
        else:
            active = None
        fact = Condition(
            concept=name,
            present=not ctx.negated,
            active=active,
            onset=date,
            dated_to=precision,
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
            dated_to=precision,
            source=reading.source,
            covers_past=covers_past,
        )
        state = "not taken" if ctx.negated else ("past" if given else "current")
        if dose is not None and dose.unit:
            end = dose.end
            state += f", {dose.text}"
    else:
        fact = Procedure(
            concept=name,
            present=not ctx.negated,
            date=date,
            dated_to=precision,
            source=reading.source,
            covers_past=covers_past,
        )
        state = "not done" if ctx.negated else "done"
    words = reading.text[ent.start_char : end]
    label = term.label or name.replace("_", " ")
    if ":" in name:  # a terminology code: the words, then the code and its name
        label = f"{ent.text.lower()} ({term.system} {term.code}: {label})"
    add_mention(reading, base, ent.start_char, end, f"{label}: {state}{when} (from '{words}')", fact)
    if kind == "condition" and not ctx.negated:
        read_tumour_size(ent, term, reading, ctx)
        read_controlled(ent, term, reading, ctx)
