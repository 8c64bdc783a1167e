"""Load a schedule file and tie every quote to its exact place in the protocol text."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from assistant.errors import ScheduleError
from assistant.ids import corpus_file
from assistant.limits import load_yaml
from assistant.schedule.spec import ScheduleSpec, StepSpec, describe_errors
from assistant.settings import get_settings
from assistant.types import Citation, Protocol


@dataclass(frozen=True, slots=True)
class ScheduleStep:
    """One step of a loaded schedule, its quotes located in the protocol text."""

    spec: StepSpec
    """The step as the schedule file states it."""
    citations: tuple[Citation, ...]
    """The step's quotes with their exact offsets in the protocol's canonical text."""

    @property
    def id(self) -> str:
        """Machine name of the step."""
        return self.spec.id


@dataclass(frozen=True, slots=True)
class Schedule:
    """A protocol's treatment timeline, checked against the protocol text."""

    protocol_id: str
    """NCT number of the protocol."""
    protocol_hash: str
    """Content hash of the protocol text the quotes were located in (as ``Protocol.content_hash``)."""
    conventions: tuple[str, ...]
    """How the file maps durations to calendar dates."""
    steps: tuple[ScheduleStep, ...]
    """Steps in timeline order."""
    source_path: str
    """Path of the schedule file."""
    status: str = "reviewed"
    """``reviewed``, or ``draft`` for a timeline drafted from the protocol text and not yet reviewed."""

    @property
    def drafted(self) -> bool:
        """Whether the timeline is a draft nobody has reviewed."""
        return self.status != "reviewed"

    @property
    def given_names(self) -> tuple[str, ...]:
        """Names of the dates a user can give (``start``, ``surgery`` …)."""
        return tuple(s.spec.given_by for s in self.steps if s.spec.given_by is not None)

    def step(self, step_id: str) -> ScheduleStep:
        """The step with this id; ScheduleError listing the ids if there is none."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise ScheduleError(f"unknown step {step_id!r}; steps: {', '.join(s.id for s in self.steps)}")


DRAFT_SUFFIX = ".schedule.draft.yaml"
"""Suffix of a drafted schedule file; a reviewed one is ``<id>.schedule.yaml``."""


def scheduled_protocols(corpus_dir: Path) -> list[str]:
    """Ids of the protocols with a schedule file (reviewed or drafted) in ``corpus_dir``, sorted."""
    names = {p.name.removesuffix(DRAFT_SUFFIX) for p in corpus_dir.glob("*" + DRAFT_SUFFIX)}
    names |= {p.name.removesuffix(".schedule.yaml") for p in corpus_dir.glob("*.schedule.yaml")}
    return sorted(n for n in names if not n.endswith(".schedule"))


def _default_corpus() -> Path:
    from assistant.settings import get_settings

    return get_settings().corpus_dir


def locate_quote(protocol_id: str, text: str, step_id: str, section: str, quote: str) -> Citation:
    """The citation of ``quote``, which must occur exactly once in ``text``."""
    start = text.find(quote)
    if start < 0:
        raise ScheduleError(f"step {step_id!r}: quote not found verbatim in {protocol_id}: {quote!r}")
    if text.find(quote, start + 1) >= 0:
        raise ScheduleError(f"step {step_id!r}: quote occurs more than once in {protocol_id}; quote more: {quote!r}")
    return Citation(protocol=protocol_id, section=section, quote=quote, start=start, end=start + len(quote))


def load_schedule_file(path: Path, protocol_text: str) -> Schedule:
    """Validate the schedule file at ``path`` and locate its quotes in ``protocol_text``."""
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"), get_settings(), str(path))
    except OSError as exc:
        raise ScheduleError(f"{path}: cannot read schedule file ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise ScheduleError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(raw, dict):
        raise ScheduleError(f"{path}: a schedule file is a mapping with keys protocol, conventions, steps, status")
    try:
        spec = ScheduleSpec.model_validate(raw)
    except ValidationError as exc:
        raise ScheduleError(f"{path}: {describe_errors(exc)}") from exc
    steps = tuple(
        ScheduleStep(
            spec=step,
            citations=tuple(
                locate_quote(spec.protocol, protocol_text, step.id, q.section, q.quote) for q in step.citations
            ),
        )
        for step in spec.steps
    )
    return Schedule(
        protocol_id=spec.protocol,
        protocol_hash=hashlib.sha256(protocol_text.encode("utf-8")).hexdigest()[:16],
        conventions=tuple(spec.conventions),
        steps=steps,
        source_path=str(path),
        status=spec.status,
    )


def load_schedule(protocol_id: str, corpus_dir: Path | None = None, *, protocol_text: str | None = None) -> Schedule:
    """The schedule of ``protocol_id`` from ``corpus_dir/<id>.schedule.yaml``.

    Quotes are located in ``protocol_text`` when given (the canonical text of a parsed Protocol),
    otherwise in ``corpus_dir/<id>.txt`` read verbatim.
    """
    corpus = corpus_dir if corpus_dir is not None else _default_corpus()
    path = corpus_file(corpus, protocol_id, ".schedule.yaml")
    if not path.is_file():
        path = corpus_file(corpus, protocol_id, DRAFT_SUFFIX)
    if not path.is_file():
        known = scheduled_protocols(corpus)
        listed = ", ".join(known) or "none"
        raise ScheduleError(f"no schedule for protocol {protocol_id!r}; schedules exist for: {listed}")
    if protocol_text is None:
        text_path = corpus_file(corpus, protocol_id, ".txt")
        if not text_path.is_file():
            raise ScheduleError(f"protocol text {text_path} not found; the schedule's quotes cannot be checked")
        protocol_text = text_path.read_text(encoding="utf-8")
    schedule = load_schedule_file(path, protocol_text)
    if schedule.protocol_id != protocol_id:
        raise ScheduleError(f"{path}: protocol is {schedule.protocol_id!r}, expected {protocol_id!r}")
    return schedule


def check_against(schedule: Schedule, protocol: Protocol) -> None:
    """Check that ``schedule`` was located in ``protocol``'s text and each quote lies in the section it names."""
    if schedule.protocol_id != protocol.id:
        raise ScheduleError(f"schedule is for {schedule.protocol_id}, protocol is {protocol.id}")
    if schedule.protocol_hash != protocol.content_hash:
        raise ScheduleError(
            f"{schedule.source_path}: quotes were located in text {schedule.protocol_hash}, "
            f"protocol {protocol.id} has text {protocol.content_hash}"
        )
    for step in schedule.steps:
        for citation in step.citations:
            section = protocol.section_at(citation.start)
            found = section.name if section else "no section"
            if section is None or section.name != citation.section or citation.end > section.end:
                raise ScheduleError(
                    f"step {step.id!r}: quote at {citation.start} lies in {found}, not {citation.section}: "
                    f"{citation.quote!r}"
                )
