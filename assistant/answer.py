"""Answer stage (deterministic, no language model): pick the protocol's own sentences that answer a
question and quote them, each with its exact span; say plainly when the protocol does not say.

A sentence is quoted only when it covers the question's focus terms (weighted by how rare they are
in the protocol) and, for questions that ask for a dose, a duration, a time or a number, states one.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from assistant.answer_lists import list_answer
from assistant.chunk import chunk_protocol
from assistant.embed import Embedder
from assistant.errors import UnknownProtocolError
from assistant.fields import answer_field
from assistant.index import ProtocolIndex
from assistant.patient.concepts import load_concepts
from assistant.question import clean_question
from assistant.retrieve import Hit, normalise, retrieve, stem, tokens
from assistant.settings import Settings
from assistant.types import Answer, Chunk, Citation, Protocol, Statement

_WORD_NUMBER = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a|an|half)"
_NUMBER = rf"(?:\d+(?:[.,]\d+)?|{_WORD_NUMBER}(?:\s+and\s+a\s+half)?)"
TIME = re.compile(
    rf"\b{_NUMBER}(?:\s*(?:-|–|to)\s*{_NUMBER})?\s*(?:day|week|month|year|hour|wk|mo|yr|hr)s?\b", re.IGNORECASE
)
DOSE = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*(?:mg|g|mcg|µg|ug|iu|units?|grams?|milligrams?|micrograms?|ml|mL)"
    r"(?:/(?:m2|m²|kg|day|d|dose))?(?![\w])",
    re.IGNORECASE,
)
NUMBER = re.compile(r"\d")
FREQUENCY = re.compile(
    r"\b(?:every|each|once|twice|daily|weekly|monthly|yearly|annually|nightly|hourly)\b|\bper\s+(?:day|week|month)\b"
    r"|\b\w+\s+times\s+(?:a|per)\s+(?:day|week|month)\b|\bq\.?\d*\s?(?:d|w|wk|h|hr)s?\b",
    re.IGNORECASE,
)

# What a question asks for, by cue, and what a sentence must state to answer it.
ANSWER_TYPES: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    ("dose", re.compile(r"\b(dose|doses|dosage|dosing|mg)\b", re.I), DOSE),
    ("amount", re.compile(r"\b(how much)\b", re.I), NUMBER),
    ("duration", re.compile(r"\b(how long|duration|for how many|how many (days|weeks|months|years))\b", re.I), TIME),
    ("frequency", re.compile(r"\b(how often|how frequently|frequency|how many times)\b", re.I), FREQUENCY),
    ("time", re.compile(r"\b(when|how soon|timing|how many days|how many weeks|washout)\b", re.I), TIME),
    (
        "number",
        re.compile(
            r"\b(how many|what (\w+ )?(count|level|value|limit|threshold|number|cut-?off)"
            r"|how (high|low)|minimum|maximum)\b",
            re.I,
        ),
        NUMBER,
    ),
)
# Words that frame a question without saying what it is about.
FRAME_WORDS = frozenset(
    stem(w)
    for w in (
        "required require requirement requirements need needed needs allowed allow permitted permit enroll enrol "
        "enrolled enrolment enrollment eligible eligibility participate participation take part join trial study "
        "protocol given give receive received long much many often level levels value limit threshold criteria "
        "criterion inclusion exclusion say says state states list have has had having get got dose doses dosage dosing "
        "when soon timing there someone person people subject subjects candidate candidates qualify "
        "treated treatment used use using administered count needed ok okay kind type define defines defined "
        "mean means counts excluded exclude excludes excluding after before since start starting begin"
    ).split()
)
ENROL_QUESTION = re.compile(
    r"^\s*(can|may|could|is|are)\b.*"
    r"\b(enrol+|join|participate|take part|be included|be eligible|eligible|qualify|be treated)\b",
    re.IGNORECASE,
)
# A question about what the protocol requires or allows favours the eligibility section.
REQUIREMENT = re.compile(
    r"\b(requir\w*|allow\w*|permit\w*|eligib\w*|enrol\w*|criteri\w*|must|need\w*|exclud\w*|includ\w*|"
    r"qualif\w*|take part|participate)\b",
    re.IGNORECASE,
)
ELIGIBILITY_PRIOR = 0.2
NEGATIVE = re.compile(r"^\s*(no|not|without|negative)\b", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(])|\n+")


@dataclass(frozen=True)
class Unit:
    """A quotable sentence of a protocol."""

    start: int
    end: int
    section: str
    criterion_id: str | None
    terms: frozenset[str]


_UNITS: dict[tuple[str, str], tuple[tuple[Unit, ...], dict[str, float]]] = {}


def _units(protocol: Protocol) -> tuple[tuple[Unit, ...], dict[str, float]]:
    """The protocol's quotable sentences and the IDF of each term over them (computed once per text)."""
    key = (protocol.id, protocol.content_hash)
    if key not in _UNITS:
        _UNITS[key] = _split_units(protocol)
    return _UNITS[key]


def _split_units(protocol: Protocol) -> tuple[tuple[Unit, ...], dict[str, float]]:
    units: list[Unit] = []
    text = protocol.text
    for chunk in chunk_protocol(protocol):
        if chunk.criterion_ids:
            units.append(
                Unit(chunk.start, chunk.end, chunk.section, chunk.criterion_ids[0], _criterion_terms(protocol, chunk))
            )
            continue
        pos, pending = chunk.start, None
        for match in [*_SENTENCE.finditer(text, chunk.start, chunk.end), None]:
            end = match.start() if match else chunk.end
            start = pos
            while start < end and text[start] in " \t•-*\u00a0":
                start += 1
            stop = start + len(text[start:end].rstrip())
            pos = match.end() if match else chunk.end
            body = text[start:stop]
            if len(re.findall(r"\w{2,}", body)) < 2:
                continue
            if _is_heading(body, first=start == chunk.start):
                pending = start if pending is None else pending  # a heading is quoted with what follows
                continue
            body_start, start, pending = start, (pending if pending is not None else start), None
            # quoted with its heading, matched on its own words: a heading names a section, not an answer
            units.append(Unit(start, stop, chunk.section, None, frozenset(tokens(text[body_start:stop]))))
    df: Counter[str] = Counter()
    for unit in units:
        df.update(unit.terms)
    n = len(units)
    idf = {term: math.log(1 + n / count) for term, count in df.items()}
    return tuple(units), idf


def _criterion_terms(protocol: Protocol, chunk: Chunk) -> frozenset[str]:
    """A criterion's terms, with those of the category heading it stands under ("Group 1", "Hepatic")."""
    criterion = protocol.criterion(chunk.criterion_ids[0])
    return frozenset(tokens(chunk.text) + tokens(criterion.category or ""))


def _is_heading(body: str, first: bool) -> bool:
    """A line that only names what follows: "Brief Summary:", or a short first line of a section."""
    return body.endswith(":") or (first and len(body.split()) <= 6 and not re.search(r"[\d.]", body))


def answer_type(question: str) -> tuple[str | None, re.Pattern[str] | None]:
    """What kind of statement the question asks for (dose, duration, time, number), if any."""
    for name, cue, required in ANSWER_TYPES:
        if cue.search(question):
            return name, required
    return None, None


def focus_terms(question: str) -> list[str]:
    """The question's content terms, without the words that only frame it."""
    return [t for t in dict.fromkeys(tokens(question)) if t not in FRAME_WORDS and len(t) > 1]


def _abstain(question: str, protocol: Protocol, focus: list[str], kind: str | None, seen: list[str]) -> Answer:
    words = [w for w in re.findall(r"[A-Za-z][\w-]*", question) if stem(normalise(w)) in set(focus) - set(seen)]
    if kind and seen:
        detail = f"it mentions {', '.join(dict.fromkeys(seen))} but states no {kind} for it"
    elif words:
        detail = f"no passage mentions {', '.join(dict.fromkeys(words))}"
    else:
        detail = "no passage answers this question"
    text = f"The protocol {protocol.id} does not say: {detail}."
    return Answer(question=question, statements=(Statement(text, ()),), abstained=True, protocol_id=protocol.id)


def _statement(protocol: Protocol, unit: Unit, section_titles: dict[str, str]) -> Statement:
    quote = protocol.text[unit.start : unit.end]
    citation = Citation(protocol.id, unit.section, quote, unit.start, unit.end, unit.criterion_id)
    where = (
        f"Eligibility criterion {unit.criterion_id.split(':')[1]}"
        if unit.criterion_id
        else section_titles.get(unit.section, unit.section)
    )
    return Statement(f"{where}: “{' '.join(quote.split())}”", (citation,))


Group = tuple[frozenset[str], ...]
"""What covers one focus term: any one of these sets of terms, all present in a sentence."""


@lru_cache(maxsize=1)
def _synonym_table() -> dict[str, Group]:
    """Each vocabulary name (as search terms) → every name of its concept, each as a set of terms."""
    table: dict[str, set[frozenset[str]]] = {}
    for concept in load_concepts().concepts.values():
        names = {concept.name.replace("_", " "), concept.label.lower(), *concept.synonyms}
        options = {frozenset(tokens(name)) for name in names} - {frozenset()}
        for name in names:
            key = " ".join(tokens(name))
            if len(key) > 2:
                table.setdefault(key, set()).update(options)
    return {key: tuple(options) for key, options in table.items()}


def expand_terms(question: str, focus: list[str]) -> dict[str, Group]:
    """Each focus term with what also stands for it: the names of the vocabulary concept whose name the
    question uses ("cisplatin" is also found as "chemotherapy"; "HIV" as "human immunodeficiency virus").
    A name of several words counts only where all its words are present."""
    table = _synonym_table()
    words = tokens(question)
    groups: dict[str, set[frozenset[str]]] = {t: {frozenset({t})} for t in focus}
    merged: set[str] = set()
    for size in range(4, 0, -1):
        for i in range(len(words) - size + 1):
            options = table.get(" ".join(words[i : i + size]))
            inside = [w for w in words[i : i + size] if w in groups and w not in merged]
            if options and inside:
                # the words of one name are one term: "ECOG performance status" is found whole, not as "status"
                head = inside[0]
                groups[head].update(options)
                groups[head].add(frozenset(inside))
                if len(inside) > 1:
                    groups[head].discard(frozenset({head}))
                merged.update(inside[1:])
    return {t: tuple(g) for t, g in groups.items() if t not in merged}


def _weight(group: Group, idf: dict[str, float]) -> float:
    """How telling a focus term is: the rarest-found of its options, an option weighing its commonest term."""
    return max((min(idf[t] for t in option) for option in group if all(t in idf for t in option)), default=0.0)


def _covers(group: Group, terms: frozenset[str]) -> bool:
    return any(option <= terms for option in group)


def compose_answer(
    question: str,
    protocol: Protocol,
    hits: list[Hit],
    settings: Settings,
    similarities: Sequence[float] | None = None,
) -> Answer:
    """The answer to ``question`` from ``protocol``: a list of criteria, a design field, or the
    protocol's own sentences ranked by term coverage and dense similarity (``similarities``: the
    question's cosine similarity to each quotable sentence, in order; else that of the retrieved chunk
    the sentence lies in)."""
    listing = list_answer(question, protocol)
    if listing is not None:
        return listing
    field = answer_field(question, protocol)
    if field is not None:
        return field
    units, idf = _units(protocol)
    asks_eligibility = bool(REQUIREMENT.search(question))
    focus = focus_terms(question)
    kind, required = answer_type(question)
    alternatives = expand_terms(question, focus)
    focus = list(alternatives)
    weight = {t: _weight(alternatives[t], idf) for t in focus}
    seen = [t for t in focus if weight[t] > 0]
    if not seen:
        return _abstain(question, protocol, focus, None, [])
    absent = settings.answer_absent_weight * max(idf.values(), default=0.0)
    total = sum(weight[t] for t in seen) + absent * (len(focus) - len(seen))
    scored: list[tuple[float, Unit]] = []
    complete: set[int] = set()  # sentences that state every focus term the protocol uses
    existence = bool(EXISTENCE_QUESTION.search(question))
    for position, unit in enumerate(units):
        coverage = sum(weight[t] for t in seen if _covers(alternatives[t], unit.terms)) / total
        similarity = (
            float(similarities[position])
            if similarities is not None
            else next((h.similarity or 0.0 for h in hits if h.chunk.start <= unit.start < h.chunk.end), 0.0)
        )
        meant = similarity >= settings.answer_dense_min and coverage >= settings.answer_min_score / 2
        if coverage < settings.answer_min_score and not meant:
            continue
        if existence and not all(_covers(alternatives[t], unit.terms) for t in focus):
            continue  # "is there a placebo group?": only a sentence that names the thing itself answers it
        if required is not None and not required.search(protocol.text[unit.start : unit.end]):
            continue
        prior = ELIGIBILITY_PRIOR if asks_eligibility and unit.section == "eligibility" else 0.0
        scored.append((coverage + 0.5 * similarity + prior, unit))
        if all(_covers(alternatives[t], unit.terms) for t in seen):
            complete.add(unit.start)
    if not scored:
        return _abstain(question, protocol, focus, kind, seen)
    scored.sort(key=lambda pair: -pair[0])
    best = scored[0][0]
    # best first: those close to the best, and any that states every term of the question
    chosen = [u for s, u in scored if s >= 0.8 * best or u.start in complete][: settings.answer_max_quotes]
    titles = {s.name: s.title for s in protocol.sections}
    statements = [_statement(protocol, unit, titles) for unit in chosen]
    lead = _lead(question, protocol, chosen)
    if lead:
        statements.insert(0, Statement(lead, statements[0].citations))
    return Answer(question=question, statements=tuple(statements), abstained=False, protocol_id=protocol.id)


EXISTENCE_QUESTION = re.compile(
    r"^\s*(?:is|are)\s+there\b|^\s*(?:does|do|will)\s+(?:the\s+)?(?:study|trial|protocol|it)\s+(?:have|include|use|offer)\b",
    re.IGNORECASE,
)
EXCLUDED_QUESTION = re.compile(
    r"^\s*(?:are|is|would|will|do|does)\b.*\b(?:excluded|exclude[sd]?|ineligible|an?\s+exclusion|ruled\s+out|barred)\b",
    re.IGNORECASE,
)


def _forbids(protocol: Protocol, unit: Unit) -> bool:
    if not unit.criterion_id:
        return False
    criterion = protocol.criterion(unit.criterion_id)
    return criterion.type == "exclusion" or bool(NEGATIVE.match(protocol.text[unit.start : unit.end]))


def _lead(question: str, protocol: Protocol, chosen: list[Unit]) -> str | None:
    """A yes/no verdict in words for "can patients with X enroll?" / "are patients with X excluded?"
    when every quoted sentence is a criterion that forbids X."""
    criteria = [u for u in chosen if u.criterion_id]
    if not criteria or len(criteria) != len(chosen) or not all(_forbids(protocol, u) for u in criteria):
        return None
    if EXCLUDED_QUESTION.search(question):
        return "Yes: the eligibility criteria exclude this."
    if ENROL_QUESTION.search(question):
        return "No: the eligibility criteria rule this out."
    return None


def ask(question: str, index: ProtocolIndex, settings: Settings, protocol_id: str | None = None) -> Answer:
    """Answer a question about one protocol (the named one, else the best-matching one)."""
    question = clean_question(question, settings)
    # the named protocol is looked up by id (UnknownProtocolError listing the indexed ones when absent):
    # listing every protocol per question would grow with the corpus
    named = index.store.load(protocol_id) if protocol_id is not None else None
    vector = index.embedder.embed([normalise(question)])[0]
    hits = retrieve(index, question, settings.retrieve_k, protocol_id, settings.rrf_k, vector)
    if named is not None:
        protocol = named
    else:
        only = index.store.only_id()
        if only is not None:
            protocol_id = only
        elif hits:
            protocol_id = hits[0].chunk.protocol_id
        else:
            raise UnknownProtocolError("(none given)", index.store.ids())
        hits = [h for h in hits if h.chunk.protocol_id == protocol_id]
        protocol = index.store.load(protocol_id)
    return compose_answer(question, protocol, hits, settings, unit_similarities(protocol, index.embedder, vector))


_VECTORS: dict[tuple[str, str, str], npt.NDArray[np.float32]] = {}


def unit_similarities(protocol: Protocol, embedder: Embedder, vector: list[float]) -> list[float]:
    """Cosine similarity of a query vector to each quotable sentence of the protocol (the sentences are
    embedded once per protocol text and embedder)."""
    units, _ = _units(protocol)
    key = (protocol.id, protocol.content_hash, embedder.name)
    if key not in _VECTORS:
        texts = [normalise(protocol.text[u.start : u.end]) for u in units]
        _VECTORS[key] = np.asarray(embedder.embed(texts), dtype=np.float32).reshape(len(texts), -1)
    matrix = _VECTORS[key]
    if not len(matrix):
        return []
    return [float(x) for x in matrix @ np.asarray(vector, dtype=np.float32)]
