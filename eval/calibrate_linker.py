"""Calibrates the embedding step of the concept linker: precision and recall per similarity threshold.

Run: ``.venv/bin/python eval/calibrate_linker.py [--per-group N] [--seed S] [--json]`` (set ``PA_DATA_DIR``;
``PA_EMBEDDER=fake`` measures the hashing fake instead of MiniLM).

Hold-out: names the exact look-up knows but the embedding step does not search as such —
HPO synonyms, ICD-10-CM inclusion terms of blocks, categories and four-character subcategories (whose
preferred names the embedding step searches), and curated synonyms — N of each group, drawn with a
fixed seed. Each is taken out of the exact index (the linker is asked by embedding only) and every
searched name with the same normalised form is masked, so no phrase finds itself. A link is correct
when it names the held-out name's own concept. At threshold t, precision = correct with score ≥ t /
linked with score ≥ t; recall = correct with score ≥ t / held out. The chosen threshold is the
smallest one whose precision reaches the target (default 0.95); set it as ``link_min_similarity``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.settings import get_settings  # noqa: E402
from assistant.vocab.embedding import embed  # noqa: E402
from assistant.vocab.normalize import normalize  # noqa: E402
from assistant.vocab.service import get_index, get_vectors  # noqa: E402

THRESHOLDS = tuple(round(0.5 + 0.025 * i, 3) for i in range(21))


def held_out(per_group: int, seed: int) -> list[tuple[str, str, str]]:
    """(group, phrase, target concept) for each held-out synonym."""
    index = get_index()
    searched = {name for _, name in ((t, index.links[n][0]) for t, n in index.embedded)}
    groups: dict[str, list[tuple[str, str]]] = {"hpo": [], "icd10": [], "curated": []}
    for text, number in index.bounded:
        concept, _kind, system, _code, _label, _matched, method, _score = index.links[number]
        if method != "synonym" or concept not in searched:
            continue
        if index.table.get(normalize(text), (number,))[0] != number:
            continue  # the phrase links elsewhere first: ambiguous, not a test of this concept
        group = {"HPO": "hpo", "ICD-10-CM": "icd10"}.get(system, "curated")
        groups[group].append((text, concept))
    rng = random.Random(seed)
    out: list[tuple[str, str, str]] = []
    for group, items in groups.items():
        unique = sorted(set(items))
        for text, concept in rng.sample(unique, min(per_group, len(unique))):
            out.append((group, text, concept))
    return out


def calibrate(per_group: int, seed: int, target: float) -> dict[str, object]:
    """Precision and recall per threshold over the held-out names, and the chosen threshold."""
    settings = get_settings()
    vectors = get_vectors()
    rows_by_norm: dict[str, set[int]] = {}
    for number, text in enumerate(vectors.texts):
        rows_by_norm.setdefault(normalize(text), set()).add(number)
    cases = held_out(per_group, seed)
    queries = embed([text for _, text, _ in cases], settings)
    exclude = [rows_by_norm.get(normalize(text), set()) for _, text, _ in cases]
    found = vectors.nearest(queries, exclude=exclude)
    scored = [
        (group, score, vectors.links[hit].concept == concept)
        for (group, _, concept), (hit, score) in zip(cases, found, strict=True)
    ]
    table: list[dict[str, float | None]] = []
    for threshold in THRESHOLDS:
        row: dict[str, float | None] = {"threshold": threshold}
        for group in ("all", "hpo", "icd10", "curated"):
            subset = [(s, ok) for g, s, ok in scored if group in ("all", g)]
            linked = [ok for s, ok in subset if s >= threshold]
            row[f"{group}_precision"] = round(sum(linked) / len(linked), 3) if linked else None
            row[f"{group}_recall"] = round(sum(linked) / len(subset), 3) if subset else None
        table.append(row)
    chosen = next(
        (r["threshold"] for r in table if r["all_precision"] is not None and r["all_precision"] >= target), None
    )
    return {
        "embedder": settings.embedder,
        "held_out": {g: sum(1 for c in cases if c[0] == g) for g in ("hpo", "icd10", "curated")},
        "searched_names": len(vectors.texts),
        "target_precision": target,
        "chosen_threshold": chosen,
        "table": table,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-group", type=int, default=400)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--target", type=float, default=0.95)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = calibrate(args.per_group, args.seed, args.target)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"embedder {report['embedder']}, held out {report['held_out']}, searched names {report['searched_names']}")
    print("threshold  precision  recall   | hpo P/R     | icd10 P/R   | curated P/R")
    for r in report["table"]:  # type: ignore[attr-defined]
        cells = [
            f"{r[f'{g}_precision'] if r[f'{g}_precision'] is not None else '-'}/{r[f'{g}_recall']}"
            for g in ("hpo", "icd10", "curated")
        ]
        print(f"{r['threshold']:<10} {r['all_precision']!s:<10} {r['all_recall']!s:<8} | " + " | ".join(cells))
    print(f"chosen threshold (precision >= {report['target_precision']}): {report['chosen_threshold']}")


if __name__ == "__main__":
    main()
