"""Seeded generation of bad and valid inputs for ``check`` and ``ask`` (tests/test_fuzz_check.py).

Mutations of the real patient files in eval/patients/ (facts files and FHIR bundles) and of the real
questions in eval/questions.yaml: wrong types, deletions, deep nesting, huge numbers, non-finite
values, invisible characters, bad dates and sexes, periods that end before they start, non-UTF-8
bytes, truncation, empty-in-effect and over-long questions, and questions carrying thousands of dates.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.patient import read_patient
from assistant.patient.concepts import load_concepts

ROOT = Path(__file__).resolve().parent.parent
PATIENTS = ROOT / "eval" / "patients"
QUESTIONS = [q["question"] for q in yaml.safe_load((ROOT / "eval" / "questions.yaml").read_text())["questions"]]
AS_OF = "2024-06-03"
INVISIBLE = ("\u200b", "\u200d", "\ufeff", "\u202e", "\x00", "\x07")
HUGE = (1e13, 1e30, 1e300, 10**25, 123456789012345)
NON_FINITE = (float("inf"), float("-inf"), float("nan"))
WRONG_TYPES: tuple[Any, ...] = ("12", [1], {"v": 1}, True, "")
BAD_DATES = ("0001-01-01", "1850-06-01", "2024-02-30", "3000-01-01", "20240101", "2024-13-01")
BAD_SEX = ("X", "fem", "2", "woman", "F" + "\u200b")
DEEP = 120


@dataclass
class Case:
    """One generated input: a patient file (check) or a question (ask)."""

    name: str
    command: str
    data: bytes = b""
    suffix: str = ".yaml"
    question: str = ""
    must_fail: bool = False
    valid: bool = False
    field: str = ""


@dataclass
class Outcome:
    """What the runs did."""

    inputs: int = 0
    tracebacks: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    wrong_exits: list[str] = field(default_factory=list)
    bad_answers: list[str] = field(default_factory=list)
    failed: int = 0

    def summary(self) -> str:
        return (
            f"{self.inputs} inputs ({self.failed} refused), {len(self.tracebacks)} tracebacks, {len(self.hangs)} hangs, "
            f"{len(self.wrong_exits)} wrong exits, {len(self.bad_answers)} malformed answers"
        )


# ----------------------------------------------------------------------------------------- generator


def _dump(data: Any, suffix: str) -> bytes:
    if suffix == ".json":
        return json.dumps(data, ensure_ascii=False).encode("utf-8")
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


def _read_sources(path: Path) -> set[str]:
    facts = read_patient(path, as_of=dt.date.fromisoformat(AS_OF))
    groups = (facts.observations, facts.conditions, facts.medications, facts.procedures)
    return {f.source for group in groups for f in group}


def _facts_cases(name: str, base: dict[str, Any], rng: random.Random) -> Iterator[Case]:
    concepts = load_concepts()
    quantities = [
        i
        for i, o in enumerate(base["observations"])
        if "value" in o and concepts.concepts[o["concept"]].plausible is not None
    ]
    dated = [
        (k, i, f)
        for k in ("observations", "conditions")
        for i, e in enumerate(base.get(k, []))
        for f in e
        if f in ("date", "onset")
    ]
    while True:
        data = copy.deepcopy(base)
        kind = rng.choice(
            [
                "huge",
                "non_finite",
                "wrong_type",
                "invisible",
                "bad_date",
                "birth",
                "sex",
                "deep",
                "digits",
                "bytes",
                "delete_key",
                "unknown_key",
                "end_before_start",
                "delete_entry",
                "sex_code",
                "in_range",
            ]
        )
        i = rng.choice(quantities)
        obs = data["observations"][i]
        must_fail, valid, where = True, False, f"observations[{i}]"
        if kind == "huge":
            obs["value"] = rng.choice(HUGE)
            where += ".value"
        elif kind == "non_finite":
            obs["value"] = rng.choice(NON_FINITE)
            where += ".value"
        elif kind == "wrong_type":
            obs["value"] = rng.choice(WRONG_TYPES)
            where += ".value"
        elif kind == "invisible":
            unit = obs.get("unit") or "1"
            cut = rng.randrange(len(unit) + 1)
            obs["unit"] = unit[:cut] + rng.choice(INVISIBLE) + unit[cut:]
            where += ".unit"
        elif kind == "bad_date":
            group, j, key = rng.choice(dated)
            data[group][j][key] = rng.choice(BAD_DATES)
            where = f"{group}[{j}].{key}"
        elif kind == "birth":
            data["patient"]["birth_date"] = rng.choice(("0001-01-01", "2024-06-04", "2099-01-01", "1968-02-30"))
            where = "patient.birth_date"
        elif kind == "sex":
            data["patient"]["sex"] = rng.choice(BAD_SEX)
            where = "patient.sex"
        elif kind == "deep":
            obs["value"] = json.loads("[" * DEEP + "]" * DEEP)
            where = "nested more than"
        elif kind == "digits":
            obs["value"] = int("9" * rng.randint(31, 400))
            where = "digits"
        elif kind == "delete_key":
            key = rng.choice(("concept", "value"))
            del obs[key]
            where += f".{key}" if key == "value" else ".concept"
        elif kind == "unknown_key":
            obs[rng.choice(("valeu", "units", "Value"))] = 1
            where += ": unknown key"
        elif kind == "end_before_start":
            drug = rng.choice([d for d in data.get("absent", []) if d in ("imatinib", "warfarin")] or ["warfarin"])
            data["absent"] = [a for a in data.get("absent", []) if a != drug]
            data.setdefault("medications", []).append({"concept": drug, "start": "2024-03-01", "end": "2024-01-15"})
            where = ".end: 2024-01-15 is before start"
        else:
            must_fail, valid = False, True
            if kind == "delete_entry":
                del data["observations"][i]
            elif kind == "sex_code":
                data["patient"]["sex"] = rng.choice(("F", "M", "U", "female", "male"))
            else:
                low, high = concepts.concepts[obs["concept"]].plausible or (0.0, 1.0)
                obs["unit"] = concepts.concepts[obs["concept"]].unit
                obs["value"] = round(rng.uniform(low, high), 2)
        payload = _dump(data, ".yaml")
        if kind == "bytes":
            cut = rng.randrange(len(payload))
            payload = payload[:cut] + rng.choice((b"\xff", b"\xc3\x28", b"\xed\xa0\x80")) + payload[cut:]
            where, must_fail, valid = "not UTF-8", True, False
        yield Case(f"{name}:{kind}", "check", payload, ".yaml", must_fail=must_fail, valid=valid, field=where)


def _bundle_cases(name: str, base: dict[str, Any], sources: set[str], rng: random.Random) -> Iterator[Case]:
    read = [
        (i, e["resource"])
        for i, e in enumerate(base["entry"])
        if f"{e['resource']['resourceType']}/{e['resource']['id']}" in sources
    ]
    quantities = [(i, r) for i, r in read if "valueQuantity" in r]
    while True:
        data = copy.deepcopy(base)
        kind = rng.choice(
            [
                "huge",
                "non_finite",
                "wrong_type",
                "invisible",
                "gender",
                "birth",
                "deep",
                "digits",
                "truncate",
                "bytes",
                "period",
                "delete_entry",
                "gender_code",
            ]
        )
        i, res = rng.choice(quantities)
        res = data["entry"][i]["resource"]
        ref = f"{res['resourceType']}/{res['id']}"
        patient = next(e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "Patient")
        must_fail, valid, where, literal = True, False, ref, None
        if kind == "huge":
            res["valueQuantity"]["value"] = rng.choice(HUGE)
        elif kind == "non_finite":
            res["valueQuantity"]["value"] = 424242.5
            literal = rng.choice(("Infinity", "-Infinity", "NaN"))
        elif kind == "wrong_type":
            res[rng.choice(("status", "code", "valueQuantity"))] = rng.choice((5, [], "x", True))
        elif kind == "invisible":
            key = rng.choice(("code", "unit"))
            res["valueQuantity"][key] = str(res["valueQuantity"].get(key, "")) + rng.choice(INVISIBLE[:4])
            res["valueQuantity"]["system" if key == "unit" else "unit"] = res["valueQuantity"].pop(
                "system" if key == "unit" else "unit", None
            )
            where = f"{ref} valueQuantity."
        elif kind == "gender":
            patient["gender"] = rng.choice(BAD_SEX[:3])
            where = "gender"
        elif kind == "birth":
            patient["birthDate"] = rng.choice(("0001-01-01", "2024-06-04", "1850-01-01"))
            where = "birthDate"
        elif kind == "deep":
            res["extension"] = json.loads("[" * DEEP + "]" * DEEP)
            where = "nested more than"
        elif kind == "digits":
            res["valueQuantity"]["value"] = int("7" * rng.randint(31, 400))
            where = "digits"
        elif kind == "period":
            statement = next((e["resource"] for e in data["entry"] if "effectivePeriod" in e["resource"]), None)
            if statement is None:
                continue
            statement["effectivePeriod"] = {"start": "2024-03-01", "end": "2024-02-01"}
            where = "end: 2024-02-01 is before start"
        elif kind in ("delete_entry", "gender_code"):
            must_fail, valid = False, True
            if kind == "delete_entry":
                del data["entry"][i]
            else:
                patient["gender"] = rng.choice(("F", "M", "female", "male", "unknown"))
        payload = _dump(data, ".json")
        if literal is not None:
            payload = payload.replace(b"424242.5", literal.encode())
            where = ref
        if kind == "truncate":
            payload = payload[: rng.randrange(1, len(payload) - 1)]
            where = "not valid JSON"
        elif kind == "bytes":
            cut = rng.randrange(len(payload))
            payload = payload[:cut] + b"\xfe\xff" + payload[cut:]
            where = "not UTF-8"
        yield Case(f"{name}:{kind}", "check", payload, ".json", must_fail=must_fail, valid=valid, field=where)


def _question_cases(rng: random.Random) -> Iterator[Case]:
    while True:
        question = rng.choice(QUESTIONS)
        kind = rng.choice(["real", "invisible", "empty", "dates", "long", "control"])
        if kind == "real":
            yield Case("ask:real", "ask", question=question, valid=True)
        elif kind == "invisible":
            cut = rng.randrange(len(question))
            yield Case("ask:invisible", "ask", question=question[:cut] + rng.choice(INVISIBLE[:3]) + question[cut:])
        elif kind == "empty":
            empty = rng.choice(("", "   ", "\u200b\u200b", "?!?", "\t\n", "...", "\u00a0"))
            yield Case("ask:empty", "ask", question=empty, must_fail=True, field="question")
        elif kind == "dates":
            start = dt.date(2024, 1, 1)
            days = ", ".join((start + dt.timedelta(days=k)).isoformat() for k in range(rng.randint(500, 1500)))
            yield Case("ask:dates", "ask", question=f"{question} Also on {days}?")
        elif kind == "long":
            yield Case("ask:long", "ask", question=question + " x" * 20_000, must_fail=True, field="question")
        else:
            yield Case("ask:control", "ask", question=question.replace(" ", "\x1b[2J ", 1))


def generate(n: int, seed: int = 1267695) -> list[Case]:
    """``n`` seeded cases: about a fifth questions, the rest mutated patient files."""
    rng = random.Random(seed)
    streams: list[Iterator[Case]] = []
    for path in sorted(PATIENTS.iterdir()):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            streams.append(_bundle_cases(path.name, json.loads(text), _read_sources(path), rng))
        else:
            streams.append(_facts_cases(path.name, yaml.safe_load(text), rng))
    questions = _question_cases(rng)
    return [next(questions) if k % 5 == 4 else next(streams[k % len(streams)]) for k in range(n)]


def fuzz_count(default: int = 160) -> int:
    return int(os.environ.get("PA_FUZZ_N", default))
