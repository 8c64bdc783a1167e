"""``check`` (a patient against a protocol) and ``rules draft`` (draft a rules file from criteria text)."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli import app, friendly
from assistant.errors import InputPathError
from assistant.settings import get_settings
from assistant.types import Protocol

rules_app = typer.Typer(help="Eligibility rules files: draft them from criteria text for review.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

_MARKS = {"satisfied": "✓", "violated": "✗", "unknown": "?", "needs_review": "!", "not_applicable": "-"}


def find_protocol(protocol_id: str) -> Protocol:
    """The indexed protocol ``protocol_id`` (an empty index is first filled with the shipped corpus)."""
    from assistant.cli.corpus_cmds import open_index

    return open_index(get_settings()).store.load(protocol_id)


def _as_of(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InputPathError(f"--as-of: {value!r} is not a date (YYYY-MM-DD)") from None
    from assistant.dates import checked

    return checked(day, "--as-of")


def render_check(result: object) -> str:
    """A check as text for a terminal: overall verdict, one line per criterion, what is missing."""
    from assistant.check import PatientCheck

    assert isinstance(result, PatientCheck)
    lines = [f"{result.protocol}: {result.overall.upper()} (as of {result.as_of.isoformat()})"]
    if result.rules_source == "compiled":
        lines.append(
            "note: no reviewed rules file for this protocol; rules were compiled from the criteria text "
            "and anything they could not read is marked for review"
        )
    for v in result.verdicts:
        short = v.criterion_id.split(":")[-1]
        lines.append(f"{_MARKS[v.status]} {short:<4} {v.status:<12} {v.text}")
        lines.append(textwrap.fill(v.reason, width=110, initial_indent="        ", subsequent_indent="        "))
    settle = result.to_settle()
    for items, heading in ((settle["order"], "Data to order"), (settle["ask"], "Questions to ask")):
        if items:
            lines += ["", f"{heading} (to settle the unknown criteria):"] + [f"  [ ] {item}" for item in items]
    review = [
        v.criterion_id.split(":")[-1]
        for v in result.verdicts
        if v.status == "needs_review" and v.criterion_id not in result.administrative
    ]
    if review:
        lines.append(f"For a person to decide: {', '.join(review)}")
    administrative = [cid.split(":")[-1] for cid in result.administrative]
    if administrative:
        lines.append(f"Administrative (consent, compliance, logistics): {', '.join(administrative)}")
    return "\n".join(lines)


@app.command()
@friendly
def check(
    protocol: Annotated[str, typer.Option("--protocol", help="Protocol id, e.g. NCT01234567.")],
    patient: Annotated[
        Path | None, typer.Option("--patient", help="FHIR R4 Bundle (JSON) or facts file (YAML/JSON).")
    ] = None,
    note: Annotated[Path | None, typer.Option("--note", help="A clinical note (plain text).")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date time windows count from (default: today).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON verdict contract.")] = False,
) -> None:
    """Check a patient (a patient file or a clinical note) against a protocol's eligibility criteria."""
    from assistant.check import check_patient
    from assistant.patient import read_patient
    from assistant.patient.note.render import read_note_file, reading_to_json, render_reading

    if (patient is None) == (note is None):
        raise InputPathError("give exactly one of --patient FILE or --note FILE")
    day = _as_of(as_of)
    found = find_protocol(protocol)
    reading = read_note_file(note, day) if note is not None else None
    facts = reading.facts if reading is not None else read_patient(patient, as_of=day)  # type: ignore[arg-type]
    result = check_patient(found, facts, day)
    if as_json:
        data = result.to_json() | ({"note": reading_to_json(reading)} if reading is not None else {})
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        typer.echo((render_reading(reading) + "\n\n" if reading is not None else "") + render_check(result))


@rules_app.command("draft")
@friendly
def draft(
    protocol: Annotated[str, typer.Option("--protocol", help="Protocol id, e.g. NCT01234567.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Where to write the draft (default: corpus/<id>.rules.draft.yaml).")
    ] = None,
    stdout: Annotated[bool, typer.Option("--stdout", help="Print the draft instead of writing it.")] = False,
) -> None:
    """Draft a rules file from the criteria text, for a person to review and save as <id>.rules.yaml."""
    from assistant.rules.compile import draft_rules, dump_rules

    found = find_protocol(protocol)
    document = draft_rules(found)
    text = dump_rules(document)
    if stdout:
        typer.echo(text)
        return
    from assistant.ids import corpus_file

    path = out or corpus_file(get_settings().corpus_dir, found.id, ".rules.draft.yaml")
    path.write_text(text, encoding="utf-8")
    executable = sum(1 for r in document.rules if "needs_review" not in r.when)
    typer.echo(
        f"wrote {path}: {len(document.rules)} rule(s), {executable} executable, "
        f"{len(document.rules) - executable} marked needs_review. Review it, set status: reviewed and save it as "
        f"{found.id}.rules.yaml to use it."
    )


__all__ = ["find_protocol", "render_check"]
