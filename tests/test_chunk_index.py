"""Chunking invariants and idempotent ingest (fake embedder: fast, no model)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from assistant.chunk import chunk_protocol
from assistant.errors import ProtocolParseError
from assistant.index import ProtocolIndex
from assistant.parse import parse_protocol, parse_text
from assistant.settings import Settings
from assistant.types import Protocol
from tests.conftest import SEED, SHARED_PROTOCOLS, CountingEmbedder

SAMPLE = [
    SEED,
    SHARED_PROTOCOLS / "ctgov-v2-json" / "NCT04207047.json",
    SHARED_PROTOCOLS / "ctgov-legacy-xml" / "NCT03599518.xml",
    SHARED_PROTOCOLS / "ctgov-legacy-xml" / "NCT01220531.xml",
]


@pytest.mark.parametrize("path", SAMPLE, ids=[p.name for p in SAMPLE])
def test_chunks_are_exact_spans_and_never_split_a_criterion(path: Path) -> None:
    protocol = parse_protocol(path)
    chunks = chunk_protocol(protocol, max_chars=400)
    assert len({c.id for c in chunks}) == len(chunks)
    for chunk in chunks:
        assert protocol.text[chunk.start : chunk.end] == chunk.text
        assert chunk.id.startswith(f"{protocol.id}:{chunk.section}:")
        assert any(s.name == chunk.section and s.start <= chunk.start and chunk.end <= s.end for s in protocol.sections)
    for criterion in protocol.criteria:
        holders = [c for c in chunks if criterion.id in c.criterion_ids]
        assert len(holders) == 1, criterion.id
        assert holders[0].start <= criterion.start and criterion.end <= holders[0].end
        # No other chunk cuts into the criterion.
        others = [c for c in chunks if c is not holders[0] and c.start < criterion.end and criterion.start < c.end]
        assert not others


def test_long_text_is_cut_at_sentence_boundaries(seed: Protocol) -> None:
    chunks = chunk_protocol(seed, max_chars=200)
    description = [c for c in chunks if c.section == "detailed_description"]
    assert len(description) > 1
    for chunk in description:
        assert chunk.text[-1] in ".:;!?" or chunk.end == next(
            s.end for s in seed.sections if s.name == "detailed_description"
        )


def test_chunk_ids_are_stable_and_follow_content(seed: Protocol) -> None:
    first = [c.id for c in chunk_protocol(seed)]
    again = [c.id for c in chunk_protocol(parse_protocol(SEED))]
    assert first == again
    changed = parse_text(seed.text.replace("Platelet count > 100,000/mm3", "Platelet count > 75,000/mm3"), "edited.txt")
    changed_ids = [c.id for c in chunk_protocol(changed)]
    assert len(set(first) - set(changed_ids)) == 1
    assert len(set(changed_ids) - set(first)) == 1


def test_reingest_unchanged_embeds_nothing(fake_index: ProtocolIndex, seed: Protocol) -> None:
    embedder = fake_index.embedder
    assert isinstance(embedder, CountingEmbedder)
    first = fake_index.ingest([seed])
    texts_after_first = embedder.texts
    assert first.added == len(chunk_protocol(seed)) == fake_index.count() == texts_after_first
    second = fake_index.ingest([parse_protocol(SEED)])
    assert (second.added, second.removed, second.unchanged) == (0, 0, first.added)
    assert embedder.texts == texts_after_first
    assert fake_index.count() == first.added
    assert fake_index.store.save([seed]) == 0  # the stored protocol is unchanged: nothing is written


def test_changed_protocol_replaces_its_chunks_without_stale_ones(fake_index: ProtocolIndex, seed: Protocol) -> None:
    fake_index.ingest([seed])
    before = fake_index.stored_ids(seed.id)
    edited = dataclasses.replace(
        parse_text(seed.text.replace("No cirrhosis\n", "No cirrhosis or portal hypertension\n"), seed.source_path)
    )
    report = fake_index.ingest([edited])
    after = fake_index.stored_ids(seed.id)
    assert (report.added, report.removed) == (1, 1)
    assert after == {c.id for c in chunk_protocol(edited)}
    assert len(before - after) == 1
    texts = [c.text for c in fake_index.chunks()]
    assert "No cirrhosis" not in texts and "No cirrhosis or portal hypertension" in texts
    assert fake_index.store.load(seed.id).text == edited.text


def test_a_second_protocol_leaves_the_first_alone(fake_index: ProtocolIndex, seed: Protocol) -> None:
    fake_index.ingest([seed])
    other = parse_protocol(SAMPLE[1])
    fake_index.ingest([other])
    assert fake_index.stored_ids(seed.id) == {c.id for c in chunk_protocol(seed)}
    assert fake_index.store.ids() == sorted([seed.id, other.id])


def test_record_without_eligibility_is_refused(fake_index: ProtocolIndex) -> None:
    withheld = parse_protocol(SHARED_PROTOCOLS / "ctgov-legacy-xml" / "NCT03182660.xml")
    with pytest.raises(ProtocolParseError, match="no eligibility criteria"):
        fake_index.ingest([withheld])
    assert fake_index.count() == 0


def test_persistent_store_survives_reopening(settings: Settings, seed: Protocol) -> None:
    ProtocolIndex(settings, embedder=CountingEmbedder()).ingest([seed])
    reopened = ProtocolIndex(settings, embedder=CountingEmbedder())
    assert reopened.count() == len(chunk_protocol(seed))
    assert reopened.ingest([seed]).added == 0


def test_unindexed_counts_what_an_ingest_would_embed(fake_index: ProtocolIndex, seed: Protocol) -> None:
    assert fake_index.unindexed([seed]) == len(chunk_protocol(seed))
    fake_index.ingest([seed])
    assert fake_index.unindexed([seed]) == 0
    edited = parse_text(seed.text.replace("No cirrhosis\n", "No cirrhosis or ascites\n"), seed.source_path)
    assert fake_index.unindexed([edited]) == 1
