"""Names found by word lists: a given name anywhere, a lower-case full name, a lower-case name after a title or cue.

The lists are ``assistant.deid.lexicon``'s (names from Faker's locales; common English, clinical and
calendar words left out), so "Beatrix says", "my pt rahul mehta" and "spoke to priya" are found, and
"Down syndrome", "Wells score" and "Will she enroll?" are not. A word right before an eponym's head
noun (``EPONYM_HEADS``: "Hodgkin lymphoma", "Tanner stage") is never a name here.
"""

from __future__ import annotations

from typing import Any

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult

from assistant.deid.cues import COURTESY_TITLES, REPORTING, SIGN_OFFS, alternation
from assistant.deid.lexicon import PARTICLES, Lexicon, _base, get_lexicon

EPONYM_HEADS = frozenset(
    "score scores scale criteria criterion class classification index grade stage staging formula equation "
    "test type questionnaire inventory syndrome disease sign phenomenon lymphoma sarcoma tumour tumor palsy procedure "
    "operation manoeuvre maneuver method rule status performance coma depression cyst node nodes ulcer level levels "
    "thickness triad reflex ratio".split()
)
"""Nouns that follow an eponym in clinical text; a name-list word before one is left alone."""

PLACE_WORDS = frozenset("in at near st saint ste san santa sao são".split())
"""Prepositions and saints' titles before a place: a listed given name right after one is taken for a place ("in
Florence", "St. Boniface")."""

INSTITUTION_HEADS = frozenset(
    "hospital hospitals clinic clinics center centre university institute infirmary foundation college school "
    "general memorial medical health healthcare trust".split()
)
"""Nouns that end an institution's name; a name-list word before one is left alone ("Grace General Hospital")."""

TITLES = frozenset({*"mr mrs ms miss mx dr prof".split(), *(t.lower() for t in COURTESY_TITLES)})
"""Titles before a lower-case family name ("mr o'sullivan", "mme roux")."""

CUES = frozenset(
    "pt patient named called wife husband son daughter mother father brother sister partner spouse caregiver "
    "carer".split()
)
"""Words before a lower-case listed name ("pt rahul")."""

GREETINGS = frozenset("hi hello hey dear morning evening".split())
"""Greetings before a lower-case name that no dictionary knows ("hi ifeoma,")."""

NAMING = frozenset("named called".split())
"""Words after which lower-case words no dictionary knows are a name, listed or not."""

LABELS = frozenset("name re subject".split())
"""Labels before a family name and its given name ("name: okonkwo, chidi")."""

TALK_CUES = frozenset("spoke speak talked talk chatted met saw".split())
"""Verbs whose ``to``/``with`` introduces a person ("spoke to priya"; not "reaction to cinnamon")."""

_TOKEN = regex.compile(r"\p{L}+(?:['’]\p{L}+)*(?:-\p{L}+(?:['’]\p{L}+)*)*")
_SPACE = regex.compile(r"[ \t]+")
_INITIAL_NEXT = regex.compile(r",?[ \t]+(?![ai]\b)\p{L}\b\.?(?=[ \t]*(?:[,;:)\n]|$))")
_SCORE = 0.6
_SIGNED_OFF = regex.compile(
    rf"(?:(?<![\w'’]){alternation(SIGN_OFFS)}[ \t]*[,.!-]*[ \t]*\n?|(?:^|(?<=[ \t!.]))(?:—|–|--?))[ \t]*"
    r"(?:\p{Ll}\.?[ \t]+)?\Z",
    regex.MULTILINE,
)
"""A sign-off or a dash before a lower-case signature, an initial perhaps between ("best, t. okafor", "-kelechi")."""
_GREETED_END = regex.compile(r"[ \t]*(?:[,!:;.\n]|\Z)")
_LINE_END = regex.compile(r"[ \t]*[.!]?[ \t]*(?:\n|\Z)")
_REPORTING = regex.compile(rf"[ \t]+{alternation(REPORTING)}\b")


def _capitalised(word: str) -> bool:
    return word[0].isupper() and any(c.islower() for c in word)


class NameListRecognizer(EntityRecognizer):  # type: ignore[misc]
    """Presidio recogniser of ``NAME`` spans by the lexicon's lists (see the module's docstring)."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self._lexicon = lexicon
        super().__init__(supported_entities=["NAME"], name="NameListRecognizer", supported_language="en")

    def load(self) -> None:
        """Nothing to load until the first text (the lexicon is built lazily)."""

    @property
    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            self._lexicon = get_lexicon()
        return self._lexicon

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        """The name spans in ``text``."""
        tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
        spans = [span for i in range(len(tokens)) if (span := self._name_at(text, tokens, i)) is not None]
        return [RecognizerResult("NAME", start, end, _SCORE) for start, end in spans]

    def _name_at(self, text: str, tokens: list[tuple[int, int, str]], i: int) -> tuple[int, int] | None:
        word = tokens[i][2]
        if _eponym(text, tokens, i):
            return None
        if _capitalised(word):
            return self._capitalised_name(text, tokens, i)
        if word.isupper() and len(word) > 1:
            return self._upper_case_name(text, tokens, i)
        if word.islower():
            return self._lower_case_name(text, tokens, i)
        return None

    def _capitalised_name(self, text: str, tokens: list[tuple[int, int, str]], i: int) -> tuple[int, int] | None:
        """A listed given name (with the surname after it), or a listed family name after a listed given name."""
        lex, word = self.lexicon, tokens[i][2]
        previous = tokens[i - 1][2] if i > 0 else ""
        if word.endswith(("'s", "’s")) and lex.is_unknown(word) and not lex.is_eponym(word):
            return tokens[i][0], tokens[i][1] - 2  # "Is Kowalczyk's creatinine …"
        if previous.lower() in PLACE_WORDS or (lex.is_eponym(word) and word.endswith(("'s", "’s"))):
            return None
        after_given = (
            i > 0 and _adjacent(text, tokens, i - 1) and _capitalised(previous) and _base(previous) in lex.given
        )
        if after_given and lex.is_family(word):
            return tokens[i - 1][0], tokens[_surnames_after(lex, text, tokens, i)][1]
        if _unlisted_pair(lex, text, tokens, i):
            return tokens[i][0], tokens[_surnames_after(lex, text, tokens, i + 1)][1]  # "Fatou Diallo"
        if previous == "the" and word.endswith("s") and lex.is_family(word[:-1]) and not lex.is_word(word):
            return tokens[i][0], tokens[i][1]  # "the Hendersons"
        if not lex.is_given(word, clinical=False):
            return None
        first, last = i, i
        if i > 0 and _surname_like(lex, previous) and _adjacent(text, tokens, i - 1, comma=True):
            first = i - 1
        while last + 1 < len(tokens) and last - i < 3 and _adjacent(text, tokens, last):
            following = tokens[last + 1]
            if _particle(following[2]) and last + 2 < len(tokens) and _adjacent(text, tokens, last + 1):
                following = tokens[last + 2]
                if not _surname_like(lex, following[2]):
                    break
                last += 1
            elif not (_surname_like(lex, following[2]) or _initial(text, following)):
                break
            last += 1
        if last == i and lex.is_word(word):
            return None  # a given name that is a clinical word too needs a family name after it
        return tokens[first][0], _end_with_dot(text, tokens[last])

    def _upper_case_name(self, text: str, tokens: list[tuple[int, int, str]], i: int) -> tuple[int, int] | None:
        """Two upper-case listed names side by side ("BARNES, TYRONE", "MARY OKAFOR")."""
        lex = self.lexicon
        if i + 1 >= len(tokens) or not _adjacent(text, tokens, i, comma=True):
            return None
        pair = (tokens[i][2], tokens[i + 1][2])
        listed = all(w.isupper() and len(w) > 1 and lex.is_listed(w) for w in pair)
        if listed and not all(lex.is_word(w) for w in pair):
            return tokens[i][0], tokens[i + 1][1]
        comma = text[tokens[i][1] : tokens[i + 1][0]].startswith(",")
        pronounceable = all(
            (_pronounceable(w) and (lex.is_unknown(w) or _listed_parts(lex, w)))
            or (len(w) > 2 and lex.is_listed(w) and any(c in "AEIOUY" for c in w))
            for w in pair
        )
        if comma and pronounceable and not any(lex.is_word(w) for w in pair):
            return tokens[i][0], tokens[i + 1][1]  # "ADEBAYO, OLUWASEUN", "BARNES, Tyrone"
        return None

    def _lower_case_name(self, text: str, tokens: list[tuple[int, int, str]], i: int) -> tuple[int, int] | None:
        """A lower-case full name, a lower-case name after a title, a cue or "spoke to"."""
        lex = self.lexicon
        start, end, word = tokens[i]
        previous = tokens[i - 1][2].lower() if i > 0 and _adjacent(text, tokens, i - 1, dots=True) else ""
        listed = lex.is_given(word) or lex.is_family(word)
        if previous in TITLES and _name_after_title(lex, word):
            last = i
            while last + 1 < len(tokens) and last - i < 2 and _adjacent(text, tokens, last):
                following = tokens[last + 1][2]
                if not (following.islower() and len(following) > 1 and not lex.is_word(following)):
                    break
                if not (lex.is_listed(following) or lex.is_unknown(following) or following in lex.known):
                    break
                last += 1
            end = tokens[last][1]
            return start, end - (2 if tokens[last][2].endswith(("'s", "’s")) else 0)  # "dr emeka obi"
        labelled = _labelled(text, tokens, i)
        if lex.is_family(word) and labelled and i + 1 < len(tokens):
            given = tokens[i + 1][2]
            if _adjacent(text, tokens, i, comma=True) and given.islower() and not lex.is_word(given):
                return start, tokens[i + 1][1]  # "pt: okonkwo, chidi"
        surname = (lex.is_family(word) or lex.is_unknown(word)) and not lex.is_word(word)
        if labelled and surname and _INITIAL_NEXT.match(text, end):
            return start, end  # "pt: whitcombe j" (the initial is joined by assistant.deid.extend)
        greeted = previous in GREETINGS and _GREETED_END.match(text, end) is not None
        if greeted and (listed or (len(word) > 3 and lex.is_unknown(word))):
            return start, end  # "hi ifeoma, quick q"
        if previous in NAMING and lex.is_unknown(word):
            last = i
            while last + 1 < len(tokens) and last - i < 2 and _adjacent(text, tokens, last):
                if not (tokens[last + 1][2].islower() and lex.is_unknown(tokens[last + 1][2])):
                    break
                last += 1
            return start, tokens[last][1]  # "pt named oksana petrenko"
        signed = _SIGNED_OFF.search(text[max(0, start - 40) : start]) if _LINE_END.match(text, end) else None
        if signed and (lex.is_given(word) or (len(word) > 3 and lex.is_unknown(word)) or lex.is_family(word)):
            initial = regex.search(r"\p{Ll}\.?[ \t]+\Z", signed.group())
            return start - (len(initial.group()) if initial else 0), end  # "thx, marisa", "best, t. okafor"
        reporting = _REPORTING.match(text, end) is not None and _sentence_start(text, start)
        if reporting and (lex.is_given(word) or (len(word) > 3 and lex.is_unknown(word))):
            return start, end  # "oluwaseun called, …"
        if not lex.is_given(word):
            return None
        last = i
        while last + 1 < len(tokens) and last - i < 2 and _adjacent(text, tokens, last):
            following = tokens[last + 1][2]
            if not (following.islower() and len(following) > 1 and not lex.is_word(following)):
                break
            last += 1
        if last > i or (listed and (previous in CUES or _talked_to(text, tokens, i))):
            return start, tokens[last][1]
        return None


def _adjacent(text: str, tokens: list[tuple[int, int, str]], i: int, dots: bool = False, comma: bool = False) -> bool:
    """Token ``i`` and the next one are separated by spaces only (or a title's dot, or a comma, and spaces)."""
    gap = text[tokens[i][1] : tokens[i + 1][0]]
    if (dots and gap.startswith(".")) or (comma and gap.startswith(",")):
        gap = gap[1:]
    return bool(_SPACE.fullmatch(gap))


def _unlisted_pair(lex: Lexicon, text: str, tokens: list[tuple[int, int, str]], i: int) -> bool:
    """Token ``i`` and the next are capitalised, no word of any list (the second may be a listed family name; the
    first may be hyphenated of parts that are no common or clinical word) and no eponym: a name neither list
    holds ("Perpetua Nwankwo", "Wen-Li Zhao")."""
    if i + 1 >= len(tokens) or not _adjacent(text, tokens, i):
        return False
    first, second = tokens[i][2], tokens[i + 1][2]
    hyphenated = "-" in first and not any(lex.is_word(p) for p in first.split("-"))  # "Wen-Li", "Jean-Baptiste"
    if not (_capitalised(second) and (lex.is_unknown(first) or hyphenated)):
        return False
    if lex.is_eponym(first) or lex.is_eponym(second):
        return False
    return lex.is_unknown(second) or (lex.is_family(second) and not lex.is_word(second))


def _name_after_title(lex: Lexicon, word: str) -> bool:
    """A lower-case word after a title is a family name: listed or unknown and no word; hyphenated, one part
    unknown or a listed name that is no word, the whole no compound of words ("oyelaran-ward")."""
    parts = word.split("-")
    if len(parts) > 1 and not lex.all_words(word):
        return any(lex.is_unknown(p) or (lex.is_listed(p) and not lex.is_word(p)) for p in parts)
    return (lex.is_given(word) or lex.is_family(word) or lex.is_unknown(word)) and not lex.is_word(word)


def _sentence_start(text: str, start: int) -> bool:
    """``start`` begins the text, a line or a sentence."""
    before = text[:start].rstrip(" \t")
    return not before or before[-1] in ".!?\n"


def _surnames_after(lex: Lexicon, text: str, tokens: list[tuple[int, int, str]], last: int) -> int:
    """The last of the surname-like words written right after token ``last``, four words of a name at most
    ("María Fernanda Rodríguez Quiñones")."""
    first = last
    while last + 1 < len(tokens) and last - first < 2 and _adjacent(text, tokens, last):
        if not _surname_like(lex, tokens[last + 1][2]) or _eponym(text, tokens, last + 1):
            break
        last += 1
    return last


def _listed_parts(lex: Lexicon, word: str) -> bool:
    """The word is a listed name, or each part of the hyphenated word is a listed name or no word at all
    ("ABDUL-RAHIM")."""
    return lex.is_listed(word) or all(lex.is_listed(p) or lex.is_unknown(p) for p in word.split("-"))


def _pronounceable(word: str) -> bool:
    """Four letters or more with two vowels: a word, not an acronym ("OLUWASEUN", not "SNRI")."""
    return len(word) >= 4 and sum(c in "aeiouy" for c in word.lower()) >= 2


def _surname_like(lex: Lexicon, word: str) -> bool:
    return _capitalised(word) and word.lower() not in TITLES and not lex.all_words(word)


def _particle(word: str) -> bool:
    return word.lower() in PARTICLES


def _initial(text: str, token: tuple[int, int, str]) -> bool:
    """A one-letter capital followed by a dot, or ending its line ("Tyrone L")."""
    start, end, word = token
    return len(word) == 1 and word.isupper() and (text[end : end + 1] in (".", ",", "\n") or end == len(text))


def _end_with_dot(text: str, token: tuple[int, int, str]) -> int:
    return token[1] + 1 if _initial(text, token) else token[1]


def _eponym(text: str, tokens: list[tuple[int, int, str]], i: int) -> bool:
    """The word is followed, within two words, by an eponym's head noun ("Hodgkin lymphoma", "Glasgow Coma Scale")
    or an institution's ("Mercy General")."""
    for j in (i + 1, i + 2):
        if j < len(tokens) and _SPACE.fullmatch(text[tokens[j - 1][1] : tokens[j][0]]):
            if tokens[j][2].lower() in EPONYM_HEADS or tokens[j][2].lower() in INSTITUTION_HEADS:
                return True
        else:
            break
    return False


def _talked_to(text: str, tokens: list[tuple[int, int, str]], i: int) -> bool:
    """Token ``i`` follows "spoke to", "talked with" and the like."""
    if i < 2 or not (_adjacent(text, tokens, i - 1) and _adjacent(text, tokens, i - 2)):
        return False
    return tokens[i - 1][2].lower() in ("to", "with") and tokens[i - 2][2].lower() in TALK_CUES


def _labelled(text: str, tokens: list[tuple[int, int, str]], i: int) -> bool:
    """Token ``i`` follows a cue or a name label and a colon ("pt: okonkwo", "name - smith")."""
    if i == 0:
        return False
    gap = text[tokens[i - 1][1] : tokens[i][0]]
    return tokens[i - 1][2].lower() in CUES | LABELS and regex.fullmatch(r"[ \t]*[:.-]?[ \t]*", gap) is not None
