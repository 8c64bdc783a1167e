"""The audit trail: one JSON line per exchange, patient identifiers kept out unless enabled."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from assistant.audit import AuditError, AuditRecord, append_exchange, read_exchanges, redact_text
from assistant.patient.facts import Condition, Observation, PatientFacts
from assistant.settings import Settings
from assistant.types import Citation, Verdict

SEED = "NCT01267695"
TEXT = (Path(__file__).resolve().parent.parent / "corpus" / f"{SEED}.txt").read_text(encoding="utf-8")
PLATELETS = "Platelet count > 100,000/mm3"
START = TEXT.index(PLATELETS)

FACTS = PatientFacts(
    patient_id="MRN-778812",
    birth_date=dt.date(1961, 5, 20),
    sex="female",
    observations=(
        Observation(
            concept="platelets", value=90.0, unit="10*9/L", date=dt.date(2025, 2, 1), source="Patient/pat-4711"
        ),
    ),
    conditions=(Condition(concept="brain_metastases", present=False, source="message"),),
)
RECORD = AuditRecord(
    question="Mrs. Jane Doe, MRN 778812, DOB 1961-05-20, platelets 90,000/mm3 - is she eligible?",
    route="check",
    answer="Ineligible: NCT01267695:I9 is violated.",
    citations=(Citation(SEED, "eligibility", PLATELETS, START, START + len(PLATELETS), f"{SEED}:I9"),),
    facts=FACTS,
    verdicts=(
        Verdict(
            f"{SEED}:I9",
            "inclusion",
            PLATELETS,
            "violated",
            "Platelets 90 10*9/L are not above 100 10*9/L.",
            ("platelets = 90 10*9/L (2025-02-01)",),
        ),
    ),
    overall="ineligible",
    protocol_id=SEED,
    protocol_hash="6fd65fb212a791a9",
    backend="deterministic",
    mode="deterministic",
    extra={"fhir": {"identifier": [{"value": "778812"}], "name": [{"family": "Doe"}], "gender": "female"}},
    timestamp=dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),
)
IDENTIFIERS = ["778812", "Jane", "Doe", "1961-05-20", "pat-4711"]


def settings_for(tmp_path: Path, keep: bool) -> Settings:
    return Settings(data_dir=tmp_path / "data", audit_patient_ids=keep)


def test_a_line_has_every_field(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, keep=False)
    append_exchange(RECORD, settings)
    (line,) = read_exchanges(settings)
    assert settings.audit_path == tmp_path / "data" / "audit.jsonl"
    assert line["timestamp"] == "2025-03-01T08:30:00Z"
    assert (line["route"], line["backend"], line["mode"]) == ("check", "deterministic", "deterministic")
    assert line["protocol"] == {"id": SEED, "content_hash": "6fd65fb212a791a9"}
    assert line["citations"][0]["quote"] == PLATELETS
    assert line["verdict"]["overall"] == "ineligible"
    assert line["verdict"]["criteria"][0] == {
        "id": f"{SEED}:I9",
        "status": "violated",
        "reason": "Platelets 90 10*9/L are not above 100 10*9/L.",
        "facts_used": ["platelets = 90 10*9/L (2025-02-01)"],
    }
    assert line["facts"]["observations"][0]["value"] == 90.0
    assert line["facts"]["conditions"][0] == {
        "concept": "brain_metastases",
        "present": False,
        "covers_past": True,
        "active": True,
        "onset": None,
        "abatement": None,
        "dated_to": "day",
        "source": "message",
    }


def test_identifiers_stay_out_by_default(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, keep=False)
    append_exchange(RECORD, settings)
    raw = settings.audit_path.read_text(encoding="utf-8")
    for identifier in IDENTIFIERS:
        assert identifier not in raw, identifier
    (line,) = read_exchanges(settings)
    assert "patient_id" not in line["facts"] and "birth_date" not in line["facts"]
    assert line["facts"]["age"] == 63.0  # on 2025-03-01, born 1961-05-20
    assert line["extra"] == {"fhir": {"gender": "female"}}
    assert line["question"].startswith("Mrs. [NAME], MRN [MRN], DOB [DATE], platelets 90,000/mm3")
    assert line["patient_ids"] is False


def test_identifiers_are_kept_when_enabled(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, keep=True)
    append_exchange(RECORD, settings)
    raw = settings.audit_path.read_text(encoding="utf-8")
    for identifier in IDENTIFIERS:
        assert identifier in raw, identifier
    (line,) = read_exchanges(settings)
    assert (line["facts"]["patient_id"], line["facts"]["birth_date"]) == ("MRN-778812", "1961-05-20")
    assert line["question"] == RECORD.question


def test_lines_are_appended(tmp_path: Path) -> None:
    settings = Settings(audit_log=tmp_path / "nested" / "log.jsonl")
    for question in ("first?", "second?"):
        append_exchange(AuditRecord(question=question, route="answer", answer="The protocol does not say."), settings)
    lines = settings.audit_path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["question"] for x in lines] == ["first?", "second?"]
    assert json.loads(lines[0])["facts"] is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("patient id: A-12 has ANC 1.2", "patient id: [MRN] has ANC 1.2", id="patient-id"),
        pytest.param("born on 3 March 1950, ECOG 1", "born on [DATE], ECOG 1", id="born-on"),
        pytest.param("Date of birth 03/04/1950", "Date of birth [DATE]", id="dob-slashes"),
        pytest.param("Dr. Smith asks: platelets 120", "Dr. [NAME] asks: platelets 120", id="titled-name"),
        pytest.param("name: John Smith, age 64", "name: [NAME], age 64", id="name-label"),
        pytest.param("see Patient/abc-1", "see Patient/[ID]", id="reference"),
        pytest.param("Age 64, ECOG 1, bilirubin 1.2 x ULN", "Age 64, ECOG 1, bilirubin 1.2 x ULN", id="no-identifiers"),
    ],
)
def test_redact_text(text: str, expected: str) -> None:
    assert redact_text(text) == expected


def test_unwritable_log_is_a_named_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(AuditError, match=r"audit log .*file/log.jsonl: cannot write"):
        append_exchange(RECORD, Settings(audit_log=blocker / "log.jsonl"))
