"""Questions about every indexed protocol at once, answered per protocol with citations."""

from assistant.cross.answer import CrossAnswer, Finding, answer_cross
from assistant.cross.question import CrossQuestion, is_cross_question, read_cross_question

__all__ = ["CrossAnswer", "CrossQuestion", "Finding", "answer_cross", "is_cross_question", "read_cross_question"]
