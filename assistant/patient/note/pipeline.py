"""The medspaCy pipeline of the note reader, built once per process.

A blank English spaCy pipeline with medspaCy's tokenizer, spaCy's punctuation sentencizer with the
note's line breaks (``_line_sentences``; PyRuSH's rule engine took two thirds of a note's reading time), a
matcher over the vocabulary's terms (``matcher.py``; like spaCy's PhraseMatcher on lower case: medspaCy's TargetMatcher
builds one rule object per term, too slow for a vocabulary of tens of thousands of terms; the terms'
tokens come from the on-disk cache of ``cache.py``), the
Sectionizer (medspaCy's default section titles plus ``sections.json``) and ConText (medspaCy's
default rules plus ``context.json``, which adds only triggers the defaults lack).
"""

from __future__ import annotations

import importlib
import json
import re
import sys
import time
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from assistant.patient.note.matcher import VocabularyMatcher
from assistant.patient.note.sentence_context import SentenceContext
from assistant.patient.note.vocabulary import Term

_HERE = Path(__file__).resolve().parent
_build_seconds: list[float] = []


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


def _line_sentences(doc: Doc) -> Doc:
    """Sentence starts a note's layout gives, beside its punctuation: a blank line ends a sentence (a
    header such as "Date: 12 May 2025" is not one sentence with the paragraph under it, whose values
    would take its date), and so does a line break before a line that opens like a new one (a capital,
    a digit or a bullet), so one item of a list does not fall in the scope of the negation of the one
    above; a line that goes on in lower case continues its sentence."""
    for token in doc[:-1]:
        gap = token.whitespace_ or (token.text if token.is_space else "")
        if "\n" not in gap:
            continue
        following = doc[token.i + 1]
        if "\n\n" in gap or not following.text[:1].islower():
            following.is_sent_start = True
    return doc


def _split_capital_and_period(nlp: Language) -> None:
    """Split a period off a single capital letter ("hepatitis B." → "B", "."): spaCy keeps "B." whole, as an
    initial, so a term ending in a letter ("hepatitis B", "vitamin D") went unmatched at a sentence's end."""
    suffixes = nlp.tokenizer.suffix_search.__self__  # type: ignore[union-attr]
    nlp.tokenizer.suffix_search = re.compile(suffixes.pattern + r"|(?<=^[A-Z])\.$").search  # type: ignore[union-attr]


@lru_cache(maxsize=1)
def note_pipeline() -> Language:
    """The shared pipeline: tokenizer, sentences (spaCy's punctuation sentencizer and the note's line breaks),
    vocabulary terms, sections, ConText (``medspacy_context``'s rules, applied one sentence at a time by
    ``note_sentence_context``)."""
    began = time.perf_counter()
    medspacy = _import_medspacy()
    from medspacy.context import ConTextRule
    from medspacy.section_detection import SectionRule

    nlp = medspacy.load(medspacy_enable=["medspacy_tokenizer"])
    _split_capital_and_period(nlp)
    nlp.add_pipe("sentencizer")
    Language.component("note_line_sentences", func=_line_sentences)
    nlp.add_pipe("note_line_sentences")
    Language.component("note_vocabulary_matcher", func=VocabularyMatcher(nlp))
    nlp.add_pipe("note_vocabulary_matcher")
    sectionizer = nlp.add_pipe("medspacy_sectionizer", config={"language_code": "en", "rules": None})
    sectionizer.add(_section_rules(sectionizer.DEFAULT_RULES_FILEPATH, SectionRule))
    context = nlp.add_pipe(
        "medspacy_context", config={"language_code": "en", "rules": None, "prune_on_target_overlap": True}
    )
    context.add(_context_rules(context.DEFAULT_RULES_FILEPATH, ConTextRule))
    nlp.disable_pipe("medspacy_context")  # its rules and attributes, applied sentence by sentence:
    Language.component("note_sentence_context", func=SentenceContext(nlp, context))
    nlp.add_pipe("note_sentence_context")
    _build_seconds.append(time.perf_counter() - began)
    return nlp


def _section_rules(default_path: str, rule: type) -> list[object]:
    """medspaCy's default section titles less those ``sections.json`` replaces (its ``replaces_defaults``:
    the default "Allergies" needs no colon, so "no known drug allergies" began an allergy section
    mid-sentence), then its own."""
    ours = json.loads((_HERE / "sections.json").read_text(encoding="utf-8"))
    replaced = set(ours.get("replaces_defaults", ()))
    defaults = json.loads(Path(default_path).read_text(encoding="utf-8"))["section_rules"]
    kept = [r for r in defaults if r["literal"] not in replaced]
    return [rule.from_dict(r) for r in kept + ours["section_rules"]]  # type: ignore[attr-defined]


@lru_cache(maxsize=1)
def relation_words() -> frozenset[str]:
    """The words medspaCy's default FAMILY rule takes for a relative ("mother", "sister", "husband" …)."""
    pipe: Any = note_pipeline().get_pipe("medspacy_context")
    defaults = json.loads(Path(pipe.DEFAULT_RULES_FILEPATH).read_text(encoding="utf-8"))["context_rules"]
    words: set[str] = set()
    for found in defaults:
        if found.get("category") == "FAMILY":
            for token in found.get("pattern") or ():
                words.update(str(w).lower() for w in token.get("LOWER", {}).get("IN", ()))
    return frozenset(words - {"'s", "'"})


def _context_rules(default_path: str, rule: type) -> list[object]:
    """medspaCy's default ConText rules less those ``context.json`` replaces (its ``replaces_defaults``:
    the default ": no" looks backward, "Chest pain: no", so "Exam: no jaundice" negated nothing), then its own.
    The categories ``context.json`` lists in ``ended_by_current`` stop at a CURRENT modifier ("currently")."""
    ours = json.loads((_HERE / "context.json").read_text(encoding="utf-8"))
    replaced = set(ours.get("replaces_defaults", ()))
    defaults = json.loads(Path(default_path).read_text(encoding="utf-8"))["context_rules"]
    kept = [r for r in defaults if r["literal"] not in replaced]
    built = [rule.from_dict(r) for r in kept + ours["context_rules"]]  # type: ignore[attr-defined]
    ended = set(ours.get("ended_by_current", ()))
    for made in built:  # "history of breast cancer, currently on tamoxifen": the history ends at "currently"
        if made.category in ended:
            made.terminated_by = {*made.terminated_by, "CURRENT"}
    return built


def term_of(span: Span) -> Term:
    """The vocabulary term a span of ``doc.ents`` stands for."""
    matcher = note_pipeline().get_pipe("note_vocabulary_matcher")
    assert isinstance(matcher, VocabularyMatcher)
    return matcher.term_of(span)


def other_senses(span: Span) -> list[Term]:
    """Terms of other kinds the words of a span of ``doc.ents`` name (a laboratory value and a drug)."""
    matcher = note_pipeline().get_pipe("note_vocabulary_matcher")
    assert isinstance(matcher, VocabularyMatcher)
    return matcher.other_senses(span)


def build_seconds() -> float | None:
    """How long building the pipeline took in this process, once it is built."""
    return _build_seconds[0] if _build_seconds else None


def named_terms(text: str) -> list[tuple[int, int, str]]:
    """The vocabulary terms ``text`` names, as (start, end, concept), in text order: what a message is about
    ("and her creatinine?"), whether or not it states a value."""
    doc = note_pipeline()(text)
    return [(e.start_char, e.end_char, term_of(e).concept) for e in doc.ents]
