"""Fuzzed ``check`` and ``ask``: real patient files and real questions, mutated, run through the CLI.

A seeded generator mutates the patient files of eval/patients/ (facts files and FHIR bundles) and
the questions of eval/questions.yaml; each input runs through typer's CliRunner (fake embedder, a
temporary data dir indexed once per module). Every run must end cleanly: no traceback, none over
the time limit, a non-zero exit with one ``error: …`` line naming the field for every input that
must fail, and a well-formed JSON answer for every valid mutation. Hypothesis adds properties of
the facts reader and the checker. More inputs: ``PA_FUZZ_N=2000`` (``make fuzz``).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from assistant.check import check_patient
from assistant.cli import load_commands
from assistant.errors import AssistantError
from assistant.parse import parse_protocol
from assistant.patient.concepts import load_concepts
from assistant.patient.factsfile import parse_facts
from assistant.patient.units import to_canonical
from assistant.settings import get_settings
from tests.conftest import CORPUS, SEED
from tests.fuzz_patients import AS_OF, PATIENTS, Case, Outcome, fuzz_count, generate

TIME_LIMIT_S = 30

# ------------------------------------------------------------------------------------------- runner


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _Timeout


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CliRunner, Any, Path]]:
    """The CLI on a temporary data dir with the fake embedder, the corpus indexed once."""
    work = tmp_path_factory.mktemp("fuzz-check")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PA_DATA_DIR", str(work / "data"))
        patch.setenv("PA_EMBEDDER", "fake")
        get_settings.cache_clear()
        app, runner = load_commands(), CliRunner()
        result = runner.invoke(app, ["ingest", str(CORPUS)])
        assert result.exit_code == 0, result.output
        yield runner, app, work
    get_settings.cache_clear()


def run_case(case: Case, runner: CliRunner, app: Any, work: Path, outcome: Outcome) -> None:
    """Run one case and record what went wrong."""
    if case.command == "check":
        path = work / f"patient{case.suffix}"
        path.write_bytes(case.data)
        args = ["check", "--protocol", "NCT01267695", "--patient", str(path), "--as-of", AS_OF, "--json"]
    else:
        args = ["ask", case.question, "--protocol", "NCT01267695", "--json"]
    outcome.inputs += 1
    signal.alarm(TIME_LIMIT_S)
    try:
        result = runner.invoke(app, args)
    except _Timeout:
        outcome.hangs.append(case.name)
        return
    finally:
        signal.alarm(0)
    if isinstance(result.exception, _Timeout):
        outcome.hangs.append(case.name)
        return
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        outcome.tracebacks.append(f"{case.name}: {type(result.exception).__name__}: {result.exception}"[:300])
        return
    err = result.stderr.strip()
    if result.exit_code != 0:
        outcome.failed += 1
        if not err.startswith("error: ") or "\n" in err:
            outcome.tracebacks.append(f"{case.name}: exit {result.exit_code} without one error line: {err[:200]!r}")
        elif case.field and case.field not in err:
            outcome.wrong_exits.append(f"{case.name}: error does not name {case.field!r}: {err[:300]}")
        if case.valid:
            outcome.wrong_exits.append(f"{case.name}: valid input refused: {err[:300]}")
        return
    if case.must_fail:
        outcome.wrong_exits.append(f"{case.name}: exit 0 on an input that must fail")
        return
    try:
        answer = json.loads(result.stdout)
    except json.JSONDecodeError:
        outcome.bad_answers.append(f"{case.name}: not JSON")
        return
    keys = {"protocol", "overall", "criteria"} if case.command == "check" else {"question", "answer", "citations"}
    if not isinstance(answer, dict) or not keys <= set(answer):
        outcome.bad_answers.append(f"{case.name}: missing keys {keys - set(answer)}")


def test_generation_is_seeded_and_mixed() -> None:
    first, again = generate(120), generate(120)
    assert [(c.name, c.data, c.question) for c in first] == [(c.name, c.data, c.question) for c in again]
    kinds = {c.name.split(":")[1] for c in first}
    assert {"huge", "non_finite", "wrong_type", "invisible", "deep", "digits", "bytes", "empty", "dates"} <= kinds
    assert sum(c.must_fail for c in first) > len(first) // 2
    assert sum(c.valid for c in first) >= 10


def test_fuzzed_check_and_ask_end_cleanly(cli: tuple[CliRunner, Any, Path]) -> None:
    runner, app, work = cli
    cases = generate(fuzz_count())
    outcome = Outcome()
    previous = signal.signal(signal.SIGALRM, _alarm)
    started = time.monotonic()
    try:
        for case in cases:
            run_case(case, runner, app, work, outcome)
    finally:
        signal.signal(signal.SIGALRM, previous)
    print(f"\nfuzz check/ask: {outcome.summary()} in {time.monotonic() - started:.1f}s")
    assert outcome.inputs == len(cases) >= 120
    assert outcome.tracebacks == []
    assert outcome.hangs == []
    assert outcome.wrong_exits == []
    assert outcome.bad_answers == []


# ------------------------------------------------------------------------------------- properties

PROTOCOL = parse_protocol(SEED)
FACTS = yaml.safe_load((PATIENTS / "gist-eligible.facts.yaml").read_text(encoding="utf-8"))
VALUES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8)
)
UNITS = (
    st.none()
    | st.sampled_from(["10*9/L", "/mm3", "10*3/uL", "g/dL", "umol/L", "U/L", "ULN", "cm"])
    | st.text(max_size=8)
)


@given(st.integers(min_value=0, max_value=len(FACTS["observations"]) - 1), VALUES, UNITS, VALUES)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_observation_is_read_plausible_or_refused(index: int, value: Any, unit: Any, high: Any) -> None:
    data = copy.deepcopy(FACTS)
    data["observations"][index].update(value=value, unit=unit, reference_high=high)
    try:
        facts = parse_facts(data, "fuzz", dt.date(2025, 1, 1))
    except AssistantError:
        return
    concepts = load_concepts()
    for obs in facts.observations:
        concept = concepts.concepts[obs.concept]
        if obs.value is None or concept.plausible is None or (obs.unit or "").upper() == "ULN":
            continue
        assert math.isfinite(obs.value)
        canonical = to_canonical(obs.value, obs.unit, concept, "fuzz") if concept.value == "quantity" else obs.value
        assert concept.plausible[0] <= canonical <= concept.plausible[1]
    result = check_patient(PROTOCOL, facts, dt.date.fromisoformat(AS_OF))
    assert {v.status for v in result.verdicts} <= {"satisfied", "violated", "unknown", "needs_review", "not_applicable"}


@given(
    st.one_of(st.none(), st.text(max_size=12), st.integers(), st.booleans()),
    st.one_of(st.none(), st.dates(), st.text(max_size=12), st.integers()),
)
@settings(max_examples=300, deadline=None)
def test_any_patient_header_is_read_or_refused(sex: Any, birth: Any) -> None:
    data = copy.deepcopy(FACTS)
    data["patient"].update(sex=sex, birth_date=birth)
    try:
        facts = parse_facts(data, "fuzz", dt.date(2025, 1, 1), dt.date.fromisoformat(AS_OF))
    except AssistantError:
        return
    assert facts.sex in (None, "female", "male", "other", "unknown")
    if facts.birth_date is not None:
        assert dt.date(1900, 1, 1) <= facts.birth_date <= dt.date.fromisoformat(AS_OF)
