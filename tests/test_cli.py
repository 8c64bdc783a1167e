"""The command line: one-line errors with a non-zero exit, and the index left as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import load_commands
from tests.conftest import SEED, SHARED_PROTOCOLS

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(load_commands(), list(args))
    return result.exit_code, result.stdout, result.stderr


def chunk_count(data: Path) -> int:
    code, out, _ = run("list", "--json")
    assert code == 0
    return sum(row["criteria"] for row in json.loads(out))


def test_ingest_list_and_ask(cli_env: Path) -> None:
    code, out, _ = run("ingest", str(SEED))
    assert code == 0 and "1 protocol(s)" in out
    code, out, _ = run("ingest", str(SEED))
    assert code == 0 and "0 chunk(s) added" in out
    code, out, _ = run("list")
    assert "NCT01267695" in out and "40 criteria" in out
    code, out, _ = run("ask", "What platelet count is required?", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) >= {"question", "answer", "abstained", "citations"}
    citation = data["citations"][0]
    assert set(citation) >= {"protocol", "section", "criterion_id", "quote", "start", "end"}
    assert SEED.read_text(encoding="utf-8")[citation["start"] : citation["end"]] == citation["quote"]


def test_ask_on_an_empty_index_indexes_the_corpus_first(cli_env: Path) -> None:
    code, out, _ = run("ask", "Can patients with brain metastases enroll?", "--json")
    assert code == 0
    assert json.loads(out)["citations"][0]["criterion_id"] == "NCT01267695:I6"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        pytest.param("", "empty.txt", "file is empty", id="empty-file"),
        pytest.param(
            "Dear colleague, see you at noon.", "letter.txt", "not a ClinicalTrials.gov record", id="not-a-protocol"
        ),
        pytest.param(
            json.dumps(
                {
                    "protocolSection": {
                        "identificationModule": {"nctId": "NCT00000001", "briefTitle": "T"},
                        "descriptionModule": {"briefSummary": "A study."},
                    }
                }
            ),
            "no-eligibility.json",
            "no eligibility criteria",
            id="json-without-eligibility-module",
        ),
    ],
)
def test_bad_file_gets_one_line_error_and_index_unchanged(
    cli_env: Path, tmp_path: Path, content: str, name: str, message: str
) -> None:
    run("ingest", str(SEED))
    before = chunk_count(cli_env)
    bad = tmp_path / name
    bad.write_text(content, encoding="utf-8")
    code, out, err = run("ingest", str(bad))
    assert code != 0
    assert err.strip().count("\n") == 0 and message in err and err.startswith("error:")
    assert "Traceback" not in out + err
    assert chunk_count(cli_env) == before


def test_folder_with_one_bad_file_changes_nothing(cli_env: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "bad.xml").write_text(
        (SHARED_PROTOCOLS / "ctgov-legacy-xml" / "NCT03182660.xml").read_text(encoding="utf-8")
    )
    code, _, err = run("ingest", str(folder))
    assert code != 0 and "NCT03182660" not in err or "bad.xml" in err
    code, out, _ = run("list", "--json")
    assert json.loads(out) == []


def test_missing_path(cli_env: Path, tmp_path: Path) -> None:
    code, _, err = run("ingest", str(tmp_path / "missing.txt"))
    assert code != 0 and "no such file or directory" in err and err.count("\n") == 1


@pytest.mark.parametrize("question", ["", "   "], ids=["empty", "blank"])
def test_empty_question(cli_env: Path, question: str) -> None:
    code, _, err = run("ask", question)
    assert code != 0 and "question has no words" in err and err.count("\n") == 1


def test_skip_invalid_indexes_the_rest_and_says_what_it_skipped(cli_env: Path) -> None:
    code, _, err = run("ingest", str(SHARED_PROTOCOLS))
    assert code != 0 and err.startswith("error:") and err.count("\n") == 1
    code, out, _ = run("list", "--json")
    assert json.loads(out) == []
    code, out, err = run("ingest", "--skip-invalid", str(SHARED_PROTOCOLS))
    assert code == 0, err
    skipped = [line for line in err.splitlines() if line.startswith("skipped:")]
    assert any("NCT03182660.xml" in line for line in skipped)
    # Fixture files that carry an NCT id already seen are skipped, not silently merged.
    assert any("NCT02552212 is also in" in line for line in skipped)
    assert any("NCT00081588 is also in" in line for line in skipped)
    code, out, _ = run("list", "--json")
    ids = [row["id"] for row in json.loads(out)]
    assert len(ids) == len(set(ids)) == 63 - 1 - 2  # 63 files: 1 withheld record, 2 repeated ids
