"""Threshold reading of the rule compiler on the Chia development set (the logic is ``assistant.evaluation.chia``).

Run: ``.venv/bin/python eval/chia_compiler.py [CHIA_DIR] [--json]`` (default ``../shared/criteria/chia-dev``),
or ``protocol-assistant eval --set chia``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluation import chia  # noqa: E402
from assistant.evaluation.chia import Gold, gold_threshold, read_ann  # noqa: E402

DEFAULT_DIR = ROOT.parent / "shared" / "criteria" / "chia-dev"

__all__ = ["DEFAULT_DIR", "Gold", "evaluate", "gold_threshold", "read_ann"]


def evaluate(chia_dir: Path = DEFAULT_DIR) -> dict[str, float]:
    """Precision and recall of threshold extraction on the Chia files in ``chia_dir``."""
    return chia.evaluate(chia_dir)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    result = evaluate(Path(args[0]) if args else DEFAULT_DIR)
    if "--json" in sys.argv:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key}: {value:.3f}" if key.endswith(("precision", "recall")) else f"{key}: {int(value)}")
