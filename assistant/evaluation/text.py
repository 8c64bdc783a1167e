"""Text folding shared by the answer metrics."""

from __future__ import annotations


def fold(text: str) -> str:
    """Case and white space folded, the registry's ``〉`` read as ``>``."""
    return " ".join(text.replace("〉", ">").split()).lower()


def alternatives(fact: str | list[str]) -> list[str]:
    """The wordings of an expected fact (a list gives alternatives, any one of which will do)."""
    return fact if isinstance(fact, list) else [fact]
