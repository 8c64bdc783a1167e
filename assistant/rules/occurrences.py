"""Evaluators of occurrence tests: a condition, medication or procedure now, ever or within a window,
at a dose, and the time since a last exposure (washouts). A concept's records are looked up under its
names and those below it in the terminology; a statement of absence under it or above it decides "no"."""

from __future__ import annotations

from functools import lru_cache

from dateutil.relativedelta import relativedelta

from assistant.errors import RulesError, UnitError
from assistant.patient.concepts import Concept, ConceptSet
from assistant.patient.facts import Medication, Procedure
from assistant.patient.units import format_number, ureg
from assistant.rules import schema as s
from assistant.rules.context import Evaluator, Event, PatientContext, describe_date
from assistant.rules.definitions import Decide, defined_by
from assistant.rules.ops import FALSE, OP_TEXT, TRUE, UNKNOWN, Result, compare
from assistant.rules.windows import cutoffs, delta_of, describe_period
from assistant.settings import get_settings


def uses_of(concept: Concept, concepts: ConceptSet) -> frozenset[str]:
    """The names of the facts a test of ``concept`` reads: its own, narrower and broader ones, the procedures
    that show it (``shown_by``) and the measurement that defines it (``defined_by``)."""
    names = concepts.descendants(concept.name) | concepts.ancestors(concept.name) | _shown_by(concept, concepts)
    return names if concept.defined_by is None else names | {concept.defined_by.observation}


_SHARED: dict[frozenset[str], frozenset[str]] = {}


def _shared(names: tuple[str, ...]) -> frozenset[str]:
    """``names`` as a set, one object for equal sets: a context remembers lookups by name set, and a
    lookup by the very same set never compares thousands of names."""
    found = frozenset(names)
    return _SHARED.setdefault(found, found)


def dose_of(node: s.DoseTest, where: str) -> tuple[str, float, str, bool]:
    try:
        ureg.Quantity(1.0, node.unit).to("mg")
    except Exception:  # noqa: BLE001 - any pint failure is a bad unit in the rule
        raise RulesError(f"{where}.unit: unknown dose unit {node.unit!r}; expected a mass such as mg or g") from None
    return node.op, node.value, node.unit, node.per_day


@lru_cache(maxsize=256)
def _mass_factor(unit: str, target: str) -> float:
    """Multiplier from one mass unit to another (pint)."""
    return float(ureg.Quantity(1.0, unit).to(target).magnitude)


def _dose_ok(fact: Medication, dose: tuple[str, float, str, bool]) -> bool | None:
    op, value, unit, per_day = dose
    if fact.dose is None or fact.dose_unit is None or (per_day and not fact.per_day):
        return None
    try:
        given = fact.dose * _mass_factor(fact.dose_unit, unit)
    except Exception:  # noqa: BLE001
        raise UnitError(
            f"{fact.source or 'medication'} ({fact.concept}) dose_unit: unknown dose unit {fact.dose_unit!r}; "
            "expected a mass such as mg"
        ) from None
    return compare(float(f"{given:.12g}"), op, value)


def _shown_by(concept: Concept, concepts: ConceptSet) -> frozenset[str]:
    """The procedures (and those below them) a record of which shows ``concept`` or a condition it includes:
    a kidney transplant operation shows "solid organ transplant (recipient)"."""
    if concept.kind != "condition" or concept.name not in concepts.concepts:
        return frozenset()
    found: set[str] = set()
    for name in concepts.curated_descendants(concept.name):
        for procedure in concepts.concepts[name].shown_by:
            found |= concepts.descendants(procedure)
    return frozenset(found)


def _both(
    ctx: PatientContext, record: Event, concepts: ConceptSet, past: bool, tested: Concept, used: tuple[str, ...]
) -> Result | None:
    """The result when ``record`` shows ``tested`` present beside a statement that its concept, or a broader one,
    is absent (with ``past``, one that covers the past too: "no history of", "never"): the record says both, and
    neither is used to decide. None when there is no such statement. A procedure that shows the ``tested``
    condition (``shown_by``) is denied by a statement of that condition's absence too."""
    if not (ctx.never if past else ctx.absent):
        return None
    shown_by = isinstance(record, Procedure) and tested.kind == "condition"
    stated = ctx.stated_absent(_broader(concepts, record.concept, tested.name if shown_by else None), None, past)
    if stated is None:
        return None
    denial, shown = ctx.describe(stated), ctx.describe(record)
    reason = f"{tested.label}: the record both shows it ({shown}) and states it absent ({denial}); neither is used"
    return UNKNOWN, reason, (*used, denial), (f"which is right: {shown} or {denial}",)


@lru_cache(maxsize=4096)
def _broader(concepts: ConceptSet, name: str, also: str | None) -> tuple[str, ...]:
    """The names a statement of absence may use to deny a record of ``name`` (and of ``also``), sorted, worked
    out once: the contradiction check runs on every record a rule finds."""
    names = concepts.ancestors(name) | (concepts.ancestors(also) if also is not None else frozenset())
    return tuple(sorted(names))


def occurrence(
    concept: Concept,
    within: s.Duration | None,
    dose: tuple[str, float, str, bool] | None,
    concepts: ConceptSet,
    negated: bool = False,
    ever: bool = False,
) -> Evaluator:
    """True when the patient has the condition now / takes the drug now / ever had the procedure,
    or — with ``within`` — when any record falls inside the window before ``as_of``. With
    ``negated`` the truth is reversed inside the test (the common "No X"), saving a wrapper call; with
    ``ever`` any record counts, current or not ("history of X", "prior X")."""
    names = tuple(sorted(concepts.descendants(concept.name) | _shown_by(concept, concepts)))
    name_set = _shared(names)
    broader = tuple(sorted(concepts.ancestors(concept.name)))
    broader_set = _shared(broader)
    yes, no = (FALSE, TRUE) if negated else (TRUE, FALSE)
    label, kind = concept.label, concept.kind
    delta = delta_of(within) if within is not None else None
    window = f" within {within.text()}" if within is not None else ""
    dose_text = f" at a dose {OP_TEXT[dose[0]]} {format_number(dose[1])} {dose[2]}/day" if dose else ""
    if ever:
        missing = (f"{label} history (any record, or a statement that there was none)",)
    elif kind == "medication" and delta is None:
        missing = (f"whether the patient currently takes {label}{dose_text}",)
    elif delta is None and kind == "condition":
        missing = (f"{label} status (present or absent)",)
    else:
        missing = (f"{label} history{window} (dates, or a statement that there was none)",)

    absent_reason = f"{label}: stated absent"
    unknown_reason = f"no record of {label} either way"
    past = ever or delta is not None  # "history of X", "X within 3 months": "no X now" does not settle them
    now_only = f"{label}: stated absent now, the history not stated"

    nothing: Result = (UNKNOWN, unknown_reason, (), missing)
    measured = (
        None
        if past or kind != "condition"
        else defined_by(concept, concepts, yes, no, get_settings().condition_definition_days)
    )
    if measured is not None:
        assert concept.defined_by is not None
        missing = (f"{missing[0]}, or a recent {concepts.get(concept.defined_by.observation).label}",)
        nothing = (UNKNOWN, unknown_reason, (), missing)

    def no_record(ctx: PatientContext) -> Result:
        """The result when the patient has no record of the concept: a statement of absence, or unknown."""
        stated = (ctx.never_of if past else ctx.absent_of).get(broader_set)
        if stated is None:
            if ctx.absent.keys().isdisjoint(broader_set):  # nothing stated absent under any of the names
                return nothing
            stated = ctx.find_absence(broader, broader_set, past)
        if stated:
            return no, absent_reason, stated, ()
        if past:
            now = ctx.absent_of.get(broader_set)
            if now is None:
                now = ctx.find_absence(broader, broader_set)
            if now:
                return UNKNOWN, now_only, now, missing
        return nothing

    lookup = (names, name_set, no_record)
    if delta is None:
        current = _current(lookup, concept, concepts, ever, dose, dose_text, yes, no)
        return current if measured is None else _measured(current, measured, yes, missing)
    assert within is not None
    return _windowed(lookup, concept, concepts, delta, within.text(), yes, no)


Lookup = tuple[tuple[str, ...], frozenset[str], Evaluator]
"""The names of a concept's records (sorted, and as a set) and the evaluator deciding when there is none."""


def _current(
    lookup: Lookup,
    concept: Concept,
    concepts: ConceptSet,
    ever: bool,
    dose: tuple[str, float, str, bool] | None,
    dose_text: str,
    yes: int,
    no: int,
) -> Evaluator:
    """The test of an occurrence now (or, with ``ever``, at any time): for a condition or medication a
    current record decides it, at the dose asked for; any record of a procedure or an event does."""
    names, name_set, no_record = lookup
    label, kind = concept.label, concept.kind
    recorded = ever or kind == "procedure" or (kind == "condition" and concept.event)
    found_now = f"{label}{dose_text}: {'present' if kind == 'condition' else 'current'} ("
    not_now = f"{label}{dose_text}: {'resolved' if kind == 'condition' else 'not current'}"
    no_dose = f"{label} is current but its daily dose is not recorded"
    missing_dose = (f"daily dose of {label}",)
    not_stated = f"{label}: in the history, not stated whether current"
    missing_current = (f"whether {label} is current",)

    def test(ctx: PatientContext) -> Result:
        found = ctx.present_of.get(name_set)
        if found is None:
            found = ctx.find_present(names, name_set)
        if not found:
            return no_record(ctx)
        records, used = found
        if recorded:
            for record in records:
                both = _both(ctx, record, concepts, True, concept, used)
                if both is not None:
                    return both
            return yes, f"{label}: recorded ({used[0]})", used, ()
        unknown = False
        unsure = False
        for record in records:
            if isinstance(record, Procedure):  # a status after a procedure ("kidney transplant"): it stands
                shown = (yes, f"{label}: shown by {ctx.describe(record)}", used, ())
                return _both(ctx, record, concepts, False, concept, used) or shown
            current = ctx.is_current(record)
            if current is None:
                unsure = True
                continue
            if current:
                if dose is not None and isinstance(record, Medication):
                    ok = _dose_ok(record, dose)
                    if ok is None:
                        unknown = True
                        continue
                    if not ok:
                        continue
                now = (yes, f"{found_now}{ctx.describe(record)})", used, ())
                return _both(ctx, record, concepts, False, concept, used) or now
        if unknown:
            return UNKNOWN, no_dose, used, missing_dose
        if unsure:
            return UNKNOWN, not_stated, used, missing_current
        return no, not_now, used, ()

    return test


def _measured(records: Evaluator, measured: Decide, yes: int, missing: tuple[str, ...]) -> Evaluator:
    """A current condition test that also reads the measurement defining the condition: a record showing
    it present decides; otherwise a recent value decides what the records leave unknown, agrees with a
    record of its absence, or, showing it present against such a record, leaves it unknown."""

    def test(ctx: PatientContext) -> Result:
        found = records(ctx)
        if found[0] == yes:
            return found
        shown = measured(ctx)
        if shown is None:
            return found
        if found[0] == UNKNOWN:
            return shown[0], shown[1], found[2] + shown[2], ()
        if shown[0] != yes:
            return found
        return UNKNOWN, f"{found[1]}, but {shown[1]}", found[2] + shown[2], missing

    return test


def _windowed(
    lookup: Lookup, concept: Concept, concepts: ConceptSet, delta: relativedelta, window: str, yes: int, no: int
) -> Evaluator:
    """The test of an occurrence within ``window`` (``delta``) before ``as_of``: a record whose last day
    falls inside decides it."""
    names, name_set, no_record = lookup
    label, event_like = concept.label, concept.event
    no_end = f"{label} recorded without the date it ended"
    missing_end = (f"date of {label}",)
    cutoff_of = cutoffs(delta)

    def test(ctx: PatientContext) -> Result:
        found = ctx.present_of.get(name_set)
        if found is None:
            found = ctx.find_present(names, name_set)
        if not found:
            return no_record(ctx)
        records, used = found
        cutoff = cutoff_of(ctx.as_of)
        unknown = False
        straddling = None
        for record in records:
            days = ctx.last_days(record, event_like)
            if days is None:
                unknown = True
            elif days[0] >= cutoff:
                inside = (yes, f"{label} on {describe_date(days[1])}, within {window} of {ctx.as_of_text}", used, ())
                return _both(ctx, record, concepts, True, concept, used) or inside
            elif days[1] >= cutoff:
                straddling = describe_period(days[0], record.dated_to)
        if straddling is not None:
            period = straddling
            reason = f"{label} dated to {period} only; the window of {window} before {ctx.as_of_text} begins inside it"
            return UNKNOWN, reason, used, (f"day of {label} in {period}",)
        if unknown:
            return UNKNOWN, no_end, used, missing_end
        return no, f"{label} last before {describe_date(cutoff)} (outside {window})", used, ()

    return test


def since(node: s.SinceTest, concept: Concept, concepts: ConceptSet) -> Evaluator:
    """True when the last exposure lies at least (>=) / more than (>) the duration before ``as_of``,
    or when the patient never had it (stated)."""
    names = tuple(sorted(concepts.descendants(concept.name)))
    name_set = _shared(names)
    broader = tuple(sorted(concepts.ancestors(concept.name)))
    broader_set = _shared(broader)
    label, event_like, op = concept.label, concept.event, node.op
    duration = node.duration
    delta = delta_of(duration)
    need = f"{'more than' if op == '>' else 'at least'} {duration.text()}"
    missing_all = (f"date of last {label}, or a statement that the patient never had it",)
    missing_date = (f"date of last {label}",)

    never_reason = f"no prior {label} (stated)"
    unknown_reason = f"no record of prior {label} either way"

    no_end = f"{label} recorded without the date it ended"
    strict = op == ">"
    cutoff_of = cutoffs(delta)

    nothing: Result = (UNKNOWN, unknown_reason, (), missing_all)

    def test(ctx: PatientContext) -> Result:
        found = ctx.present_of.get(name_set)
        if found is None:
            found = ctx.find_present(names, name_set)
        if not found:
            stated = ctx.never_of.get(broader_set)
            if stated is None:
                if ctx.never.keys().isdisjoint(broader_set):  # never stated absent under any of the names
                    return nothing
                stated = ctx.find_absence(broader, broader_set, past=True)
            if stated:
                return TRUE, never_reason, stated, ()
            return UNKNOWN, unknown_reason, (), missing_all
        records, used = found
        as_of = ctx.as_of
        as_of_text = ctx.as_of_text
        cutoff = cutoff_of(as_of)
        unknown = False
        latest = None
        surely = None  # the latest of the records' earliest possible last days
        vague = None
        for record in records:
            span = ctx.last_days(record, event_like)
            if span is None:
                unknown = True
                continue
            if surely is None or span[0] > surely:
                surely = span[0]
            if latest is None or span[1] > latest:
                latest = span[1]
                vague = describe_period(span[0], record.dated_to) if span[0] != span[1] else None
        if surely is not None and (surely > cutoff or (strict and surely == cutoff)):
            latest = surely
        elif vague is not None and latest is not None and (latest > cutoff or (strict and latest == cutoff)):
            period = vague
            reason = f"last {label} dated to {period} only; {need} before {as_of_text} cannot be told from it"
            return UNKNOWN, reason, used, (f"day of the last {label} in {period}",)
        if latest is not None and (latest > cutoff or (strict and latest == cutoff)):
            days = (as_of - latest).days
            return (
                FALSE,
                f"last {label} {describe_date(latest)}, {days} days before {as_of_text}; needs {need}",
                used,
                (),
            )
        if unknown:
            return UNKNOWN, no_end, used, missing_date
        assert latest is not None
        days = (as_of - latest).days
        return TRUE, f"last {label} {describe_date(latest)}, {days} days before {as_of_text} ({need})", used, ()

    return test
