"""The rules-file format: pydantic models that reject unknown keys and list the valid ones.

A rules file (``corpus/<NCT>.rules.yaml``) holds one rule per criterion. Each rule quotes the
criterion and states, in ``when``, the condition the criterion describes as a tree of tests::

    - criterion: NCT01234567:I9
      text: Platelet count > 100,000/mm3
      when: {observation: platelets, op: ">", value: 100000, unit: /mm3}

A node of the tree is a mapping whose *head key* says what it is:

======================  ===========================================================================
``all`` / ``any``       a list of nodes that must all / may any be true
``not``                 one node that must be false
``observation``         a lab, score, size or test: ``op`` + ``value`` (+ ``unit``), ``op`` + ``uln``
                        (multiple of the upper limit of normal) or ``flag`` (true/false result); with
                        ``within`` (days/weeks/months/years) the latest value must be dated inside that
                        window before the as-of date, else the test is unknown
``age``                 an operator, with ``value`` in years
``sex``                 a list of sexes (female, male, other)
``condition``           has the condition now, or ``within`` a window (days/weeks/months/years), or
                        ``ever: true`` (at any time: "history of")
``medication``          takes it now (optionally ``dose``), or took it ``within`` a window, or ``ever``
``procedure``           had it ever, or ``within`` a window
``planned``             a procedure or medication planned, scheduled or booked (not yet given); with
                        ``within``, planned for a day inside that window after the as-of date
``since``               time since the last exposure to a medication/procedure/condition:
                        ``op`` (> or >=) and a duration; true when there never was one
``needs_review``        a reason: what no patient data can decide
``permissive``          a reason: the criterion only permits something; it excludes no patient
======================  ===========================================================================

Beside ``when``, an entry may carry:

- ``applies_to: {sex: [female]}`` — the criterion concerns only patients of those sexes (pregnancy,
  lactation, contraception). For a patient of another recorded sex its status is ``not_applicable``,
  which counts like ``satisfied`` for the overall verdict; when sex is not recorded ``when`` decides.
- ``category: administrative`` — consent, compliance, willingness, logistics: no patient data decides
  it (``when`` is ``needs_review``); the checker lists these criteria apart from the clinical ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assistant.errors import RulesError
from assistant.patient.facts import AgeUnit
from assistant.rules.ops import OPS, Op
from assistant.types import CriterionType

Sex = Literal["female", "male", "other"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Duration(_Strict):
    """A time window; exactly one field is given."""

    days: int | None = Field(default=None, ge=0)
    weeks: int | None = Field(default=None, ge=0)
    months: int | None = Field(default=None, ge=0)
    years: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _one(self) -> Duration:
        given = [k for k in ("days", "weeks", "months", "years") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of days, weeks, months, years")
        return self

    def text(self) -> str:
        """The window as words, e.g. ``6 months``."""
        for key in ("days", "weeks", "months", "years"):
            n = getattr(self, key)
            if n is not None:
                return f"{n} {key[:-1] if n == 1 else key}"
        return ""


class ObservationTest(_Strict):
    observation: str
    op: Op | None = None
    value: float | tuple[float, float] | None = None
    unit: str | None = None
    uln: float | tuple[float, float] | None = Field(default=None)
    flag: bool | None = None
    within: Duration | None = None
    """The window the latest value must be dated in, counted back from the as-of date ("creatinine ≤ 1.5
    mg/dL within the past 90 days"): an undated or older latest value leaves the test unknown."""

    @model_validator(mode="after")
    def _shape(self) -> ObservationTest:
        forms = [self.value is not None, self.uln is not None, self.flag is not None]
        if sum(forms) != 1:
            raise ValueError("give exactly one of value (with op), uln (with op) or flag")
        if self.flag is None and self.op is None:
            raise ValueError(f"op is required with value or uln; valid: {', '.join(OPS)}")
        if self.flag is not None and (self.op is not None or self.unit is not None):
            raise ValueError("a flag test takes no op and no unit")
        threshold = self.value if self.value is not None else self.uln
        if (self.op == "between") != isinstance(threshold, tuple):
            raise ValueError("op 'between' takes a [low, high] pair; other operators a single number")
        if self.uln is not None and self.unit is not None:
            raise ValueError("a uln test takes no unit (it is a multiple of the upper limit of normal)")
        return self


class AgeTest(_Strict):
    age: Op
    value: float | tuple[float, float]
    unit: AgeUnit | None = None
    """The unit of ``value`` when not years ("Age 6 months to 17 years"): the age in whole months, weeks or
    days, counted from the date of birth."""


class SexTest(_Strict):
    sex: tuple[Sex, ...]


class DoseTest(_Strict):
    op: Op
    value: float
    unit: str
    per_day: bool = True


class ConditionTest(_Strict):
    condition: str
    within: Duration | None = None
    ever: bool = False
    qualifier: str | None = None
    """A judgement the criterion puts on the condition ("severe", "clinically significant"): the condition's
    absence decides the test; its presence leaves it unknown until a clinician judges the qualifier."""

    @model_validator(mode="after")
    def _window(self) -> ConditionTest:
        if self.ever and self.within is not None:
            raise ValueError("give within (a window) or ever: true (at any time), not both")
        return self


class MedicationTest(_Strict):
    medication: str
    within: Duration | None = None
    dose: DoseTest | None = None
    ever: bool = False

    @model_validator(mode="after")
    def _window(self) -> MedicationTest:
        if self.ever and (self.within is not None or self.dose is not None):
            raise ValueError("ever: true (at any time) takes no within and no dose")
        return self


class ProcedureTest(_Strict):
    procedure: str
    within: Duration | None = None


class PlannedTest(_Strict):
    """A procedure or treatment planned (``within``: planned for a day within that long after the check)."""

    planned: str
    within: Duration | None = None


class SinceTest(_Strict):
    since: str
    op: Literal[">", ">="]
    days: int | None = Field(default=None, ge=0)
    weeks: int | None = Field(default=None, ge=0)
    months: int | None = Field(default=None, ge=0)
    years: int | None = Field(default=None, ge=0)

    @property
    def duration(self) -> Duration:
        """The window as a Duration."""
        return Duration(days=self.days, weeks=self.weeks, months=self.months, years=self.years)

    @model_validator(mode="after")
    def _one(self) -> SinceTest:
        self.duration  # noqa: B018  (validates: exactly one unit)
        return self


class NeedsReview(_Strict):
    needs_review: str = Field(min_length=1)


class Permissive(_Strict):
    permissive: str = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class AllOf:
    """All of the children must be true."""

    all: tuple[Node, ...]
    """The children."""


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one child must be true."""

    any: tuple[Node, ...]
    """The children."""


@dataclass(frozen=True, slots=True)
class NotOf:
    """The child must be false."""

    node: Node
    """The child."""


Leaf = ObservationTest | AgeTest | SexTest | ConditionTest | MedicationTest | ProcedureTest | PlannedTest | SinceTest
Node = AllOf | AnyOf | NotOf | Leaf | NeedsReview | Permissive

#: Head key → node model.
HEADS: dict[str, type] = {
    "all": AllOf,
    "any": AnyOf,
    "not": NotOf,
    "observation": ObservationTest,
    "age": AgeTest,
    "sex": SexTest,
    "condition": ConditionTest,
    "medication": MedicationTest,
    "procedure": ProcedureTest,
    "planned": PlannedTest,
    "since": SinceTest,
    "needs_review": NeedsReview,
    "permissive": Permissive,
}


def _keys(model: type) -> list[str]:
    if model in (AllOf, AnyOf, NotOf):
        return [next(k for k, v in HEADS.items() if v is model)]
    fields: dict[str, Any] = getattr(model, "model_fields", {})
    return [f.alias or name for name, f in fields.items()]


def parse_node(raw: object, where: str) -> Node:
    """A validated node; RulesError naming the path, the bad key and the valid keys otherwise."""
    if not isinstance(raw, dict):
        raise RulesError(f"{where}: expected a mapping with one of the keys {', '.join(HEADS)}; got {raw!r}")
    heads = [k for k in raw if k in HEADS]
    if len(heads) != 1:
        found = ", ".join(map(str, raw)) or "nothing"
        raise RulesError(f"{where}: a test needs exactly one of the keys {', '.join(HEADS)}; found {found}")
    head = heads[0]
    model = HEADS[head]
    unknown = [k for k in raw if k not in _keys(model)]
    if unknown:
        raise RulesError(
            f"{where}: unknown key {unknown[0]!r} for a {head!r} test; valid keys: {', '.join(_keys(model))}"
        )
    if model in (AllOf, AnyOf):
        children = raw[head]
        if not isinstance(children, list) or not children:
            raise RulesError(f"{where}.{head}: expected a non-empty list of tests")
        nodes = tuple(parse_node(child, f"{where}.{head}[{i}]") for i, child in enumerate(children))
        return AllOf(all=nodes) if model is AllOf else AnyOf(any=nodes)
    if model is NotOf:
        return NotOf(parse_node(raw["not"], f"{where}.not"))
    try:
        validated: Node = model.model_validate(raw)  # type: ignore[attr-defined]
        return validated
    except ValidationError as exc:
        raise RulesError(_friendly(exc, where, model)) from None


def _model_at(model: type, path: list[str]) -> type:
    """The nested model reached from ``model`` by following field names."""
    for name in path:
        fields = getattr(model, "model_fields", {})
        if name not in fields:
            return model
        annotation = fields[name].annotation
        candidates = [annotation, *getattr(annotation, "__args__", ())]
        nested = [c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)]
        if not nested:
            return model
        model = nested[0]
    return model


def _friendly(exc: ValidationError, where: str, model: type) -> str:
    error = exc.errors()[0]
    loc = ".".join(str(p) for p in error["loc"] if not str(p).startswith("function-after"))
    place = f"{where}.{loc}" if loc else where
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        owner = _model_at(model, [p for p in error["loc"][:-1] if isinstance(p, str)])
        message = f"unknown key {error['loc'][-1]!r}; valid keys: {', '.join(_keys(owner))}"
    elif error["type"] == "literal_error":
        message = f"invalid value {error['input']!r}; {message.lower()}"
    return f"{place}: {message}"


class AppliesTo(_Strict):
    """Whom a criterion concerns; for anyone else its status is ``not_applicable``."""

    sex: tuple[Sex, ...] = Field(min_length=1, description="The sexes the criterion concerns.")


Category = Literal["administrative"]


class RuleEntry(_Strict):
    """One rule: the criterion it encodes, its quoted text, and the executable condition."""

    criterion: str = Field(description="Criterion id, e.g. NCT01234567:I9.")
    text: str = Field(description="The criterion text, verbatim.")
    type: CriterionType | None = Field(default=None, description="Inclusion or exclusion, when stated.")
    when: dict[str, Any] = Field(description="The condition the criterion describes, as a test tree.")
    note: str | None = Field(default=None, description="Why the rule reads the criterion this way.")
    applies_to: AppliesTo | None = Field(default=None, description="Whom the criterion concerns (e.g. female).")
    category: Category | None = Field(default=None, description="administrative: consent, compliance, logistics.")

    @model_validator(mode="after")
    def _administrative(self) -> RuleEntry:
        if self.category == "administrative" and set(self.when) != {"needs_review"}:
            raise ValueError("an administrative criterion is decided by review: when must be needs_review")
        return self


Join = Literal["any", "all", "examples", "except", "definition"]


class Group(_Strict):
    """Criteria the protocol states together: the items under a lead-in ("… one of the following:") or
    alternatives side by side ("men age ≥55 years", "women age ≥65 years")."""

    lead: str | None = Field(default=None, description="Criterion id of the lead-in the items are listed under.")
    members: tuple[str, ...] = Field(min_length=2, description="Criterion ids of the items.")
    join: Join = Field(
        description=(
            "any: at least `at_least` of the items are required (the others are then not needed); all: every item "
            "is; examples: the items are examples of the lead-in; except: the items are exceptions to it; "
            "definition: the items define a word of it and are no requirement of their own."
        )
    )
    at_least: int = Field(default=1, ge=1, description="For any and examples: how many items make the lead-in met.")
    note: str | None = Field(default=None, description="Why the items are read as this group.")

    @model_validator(mode="after")
    def _counted(self) -> Group:
        if self.at_least > len(self.members):
            raise ValueError(f"at_least is {self.at_least}, but the group has {len(self.members)} members")
        if self.lead is not None and self.lead in self.members:
            raise ValueError(f"the lead {self.lead} is also a member")
        if self.join not in ("any", "examples") and self.at_least != 1:
            raise ValueError(f"at_least applies to join: any or examples, not join: {self.join}")
        return self


class RulesDocument(_Strict):
    """A rules file."""

    protocol: str = Field(description="NCT number the rules are for.")
    status: Literal["reviewed", "draft"] = Field(description="Reviewed by a person, or a compiler's draft.")
    reviewed_by: str | None = Field(default=None, description="Who reviewed the rules.")
    generated_by: str | None = Field(default=None, description="What drafted them.")
    notes: str | None = Field(default=None, description="Conventions the rules follow.")
    rules: tuple[RuleEntry, ...] = Field(description="One rule per criterion.")
    groups: tuple[Group, ...] = Field(default=(), description="Criteria the protocol states together.")


def parse_document(raw: object, where: str) -> RulesDocument:
    """A validated rules document (the ``when`` trees are checked by ``parse_node`` separately)."""
    if not isinstance(raw, dict):
        raise RulesError(f"{where}: expected a mapping with keys {', '.join(RulesDocument.model_fields)}")
    unknown = [k for k in raw if k not in RulesDocument.model_fields]
    if unknown:
        raise RulesError(f"{where}: unknown key {unknown[0]!r}; valid keys: {', '.join(RulesDocument.model_fields)}")
    for i, entry in enumerate(raw.get("rules") or []):
        if isinstance(entry, dict):
            bad = [k for k in entry if k not in RuleEntry.model_fields]
            if bad:
                valid = ", ".join(RuleEntry.model_fields)
                raise RulesError(f"{where}: rules[{i}]: unknown key {bad[0]!r}; valid keys: {valid}")
    for i, group in enumerate(raw.get("groups") or []):
        if isinstance(group, dict):
            bad = [k for k in group if k not in Group.model_fields]
            if bad:
                valid = ", ".join(Group.model_fields)
                raise RulesError(f"{where}: groups[{i}]: unknown key {bad[0]!r}; valid keys: {valid}")
    try:
        return RulesDocument.model_validate(raw)
    except ValidationError as exc:
        raise RulesError(_friendly(exc, where, RulesDocument)) from None
