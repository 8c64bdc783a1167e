"""The index against a Chroma server (``chroma run``) chosen by host/port settings, on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.answer import ask
from assistant.chunk import chunk_protocol
from assistant.index import ProtocolIndex
from assistant.retrieve import retrieve
from assistant.settings import Settings
from assistant.types import Protocol
from tests.conftest import CORPUS, CountingEmbedder
from tests.servers import chroma_server as running_chroma
from tests.servers import free_port


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[int]:
    with running_chroma(tmp_path / "server-data") as port:
        yield port


def test_ingest_and_retrieve_through_a_chroma_server(chroma_server: int, tmp_path: Path, seed: Protocol) -> None:
    settings = Settings(
        data_dir=tmp_path / "client-data",
        corpus_dir=CORPUS,
        embedder="fake",
        chroma_host="127.0.0.1",
        chroma_port=chroma_server,
    )
    embedder = CountingEmbedder()
    index = ProtocolIndex(settings, embedder=embedder)
    report = index.ingest([seed])
    assert report.added == len(chunk_protocol(seed)) == index.count()
    assert not (tmp_path / "client-data" / "chroma").exists()  # nothing was stored locally
    again = ProtocolIndex(settings, embedder=embedder).ingest([seed])
    assert again.added == 0 and embedder.texts == report.added
    hits = retrieve(index, "What platelet count is required?", protocol_id=seed.id)
    assert "NCT01267695:I9" in {cid for h in hits for cid in h.chunk.criterion_ids}
    # A second machine with nothing of its own answers from the server alone.
    other = ProtocolIndex(settings.model_copy(update={"data_dir": tmp_path / "other-client"}), embedder=embedder)
    assert other.store.ids() == [seed.id]
    answer = ask("What platelet count is required?", other, other.settings)
    assert answer.citations[0].quote == "Platelet count > 100,000/mm3"


def test_an_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    from assistant.errors import IndexStoreError

    settings = Settings(data_dir=tmp_path, embedder="fake", chroma_host="127.0.0.1", chroma_port=free_port())
    with pytest.raises(IndexStoreError, match="cannot open Chroma server 127.0.0.1:"):
        ProtocolIndex(settings).count()
