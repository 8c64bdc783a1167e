"""The chat chain: classify a message, answer it with citations, verify patient-specific claims with the
checker, compute schedule dates, and remember the conversation.

Built from LangChain runnables (classify → answer → phrase), so evaluation scripts, the CLI and the
Streamlit app talk to one chain. Verdict sentences come from the checker's result only: no model
output and no text in the message can change them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.runnables import RunnableLambda

from assistant.answer import ask
from assistant.audit import AuditRecord, append_exchange
from assistant.chat.route import Route, classify
from assistant.chat.state import ConversationState
from assistant.chat.verdicts import concerned_criteria, verdict_statements
from assistant.check import PatientCheck, check_patient, rules_for
from assistant.cross import answer_cross, is_cross_question, read_cross_question
from assistant.errors import ScheduleError, UnknownProtocolError
from assistant.index import ProtocolIndex
from assistant.llm.backends import make_chat_model
from assistant.llm.phrase import phrase_answer
from assistant.patient import read_patient
from assistant.question import clean_question
from assistant.retrieve import tokens
from assistant.schedule.answer import schedule_answer
from assistant.schedule.compute import ComputedSchedule, compute_schedule, parse_date
from assistant.schedule.draft import DRAFTED_NOTE
from assistant.schedule.load import load_schedule, scheduled_protocols
from assistant.settings import Settings
from assistant.types import Answer, Statement


@dataclass
class Response:
    """What the chain returns for one message."""

    question: str
    """The message as received."""
    answer: Answer
    """The cited answer (for a patient question, the checker's verdict sentences first)."""
    route: dict[str, Any] = field(default_factory=dict)
    """How the message was classified: patient, schedule, general, and the cues that fired."""
    backend: str = "deterministic"
    """Who phrased the answer."""
    mode: str = "deterministic"
    """deterministic, model, model_pruned (unsupported sentences removed) or fallback."""
    notes: list[str] = field(default_factory=list)
    """Notes for the reader (facts read from the message, sentences a verifier removed …)."""
    facts_shown: list[str] = field(default_factory=list)
    """The facts read from the message, as shown back to the clinician."""
    check: PatientCheck | None = None
    """The checker's result, when the message concerns a patient."""
    schedule: ComputedSchedule | None = None
    """The computed timeline, when the message concerns the schedule."""
    facts_json: list[dict[str, Any]] = field(default_factory=list)
    """The facts used for the check, JSON-ready."""

    def to_json(self) -> dict[str, Any]:
        """The JSON contract of ``ask --json``."""
        data: dict[str, Any] = self.answer.to_json()
        data.update({"route": self.route, "backend": self.backend, "mode": self.mode, "notes": self.notes})
        if self.check is not None:
            data["patient_check"] = self.check.to_json()
            data["facts"] = self.facts_json
            data["facts_shown"] = self.facts_shown
        if self.schedule is not None:
            data["schedule"] = self.schedule.to_json()
        return data

    def render_text(self) -> str:
        """The answer as a person reads it in a terminal, citations listed under it."""
        lines = []
        if self.facts_shown:
            lines.append("Facts read from the message: " + "; ".join(self.facts_shown))
        lines.extend(s.text for s in self.answer.statements)
        for i, citation in enumerate(self.answer.citations, start=1):
            where = citation.criterion_id or f"{citation.protocol} {citation.section}"
            lines.append(f"  [{i}] {where} @{citation.start}-{citation.end}: {' '.join(citation.quote.split())}")
        lines.extend(f"  note: {note}" for note in self.notes)
        return "\n".join(lines)


def _route_json(route: Route) -> dict[str, Any]:
    return {
        "patient": route.patient,
        "schedule": route.schedule,
        "general": route.general,
        "reasons": list(route.reasons),
        "dates": [
            {"role": d.role, "date": d.date.isoformat() if d.date else None, "text": d.text} for d in route.dates
        ],
    }


def _substantive(facts: Any, loaded: bool) -> bool:
    """True when there is something to check: a loaded record, or a stated fact beyond a pronoun's sex."""
    return (
        loaded
        or facts.age is not None
        or bool(
            facts.observations
            or facts.conditions
            or facts.medications
            or facts.procedures
            or facts.plans
            or facts.conflicts
        )
    )


def _facts_json(facts: Any) -> list[dict[str, Any]]:
    if facts is None:
        return []
    out: list[dict[str, Any]] = []
    if facts.age is not None:
        out.append({"concept": "age", "value": facts.age, "unit": "years"})
    if facts.sex:
        out.append({"concept": "sex", "value": facts.sex})
    for group in ("observations", "conditions", "medications", "procedures", "plans"):
        for fact in getattr(facts, group):
            out.append({"kind": group[:-1], **fact.model_dump(mode="json", exclude_none=True)})
    for conflict in facts.conflicts:
        out.append({"kind": "conflict", **conflict.model_dump(mode="json", exclude_none=True)})
    return out


ASKED = re.compile(r"\b(when|how long|what date|which day|due|until|window|schedule|timeline)\b", re.IGNORECASE)
_CLAUSE = re.compile(r"[^.;?!]+[.;?!]?")
_ANCHOR = re.compile(r"\b(after|before|following|once)\b.*$", re.IGNORECASE)
_SUB_CLAUSE = re.compile(r",\s*and\b|\band\s+(?=when\b)", re.IGNORECASE)


def select_steps(question: str, computed: ComputedSchedule) -> list[str] | None:
    """The steps a question asks about (None: all of them).

    Only the clauses that ask ("when is surgery due?") count, not those that give dates ("the drug
    was started on 3 March"); a step's terms are its label, id and condition, each weighted by how few
    steps share it, so the drug's name alone picks nothing while "surgery" or "postoperative" decide.
    """
    clauses = [part for m in _CLAUSE.finditer(question) for part in _SUB_CLAUSE.split(m.group(0)) if ASKED.search(part)]
    terms = {
        step.id: set(tokens(f"{step.label} {step.id.replace('_', ' ')} {step.condition or ''}"))
        for step in computed.steps
    }
    df: dict[str, int] = {}
    for step_terms in terms.values():
        for term in step_terms:
            df[term] = df.get(term, 0) + 1
    chosen: list[str] = []
    for clause in clauses or [question]:
        # "when is surgery done after the preoperative course?" asks about surgery; what follows
        # "after" is only its anchor.
        subject = _ANCHOR.sub("", clause)
        asked = set(tokens(subject)) if set(tokens(subject)) & set(df) else set(tokens(clause))
        scores = {sid: sum(1 / df[t] for t in asked & step_terms) for sid, step_terms in terms.items()}
        best = max(scores.values(), default=0.0)
        if best >= 0.5:
            chosen += [sid for sid, score in scores.items() if score >= 0.75 * best and sid not in chosen]
    if not chosen:
        return None
    return [step.id for step in computed.steps if step.id in chosen]


class ChatSession:
    """One conversation: its state, the index, and the chain every message goes through."""

    def __init__(self, index: ProtocolIndex, settings: Settings, state: ConversationState | None = None) -> None:
        self.index = index
        self.settings = settings
        self.state = state or ConversationState()
        self.model = make_chat_model(settings)
        self.chain = RunnableLambda(self._classify) | RunnableLambda(self._answer) | RunnableLambda(self._phrase)

    def load_patient(self, path: str | Path, as_of: dt.date | None = None) -> None:
        """Use the patient in a FHIR bundle, facts file or note for the rest of the conversation
        (``as_of``, the check date, bounds the birth date and is the day a note's relative dates count from)."""
        self.state.load_patient(read_patient(path, today=as_of, as_of=as_of))

    def respond(self, message: str, protocol_id: str | None = None, as_of: str | dt.date | None = None) -> Response:
        """Answer one message in this conversation (QuestionError for a message that is not one)."""
        message = clean_question(message, self.settings)
        response: Response = self.chain.invoke({"message": message, "protocol_id": protocol_id, "as_of": as_of})
        self.state.record_answer(response.answer.text)
        if self.settings.audit_enabled:
            self._audit(response)
        return response

    # -- the chain's steps ---------------------------------------------------------------------

    def _classify(self, inputs: dict[str, Any]) -> dict[str, Any]:
        today = parse_date("as_of", inputs.get("as_of")) or self.state.as_of or dt.date.today()
        cross = read_cross_question(inputs["message"], today) if is_cross_question(inputs["message"]) else None
        if cross is not None:  # about every indexed protocol (assistant.cross); its values are no patient's
            message = inputs["message"]
            about_patient = cross.kind == "patient"
            route = self.state.update_from_message(message, today=today) if about_patient else classify(message)
            if not about_patient:
                self.state.history.append((message, ""))
            return {**inputs, "route": route, "today": today, "cross": cross}
        route = self.state.update_from_message(inputs["message"], today=today)
        protocol_id = inputs.get("protocol_id") or self.state.protocol_id
        store = self.index.store  # looked up by id: listing every protocol per message grows with the corpus
        if protocol_id is not None and not store.has(protocol_id):
            raise UnknownProtocolError(protocol_id, store.ids())
        if protocol_id is None:
            protocol_id = store.only_id()
        return {**inputs, "route": route, "today": today, "protocol_id": protocol_id}

    def _answer(self, inputs: dict[str, Any]) -> Response:
        route: Route = inputs["route"]
        message: str = inputs["message"]
        statements: list[Statement] = []
        response = Response(question=message, answer=Answer(message, (), False), route=_route_json(route))
        if inputs.get("cross") is not None:
            cross = answer_cross(inputs["cross"], self.index, self.settings, inputs["today"], self.state.patient)
            response.answer, response.route["cross"] = cross.to_answer(), cross.question.kind
            response.notes += list(cross.notes)
            return response
        protocol_id = inputs["protocol_id"]
        if route.general or (not route.patient and not route.schedule):
            general = ask(message, self.index, self.settings, protocol_id)
            protocol_id = general.protocol_id
            response.answer = general
        if route.patient:
            statements += self._patient(message, route, protocol_id, inputs["today"], response)
        if route.schedule:
            statements += self._schedule(message, route, protocol_id, response)
        if statements:
            response.answer = Answer(message, tuple(statements), False, protocol_id)
        elif not response.answer.statements:
            response.answer = ask(message, self.index, self.settings, protocol_id)
        self.state.protocol_id = response.answer.protocol_id or protocol_id
        return response

    def _patient(
        self, message: str, route: Route, protocol_id: str | None, today: dt.date, response: Response
    ) -> list[Statement]:
        patient = self.state.patient
        if protocol_id is None or patient is None or not _substantive(patient, self.state.loaded_facts is not None):
            if not route.schedule:
                response.notes.append(
                    "No patient facts yet: state them in the message or load a FHIR bundle or facts file."
                )
            return []
        protocol = self.index.store.load(protocol_id)
        rules = rules_for(protocol, self.settings.corpus_dir)
        check = check_patient(protocol, patient, today, rules)
        stated: set[str] = set()
        if route.facts is not None:
            # Sex read from a pronoun says little about which criteria the question concerns.
            stated = {c for c in route.facts.concepts if c != "sex"}
            response.facts_shown = route.facts.show()
        concerned = concerned_criteria(rules, stated) if stated else [v.criterion_id for v in check.verdicts]
        response.check = check
        response.facts_json = _facts_json(patient)
        if check.rules_source == "compiled":
            response.notes.append("No reviewed rules file for this protocol: rules were drafted by the compiler.")
        if check.overall == "undetermined":
            settle = check.to_settle()
            if settle["order"]:
                response.notes.append("Data to order to settle the unknown criteria: " + "; ".join(settle["order"]))
            if settle["ask"]:
                response.notes.append("Questions to ask to settle the unknown criteria: " + "; ".join(settle["ask"]))
        return verdict_statements(protocol, check, concerned)

    def _schedule(self, message: str, route: Route, protocol_id: str | None, response: Response) -> list[Statement]:
        if protocol_id is None:
            return []
        protocol = self.index.store.load(protocol_id)
        try:
            schedule = load_schedule(protocol_id, self.settings.corpus_dir, protocol_text=protocol.text)
        except ScheduleError as exc:
            indexed = set(self.index.store.ids())
            having = [p for p in scheduled_protocols(self.settings.corpus_dir) if p in indexed]
            reason = str(exc).split("; schedules exist for:")[0]
            listed = ", ".join(having) or "none"
            response.notes.append(f"No schedule for {protocol_id}: {reason}; indexed protocols with one: {listed}")
            if route.general or not route.patient:
                response.answer = ask(message, self.index, self.settings, protocol_id)
            return []
        computed = compute_schedule(
            schedule, self.state.date_for(route, "start"), self.state.date_for(route, "surgery")
        )
        response.schedule = computed
        statements = list(schedule_answer(message, computed, select_steps(message, computed)).statements)
        if schedule.drafted:
            response.notes.append(DRAFTED_NOTE)
            if statements:
                first = statements[0]
                statements[0] = Statement(text=f"{DRAFTED_NOTE} {first.text}", citations=first.citations)
        return statements

    def _phrase(self, response: Response) -> Response:
        """Let a language model phrase a general answer; the verifier keeps only supported sentences.
        Patient verdicts and schedule dates are never phrased by a model."""
        response.backend = self.settings.backend
        if (
            self.model is None
            or response.check is not None
            or response.schedule is not None
            or response.answer.abstained
            or "cross" in response.route
        ):
            return response
        phrased = phrase_answer(response.answer, self.model)
        response.mode = phrased.mode
        if phrased.note:
            response.notes.append(phrased.note)
        response.answer = Answer(response.question, phrased.statements, False, response.answer.protocol_id)
        return response

    def _audit(self, response: Response) -> None:
        protocol = self.index.store.load(response.answer.protocol_id) if response.answer.protocol_id else None
        append_exchange(
            AuditRecord(
                question=response.question,
                route="+".join(k for k in ("patient", "schedule", "general") if response.route.get(k)),
                answer=response.answer.text,
                citations=response.answer.citations,
                facts=self.state.patient if response.check else None,
                verdicts=response.check.verdicts if response.check else (),
                overall=response.check.overall if response.check else None,
                protocol_id=protocol.id if protocol else None,
                protocol_hash=protocol.content_hash if protocol else None,
                backend=response.backend,
                mode=response.mode,
                note="; ".join(response.notes),
                extra={"schedule": response.schedule.to_json()["steps"]} if response.schedule else {},
            ),
            self.settings,
        )


def respond_once(
    question: str,
    index: ProtocolIndex,
    settings: Settings,
    protocol_id: str | None = None,
    patient_path: Path | None = None,
    as_of: str | dt.date | None = None,
) -> Response:
    """Answer one message with no conversation history (the CLI's ``ask``)."""
    session = ChatSession(index, settings)
    if patient_path is not None:
        session.load_patient(patient_path, parse_date("--as-of", as_of))
    return session.respond(question, protocol_id=protocol_id, as_of=as_of)
