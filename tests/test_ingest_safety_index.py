"""Ingest is atomic per protocol: interrupted ingests are seen, changed protocols relabel every chunk."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.chunk import chunk_protocol
from assistant.errors import IncompleteIndexError, InputLimitError, ProtocolShrinkError
from assistant.index import ProtocolIndex
from assistant.parse import parse_protocol, parse_text
from assistant.settings import Settings
from assistant.types import Protocol
from tests.conftest import SEED, CountingEmbedder

runner = CliRunner()


class BrokenEmbedder(CountingEmbedder):
    """Embeds the first call, then fails: an ingest killed after its first batch."""

    def embed(self, texts: list[str]) -> list[list[float]]:
        if self.calls:
            raise KeyboardInterrupt
        return super().embed(texts)


def _edited_seed(seed: Protocol) -> Protocol:
    """The seed with one criterion inserted before the 28th inclusion criterion."""
    anchor = seed.criterion(f"{seed.id}:I28")
    line_start = seed.text.rfind("\n", 0, anchor.start) + 1
    bullet = seed.text[line_start : anchor.start]
    text = (
        seed.text[:line_start] + bullet + "Inserted criterion about adequate organ function\n" + seed.text[line_start:]
    )
    return parse_text(text, "edited.txt")


def _stored(index: ProtocolIndex) -> dict[str, dict[str, object]]:
    result = index.collection.get(include=["metadatas"])
    return {i: dict(m) for i, m in zip(result["ids"], result["metadatas"], strict=True)}


def test_changed_protocol_rewrites_every_chunks_metadata(fake_index: ProtocolIndex, seed: Protocol) -> None:
    fake_index.ingest([seed])
    edited = _edited_seed(seed)
    assert len(edited.criteria) == len(seed.criteria) + 1
    report = fake_index.ingest([edited])
    assert report.added >= 1 and report.relabelled > 0
    stored = _stored(fake_index)
    expected = chunk_protocol(edited, fake_index.settings.chunk_max_chars)
    assert set(stored) == {c.id for c in expected}
    for chunk in expected:
        meta = stored[chunk.id]
        assert meta["protocol_hash"] == edited.content_hash
        assert (meta["start"], meta["end"]) == (chunk.start, chunk.end)
        assert meta["criterion_ids"] == ",".join(chunk.criterion_ids)
        assert edited.text[chunk.start : chunk.end] == chunk.text
    assert {c.id: c for c in fake_index.chunks()} == {c.id: c for c in expected}


def test_interrupted_ingest_is_reported_not_answered_from(settings: Settings, seed: Protocol) -> None:
    settings = settings.model_copy(update={"embed_batch_size": 4, "embed_group_batches": 1})
    index = ProtocolIndex(settings, embedder=BrokenEmbedder())
    with pytest.raises(KeyboardInterrupt):
        index.ingest([seed])
    reopened = ProtocolIndex(settings, embedder=CountingEmbedder())
    assert reopened.store.pending() == [seed.id]
    with pytest.raises(IncompleteIndexError, match="interrupted"):
        reopened.chunks()
    with pytest.raises(IncompleteIndexError):
        reopened.dense([0.0] * 384, 3)
    reopened.ingest([seed])
    assert reopened.store.pending() == []
    assert len(reopened.chunks()) == len(chunk_protocol(seed, settings.chunk_max_chars))


def test_chunks_without_a_matching_protocol_record_are_ignored(fake_index: ProtocolIndex, seed: Protocol) -> None:
    fake_index.ingest([seed])
    orphan = chunk_protocol(seed)[0]
    fake_index.collection.upsert(
        ids=["NCT00000001:title:orphan", "NCT01267695:title:stale"],
        embeddings=[[0.1] * 384, [0.1] * 384],
        documents=[orphan.text, orphan.text],
        metadatas=[
            {"protocol_id": "NCT00000001", "section": "title", "start": 0, "end": 5, "criterion_ids": ""},
            {"protocol_id": seed.id, "section": "title", "start": 0, "end": 5, "protocol_hash": "0" * 16},
        ],
    )
    fresh = ProtocolIndex(fake_index.settings, embedder=CountingEmbedder())
    ids = {c.id for c in fresh.chunks()}
    assert "NCT00000001:title:orphan" not in ids and "NCT01267695:title:stale" not in ids
    assert ids == {c.id for c in chunk_protocol(seed)}


def _cut_mid_criteria(seed: Protocol) -> str:
    return seed.text[: seed.criteria[10].start]


def _eligibility_only(seed: Protocol) -> str:
    section = next(s for s in seed.sections if s.name == "eligibility")
    return seed.text[:107] + seed.text[section.start : section.end] + "\nClinicalTrials.gov Identifier: " + seed.id


@pytest.mark.parametrize(
    ("make", "shrank"),
    [
        pytest.param(_cut_mid_criteria, "criteria from 40 to 10", id="cut-mid-criteria"),
        pytest.param(_eligibility_only, "text from 7367 to", id="text-only-shrinks"),
    ],
)
def test_truncated_record_is_refused_unless_forced(
    fake_index: ProtocolIndex, seed: Protocol, make: Callable[[Protocol], str], shrank: str
) -> None:
    fake_index.ingest([seed])
    before = _stored(fake_index)
    truncated = parse_text(make(seed), "cut.txt")
    with pytest.raises(ProtocolShrinkError, match=shrank) as info:
        fake_index.ingest([truncated])
    assert "--force" in str(info.value)
    assert _stored(fake_index) == before and fake_index.store.load(seed.id).content_hash == seed.content_hash
    fake_index.ingest([truncated], force=True)
    assert fake_index.store.load(seed.id).content_hash == truncated.content_hash


def test_chunk_limit_names_the_setting(settings: Settings, seed: Protocol) -> None:
    index = ProtocolIndex(settings.model_copy(update={"max_chunks_per_protocol": 10}), embedder=CountingEmbedder())
    with pytest.raises(InputLimitError, match="max_chunks_per_protocol=10.*PA_MAX_CHUNKS_PER_PROTOCOL"):
        index.ingest([seed])
    assert index.count() == 0 and index.store.ids() == []


def test_cli_truncated_page_fails_and_force_accepts(cli_env: Path, tmp_path: Path) -> None:
    from assistant.cli import load_commands

    app = load_commands()
    assert runner.invoke(app, ["ingest", str(SEED)]).exit_code == 0
    text = SEED.read_text(encoding="utf-8")
    cut = tmp_path / "NCT01267695.txt"
    cut.write_text(text[: text.index("Platelet count")], encoding="utf-8")
    assert len(parse_protocol(cut).criteria) < 20
    result = runner.invoke(app, ["ingest", str(cut)])
    assert result.exit_code == 2 and "shrink by more than half" in result.stderr and "--force" in result.stderr
    listed = json.loads(runner.invoke(app, ["list", "--json"]).stdout)
    assert listed[0]["criteria"] == 40 and listed[0]["complete"]
    assert runner.invoke(app, ["ingest", "--force", str(cut)]).exit_code == 0
