"""``ingest``, ``list`` and ``ask``: building the index and asking it questions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli import app, friendly
from assistant.errors import AssistantError
from assistant.index import IngestReport, ProtocolIndex
from assistant.parse import parse_protocol, protocol_files
from assistant.settings import Settings, get_settings
from assistant.types import Protocol


def parse_all(
    paths: Sequence[str | Path], skip_invalid: bool = False, settings: Settings | None = None
) -> tuple[list[Protocol], list[str]]:
    """Parse every protocol file before anything is written, so one bad file leaves the index as it was.

    A file that does not parse, a record with no eligibility criteria, or a second file with an NCT id
    already seen is an error; with ``skip_invalid`` it is skipped instead, and said so.
    """
    protocols: dict[str, Protocol] = {}
    skipped: list[str] = []
    for path in protocol_files(paths):
        try:
            protocol = parse_protocol(path, settings)
            if not protocol.criteria:
                raise AssistantError(f"{path}: record has no eligibility criteria; nothing indexed")
            if protocol.id in protocols:
                raise AssistantError(f"{path}: {protocol.id} is also in {protocols[protocol.id].source_path}")
        except AssistantError as exc:
            if not skip_invalid:
                raise
            skipped.append(str(exc))
            continue
        protocols[protocol.id] = protocol
    return list(protocols.values()), skipped


def ingest_paths(
    index: ProtocolIndex,
    paths: Sequence[str | Path],
    show_progress: bool = False,
    skip_invalid: bool = False,
    force: bool = False,
) -> tuple[IngestReport, list[str]]:
    """Parse and ingest protocol files or folders, all or nothing at the parsing step (unless skipping).

    ``force`` accepts a protocol that shrinks by more than half against the indexed one.
    """
    from assistant.chunk import chunk_protocol

    protocols, skipped = parse_all(paths, skip_invalid, index.settings)
    if not protocols:
        raise AssistantError(f"no protocol to index in {', '.join(map(str, paths))}")
    if not show_progress:
        return index.ingest(protocols, force=force), skipped
    from tqdm import tqdm

    total = sum(len(chunk_protocol(p, index.settings.chunk_max_chars)) for p in protocols)
    if index.unindexed(protocols):
        index.embedder  # noqa: B018  (load the model before the bar starts, so the bar shows embedding speed)
    with tqdm(total=total, unit="chunk", desc="indexing", leave=False) as bar:
        return index.ingest(protocols, progress=bar.update, force=force), skipped


def open_index(settings: Settings | None = None, auto_ingest: bool = True) -> ProtocolIndex:
    """The index; an empty one is first filled with the shipped corpus, so a new user gets answers at once."""
    settings = settings or get_settings()
    index = ProtocolIndex(settings)
    if auto_ingest and not index.store.count():
        ingest_paths(index, [settings.corpus_dir])
    return index


@app.command()
@friendly
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Protocol files or folders (.txt page text, v2 .json, .xml).")],
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Skip files that are not usable protocols instead of stopping.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace an indexed protocol even when the new file is less than half of it."),
    ] = False,
) -> None:
    """Index protocols; unchanged text is not embedded again, stale chunks are removed."""
    index = ProtocolIndex(get_settings())
    report, skipped = ingest_paths(index, list(paths), show_progress=True, skip_invalid=skip_invalid, force=force)
    for reason in skipped:
        typer.echo(f"skipped: {reason}", err=True)
    typer.echo(
        f"indexed {len(report.protocols)} protocol(s): {report.added} chunk(s) added, "
        f"{report.removed} removed, {report.unchanged} unchanged"
        + (f" ({report.relabelled} with updated offsets or ids)" if report.relabelled else "")
    )


@app.command("list")
@friendly
def list_protocols(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List the indexed protocols."""
    index = ProtocolIndex(get_settings())
    rows = []
    unfinished = set(index.store.pending())
    for protocol_id in index.store.ids():
        protocol = index.store.load(protocol_id)
        rows.append(
            {
                "id": protocol.id,
                "title": protocol.title,
                "criteria": len(protocol.criteria),
                "format": protocol.source_format,
                "complete": protocol.id not in unfinished,
            }
        )
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        typer.echo("no protocols indexed; run: protocol-assistant ingest corpus/")
    for row in rows:
        note = "" if row["complete"] else "  (ingest interrupted: run ingest again)"
        typer.echo(f"{row['id']}  {row['criteria']:>3} criteria  {row['title']}{note}")


@app.command()
@friendly
def ask(
    question: Annotated[str, typer.Argument(help="The question, in quotes.")],
    protocol: Annotated[
        str | None, typer.Option("--protocol", "-p", help="NCT id of the protocol to ask about.")
    ] = None,
    patient: Annotated[
        Path | None, typer.Option("--patient", help="A FHIR bundle or facts file of the patient.")
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date the patient is checked on (YYYY-MM-DD).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON contract for evaluation scripts.")] = False,
) -> None:
    """Answer a question about a protocol, quoting it exactly (or saying it does not say)."""
    from assistant.chat.chain import respond_once

    settings = get_settings()
    index = open_index(settings)
    response = respond_once(question, index, settings, protocol_id=protocol, patient_path=patient, as_of=as_of)
    if as_json:
        typer.echo(json.dumps(response.to_json(), indent=2, ensure_ascii=False))
    else:
        typer.echo(response.render_text())
