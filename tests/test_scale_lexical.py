"""The lexical index scores through postings exactly as rank_bm25 scores every chunk, and is built once."""

from __future__ import annotations

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from assistant.chunk import chunk_protocol
from assistant.cli.corpus_cmds import parse_all
from assistant.index import ProtocolIndex
from assistant.parse import parse_protocol
from assistant.retrieve import LexicalIndex, chunk_views, lexical, retrieve, tokens
from tests.conftest import SEED, SHARED_PROTOCOLS


@pytest.fixture(scope="module")
def chunks() -> list:  # type: ignore[type-arg]
    protocols, _ = parse_all([SHARED_PROTOCOLS], skip_invalid=True)
    return sorted((c for p in protocols for c in chunk_protocol(p)), key=lambda c: (c.protocol_id, c.start))


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("What platelet count is required?", id="platelets"),
        pytest.param("ECOG performance status 0 or 1", id="ecog"),
        pytest.param("brain metastases excluded", id="brain-mets"),
        pytest.param("criteria criteria inclusion", id="repeated-common-terms"),
        pytest.param("zzzz unheard-of words", id="no-match"),
    ],
)
def test_scores_equal_rank_bm25(chunks: list, query: str) -> None:  # type: ignore[type-arg]
    reference = BM25Okapi([tokens(c.text) or ["∅"] for c in chunks]).get_scores(tokens(query))
    index = LexicalIndex(chunks)
    assert np.allclose(index.scores(tokens(query)), reference)
    expected = [(c, float(s)) for c, s in sorted(zip(chunks, reference, strict=True), key=lambda p: -p[1]) if s > 0]
    assert [c.id for c, _ in index.ranked(tokens(query))] == [c.id for c, _ in expected]
    for limit in (1, 3, 24, len(expected) + 5):  # the best few, selected without sorting the rest, ties included
        assert [c.id for c, _ in index.ranked(tokens(query), limit)] == [c.id for c, _ in expected[:limit]]


def test_views_are_built_once_per_chunk_list(fake_index: ProtocolIndex, seed: object) -> None:
    fake_index.ingest([parse_protocol(SEED)])
    views = chunk_views(fake_index)
    retrieve(fake_index, "What platelet count is required?")
    lexical(fake_index, "platelet", "NCT01267695")
    assert chunk_views(fake_index) is views and set(views.lexical) == {None, "NCT01267695"}
    first = views.lexical[None]
    retrieve(fake_index, "ECOG performance status")
    assert views.lexical[None] is first  # the next question reuses it
    other = parse_protocol(SHARED_PROTOCOLS / "ctgov-legacy-xml" / "NCT01642004.xml")
    fake_index.ingest([other])  # an ingest changes the chunks: new views
    assert chunk_views(fake_index) is not views
    assert {c.protocol_id for c, _ in lexical(fake_index, "ECOG performance status")} == {
        "NCT01267695",
        "NCT01642004",
    }


@pytest.mark.parametrize(
    "page", [pytest.param(1, id="page-1"), pytest.param(7, id="page-7"), pytest.param(5000, id="one-page")]
)
def test_the_stored_chunks_are_read_in_pages(fake_index: ProtocolIndex, page: int) -> None:
    from assistant.store import get_all

    fake_index.ingest([parse_protocol(SEED)])
    paged = get_all(fake_index.collection, ["documents"], page=page)
    whole = fake_index.collection.get(include=["documents"])
    assert sorted(zip(paged["ids"], paged["documents"], strict=True)) == sorted(
        zip(whole["ids"], whole["documents"], strict=True)
    )
    assert len(paged["ids"]) == fake_index.count() > 7
