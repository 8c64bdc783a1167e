"""``protocol-assistant eval`` in-process on the shipped sets: thresholds met, report written; a lowered metric
fails with exit 1 naming the metric, its value and its threshold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import load_commands
from tests.conftest import ROOT

runner = CliRunner()
THRESHOLDS = ROOT / "eval" / "thresholds.yaml"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(load_commands(), ["eval", "--quiet", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, str, Path]:
    """One run of the default sets with the fake embedder, its report in a temporary folder."""
    report = tmp_path_factory.mktemp("report")
    code, out, err = run("--report", str(report))
    return code, out, err, report


def test_the_shipped_sets_meet_their_thresholds(shipped: tuple[int, str, str, Path]) -> None:
    code, out, err, _ = shipped
    assert code == 0, err
    assert "all met" in out
    assert "threshold missed" not in err


def test_the_report_holds_every_metric_family(shipped: tuple[int, str, str, Path]) -> None:
    _, _, _, report = shipped
    assert {p.name for p in report.iterdir()} >= {
        "report.md",
        "metrics.json",
        "recall-at-k.png",
        "latency.png",
        "confusion-patients.png",
        "confusion-notes-dev.png",
        "confusion-trialgpt.png",
    }
    data = json.loads((report / "metrics.json").read_text(encoding="utf-8"))
    metrics = data["metrics"]
    for name in (
        "questions.recall@1",
        "questions.recall@10",
        "questions.citation_exactness",
        "questions.citation_correctness",
        "questions.fact_recall",
        "questions.abstention_precision",
        "questions.abstention_recall",
        "patients.criterion_accuracy",
        "patients.overall_accuracy",
        "notes-dev.coverage",
        "trialgpt.violation_recall",
        "schedule.date_accuracy",
        "latency.general.p50_ms",
        "latency.note.p95_ms",
    ):
        assert isinstance(metrics[name], float), name
    curve = data["sets"]["questions"]["recall_curve"]
    assert [curve[k] for k in ("1", "3", "5", "10")] == sorted(curve[k] for k in ("1", "3", "5", "10"))
    confusion = data["sets"]["trialgpt"]["confusion"]
    assert sum(sum(row.values()) for row in confusion.values()) == round(
        metrics["trialgpt.labels"] * metrics["trialgpt.matched_share"]
    )
    text = (report / "report.md").read_text(encoding="utf-8")
    assert "![recall@k](recall-at-k.png)" in text and "unmatched label" in text


def _thresholds(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "thresholds.yaml"
    path.write_text("version: 1\n" + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "metric"),
    [
        pytest.param("minimum:\n  schedule.windows: 1000\n", "schedule.windows", id="minimum"),
        pytest.param("maximum:\n  schedule.date_accuracy: 0.5\n", "schedule.date_accuracy", id="maximum"),
        pytest.param("maximum:\n  latency.schedule.p50_ms: 0.001\n", "latency.schedule.p50_ms", id="latency"),
    ],
)
def test_a_bound_the_run_misses_fails_naming_the_metric(tmp_path: Path, body: str, metric: str) -> None:
    code, _, err = run("--set", "schedule", "--thresholds", str(_thresholds(tmp_path, body)))
    assert code == 1
    assert f"threshold missed: {metric} = " in err
    assert "1 metric(s) missed their threshold" in err


def test_a_lowered_metric_fails_the_shipped_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    """A schedule answer off by its dates: date accuracy falls to 0 and the shipped minimum of 1.0 is missed."""
    monkeypatch.setattr("assistant.evaluation.run_chat.window_matches", lambda *a: False)
    code, _, err = run("--set", "schedule", "--thresholds", str(THRESHOLDS))
    assert code == 1
    assert "threshold missed: schedule.date_accuracy = 0, below the minimum 1" in err


def test_a_wrong_committed_verdict_lowers_precision(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every committed verdict of the checker flipped: precision when committing misses its minimum."""
    import assistant.evaluation.run_checks as run_checks

    real = run_checks._check_note
    flip = {"satisfied": "violated", "violated": "satisfied"}

    def flipped(*args: object) -> object:
        check = real(*args)  # type: ignore[arg-type]
        verdicts = tuple(v.__class__(**{**_fields(v), "status": flip.get(v.status, v.status)}) for v in check.verdicts)
        return check.__class__(**{**_fields(check), "verdicts": verdicts})

    monkeypatch.setattr(run_checks, "_check_note", flipped)
    code, _, err = run("--set", "trialgpt", "--thresholds", str(THRESHOLDS))
    assert code == 1
    assert "threshold missed: trialgpt.precision_committed = " in err


def _fields(obj: object) -> dict[str, object]:
    return {name: getattr(obj, name) for name in obj.__dataclass_fields__}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(("--set", "nope"), "unknown set 'nope'; valid sets: questions, patients", id="unknown-set"),
        pytest.param(("--embedder", "bert"), "--embedder 'bert': valid: minilm, fake", id="bad-embedder"),
        pytest.param(("--backend", "gpt"), "--backend 'gpt': valid: deterministic", id="bad-backend"),
    ],
)
def test_bad_options_are_one_line_errors(args: tuple[str, ...], message: str) -> None:
    code, _, err = run(*args)
    assert code == 2
    assert err.startswith("error: ") and message in err


def test_compare_prints_the_deltas(tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps({"version": 1, "metrics": {"x.recall@1": 0.5, "x.fact_recall": 1.0}}), encoding="utf-8")
    b.write_text(json.dumps({"version": 1, "metrics": {"x.recall@1": 0.75, "y.coverage": 0.2}}), encoding="utf-8")
    code, out, _ = run("--compare", str(a), str(b))
    assert code == 0
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()[1:]}
    assert rows == {
        "x.fact_recall": ["1", "—", "—"],
        "x.recall@1": ["0.5", "0.75", "+0.25"],
        "y.coverage": ["—", "0.2", "—"],
    }


def test_compare_refuses_a_file_that_is_not_metrics(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"metrics": {}}), encoding="utf-8")
    code, _, err = run("--compare", str(bad), str(bad))
    assert code == 2 and "not a metrics.json of version 1" in err
