"""Screen many patients against many protocols: each patient read once, checked against every protocol.

The checks run in a pool of processes (``concurrent.futures.ProcessPoolExecutor``); each worker
compiles the protocols' rules once, when it starts (a forked worker inherits the ones already
compiled), and receives the patient files in chunks. A patient file that cannot be read becomes one
error row per protocol naming the file and the field, and the run goes on.
"""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from assistant.check import check_patient, rules_for
from assistant.errors import AssistantError, InputPathError
from assistant.index import ProtocolIndex
from assistant.rules.load import RuleSet
from assistant.screen.rows import ScreenResult, ScreenRow, error_row, ranked, row_of
from assistant.settings import Settings
from assistant.types import Protocol

Progress = Callable[[int], None]
PatientFile = tuple[str, Path]

_HIDDEN = (".", "~")


def patient_files(folder: Path) -> list[Path]:
    """The patient files in ``folder`` (searched recursively, hidden files left out), sorted."""
    if not folder.is_dir():
        raise InputPathError(f"--patients: {folder} is not a folder")
    found = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(_HIDDEN) for part in p.relative_to(folder).parts)
    )
    if not found:
        raise InputPathError(f"--patients: {folder} holds no patient file")
    return found


def select_protocols(available: Sequence[str], wanted: Sequence[str]) -> list[str]:
    """The protocol ids to screen against: every indexed one for ``all``, else those named (each must be indexed)."""
    from assistant.errors import UnknownProtocolError

    if not wanted:
        raise InputPathError("--protocols: give 'all' or one or more protocol ids")
    if [w.lower() for w in wanted] == ["all"]:
        if not available:
            raise InputPathError("--protocols all: no protocol is indexed; run protocol-assistant ingest first")
        return sorted(available)
    known = set(available)
    for protocol_id in wanted:
        if protocol_id not in known:
            raise UnknownProtocolError(protocol_id, list(available))
    return list(dict.fromkeys(wanted))


def _named(label: str, exc: Exception) -> str:
    """The error's message, naming the patient file first when it does not already."""
    message = " ".join(str(exc).split())
    return message if label in message else f"{label}: {message}"


def screen_patient(
    label: str, path: Path, protocols: Sequence[Protocol], rules: Sequence[RuleSet], as_of: dt.date
) -> list[ScreenRow]:
    """One patient's rows against every protocol, ranked (or one error row per protocol)."""
    from assistant.patient import read_patient

    try:
        facts = read_patient(path, as_of=as_of)
    except AssistantError as exc:
        message = _named(label, exc)
        return [error_row(label, p.id, message) for p in protocols]
    rows = []
    for protocol, rule_set in zip(protocols, rules, strict=True):
        try:
            rows.append(row_of(label, check_patient(protocol, facts, as_of, rule_set), facts.patient_id))
        except AssistantError as exc:  # e.g. a review naming a criterion the protocol does not have
            rows.append(error_row(label, protocol.id, _named(label, exc)))
    return ranked(rows)


# ------------------------------------------------------------------------------------- the pool

_WORKER: dict[str, object] = {}


def _start_worker(protocols: Sequence[Protocol], as_of: dt.date, corpus_dir: Path) -> None:
    """Compile the rules once per worker process."""
    _WORKER["protocols"] = list(protocols)
    _WORKER["rules"] = [rules_for(p, corpus_dir) for p in protocols]
    _WORKER["as_of"] = as_of


def _screen_chunk(files: Sequence[PatientFile]) -> list[list[ScreenRow]]:
    """The rows of a chunk of patient files, in the worker holding the compiled rules."""
    protocols = _WORKER["protocols"]
    rules = _WORKER["rules"]
    as_of = _WORKER["as_of"]
    assert isinstance(protocols, list) and isinstance(rules, list) and isinstance(as_of, dt.date)
    return [screen_patient(label, path, protocols, rules, as_of) for label, path in files]


def default_workers() -> int:
    """The cores this process may use."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def chunk_size(patients: int, workers: int, per_worker: int = 8) -> int:
    """Patients per task: about ``per_worker`` tasks for each worker, so a slow chunk does not idle the others."""
    return max(1, math.ceil(patients / (workers * per_worker)))


def screen_protocols(
    patients: Sequence[Path | PatientFile],
    protocols: Sequence[Protocol],
    as_of: dt.date,
    settings: Settings,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
) -> ScreenResult:
    """Every patient × protocol row; ``patients`` are paths or (label, path) pairs, in the order given."""
    if not protocols:
        raise InputPathError("no protocol to screen against")
    files: list[PatientFile] = [p if isinstance(p, tuple) else (str(p), p) for p in patients]
    workers = max(1, min(workers or default_workers(), len(files)))
    rules = [rules_for(p, settings.corpus_dir) for p in protocols]  # a bad rules file fails before any work
    if any(path.suffix.lower() == ".txt" for _, path in files):
        from assistant.patient.note.pipeline import note_pipeline

        note_pipeline()  # loaded once here; forked workers share it
    result = ScreenResult(patients=len(files), protocols=tuple(p.id for p in protocols), workers=workers)
    if workers == 1:
        for label, path in files:
            result.rows += screen_patient(label, path, protocols, rules, as_of)
            if progress:
                progress(1)
        return result
    size = chunk_size(len(files), workers)
    chunks = [files[i : i + size] for i in range(0, len(files), size)]
    done: dict[int, list[list[ScreenRow]]] = {}
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(list(protocols), as_of, settings.corpus_dir),
    ) as pool:
        futures = {pool.submit(_screen_chunk, chunk): n for n, chunk in enumerate(chunks)}
        for future in as_completed(futures):
            n = futures[future]
            done[n] = future.result()
            if progress:
                progress(len(chunks[n]))
    for n in range(len(chunks)):
        for rows in done[n]:
            result.rows += rows
    return result


def screen(
    patients: Sequence[Path | PatientFile],
    protocol_ids: Sequence[str],
    as_of: dt.date,
    settings: Settings,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    index: ProtocolIndex | None = None,
) -> ScreenResult:
    """Screen patient files (paths or (label, path) pairs) against indexed protocols (``["all"]``: every one)."""
    opened = index or ProtocolIndex(settings)
    ids = select_protocols(opened.store.ids(), protocol_ids)
    protocols = [opened.store.load(i) for i in ids]
    return screen_protocols(patients, protocols, as_of, settings, workers=workers, progress=progress)
