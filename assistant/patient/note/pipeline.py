"""The medspaCy pipeline of the note reader, built once per process.

A blank English spaCy pipeline with medspaCy's tokenizer, the PyRuSH sentence splitter, the
TargetMatcher fed with the vocabulary's terms (phrase rules matched on lower case), the
Sectionizer (medspaCy's default section titles plus ``sections.json``) and ConText (medspaCy's
default rules plus ``context.json``, which adds only triggers the defaults lack).
"""

from __future__ import annotations

import time
from functools import lru_cache
from pathlib import Path

from spacy.language import Language

from assistant.patient.note.vocabulary import vocabulary_terms

_HERE = Path(__file__).resolve().parent
_build_seconds: list[float] = []


def _quiet_pyrush() -> None:
    from loguru import logger

    logger.disable("PyRuSH")


@lru_cache(maxsize=1)
def note_pipeline() -> Language:
    """The shared pipeline: tokenizer, sentences, vocabulary targets, sections, ConText."""
    began = time.perf_counter()
    _quiet_pyrush()
    import medspacy
    from medspacy.context import ConTextRule
    from medspacy.section_detection import SectionRule
    from medspacy.target_matcher import TargetRule

    nlp = medspacy.load(medspacy_enable=["medspacy_tokenizer", "medspacy_pyrush", "medspacy_target_matcher"])
    matcher = nlp.get_pipe("medspacy_target_matcher")
    rules = [
        TargetRule(
            term.text, term.kind.upper(), metadata={"concept": term.concept, "system": term.system, "code": term.code}
        )
        for term in vocabulary_terms()
    ]
    matcher.add(rules)
    sectionizer = nlp.add_pipe("medspacy_sectionizer", config={"language_code": "en"})
    sectionizer.add(SectionRule.from_json(str(_HERE / "sections.json")))
    context = nlp.add_pipe("medspacy_context", config={"language_code": "en"})
    context.add(ConTextRule.from_json(str(_HERE / "context.json")))
    _build_seconds.append(time.perf_counter() - began)
    return nlp


def build_seconds() -> float | None:
    """How long building the pipeline took in this process, once it is built."""
    return _build_seconds[0] if _build_seconds else None
