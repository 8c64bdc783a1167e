"""The page's view models (assistant/ui), without Streamlit: rows, downloads, worksheet, read-back, uploads, schedule."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json

import pytest

from assistant.check import check_patient
from assistant.errors import PatientDataError
from assistant.patient import read_patient
from assistant.schedule.compute import compute_schedule
from assistant.schedule.load import load_schedule
from assistant.settings import Settings
from assistant.types import Protocol
from assistant.ui.facts import feedback, not_understood
from assistant.ui.patient import load_upload, newest_fact, staleness_warning
from assistant.ui.schedule import DASH, ics_bytes, needed_dates, schedule_rows, timeline_chart
from assistant.ui.transcript import given_dates
from assistant.ui.verdicts import (
    STATUS_ORDER,
    result_csv,
    result_json,
    rows_table_html,
    settle_checklist,
    split_rows,
    verdict_rows,
    worksheet_html,
)
from tests.conftest import CORPUS, ROOT

PATIENTS = ROOT / "eval" / "patients"
AS_OF = dt.date(2024, 6, 3)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings(embedder="fake", corpus_dir=CORPUS)


@pytest.mark.parametrize(
    "patient",
    [
        pytest.param("gist-ineligible.fhir.json", id="ineligible-fhir"),
        pytest.param("gist-incomplete.fhir.json", id="incomplete-fhir"),
        pytest.param("gist-eligible-reviewed.facts.yaml", id="reviewed-facts"),
    ],
)
def test_rows_are_one_per_criterion_sorted_by_status(seed: Protocol, patient: str) -> None:
    check = check_patient(seed, read_patient(PATIENTS / patient), AS_OF)
    rows = verdict_rows(check)
    assert sorted(r.criterion for r in rows) == sorted(v.criterion_id.split(":")[1] for v in check.verdicts)
    ranks = [STATUS_ORDER[r.status] for r in rows]
    assert ranks == sorted(ranks)
    first, rest = split_rows(rows, check.protocol)
    assert {r.status for r in first} <= {"violated", "unknown", "needs_review"}
    assert {r.status for r in rest} <= {"satisfied", "not_applicable"}
    assert len(first) + len(rest) == len(rows)
    table = rows_table_html(rows)
    for row in rows:  # the full reason and the verbatim quote, escaped, never cut off
        assert html.escape(row.reason) in table and html.escape(row.quote) in table


def test_criteria_a_message_asks_about_come_first(seed: Protocol) -> None:
    check = check_patient(seed, read_patient(PATIENTS / "gist-ineligible.fhir.json"), AS_OF)
    rows = verdict_rows(check)
    met = next(r for r in rows if r.status == "satisfied")
    first, _ = split_rows(rows, check.protocol, [f"{check.protocol}:{met.criterion}"])
    assert met in first


def test_csv_json_and_worksheet_carry_every_criterion(seed: Protocol) -> None:
    check = check_patient(seed, read_patient(PATIENTS / "gist-ineligible.fhir.json"), AS_OF)
    lines = list(csv.DictReader(io.StringIO(result_csv(check, "patient pt"))))
    assert len(lines) == len(check.verdicts)
    assert lines[0]["status"] == "violated" and all(line["patient"] == "patient pt" for line in lines)
    data = json.loads(result_json(check, "patient pt"))
    assert data["patient"] == "patient pt" and data["overall"] == check.overall
    assert len(data["criteria"]) == len(data["rows"]) == len(check.verdicts)
    sheet = worksheet_html(check, "patient pt", seed.title, made=AS_OF)
    assert sheet.count('<tr class="verdict"') == len(check.verdicts)
    settle = settle_checklist(check)
    assert sheet.count("&#9744;") == len(settle["order"]) + len(settle["ask"])
    assert "patient pt" in sheet and seed.title.split()[0] in sheet


def test_settle_checklist_groups_what_to_order_and_what_to_ask(seed: Protocol) -> None:
    check = check_patient(seed, read_patient(PATIENTS / "gist-incomplete.fhir.json"), AS_OF)
    settle = settle_checklist(check)
    assert settle == check.to_settle()
    assert settle["order"] or settle["ask"]


@pytest.mark.parametrize(
    ("as_of", "newest", "days", "expect"),
    [
        pytest.param(dt.date(2026, 1, 1), dt.date(2024, 5, 30), 90, "days earlier", id="years-old-labs"),
        pytest.param(dt.date(2024, 6, 3), dt.date(2024, 5, 30), 90, None, id="recent"),
        pytest.param(dt.date(2024, 8, 28), dt.date(2024, 5, 30), 90, None, id="exactly-at-limit"),
        pytest.param(dt.date(2024, 8, 29), dt.date(2024, 5, 30), 90, "91 days earlier", id="one-past-limit"),
        pytest.param(dt.date(2020, 1, 1), dt.date(2024, 5, 30), 90, "days before the newest", id="check-before"),
        pytest.param(dt.date(2026, 1, 1), None, 90, None, id="no-dated-fact"),
    ],
)
def test_staleness_warning(as_of: dt.date, newest: dt.date | None, days: int, expect: str | None) -> None:
    warning = staleness_warning(as_of, newest, days)
    assert (warning is None) if expect is None else (warning is not None and expect in warning)


def test_an_upload_is_named_and_dated(settings: Settings) -> None:
    path = PATIENTS / "gist-ineligible.fhir.json"
    loaded = load_upload(path.name, path.read_bytes(), settings)
    assert loaded.label == "patient pt" and loaded.file_name == path.name
    assert loaded.newest == newest_fact(read_patient(path)) and loaded.newest is not None
    assert path.name in loaded.describe() and loaded.newest.isoformat() in loaded.describe()


def test_a_fhir_patient_name_is_used(settings: Settings) -> None:
    bundle = json.loads((PATIENTS / "gist-ineligible.fhir.json").read_text())
    bundle["entry"][0]["resource"]["name"] = [{"given": ["Ada"], "family": "Lovelace"}]
    loaded = load_upload("ada.json", json.dumps(bundle).encode(), settings)
    assert loaded.label == "Ada Lovelace"


@pytest.mark.parametrize(
    ("name", "data", "expect"),
    [
        pytest.param("bad.json", b"{not json", "bad.json: not valid JSON", id="invalid-json"),
        pytest.param("x.yaml", b"patient:\n  sex: sometimes\n", "x.yaml", id="bad-sex"),
        pytest.param("scan.pdf", b"%PDF", "scan.pdf: not a patient file", id="wrong-suffix"),
        pytest.param("big.json", b"{" + b" " * 100 + b"}", "PA_MAX_INPUT_BYTES", id="too-big"),
    ],
)
def test_upload_errors_name_the_file_not_a_temporary_path(
    settings: Settings, name: str, data: bytes, expect: str
) -> None:
    small = settings.model_copy(update={"max_input_bytes": 50})
    with pytest.raises(PatientDataError) as caught:
        load_upload(name, data, small)
    assert expect in str(caught.value) and "pa-upload-" not in str(caught.value)


@pytest.mark.parametrize(
    ("message", "spans", "texts", "expect"),
    [
        pytest.param("takes foo-bar 20 mg daily", [], [], ("takes foo-bar 20 mg",), id="unread-drug"),
        pytest.param("platelets 90k, zorb 3.4", [(0, 13)], [], ("zorb 3.4",), id="one-read-one-not"),
        pytest.param("ANC 2.0 and age 60", [(12, 18)], ["ANC 2.0"], (), id="unusable-is-not-unknown"),
        pytest.param("see NCT01267695 please", [], [], (), id="ids-are-not-numbers"),
    ],
)
def test_not_understood(message: str, spans: list[tuple[int, int]], texts: list[str], expect: tuple[str, ...]) -> None:
    assert not_understood(message, spans, texts) == expect


def test_feedback_from_the_chat_reader() -> None:
    from assistant.chat.extract import extract_facts

    message = "72 year old woman, ANC 2.0, platelets 90k, zorbulin 3.4 units"
    fb = feedback(message, extract_facts(message, AS_OF))
    assert any("platelet count 90 10*9/L" in u for u in fb.used)
    assert [n.text for n in fb.not_used] == ["'ANC 2.0'"] and "unit" in fb.not_used[0].how
    assert fb.not_understood == ("zorbulin 3.4 units",)
    assert feedback(message, None).empty


def test_schedule_rows_say_which_date_is_missing(seed: Protocol) -> None:
    schedule = load_schedule(seed.id, CORPUS, protocol_text=seed.text)
    none = schedule_rows(compute_schedule(schedule, None, None), schedule)
    assert all(r.earliest == DASH and r.latest == DASH for r in none)
    assert all(r.note.startswith("needs the ") for r in none)
    assert "surgery" in needed_dates(schedule, "postop_imatinib_start")
    some = schedule_rows(compute_schedule(schedule, dt.date(2026, 1, 5), None), schedule)
    assert some[0].earliest == "2026-01-05" and "None" not in {r.earliest for r in some}


def test_timeline_and_calendar(seed: Protocol) -> None:
    schedule = load_schedule(seed.id, CORPUS, protocol_text=seed.text)
    assert timeline_chart(compute_schedule(schedule, None, None)) is None
    computed = compute_schedule(schedule, dt.date(2026, 1, 5), dt.date(2026, 7, 20))
    chart = timeline_chart(computed)
    assert chart is not None
    spec = chart.to_dict()
    assert len(spec["data"]["values"]) == len(computed.steps) and len(spec["layer"]) == 2
    ics = ics_bytes(computed).decode()
    assert ics.count("BEGIN:VEVENT") == len(computed.steps)


@pytest.mark.parametrize(
    ("route", "expect"),
    [
        pytest.param({"dates": [{"role": "start", "date": "2026-01-05", "text": "5 January"}]},
                     {"start": dt.date(2026, 1, 5)}, id="start"),
        pytest.param({"dates": [{"role": "other", "date": "2026-01-05", "text": "x"},
                                {"role": "surgery", "date": None, "text": "y"}]}, {}, id="nothing-usable"),
    ],
)  # fmt: skip
def test_given_dates(route: dict[str, object], expect: dict[str, dt.date]) -> None:
    assert given_dates(route) == expect
