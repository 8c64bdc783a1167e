"""Score the de-identifier on the hand-labelled chat messages of ``eval/deid_messages.yaml``.

Run: ``.venv/bin/python eval/deid_eval.py [--messages FILE] [--json FILE] [--timing]``.

Figures (overall and per identifier type):
recall = labelled identifiers every character of which is replaced / labelled identifiers (each
occurrence of a labelled text counts);
span precision = replaced spans that overlap a labelled identifier / replaced spans;
character precision = replaced characters inside labelled identifiers / replaced characters.
``--criteria DIR`` also runs it over real eligibility criteria (the Chia corpus's ``*.txt``, one
criterion a line), which name no patient: every span replaced there is counted and listed as a
probable over-redaction (a full date in a criterion, such as a cut-off date, is listed apart).
``--timing`` also logs one audit exchange per message (question and answer) to a temporary file and
reports the median and 95th percentile milliseconds per exchange, the analyzer already built.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.deid import Identifier, find_identifiers  # noqa: E402

MESSAGES = ROOT / "eval" / "deid_messages.yaml"
CRITERIA = ROOT.parent / "shared" / "criteria" / "chia-dev"
TYPES = ("NAME", "DATE", "AGE", "MRN", "PHONE", "EMAIL", "ADDRESS", "SSN", "URL", "IP")


@dataclass(frozen=True, slots=True)
class Message:
    """One labelled message: its text and the (type, start, end) of every identifier in it."""

    id: str
    text: str
    spans: tuple[tuple[str, int, int], ...]


@dataclass(slots=True)
class Scores:
    """Counts behind the figures, overall and per type."""

    labelled: Counter[str] = field(default_factory=Counter)
    caught: Counter[str] = field(default_factory=Counter)
    predicted: Counter[str] = field(default_factory=Counter)
    predicted_true: Counter[str] = field(default_factory=Counter)
    redacted_chars: int = 0
    redacted_true_chars: int = 0
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return _ratio(sum(self.caught.values()), sum(self.labelled.values()))

    @property
    def span_precision(self) -> float:
        return _ratio(sum(self.predicted_true.values()), sum(self.predicted.values()))

    @property
    def char_precision(self) -> float:
        return _ratio(self.redacted_true_chars, self.redacted_chars)

    def to_json(self) -> dict[str, Any]:
        return {
            "recall": round(self.recall, 4),
            "span_precision": round(self.span_precision, 4),
            "char_precision": round(self.char_precision, 4),
            "identifiers": sum(self.labelled.values()),
            "per_type": {
                t: {
                    "labelled": self.labelled[t],
                    "recall": round(_ratio(self.caught[t], self.labelled[t]), 4),
                    "predicted": self.predicted[t],
                    "span_precision": round(_ratio(self.predicted_true[t], self.predicted[t]), 4),
                }
                for t in TYPES
                if self.labelled[t] or self.predicted[t]
            },
            "misses": self.misses,
            "false_positives": self.false_positives,
        }


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def load_messages(path: Path = MESSAGES) -> list[Message]:
    """The labelled messages; a label whose text is not in its message, or of an unknown type, is an error."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    messages: list[Message] = []
    for item in data["messages"]:
        text = item["text"]
        spans: list[tuple[str, int, int]] = []
        for label in item["identifiers"]:
            kind, needle = label["type"], label["text"]
            if kind not in TYPES:
                raise ValueError(f"{path}: message {item['id']}: unknown identifier type {kind!r}; known: {TYPES}")
            at = text.find(needle)
            if at < 0:
                raise ValueError(f"{path}: message {item['id']}: identifier {needle!r} is not in its text")
            while at >= 0:
                spans.append((kind, at, at + len(needle)))
                at = text.find(needle, at + 1)
        messages.append(Message(item["id"], text, tuple(sorted(set(spans), key=lambda s: s[1]))))
    return messages


def score(messages: Sequence[Message], find: Callable[[str], list[Identifier]] = find_identifiers) -> Scores:
    """Recall and precision of ``find`` on ``messages``."""
    scores = Scores()
    for message in messages:
        found = find(message.text)
        redacted = {i for f in found for i in range(f.start, f.end)}
        labelled = {i for _, start, end in message.spans for i in range(start, end)}
        for kind, start, end in message.spans:
            scores.labelled[kind] += 1
            if all(i in redacted for i in range(start, end)):
                scores.caught[kind] += 1
            else:
                scores.misses.append(f"{message.id}: {kind} {message.text[start:end]!r}")
        for f in found:
            scores.predicted[f.type] += 1
            if any(i in labelled for i in range(f.start, f.end)):
                scores.predicted_true[f.type] += 1
            else:
                scores.false_positives.append(f"{message.id}: {f.type} {f.text!r}")
        scores.redacted_chars += len(redacted)
        scores.redacted_true_chars += len(redacted & labelled)
    return scores


def criteria_redactions(folder: Path, limit: int | None = None) -> dict[str, Any]:
    """Spans replaced in the criterion lines of ``folder``'s ``*.txt`` files (``limit`` files at most)."""
    files = sorted(folder.glob("*.txt"))[:limit]
    lines = [line for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    spans = [(line, f) for line in lines for f in find_identifiers(line)]
    kinds = Counter(f.type for _, f in spans)
    return {
        "files": len(files),
        "criteria": len(lines),
        "characters": sum(len(line) for line in lines),
        "criteria_with_a_replacement": len({line for line, _ in spans}),
        "replaced_spans": dict(kinds),
        "replaced_non_date": [f"{f.type} {f.text!r} in {line[:90]!r}" for line, f in spans if f.type != "DATE"],
        "replaced_dates": [f.text for _, f in spans if f.type == "DATE"],
    }


def time_exchanges(messages: Sequence[Message]) -> dict[str, float]:
    """Median and 95th percentile milliseconds to log one exchange (question + answer) per message."""
    from assistant.audit import AuditRecord, append_exchange
    from assistant.settings import Settings

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder))
        find_identifiers("warm-up, Mr Example")
        times: list[float] = []
        for message in messages:
            record = AuditRecord(question=message.text, route="check", answer="The protocol does not say.")
            start = time.perf_counter()
            append_exchange(record, settings)
            times.append((time.perf_counter() - start) * 1000)
    cuts = statistics.quantiles(times, n=20)
    return {"exchanges": len(times), "p50_ms": round(statistics.median(times), 2), "p95_ms": round(cuts[18], 2)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--messages", type=Path, default=MESSAGES)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    parser.add_argument("--criteria", type=Path, default=None, help=f"criteria folder, e.g. {CRITERIA}")
    parser.add_argument("--timing", action="store_true", help="also time logging one exchange per message")
    args = parser.parse_args(argv)
    messages = load_messages(args.messages)
    result = score(messages).to_json()
    result["messages"] = len(messages)
    if args.criteria:
        result["criteria"] = criteria_redactions(args.criteria)
    if args.timing:
        result["timing"] = time_exchanges(messages)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
