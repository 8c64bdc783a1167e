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


def run(rounds: int = 7, checks_per_round: int = 3000) -> dict[str, float]:
    """Checks per second on one core: the best and the median of ``rounds`` timed rounds.

    The machine may be shared; the best round is the least disturbed estimate of the checker's own
    speed, the median shows what a busy machine gives.
    """
    protocol = parse_protocol(ROOT / "corpus" / "NCT01267695.txt")
    rules = load_rules(protocol, ROOT / "corpus")
    patients = [read_patient(ROOT / "eval" / "patients" / name) for name in PATIENTS]
    for facts in patients:  # warm the unit-factor caches, as a long-running checker has them
        check_patient(protocol, facts, AS_OF, rules)
    per_round = max(1, checks_per_round // len(patients))
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(per_round):
            for facts in patients:
                check_patient(protocol, facts, AS_OF, rules)
        rates.append(per_round * len(patients) / (time.perf_counter() - start))
    rates.sort()
    best, median = rates[-1], rates[len(rates) // 2]
    return {
        "checks_per_second": best,
        "checks_per_second_median": median,
        "microseconds_per_check": 1e6 / best,
        "criteria_per_check": float(len(rules.rules)),
        "rounds": float(rounds),
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value:,.1f}")
