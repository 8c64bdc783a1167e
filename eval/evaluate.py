"""Run an evaluation set of general questions through ``ask`` and score each answer.

Usage: ``python eval/evaluate.py [SET.yaml ...] [--json]`` — by default every set (``eval/questions.yaml`` and
``eval/questions/<NCT>.yaml``); prints one line per question and pass rates per protocol and per question
kind; exits non-zero when any question fails. The test suite runs the same checks.
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
    kind: str = "design"
    protocol: str = ""

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


SETS = ROOT / "eval" / "questions"
CORPUS_SETS = SETS.name
SHARED_PROTOCOLS = ROOT.parent / "shared" / "protocols"
KINDS = ("eligibility", "design", "list", "schedule", "unanswerable")


def all_sets() -> list[Path]:
    """The seed's set and one set per further protocol (``eval/questions/<NCT>.yaml``)."""
    return [ROOT / "eval" / "questions.yaml", *sorted(SETS.glob("NCT*.yaml"))]


def kind_of(item: dict[str, Any]) -> str:
    """The question's kind: as written, else unanswerable for an abstention, eligibility when it cites a
    criterion, design otherwise."""
    if item.get("kind"):
        return str(item["kind"])
    if item.get("abstain"):
        return "unanswerable"
    return "eligibility" if item.get("criteria") else "design"


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
