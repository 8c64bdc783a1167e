"""The one settings object; every field can be overridden by a ``PA_``-prefixed environment variable."""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

_REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Configuration of Protocol Assistant (environment variables ``PA_<FIELD>``)."""

    model_config = SettingsConfigDict(env_prefix="PA_", extra="ignore")

    data_dir: Path = Field(default=_REPO_ROOT / "data", description="Where the index and logs live.")
    corpus_dir: Path = Field(default=_REPO_ROOT / "corpus", description="Shipped protocols and rule files.")
    collection: str = Field(default="protocol_chunks", description="Chroma collection name.")
    chroma_host: str | None = Field(default=None, description="Chroma server host; local store when unset.")
    chroma_port: int = Field(default=8000, description="Chroma server port.")
    embedder: Literal["minilm", "fake"] = Field(
        default="minilm", description="Embedding model: the packaged MiniLM, or a fast hashing fake for tests."
    )
    embed_batch_size: int = Field(default=64, description="Texts per embedding batch.")
    embed_group_batches: int = Field(default=16, description="Batches handed to the model at once during ingest.")
    chunk_max_chars: int = Field(default=900, description="Soft upper bound on a chunk's length.")
    retrieve_k: int = Field(default=8, description="Chunks returned by hybrid retrieval.")
    rrf_k: int = Field(default=60, description="Reciprocal rank fusion constant.")
    answer_min_score: float = Field(
        default=0.34, description="Least lexical/semantic support a sentence needs to be quoted in an answer."
    )
    answer_max_quotes: int = Field(default=3, description="Most quotes a deterministic answer carries.")
    answer_dense_min: float = Field(
        default=0.62, description="Dense similarity at which a passage sharing few question words still answers it."
    )
    answer_absent_weight: float = Field(
        default=0.5, description="Weight of a question term the protocol never uses, as a share of the rarest term's."
    )
    backend: Literal["deterministic", "fake", "llamacpp", "openai", "ollama"] = Field(
        default="deterministic", description="Who phrases answers; verdicts are always the checker's."
    )
    llm_model: str | None = Field(default=None, description="Model name or GGUF path for a generative backend.")
    llm_base_url: str | None = Field(default=None, description="Base URL of an OpenAI-compatible or Ollama server.")
    llm_api_key: str | None = Field(default=None, description="API key for an OpenAI-compatible server.")
    audit_enabled: bool = Field(default=True, description="Append every chat exchange to the audit log.")
    audit_log: Path | None = Field(default=None, description="Audit log file; default data_dir/audit.jsonl.")
    audit_patient_ids: bool = Field(default=False, description="Keep patient identifiers in the audit log.")
    host: str = Field(default="127.0.0.1", description="Address the chat binds to.")
    port: int = Field(default=8501, description="Port the chat listens on.")
    stale_fact_days: int = Field(
        default=90, gt=0, description="The chat warns when the check date is this many days from the newest fact."
    )
    earliest_date: dt.date = Field(
        default=dt.date(1900, 1, 1), description="Earliest date accepted in a message, a file or --as-of."
    )
    latest_date: dt.date = Field(
        default=dt.date(2100, 12, 31), description="Latest date accepted in a message, a file or --as-of."
    )
    site_ranges: Path | None = Field(
        default=None, description="Site file of default reference ranges per lab (docs/site-ranges.md); off if unset."
    )
    max_question_chars: int = Field(
        default=20_000, gt=0, description="Longest question or chat message read; a longer one is refused."
    )
    llm_max_tokens: int = Field(default=400, description="Longest reply asked of a generative backend.")
    llm_context_tokens: int = Field(default=4096, description="Context window a local GGUF model is loaded with.")
    link_min_similarity: float = Field(
        default=0.975,
        description="Least cosine similarity an embedding link needs; eval/calibrate_linker.py: the best precision "
        "MiniLM reaches on held-out synonyms (0.85 at 0.975), none reaches 0.95.",
    )
    compile_link_embedding: bool = Field(
        default=False, description="Rule compiler also asks the linker for embedding links (above its threshold)."
    )
    vocab_term_max_words: int = Field(
        default=8, description="Longest terminology name, in words, offered to note readers' phrase matchers."
    )
    note_max_chars: int = Field(default=200_000, gt=0, description="Longest clinical note the note reader accepts.")
    note_pregnancy_test_days: int = Field(
        default=7,
        ge=0,
        description="A negative pregnancy test a note dates at most this many days before the note (or leaves "
        "undated) is read as 'not pregnant' at the note's date; an older one says nothing of now.",
    )
    note_date_ahead_days: int = Field(
        default=60,
        ge=0,
        description="A day and month a note gives without a year ('on 26 June') is the latest such day not after "
        "the note's date, unless the next one is at most this many days ahead and nearer: then it is a day to "
        "come (a booking) and dates nothing the note reports.",
    )
    condition_definition_days: int = Field(
        default=30,
        ge=0,
        description="A condition the vocabulary defines by a measurement (thrombocytopenia: platelets below "
        "150 x10^9/L) and the patient's record does not mention is read from the latest value of that "
        "measurement when it is undated or at most this many days before the check date; an older one decides nothing.",
    )
    max_input_bytes: int = Field(
        default=8_000_000, gt=0, description="Largest protocol or patient file read, in bytes (PA_MAX_INPUT_BYTES)."
    )
    max_nesting_depth: int = Field(
        default=64, gt=0, description="Deepest nesting of JSON, YAML or XML input read (PA_MAX_NESTING_DEPTH)."
    )
    max_integer_digits: int = Field(
        default=30, gt=0, description="Most digits of an integer in JSON or YAML input (PA_MAX_INTEGER_DIGITS)."
    )
    max_chunks_per_protocol: int = Field(
        default=3000, gt=0, description="Most chunks one protocol may make when indexed (PA_MAX_CHUNKS_PER_PROTOCOL)."
    )

    @property
    def audit_path(self) -> Path:
        """The audit log file in use."""
        return self.audit_log or self.data_dir / "audit.jsonl"


def quiet_environment() -> None:
    """Keep every library offline and silent: no hub look-ups, no telemetry."""
    for key, value in {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "CHROMA_TELEMETRY": "False",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "TOKENIZERS_PARALLELISM": "false",
        "TRANSFORMERS_VERBOSITY": "error",
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
    }.items():
        os.environ.setdefault(key, value)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
