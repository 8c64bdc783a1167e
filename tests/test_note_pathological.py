"""Notes shaped to make a pattern backtrack are read in linear time.

A bound on pathological reading, not a speed figure: a pattern that starts with ``\\s*`` or ``\\d+`` and is
searched from every position of a long run of spaces or digits makes reading quadratic (a 19,000-space run
took 31 s, a 20,000-digit one 4 s); read linearly, each takes well under a second on a 2-core machine.
Reading speed is ``eval/bench_notes.py``'s figure.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest

from assistant.patient.note import read_note

TODAY = dt.date(2025, 6, 1)


@pytest.mark.parametrize(
    "note",
    [
        pytest.param("x" + " " * 19_000 + " platelets 90k", id="run-of-spaces"),
        pytest.param("1" * 20_000, id="run-of-digits"),
        pytest.param("Creatinine" + "\t" * 19_000 + "normal.", id="run-of-tabs-before-normal"),
        pytest.param(" ".join(f"on 2024-01-{i % 28 + 1:02d} started" for i in range(1000))[:20_000], id="dates"),
    ],
)
def test_long_pathological_notes_are_read_quickly(note: str) -> None:
    read_note("Platelets 90k.", TODAY)  # the pipeline is built once, outside the bound
    start = time.perf_counter()
    read_note(note, TODAY)
    assert time.perf_counter() - start < 5.0
