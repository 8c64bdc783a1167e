"""The medspaCy pipeline of the note reader, built once per process.

A blank English spaCy pipeline with medspaCy's tokenizer, the PyRuSH sentence splitter, a phrase
matcher over the vocabulary's terms (spaCy's PhraseMatcher on lower case: medspaCy's TargetMatcher
builds one rule object per term, too slow for a vocabulary of tens of thousands of terms), the
Sectionizer (medspaCy's default section titles plus ``sections.json``) and ConText (medspaCy's
default rules plus ``context.json``, which adds only triggers the defaults lack).
"""

from __future__ import annotations

import time
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from assistant.patient.note.vocabulary import Term, vocabulary_terms

_HERE = Path(__file__).resolve().parent
_build_seconds: list[float] = []


class VocabularyMatcher:
    """Sets ``doc.ents`` to the longest vocabulary terms found (label: the term's kind, upper case)."""

    def __init__(self, nlp: Language) -> None:
        self.terms: dict[tuple[str, ...], Term] = {}
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        all_terms = vocabulary_terms()
        patterns = []
        tokenizer: Tokenizer = nlp.tokenizer  # type: ignore[assignment]
        for term, doc in zip(all_terms, tokenizer.pipe([t.text for t in all_terms], batch_size=4000), strict=True):
            key = tuple(token.lower_ for token in doc)
            if key and key not in self.terms:
                self.terms[key] = term
                patterns.append(doc)
        self.matcher.add("TERM", patterns)

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for _, start, end in self.matcher(doc):
            term = self.terms.get(tuple(token.lower_ for token in doc[start:end]))
            if term is not None:
                spans.append(Span(doc, start, end, label=term.kind.upper()))
        doc.ents = filter_spans(spans)
        return doc

    def term_of(self, span: Span) -> Term:
        """The vocabulary term a matched span stands for."""
        return self.terms[tuple(token.lower_ for token in span)]


def _quiet_pyrush() -> None:
    from loguru import logger

    logger.disable("PyRuSH")


@lru_cache(maxsize=1)
def note_pipeline() -> Language:
    """The shared pipeline: tokenizer, sentences, vocabulary terms, sections, ConText."""
    began = time.perf_counter()
    _quiet_pyrush()
    import medspacy
    from medspacy.context import ConTextRule
    from medspacy.section_detection import SectionRule

    nlp = medspacy.load(medspacy_enable=["medspacy_tokenizer", "medspacy_pyrush"])
    Language.component("note_vocabulary_matcher", func=VocabularyMatcher(nlp))
    nlp.add_pipe("note_vocabulary_matcher")
    sectionizer = nlp.add_pipe("medspacy_sectionizer", config={"language_code": "en"})
    sectionizer.add(SectionRule.from_json(str(_HERE / "sections.json")))
    context = nlp.add_pipe("medspacy_context", config={"language_code": "en"})
    context.add(ConTextRule.from_json(str(_HERE / "context.json")))
    _build_seconds.append(time.perf_counter() - began)
    return nlp


def term_of(span: Span) -> Term:
    """The vocabulary term a span of ``doc.ents`` stands for."""
    matcher = note_pipeline().get_pipe("note_vocabulary_matcher")
    assert isinstance(matcher, VocabularyMatcher)
    return matcher.term_of(span)


def build_seconds() -> float | None:
    """How long building the pipeline took in this process, once it is built."""
    return _build_seconds[0] if _build_seconds else None
