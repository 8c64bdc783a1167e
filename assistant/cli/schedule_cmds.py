"""``protocol-assistant schedule``: a protocol's treatment windows for given dates, as a table, JSON or a calendar."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli import app, friendly
from assistant.errors import ScheduleError
from assistant.schedule import ComputedSchedule, compute_schedule, load_schedule, parse_date, write_ics
from assistant.schedule.draft import DRAFTED_NOTE, load_schedule_file_text
from assistant.schedule.load import DRAFT_SUFFIX


def render_table(computed: ComputedSchedule) -> str:
    """The schedule as a plain-text table followed by its numbered sources."""
    sources: dict[tuple[int, int], int] = {}
    rows = [("step", "earliest", "latest", "window", "source")]
    for step in computed.steps:
        refs = []
        for citation in step.citations:
            refs.append(str(sources.setdefault((citation.start, citation.end), len(sources) + 1)))
        window = step.window + (f" ({step.condition})" if step.condition else "")
        rows.append(
            (
                step.label,
                step.earliest.isoformat() if step.earliest else "-",
                step.latest.isoformat() if step.latest else "-",
                window,
                ",".join(f"[{r}]" for r in refs),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))

    notes = [f"note: {note}" for step in computed.steps for note in step.notes]
    notes += [f"interpretation ({step.id}): {step.interpretation}" for step in computed.steps if step.interpretation]
    if notes:
        lines += ["", *notes]
    lines += ["", "Sources:"]
    seen = set()
    for step in computed.steps:
        for citation in step.citations:
            number = sources[(citation.start, citation.end)]
            if number in seen:
                continue
            seen.add(number)
            lines.append(
                f"[{number}] {citation.protocol} {citation.section} [{citation.start}:{citation.end}] "
                f"\u201c{citation.quote}\u201d"
            )
    lines += ["", "Conventions:", *(f"- {c}" for c in computed.conventions)]
    return "\n".join(lines)


schedule_app = typer.Typer(help="Treatment schedules: compute a protocol's windows, or draft a schedule file.")
app.add_typer(schedule_app, name="schedule")


def _protocol_text(protocol_id: str) -> str | None:
    """The canonical text the schedule's quotes are located in: the corpus text file, else the indexed protocol."""
    from assistant.ids import corpus_file
    from assistant.settings import get_settings

    if corpus_file(get_settings().corpus_dir, protocol_id, ".txt").is_file():
        return None
    from assistant.cli.check_cmds import find_protocol

    return find_protocol(protocol_id).text


@schedule_app.callback(invoke_without_command=True)
@friendly
def schedule(
    ctx: typer.Context,
    protocol: Annotated[
        str | None, typer.Option("--protocol", help="NCT number of the protocol, e.g. NCT01234567.")
    ] = None,
    start: Annotated[str | None, typer.Option("--start", help="First day of treatment, YYYY-MM-DD.")] = None,
    surgery: Annotated[str | None, typer.Option("--surgery", help="Day of surgery, YYYY-MM-DD.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the schedule as JSON.")] = False,
    ics: Annotated[Path | None, typer.Option("--ics", help="Also write the windows to this iCalendar file.")] = None,
) -> None:
    """Compute a protocol's treatment windows from a start (and surgery) date, each step cited."""
    if ctx.invoked_subcommand is not None:
        return
    if protocol is None:
        raise ScheduleError("--protocol: missing; give the protocol's NCT number, e.g. --protocol NCT01234567")
    loaded = load_schedule(protocol, protocol_text=_protocol_text(protocol))
    computed = compute_schedule(loaded, parse_date("--start", start), parse_date("--surgery", surgery))
    if ics is not None:
        write_ics(computed, ics)
    if as_json:
        typer.echo(json.dumps(computed.to_json(), ensure_ascii=False, indent=2))
    else:
        if loaded.drafted:
            typer.echo(f"note: {DRAFTED_NOTE}\n")
        typer.echo(render_table(computed))
        if ics is not None:
            typer.echo(f"\ncalendar written to {ics}")


@schedule_app.command("draft")
@friendly
def draft(
    protocol: Annotated[str, typer.Option("--protocol", help="Protocol id, e.g. NCT01234567.")],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Where to write the draft (default: corpus/<id>.schedule.draft.yaml)."),
    ] = None,
) -> None:
    """Draft a schedule file from the protocol's arms, interventions and description, for a person to review."""
    from assistant.cli.check_cmds import find_protocol
    from assistant.ids import corpus_file
    from assistant.schedule.draft import draft_schedule, dump_schedule, refuse_reviewed
    from assistant.settings import get_settings

    found = find_protocol(protocol)
    document = draft_schedule(found)
    path = out or corpus_file(get_settings().corpus_dir, found.id, DRAFT_SUFFIX)
    refuse_reviewed(path)
    text = dump_schedule(document)
    load_schedule_file_text(text, path, found.text)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ScheduleError(f"--out: cannot write {path} ({exc.strerror})") from exc
    typer.echo(
        f"wrote {path}: {len(document['steps'])} step(s), each quoting the protocol. Review every step, "
        "then set status: reviewed."
    )
