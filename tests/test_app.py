"""The Streamlit app, driven headless with Streamlit's own test harness (no browser, no server).

One index (the shipped corpus, fake embedder) serves the module; each test starts a fresh page session.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from assistant.settings import get_settings
from tests.conftest import ROOT, SHARED_PROTOCOLS

PATIENTS = ROOT / "eval" / "patients"
INELIGIBLE = PATIENTS / "gist-ineligible.fhir.json"
ELIGIBLE = PATIENTS / "gist-eligible.facts.yaml"
ROW = re.compile(r'<tr class="verdict" data-status="(\w+)" data-criterion="(\w+)"')


@pytest.fixture(scope="module")
def app_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A temporary data dir and the fake embedder for every page session of the module."""
    data = tmp_path_factory.mktemp("app") / "data"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PA_DATA_DIR", str(data))
        mp.setenv("PA_EMBEDDER", "fake")
        mp.setenv("PA_AUDIT_ENABLED", "false")
        get_settings.cache_clear()
        st.cache_resource.clear()
        st.cache_data.clear()
        yield data
        st.cache_resource.clear()
        st.cache_data.clear()
    get_settings.cache_clear()


@pytest.fixture
def app(app_env: Path) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception
    return at


def ask(at: AppTest, message: str) -> AppTest:
    at.chat_input[0].set_value(message).run()
    assert not at.exception, at.exception
    return at


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.sidebar.file_uploader[0].set_value((name, data, "application/octet-stream")).run()
    assert not at.exception, at.exception
    return at


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def verdict_rows(at: AppTest) -> list[tuple[str, str]]:
    """(status, criterion) of every verdict row on the page, in page order."""
    return [(m.group(1), m.group(2)) for m in ROW.finditer(markdown(at))]


def latest_patient_line(at: AppTest) -> str:
    lines = [m.value for m in at.main.markdown if m.value.startswith("**Patient:**")]
    return lines[-1] if lines else ""


def test_general_question_shows_answer_and_citations(app: AppTest) -> None:
    ask(app, "What platelet count is required?")
    assert "Platelet count > 100,000/mm3" in markdown(app)
    assert not verdict_rows(app), "a general question shows no verdicts"


def test_patient_answer_names_the_patient_and_puts_violated_rows_first(app: AppTest) -> None:
    ask(app, "My patient is 72, platelets 90k, ECOG 2 - can she enroll?")
    assert latest_patient_line(app) == "**Patient:** the patient described in the messages"
    rows = verdict_rows(app)
    assert rows[0] == ("violated", "I9")
    order = ["violated", "unknown", "needs_review", "satisfied", "not_applicable"]
    ranks = [order.index(status) for status, _ in rows]
    assert ranks == sorted(ranks), "rows are sorted by status"
    assert len({c for _, c in rows}) == len(rows), "no criterion is shown twice"
    assert "#b42318" in markdown(app), "violated is coloured"
    assert [b.proto.label for b in app.get("download_button")] == [
        "Result (CSV)",
        "Result (JSON)",
        "Worksheet (HTML, printable)",
    ]
    assert not app.dataframe, "no scrolling table box"
    assert any("platelet count 90 10*9/L" in c.value for c in app.caption)
    assert any(e.label.startswith("The other") for e in app.expander)


def test_the_whole_verdict_list_is_shown_once(app: AppTest) -> None:
    upload(app, INELIGIBLE.name, INELIGIBLE.read_bytes())
    ask(app, "Is this patient eligible?")
    rows = verdict_rows(app)
    assert len(rows) == 40 and len({c for _, c in rows}) == 40
    first_block = [s for s, _ in rows[: [s for s, _ in rows].count("violated")]]
    assert set(first_block) == {"violated"}


@pytest.mark.parametrize(
    ("message", "not_used"),
    [
        pytest.param("My patient is 60, ANC 2.0, platelets 150k, is she eligible?", "'ANC 2.0'", id="unitless-anc"),
        pytest.param(
            "Patient 55 years old, platelets 80k and platelets 200k - eligible?", "platelets", id="two-values"
        ),
    ],
)
def test_a_fact_that_cannot_be_used_is_shown_back_and_the_rest_answered(
    app: AppTest, message: str, not_used: str
) -> None:
    ask(app, message)
    warnings = [w.value for w in app.warning if w.value.startswith("Not used:")]
    assert warnings and not_used in warnings[0] and "To use it" in warnings[0]
    assert verdict_rows(app), "the rest of the message is still checked"


def test_a_unitless_value_does_not_poison_later_turns(app: AppTest) -> None:
    ask(app, "My patient is 60, ANC 2.0, platelets 150k, is she eligible?")
    assert ("unknown", "I10") in verdict_rows(app)
    ask(app, "What platelet count is required?")
    assert not app.error
    ask(app, "Her ANC is 2.0 10*9/L. Does she meet the neutrophil criterion?")
    latest = markdown(app).split("Her ANC is 2.0")[-1]
    assert ("satisfied", "I10") in [m.groups() for m in ROW.finditer(latest)]
    assert not app.error


@pytest.mark.parametrize(
    ("message", "phrase"),
    [
        pytest.param("My patient is 61, takes foo-bar 20 mg daily, eligible?", "foo-bar 20 mg", id="unknown-drug"),
        pytest.param("72 year old woman, zorbulin 3.4 units, can she enroll?", "zorbulin 3.4 units", id="unknown-lab"),
    ],
)
def test_words_that_look_like_facts_but_were_not_read_are_listed(app: AppTest, message: str, phrase: str) -> None:
    ask(app, message)
    listed = [w.value for w in app.warning if w.value.startswith("Not understood")]
    assert listed and phrase in listed[0]


def test_a_failed_upload_after_a_good_one_never_answers_for_the_previous_patient(app: AppTest) -> None:
    upload(app, INELIGIBLE.name, INELIGIBLE.read_bytes())
    assert any("Loaded patient pt" in s.value for s in app.sidebar.success)
    ask(app, "Is this patient eligible?")
    assert INELIGIBLE.name in latest_patient_line(app)
    upload(app, "broken.fhir.json", b'{"resourceType": "Bundle", "entry": [')
    error = " ".join(e.value for e in app.sidebar.error)
    assert "broken.fhir.json" in error and "was unloaded" in error and "No patient is loaded" in error
    assert "/tmp" not in error
    ask(app, "Is this patient eligible?")
    latest = markdown(app).split("Is this patient eligible?")[-1]
    assert INELIGIBLE.name not in latest and not ROW.search(latest)
    assert any("No patient facts yet" in i.value for i in app.info)
    assert any(m.value == "**Active patient:** none" for m in app.sidebar.markdown)


@pytest.mark.parametrize(
    ("name", "data", "named"),
    [
        pytest.param("bad.json", b"{not json", "not valid JSON", id="invalid-json"),
        pytest.param(
            "obs.fhir.json",
            b'{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"resourceType": "Observation",'
            b' "id": "x", "status": "final", "code": {"text": "platelets"}, "valueQuantity": {"value": "many"}}}]}',
            "Observation",
            id="fhir-bad-field",
        ),
        pytest.param("facts.yaml", b"patient:\n  birth_date: soon\n", "birth_date", id="facts-bad-date"),
        pytest.param("notes.yaml", b"- just\n- a list\n", "notes.yaml", id="facts-not-a-mapping"),
    ],
)
def test_upload_errors_name_the_uploaded_file_and_the_field(app: AppTest, name: str, data: bytes, named: str) -> None:
    upload(app, name, data)
    error = " ".join(e.value for e in app.sidebar.error)
    assert name in error and named in error
    assert "pa-upload-" not in error and "/tmp/" not in error


@pytest.mark.parametrize("button", ["New conversation", "Clear patient"])
def test_new_conversation_and_clear_patient_reset_the_patient_and_the_upload(app: AppTest, button: str) -> None:
    upload(app, ELIGIBLE.name, ELIGIBLE.read_bytes())
    ask(app, "Is this patient eligible?")
    assert "demo-gist-eligible" in latest_patient_line(app)
    next(b for b in app.sidebar.button if b.label == button).click().run()
    assert not app.exception
    assert app.sidebar.file_uploader[0].value is None
    assert any(m.value == "**Active patient:** none" for m in app.sidebar.markdown)
    if button == "New conversation":
        assert not app.chat_message
    ask(app, "Is this patient eligible?")
    assert "demo-gist-eligible" not in markdown(app).split("Is this patient eligible?")[-1]


def test_a_message_about_another_patient_is_not_labelled_with_the_loaded_one(app: AppTest) -> None:
    upload(app, INELIGIBLE.name, INELIGIBLE.read_bytes())
    ask(app, "Another patient: 45 years old, platelets 200k - eligible?")
    assert latest_patient_line(app) == "**Patient:** the patient described in the messages"
    ask(app, "Is this patient eligible?")
    assert INELIGIBLE.name not in latest_patient_line(app)
    assert not any(INELIGIBLE.name in m.value for m in app.sidebar.markdown if m.value.startswith("**Active"))


def test_failed_turns_stay_in_the_transcript(app: AppTest) -> None:
    ask(app, "???")
    assert any("Not answered" in e.value for e in app.error)
    ask(app, "What platelet count is required?")
    assert any("Not answered" in e.value for e in app.error), "the failed turn is still shown"
    assert len(app.chat_message) == 4


def test_schedule_dates_are_remembered_and_missing_dates_say_why(app: AppTest) -> None:
    ask(app, "When does postoperative imatinib start?")
    table = app.table[-1].value
    assert set(table["earliest"]) == {"—"} and table["note"].str.contains("needs the start").any()
    ask(app, "Imatinib started on 5 January 2026 and surgery was on 20 July 2026. When is surgery due?")
    assert app.sidebar.date_input[1].value == dt.date(2026, 1, 5)
    ask(app, "When does postoperative imatinib start?")
    table = app.table[-1].value
    row = table[table["step"].str.startswith("Postoperative imatinib mesylate begins")].iloc[0]
    assert (row["earliest"], row["latest"]) == ("2026-08-03", "2026-08-17")
    assert "None" not in set(table["earliest"]) | set(table["latest"])


def test_an_old_record_checked_today_is_warned_about(app: AppTest) -> None:
    upload(app, INELIGIBLE.name, INELIGIBLE.read_bytes())
    ask(app, "Is this patient eligible?")
    assert any("days earlier" in w.value for w in app.main.warning)
    assert any("days earlier" in w.value for w in app.sidebar.warning)
    next(b for b in app.sidebar.button if b.label.startswith("Check as of 2024-05-28")).click().run()
    assert app.sidebar.date_input[0].value == dt.date(2024, 5, 28)
    assert not any("days earlier" in w.value for w in app.sidebar.warning)
    ask(app, "Is this patient eligible?")
    latest = app.main.chat_message[-1]
    assert not any("days earlier" in w.value for w in latest.warning)


def test_the_protocol_picker_shows_id_and_title(app: AppTest) -> None:
    options = app.sidebar.selectbox[0].options
    assert options and all(re.match(r"NCT\d{8} — \S", o) for o in options)


def test_the_ingest_box_indexes_a_record_and_names_a_bad_one(app: AppTest) -> None:
    record = sorted((SHARED_PROTOCOLS / "ctgov-v2-json").glob("*.json"))[0]
    app.sidebar.file_uploader[1].set_value((record.name, record.read_bytes(), "application/json")).run()
    next(b for b in app.sidebar.button if b.label == "Index protocol").click().run()
    assert not app.exception
    assert any(record.stem in s.value for s in app.sidebar.success)
    assert any(o.startswith(record.stem) for o in app.sidebar.selectbox[0].options)
    app.sidebar.file_uploader[1].set_value(("empty.xml", b"<clinical_study/>", "text/xml")).run()
    next(b for b in app.sidebar.button if b.label == "Index protocol").click().run()
    error = " ".join(e.value for e in app.sidebar.error)
    assert "empty.xml" in error and "/tmp/" not in error


def test_a_pasted_registry_page_is_indexed(app: AppTest) -> None:
    page = (ROOT.parent / "shared" / "protocols" / "seed" / "NCT01267695.txt").read_text(encoding="utf-8")
    app.sidebar.text_area[0].set_value(page).run()
    next(b for b in app.sidebar.button if b.label == "Index protocol").click().run()
    assert not app.exception
    assert any("Indexed NCT01267695" in s.value for s in app.sidebar.success)
    app.sidebar.text_area[0].set_value("no registry page here").run()
    next(b for b in app.sidebar.button if b.label == "Index protocol").click().run()
    assert any("pasted-registry-page.txt" in e.value for e in app.sidebar.error)
