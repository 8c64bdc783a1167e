"""How much of the protocols' criteria the rule compiler makes executable.

Run: ``.venv/bin/python eval/compile_coverage.py [PROTOCOLS_DIR] [--json]`` (default ``../shared/protocols``).

Every criterion of every record is compiled (``assistant.rules.compile.compile_rule``). A criterion
is executable when its rule is not only ``needs_review``; administrative criteria (consent,
compliance, logistics) are counted apart, as are criteria whose rule is ``needs_review`` but which
concern only some patients (``applies_to``: not applicable to the others). Executable rules with a
part left for review (a narrowing remark, an unlinked item of a list) decide one way only; they are
counted among the executable ones and also apart. Groups the protocols state (items under a lead-in such as
"one of the following:", alternatives side by side; ``assistant.rules.compile.groups``) are counted by how
their items combine. The seed
(``protocols/seed``) is reported apart from the other records.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.errors import AssistantError  # noqa: E402
from assistant.parse import parse_protocol  # noqa: E402
from assistant.patient.concepts import load_concepts  # noqa: E402
from assistant.rules.compile import compile_rule, protocol_abbreviations  # noqa: E402
from assistant.rules.compile.groups import draft_groups  # noqa: E402

DEFAULT_DIR = ROOT.parent / "shared" / "protocols"


def _has_review(node: object) -> bool:
    """True when a rule tree holds a ``needs_review`` part: data can decide it one way only."""
    if isinstance(node, list):
        return any(_has_review(item) for item in node)
    if isinstance(node, dict):
        return "needs_review" in node or any(_has_review(value) for value in node.values())
    return False


def _tally(paths: list[Path]) -> dict[str, object]:
    concepts = load_concepts()
    total = executable = administrative = scoped = protocols = one_sided = 0
    by_kind: Counter[str] = Counter()
    review_kind: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    seen: set[str] = set()
    for path in paths:
        try:
            protocol = parse_protocol(path)
        except AssistantError:
            continue
        if protocol.id in seen:  # the registry fixtures hold aliases of one record
            continue
        seen.add(protocol.id)
        protocols += 1
        abbreviations = protocol_abbreviations(protocol.text)
        groups.update(group["join"] for group in draft_groups(protocol))
        for criterion in protocol.criteria:
            compiled = compile_rule(criterion, concepts, abbreviations)
            total += 1
            if compiled.executable:
                executable += 1
                by_kind[compiled.kind] += 1
                one_sided += _has_review(compiled.when)
            elif compiled.category == "administrative":
                administrative += 1
            else:
                review_kind[compiled.kind] += 1
                scoped += compiled.applies_to is not None
    clinical = total - administrative
    return {
        "protocols": protocols,
        "criteria": total,
        "executable": executable,
        "executable_share": executable / total if total else 0.0,
        "executable_with_a_part_for_review": one_sided,
        "administrative": administrative,
        "executable_share_of_clinical": executable / clinical if clinical else 0.0,
        "needs_review_not_applicable_to_some": scoped,
        "executable_by_kind": dict(by_kind.most_common()),
        "needs_review_by_kind": dict(review_kind.most_common()),
        "groups_by_join": dict(groups.most_common()),
    }


def evaluate(protocols_dir: Path = DEFAULT_DIR) -> dict[str, object]:
    """Coverage for the seed and for all other records under ``protocols_dir``."""
    files = sorted(p for p in protocols_dir.rglob("*") if p.is_file())
    seed = [p for p in files if "seed" in p.relative_to(protocols_dir).parts]
    others = [p for p in files if p not in seed]
    return {"seed": _tally(seed), "records": _tally(others)}


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    result = evaluate(Path(args[0]) if args else DEFAULT_DIR)
    if "--json" in sys.argv:
        print(json.dumps(result, indent=2))
    else:
        for part, figures in result.items():
            print(f"[{part}]")
            for key, value in figures.items():  # type: ignore[attr-defined]
                print(f"  {key}: {value:.3f}" if isinstance(value, float) else f"  {key}: {value}")
