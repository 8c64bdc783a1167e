"""How much of what the chat must read from a message the clinical-note reader reads.

Each case of ``eval/patient_questions.yaml`` lists exactly the facts the chat must read from its message. The
note reader (``assistant.patient.note.read_note``) is run on the same messages and compared fact by fact, with
values compared in each concept's canonical unit (the note reader converts, the file keeps the unit stated):
a fact counts as read when the concept is there with the same presence, value (within 0.1%), flag and, where
the file gives one, reference limit. Reported: expected facts read, facts read beyond the file's, and cases
read exactly. The chat reads its messages with this reader (``assistant.chat.extract``); this measures the
reader alone, without the chat's rules for questions, and changes nothing.

Run: ``.venv/bin/python eval/reader_parity.py [--details]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.patient.concepts import load_concepts  # noqa: E402
from assistant.patient.facts import PatientFacts  # noqa: E402
from assistant.patient.note import read_note  # noqa: E402
from assistant.patient.units import is_uln, to_canonical  # noqa: E402

CASES = ROOT / "eval" / "patient_questions.yaml"
KINDS = ("observations", "conditions", "medications", "procedures")


@dataclass(frozen=True)
class CaseResult:
    """One message: the expected facts read, missed and read beyond the file's."""

    case_id: str
    read: tuple[str, ...]
    missed: tuple[str, ...]
    extra: tuple[str, ...]


def _canonical(item: dict[str, Any]) -> dict[str, Any]:
    """An expected observation with its value and reference limit in the concept's canonical unit."""
    concept = load_concepts().concepts.get(item["concept"])
    unit = item.get("unit")
    if concept is None or concept.value != "quantity" or unit is None or is_uln(unit) or item.get("value") is None:
        return item
    out = dict(item, value=to_canonical(float(item["value"]), unit, concept, "unit"), unit=concept.unit)
    if item.get("reference_high") is not None:
        high_unit = item.get("reference_high_unit") or unit
        out["reference_high"] = to_canonical(float(item["reference_high"]), high_unit, concept, "unit")
    return out


def _close(a: object, b: object) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) <= 1e-3 * max(1.0, abs(float(b)))
    return a == b


def _matches(kind: str, expected: dict[str, Any], facts: PatientFacts) -> bool:
    found = [f for f in getattr(facts, kind) if f.concept == expected["concept"]]
    if not found:
        return False
    fact = found[0]
    if kind == "observations":
        item = _canonical(expected)
        keys = [k for k in ("value", "flag", "reference_high") if item.get(k) is not None]
        if item.get("unit") is not None and is_uln(item["unit"]) and not is_uln(fact.unit):
            return False
        return all(_close(getattr(fact, k), item[k]) for k in keys)
    return all(
        _close(getattr(fact, k), dt.date.fromisoformat(v) if k in ("onset", "date", "start", "end") else v)
        for k, v in expected.items()
        if k != "concept" and v is not None
    )


def compare(case: dict[str, Any]) -> CaseResult:
    """The note reader's facts for one case against the file's."""
    facts = read_note(case["message"], dt.date.fromisoformat(case["as_of"]), source="message").facts
    wanted = case["expected_facts"]
    read: list[str] = []
    missed: list[str] = []
    for key in ("age", "sex"):
        if key in wanted:
            got = getattr(facts, key)
            ok = _close(got, float(wanted[key])) if key == "age" and got is not None else got == wanted[key]
            (read if ok else missed).append(key)
    names: set[str] = set()
    for kind in KINDS:
        for item in wanted.get(kind, []):
            names.add(item["concept"])
            (read if _matches(kind, item, facts) else missed).append(item["concept"])
    extra = [f.concept for kind in KINDS for f in getattr(facts, kind) if f.concept not in names]
    extra += [k for k in ("age", "sex") if getattr(facts, k) is not None and k not in wanted]
    return CaseResult(case["id"], tuple(read), tuple(missed), tuple(extra))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="list each case's missed and extra facts")
    args = parser.parse_args(argv)
    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))["cases"]
    results = [compare(case) for case in cases]
    read = sum(len(r.read) for r in results)
    expected = read + sum(len(r.missed) for r in results)
    exact = sum(1 for r in results if not r.missed and not r.extra)
    print(f"expected facts read: {read}/{expected} ({read / expected:.3f})")
    print(f"facts read beyond the file's: {sum(len(r.extra) for r in results)}")
    print(f"cases read exactly: {exact}/{len(results)}")
    if args.details:
        for r in results:
            if r.missed or r.extra:
                print(f"  {r.case_id}: missed {list(r.missed)} extra {list(r.extra)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
