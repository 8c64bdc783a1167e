"""``check --note``: a clinical note read through the command line against a shared registry protocol."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import assistant.cli.check_cmds  # noqa: F401  (registers the commands)
import assistant.cli.corpus_cmds  # noqa: F401
from assistant.cli import app

NOTES = Path(__file__).resolve().parent / "data" / "notes"
PROTOCOL = Path(__file__).resolve().parent.parent.parent / "shared" / "protocols" / "ctgov-v2-json" / "NCT00763412.json"
runner = CliRunner()


@pytest.fixture
def indexed(cli_env: Path) -> Path:
    result = runner.invoke(app, ["ingest", str(PROTOCOL)])
    assert result.exit_code == 0, result.output
    return cli_env


def test_check_note_json(indexed: Path) -> None:
    note = NOTES / "hp_oncology_woman.txt"
    args = ["check", "--protocol", "NCT00763412", "--note", str(note), "--as-of", "2024-06-03", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    text = note.read_text(encoding="utf-8")
    mentions = data["note"]["mentions"]
    assert {"age", "sex", "platelets", "creatinine"} <= {m["concept"] for m in mentions}
    assert all(text[m["start"] : m["end"]] == m["text"] for m in mentions)
    age_rule = next(c for c in data["criteria"] if "years old" in c["text"])
    assert age_rule["status"] == "violated" and "62" in age_rule["reason"]


@pytest.mark.parametrize(
    ("note", "shown"),
    [
        pytest.param("hp_oncology_woman.txt", "platelet count 142 10*9/L (from 'Platelets 142,000/mm3')", id="facts"),
        pytest.param("hp_units_vitals.txt", "unit '/mm' cannot be converted", id="dropped-unit"),
        pytest.param("note_french.txt", "nothing was read", id="other-language"),
    ],
)
def test_check_note_text(indexed: Path, note: str, shown: str) -> None:
    args = ["check", "--protocol", "NCT00763412", "--note", str(NOTES / note), "--as-of", "2024-06-03"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Read from the note:")
    assert shown in result.stdout
    assert "NCT00763412:" in result.stdout


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        pytest.param("   \n", [], "the note is empty", id="empty"),
        pytest.param("x" * 300_000, [], "PA_NOTE_MAX_CHARS", id="too-long"),
        pytest.param(None, [], "no such note file", id="missing"),
        pytest.param("HPI: 60 yo man.", ["--patient", "x.yaml"], "exactly one of --patient", id="both"),
    ],
)
def test_check_note_bad_input(
    indexed: Path, tmp_path: Path, content: str | None, extra: list[str], message: str
) -> None:
    note = tmp_path / "note.txt"
    if content is not None:
        note.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["check", "--protocol", "NCT00763412", "--note", str(note), *extra])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert "Traceback" not in result.output
