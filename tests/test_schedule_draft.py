"""Drafted schedules: each step of five shared protocols checked against the text, the CLI, and the chat."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from assistant.chat.chain import ChatSession
from assistant.cli import load_commands
from assistant.errors import ScheduleError
from assistant.index import ProtocolIndex
from assistant.parse import parse_protocol
from assistant.schedule.draft import DRAFTED_NOTE, draft_schedule, dump_schedule, refuse_reviewed
from assistant.settings import Settings
from assistant.types import Protocol
from tests.conftest import CORPUS, ROOT, SHARED_PROTOCOLS, CountingEmbedder

QUESTIONS: list[dict[str, Any]] = yaml.safe_load(
    (ROOT / "eval" / "schedule_drafts" / "questions.yaml").read_text(encoding="utf-8")
)["questions"]

# Steps expected from reading each record: (id, rule, reference, min, max-or-length).
EXPECTED = [
    pytest.param(
        "ctgov-v2-json/NCT00763412.json",
        [
            ("treatment_start", "given_by", "start", None, None),
            ("course_end", "ends_course", "treatment_start", None, {"years": 2}),
            *[
                (f"follow_up_{k}", "after", "treatment_start", {"months": 3 * k}, {"months": 3 * k})
                for k in range(1, 9)
            ],
        ],
        id="NCT00763412-2-years-visits-every-3-months",
    ),
    pytest.param(
        "ctgov-legacy-xml/NCT01534533.xml",
        [
            ("treatment_start", "given_by", "start", None, None),
            ("course_end", "ends_course", "treatment_start", None, {"months": 12}),
        ],
        id="NCT01534533-12-months",
    ),
    pytest.param(
        "ctgov-legacy-xml/NCT00081588.xml",
        [
            ("treatment_start", "given_by", "start", None, None),
            ("course_end", "ends_course", "treatment_start", None, {"weeks": 144}),
        ],
        id="NCT00081588-144-weeks",
    ),
    pytest.param(
        "ctgov-legacy-xml/NCT02389088.xml",
        [
            ("treatment_start", "given_by", "start", None, None),
            ("window", "after", "treatment_start", {"weeks": 4}, {"weeks": 4}),
            ("course_end", "ends_course", "window", None, {"days": 14}),
            ("course_end_4", "ends_course", "treatment_start", None, {"weeks": 4}),
        ],
        id="NCT02389088-4-weeks-after-then-14-days",
    ),
    pytest.param(
        "ctgov-legacy-xml/NCT01220531.xml",
        [
            ("procedure", "given_by", "surgery", None, None),
            ("window", "after", "procedure", {"months": 2}, {"months": 3}),
            ("window_3", "after", "procedure", {"years": 1}, {"years": 1}),
            ("window_4", "after", "procedure", {"days": 3}, {"days": 5}),
            ("window_5", "after", "procedure", {"days": 5}, {"days": 5}),
            ("window_6", "after", "procedure", {"months": 6}, {"months": 6}),
            ("window_7", "after", "procedure", {"years": 1}, {"years": 1}),
            ("window_8", "after", "procedure", {"years": 1}, {"years": 1}),
        ],
        id="NCT01220531-windows-after-transplantation",
    ),
]


def _rule(step: dict[str, Any]) -> tuple[Any, ...]:
    if "after" in step:
        a = step["after"]
        return (step["id"], "after", a["step"], a["min"], a["max"])
    if "ends_course" in step:
        e = step["ends_course"]
        return (step["id"], "ends_course", e["started"], None, e["length"])
    return (step["id"], "given_by", step["given_by"], None, None)


@pytest.mark.parametrize(("file", "expected"), EXPECTED)
def test_drafted_steps_match_the_text(file: str, expected: list[tuple[Any, ...]]) -> None:
    protocol = parse_protocol(SHARED_PROTOCOLS / file)
    document = draft_schedule(protocol)
    assert document["status"] == "draft"
    assert [_rule(s) for s in document["steps"]] == expected
    for step in document["steps"]:
        for quote in step["citations"]:
            assert protocol.text.count(quote["quote"]) == 1


def test_seed_draft_reads_the_perioperative_timeline(seed: Protocol) -> None:
    rules = [_rule(s) for s in draft_schedule(seed)["steps"]]
    assert rules == [
        ("treatment_start", "given_by", "start", None, None),
        ("course_end", "ends_course", "treatment_start", None, {"months": 6}),
        ("procedure", "after", "course_end", {"weeks": 2}, {"weeks": 6}),
        ("window", "after", "procedure", {"weeks": 2}, {"weeks": 4}),
        ("course_end_5", "ends_course", "window", None, {"months": 18}),
    ]


@pytest.mark.parametrize("file", [pytest.param("ctgov-legacy-xml/NCT01642004.xml", id="until-progression-no-duration")])
def test_no_timeline_is_said(file: str) -> None:
    protocol = parse_protocol(SHARED_PROTOCOLS / file)
    with pytest.raises(ScheduleError, match=rf"no treatment timeline stated in {protocol.id}: nothing to draft"):
        draft_schedule(protocol)


@pytest.mark.parametrize(
    ("content", "refused"),
    [
        pytest.param(None, False, id="absent"),
        pytest.param("protocol: NCT01267695\nstatus: draft\n", False, id="draft"),
        pytest.param("protocol: NCT01267695\nstatus: reviewed\n", True, id="reviewed"),
        pytest.param(
            (CORPUS / "NCT01267695.schedule.yaml").read_text(encoding="utf-8"), True, id="no-status-is-reviewed"
        ),
    ],
)
def test_a_draft_never_overwrites_a_reviewed_file(tmp_path: Path, content: str | None, refused: bool) -> None:
    path = tmp_path / "x.schedule.yaml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    if refused:
        with pytest.raises(ScheduleError, match="reviewed schedule file"):
            refuse_reviewed(path)
    else:
        refuse_reviewed(path)


def test_cli_draft_then_compute(cli_env: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    app = load_commands()
    out = tmp_path / "seed.schedule.yaml"
    result = runner.invoke(app, ["schedule", "draft", "--protocol", "NCT01267695", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["status"] == "draft"
    refused = runner.invoke(
        app, ["schedule", "draft", "--protocol", "NCT01267695", "--out", str(CORPUS / "NCT01267695.schedule.yaml")]
    )
    assert refused.exit_code == 2 and "never overwrites" in refused.output
    computed = runner.invoke(app, ["schedule", "--protocol", "NCT01267695", "--start", "2025-03-03"])
    assert computed.exit_code == 0 and "2025-09-02" in computed.output


@pytest.mark.parametrize("item", QUESTIONS, ids=[q["id"] for q in QUESTIONS])
def test_drafted_schedule_through_the_chat(tmp_path: Path, item: dict[str, Any]) -> None:
    protocol = parse_protocol(SHARED_PROTOCOLS / item["file"])
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / f"{protocol.id}.schedule.draft.yaml").write_text(
        dump_schedule(draft_schedule(protocol)), encoding="utf-8"
    )
    settings = Settings(data_dir=tmp_path / "data", embedder="fake", corpus_dir=corpus)
    index = ProtocolIndex(settings, embedder=CountingEmbedder())
    index.ingest([protocol])
    response = ChatSession(index, settings).respond(item["question"], protocol_id=protocol.id, as_of="2026-11-24")
    data = response.to_json()
    assert data["route"]["schedule"], data["route"]
    steps = {s["id"]: s for s in data["schedule"]["steps"]}
    for step_id, window in item["expected"].items():
        assert (steps[step_id]["earliest"], steps[step_id]["latest"]) == (window["earliest"], window["latest"]), step_id
    assert DRAFTED_NOTE in response.notes
    assert any(s.text.startswith(DRAFTED_NOTE) for s in response.answer.statements)
    for citation in response.answer.citations:
        assert protocol.text[citation.start : citation.end] == citation.quote


def test_no_schedule_lists_only_indexed_protocols_with_one(tmp_path: Path, seed: Protocol) -> None:
    other = parse_protocol(SHARED_PROTOCOLS / "ctgov-legacy-xml/NCT01642004.xml")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "NCT01267695.schedule.yaml").write_text(
        (CORPUS / "NCT01267695.schedule.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (corpus / "NCT00763412.schedule.draft.yaml").write_text("not indexed", encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", embedder="fake", corpus_dir=corpus)
    index = ProtocolIndex(settings, embedder=CountingEmbedder())
    index.ingest([seed, other])
    response = ChatSession(index, settings).respond(
        "Treatment started on 3 March 2025; when does it end?", protocol_id=other.id, as_of="2026-11-24"
    )
    note = next(n for n in response.notes if n.startswith("No schedule"))
    assert note.endswith("indexed protocols with one: NCT01267695"), note
