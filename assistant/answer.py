"""Answer stage (deterministic, no language model): pick the protocol's own sentences that answer a
question and quote them, each with its exact span; say plainly when the protocol does not say.

A sentence is quoted only when it covers the question's focus terms (weighted by how rare they are
in the protocol) and, for questions that ask for a dose, a duration, a time or a number, states one.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from assistant.chunk import chunk_protocol
from assistant.errors import UnknownProtocolError
from assistant.index import ProtocolIndex
from assistant.question import clean_question
from assistant.retrieve import Hit, normalise, retrieve, stem, tokens
from assistant.settings import Settings
from assistant.types import Answer, Citation, Protocol, Statement

_WORD_NUMBER = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a|an|half)"
_NUMBER = rf"(?:\d+(?:[.,]\d+)?|{_WORD_NUMBER}(?:\s+and\s+a\s+half)?)"
TIME = re.compile(rf"\b{_NUMBER}(?:\s*(?:-|–|to)\s*{_NUMBER})?\s*(?:day|week|month|year|hour)s?\b", re.IGNORECASE)
DOSE = re.compile(r"\b\d+(?:[.,]\d+)?\s*(?:mg|g|mcg|µg|ug|iu|units?)(?:/(?:m2|m²|kg|day|d))?\b", re.IGNORECASE)
NUMBER = re.compile(r"\d")

# What a question asks for, by cue, and what a sentence must state to answer it.
ANSWER_TYPES: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    ("dose", re.compile(r"\b(dose|doses|dosage|dosing|how much|mg)\b", re.I), DOSE),
    ("duration", re.compile(r"\b(how long|duration|for how many|how many (days|weeks|months|years))\b", re.I), TIME),
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
        "criterion inclusion exclusion say says state states list have has get got dose doses dosage dosing "
        "duration when soon timing there someone person people subject subjects candidate candidates qualify "
        "treated treatment used use using administered count needed ok okay kind type"
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
ELIGIBILITY_PRIOR = 0.3
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
                Unit(chunk.start, chunk.end, chunk.section, chunk.criterion_ids[0], frozenset(tokens(chunk.text)))
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
            start, pending = (pending if pending is not None else start), None
            units.append(Unit(start, stop, chunk.section, None, frozenset(tokens(text[start:stop]))))
    df: Counter[str] = Counter()
    for unit in units:
        df.update(unit.terms)
    n = len(units)
    idf = {term: math.log(1 + n / count) for term, count in df.items()}
    return tuple(units), idf


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


LISTING = re.compile(r"\b(inclusion|exclusion|eligibility)\s+criteri(a|on)\b", re.IGNORECASE)


def list_criteria(question: str, protocol: Protocol) -> Answer | None:
    """For "what are the exclusion criteria?": the criteria of that kind, each quoted, or None."""
    match = LISTING.search(question)
    if not match or set(focus_terms(question)) - {"about", "list", "all", "show"}:
        return None
    kind = match.group(1).lower()
    chosen = [c for c in protocol.criteria if kind == "eligibility" or c.type == kind]
    lead = f"{protocol.id} lists {len(chosen)} {kind} criteria."
    if not chosen and kind == "exclusion":
        # No separate exclusion list (the registry's older format): the exclusions are the "No …" requirements.
        chosen = [c for c in protocol.criteria if NEGATIVE.match(c.text)]
        lead = (
            f"{protocol.id} has no separate exclusion list: all its criteria are requirements, and "
            f"{len(chosen)} of them exclude a condition or treatment."
        )
    if not chosen:
        return None
    statements = [Statement(lead, tuple(protocol.criterion_citation(c.id) for c in chosen))]
    statements += [
        Statement(f"{c.id.split(':')[1]}: “{' '.join(c.text.split())}”", (protocol.criterion_citation(c.id),))
        for c in chosen
    ]
    return Answer(question=question, statements=tuple(statements), abstained=False, protocol_id=protocol.id)


def compose_answer(question: str, protocol: Protocol, hits: list[Hit], settings: Settings) -> Answer:
    """The answer to ``question`` from ``protocol``'s sentences, ranked with the retrieval hits."""
    listing = list_criteria(question, protocol)
    if listing is not None:
        return listing
    units, idf = _units(protocol)
    asks_eligibility = bool(REQUIREMENT.search(question))
    focus = focus_terms(question)
    kind, required = answer_type(question)
    seen = [t for t in focus if t in idf]
    if not seen:
        return _abstain(question, protocol, focus, None, [])
    total = sum(idf[t] for t in seen)
    scored: list[tuple[float, Unit]] = []
    for unit in units:
        coverage = sum(idf[t] for t in seen if t in unit.terms) / total
        if coverage < settings.answer_min_score:
            continue
        if required is not None and not required.search(protocol.text[unit.start : unit.end]):
            continue
        similarity = next((h.similarity or 0.0 for h in hits if h.chunk.start <= unit.start < h.chunk.end), 0.0)
        prior = ELIGIBILITY_PRIOR if asks_eligibility and unit.section == "eligibility" else 0.0
        scored.append((coverage + 0.5 * similarity + prior, unit))
    if not scored:
        return _abstain(question, protocol, focus, kind, seen)
    scored.sort(key=lambda pair: -pair[0])
    best = scored[0][0]
    chosen = [u for s, u in scored[: settings.answer_max_quotes] if s >= 0.8 * best]  # best first
    titles = {s.name: s.title for s in protocol.sections}
    statements = [_statement(protocol, unit, titles) for unit in chosen]
    lead = _lead(question, protocol, chosen)
    if lead:
        statements.insert(0, Statement(lead, statements[0].citations))
    return Answer(question=question, statements=tuple(statements), abstained=False, protocol_id=protocol.id)


def _lead(question: str, protocol: Protocol, chosen: list[Unit]) -> str | None:
    """A one-line verdict for 'can patients with X enroll?' when every quoted criterion forbids X."""
    if not ENROL_QUESTION.search(question):
        return None
    criteria = [u for u in chosen if u.criterion_id]
    forbidding = all(
        protocol.criterion(u.criterion_id).type == "exclusion" or NEGATIVE.match(protocol.text[u.start : u.end])
        for u in criteria
        if u.criterion_id
    )
    if criteria and len(criteria) == len(chosen) and forbidding:
        return "No: the eligibility criteria rule this out."
    return None


def ask(question: str, index: ProtocolIndex, settings: Settings, protocol_id: str | None = None) -> Answer:
    """Answer a question about one protocol (the named one, else the best-matching one)."""
    question = clean_question(question, settings)
    known = index.store.ids()
    if protocol_id is not None and protocol_id not in known:
        raise UnknownProtocolError(protocol_id, known)
    hits = retrieve(index, question, settings.retrieve_k, protocol_id, settings.rrf_k)
    if protocol_id is None:
        if len(known) == 1:
            protocol_id = known[0]
        elif hits:
            protocol_id = hits[0].chunk.protocol_id
        else:
            raise UnknownProtocolError("(none given)", known)
        hits = [h for h in hits if h.chunk.protocol_id == protocol_id]
    return compose_answer(question, index.store.load(protocol_id), hits, settings)
