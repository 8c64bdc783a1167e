"""Run an evaluation set of general questions through ``ask`` and score each answer.

Usage: ``python eval/evaluate.py [eval/questions.yaml] [--json]`` — prints one line per question and a
summary; exits non-zero when any question fails. The test suite runs the same checks.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.types import Answer, Protocol  # noqa: E402


@dataclass
class Outcome:
    """How one answer fared against its expectations."""

    id: str
    question: str
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def _fold(text: str) -> str:
    return " ".join(text.replace("〉", ">").split()).lower()


def load_set(path: Path) -> dict[str, Any]:
    """The evaluation set as data."""
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")))


def score(item: dict[str, Any], answer: Answer, protocol: Protocol) -> Outcome:
    """Check one answer: abstention, expected facts, cited criteria and sections, exact quotes."""
    outcome = Outcome(item["id"], item["question"])
    cited = answer.citations
    for citation in cited:
        if protocol.text[citation.start : citation.end] != citation.quote:
            outcome.problems.append(f"quote is not the protocol's text at {citation.start}-{citation.end}")
    if item.get("abstain"):
        if not answer.abstained or cited:
            outcome.problems.append("expected an abstention with no citation")
        return outcome
    if answer.abstained:
        outcome.problems.append("abstained, but the protocol answers this")
        return outcome
    text = _fold(answer.text)
    for fact in item.get("facts", []):
        alternatives = fact if isinstance(fact, list) else [fact]  # any one wording will do
        if not any(_fold(alternative) in text for alternative in alternatives):
            outcome.problems.append(f"missing fact {fact!r}")
    ids = {c.criterion_id for c in cited}
    for criterion_id in item.get("criteria", []):
        if criterion_id not in ids:
            outcome.problems.append(f"does not cite {criterion_id}")
    sections = item.get("sections")
    if sections and not any(c.section in sections for c in cited):
        outcome.problems.append(f"cites no passage in {sections}")
    return outcome


def run(path: Path = ROOT / "eval" / "questions.yaml") -> list[Outcome]:
    """Ask every question of the set through the chat chain (what ``ask`` does) and score the answers."""
    from assistant.chat.chain import respond_once
    from assistant.cli.corpus_cmds import open_index
    from assistant.settings import get_settings, quiet_environment

    quiet_environment()
    data = load_set(path)
    settings = get_settings()
    index = open_index(settings)
    protocol = index.store.load(data["protocol"])
    return [
        score(item, respond_once(item["question"], index, settings, data["protocol"]).answer, protocol)
        for item in data["questions"]
    ]


def main(argv: list[str]) -> int:
    path = Path(next((a for a in argv if not a.startswith("--")), ROOT / "eval" / "questions.yaml"))
    outcomes = run(path)
    if "--json" in argv:
        print(json.dumps([{"id": o.id, "passed": o.passed, "problems": o.problems} for o in outcomes], indent=2))
    else:
        for o in outcomes:
            print(f"{'PASS' if o.passed else 'FAIL'}  {o.id:<20} {'; '.join(o.problems)}")
    passed = sum(o.passed for o in outcomes)
    print(f"{passed}/{len(outcomes)} questions passed")
    return 0 if passed == len(outcomes) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
