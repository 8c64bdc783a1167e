"""``protocol-assistant schedule``: a protocol's treatment windows for given dates, as a table, JSON or a calendar."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli import app, friendly
from assistant.schedule import ComputedSchedule, compute_schedule, load_schedule, parse_date, write_ics


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


@app.command()
@friendly
def schedule(
    protocol: Annotated[str, typer.Option("--protocol", help="NCT number of the protocol, e.g. NCT01267695.")],
    start: Annotated[str | None, typer.Option("--start", help="First day of treatment, YYYY-MM-DD.")] = None,
    surgery: Annotated[str | None, typer.Option("--surgery", help="Day of surgery, YYYY-MM-DD.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the schedule as JSON.")] = False,
    ics: Annotated[Path | None, typer.Option("--ics", help="Also write the windows to this iCalendar file.")] = None,
) -> None:
    """Compute a protocol's treatment windows from a start (and surgery) date, each step cited."""
    computed = compute_schedule(
        load_schedule(protocol),
        parse_date("--start", start),
        parse_date("--surgery", surgery),
    )
    if ics is not None:
        write_ics(computed, ics)
    if as_json:
        typer.echo(json.dumps(computed.to_json(), ensure_ascii=False, indent=2))
    else:
        typer.echo(render_table(computed))
        if ics is not None:
            typer.echo(f"\ncalendar written to {ics}")
