"""Shared fixtures: real protocol files, settings on a temporary data dir, fake and real embedders."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant.embed import HashingEmbedder  # noqa: E402
from assistant.index import ProtocolIndex  # noqa: E402
from assistant.parse import parse_protocol  # noqa: E402
from assistant.rules.load import RuleSet  # noqa: E402
from assistant.settings import Settings, get_settings  # noqa: E402
from assistant.types import Protocol, Verdict  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEED = CORPUS / "NCT01267695.txt"
SHARED = ROOT.parent / "shared"
SHARED_PROTOCOLS = SHARED / "protocols"


@cache
def one_criterion(record: str, criterion_id: str) -> Protocol:
    """A record of the shared protocols (``record``: its path under ``protocols/``) cut down to one criterion."""
    protocol = parse_protocol(SHARED_PROTOCOLS / record)
    return dataclasses.replace(protocol, criteria=(protocol.criterion(criterion_id),))


@cache
def compiled_one(record: str, criterion_id: str) -> tuple[Protocol, RuleSet]:
    """``one_criterion`` with the compiler's draft rule, which must be executable."""
    from assistant.rules.compile import draft_rules
    from assistant.rules.load import compile_document

    one = one_criterion(record, criterion_id)
    rules = compile_document(draft_rules(one), one, "compiled")
    assert rules.rules[0].executable, f"{criterion_id} no longer compiles: {rules.document.rules[0].note}"
    return one, rules


def note_verdict(record: str, criterion_id: str, note: str, today: dt.date) -> Verdict:
    """The verdict on a record's one criterion (``compiled_one``) for a patient given as a clinical note."""
    from assistant.check import check_patient
    from assistant.patient.note import read_note

    protocol, rules = compiled_one(record, criterion_id)
    return check_patient(protocol, read_note(note, today).facts, today, rules).verdicts[0]


class CountingEmbedder(HashingEmbedder):
    """The hashing fake, counting how many texts it embedded."""

    def __init__(self) -> None:
        self.calls = 0
        self.texts = 0

    def embed(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        self.texts += len(texts)
        return super().embed(texts)


@pytest.fixture
def exact_links(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Exact and synonym links only: embedding links are the linker's to calibrate, not the compiler tests'."""
    monkeypatch.setenv("PA_COMPILE_LINK_EMBEDDING", "false")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def seed() -> Protocol:
    """The seed protocol, parsed."""
    return parse_protocol(SEED)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings on an empty temporary data dir, with the fast fake embedder."""
    return Settings(data_dir=tmp_path / "data", embedder="fake", corpus_dir=CORPUS)


@pytest.fixture
def fake_index(settings: Settings) -> ProtocolIndex:
    """An empty index with a counting fake embedder."""
    return ProtocolIndex(settings, embedder=CountingEmbedder())


@pytest.fixture(scope="session")
def real_index(tmp_path_factory: pytest.TempPathFactory) -> ProtocolIndex:
    """An index of the shipped corpus embedded with the real packaged model (loaded once)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("real") / "data", corpus_dir=CORPUS)
    index = ProtocolIndex(settings)
    index.ingest([parse_protocol(SEED)])
    return index


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Environment for CLI runs: a temporary data dir and the fake embedder."""
    data = tmp_path / "cli-data"
    monkeypatch.setenv("PA_DATA_DIR", str(data))
    monkeypatch.setenv("PA_EMBEDDER", "fake")
    get_settings.cache_clear()
    yield data
    get_settings.cache_clear()


ELIGIBLE_PATIENT = ROOT / "eval" / "patients" / "gist-eligible-reviewed.facts.yaml"


@pytest.fixture
def loaded_session(fake_index: ProtocolIndex, settings: Settings) -> object:
    """A chat on the seed with an eligible patient loaded from a facts file (platelets 245 ×10^9/L)."""
    from assistant.chat.chain import ChatSession

    fake_index.ingest([parse_protocol(SEED)])
    chat = ChatSession(fake_index, settings.model_copy(update={"audit_enabled": False}))
    chat.load_patient(ELIGIBLE_PATIENT)
    return chat
