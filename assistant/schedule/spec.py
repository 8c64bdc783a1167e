"""The schema of a schedule file (``corpus/<NCT>.schedule.yaml``) and the messages for files that break it.

A schedule is a list of *steps*. Every step is one day of the treatment timeline (the first day of a
course, the last day of a course, the day of surgery, the day of an assessment) and the schedule says
in which window of days it falls, relative to earlier steps:

* ``given_by: NAME`` — the date the user gives as ``NAME`` (``start``, ``surgery`` …) pins the step;
* ``after: {step, min, max}`` — between ``min`` and ``max`` after the day of an earlier step;
* ``ends_course: {started, length}`` — the last day of a course that began on an earlier step's day;
* ``during: {from, to}`` — any day from one earlier step to another (a conditional step).

Every step cites the protocol text it rests on; the loader finds each quote verbatim.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

SectionName = Literal[
    "summary", "detailed_description", "design", "conditions", "interventions", "outcomes", "eligibility"
]
"""Machine names of the protocol sections a schedule may quote (as the parser names them)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Duration(_Strict):
    """A calendar duration; months and years are calendar months and years (dateutil ``relativedelta``)."""

    years: int = Field(default=0, ge=0, description="Calendar years.")
    months: int = Field(default=0, ge=0, description="Calendar months.")
    weeks: int = Field(default=0, ge=0, description="Weeks of 7 days.")
    days: int = Field(default=0, ge=0, description="Days.")

    def text(self) -> str:
        """The duration as a person writes it, e.g. ``1 year 6 months``."""
        parts = []
        for amount, unit in ((self.years, "year"), (self.months, "month"), (self.weeks, "week"), (self.days, "day")):
            if amount:
                parts.append(f"{amount} {unit}{'' if amount == 1 else 's'}")
        return " ".join(parts) or "0 days"


class QuoteSpec(_Strict):
    """A passage of the protocol a step rests on."""

    section: SectionName = Field(description="Machine name of the section the quote lies in.")
    quote: str = Field(min_length=1, description="Verbatim text of the protocol; must occur exactly once.")


class AfterSpec(_Strict):
    """The step falls between ``min`` and ``max`` after the day of an earlier step."""

    step: str = Field(description="Id of the earlier step.")
    min: Duration = Field(description="Least time after that step's day.")
    max: Duration = Field(description="Most time after that step's day.")


class CourseEndSpec(_Strict):
    """The step is the last day of a course that began on an earlier step's day."""

    started: str = Field(description="Id of the step that is the course's first day.")
    length: Duration = Field(description="Length of the course; the last day is first day + length - 1 day.")


class DuringSpec(_Strict):
    """The step may fall on any day from one earlier step's day to another's."""

    from_: str = Field(alias="from", description="Id of the step that opens the window.")
    to: str = Field(description="Id of the step that closes the window.")


class StepSpec(_Strict):
    """One step of the timeline."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Stable machine name of the step.")
    label: str = Field(min_length=1, description="What happens, as a clinician reads it.")
    window: str = Field(min_length=1, description="The relative window in words, e.g. '2–6 weeks after …'.")
    given_by: str | None = Field(default=None, description="Name of a user-given date that pins this step.")
    after: AfterSpec | None = Field(default=None, description="Window relative to an earlier step.")
    ends_course: CourseEndSpec | None = Field(default=None, description="Last day of a course.")
    during: DuringSpec | None = Field(default=None, description="Any day between two earlier steps.")
    condition: str | None = Field(default=None, description="When the step only happens under a condition.")
    interpretation: str | None = Field(
        default=None, description="A reading the protocol does not state outright, labelled as such."
    )
    citations: list[QuoteSpec] = Field(min_length=1, description="Protocol passages the step rests on.")

    @model_validator(mode="after")
    def _one_rule(self) -> StepSpec:
        rules = [name for name in ("after", "ends_course", "during") if getattr(self, name) is not None]
        if len(rules) > 1:
            both = " and ".join(rules)
            raise ValueError(f"step {self.id!r} has {both}; give at most one of after, ends_course, during")
        if not rules and self.given_by is None:
            raise ValueError(f"step {self.id!r} needs given_by or one of after, ends_course, during")
        return self


class ScheduleSpec(_Strict):
    """A protocol's treatment timeline."""

    protocol: str = Field(pattern=r"^NCT\d{8}$", description="NCT number of the protocol.")
    conventions: list[str] = Field(default_factory=list, description="How durations map to calendar dates.")
    steps: list[StepSpec] = Field(min_length=1, description="Steps in timeline order.")
    status: Literal["draft", "reviewed"] = Field(
        default="reviewed",
        description="``draft`` when drafted from the protocol text and not yet reviewed by a person.",
    )

    @model_validator(mode="after")
    def _references(self) -> ScheduleSpec:
        seen: list[str] = []
        given: list[str] = []
        for step in self.steps:
            if step.id in seen:
                raise ValueError(f"step id {step.id!r} is used twice")
            refs: list[tuple[str, str]] = []
            if step.after:
                refs.append(("after.step", step.after.step))
            if step.ends_course:
                refs.append(("ends_course.started", step.ends_course.started))
            if step.during:
                refs += [("during.from", step.during.from_), ("during.to", step.during.to)]
            for key, ref in refs:
                if ref not in seen:
                    listed = ", ".join(seen) or "none"
                    raise ValueError(f"step {step.id!r}: {key} {ref!r} is not an earlier step; earlier steps: {listed}")
            if step.given_by is not None:
                if step.given_by in given:
                    raise ValueError(f"step {step.id!r}: given_by {step.given_by!r} pins two steps")
                given.append(step.given_by)
            seen.append(step.id)
        return self


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation such as ``X``, ``X | None`` or ``list[X]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def _model_at(root: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel]:
    """The model whose field an error location points into (the parent of the last key)."""
    model = root
    for key in loc[:-1]:
        if isinstance(key, int):
            continue
        fields = {f.alias or name: f for name, f in model.model_fields.items()}
        field = fields.get(key)
        inner = _model_in(field.annotation) if field else None
        if inner is None:
            break
        model = inner
    return model


def describe_errors(error: ValidationError, root: type[BaseModel] = ScheduleSpec) -> str:
    """One line per problem, each naming the key, the value and, for unknown keys, the valid ones."""
    lines = []
    for item in error.errors():
        loc = tuple(item["loc"])
        where = ".".join(str(k) for k in loc) or "(top level)"
        if item["type"] == "extra_forbidden":
            model = _model_at(root, loc)
            valid = ", ".join(f.alias or name for name, f in model.model_fields.items())
            lines.append(f"{where}: unknown key {loc[-1]!r}; valid keys: {valid}")
        elif item["type"] == "literal_error":
            lines.append(f"{where}: {item['input']!r} is not valid; {item['msg'].lower()}")
        else:
            message = item["msg"].removeprefix("Value error, ")
            shown = item.get("input")
            value = "" if isinstance(shown, dict | list) or shown is None else f" (got {shown!r})"
            lines.append(f"{where}: {message}{value}")
    return "; ".join(lines)
