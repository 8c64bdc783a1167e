"""Bulk pre-screening: FHIR bundles, facts files and notes built here (and malformed ones) against real protocols."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant.cli import load_commands
from assistant.errors import InputPathError, UnknownProtocolError
from assistant.index import ProtocolIndex
from assistant.parse import parse_protocol
from assistant.screen import CSV_COLUMNS, ScreenRow, ranked, screen, select_protocols
from assistant.settings import Settings
from tests.conftest import SEED, SHARED_PROTOCOLS

AS_OF = dt.date(2024, 6, 3)
SEED_ID = "NCT01267695"
# A real record whose eligibility asks for ECOG 0 or 1 and excludes untreated CNS metastases (compiled rules).
OTHER = SHARED_PROTOCOLS / "ctgov-legacy-xml" / "NCT03424005.xml"
OTHER_ID = "NCT03424005"


def _observation(rid: str, loinc: str, display: str, value: dict[str, Any], day: str = "2024-05-28") -> dict[str, Any]:
    return {
        "resource": {
            "resourceType": "Observation",
            "id": rid,
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": loinc, "display": display}]},
            "subject": {"reference": "Patient/pt"},
            "effectiveDateTime": day,
            **value,
        }
    }


def bundle(ecog: Any, platelets: float = 245) -> dict[str, Any]:
    """A FHIR R4 collection bundle: a woman born 1968 with an ECOG score and a platelet count."""
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": {"resourceType": "Patient", "id": "pt", "birthDate": "1968-04-12", "gender": "female"}},
            _observation("ecog", "89247-1", "ECOG performance status", {"valueInteger": ecog}),
            _observation(
                "plt",
                "777-3",
                "Platelets [#/volume] in Blood",
                {"valueQuantity": {"value": platelets, "unit": "10*9/L", "system": "http://unitsofmeasure.org"}},
            ),
        ],
    }


NOTE_ECOG_4 = (
    "Oncology clinic note 28 May 2024.\n"
    "58 year old woman with a gastric GIST on core biopsy.\n"
    "ECOG performance status 4, bedbound.\n"
    "Platelets 245 x10^9/L.\n"
)
NOTE_ECOG_1 = "Clinic note. 56 year old woman. ECOG 1. Platelets 210 x10^9/L.\n"
FACTS_FILE = (
    "patient:\n  id: facts-pt\n  birth_date: 1970-01-02\n  sex: male\n"
    "observations:\n  - {concept: ecog, value: 0, date: 2024-05-28}\n"
)


def _write(folder: Path, name: str, content: str | dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def screen_index(tmp_path_factory: pytest.TempPathFactory) -> ProtocolIndex:
    from assistant.embed import HashingEmbedder

    settings = Settings(data_dir=tmp_path_factory.mktemp("screen") / "data", embedder="fake")
    index = ProtocolIndex(settings, embedder=HashingEmbedder())
    index.ingest([parse_protocol(SEED), parse_protocol(OTHER)])
    return index


PATIENTS = [
    pytest.param("ecog3.fhir.json", bundle(3), {SEED_ID: "ok", OTHER_ID: "ok"}, None, id="fhir-ecog-3"),
    pytest.param("ecog1.fhir.json", bundle(1), {SEED_ID: "ok", OTHER_ID: "ok"}, None, id="fhir-ecog-1"),
    pytest.param("ecog4.txt", NOTE_ECOG_4, {SEED_ID: "ok", OTHER_ID: "ok"}, None, id="note-ecog-4"),
    pytest.param("ecog1.txt", NOTE_ECOG_1, {SEED_ID: "ok", OTHER_ID: "ok"}, None, id="note-ecog-1"),
    pytest.param("facts.yaml", FACTS_FILE, {SEED_ID: "ok", OTHER_ID: "ok"}, None, id="facts-file"),
    pytest.param(
        "bad-value.fhir.json",
        bundle("three"),
        {SEED_ID: "error", OTHER_ID: "error"},
        "valueInteger",
        id="fhir-ecog-as-text",
    ),
    pytest.param(
        "truncated.fhir.json",
        json.dumps(bundle(2))[:-40],
        {SEED_ID: "error", OTHER_ID: "error"},
        "not valid JSON",
        id="truncated-json",
    ),
    pytest.param(
        "wrong-resource.json",
        {"resourceType": "Patient", "id": "x"},
        {SEED_ID: "error", OTHER_ID: "error"},
        "resourceType",
        id="not-a-bundle",
    ),
]

# ECOG decides the ECOG criterion of each protocol: the seed allows 0-3, the other record 0 or 1.
ECOG_VERDICT = {
    "ecog3.fhir.json": {SEED_ID: "satisfied", OTHER_ID: "violated"},
    "ecog1.fhir.json": {SEED_ID: "satisfied", OTHER_ID: "satisfied"},
    "ecog4.txt": {SEED_ID: "violated", OTHER_ID: "violated"},
    "ecog1.txt": {SEED_ID: "satisfied", OTHER_ID: "satisfied"},
    "facts.yaml": {SEED_ID: "satisfied", OTHER_ID: "satisfied"},
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("patients")
    for p in PATIENTS:
        name, content = p.values[0], p.values[1]
        _write(path, str(name), content)  # type: ignore[arg-type]
    return path


@pytest.fixture(scope="module")
def result(folder: Path, screen_index: ProtocolIndex) -> Any:
    files = [(p.name, p) for p in sorted(folder.iterdir())]
    return screen(files, ["all"], AS_OF, screen_index.settings, workers=2, index=screen_index)


@pytest.mark.parametrize(("name", "content", "statuses", "error"), PATIENTS)
def test_every_patient_gets_a_row_per_protocol(
    result: Any, name: str, content: object, statuses: dict[str, str], error: str | None
) -> None:
    rows = {r.protocol: r for r in result.for_patient(name)}
    assert {p: r.status for p, r in rows.items()} == statuses
    if error is None:
        assert all(r.overall in ("eligible", "ineligible", "undetermined") and not r.message for r in rows.values())
        # a violated ECOG criterion shows among the violated ids, a satisfied one does not
        for protocol_id, row in rows.items():
            ecog = _ecog_criterion(protocol_id)
            assert (ecog in row.violated) == (ECOG_VERDICT[name][protocol_id] == "violated")
            assert row.rank in (1, 2)
    else:
        for row in rows.values():
            assert row.overall is None and row.rank is None
            assert name in row.message and error in row.message


def _ecog_criterion(protocol_id: str) -> str:
    protocol = parse_protocol(SEED if protocol_id == SEED_ID else OTHER)
    return next(c.id for c in protocol.criteria if "ECOG" in c.text and c.type == "inclusion")


def test_one_worker_and_two_give_the_same_rows(folder: Path, screen_index: ProtocolIndex, result: Any) -> None:
    files = [(p.name, p) for p in sorted(folder.iterdir())]
    serial = screen(files, [SEED_ID, OTHER_ID], AS_OF, screen_index.settings, workers=1, index=screen_index)
    assert serial.workers == 1 and result.workers == 2
    assert serial.rows == result.rows


def test_unknowns_and_what_to_order_come_from_the_check(result: Any) -> None:
    row = next(r for r in result.for_patient("ecog1.fhir.json") if r.protocol == SEED_ID)
    assert row.overall == "undetermined" and row.unknowns > 0
    # the bundle has no liver tests: ordering them would settle the seed's hepatic criteria
    assert any("bilirubin" in item for item in row.to_order)


def _row(protocol: str, overall: str | None, unknowns: int = 0, reviews: int = 0) -> ScreenRow:
    if overall is None:
        return ScreenRow("p", protocol, "error", message="p: broken")
    return ScreenRow("p", protocol, "ok", overall, unknowns=unknowns, needs_review=reviews)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rows", "order"),
    [
        pytest.param(
            [_row("A", "ineligible"), _row("B", "undetermined", 3), _row("C", "undetermined", 1)],
            ["C", "B", "A"],
            id="ineligible-last-then-fewest-unknowns",
        ),
        pytest.param(
            [_row("A", "undetermined", 0, 2), _row("B", "eligible"), _row("C", "ineligible", 0)],
            ["B", "A", "C"],
            id="eligible-before-review",
        ),
        pytest.param(
            [_row("A", None), _row("B", "ineligible"), _row("C", "undetermined", 9)],
            ["C", "B", "A"],
            id="errors-unranked-after",
        ),
        pytest.param(
            [_row("B", "undetermined", 2), _row("A", "undetermined", 2)], ["A", "B"], id="ties-by-protocol-id"
        ),
    ],
)
def test_ranking(rows: list[ScreenRow], order: list[str]) -> None:
    out = ranked(rows)
    assert [r.protocol for r in out] == order
    assert [r.rank for r in out] == [i + 1 if r.status == "ok" else None for i, r in enumerate(out)]


@pytest.mark.parametrize(
    ("available", "wanted", "expected"),
    [
        pytest.param(["B", "A"], ["all"], ["A", "B"], id="all"),
        pytest.param(["B", "A"], ["B", "B"], ["B"], id="named-once"),
        pytest.param(["A"], ["Z"], UnknownProtocolError, id="unknown"),
        pytest.param([], ["all"], InputPathError, id="nothing-indexed"),
        pytest.param(["A"], [], InputPathError, id="none-given"),
    ],
)
def test_protocol_selection(available: list[str], wanted: list[str], expected: Any) -> None:
    if isinstance(expected, list):
        assert select_protocols(available, wanted) == expected
    else:
        with pytest.raises(expected):
            select_protocols(available, wanted)


def test_cli_writes_the_csv_columns_and_json(cli_env: Path, folder: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    app = load_commands()
    assert runner.invoke(app, ["ingest", str(SEED), str(OTHER)]).exit_code == 0
    out, as_json = tmp_path / "screen.csv", tmp_path / "screen.json"
    res = runner.invoke(
        app,
        ["screen", "--patients", str(folder), "--protocols", f"{SEED_ID},{OTHER_ID}", "--as-of", "2024-06-03"]
        + ["--out", str(out), "--json", str(as_json), "--workers", "2"],
    )
    assert res.exit_code == 0, res.output
    with out.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
        rows = list(reader)
    assert len(rows) == len(PATIENTS) * 2
    first = rows[0]
    assert first["patient"] == "bad-value.fhir.json" and first["status"] == "error" and first["rank"] == ""
    ranks = sorted(r["rank"] for r in rows if r["patient"] == "ecog3.fhir.json")
    assert ranks == ["1", "2"]
    ecog3 = {r["protocol"]: r for r in rows if r["patient"] == "ecog3.fhir.json"}
    assert ecog3[OTHER_ID]["overall"] == "ineligible" and ecog3[OTHER_ID]["rank"] == "2"
    assert json.loads(as_json.read_text(encoding="utf-8"))["patients"] == len(PATIENTS)
    assert "bad-value.fhir.json" in res.output  # the error is named, the run went on


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--patients", "/nonexistent-folder"], "is not a folder", id="missing-folder"),
        pytest.param(["--as-of", "2024-13-01"], "--as-of", id="bad-date"),
        pytest.param(["--protocols", "NCT99999999"], "unknown protocol", id="unknown-protocol"),
    ],
)
def test_cli_errors_are_one_line(cli_env: Path, folder: Path, tmp_path: Path, args: list[str], message: str) -> None:
    base = {"--patients": str(folder), "--protocols": SEED_ID, "--out": str(tmp_path / "x.csv")}
    for i in range(0, len(args), 2):
        base[args[i]] = args[i + 1]
    res = CliRunner().invoke(load_commands(), ["screen", *[x for kv in base.items() for x in kv]])
    assert res.exit_code == 2 and message in res.output and "Traceback" not in res.output
