"""Runners of the sets asked through the chat chain: general questions, patient questions, schedule questions."""

from __future__ import annotations

import time
from pathlib import Path

from assistant.chat.chain import ChatSession, Response
from assistant.evaluation.abstention import abstention_scores
from assistant.evaluation.answers import QuestionOutcome, score_answer
from assistant.evaluation.citations import correctness, exactness
from assistant.evaluation.context import RunContext, SetResult
from assistant.evaluation.facts import fact_recall, pass_rate
from assistant.evaluation.formats import load_patient_set, load_question_set, load_schedule_set
from assistant.evaluation.manifest import EvalSet
from assistant.evaluation.retrieval import KS, Passage, hits, recall_at, recall_curve
from assistant.evaluation.schedule import window_matches
from assistant.evaluation.verdicts import VerdictScores
from assistant.retrieve import retrieve


def route_of(response: Response) -> str:
    """The route an exchange took: patient, else schedule, else general."""
    if response.route.get("patient"):
        return "patient"
    return "schedule" if response.route.get("schedule") else "general"


def _timed(ctx: RunContext, session: ChatSession, message: str, protocol_id: str, as_of: object) -> Response:
    start = time.perf_counter()
    response = session.respond(message, protocol_id=protocol_id, as_of=as_of)  # type: ignore[arg-type]
    ctx.record_latency(route_of(response), (time.perf_counter() - start) * 1000)
    return response


def count_questions(spec: EvalSet) -> int:
    """Questions of a question set (for the progress bar)."""
    return sum(len(load_question_set(p).questions) for p in spec.files)


def run_questions(spec: EvalSet, ctx: RunContext) -> SetResult:
    """Every question through the chat and the retriever: answers scored, recall@k, citations, abstentions."""
    outcomes: list[QuestionOutcome] = []
    for path in spec.files:
        data = load_question_set(path)
        protocol = ctx.indexed(ctx.protocol_file(data.protocol, data.source, spec), data.protocol)
        spans = {c.id: (c.start, c.end) for c in protocol.criteria}
        for item in data.questions:
            response = _timed(ctx, ChatSession(ctx.index, ctx.settings), item.question, protocol.id, None)
            outcome = score_answer(item, response.answer, protocol)
            outcome.route = route_of(response)
            if not item.abstain:
                found = retrieve(ctx.index, item.question, max(KS), protocol.id, ctx.settings.rrf_k)
                outcome.retrieval_hits = hits(
                    item, [Passage(h.chunk.start, h.chunk.end, h.chunk.text) for h in found], spans
                )
            outcomes.append(outcome)
            ctx.tick(1)
    rows = [o.retrieval_hits for o in outcomes if not o.should_abstain]
    metrics: dict[str, float | None] = {f"recall@{k}": recall_at(rows, k) for k in KS}
    metrics.update(
        {
            "citation_exactness": exactness(outcomes),
            "citation_correctness": correctness(outcomes),
            "fact_recall": fact_recall(outcomes),
            "pass_rate": pass_rate(outcomes),
            **abstention_scores((o.should_abstain, o.abstained) for o in outcomes),
            "questions": float(len(outcomes)),
        }
    )
    details = [f"{o.protocol} {o.id}: {'; '.join(o.problems)}" for o in outcomes if not o.passed]
    return SetResult(spec.name, spec.kind, metrics, recall_curve=recall_curve(rows), details=details)


def count_patients(spec: EvalSet) -> int:
    """Cases of a patient set."""
    return sum(len(load_patient_set(p).cases) for p in spec.files)


def run_patients(spec: EvalSet, ctx: RunContext) -> SetResult:
    """Every patient question through the chat (follow-ups in their conversation): verdicts and routes scored."""
    scores = VerdictScores()
    routed = total = 0
    details: list[str] = []
    for path in spec.files:
        data = load_patient_set(path)
        protocol = ctx.indexed(ctx.protocol_file(data.protocol, data.source, spec), data.protocol)
        by_id = {c.id: c for c in data.cases}
        for case in data.cases:
            chain = [case]
            while chain[0].follows:
                chain.insert(0, by_id[chain[0].follows])
            session = ChatSession(ctx.index, ctx.settings)
            for step in chain:
                if step.patient_file:
                    session.load_patient(_repo_path(ctx, step.patient_file))
                response = _timed(ctx, session, step.message, protocol.id, step.as_of)
            got = {v.criterion_id: v.status for v in response.check.verdicts} if response.check else {}
            for cid, label in case.expected_verdicts.items():
                prediction = got.get(cid, "unknown")
                scores.criteria.add(label, prediction, cid not in got)
                if prediction != label:
                    details.append(f"{case.id} {cid}: expected {label}, got {prediction}")
            overall = response.check.overall if response.check else "undetermined"
            scores.add_case(case.expected_overall, overall)
            total += 1
            route = response.route
            routed += (route.get("patient"), route.get("schedule")) == (
                case.expected_route.patient,
                case.expected_route.schedule,
            )
            ctx.tick(1)
    metrics = scores.metrics()
    metrics["route_accuracy"] = routed / total if total else None
    metrics["cases"] = float(total)
    return SetResult(spec.name, spec.kind, metrics, confusion=scores.criteria.matrix(), details=details)


def _repo_path(ctx: RunContext, relative: str) -> Path:
    """A patient file named relative to the repository (the corpus folder's parent)."""
    return ctx.corpus.parent / relative


def count_schedule(spec: EvalSet) -> int:
    """Questions of a schedule set."""
    return sum(len(load_schedule_set(p).questions) for p in spec.files)


def run_schedule(spec: EvalSet, ctx: RunContext) -> SetResult:
    """Every schedule question through the chat: each expected window compared with the computed one."""
    right = windows = routed = asked = 0
    details: list[str] = []
    for path in spec.files:
        data = load_schedule_set(path)
        protocol = ctx.indexed(ctx.protocol_file(data.protocol, data.source, spec), data.protocol)
        for item in data.questions:
            response = _timed(ctx, ChatSession(ctx.index, ctx.settings), item.question, protocol.id, data.as_of)
            asked += 1
            routed += bool(response.route.get("schedule"))
            steps = {s.id: s for s in response.schedule.steps} if response.schedule else {}
            for step_id, window in item.expected.items():
                windows += 1
                step = steps.get(step_id)
                if step is not None and window_matches(window, step.earliest, step.latest):
                    right += 1
                else:
                    got = f"{step.earliest}..{step.latest}" if step else "no such step"
                    details.append(f"{item.id} {step_id}: expected {window.earliest}..{window.latest}, got {got}")
            ctx.tick(1)
    metrics: dict[str, float | None] = {
        "date_accuracy": right / windows if windows else None,
        "route_accuracy": routed / asked if asked else None,
        "windows": float(windows),
    }
    return SetResult(spec.name, spec.kind, metrics, details=details)
