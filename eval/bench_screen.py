"""Benchmark: bulk pre-screening, patient × protocol checks per second, one worker against two.

Run: ``nice -n 10 .venv/bin/python -m eval.bench_screen [--patients 1000] [--protocols 100]``.

Protocols: the real records in ../shared/protocols, topped up with generated variants of them
(``eval/bench_scale.py``: id ``GEN…-<real id>``, title ``[generated]``) to the asked number; rules
are compiled before timing (as a long-running screen has them). Patients: GENERATED files with the
shapes of the example patients in eval/patients/ (facts files and FHIR bundles), their values
(ages, scores, labs) drawn at random within plausible bounds, ids ``generated-<n>``. Both runs read
the same files and check the same pairs; each timing includes reading every patient file. CPU seconds
(this process and its workers) and the load average are printed beside each time: on a shared machine
they tell whether two workers got two cores.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import os
import random
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from assistant.check import rules_for
from assistant.screen import screen_protocols
from assistant.settings import get_settings
from eval.bench_scale import real_protocols, with_variants

ROOT = Path(__file__).resolve().parent.parent
SHAPES = sorted((ROOT / "eval" / "patients").glob("*.facts.yaml")) + sorted(
    (ROOT / "eval" / "patients").glob("*.fhir.json")
)
AS_OF = dt.date(2024, 6, 3)


def _jitter(value: float, rng: random.Random) -> float:
    return round(value * rng.uniform(0.4, 1.6), 2)


def _generated_facts(shape: dict[str, Any], n: int, rng: random.Random) -> dict[str, Any]:
    data = copy.deepcopy(shape)
    data["patient"]["id"] = f"generated-{n:05d}"
    data["patient"]["birth_date"] = dt.date(rng.randint(1940, 2004), rng.randint(1, 12), rng.randint(1, 28))
    data["patient"]["sex"] = rng.choice(["female", "male"])
    for obs in data.get("observations", []):
        if obs["concept"] == "ecog":
            obs["value"] = rng.randint(0, 4)
        elif isinstance(obs.get("value"), int | float) and obs["concept"] != "nyha_class":
            obs["value"] = _jitter(float(obs["value"]), rng)
    return data


def _generated_bundle(shape: dict[str, Any], n: int, rng: random.Random) -> dict[str, Any]:
    data = copy.deepcopy(shape)
    data["id"] = f"generated-{n:05d}"
    for entry in data.get("entry", []):
        resource = entry["resource"]
        if resource["resourceType"] == "Patient":
            resource["birthDate"] = f"{rng.randint(1940, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            resource["gender"] = rng.choice(["female", "male"])
        elif "valueInteger" in resource and resource.get("id") == "ecog":
            resource["valueInteger"] = rng.randint(0, 4)
        elif "valueQuantity" in resource:
            resource["valueQuantity"]["value"] = _jitter(float(resource["valueQuantity"]["value"]), rng)
    return data


def generate_patients(folder: Path, count: int, seed: int = 11) -> list[Path]:
    """``count`` generated patient files in ``folder``, cycling through the example shapes."""
    rng = random.Random(seed)
    shapes = []
    for path in SHAPES:
        text = path.read_text(encoding="utf-8")
        shapes.append((path, yaml.safe_load(text) if path.suffix == ".yaml" else json.loads(text)))
    files = []
    for n in range(count):
        path, shape = shapes[n % len(shapes)]
        if path.suffix == ".yaml":
            out = folder / f"generated-{n:05d}.facts.yaml"
            data = _generated_facts(shape, n, rng)
            out.write_text("# GENERATED benchmark patient\n" + yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        else:
            out = folder / f"generated-{n:05d}.fhir.json"
            out.write_text(json.dumps(_generated_bundle(shape, n, rng)), encoding="utf-8")
        files.append(out)
    return files


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run(patients: int = 1000, protocols: int = 100) -> dict[str, float]:
    """Checks per second with one worker and with two, on the same generated patients and protocols."""
    settings = get_settings()
    chosen = with_variants(real_protocols(), protocols)
    start = time.perf_counter()
    for protocol in chosen:
        rules_for(protocol, settings.corpus_dir)
    compile_seconds = time.perf_counter() - start
    figures: dict[str, float] = {
        "patients": float(patients),
        "protocols": float(len(chosen)),
        "generated_protocols": float(sum(1 for p in chosen if "generated" in p.facts)),
        "rules_compile_seconds": compile_seconds,
    }
    with tempfile.TemporaryDirectory(prefix="bench-screen-") as tmp:
        files = generate_patients(Path(tmp), patients)
        rows = 0
        for workers in (1, 2):
            before = _cpu()
            start = time.perf_counter()
            result = screen_protocols(files, chosen, AS_OF, settings, workers=workers)
            seconds = time.perf_counter() - start
            figures[f"cpu_seconds_{workers}_worker"] = _cpu() - before
            figures[f"load_average_{workers}_worker"] = os.getloadavg()[0]
            rows = len(result.rows)
            figures[f"seconds_{workers}_worker"] = seconds
            figures[f"checks_per_second_{workers}_worker"] = rows / seconds
            figures[f"error_rows_{workers}_worker"] = float(len(result.errors))
        figures["checks"] = float(rows)
    figures["speedup_2_over_1"] = figures["checks_per_second_2_worker"] / figures["checks_per_second_1_worker"]
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--protocols", type=int, default=100)
    args = parser.parse_args()
    for key, value in run(args.patients, args.protocols).items():
        print(f"{key}: {value:,.2f}")
