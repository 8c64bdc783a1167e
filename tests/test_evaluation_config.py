"""The evaluation's config files and figures: manifest, set formats, thresholds, and the small metric functions."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.evaluation.abstention import abstention_scores
from assistant.evaluation.errors import EvaluationError, ThresholdError
from assistant.evaluation.formats import load_patient_set, load_question_set, load_schedule_set
from assistant.evaluation.latency import latency_metrics, percentile
from assistant.evaluation.manifest import load_manifest, select
from assistant.evaluation.retrieval import recall_curve
from assistant.evaluation.thresholds import check_thresholds, load_thresholds
from tests.conftest import ROOT

EVAL = ROOT / "eval"
SETS = load_manifest(EVAL / "sets.yaml")


def test_the_shipped_manifest_and_sets_validate() -> None:
    assert {"questions", "patients", "schedule", "notes-dev", "trialgpt", "chia", "bench"} <= set(SETS)
    assert [s.name for s in select(SETS, None)] == ["questions", "patients", "schedule", "notes-dev", "trialgpt"]
    assert len(SETS["questions"].files) == 1 + len(list((EVAL / "questions").glob("*.yaml")))
    for path in SETS["questions"].files:
        load_question_set(path)
    load_patient_set(EVAL / "patient_questions.yaml")
    load_schedule_set(EVAL / "schedule_questions.yaml")
    assert load_thresholds(EVAL / "thresholds.yaml", SETS, "fake")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_bench_set_carries_its_record_and_date() -> None:
    """``eval --set bench`` needs the record checked and the date; the manifest passes both on."""
    import datetime as dt

    bench = SETS["bench"]
    assert bench.protocol == (ROOT / "corpus" / "NCT01267695.txt").resolve()
    assert bench.as_of == dt.date(2024, 6, 3)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("sets: {}\n", "version: Field required", id="no-version"),
        pytest.param("version: 2\nsets: {}\n", "version: Input should be 1", id="future-version"),
        pytest.param("version: 1\nsets: {a: {kind: quiz}}\n", "sets.a.kind", id="bad-kind"),
        pytest.param(
            "version: 1\nsets: {a: {kind: questions, file: [x]}}\n",
            "sets.a: unknown key 'file'; valid keys: kind, files",
            id="unknown-key",
        ),
        pytest.param(
            "version: 1\nsets: {a: {kind: questions, files: ['q/*.yaml']}}\n", "matches no file", id="no-file"
        ),
        pytest.param("version: 1\nsets: {Big: {kind: questions}}\n", "name 'Big' must be lower-case", id="bad-name"),
    ],
)
def test_bad_manifests_name_the_field(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(EvaluationError, match=message):
        load_manifest(_write(tmp_path, "sets.yaml", text))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("protocol: X\nquestions: [{id: a, question: Q}]\n", "version: Field required", id="no-version"),
        pytest.param(
            "version: 1\nprotocol: X\nquestions: [{id: a, question: Q, fact: [x]}]\n",
            "questions\\[0\\]: unknown key 'fact'; valid keys: id, question, kind, facts",
            id="unknown-key",
        ),
        pytest.param(
            "version: 1\nprotocol: X\nquestions: [{id: a, question: Q, kind: trivia}]\n",
            "questions.0.kind",
            id="bad-kind",
        ),
        pytest.param(
            "version: 1\nprotocol: X\nquestions: [{id: a, question: Q}, {id: a, question: R}]\n",
            "id 'a' is used twice",
            id="duplicate-id",
        ),
    ],
)
def test_bad_question_sets_name_the_field(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(EvaluationError, match=message):
        load_question_set(_write(tmp_path, "q.yaml", text))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "version: 1\nminimal: {}\n",
            "unknown key 'minimal'; valid keys: version, minimum, maximum, embedders",
            id="key",
        ),
        pytest.param(
            "version: 1\nminimum: {questions.recal@1: 0.5}\n",
            "minimum: unknown metric 'questions.recal@1'; valid metrics of set 'questions': recall@1, recall@3",
            id="metric",
        ),
        pytest.param(
            "version: 1\nmaximum: {quiz.fact_recall: 0.5}\n",
            "unknown metric 'quiz.fact_recall'; valid: <set>.<metric> with set one of questions, patients",
            id="set",
        ),
        pytest.param(
            "version: 1\nembedders: {minilm: {minimum: {patients.recall@1: 0.5}}}\n",
            "embedders.minilm.minimum: unknown metric 'patients.recall@1'; valid metrics of set 'patients'",
            id="metric-of-another-kind",
        ),
        pytest.param("version: 1\nembedders: {bert: {}}\n", "embedders.bert", id="embedder"),
        pytest.param(
            "version: 1\nminimum: {questions.fact_recall: high}\n", "minimum.questions.fact_recall", id="value"
        ),
    ],
)
def test_bad_thresholds_name_the_key_and_the_valid_ones(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises((EvaluationError, ThresholdError), match=message):
        load_thresholds(_write(tmp_path, "t.yaml", text), SETS, "fake")


def test_embedder_bounds_apply_only_to_that_embedder(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "t.yaml",
        "version: 1\nminimum: {questions.recall@1: 0.4}\nembedders: {minilm: {minimum: {questions.recall@1: 0.6}}}\n",
    )
    assert [t.value for t in load_thresholds(path, SETS, "fake")] == [0.4]
    assert [t.value for t in load_thresholds(path, SETS, "minilm")] == [0.6]


@pytest.mark.parametrize(
    ("metrics", "ran", "missed"),
    [
        pytest.param({"questions.recall@1": 0.5}, {"questions"}, [], id="met"),
        pytest.param({"questions.recall@1": 0.39}, {"questions"}, ["questions.recall@1 = 0.39"], id="below"),
        pytest.param({"questions.recall@1": None}, {"questions"}, ["questions.recall@1 = not measured"], id="none"),
        pytest.param({}, {"patients"}, [], id="set-not-run"),
        pytest.param({"latency.general.p95_ms": 3001.0}, set(), ["latency.general.p95_ms = 3001, above"], id="slow"),
    ],
)
def test_check_thresholds(tmp_path: Path, metrics: dict[str, float | None], ran: set[str], missed: list[str]) -> None:
    path = _write(
        tmp_path, "t.yaml", "version: 1\nminimum: {questions.recall@1: 0.4}\nmaximum: {latency.general.p95_ms: 3000}\n"
    )
    failures = check_thresholds(load_thresholds(path, SETS, "fake"), metrics, ran)
    assert len(failures) == len(missed)
    for failure, start in zip(failures, missed, strict=True):
        assert failure.message().startswith(start)


@pytest.mark.parametrize(
    ("pairs", "precision", "recall"),
    [
        pytest.param([(True, True), (False, False)], 1.0, 1.0, id="right"),
        pytest.param([(True, True), (False, True)], 0.5, 1.0, id="over-abstains"),
        pytest.param([(True, False), (False, False)], None, 0.0, id="never-abstains"),
    ],
)
def test_abstention(pairs: list[tuple[bool, bool]], precision: float | None, recall: float | None) -> None:
    assert abstention_scores(pairs) == {"abstention_precision": precision, "abstention_recall": recall}


def test_recall_curve_and_latency() -> None:
    rows = [[True], [False, False, True], [False] * 10, [False] * 4 + [True]]
    assert recall_curve(rows) == {1: 0.25, 3: 0.5, 5: 0.75, 10: 0.75}
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == 3.0
    values = [float(v) for v in range(1, 101)]
    assert latency_metrics({"general": values}) == {
        "latency.general.p50_ms": 51.0,
        "latency.general.p95_ms": 95.0,
        "latency.general.n": 100.0,
    }
