"""Benchmark: patient × protocol checks per second for the seed protocol, on one core.

Run: ``.venv/bin/python eval/bench_check.py``. Rules are loaded and compiled once (as the
checker does); each check builds the patient's fact index, converts units and runs all 40 rules.
The patients are the example files in eval/patients/ (complete, ineligible, incomplete).
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from assistant.check import check_patient
from assistant.parse import parse_protocol
from assistant.patient import read_patient
from assistant.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
PATIENTS = ("gist-eligible.facts.yaml", "gist-ineligible.fhir.json", "gist-incomplete.fhir.json")
AS_OF = dt.date(2024, 6, 3)


def run(seconds: float = 2.0) -> dict[str, float]:
    """Checks per second (and microseconds per check) over ``seconds`` of repeated checks."""
    protocol = parse_protocol(ROOT / "corpus" / "NCT01267695.txt")
    rules = load_rules(protocol, ROOT / "corpus")
    patients = [read_patient(ROOT / "eval" / "patients" / name) for name in PATIENTS]
    for facts in patients:  # warm caches (unit factors) as a long-running checker would have them
        check_patient(protocol, facts, AS_OF, rules)
    checks = 0
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        for _ in range(100):
            for facts in patients:
                check_patient(protocol, facts, AS_OF, rules)
        checks += 100 * len(patients)
    elapsed = time.perf_counter() - start
    return {
        "checks_per_second": checks / elapsed,
        "microseconds_per_check": 1e6 * elapsed / checks,
        "criteria_per_check": float(len(rules.rules)),
        "checks": float(checks),
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value:,.1f}")
