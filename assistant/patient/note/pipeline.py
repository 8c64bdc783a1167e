"""The medspaCy pipeline of the note reader, built once per process.

A blank English spaCy pipeline with medspaCy's tokenizer, the PyRuSH sentence splitter, a
matcher over the vocabulary's terms (spaCy's PhraseMatcher on lower case: medspaCy's TargetMatcher
builds one rule object per term, too slow for a vocabulary of tens of thousands of terms; the terms'
tokens come from the on-disk cache of ``cache.py``), the
Sectionizer (medspaCy's default section titles plus ``sections.json``) and ConText (medspaCy's
default rules plus ``context.json``, which adds only triggers the defaults lack).
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from assistant.patient.note.cache import SEP, Row, term_of_row, tokenized_terms
from assistant.patient.note.vocabulary import Term

_HERE = Path(__file__).resolve().parent
_build_seconds: list[float] = []


_LIST_JOINS = frozenset({",", "or", "and", "and/or", "/"})
_SHARED = "note_shared_head"


class VocabularyMatcher:
    """Sets ``doc.ents`` to the longest vocabulary terms found (label: the term's kind, upper case).

    Matching is on lower-case tokens, as spaCy's PhraseMatcher with ``attr="LOWER"`` does: every token
    sequence of the note that is a term (found through a set of the terms' prefixes), then the longest
    non-overlapping ones (``filter_spans``). A dictionary of token keys loads from the cache in a fraction
    of the time building a PhraseMatcher's pattern documents takes."""

    def __init__(self, nlp: Language) -> None:
        tokenizer: Tokenizer = nlp.tokenizer  # type: ignore[assignment]

        def tokenize(texts: list[str]) -> Iterator[tuple[str, ...]]:
            for doc in tokenizer.pipe(texts, batch_size=4000):
                yield tuple(token.lower_ for token in doc)

        self.rows: dict[str, Row] = {}
        self.prefixes: set[str] = set()
        for row in tokenized_terms(tokenize):
            key = str(row[0])
            if key not in self.rows:
                self.rows[key] = row
                parts = key.split(SEP)
                self.prefixes.update(SEP.join(parts[:n]) for n in range(1, len(parts)))

    def __len__(self) -> int:
        return len(self.rows)

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        words = [token.lower_ for token in doc]
        rows, prefixes = self.rows, self.prefixes
        for start in range(len(words)):
            key = words[start]
            end = start + 1
            while True:
                row = rows.get(key)
                if row is not None:
                    spans.append(Span(doc, start, end, label=str(row[3]).upper()))
                if key not in prefixes or end >= len(words):
                    break
                key = key + SEP + words[end]
                end += 1
        spans = [s for s in spans if not self._inside_longer_name(words, s)]
        spans.extend(self._shared_heads(doc, words, spans))
        doc.ents = filter_spans(spans)
        return doc

    def _inside_longer_name(self, words: list[str], span: Span) -> bool:
        """True when the word before ``span`` starts a longer vocabulary name that ``span`` continues
        ("gestational diabetes" of "gestational diabetes mellitus"): the note names something more specific
        than the shorter term, which is then not read."""
        if span.start == 0 or not words[span.start - 1].isalpha():
            return False
        longer = SEP.join(words[span.start - 1 : span.end])
        return longer in self.prefixes and longer not in self.rows

    def _shared_heads(self, doc: Doc, words: list[str], spans: list[Span]) -> list[Span]:
        """One-word items of a list that share the head of the term ending it: "no cardiac, renal or liver
        disease" also names cardiac disease and renal disease (each its own span, the term noted on the doc)."""
        extra: list[Span] = []
        for span in spans:
            if len(span) < 2:
                continue
            head = SEP.join(words[span.start + 1 : span.end])
            i = span.start - 1
            while i >= 1 and words[i] in _LIST_JOINS:
                j = i - 1
                if words[j] in _LIST_JOINS and j >= 1:  # ", or"
                    j -= 1
                key = words[j] + SEP + head
                row = self.rows.get(key)
                if row is None or not doc[j].is_alpha:
                    break
                extra.append(Span(doc, j, j + 1, label=str(row[3]).upper()))
                doc.user_data[f"{_SHARED}:{j}:{j + 1}"] = key
                i = j - 1
        return extra

    def term_of(self, span: Span) -> Term:
        """The vocabulary term a matched span stands for."""
        shared = span.doc.user_data.get(f"{_SHARED}:{span.start}:{span.end}")
        return term_of_row(self.rows[shared or SEP.join(token.lower_ for token in span)])


def _quiet_pyrush() -> None:
    from loguru import logger

    logger.disable("PyRuSH")


def _import_medspacy() -> ModuleType:
    """medspaCy without QuickUMLS: ``medspacy.util`` imports QuickUMLS (and with it NLTK, scikit-learn and
    pandas, seconds of start-up) only to register a UMLS component this reader never adds. A placeholder
    stands in while medspaCy is imported and is removed after, so a later ``import quickumls`` is real."""
    if "medspacy" in sys.modules or "quickumls" in sys.modules:
        return importlib.import_module("medspacy")
    placeholders = {name: ModuleType(name) for name in ("quickumls", "quickumls.spacy_component")}
    placeholders["quickumls"].spacy_component = placeholders["quickumls.spacy_component"]  # type: ignore[attr-defined]
    sys.modules.update(placeholders)
    try:
        return importlib.import_module("medspacy")
    finally:
        for name, module in placeholders.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


@lru_cache(maxsize=1)
def note_pipeline() -> Language:
    """The shared pipeline: tokenizer, sentences, vocabulary terms, sections, ConText."""
    began = time.perf_counter()
    _quiet_pyrush()
    medspacy = _import_medspacy()
    from medspacy.context import ConTextRule
    from medspacy.section_detection import SectionRule

    nlp = medspacy.load(medspacy_enable=["medspacy_tokenizer", "medspacy_pyrush"])
    Language.component("note_vocabulary_matcher", func=VocabularyMatcher(nlp))
    nlp.add_pipe("note_vocabulary_matcher")
    sectionizer = nlp.add_pipe("medspacy_sectionizer", config={"language_code": "en"})
    sectionizer.add(SectionRule.from_json(str(_HERE / "sections.json")))
    context = nlp.add_pipe("medspacy_context", config={"language_code": "en", "rules": None})
    context.add(_context_rules(context.DEFAULT_RULES_FILEPATH, ConTextRule))
    _build_seconds.append(time.perf_counter() - began)
    return nlp


def _context_rules(default_path: str, rule: type) -> list[object]:
    """medspaCy's default ConText rules less those ``context.json`` replaces (its ``replaces_defaults``:
    the default ": no" looks backward, "Chest pain: no", so "Exam: no jaundice" negated nothing), then its own."""
    ours = json.loads((_HERE / "context.json").read_text(encoding="utf-8"))
    replaced = set(ours.get("replaces_defaults", ()))
    defaults = json.loads(Path(default_path).read_text(encoding="utf-8"))["context_rules"]
    kept = [r for r in defaults if r["literal"] not in replaced]
    return [rule.from_dict(r) for r in kept + ours["context_rules"]]  # type: ignore[attr-defined]


def term_of(span: Span) -> Term:
    """The vocabulary term a span of ``doc.ents`` stands for."""
    matcher = note_pipeline().get_pipe("note_vocabulary_matcher")
    assert isinstance(matcher, VocabularyMatcher)
    return matcher.term_of(span)


def build_seconds() -> float | None:
    """How long building the pipeline took in this process, once it is built."""
    return _build_seconds[0] if _build_seconds else None
