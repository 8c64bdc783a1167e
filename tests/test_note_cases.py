"""The note evaluation set validates against its parsed protocols, and its scorer counts what it should."""

from __future__ import annotations

import importlib.util
import shutil
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
import yaml

from eval import note_eval
from eval.note_eval import NoteCase, NoteCaseError, load_cases, overall_of_labels, score
from tests.conftest import SHARED_PROTOCOLS

CASES = note_eval.DEFAULT_CASES
BASE_CASE = "nct02970669-b"  # a legacy-XML case with violated, satisfied, unknown and administrative labels


@pytest.fixture(scope="module")
def cases() -> list[NoteCase]:
    return load_cases(CASES, SHARED_PROTOCOLS)


def test_shipped_set_validates_against_the_parsed_protocols(cases: list[NoteCase]) -> None:
    statuses = Counter(label.status for case in cases for label in case.labels.values())
    sources = {case.source.parent.name for case in cases}
    assert len(cases) >= 30
    assert len({case.protocol_id for case in cases}) >= 10
    assert sum(statuses.values()) >= 300
    assert statuses["violated"] >= 40
    assert sources == {"ctgov-v2-json", "ctgov-legacy-xml"}
    assert "NCT01267695" not in {case.protocol_id for case in cases}
    assert {case.overall for case in cases} == {"eligible", "ineligible", "undetermined"}


def test_every_note_is_a_physician_note_of_several_sentences(cases: list[NoteCase]) -> None:
    for case in cases:
        sentences = [s for s in case.note_text.replace("\n", " ").split(". ") if s.strip()]
        assert len(sentences) >= 5, case.id


def _edit_case(data: dict[str, object]) -> None:
    criteria = data["criteria"]
    assert isinstance(criteria, dict)
    first = next(iter(criteria))
    criteria[first]["status"] = "maybe"


def _drop_label(data: dict[str, object]) -> None:
    criteria = data["criteria"]
    assert isinstance(criteria, dict)
    criteria.pop(next(iter(criteria)))


def _extra_label(data: dict[str, object]) -> None:
    criteria = data["criteria"]
    assert isinstance(criteria, dict)
    criteria["NCT02970669:E99"] = {"status": "unknown"}


def _label_key(data: dict[str, object]) -> None:
    criteria = data["criteria"]
    assert isinstance(criteria, dict)
    criteria[next(iter(criteria))]["reason"] = "x"


def _no_why(data: dict[str, object]) -> None:
    criteria = data["criteria"]
    assert isinstance(criteria, dict)
    criteria["NCT02970669:E2"] = {"status": "violated"}


def _admin_committed(data: dict[str, object]) -> None:
    criteria = data["criteria"]
    assert isinstance(criteria, dict)
    criteria["NCT02970669:I1"] = {"status": "satisfied", "administrative": True}


def _set(key: str, value: object) -> Callable[[dict[str, object]], None]:
    def edit(data: dict[str, object]) -> None:
        data[key] = value

    return edit


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        pytest.param(_set("patient", "x"), "unknown key 'patient'; valid keys: id, protocol", id="unknown-top-key"),
        pytest.param(
            _label_key, "unknown key 'reason'; valid keys: status, administrative, why", id="unknown-label-key"
        ),
        pytest.param(_edit_case, "criteria.NCT02970669:I1.status", id="bad-status"),
        pytest.param(_drop_label, "missing ['NCT02970669:I1']", id="criterion-unlabelled"),
        pytest.param(_extra_label, "not in the protocol ['NCT02970669:E99']", id="criterion-not-in-protocol"),
        pytest.param(_no_why, "a violated label needs a why", id="violated-without-why"),
        pytest.param(_admin_committed, "administrative labels are needs_review", id="administrative-committed"),
        pytest.param(_set("overall", "eligible"), "overall 'eligible' but the labels give 'ineligible'", id="overall"),
        pytest.param(_set("note", "notes/absent.txt"), "note 'notes/absent.txt' does not exist", id="note-missing"),
        pytest.param(_set("source", "ctgov-legacy-xml/NCT00081588.xml"), "is 'NCT00081588'", id="wrong-source"),
        pytest.param(_set("id", "nct02970669-7"), "must be the lower-case protocol id", id="bad-id"),
        pytest.param(_set("as_of", "next week"), "as_of", id="bad-date"),
    ],
)
def test_a_faulty_case_is_rejected_naming_the_field(
    tmp_path: Path, edit: Callable[[dict[str, object]], None], message: str
) -> None:
    (tmp_path / "notes").mkdir()
    shutil.copy(CASES / "notes" / f"{BASE_CASE}.txt", tmp_path / "notes")
    data = yaml.safe_load((CASES / f"{BASE_CASE}.yaml").read_text(encoding="utf-8"))
    load_cases_copy = tmp_path / f"{BASE_CASE}.yaml"
    load_cases_copy.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert len(load_cases(tmp_path, SHARED_PROTOCOLS)) == 1  # the unedited copy is valid
    edit(data)
    load_cases_copy.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(NoteCaseError) as raised:
        load_cases(tmp_path, SHARED_PROTOCOLS)
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        pytest.param(["satisfied", "not_applicable"], "eligible", id="eligible"),
        pytest.param(["satisfied", "violated", "unknown"], "ineligible", id="ineligible"),
        pytest.param(["satisfied", "needs_review"], "undetermined", id="undetermined"),
    ],
)
def test_overall_of_labels(statuses: list[str], expected: str) -> None:
    assert overall_of_labels(statuses) == expected


def _perfect(case: NoteCase) -> Mapping[str, str]:
    return {cid: label.status for cid, label in case.labels.items()}


def _all_unknown(case: NoteCase) -> Mapping[str, str]:
    return {cid: "unknown" for cid in case.labels}


def _silent(case: NoteCase) -> Mapping[str, str]:
    return {}


FLIPPED = ("nct02970669-b", "NCT02970669:E2")


def _flip_one_violation(case: NoteCase) -> Mapping[str, str]:
    predicted = dict(_perfect(case))
    if case.id == FLIPPED[0]:
        predicted[FLIPPED[1]] = "satisfied"
    return predicted


def test_perfect_predictor(cases: list[NoteCase]) -> None:
    scores = score(cases, _perfect)
    labels = [label for case in cases for label in case.labels.values()]
    plain = [label for label in labels if not label.administrative]
    committed = sum(label.status in {"satisfied", "violated", "not_applicable"} for label in plain)
    assert scores.overall.pairs == len(plain)
    assert scores.administrative.pairs == len(labels) - len(plain) > 0
    assert scores.overall.coverage == pytest.approx(committed / len(plain))
    assert scores.overall.precision == 1.0
    assert scores.overall.violation_recall == 1.0
    assert scores.overall_agreement == scores.cases == len(cases)
    assert sum(scores.overall.confusion.values()) == len(plain)
    assert all(label == pred for label, pred in scores.overall.confusion)
    assert set(scores.per_protocol) == {case.protocol_id for case in cases}
    assert sum(t.pairs for t in scores.per_protocol.values()) == len(plain)


@pytest.mark.parametrize("predict", [pytest.param(_all_unknown, id="all-unknown"), pytest.param(_silent, id="silent")])
def test_a_predictor_that_never_commits(cases: list[NoteCase], predict: note_eval.Predictor) -> None:
    scores = score(cases, predict)
    assert scores.overall.coverage == 0.0
    assert scores.overall.precision is None
    assert scores.overall.violation_recall == 0.0
    assert scores.overall.missing_predictions == (0 if predict is _all_unknown else scores.overall.pairs)
    undetermined = sum(case.overall == "undetermined" for case in cases)
    assert scores.overall_agreement == undetermined


def test_flipping_one_violation_costs_recall_precision_and_the_case(cases: list[NoteCase]) -> None:
    perfect, flipped = score(cases, _perfect), score(cases, _flip_one_violation)
    protocol = FLIPPED[1].split(":")[0]
    violated = perfect.overall.violated_labels
    assert flipped.overall.violation_recall == pytest.approx((violated - 1) / violated)
    assert flipped.overall.precision == pytest.approx((perfect.overall.committed - 1) / perfect.overall.committed)
    assert flipped.overall.confusion[("violated", "satisfied")] == 1
    assert flipped.per_protocol[protocol].violated_caught == perfect.per_protocol[protocol].violated_caught - 1
    assert flipped.overall_agreement == perfect.overall_agreement  # the case has other violations
    assert flipped.to_json()["overall"]["confusion"]["violated"]["satisfied"] == 1  # type: ignore[index]


@pytest.mark.parametrize(
    ("prediction", "message"),
    [
        pytest.param({"NCT02970669:I2": "maybe"}, "status 'maybe'", id="bad-status"),
        pytest.param({"NCT00000000:I1": "unknown"}, "criteria not in NCT02970669", id="stray-criterion"),
    ],
)
def test_a_faulty_prediction_is_an_error(cases: list[NoteCase], prediction: dict[str, str], message: str) -> None:
    case = next(c for c in cases if c.id == BASE_CASE)
    with pytest.raises(NoteCaseError) as raised:
        score([case], lambda _: prediction)
    assert message in str(raised.value)


def test_report_table_names_every_protocol(cases: list[NoteCase]) -> None:
    table = note_eval.format_scores(score(cases, _perfect))
    for protocol in {case.protocol_id for case in cases}:
        assert protocol in table
    assert "administrative" in table


def test_main_without_the_note_reader_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        note_eval.importlib.util, "find_spec", lambda name, *a: None if name == "assistant.patient.note" else real(name)
    )
    assert note_eval.main(["--cases", str(CASES), "--protocols", str(SHARED_PROTOCOLS)]) == 2
    assert "assistant.patient.note" in capsys.readouterr().err
