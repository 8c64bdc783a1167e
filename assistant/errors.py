"""Typed errors of the library; only the CLI and the app turn them into messages for people."""

from __future__ import annotations


class AssistantError(Exception):
    """Base of every error the library raises on purpose."""


class ProtocolParseError(AssistantError):
    """A file is not a protocol the parser understands, or lacks what a protocol needs."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class InputPathError(AssistantError):
    """A path given by the user does not exist or holds no protocol."""


class QuestionError(AssistantError):
    """A question that cannot be read: not text, or longer than the limit."""


class EmptyQuestionError(QuestionError):
    """A question with no words in it."""


class IndexStoreError(AssistantError):
    """The vector index could not be reached or used."""


class UnknownProtocolError(AssistantError):
    """A protocol id that is not in the index."""

    def __init__(self, protocol_id: str, known: list[str]) -> None:
        listed = ", ".join(sorted(known)) or "none"
        super().__init__(f"unknown protocol {protocol_id!r}; indexed protocols: {listed}")
        self.protocol_id = protocol_id


class RulesError(AssistantError):
    """A rules file that does not validate; the message names the key or value and the valid ones."""


class PatientDataError(AssistantError):
    """Patient data that cannot be read as stated; the message names the resource and the field."""


class UnitError(PatientDataError):
    """A unit that cannot be converted to the one a rule needs."""


class ScheduleError(AssistantError):
    """A schedule file or a date that cannot be used."""


class DateRangeError(AssistantError):
    """A date, given or computed ("999999 weeks ago"), outside the range of dates the tool accepts."""


class BackendError(AssistantError):
    """A language-model backend that is misconfigured or unreachable."""


class InputLimitError(AssistantError):
    """Input past a configured limit (size, nesting, digits, chunks); the message names the limit and its setting."""


class ProtocolIdError(AssistantError):
    """A protocol id that is not an NCT number or a valid local id, or a path it would lead outside the corpus."""


class ProtocolShrinkError(AssistantError):
    """A re-ingested protocol much smaller than the one indexed (a truncated file?); ``ingest --force`` accepts it."""


class IncompleteIndexError(IndexStoreError):
    """An ingest that was interrupted before all of a protocol's chunks were stored."""


class VocabularyError(AssistantError):
    """A concept vocabulary or terminology that cannot be loaded or used as asked."""
