"""Retrieve stage: hybrid search — dense (Chroma) and lexical (BM25) rankings fused by reciprocal rank.

Lexical search matters for what clinicians type: abbreviations (ANC, ECOG, ULN, AST), numbers and
drug names. Both sides see the same normalised text: abbreviations are expanded and the page's odd
characters (``〉``) mapped to what they stand for.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from rank_bm25 import BM25Okapi

from assistant.index import ProtocolIndex
from assistant.types import Chunk

# Abbreviation → words it stands for (both are indexed, so either finds the other).
ABBREVIATIONS: dict[str, str] = {
    "anc": "absolute neutrophil count",
    "plt": "platelet",
    "plts": "platelet",
    "uln": "upper limit of normal",
    "ecog": "performance status",
    "ps": "performance status",
    "kps": "karnofsky performance status",
    "ast": "aspartate aminotransferase",
    "alt": "alanine aminotransferase",
    "sgot": "ast",
    "sgpt": "alt",
    "mets": "metastases",
    "met": "metastasis",
    "hiv": "human immunodeficiency virus",
    "mi": "myocardial infarction",
    "chf": "congestive heart failure",
    "nyha": "new york heart association",
    "rfs": "recurrence free survival",
    "orr": "objective response rate",
    "ihc": "immunohistochemical",
    "kit": "c-kit cd117",
    "rt": "radiotherapy",
    "lmwh": "low-molecular weight heparin",
    "preop": "preoperative",
    "postop": "postoperative",
    "pregnancy": "pregnant",
    "breastfeeding": "nursing",
    "haemoglobin": "hemoglobin",
    "tumour": "tumor",
    "oesophageal": "esophageal",
    "liver": "hepatic",
    "surgical": "surgery",
    "resection": "surgery",
    "operation": "surgery",
    "kidney": "renal",
    "endpoint": "end point outcome",
    "endpoints": "end point outcome",
    "neoadjuvant": "preoperative",
    "adjuvant": "postoperative",
    "enrolment": "enrollment",
    "begin": "start",
    "begins": "start",
    "began": "start",
    "started": "start",
    "starts": "start",
    "finish": "end",
    "finishes": "end",
    "stop": "end",
    "stops": "end",
    "last": "end",
    "operated": "surgery",
    "relapse": "recurrence",
    "previously": "prior",
    "previous": "prior",
}
# Phrases that mean a single word a clinician would type (found in either text, both are indexed).
PHRASES: dict[str, str] = {
    "after surgery": "postoperative",
    "after surgical resection": "postoperative",
    "followed by surgical resection": "preoperative",
    "before surgery": "preoperative",
    "prior to surgery": "preoperative",
    "end point": "endpoint",
    "outcome measure": "endpoint",
    "sample size": "enrollment participants",
    "r0 resection": "negative margin",
    "r1 resection": "positive margin",
}
CHARACTER_MAP = str.maketrans({"〉": ">", "〈": "<", "≥": ">", "≤": "<", "\u00a0": " "})
STOPWORDS = frozenset(
    "a an the of for to in on at by with and or is are be was were what which who whom how does do did can "
    "may must should would will it its this that these those there their as from into than then if not no "
    "any all per patient patients".split()
)
_TOKEN = re.compile(r"[a-z]+|\d+(?:[.,]\d+)*")


def normalise(text: str) -> str:
    """Lower-case text with odd characters mapped and thousands separators removed."""
    text = text.translate(CHARACTER_MAP).lower()
    return re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)


@lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    """A light stem: plurals and common endings folded, so 'metastases' meets 'metastasis' and
    'completion' meets 'completed'."""
    if token.isdigit() or len(token) <= 3:
        return token
    for suffix, replacement in (("ases", "asis"), ("ies", "y"), ("ses", "sis")):
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            token = token[: -len(suffix)] + replacement
            break
    else:
        if token.endswith("s") and not token.endswith(("ss", "is", "us")):
            token = token[:-1]
    if token.endswith(("ologically", "ological")):  # "histologically" meets "histology"
        return token[: token.rindex("olog") + 4] + "y"
    for suffix in ("ation", "ion", "ing", "ed", "e"):
        if token.endswith(suffix) and len(token) - len(suffix) >= 5:
            return token[: -len(suffix)]
    return token


# "Group A", "Arm 2", "Cohort B": the letter or number names the group, so the pair is one search term.
_LABEL = re.compile(r"\b(group|arm|cohort|part|stage|level|step)\s+([a-z]|\d{1,2})\b")


def _labels(text: str) -> list[str]:
    """One search term per group label of a normalised text ("group a" → "groupa", "arm 2" → "armnumc")."""
    out = []
    for match in _LABEL.finditer(text):
        name = match.group(2)
        out.append(match.group(1) + (name if name.isalpha() else "num" + "".join(chr(97 + int(d)) for d in name)))
    return out


def tokens(text: str, keep_stopwords: bool = False) -> list[str]:
    """Search tokens of a text, abbreviations expanded."""
    out: list[str] = []
    text = normalise(text)
    extra = " ".join([*(word for phrase, word in PHRASES.items() if phrase in text), *_labels(text)])
    for token in _TOKEN.findall(f"{text} {extra}" if extra else text):
        token = token.replace(",", "")
        if not keep_stopwords and token in STOPWORDS:
            continue
        out.append(stem(token))
        expansion = ABBREVIATIONS.get(token)
        if expansion:
            out.extend(stem(t) for t in _TOKEN.findall(expansion) if t not in STOPWORDS)
    return out


@lru_cache(maxsize=1)
def _concept_names() -> dict[str, tuple[str, ...]]:
    """Each vocabulary name (as search terms joined by spaces) → every name of its concept."""
    from assistant.patient.concepts import load_concepts

    table: dict[str, set[str]] = {}
    for concept in load_concepts().concepts.values():
        names = {concept.name.replace("_", " "), concept.label.lower(), *concept.synonyms}
        for name in names:
            key = " ".join(tokens(name))
            if len(key) > 2:
                table.setdefault(key, set()).update(names)
    return {key: tuple(sorted(names)) for key, names in table.items()}


def other_names(query: str) -> list[str]:
    """The other names of every vocabulary concept the query names (a brand name finds the generic one)."""
    table = _concept_names()
    words = tokens(query)
    found: dict[str, None] = {}
    for size in range(4, 0, -1):
        for i in range(len(words) - size + 1):
            for name in table.get(" ".join(words[i : i + size]), ()):
                found[name] = None
    return list(found)


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and the ranks behind it."""

    chunk: Chunk
    score: float
    dense_rank: int | None
    lexical_rank: int | None
    similarity: float | None


class LexicalIndex:
    """BM25 (rank_bm25's Okapi scores) over a fixed list of chunks, scored through postings: a query costs
    the chunks holding its terms, not the size of the corpus."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self.chunks = chunks
        self.bm25 = BM25Okapi([tokens(c.text) or ["∅"] for c in chunks])
        postings: dict[str, tuple[list[int], list[int]]] = {}
        for number, frequencies in enumerate(self.bm25.doc_freqs):
            for term, count in frequencies.items():
                docs, counts = postings.setdefault(term, ([], []))
                docs.append(number)
                counts.append(count)
        lengths = np.asarray(self.bm25.doc_len, dtype=np.float64)
        self._norm = self.bm25.k1 * (1 - self.bm25.b + self.bm25.b * lengths / self.bm25.avgdl)
        self._postings = {t: (np.asarray(d), np.asarray(c, dtype=np.float64)) for t, (d, c) in postings.items()}

    def scores(self, query_tokens: list[str]) -> npt.NDArray[np.float64]:
        """Every chunk's BM25 score for the query, the same as ``BM25Okapi.get_scores``."""
        scores = np.zeros(len(self.chunks))
        k1 = self.bm25.k1
        for term in query_tokens:
            found = self._postings.get(term)
            if found is None:
                continue
            docs, counts = found
            scores[docs] += (self.bm25.idf.get(term) or 0) * (counts * (k1 + 1) / (counts + self._norm[docs]))
        return scores

    def ranked(self, query_tokens: list[str], limit: int | None = None) -> list[tuple[Chunk, float]]:
        """Chunks with a score above zero, best first (ties in chunk order); the ``limit`` best only when
        given, selected without sorting the rest (a common term can match most of a large corpus)."""
        scores = self.scores(query_tokens)
        hits = np.flatnonzero(scores > 0)
        if limit is not None and 0 < limit < len(hits):
            found = scores[hits]
            cut = np.partition(found, len(hits) - limit)[len(hits) - limit]  # the limit-th best score
            hits = hits[found >= cut]  # ties at the cut stay, in chunk order, for the stable sort
        order = hits[np.argsort(-scores[hits], kind="stable")][:limit]
        return [(self.chunks[i], float(scores[i])) for i in order]


class _ChunkViews:
    """Lookups over one list of stored chunks, built once per list: by id, per protocol, and lexical indexes."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self.chunks = chunks
        self.by_id = {c.id: c for c in chunks}
        self.by_protocol: dict[str, list[Chunk]] = {}
        for chunk in chunks:
            self.by_protocol.setdefault(chunk.protocol_id, []).append(chunk)
        self.lexical: OrderedDict[str | None, LexicalIndex] = OrderedDict()

    def lexical_index(self, protocol_id: str | None, keep: int = 64) -> LexicalIndex | None:
        """The lexical index of one protocol's chunks (or of all, for None), the ``keep`` last used kept."""
        found = self.lexical.get(protocol_id)
        if found is None:
            chunks = self.chunks if protocol_id is None else self.by_protocol.get(protocol_id, [])
            if not chunks:
                return None
            found = self.lexical[protocol_id] = LexicalIndex(chunks)
            while len(self.lexical) > keep:
                self.lexical.popitem(last=False)
        self.lexical.move_to_end(protocol_id)
        return found


_VIEWS: list[_ChunkViews] = []


def chunk_views(index: ProtocolIndex) -> _ChunkViews:
    """The lookups over the index's current chunks (rebuilt only when an ingest changed them)."""
    chunks = index.chunks()
    for views in _VIEWS:
        if views.chunks is chunks:
            return views
    views = _ChunkViews(chunks)
    _VIEWS[:] = [views, *_VIEWS[:1]]
    return views


def lexical(
    index: ProtocolIndex, query: str, protocol_id: str | None = None, limit: int | None = None
) -> list[tuple[Chunk, float]]:
    """BM25 ranking of the stored chunks (scores > 0 only, the ``limit`` best when given), optionally within
    one protocol."""
    found = chunk_views(index).lexical_index(protocol_id)
    return found.ranked(tokens(query), limit) if found is not None else []


def retrieve(
    index: ProtocolIndex,
    query: str,
    k: int = 8,
    protocol_id: str | None = None,
    rrf_k: int = 60,
    vector: list[float] | None = None,
) -> list[Hit]:
    """The ``k`` best chunks for ``query`` by reciprocal rank fusion of dense and BM25 rankings
    (``vector``: the query's embedding when the caller has it already)."""
    vector = vector if vector is not None else index.embedder.embed([normalise(query)])[0]
    dense = index.dense(vector, k * 3, protocol_id)
    expanded = " ".join([query, *other_names(query)])
    lex = lexical(index, expanded, protocol_id, k * 3)
    by_id = chunk_views(index).by_id
    scores: dict[str, float] = {}
    dense_rank: dict[str, int] = {}
    lexical_rank: dict[str, int] = {}
    similarity: dict[str, float] = {}
    for rank, (cid, sim) in enumerate(dense, start=1):
        scores[cid] = scores.get(cid, 0.0) + 1.0 / (rrf_k + rank)
        dense_rank[cid], similarity[cid] = rank, sim
    for rank, (chunk, _) in enumerate(lex, start=1):
        scores[chunk.id] = scores.get(chunk.id, 0.0) + 1.0 / (rrf_k + rank)
        lexical_rank[chunk.id] = rank
    ordered = sorted((cid for cid in scores if cid in by_id), key=lambda cid: -scores[cid])[:k]
    return [
        Hit(by_id[cid], scores[cid], dense_rank.get(cid), lexical_rank.get(cid), similarity.get(cid)) for cid in ordered
    ]
