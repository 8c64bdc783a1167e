"""Commands over many protocols: ``screen`` (patients × protocols, ranked CSV rows) and ``ask-all``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli import app, friendly
from assistant.settings import get_settings


@app.command()
@friendly
def screen(
    patients: Annotated[
        Path, typer.Option("--patients", help="Folder of patient files: FHIR bundles, facts files, notes (.txt).")
    ],
    protocols: Annotated[
        list[str], typer.Option("--protocols", help="'all', or protocol ids (repeat the option or separate by commas).")
    ],
    out: Annotated[Path, typer.Option("--out", help="CSV file to write, one row per patient × protocol.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date time windows count from (default: today).")] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Processes to check in (default: every core).")
    ] = None,
    as_json: Annotated[Path | None, typer.Option("--json", help="Also write the run as JSON to this file.")] = None,
) -> None:
    """Pre-screen every patient in a folder against protocols; each patient's protocols ranked (ineligible last)."""
    from tqdm import tqdm

    from assistant.cli.check_cmds import _as_of
    from assistant.cli.corpus_cmds import open_index
    from assistant.screen import patient_files
    from assistant.screen import screen as run_screen

    day = _as_of(as_of)
    files = patient_files(patients)
    wanted = [part.strip() for item in protocols for part in item.split(",") if part.strip()]
    settings = get_settings()
    index = open_index(settings)
    labels = [(str(f.relative_to(patients)), f) for f in files]
    with tqdm(total=len(files), unit="patient", desc="screening", leave=False) as bar:
        result = run_screen(labels, wanted, day, settings, workers=workers, progress=bar.update, index=index)
    result.write_csv(out)
    if as_json is not None:
        as_json.write_text(json.dumps(result.to_json(), indent=2, ensure_ascii=False), encoding="utf-8")
    failed = sorted({r.patient for r in result.errors})
    typer.echo(
        f"screened {result.patients} patient(s) against {len(result.protocols)} protocol(s) "
        f"in {result.workers} process(es): wrote {len(result.rows)} row(s) to {out}"
    )
    for row in {r.patient: r for r in result.errors}.values():
        typer.echo(f"error: {row.message}", err=True)
    if failed:
        typer.echo(f"{len(failed)} patient file(s) could not be checked; their rows say why", err=True)


@app.command("ask-all")
@friendly
def ask_all(
    question: Annotated[str, typer.Argument(help="The question, in quotes, e.g. 'Which trials allow ECOG 3?'.")],
    patient: Annotated[
        Path | None, typer.Option("--patient", help="Patient file (FHIR bundle, facts file or .txt note).")
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date the patient is checked on (YYYY-MM-DD).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON: one finding per protocol.")] = False,
) -> None:
    """Ask every indexed protocol one question; each answers with the criteria it rests on, quoted."""
    from assistant.cli.check_cmds import _as_of
    from assistant.cli.corpus_cmds import open_index
    from assistant.cross import CrossQuestion, answer_cross, read_cross_question
    from assistant.patient import read_patient
    from assistant.question import clean_question

    settings = get_settings()
    day = _as_of(as_of)
    text = clean_question(question, settings)
    asked = read_cross_question(text, day)
    facts = read_patient(patient, as_of=day) if patient is not None else None
    if facts is not None and asked.kind != "patient":
        asked = CrossQuestion(text, "patient")  # a patient given: the question is whether each protocol takes them
    result = answer_cross(asked, open_index(settings), settings, day, facts)
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        typer.echo(result.render_text())
