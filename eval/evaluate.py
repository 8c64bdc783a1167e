"""Run an evaluation set of general questions through ``ask`` and score each answer, one line per question.

The metrics over all sets come from ``protocol-assistant eval --set questions``; this script lists each
question's problems. Usage: ``python eval/evaluate.py [SET.yaml ...] [--json]`` — by default every set
(``eval/questions.yaml`` and ``eval/questions/<NCT>.yaml``); prints one line per question and pass rates per
protocol and per question kind; exits non-zero when any question fails. The test suite runs the same checks.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluation.answers import QuestionOutcome as Outcome  # noqa: E402
from assistant.evaluation.answers import score_answer  # noqa: E402
from assistant.evaluation.formats import Question, load_question_set  # noqa: E402
from assistant.evaluation.text import fold as _fold  # noqa: E402
from assistant.types import Answer, Protocol  # noqa: E402

__all__ = ["Outcome", "_fold", "all_sets", "kind_of", "load_set", "protocol_path", "run", "score"]


def load_set(path: Path) -> dict[str, Any]:
    """The evaluation set as data, validated (``assistant.evaluation.formats``)."""
    load_question_set(path)
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")))


def score(item: dict[str, Any], answer: Answer, protocol: Protocol) -> Outcome:
    """Check one answer: abstention, expected facts, cited criteria and sections, exact quotes."""
    return score_answer(Question.model_validate(item), answer, protocol)


SETS = ROOT / "eval" / "questions"
CORPUS_SETS = SETS.name
SHARED_PROTOCOLS = ROOT.parent / "shared" / "protocols"
KINDS = ("eligibility", "design", "list", "schedule", "unanswerable")


def all_sets() -> list[Path]:
    """The seed's set and one set per further protocol (``eval/questions/<NCT>.yaml``)."""
    return [ROOT / "eval" / "questions.yaml", *sorted(SETS.glob("NCT*.yaml"))]


def kind_of(item: dict[str, Any]) -> str:
    """The question's kind: as written, else unanswerable for an abstention, eligibility when it cites a criterion."""
    return Question.model_validate(item).resolved_kind


def protocol_path(data: dict[str, Any]) -> Path:
    """The file a set's protocol is read from: its ``source`` under the shared records, else the corpus."""
    source = data.get("source")
    return SHARED_PROTOCOLS / source if source else ROOT / "corpus" / f"{data['protocol']}.txt"


def run(path: Path = ROOT / "eval" / "questions.yaml", index: Any = None) -> list[Outcome]:
    """Ask every question of the set through the chat chain (what ``ask`` does) and score the answers."""
    from assistant.chat.chain import respond_once
    from assistant.parse import parse_protocol
    from assistant.settings import get_settings, quiet_environment

    quiet_environment()
    data = load_set(path)
    if index is None:
        from assistant.cli.corpus_cmds import open_index

        index = open_index(get_settings())
    if data["protocol"] not in index.store.ids():
        index.ingest([parse_protocol(protocol_path(data))])
    protocol = index.store.load(data["protocol"])
    outcomes = []
    for item in data["questions"]:
        outcome = score(item, respond_once(item["question"], index, index.settings, data["protocol"]).answer, protocol)
        outcome.kind, outcome.protocol = kind_of(item), data["protocol"]
        outcomes.append(outcome)
    return outcomes


def summary(outcomes: list[Outcome]) -> list[str]:
    """Pass rates per protocol and per question kind, and the overall figures."""
    lines = []
    for label, key in (("protocol", "protocol"), ("kind", "kind")):
        groups: dict[str, list[Outcome]] = {}
        for o in outcomes:
            groups.setdefault(getattr(o, key), []).append(o)
        for name, group in sorted(groups.items()):
            passed = sum(o.passed for o in group)
            lines.append(f"{label:<9} {name:<14} {passed:>3}/{len(group):<3} {100 * passed / len(group):5.1f}%")
    answerable = [o for o in outcomes if o.kind != "unanswerable"]
    unanswerable = [o for o in outcomes if o.kind == "unanswerable"]
    verbatim = sum(not any(p.startswith("quote is not") for p in o.problems) for o in outcomes)
    lines.append(
        f"answered with the expected facts and citations: {sum(o.passed for o in answerable)}/{len(answerable)}"
    )
    lines.append(f"unanswerable questions abstained: {sum(o.passed for o in unanswerable)}/{len(unanswerable)}")
    lines.append(f"answers whose quotes are all verbatim: {verbatim}/{len(outcomes)}")
    return lines


def main(argv: list[str]) -> int:
    named = [Path(a) for a in argv if not a.startswith("--")]
    paths = named or all_sets()
    import tempfile

    from assistant.index import ProtocolIndex
    from assistant.settings import get_settings

    with tempfile.TemporaryDirectory(prefix="evaluate-") as tmp:  # the records are indexed apart from the user's
        index = ProtocolIndex(get_settings().model_copy(update={"data_dir": Path(tmp)}))
        outcomes = [o for path in paths for o in run(path, index)]
    if "--json" in argv:
        print(
            json.dumps(
                [
                    {"id": o.id, "protocol": o.protocol, "kind": o.kind, "passed": o.passed, "problems": o.problems}
                    for o in outcomes
                ],
                indent=2,
            )
        )
    else:
        for o in outcomes:
            print(f"{'PASS' if o.passed else 'FAIL'}  {o.protocol} {o.id:<24} {'; '.join(o.problems)}")
        print("\n".join(summary(outcomes)))
    passed = sum(o.passed for o in outcomes)
    print(f"{passed}/{len(outcomes)} questions passed")
    return 0 if passed == len(outcomes) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
