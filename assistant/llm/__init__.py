"""Optional generative phrasing of answers, with every sentence verified against the cited quotes."""

from assistant.llm.backends import make_chat_model
from assistant.llm.phrase import PhrasedAnswer, phrase_answer
from assistant.llm.verify import SentenceCheck, verify_sentence, verify_text

__all__ = ["PhrasedAnswer", "SentenceCheck", "make_chat_model", "phrase_answer", "verify_sentence", "verify_text"]
