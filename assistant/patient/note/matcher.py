"""The note reader's vocabulary matcher: the longest vocabulary terms of a note, as ``doc.ents``.

Matching is on lower-case tokens, as spaCy's PhraseMatcher with ``attr="LOWER"`` does; a term opening
with "anti" is also found hyphenated ("anti-coagulants"). There are two ways a note writes a term's last
word otherwise: a plural ("drug allergies" for the term "drug allergy") and a
head noun that means the same in that place ("gastrointestinal illness", "no cardiac history" for the
terms "gastrointestinal disease", "cardiac disease"). A word of a list that shares the head of the
term ending it ("no cardiac, renal or liver disease") is a term of its own.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from assistant.patient.note.cache import SEP, Row, term_of_row, tokenized_terms
from assistant.patient.note.vocabulary import Term

_LIST_JOINS = frozenset({",", "or", "and", "and/or", "/"})
_KEY = "note_term_key"

HEAD_EQUIVALENTS = {"illness": "disease", "illnesses": "disease", "history": "disease"}
"""A term's last word as a note may write it after a qualifier: "renal illness", "no cardiac history"
name renal and cardiac disease. Used only as the last of two or more words, never alone."""

SHORT_FORMS = {"mets": ("metastases", "metastasis"), "chemo": ("chemotherapy",)}
"""Clinical shortenings of a term's last word that notes use ("brain mets", "had chemo"), alone or after
other words; the criteria a protocol states spell them out."""

_NOT_PLURAL = ("ss", "us", "is")


def last_word_variants(word: str, *, alone: bool) -> list[str]:
    """Other forms a term's last word may take in a note, most likely first: the word a head noun
    stands for (``SHORT_FORMS``; ``HEAD_EQUIVALENTS``, not when ``alone``), then the singular of a plural ("allergies",
    "infections", "metastases"). Singulars shorter than four letters are not tried ("has", "does")."""
    out: list[str] = list(SHORT_FORMS.get(word, ()))
    if not alone and word in HEAD_EQUIVALENTS:
        out.append(HEAD_EQUIVALENTS[word])
    if not word.isalpha() or len(word) < 5 or word.endswith(_NOT_PLURAL):
        return out
    if word.endswith("ies"):
        out.append(word[:-3] + "y")
    elif word.endswith("ses"):
        out += [word[:-2] + "is", word[:-1]]
    elif word.endswith(("xes", "ches", "shes")):
        out.append(word[:-2])
    elif word.endswith("s"):
        out.append(word[:-1])
    return [w for w in out if len(w) >= 4 or w in HEAD_EQUIVALENTS.values()]


def _variants_of(word: str) -> tuple[list[str], list[str]]:
    """``last_word_variants`` of ``word`` alone and after other words."""
    alone = last_word_variants(word, alone=True)
    return alone, (alone if word not in HEAD_EQUIVALENTS else last_word_variants(word, alone=False))


class VocabularyMatcher:
    """Sets ``doc.ents`` to the longest vocabulary terms found (label: the term's kind, upper case).

    Every token sequence of the note that is a term (found through a set of the terms' prefixes), or
    is one with its last word in another form (``last_word_variants``), then the longest
    non-overlapping ones (``filter_spans``). A dictionary of token keys loads from the cache in a fraction
    of the time building a PhraseMatcher's pattern documents takes. A key that names concepts of two
    kinds (a laboratory value and a drug) keeps the first as its match and the others in ``others``."""

    def __init__(self, nlp: Language) -> None:
        tokenizer: Tokenizer = nlp.tokenizer  # type: ignore[assignment]

        def tokenize(texts: list[str]) -> Iterator[tuple[str, ...]]:
            for doc in tokenizer.pipe(texts, batch_size=4000):
                yield tuple(token.lower_ for token in doc)

        self.rows: dict[str, Row] = {}
        self.others: dict[str, list[Row]] = {}
        self.prefixes: set[str] = set()
        for row in tokenized_terms(tokenize):
            key = str(row[0])
            first = self.rows.get(key)
            if first is None:
                self.rows[key] = row
                parts = key.split(SEP)
                self.prefixes.update(SEP.join(parts[:n]) for n in range(1, len(parts)))
            elif row[3] != first[3] and all(row[3] != other[3] for other in self.others.get(key, ())):
                self.others.setdefault(key, []).append(row)
        for key, row in [(k, r) for k, r in self.rows.items() if k.startswith("anti")]:  # "anti-coagulants"
            parts = key.split(SEP)
            word = parts[0]
            if len(word) > 6 and word[4].isalpha():
                hyphened = SEP.join(["anti", "-", word[4:], *parts[1:]])
                if hyphened not in self.rows:
                    self.rows[hyphened] = row
                    split = hyphened.split(SEP)
                    self.prefixes.update(SEP.join(split[:n]) for n in range(1, len(split)))

    def __len__(self) -> int:
        return len(self.rows)

    def __call__(self, doc: Doc) -> Doc:
        words = [token.lower_ for token in doc]
        variants = [_variants_of(w) for w in words]
        found: list[tuple[Span, str]] = []
        for start in range(len(words)):
            found.extend(self._from(doc, words, variants, start))
        found = [(s, k) for s, k in found if not self._inside_longer_name(words, s, k)]
        found.extend(self._shared_heads(doc, words, found))
        spans = filter_spans([s for s, _ in found])
        keys = {(s.start, s.end): k for s, k in found}
        for span in spans:
            key = keys[(span.start, span.end)]
            if key != SEP.join(words[span.start : span.end]):
                doc.user_data[f"{_KEY}:{span.start}:{span.end}"] = key
        doc.ents = spans
        return doc

    def _from(
        self, doc: Doc, words: list[str], variants: list[tuple[list[str], list[str]]], start: int
    ) -> Iterator[tuple[Span, str]]:
        """Every term starting at token ``start``, with the key it was found under."""
        rows, prefixes = self.rows, self.prefixes
        before = ""
        end = start + 1
        while True:
            key = before + words[end - 1]
            row = rows.get(key)
            if row is None:
                for variant in variants[end - 1][bool(before)]:
                    row = rows.get(before + variant)
                    if row is not None:
                        key = before + variant
                        break
            if row is not None:
                yield Span(doc, start, end, label=str(row[3]).upper()), key
            exact = before + words[end - 1]
            if exact not in prefixes or end >= len(words):
                return
            before = exact + SEP
            end += 1

    def _inside_longer_name(self, words: list[str], span: Span, key: str) -> bool:
        """True when the word before ``span`` starts a longer vocabulary name that ``span`` continues
        ("gestational diabetes" of "gestational diabetes mellitus"): the note names something more specific
        than the shorter term, which is then not read."""
        if span.start == 0 or not words[span.start - 1].isalpha():
            return False
        longer = words[span.start - 1] + SEP + key
        return longer in self.prefixes and longer not in self.rows

    def _shared_heads(self, doc: Doc, words: list[str], found: list[tuple[Span, str]]) -> list[tuple[Span, str]]:
        """One-word items of a list that share the head of the term ending it: "no cardiac, renal or liver
        disease" also names cardiac disease and renal disease, "no chronic or recurrent infections" chronic
        infection (each its own span)."""
        extra: list[tuple[Span, str]] = []
        for span, key in found:
            parts = key.split(SEP)
            if len(parts) < 2:
                continue
            head = SEP.join(parts[1:])
            heads = [head, *(SEP.join([*parts[1:-1], v]) for v in last_word_variants(parts[-1], alone=False))]
            i = span.start - 1
            while i >= 1 and words[i] in _LIST_JOINS:
                j = i - 1
                if words[j] in _LIST_JOINS and j >= 1:  # ", or"
                    j -= 1
                item = next((words[j] + SEP + h for h in heads if words[j] + SEP + h in self.rows), None)
                if item is None or not doc[j].is_alpha:
                    break
                extra.append((Span(doc, j, j + 1, label=str(self.rows[item][3]).upper()), item))
                i = j - 1
        return extra

    def key_of(self, span: Span) -> str:
        """The key of the vocabulary term a matched span stands for."""
        stored = span.doc.user_data.get(f"{_KEY}:{span.start}:{span.end}")
        return str(stored) if stored else SEP.join(token.lower_ for token in span)

    def term_of(self, span: Span) -> Term:
        """The vocabulary term a matched span stands for."""
        return term_of_row(self.rows[self.key_of(span)])

    def other_senses(self, span: Span) -> list[Term]:
        """Terms of other kinds the same words name ("magnesium": a laboratory value and a drug)."""
        return [term_of_row(row) for row in self.others.get(self.key_of(span), ())]
