"""Seeded fuzzing of ingest: real records of the shared protocols, mutated, run through the CLI.

Each generated input is a file handed to ``protocol-assistant ingest`` (typer's CliRunner, fake
embedder, a temporary data dir). Every run must end in a clean exit: no traceback, no run over the
time limit, a non-zero exit for every input that must fail, and an index unchanged (protocol ids,
hashes, states, chunk ids and metadata) after every failed ingest.

Run more inputs with ``PA_FUZZ_N=2000`` (``make fuzz``).
"""

from __future__ import annotations

import copy
import json
import os
import random
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from typer.testing import CliRunner

from assistant.cli import load_commands
from assistant.index import ProtocolIndex
from assistant.settings import Settings, get_settings
from tests.conftest import SEED, SHARED_PROTOCOLS

TIME_LIMIT_S = 30
BAD_IDS = ("", " ", "../../x", "/tmp/abs", "NCT1,NCT2", "NCT0000:0001", "NCT00000001\x00", "x" * 80, "1abc", "NCT123")
# Fields the parser reads, by path under protocolSection, with the JSON type the API v2 schema gives them.
READ_FIELDS: tuple[tuple[str, type], ...] = (
    ("identificationModule", dict),
    ("identificationModule.nctId", str),
    ("identificationModule.briefTitle", str),
    ("identificationModule.officialTitle", str),
    ("statusModule", dict),
    ("statusModule.overallStatus", str),
    ("statusModule.startDateStruct", dict),
    ("designModule", dict),
    ("designModule.phases", list),
    ("designModule.designInfo", dict),
    ("designModule.enrollmentInfo.count", int),
    ("eligibilityModule", dict),
    ("eligibilityModule.eligibilityCriteria", str),
    ("eligibilityModule.sex", str),
    ("eligibilityModule.minimumAge", str),
    ("eligibilityModule.healthyVolunteers", bool),
    ("descriptionModule.briefSummary", str),
    ("conditionsModule.conditions", list),
    ("conditionsModule.keywords", list),
    ("armsInterventionsModule.armGroups", list),
    ("armsInterventionsModule.interventions", list),
    ("armsInterventionsModule.interventions.0.type", str),
    ("armsInterventionsModule.interventions.0.otherNames", list),
    ("outcomesModule.primaryOutcomes", list),
    ("outcomesModule.primaryOutcomes.0.measure", str),
    ("sponsorCollaboratorsModule.leadSponsor", dict),
    ("sponsorCollaboratorsModule.collaborators", list),
    ("contactsLocationsModule.locations", list),
    ("contactsLocationsModule.locations.0.city", str),
)
WRONG_VALUES: dict[type, tuple[Any, ...]] = {
    str: (123, 1.5, True, ["a"], {"a": "b"}),
    list: ("text", 7, {"a": 1}, True),
    dict: ("text", 7, [1, 2], False),
    int: ("40", 1.5, True, [40]),
    bool: ("yes", 1, [True], {"v": True}),
}


@dataclass(frozen=True)
class Case:
    """One generated input."""

    name: str
    suffix: str
    data: bytes
    must_fail: bool


@dataclass
class Outcome:
    """What the runs did."""

    inputs: int = 0
    tracebacks: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    wrong_exits: list[str] = field(default_factory=list)
    index_changes: list[str] = field(default_factory=list)
    passed: int = 0
    slowest_s: float = 0.0

    def summary(self) -> str:
        return (
            f"inputs={self.inputs} tracebacks={len(self.tracebacks)} hangs={len(self.hangs)} "
            f"wrong_exits={len(self.wrong_exits)} index_changes={len(self.index_changes)} "
            f"accepted={self.passed} slowest={self.slowest_s:.2f}s"
        )


def _node(record: Any, path: str) -> tuple[Any, str | int] | None:
    """(parent, key) of ``path`` in ``record`` when it exists."""
    node = record
    *parents, last = path.split(".")
    for part in parents:
        key: str | int = int(part) if part.isdigit() else part
        in_dict = isinstance(node, dict) and isinstance(key, str) and key in node
        in_list = isinstance(node, list) and isinstance(key, int) and key < len(node)
        if not (in_dict or in_list):
            return None
        node = node[key]
    final: str | int = int(last) if last.isdigit() else last
    if (isinstance(node, dict) and final in node) or (isinstance(node, list) and isinstance(final, int)):
        return node, final
    return None


def _all_keys(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from _all_keys(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node[:3]):
            yield from _all_keys(value, (*prefix, i))


def _deep(depth: int, rng: random.Random) -> str:
    opener, closer = rng.choice((("[", "]"), ('{"a":', "}")))
    return opener * depth + "1" + closer * depth


def _json_cases(name: str, record: dict[str, Any], rng: random.Random) -> Iterator[Case]:
    text = json.dumps(record)
    while True:
        kind = rng.choice(("wrong_type", "delete", "deep", "huge_int", "bad_id", "truncate", "odd_bytes"))
        mutated = copy.deepcopy(record)
        if kind == "wrong_type":
            present = [(p, t) for p, t in READ_FIELDS if _node(mutated["protocolSection"], p)]
            path, kind_of = rng.choice(present)
            found = _node(mutated["protocolSection"], path)
            assert found is not None
            parent, key = found
            parent[key] = rng.choice(WRONG_VALUES[kind_of])
            yield Case(f"{name}:wrong_type:{path}", ".json", json.dumps(mutated).encode(), True)
        elif kind == "delete":
            keys = list(_all_keys(mutated))
            path_keys = rng.choice(keys)
            node: Any = mutated
            for key in path_keys[:-1]:
                node = node[key]
            del node[path_keys[-1]]
            yield Case(f"{name}:delete:{'.'.join(map(str, path_keys))}", ".json", json.dumps(mutated).encode(), False)
        elif kind == "deep":
            depth = rng.choice((100, 1000, 10_000, 100_000))
            body = json.dumps(mutated)
            marker = '"protocolSection": {'
            at = body.index(marker) + len(marker)
            data = body[:at] + f'"deep": {_deep(depth, rng)}, ' + body[at:]
            yield Case(f"{name}:deep:{depth}", ".json", data.encode(), True)
        elif kind == "huge_int":
            digits = rng.choice((31, 100, 5000, 100_000))
            body = json.dumps(mutated)
            at = body.index('"protocolSection": {') + len('"protocolSection": {')
            data = body[:at] + f'"big": {"9" * digits}, ' + body[at:]
            yield Case(f"{name}:huge_int:{digits}", ".json", data.encode(), True)
        elif kind == "bad_id":
            bad = rng.choice(BAD_IDS)
            mutated["protocolSection"]["identificationModule"]["nctId"] = bad
            yield Case(f"{name}:bad_id:{bad!r}", ".json", json.dumps(mutated).encode(), True)
        elif kind == "truncate":
            cut = rng.randrange(1, len(text) - 1)
            yield Case(f"{name}:truncate:{cut}", ".json", text[:cut].encode(), True)
        else:
            raw = text.encode()
            at = rng.randrange(len(raw))
            odd = rng.choice((b"\xff", b"\x00", b"\xc3\x28", b"\xed\xa0\x80"))
            yield Case(f"{name}:odd_bytes:{at}", ".json", raw[:at] + odd + raw[at:], True)


def _xml_cases(name: str, text: str, rng: random.Random) -> Iterator[Case]:
    nct = text[text.index("<nct_id>") + 8 : text.index("</nct_id>")]
    while True:
        kind = rng.choice(("child", "bad_id", "truncate", "deep", "odd_bytes", "delete", "entities"))
        if kind == "child":
            tag = rng.choice(("nct_id", "textblock", "brief_title", "overall_status"))
            if f"<{tag}>" not in text:
                continue
            data = text.replace(f"<{tag}>", f"<{tag}><b>x</b>", 1)
            yield Case(f"{name}:child:{tag}", ".xml", data.encode(), True)
        elif kind == "bad_id":
            bad = rng.choice([b for b in BAD_IDS if "\x00" not in b and b.strip()])
            data = text.replace(f"<nct_id>{nct}</nct_id>", f"<nct_id>{bad}</nct_id>", 1)
            yield Case(f"{name}:bad_id:{bad!r}", ".xml", data.encode(), True)
        elif kind == "truncate":
            cut = rng.randrange(1, text.rindex("</clinical_study>"))
            yield Case(f"{name}:truncate:{cut}", ".xml", text[:cut].encode(), True)
        elif kind == "deep":
            depth = rng.choice((100, 1000, 50_000))
            data = text.replace("</clinical_study>", "<x>" * depth + "</x>" * depth + "</clinical_study>")
            yield Case(f"{name}:deep:{depth}", ".xml", data.encode(), True)
        elif kind == "odd_bytes":
            raw = text.encode()
            at = rng.randrange(len(raw))
            yield Case(f"{name}:odd_bytes:{at}", ".xml", raw[:at] + b"\xff\x00" + raw[at:], True)
        elif kind == "delete":
            tag = rng.choice(("brief_summary", "eligibility", "condition", "location", "arm_group", "sponsors"))
            start, end = text.find(f"<{tag}>"), text.find(f"</{tag}>")
            if start < 0 or end < 0:
                continue
            data = text[:start] + text[end + len(tag) + 3 :]
            yield Case(f"{name}:delete:{tag}", ".xml", data.encode(), False)
        else:
            bomb = '<!DOCTYPE s [<!ENTITY a "aaaaaaaaaa">' + "".join(
                f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
            )
            data = text.replace("<clinical_study", bomb + "]><clinical_study", 1).replace(
                "<brief_title>", "<brief_title>&i;", 1
            )
            yield Case(f"{name}:entities", ".xml", data.encode(), True)


def _text_cases(name: str, text: str, rng: random.Random) -> Iterator[Case]:
    """Mutations of a page text that is indexed before the runs (so a truncation is a shrink)."""
    while True:
        kind = rng.choice(("truncate", "spaces", "odd_bytes", "digits"))
        if kind == "truncate":
            cut = rng.randrange(1, len(text) * 45 // 100)
            yield Case(f"{name}:truncate:{cut}", ".txt", text[:cut].encode(), True)
        elif kind == "spaces":
            lines = text.split("\n")
            i = rng.randrange(len(lines))
            lines[i] = lines[i] + " " * rng.choice((1000, 40_000, 200_000)) + rng.choice(("", "x", ":"))
            yield Case(f"{name}:spaces:{i}", ".txt", "\n".join(lines).encode(), False)
        elif kind == "digits":
            at = rng.randrange(len(text))
            data = text[:at] + "9" * rng.choice((1000, 100_000)) + text[at:]
            yield Case(f"{name}:digits:{at}", ".txt", data.encode(), False)
        else:
            raw = text.encode()
            at = rng.randrange(len(raw))
            yield Case(f"{name}:odd_bytes:{at}", ".txt", raw[:at] + rng.choice((b"\xff", b"\x00")) + raw[at:], True)


def generate(n: int, seed: int = 1267695) -> list[Case]:
    """``n`` inputs, the same for the same seed, mutated from the shared records and the seed page."""
    rng = random.Random(seed)
    sources: list[Iterator[Case]] = []
    for path in sorted((SHARED_PROTOCOLS / "ctgov-v2-json").glob("*.json")):
        sources.append(_json_cases(path.stem, json.loads(path.read_text(encoding="utf-8")), rng))
    for path in sorted((SHARED_PROTOCOLS / "ctgov-legacy-xml").glob("*.xml"))[:12]:
        sources.append(_xml_cases(path.stem, path.read_text(encoding="utf-8"), rng))
    seed_text = SEED.read_text(encoding="utf-8")
    sources.extend([_text_cases(SEED.stem, seed_text, rng)] * 3)
    return [next(sources[i % len(sources)]) for i in range(n)]


def snapshot(data_dir: Path) -> tuple[Any, ...]:
    """Protocol ids, hashes and states, and chunk ids with their metadata: what a failed ingest must not change."""
    index = ProtocolIndex(Settings(data_dir=data_dir, embedder="fake"))
    chunks = index.collection.get(include=["metadatas"])
    return (
        tuple(sorted(index.store.states().items())),
        tuple(sorted((i, tuple(sorted(m.items()))) for i, m in zip(chunks["ids"], chunks["metadatas"], strict=True))),
    )


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _Timeout


def run_cases(cases: list[Case], work: Path, prime: Callable[[], list[Path]] | None = None) -> Outcome:
    """Ingest every case through the CLI in ``work`` and record what went wrong."""
    outcome = Outcome()
    data_dir = work / "data"
    saved = {key: os.environ.get(key) for key in ("PA_DATA_DIR", "PA_EMBEDDER")}
    os.environ["PA_DATA_DIR"], os.environ["PA_EMBEDDER"] = str(data_dir), "fake"
    get_settings.cache_clear()
    app = load_commands()
    runner = CliRunner()
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        primed = prime() if prime else [SEED, *sorted((SHARED_PROTOCOLS / "ctgov-v2-json").glob("*.json"))]
        result = runner.invoke(app, ["ingest", "--skip-invalid", *map(str, primed)])
        assert result.exit_code == 0, result.output
        before = snapshot(data_dir)
        for i, case in enumerate(cases):
            path = work / f"case{i}{case.suffix}"
            path.write_bytes(case.data)
            started = time.monotonic()
            signal.alarm(TIME_LIMIT_S)
            try:
                result = runner.invoke(app, ["ingest", str(path)])
            except _Timeout:
                outcome.hangs.append(case.name)
                continue
            finally:
                signal.alarm(0)
                path.unlink()
            elapsed = time.monotonic() - started
            outcome.inputs += 1
            outcome.slowest_s = max(outcome.slowest_s, elapsed)
            if isinstance(result.exception, _Timeout) or elapsed > TIME_LIMIT_S:
                outcome.hangs.append(case.name)
            elif result.exception is not None and not isinstance(result.exception, SystemExit):
                outcome.tracebacks.append(f"{case.name}: {type(result.exception).__name__}: {result.exception}")
            elif result.exit_code != 0 and not result.stderr.rsplit("\r", 1)[-1].startswith("error: "):
                outcome.tracebacks.append(f"{case.name}: exit {result.exit_code} without an error line")
            if case.must_fail and result.exit_code == 0:
                outcome.wrong_exits.append(case.name)
            after = snapshot(data_dir)
            if result.exit_code != 0 and after != before:
                outcome.index_changes.append(case.name)
            if result.exit_code == 0:
                outcome.passed += 1
            before = after
    finally:
        signal.signal(signal.SIGALRM, previous)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        get_settings.cache_clear()
    return outcome


def fuzz_count(default: int = 200) -> int:
    """How many inputs to generate: ``PA_FUZZ_N`` or ``default``."""
    return int(os.environ.get("PA_FUZZ_N", default))
