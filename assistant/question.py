"""What a question or chat message must be before anything reads it: text, not empty in effect, bounded.

``clean_question(text, settings)`` is called by every entry that takes a question (``ask``, the chat);
it raises a typed error naming the problem instead of answering a question that is not one.
"""

from __future__ import annotations

import re
import unicodedata

from assistant.errors import EmptyQuestionError, QuestionError
from assistant.settings import Settings

# Format characters (zero-width space/joiners, word joiner, byte-order mark…) carry no words.
_INVISIBLE = "Cf"
_WORD = re.compile(r"[^\W_]", re.UNICODE)


def clean_question(text: str | bytes, settings: Settings) -> str:
    """``text`` as a question: decoded, invisible format characters removed, stripped.

    Raises ``QuestionError`` for bytes that are not UTF-8 (naming the offset) or a message longer than
    ``settings.max_question_chars``, and ``EmptyQuestionError`` when no letter or digit is left
    ("?", "...", zero-width spaces only).
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise QuestionError(f"the question is not UTF-8 text: byte {exc.start} is {text[exc.start]:#04x}") from None
    surrogate = next((i for i, ch in enumerate(text) if "\ud800" <= ch <= "\udfff"), None)
    if surrogate is not None:
        raise QuestionError(f"the question is not UTF-8 text: character {surrogate} is an undecodable byte")
    if len(text) > settings.max_question_chars:
        raise QuestionError(
            f"the question has {len(text):,} characters; the limit is {settings.max_question_chars:,} "
            "(setting PA_MAX_QUESTION_CHARS); for a whole clinical note use `check --note FILE`"
        )
    cleaned = "".join(ch for ch in text if unicodedata.category(ch) != _INVISIBLE).strip()
    if not _WORD.search(cleaned):
        raise EmptyQuestionError("the question has no words; ask something about a protocol or a patient")
    return cleaned
