"""Threshold reading of the rule compiler on the Chia development set (the logic is ``assistant.evaluation.chia``).

Run: ``.venv/bin/python eval/chia_compiler.py [CHIA_DIR] [--json] [--why]`` (default ``../shared/criteria/chia-dev``),
or ``protocol-assistant eval --set chia``. ``--why`` also lists, for every criterion with a gold threshold
whose rule is not executable, why the compiler left it for review, most frequent reason first.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluation import chia  # noqa: E402
from assistant.evaluation.chia import Gold, gold_threshold, read_ann  # noqa: E402
from assistant.patient.concepts import load_concepts  # noqa: E402
from assistant.rules.compile import compile_rule  # noqa: E402
from assistant.types import Criterion  # noqa: E402

DEFAULT_DIR = ROOT.parent / "shared" / "criteria" / "chia-dev"

__all__ = ["DEFAULT_DIR", "Gold", "evaluate", "gold_threshold", "read_ann", "why_not_executable"]


def evaluate(chia_dir: Path = DEFAULT_DIR) -> dict[str, float]:
    """Precision and recall of threshold extraction on the Chia files in ``chia_dir``."""
    return chia.evaluate(chia_dir)


def _threshold_lines(chia_dir: Path) -> list[str]:
    """The criterion lines of ``chia_dir`` that hold a gold Measurement threshold with a number."""
    lines: list[str] = []
    for ann in sorted(chia_dir.glob("*.ann")):
        txt = ann.with_suffix(".txt")
        if not txt.exists():
            continue
        text = txt.read_bytes().decode("utf-8")
        entities, relations = read_ann(ann)
        starts = [
            entities[arg2][1][0][0]
            for kind, arg1, arg2 in relations
            if kind == "Has_value"
            and arg1 in entities
            and arg2 in entities
            and entities[arg1][0] == "Measurement"
            and entities[arg2][0] == "Value"
            and gold_threshold(entities[arg2][2]) is not None
        ]
        offset = 0
        for line in text.split("\n"):
            start, end = offset, offset + len(line)
            offset = end + 1
            if any(start <= s < end + 1 for s in starts):
                lines.append(line.removesuffix("\r"))
    return lines


def _reason(note: str) -> str:
    """A review reason with its particulars (names, numbers, words) taken out, so like reasons count together."""
    reason = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", note)
    reason = re.sub(r"^read .*?, but ", "read …, but ", reason)
    reason = re.sub(r"not the words: .*$", "not the words: …", reason)
    reason = re.sub(r"\b(?:in|with unit) [^,;]+, which", r"in …, which", reason)
    return re.sub(r"\d+(?:\.\d+)?", "N", reason)


def why_not_executable(chia_dir: Path = DEFAULT_DIR) -> list[tuple[str, int, list[str]]]:
    """(reason, count, up to three criteria) for the threshold criteria whose rule needs review."""
    concepts = load_concepts()
    grouped: dict[str, list[str]] = {}
    for line in _threshold_lines(chia_dir):
        compiled = compile_rule(Criterion("chia:I1", "inclusion", line, 0, len(line)), concepts)
        if not compiled.executable:
            grouped.setdefault(_reason(str(compiled.when["needs_review"])), []).append(line)
    counts = Counter({reason: len(lines) for reason, lines in grouped.items()})
    return [(reason, count, grouped[reason][:3]) for reason, count in counts.most_common()]


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    chia_dir = Path(args[0]) if args else DEFAULT_DIR
    result = evaluate(chia_dir)
    if "--json" in sys.argv:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key}: {value:.3f}" if key.endswith(("precision", "recall")) else f"{key}: {int(value)}")
    if "--why" in sys.argv:
        print("\nnot executable, by reason:")
        for reason, count, examples in why_not_executable(chia_dir):
            print(f"{count:4d}  {reason}")
            for example in examples:
                print(f"        {example[:140]}")
