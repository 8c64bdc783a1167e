"""Model-phrased answers: faithful sentences survive, hallucinations never reach the user."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models.chat_models import SimpleChatModel
from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage

from assistant.errors import BackendError
from assistant.llm import make_chat_model, phrase_answer
from assistant.settings import Settings
from assistant.types import Answer, Citation, Statement

SEED = "NCT01267695"
TEXT = (Path(__file__).resolve().parent.parent / "corpus" / f"{SEED}.txt").read_text(encoding="utf-8")

POSTOP = "Two to four weeks after surgery, patients receive oral imatinib mesylate once daily for one and a half years."
PREOP = (
    "Patients receive oral imatinib mesylate once daily for 6 months in the absence of disease progression or "
    "unacceptable toxicity."
)
BRAIN = "No known brain metastases"


def cite(quote: str, section: str, criterion_id: str | None = None) -> Citation:
    start = TEXT.index(quote)
    return Citation(SEED, section, quote, start, start + len(quote), criterion_id)


ANSWER = Answer(
    question="How is imatinib given, and can patients with brain metastases take part?",
    statements=(
        Statement(PREOP, (cite(PREOP, "interventions"),)),
        Statement(POSTOP, (cite(POSTOP, "interventions"),)),
        Statement(BRAIN, (cite(BRAIN, "eligibility", f"{SEED}:I6"),)),
    ),
    abstained=False,
    protocol_id=SEED,
)

FAITHFUL = [
    "Before surgery, patients take oral imatinib mesylate once daily for 6 months.",
    "Postoperative imatinib mesylate starts two to four weeks after surgery and continues for 1.5 years.",
    "Patients with known brain metastases are not eligible.",
]
HALLUCINATIONS = [
    "Patients take imatinib 400 mg daily.",
    "Postoperative imatinib starts 3 weeks after surgery.",
    "Patients with brain metastases may enroll.",
]


class RecordingModel(SimpleChatModel):
    """Answers with a fixed text and keeps the prompts it was sent."""

    reply: str
    prompts: list[list[BaseMessage]] = []

    @property
    def _llm_type(self) -> str:
        return "recording"

    def _call(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any) -> str:
        self.prompts.append(messages)
        return self.reply


class BrokenModel(SimpleChatModel):
    """A backend whose server is down."""

    @property
    def _llm_type(self) -> str:
        return "broken"

    def _call(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any) -> str:
        raise ConnectionError("connection refused")


def shown(result: Any) -> str:
    return result.text + " " + " ".join(s.text for s in result.statements)


def test_answer_quotes_are_real_spans() -> None:
    for citation in ANSWER.citations:
        assert TEXT[citation.start : citation.end] == citation.quote


def test_without_a_model_the_answer_is_deterministic() -> None:
    result = phrase_answer(ANSWER, None)
    assert (result.mode, result.text, result.removed) == ("deterministic", ANSWER.text, [])


def test_faithful_answer_survives_whole() -> None:
    model = FakeListChatModel(responses=[" ".join(FAITHFUL)])
    result = phrase_answer(ANSWER, model)
    assert result.mode == "model"
    assert [s.text for s in result.statements] == FAITHFUL
    assert result.removed == []
    for statement in result.statements:
        assert statement.citations
        assert all(TEXT[c.start : c.end] == c.quote for c in statement.citations)
    assert result.statements[2].citations[0].criterion_id == f"{SEED}:I6"


@pytest.mark.parametrize("hallucination", [pytest.param(h, id=h[:30]) for h in HALLUCINATIONS])
def test_a_hallucinated_sentence_is_removed(hallucination: str) -> None:
    reply = f"{FAITHFUL[0]} {hallucination} {FAITHFUL[1]}"
    result = phrase_answer(ANSWER, GenericFakeChatModel(messages=iter([AIMessage(content=reply)])))
    assert result.mode == "model_pruned"
    assert result.removed == [hallucination]
    assert hallucination not in shown(result)
    assert [s.text for s in result.statements] == FAITHFUL[:2]
    assert result.note == "1 sentence not supported by the protocol was removed."


def test_only_hallucinations_fall_back_to_the_deterministic_answer() -> None:
    result = phrase_answer(ANSWER, FakeListChatModel(responses=["\n".join(f"- {h}" for h in HALLUCINATIONS)]))
    assert result.mode == "fallback"
    assert result.text == ANSWER.text
    assert result.removed == HALLUCINATIONS
    for hallucination in ("400 mg", "3 weeks after surgery", "may enroll"):
        assert hallucination not in shown(result)
    assert "None of the model's 3 sentences was supported" in result.note


@pytest.mark.parametrize(
    ("model", "note"),
    [
        pytest.param(BrokenModel(), "The language model failed (ConnectionError)", id="backend-down"),
        pytest.param(FakeListChatModel(responses=[""]), "The model's answer was empty", id="empty-reply"),
    ],
)
def test_model_failure_falls_back(model: Any, note: str) -> None:
    result = phrase_answer(ANSWER, model)
    assert (result.mode, result.text) == ("fallback", ANSWER.text)
    assert result.note.startswith(note)


def test_abstentions_are_not_sent_to_the_model() -> None:
    model = RecordingModel(reply="Patients with brain metastases may enroll.", prompts=[])
    abstention = Answer("Is there a quality-of-life end point?", (Statement("The protocol does not say.", ()),), True)
    result = phrase_answer(abstention, model)
    assert (result.mode, result.text, model.prompts) == ("deterministic", "The protocol does not say.", [])


def test_the_model_sees_the_question_and_the_quotes_only() -> None:
    model = RecordingModel(reply=FAITHFUL[2], prompts=[])
    phrase_answer(ANSWER, model)
    (prompt,) = model.prompts
    human = prompt[-1].text
    assert ANSWER.question in human
    for number, citation in enumerate(ANSWER.citations, start=1):
        assert f"[{number}] {citation.quote}" in human
    assert "Patients" not in prompt[0].text  # the system prompt carries rules, no protocol content


# --- backends ------------------------------------------------------------------------------------


def test_deterministic_backend_is_no_model() -> None:
    assert make_chat_model(Settings(backend="deterministic")) is None


def test_fake_backend_phrases_faithfully_end_to_end() -> None:
    model = make_chat_model(Settings(backend="fake"))
    assert model is not None
    result = phrase_answer(ANSWER, model)
    assert result.mode == "model"
    # The echo model repeats each quote as a sentence of its own.
    assert result.text == " ".join(q if q.endswith(".") else f"{q}." for q in (c.quote for c in ANSWER.citations))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        pytest.param(
            Settings(backend="openai", llm_model="gpt-x"),
            "backend 'openai' needs the optional package 'langchain_openai'; "
            "install it with: pip install 'protocol-assistant[openai]'",
            id="openai-missing",
        ),
        pytest.param(
            Settings(backend="ollama", llm_model="llama3"),
            "install it with: pip install 'protocol-assistant[ollama]'",
            id="ollama-missing",
        ),
        pytest.param(Settings(backend="ollama"), "backend 'ollama' needs PA_LLM_MODEL", id="no-model-name"),
        pytest.param(
            Settings(backend="llamacpp", llm_model="/nonexistent/model.gguf"),
            "PA_LLM_MODEL: GGUF file '/nonexistent/model.gguf' not found",
            id="gguf-missing",
        ),
    ],
)
def test_backend_errors_say_what_to_do(settings: Settings, message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    real = importlib.import_module

    def no_optional(name: str, *args: Any) -> Any:
        if name in {"langchain_openai", "langchain_ollama", "llama_cpp"}:
            raise ImportError(name)
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", no_optional)
    with pytest.raises(BackendError) as raised:
        make_chat_model(settings)
    assert message in str(raised.value)


def test_llamacpp_without_the_extra_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"GGUF")
    real = importlib.import_module
    monkeypatch.setattr(
        importlib,
        "import_module",
        lambda name, *a: (_ for _ in ()).throw(ImportError(name)) if name == "llama_cpp" else real(name, *a),
    )
    with pytest.raises(BackendError, match=r"pip install 'protocol-assistant\[llamacpp\]'"):
        make_chat_model(Settings(backend="llamacpp", llm_model=str(gguf)))


def test_llamacpp_backend_runs_chat_completion(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    calls: list[dict[str, Any]] = []

    class Llama:
        def __init__(self, model_path: str, n_ctx: int, verbose: bool) -> None:
            calls.append({"model_path": model_path, "n_ctx": n_ctx})

        def create_chat_completion(self, **kwargs: Any) -> dict[str, Any]:
            calls.append(kwargs)
            return {"choices": [{"message": {"role": "assistant", "content": FAITHFUL[2]}}]}

    monkeypatch.setitem(sys.modules, "llama_cpp", types.SimpleNamespace(Llama=Llama))
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"GGUF")
    model = make_chat_model(Settings(backend="llamacpp", llm_model=str(gguf), llm_max_tokens=123))
    assert model is not None
    result = phrase_answer(ANSWER, model)
    assert (result.mode, result.text) == ("model", FAITHFUL[2])
    assert calls[0] == {"model_path": str(gguf), "n_ctx": 4096}
    assert [m["role"] for m in calls[1]["messages"]] == ["system", "user"]
    assert (calls[1]["temperature"], calls[1]["max_tokens"]) == (0.0, 123)
