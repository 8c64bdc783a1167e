"""Fuzzed ingest: mutated real records through the CLI, and properties of the parser and ids."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.errors import AssistantError, ProtocolIdError
from assistant.ids import corpus_file, validate_protocol_id
from assistant.parse import parse_text
from assistant.types import Protocol
from tests.conftest import CORPUS
from tests.fuzz_records import fuzz_count, generate, run_cases


def test_generation_is_seeded_and_mixed() -> None:
    first, again = generate(60), generate(60)
    assert [c.data for c in first] == [c.data for c in again]
    kinds = {c.name.split(":")[1] for c in first}
    assert {"wrong_type", "truncate", "bad_id", "odd_bytes"} <= kinds
    assert any(c.suffix == ".xml" for c in first) and any(c.suffix == ".txt" for c in first)


def test_fuzzed_ingest_fails_cleanly_and_leaves_the_index(tmp_path: Path) -> None:
    cases = generate(fuzz_count())
    started = time.monotonic()
    outcome = run_cases(cases, tmp_path)
    print(f"\nfuzz: {outcome.summary()} in {time.monotonic() - started:.1f}s")
    assert outcome.inputs == len(cases) >= 200
    assert outcome.tracebacks == []
    assert outcome.hangs == []
    assert outcome.wrong_exits == []
    assert outcome.index_changes == []
    assert sum(c.must_fail for c in cases) > len(cases) // 2


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=30,
)
MODULES = st.sampled_from(
    ["identificationModule", "eligibilityModule", "designModule", "statusModule", "armsInterventionsModule"]
)


@given(st.dictionaries(MODULES, JSON, max_size=5), st.text(max_size=40))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_json_record_parses_or_fails_with_a_typed_error(section: dict[str, Any], nct: str) -> None:
    section.setdefault("identificationModule", {"nctId": nct})
    try:
        protocol = parse_text(json.dumps({"protocolSection": section}), "record.json")
    except AssistantError:
        return
    assert isinstance(protocol, Protocol)
    assert validate_protocol_id(protocol.id) == protocol.id


@given(st.text(max_size=400))
@settings(max_examples=150, deadline=None)
def test_any_text_parses_or_fails_with_a_typed_error(text: str) -> None:
    try:
        protocol = parse_text("NCT01267695\n" + text, "page.txt")
    except AssistantError:
        return
    assert all(
        protocol.text[c.start : c.end] == c.text and any(ch.isalnum() for ch in c.text) for c in protocol.criteria
    )


@given(st.text(max_size=60))
@settings(max_examples=300, deadline=None)
def test_an_accepted_id_names_a_file_inside_the_corpus(value: str) -> None:
    try:
        accepted = validate_protocol_id(value)
    except ProtocolIdError:
        return
    assert accepted == value and "/" not in value and "." not in value and "\x00" not in value
    path = corpus_file(CORPUS, accepted, ".rules.yaml")
    assert path.resolve().parent == CORPUS.resolve()


@pytest.mark.parametrize("depth", [pytest.param(d, id=f"depth-{d}") for d in (65, 1000, 100_000)])
def test_deep_nesting_inside_a_real_record_is_a_limit_error(depth: int) -> None:
    raw = '{"protocolSection": {"x": ' + "[" * depth + "]" * depth + "}}"
    with pytest.raises(AssistantError, match="max_nesting_depth"):
        parse_text(raw, "record.json")
