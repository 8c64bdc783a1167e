"""The clinical-note evaluation set from the command line (the logic is ``assistant.evaluation.notes``).

Run: ``.venv/bin/python eval/note_eval.py [--cases DIR] [--protocols DIR] [--json FILE] [--misses]``, or
``protocol-assistant eval --set notes-dev``. ``eval/note_cases/`` is held out; ``--misses`` is for the
development set (``eval/note_dev``) only.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.errors import AssistantError  # noqa: E402
from assistant.evaluation.notes import (  # noqa: E402
    CaseFile,
    Label,
    NoteCase,
    NoteCaseError,
    Predictor,
    Scores,
    format_scores,
    misses,
    score,
    system_predictor,
)
from assistant.evaluation.notes import load_cases as _load_cases  # noqa: E402
from assistant.evaluation.verdicts import COMMITTED, STATUSES, Tally, overall_of_labels  # noqa: E402

DEFAULT_CASES = ROOT / "eval" / "note_cases"
DEFAULT_PROTOCOLS = ROOT.parent / "shared" / "protocols"

__all__ = [
    "COMMITTED",
    "STATUSES",
    "CaseFile",
    "Label",
    "NoteCase",
    "NoteCaseError",
    "Predictor",
    "Scores",
    "Tally",
    "format_scores",
    "load_cases",
    "misses",
    "overall_of_labels",
    "score",
    "system_predictor",
]


def load_cases(folder: Path | str = DEFAULT_CASES, protocols_root: Path | str = DEFAULT_PROTOCOLS) -> list[NoteCase]:
    """Every case of ``folder`` (default: the held-out set), validated against its parsed protocol."""
    return _load_cases(folder, protocols_root)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES, help="folder of case files")
    parser.add_argument("--protocols", type=Path, default=DEFAULT_PROTOCOLS, help="root the sources are under")
    parser.add_argument("--json", type=Path, default=None, help="write the figures as JSON to this file")
    parser.add_argument(
        "--misses", action="store_true", help="list every pair that differs from its label (development sets only)"
    )
    args = parser.parse_args(argv)
    if importlib.util.find_spec("assistant.patient.note") is None:
        print("error: the note reader (assistant.patient.note) does not exist yet; nothing to score", file=sys.stderr)
        return 2
    try:
        cases = load_cases(args.cases, args.protocols)
        predictor = system_predictor()
        scores = score(cases, predictor)
        wrong = misses(cases, predictor) if args.misses else []
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(format_scores(scores))
    if wrong:
        print("\n".join(["", "pairs that differ from their label:", *wrong]))
    if args.json is not None:
        args.json.write_text(json.dumps(scores.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
