"""``protocol-assistant check`` and ``rules draft``: the JSON contract, text output and error lines."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import assistant.cli.check_cmds  # noqa: F401  (registers the commands)
from assistant.cli import app
from assistant.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
PATIENTS = ROOT / "eval" / "patients"
runner = CliRunner()


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("patient", "overall"),
    [
        pytest.param("gist-eligible.facts.yaml", "undetermined", id="eligible-but-for-review"),
        pytest.param("gist-ineligible.fhir.json", "ineligible", id="ineligible"),
        pytest.param("gist-incomplete.fhir.json", "undetermined", id="incomplete"),
    ],
)
def test_check_json_contract(patient: str, overall: str) -> None:
    code, out, _ = run(
        "check", "--protocol", "NCT01267695", "--patient", str(PATIENTS / patient), "--as-of", "2024-06-03", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert {"protocol", "overall", "rules_source", "criteria"} <= set(data)
    assert (data["protocol"], data["overall"], data["rules_source"]) == ("NCT01267695", overall, "reviewed")
    assert len(data["criteria"]) == 40
    for item in data["criteria"]:
        assert set(item) == {"id", "type", "text", "status", "reason", "facts_used", "missing"}
        assert item["status"] in {"satisfied", "violated", "unknown", "needs_review"}
        assert item["type"] == "inclusion"
        assert bool(item["missing"]) == (item["status"] == "unknown")
    statuses = {item["status"] for item in data["criteria"]}
    assert ("violated" in statuses) == (overall == "ineligible")


def test_check_text_lists_what_is_missing() -> None:
    code, out, _ = run(
        "check",
        "--protocol",
        "NCT01267695",
        "--patient",
        str(PATIENTS / "gist-incomplete.fhir.json"),
        "--as-of",
        "2024-06-03",
    )
    assert code == 0
    assert out.startswith("NCT01267695: UNDETERMINED (as of 2024-06-03)")
    assert "Data to order (to settle the unknown criteria):" in out
    assert "  [ ] total bilirubin with its reference range (upper limit of normal)" in out
    assert "Questions to ask (to settle the unknown criteria):" in out
    assert "For a person to decide: I3, I25, I26" in out


def test_compiled_rules_are_announced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(ROOT / "corpus" / "NCT01267695.txt", tmp_path)
    shutil.copy(ROOT / "corpus" / "concepts.yaml", tmp_path)
    shutil.copytree(ROOT / "corpus" / "vocabulary", tmp_path / "vocabulary")
    monkeypatch.setenv("PA_CORPUS_DIR", str(tmp_path))
    code, out, _ = run(
        "check",
        "--protocol",
        "NCT01267695",
        "--patient",
        str(PATIENTS / "gist-eligible.facts.yaml"),
        "--as-of",
        "2024-06-03",
        "--json",
    )
    assert code == 0 and json.loads(out)["rules_source"] == "compiled"
    code, out, _ = run(
        "check",
        "--protocol",
        "NCT01267695",
        "--patient",
        str(PATIENTS / "gist-eligible.facts.yaml"),
        "--as-of",
        "2024-06-03",
    )
    assert "note: no reviewed rules file for this protocol" in out


def test_rules_draft_writes_a_draft(tmp_path: Path) -> None:
    out_file = tmp_path / "draft.yaml"
    code, out, _ = run("rules", "draft", "--protocol", "NCT01267695", "--out", str(out_file))
    assert code == 0 and "40 rule(s)" in out
    text = out_file.read_text(encoding="utf-8")
    assert "status: draft" in text and "NCT01267695:I26" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ("--protocol", "NCT99999999", "--patient", "eval/patients/gist-eligible.facts.yaml"),
            "unknown protocol 'NCT99999999'",
            id="unknown-protocol",
        ),
        pytest.param(
            ("--protocol", "NCT01267695", "--patient", "missing.json"), "no such patient file", id="missing-patient"
        ),
        pytest.param(
            (
                "--protocol",
                "NCT01267695",
                "--patient",
                "eval/patients/gist-eligible.facts.yaml",
                "--as-of",
                "03/06/2024",
            ),
            "--as-of: '03/06/2024' is not a date",
            id="bad-date",
        ),
    ],
)
def test_errors_are_one_line(args: tuple[str, ...], message: str) -> None:
    code, out, err = run("check", *(str(ROOT / a) if a.endswith((".yaml", ".json")) else a for a in args))
    assert code == 2
    assert err.startswith("error: ") and message in err and "Traceback" not in err
