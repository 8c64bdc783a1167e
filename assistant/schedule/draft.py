"""Draft a schedule file from a protocol's arms, interventions and description text.

The drafter reads the timeline grammar of protocol prose, never the names of drugs or diseases:

* a course — "for 6 months", "once daily for 28 days", "every 21 days for 6 cycles";
* a window relative to an anchor — "within 2-6 weeks after completion of …", "2 to 4 weeks after
  surgery", "3 to 5 days after … transplantation", "Four weeks after administration of …";
* follow-up visits — "every 3 months for 2 years".

An anchor is the end of the course stated before it ("completion", "end of the last …"), a procedure
(its date is the user-given ``surgery`` date) or the start of treatment (the ``start`` date). Each step
quotes the sentence it was read from, verbatim; the draft has ``status: draft`` until a person
reviews it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import ScheduleError
from assistant.schedule.load import Schedule, load_schedule_file
from assistant.schedule.spec import ScheduleSpec
from assistant.types import Protocol

DRAFTED_NOTE = "This timeline was drafted from the protocol text and has not been reviewed."
"""What a reader is told whenever a drafted schedule is used."""

SECTIONS = ("interventions", "detailed_description", "summary")
"""Sections a timeline is read from, in the order they are read."""

_NUMBER_WORDS = {
    "a": 1.0, "one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0, "six": 6.0, "seven": 7.0,
    "eight": 8.0, "nine": 9.0, "ten": 10.0, "eleven": 11.0, "twelve": 12.0, "eighteen": 18.0,
    "twenty-four": 24.0, "thirty": 30.0,
}  # fmt: skip
_UNITS = {"day": "days", "week": "weeks", "month": "months", "year": "years"}
_WORD = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
NUM = rf"(?:\d+(?:\.\d+)?|(?:{_WORD})(?:\s+and\s+a\s+half)?)"
UNIT = r"(?:day|week|month|year)s?"
_DASH = r"\s*(?:-|–|—|to)\s*"

COURSE = re.compile(rf"\b(?:for|over)\s+(?:up\s+to\s+)?(?P<n>{NUM})\s+(?P<unit>{UNIT})\b(?!\s+(?:after|post))", re.I)
CYCLES = re.compile(
    rf"\bevery\s+(?P<n>{NUM})\s+(?P<unit>{UNIT})\s+for\s+(?:up\s+to\s+)?(?P<count>{NUM})\s+(?:cycles|courses)\b", re.I
)
VISITS = re.compile(rf"\bevery\s+(?P<n>{NUM})\s+(?P<unit>{UNIT})\s+for\s+(?P<m>{NUM})\s+(?P<munit>{UNIT})\b", re.I)
WINDOW = re.compile(
    rf"\b(?:within\s+)?(?P<a>{NUM})(?:{_DASH}(?P<b>{NUM}))?\s+(?P<unit>{UNIT})\s+(?:after|post-?)\s*(?P<anchor>[^,.;]+)",
    re.I,
)
_COMPLETION = re.compile(r"\b(?:completion|completing|end|last\s+(?:dose|infusion|cycle|course))\b", re.I)
_PROCEDURE = re.compile(r"\b(?:surgery|surgical|resection|operation|transplant(?:ation)?)\b", re.I)
_START = re.compile(r"\b(?:administration|start|beginning|randomi[sz]ation|enrol(?:l)?ment|treatment)\b", re.I)
_SENTENCE_END = re.compile(r"(?<=[.;])\s+(?=[A-Z])|\n\s*\n|\n(?=[A-Z][\w ()/-]{0,40}:)")
_MAX_VISITS = 40

CONVENTIONS = [
    "Weeks are 7 days; months and years are calendar months and years (the day of the month is kept, "
    "and moved to the month's last day when the month is shorter).",
    "A course 'for N months' starting on day S lasts S to S + N months - 1 day inclusive.",
    "'N cycles every M days' is counted as one course of N x M days.",
    "A window 'after completion' is counted from the course's last day.",
    "This file was drafted from the protocol text: review every step, then set status: reviewed.",
]


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a section, verbatim, with the section it lies in."""

    section: str
    text: str


def _number(text: str) -> float:
    words = text.lower().split()
    value = float(words[0]) if words[0][0].isdigit() else _NUMBER_WORDS[words[0]]
    return value + (0.5 if "half" in words else 0.0)


def duration(amount: float, unit: str) -> dict[str, int]:
    """A Duration mapping for ``amount`` ``unit`` (``1.5 years`` → 18 months); ScheduleError for a fraction of a day."""
    name = _UNITS[unit.lower().rstrip("s")]
    if name == "years" and amount != int(amount):
        return {"months": round(amount * 12)}
    if name == "months" and amount != int(amount):
        raise ScheduleError(f"duration {amount} months is not a whole number of months")
    if amount != int(amount):
        return {"days": round(amount * (7 if name == "weeks" else 1))}
    return {name: int(amount)}


def _words(value: dict[str, int]) -> str:
    ((unit, amount),) = value.items()
    return f"{amount} {unit.rstrip('s') if amount == 1 else unit}"


def sentences(protocol: Protocol) -> list[Sentence]:
    """The sentences of the timeline sections, each a verbatim substring occurring once in the text."""
    found: list[Sentence] = []
    for section in protocol.sections:
        if section.name not in SECTIONS:
            continue
        body = protocol.text[section.start : section.end]
        for part in _SENTENCE_END.split(body):
            text = part.strip()
            if text and protocol.text.count(text) == 1:
                found.append(Sentence(section.name, text))
    order = {name: i for i, name in enumerate(SECTIONS)}
    return sorted(found, key=lambda s: order[s.section])


def _what(sentence: str, end: int) -> str:
    """A few words before ``end`` naming what the step is, e.g. ``receive oral X once daily``."""
    head = re.sub(r"^[^:]{0,60}:\s*", "", sentence[:end]).strip(" ,")
    head = re.sub(r"^(?:patients|participants|subjects|each subject|the subject)\s+(?:will\s+)?", "", head, flags=re.I)
    words = head.split()
    return " ".join(words[-8:]) if words else "treatment"


@dataclass
class _Draft:
    protocol_id: str
    steps: list[dict[str, Any]] = field(default_factory=list)
    last_course_end: str | None = None
    courses: dict[tuple[str, str], str] = field(default_factory=dict)

    def _cite(self, sentence: Sentence) -> list[dict[str, str]]:
        return [{"section": sentence.section, "quote": sentence.text}]

    def add(self, step: dict[str, Any]) -> str:
        step["id"] = (
            f"{step['id']}_{len(self.steps) + 1}" if step["id"] in {s["id"] for s in self.steps} else step["id"]
        )
        self.steps.append(step)
        return str(step["id"])

    def start(self, sentence: Sentence) -> str:
        for step in self.steps:
            if step.get("given_by") == "start":
                return str(step["id"])
        return self.add(
            {
                "id": "treatment_start",
                "label": "Treatment begins",
                "window": "the start date",
                "given_by": "start",
                "citations": self._cite(sentence),
            }
        )

    def procedure(self, sentence: Sentence, name: str) -> str:
        for step in self.steps:
            if step.get("given_by") == "surgery":
                return str(step["id"])
        return self.add(
            {
                "id": "procedure",
                "label": name[:1].upper() + name[1:],
                "window": "the date of the procedure",
                "given_by": "surgery",
                "citations": self._cite(sentence),
            }
        )

    def course(self, sentence: Sentence, begins: str, length: dict[str, int], what: str) -> None:
        # A course of the same length stated again (the description repeating the arms) is the same course.
        key = ("", repr(sorted(length.items())))
        if key in self.courses:
            existing = next(s for s in self.steps if s["id"] == self.courses[key])
            if len(existing["citations"]) < 3:
                existing["citations"] += self._cite(sentence)
            self.last_course_end = self.courses[key]
            return
        end = self.add(
            {
                "id": "course_end",
                "label": f"Last day of the {_words(length)} course ({what})",
                "window": f"{_words(length)} after the course begins (its last day)",
                "ends_course": {"started": begins, "length": length},
                "citations": self._cite(sentence),
            }
        )
        self.courses[key] = end
        self.last_course_end = end

    def window(self, sentence: Sentence, match: re.Match[str]) -> str | None:
        unit = match.group("unit")
        low = duration(_number(match.group("a")), unit)
        high = duration(_number(match.group("b") or match.group("a")), unit)
        anchor = match.group("anchor").strip()
        rest = sentence.text[match.end() :]
        if _COMPLETION.search(anchor):
            if self.last_course_end is None:
                return None
            ref, anchor_words = self.last_course_end, "the end of the course"
        elif found := _PROCEDURE.search(anchor):
            ref, anchor_words = self.procedure(sentence, anchor), anchor
            del found
        elif _START.search(anchor):
            ref, anchor_words = self.start(sentence), "the start of treatment"
        else:
            return None
        span = _words(low) if low == high else f"{_words(low)} to {_words(high)}"
        after = {"step": ref, "min": low, "max": high}
        if _PROCEDURE.search(rest) and not any(s.get("given_by") == "surgery" for s in self.steps):
            name = _PROCEDURE.search(rest)
            assert name is not None
            return self.add(
                {
                    "id": "procedure",
                    "label": f"{name.group(0)[:1].upper()}{name.group(0)[1:]} (procedure)",
                    "window": f"{span} after {anchor_words}",
                    "given_by": "surgery",
                    "after": after,
                    "citations": self._cite(sentence),
                }
            )
        course = COURSE.search(rest)
        what = _what(rest, course.start() if course else len(rest)).strip(" .,")
        if len(what.split()) < 2:
            what = _what(sentence.text, match.start()).strip(" .,")
        return self.add(
            {
                "id": "window",
                "label": f"{what[:1].upper()}{what[1:]}".strip(" ,") or "Next step",
                "window": f"{span} after {anchor_words}",
                "after": after,
                "citations": self._cite(sentence),
            }
        )

    def visits(self, sentence: Sentence, match: re.Match[str]) -> None:
        every = duration(_number(match.group("n")), match.group("unit"))
        total = duration(_number(match.group("m")), match.group("munit"))
        months = {"years": 12, "months": 1}
        ((eu, ea),) = every.items()
        ((tu, ta),) = total.items()
        if eu in months and tu in months:
            step_unit, gap, count = "months", ea * months[eu], (ta * months[tu]) // (ea * months[eu])
        elif eu not in months and tu not in months:
            factor = {"weeks": 7, "days": 1}
            step_unit, gap, count = "days", ea * factor[eu], (ta * factor[tu]) // (ea * factor[eu])
        else:
            return
        begins = self.start(sentence)
        for k in range(1, min(count, _MAX_VISITS) + 1):
            at = {step_unit: gap * k}
            self.add(
                {
                    "id": f"follow_up_{k}",
                    "label": f"Follow-up visit {k}",
                    "window": f"{_words(at)} after the start of treatment (every {_words(every)} for {_words(total)})",
                    "after": {"step": begins, "min": at, "max": at},
                    "citations": self._cite(sentence),
                }
            )

    def read(self, sentence: Sentence) -> None:
        text = sentence.text
        windows = list(WINDOW.finditer(text))
        begins: str | None = None
        for match in windows:
            begins = self.window(sentence, match) or begins
        if cycles := CYCLES.search(text):
            per = duration(_number(cycles.group("n")), cycles.group("unit"))
            ((unit, amount),) = per.items()
            count = int(_number(cycles.group("count")))
            length = {unit: amount * count}
            self.course(sentence, begins or self.start(sentence), length, _what(text, cycles.start()))
            return
        if visits := VISITS.search(text):
            self.visits(sentence, visits)
            return
        for match in COURSE.finditer(text):
            if any(w.start() <= match.start() < w.end() for w in windows):
                continue
            length = duration(_number(match.group("n")), match.group("unit"))
            self.course(sentence, begins or self.start(sentence), length, _what(text, match.start()))
            break


def draft_schedule(protocol: Protocol) -> dict[str, Any]:
    """A schedule file (as a mapping, ``status: draft``) read from ``protocol``'s timeline text.

    ScheduleError when the text states no treatment timeline.
    """
    draft = _Draft(protocol.id)
    for sentence in sentences(protocol):
        draft.read(sentence)
    if not draft.steps:
        raise ScheduleError(f"no treatment timeline stated in {protocol.id}: nothing to draft")
    for step in draft.steps:
        step.setdefault("id", "step")
    document = {
        "protocol": protocol.id,
        "status": "draft",
        "conventions": CONVENTIONS,
        "steps": [_ordered(step) for step in draft.steps],
    }
    ScheduleSpec.model_validate(document)
    return document


def _ordered(step: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "label", "window", "given_by", "after", "ends_course", "during", "condition", "citations")
    return {key: step[key] for key in keys if key in step}


def dump_schedule(document: dict[str, Any]) -> str:
    """The drafted schedule as YAML text, with a header saying it awaits review."""
    header = (
        f"# Drafted treatment timeline of {document['protocol']}, read from the protocol text.\n"
        "# Review every step against its quotes, correct it, then set status: reviewed.\n"
    )
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=1000)


def refuse_reviewed(path: Path) -> None:
    """ScheduleError when ``path`` holds a schedule file that is not a draft (a draft never overwrites a review)."""
    if not path.exists():
        return
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ScheduleError(f"--out: {path} exists and cannot be read as a schedule file ({exc}); refused") from exc
    if not isinstance(raw, dict) or raw.get("status", "reviewed") != "draft":
        raise ScheduleError(f"--out: {path} is a reviewed schedule file; a draft never overwrites it")


def load_schedule_file_text(text: str, path: Path, protocol_text: str) -> Schedule:
    """Load drafted YAML ``text`` as the loader will (every quote located), before it is written to ``path``."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / path.name
        probe.write_text(text, encoding="utf-8")
        return load_schedule_file(probe, protocol_text)
