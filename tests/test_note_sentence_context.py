"""ConText applied one sentence at a time gives every term the modifiers medspaCy's ConText gives it over the
whole document, in the same order: a modifier's scope never leaves its sentence. Checked on the development
notes, one by one and joined into one long note."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.tokens import Doc

from assistant.patient.note.pipeline import note_pipeline

NOTES = sorted((Path(__file__).resolve().parent.parent / "eval" / "note_dev" / "notes").glob("*.txt"))


def _modifiers(doc: Doc) -> list[tuple[int, int, list[tuple[str, tuple[int, int], tuple[int, int]]]]]:
    return [
        (ent.start, ent.end, [(m.category, m.modifier_span, m.scope_span) for m in ent._.modifiers]) for ent in doc.ents
    ]


def _whole_document_context(text: str) -> Doc:
    nlp = note_pipeline()
    doc = nlp.make_doc(text)
    for name, component in nlp.pipeline:
        if name != "note_sentence_context":
            doc = component(doc)
    return nlp.get_pipe("medspacy_context")(doc)


@pytest.mark.parametrize(
    "text",
    [
        *(pytest.param(path.read_text(encoding="utf-8"), id=path.stem) for path in NOTES[:9]),
        pytest.param("\n\n".join(p.read_text(encoding="utf-8") for p in NOTES), id="all-notes-joined"),
    ],
)
def test_sentence_by_sentence_is_the_whole_document_reading(text: str) -> None:
    by_sentence = note_pipeline()(text)
    whole = _whole_document_context(text)
    assert any(modifiers for _, _, modifiers in _modifiers(whole))  # the notes hold negations, histories …
    assert _modifiers(by_sentence) == _modifiers(whole)
    assert len(by_sentence._.context_graph.modifiers) == len(whole._.context_graph.modifiers)


def test_medspacy_context_is_kept_for_its_rules_but_does_not_run() -> None:
    nlp = note_pipeline()
    assert "medspacy_context" in nlp.disabled and "note_sentence_context" in nlp.pipe_names
