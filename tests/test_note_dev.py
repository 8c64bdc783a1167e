"""The development note set (eval/note_dev/): it validates, it is disjoint from the held-out set, and it is
large and varied enough to iterate on."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from eval.note_eval import NoteCase, NoteCaseError, load_cases, score

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "eval" / "note_dev"
PROTOCOLS = ROOT.parent / "shared" / "protocols"

HELD_OUT = frozenset(
    "NCT00734539 NCT00763412 NCT01642004 NCT02210780 NCT02567188 NCT02654730 NCT02970669 NCT03204344 "
    "NCT03228394 NCT03435185 NCT03475563".split()
)
SEED = "NCT01267695"


def test_the_shared_records_are_present() -> None:
    assert PROTOCOLS.is_dir(), f"{PROTOCOLS}: the shared protocol records the development set is labelled on"


@pytest.fixture(scope="module")
def cases() -> list[NoteCase]:
    return load_cases(DEV, PROTOCOLS)


def test_every_case_validates_against_its_parsed_protocol(cases: list[NoteCase]) -> None:
    assert len(cases) == len(list(DEV.glob("*.yaml"))) >= 24
    assert {c.note_path.name for c in cases} == {p.name for p in (DEV / "notes").glob("*.txt")}


def test_protocols_are_not_the_held_out_sets_nor_the_seed(cases: list[NoteCase]) -> None:
    used = {c.protocol_id for c in cases}
    assert not used & HELD_OUT
    assert SEED not in used


def _status_count(cases: list[NoteCase], status: str) -> int:
    return sum(label.status == status for c in cases for label in c.labels.values())


@pytest.mark.parametrize(
    ("measure", "minimum"),
    [
        pytest.param(lambda cs: len({c.protocol_id for c in cs}), 8, id="protocols"),
        pytest.param(lambda cs: sum(len(c.labels) for c in cs), 220, id="pairs"),
        pytest.param(lambda cs: _status_count(cs, "violated"), 35, id="violated"),
        pytest.param(lambda cs: _status_count(cs, "not_applicable"), 10, id="not-applicable"),
        pytest.param(lambda cs: _status_count(cs, "unknown"), 10, id="unknown"),
        pytest.param(lambda cs: sum(lab.administrative for c in cs for lab in c.labels.values()), 10, id="admin"),
        pytest.param(lambda cs: len({c.source.parent.name for c in cs}), 2, id="both-record-formats"),
        pytest.param(lambda cs: len({c.overall for c in cs}), 3, id="all-three-overalls"),
        pytest.param(lambda cs: min(Counter(c.protocol_id for c in cs).values()), 3, id="three-notes-each"),
    ],
)
def test_set_is_large_and_varied(cases: list[NoteCase], measure: Callable[[list[NoteCase]], int], minimum: int) -> None:
    assert measure(cases) >= minimum


def test_every_protocol_has_an_excluded_patient(cases: list[NoteCase]) -> None:
    by_protocol: dict[str, set[str]] = {}
    for c in cases:
        by_protocol.setdefault(c.protocol_id, set()).add(c.overall)
    assert all("ineligible" in overalls for overalls in by_protocol.values()), by_protocol


@pytest.mark.parametrize(
    ("case_id", "criterion", "status"),
    [
        pytest.param("nct01174550-b", "NCT01174550:I8", "unknown", id="creatinine-outside-90-days"),
        pytest.param("nct01174550-b", "NCT01174550:E4", "violated", id="exercise-ecg-within-12-months"),
        pytest.param("nct02438137-c", "NCT02438137:E13", "violated", id="steroid-within-2-months"),
        pytest.param("nct02438137-a", "NCT02438137:E8", "not_applicable", id="pregnancy-male"),
        pytest.param("nct02699827-c", "NCT02699827:E2", "satisfied", id="height-in-feet-and-inches"),
        pytest.param("nct02699827-c", "NCT02699827:E12", "unknown", id="possible-placenta-previa"),
        pytest.param("nct01534533-b", "NCT01534533:E5", "violated", id="imt-in-mm-against-um"),
        pytest.param("nct01841593-b", "NCT01841593:E10", "violated", id="hormonal-contraception-only"),
        pytest.param("nct03630471-c", "NCT03630471:E4", "violated", id="pride-within-6-months"),
    ],
)
def test_hard_cases_carry_the_expected_label(cases: list[NoteCase], case_id: str, criterion: str, status: str) -> None:
    case = next(c for c in cases if c.id == case_id)
    assert case.labels[criterion].status == status


def test_a_perfect_predictor_scores_full_marks(cases: list[NoteCase]) -> None:
    scores = score(cases, lambda c: {cid: label.status for cid, label in c.labels.items()})
    assert scores.overall.precision == 1.0
    assert scores.overall.violation_recall == 1.0
    assert scores.overall_agreement == scores.cases == len(cases)


def _drop_one(data: dict[str, Any]) -> None:
    data["criteria"].pop(next(iter(data["criteria"])))


def _stray_key(data: dict[str, Any]) -> None:
    data["reviewer"] = "someone"


def _violated_without_why(data: dict[str, Any]) -> None:
    cid = next(k for k, v in data["criteria"].items() if v["status"] == "violated")
    data["criteria"][cid] = {"status": "violated"}


def _wrong_overall(data: dict[str, Any]) -> None:
    data["overall"] = "eligible"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        pytest.param(_drop_one, "missing ['NCT01174550:I1']", id="criterion-left-unlabelled"),
        pytest.param(_stray_key, "unknown key 'reviewer'", id="unknown-key"),
        pytest.param(_violated_without_why, "a violated label needs a why", id="violated-without-why"),
        pytest.param(_wrong_overall, "overall 'eligible' but the labels give 'ineligible'", id="overall-disagrees"),
    ],
)
def test_a_damaged_copy_of_a_dev_case_is_rejected(
    tmp_path: Path, mutate: Callable[[dict[str, Any]], None], message: str
) -> None:
    case_id = "nct01174550-b"
    shutil.copytree(DEV / "notes", tmp_path / "notes")
    data = yaml.safe_load((DEV / f"{case_id}.yaml").read_text(encoding="utf-8"))
    mutate(data)
    (tmp_path / f"{case_id}.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(NoteCaseError) as raised:
        load_cases(tmp_path, PROTOCOLS)
    assert message in str(raised.value)
