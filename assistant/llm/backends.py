"""Generative backends behind one interface, LangChain's ``BaseChatModel``, chosen by settings.

``deterministic`` (the default) means no model: answers are the retrieved quotes as they are.
``fake`` repeats the quotes it is shown (for tests and offline demos of the phrasing path).
``llamacpp`` runs a local GGUF file (``pip install 'protocol-assistant[llamacpp]'``), ``openai``
talks to any OpenAI-compatible server (``[openai]``), ``ollama`` to an Ollama server (``[ollama]``).
Optional packages are imported only when their backend is chosen.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from types import ModuleType
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.chat_models import SimpleChatModel
from langchain_core.messages import BaseMessage
from pydantic import PrivateAttr

from assistant.errors import BackendError
from assistant.settings import Settings

BACKENDS = ("deterministic", "fake", "llamacpp", "openai", "ollama")

_QUOTE_LINE = re.compile(r"^\[\d+\]\s+(?P<quote>.+)$", re.MULTILINE)


def _optional(module: str, extra: str, backend: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise BackendError(
            f"backend {backend!r} needs the optional package {module!r}; "
            f"install it with: pip install 'protocol-assistant[{extra}]'"
        ) from None


def _role(message: BaseMessage) -> str:
    return {"system": "system", "human": "user", "ai": "assistant"}.get(message.type, "user")


class QuoteEchoChatModel(SimpleChatModel):
    """A stand-in model that answers with the numbered quotes of its prompt, verbatim."""

    @property
    def _llm_type(self) -> str:
        return "quote-echo"

    def _call(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> str:
        prompt = messages[-1].text if messages else ""
        quotes = (m.group("quote").strip() for m in _QUOTE_LINE.finditer(prompt))
        return " ".join(q if q.endswith((".", "!", "?")) else f"{q}." for q in quotes)


class LlamaCppChatModel(SimpleChatModel):
    """A local GGUF model run by llama-cpp-python's chat completion."""

    model_path: str
    temperature: float = 0.0
    max_tokens: int = 400
    _llama: Any = PrivateAttr(default=None)

    def __init__(self, llama: Any, **data: Any) -> None:
        super().__init__(**data)
        self._llama = llama

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    def _call(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> str:
        result = self._llama.create_chat_completion(
            messages=[{"role": _role(m), "content": m.text} for m in messages],
            temperature=self.temperature,
            max_tokens=self.max_tokens,
            stop=stop,
        )
        return str(result["choices"][0]["message"].get("content") or "")


def _need_model(settings: Settings) -> str:
    if not settings.llm_model:
        raise BackendError(
            f"backend {settings.backend!r} needs PA_LLM_MODEL (a model name or, for llamacpp, a GGUF path)"
        )
    return settings.llm_model


def make_chat_model(settings: Settings) -> BaseChatModel | None:
    """The chat model ``settings.backend`` names, or None for the deterministic answerer."""
    backend = settings.backend
    if backend == "deterministic":
        return None
    if backend == "fake":
        return QuoteEchoChatModel()
    if backend == "llamacpp":
        path = Path(_need_model(settings)).expanduser()
        if not path.is_file():
            raise BackendError(f"PA_LLM_MODEL: GGUF file {str(path)!r} not found")
        llama_cpp = _optional("llama_cpp", "llamacpp", backend)
        try:
            llama = llama_cpp.Llama(model_path=str(path), n_ctx=settings.llm_context_tokens, verbose=False)
        except (ValueError, RuntimeError, OSError) as exc:
            raise BackendError(f"PA_LLM_MODEL: cannot load GGUF model {str(path)!r} ({exc})") from exc
        return LlamaCppChatModel(llama, model_path=str(path), max_tokens=settings.llm_max_tokens)
    if backend == "openai":
        name = _need_model(settings)
        module = _optional("langchain_openai", "openai", backend)
        model: BaseChatModel = module.ChatOpenAI(
            model=name,
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key or "not-needed",
            temperature=0,
            max_tokens=settings.llm_max_tokens,
        )
        return model
    if backend == "ollama":
        name = _need_model(settings)
        module = _optional("langchain_ollama", "ollama", backend)
        model = module.ChatOllama(
            model=name,
            base_url=settings.llm_base_url,
            temperature=0,
            num_predict=settings.llm_max_tokens,
        )
        return model
    raise BackendError(f"unknown backend {backend!r}; backends: {', '.join(BACKENDS)}")
