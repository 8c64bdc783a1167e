"""How the compiler links the words of a criterion to concepts: one phrase, or each item of a list
("stroke, TIA or MI"), an item completed by the last one's head noun ("hepatic or renal impairment"),
and an 'or' list some of whose items link to nothing, which then stand as tests left for review."""

from __future__ import annotations

import re

from assistant.patient.concepts import ConceptSet, Kind
from assistant.rules.compile import grammar as g
from assistant.rules.compile.linking import Linked, link_phrase
from assistant.rules.compile.text import alternation, strip_prefixes

KINDS: tuple[Kind, ...] = ("condition", "medication", "procedure")
"""The kinds of concept an occurrence names."""

_LIST_SPLIT = re.compile(r"\s*,\s*(?:and/or\s+|or\s+|and\s+)?|\s+and/or\s+|\s+or\s+|\s+and\s+|\s*/\s*", re.IGNORECASE)


_ABBREVIATION = re.compile(r"\s*\(\s*[A-Za-z][A-Za-z0-9\-]{0,9}\s*\)")


_INFECTION = re.compile(r"\s+infections?$", re.IGNORECASE)
_INFECTIOUS = ("icd10:A", "icd10:B")
"""ICD-10-CM chapter 1, certain infectious and parasitic diseases (A00-B99): "X infection" names X itself."""
_USE = re.compile(rf"\s+(?:{'|'.join(g.MEDICATION_USE)})$", re.IGNORECASE)
BRACKETED = re.compile(r"\s*(?:\([^()]*\)|\[[^\[\]]*\])")
"""A bracketed remark: "(excluding placement of vascular access)", "[REGN668]"."""


def masked(phrase: str) -> str:
    """``phrase`` with the inside of each bracket blanked out (offsets kept), so that words and commas in a
    bracket ("sleep study (polysomnography, PSG)") neither split a list nor open a clause; so are the commas
    of a number's thousands ("platelets < 50,000/mm3")."""
    return _THOUSANDS.sub("_", BRACKETED.sub(lambda m: re.sub(r"\S", "_", m.group()), phrase))


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def list_items(phrase: str) -> list[str]:
    """The items of a list ("stroke, TIA or MI"), split at commas, 'or', 'and' and slashes outside brackets."""
    items, start = [], 0
    for separator in _LIST_SPLIT.finditer(masked(phrase)):
        items.append(phrase[start : separator.start()])
        start = separator.end()
    items.append(phrase[start:])
    return [item.strip() for item in items if item.strip()]


def link_one(phrase: str, concepts: ConceptSet, kinds: tuple[Kind, ...] = KINDS) -> Linked | None:
    """The concept a phrase names; a bracketed abbreviation ("hepatitis B virus (HBV)") may be left out,
    as it only repeats the name; "X therapy" / "X use" names the medication X."""
    found = link_phrase(phrase, kinds, concepts)
    if found is None and _ABBREVIATION.search(phrase):
        found = link_phrase(" ".join(_ABBREVIATION.sub(" ", phrase).split()), kinds, concepts)
    if found is None and _USE.search(phrase) and "medication" in kinds:
        found = link_one(_USE.sub("", phrase), concepts, ("medication",))
    if found is None and _INFECTION.search(phrase) and "condition" in kinds:
        bare = link_one(_INFECTION.sub("", phrase), concepts, ("condition",))
        if bare is not None and bare.concept.startswith(_INFECTIOUS):  # "tuberculosis infection" is tuberculosis
            found = bare
    if found is not None and found.kind == "observation" and not is_flag(found, concepts):
        return None
    return found


def is_flag(link: Linked, concepts: ConceptSet) -> bool:
    concept = concepts.concepts.get(link.concept)
    return concept is not None and concept.value == "flag"


def link_all(
    phrase: str, concepts: ConceptSet, kinds: tuple[Kind, ...] = KINDS
) -> tuple[list[tuple[Linked, str | None]], bool] | str:
    """The concepts a phrase names: the whole phrase, else each item of its list, each with the timing its
    own qualifiers give ("concurrent X or a history of Y"); an item of one word may share the last item's
    head noun ("hepatic or renal impairment"). (links, joined by 'and') or the first item that links to nothing."""
    whole = link_one(phrase, concepts, kinds)
    if whole is not None:
        return [(whole, None)], False
    items = list_items(phrase)
    if len(items) < 2:
        return phrase
    expanded = elliptic(items) if _SLASH.search(masked(phrase)) is None else None  # "20/40 - 20/200" is no list
    links: list[tuple[Linked, str | None]] = []
    for item in expanded or items:
        link: tuple[Linked, str | None] | None
        if expanded:  # each item as the ellipsis completes it must link as it stands
            one = link_one(item, concepts, kinds)
            link = None if one is None else (one, None)
        else:
            link = _link_item(item, items, concepts, kinds)
        if link is None:
            return item
        links.append(link)
    joined_by_and = re.search(r"\band\b(?!/)", phrase, re.IGNORECASE) is not None
    return links, joined_by_and


_SLASH = re.compile(r"(?<!\band)/")
_VARIANT = r"(?:\d+|[A-Z]|[IVX]{2,4})"
_LEADING_VARIANT = re.compile(rf"^(?P<token>{_VARIANT})(?P<rest>(?:\s+[A-Za-z].*)?)$")
_INNER_VARIANT = re.compile(rf"(?<=[\s\-])(?P<token>{_VARIANT})(?![A-Za-z0-9])")


def _variant_class(token: str) -> str:
    return "number" if token.isdigit() else "letter" if len(token) == 1 else "numeral"


def elliptic(items: list[str]) -> list[str] | None:
    """The items of an elliptic list, each later one completed by the first's words ("HIV-1 and/or 2
    antibodies" → HIV-1 antibodies, HIV-2 antibodies; "hepatitis B surface antigen and/or C antibodies" →
    hepatitis B surface antigen, hepatitis C antibodies; "hepatitis B or C"): every later item opens with a
    number, a capital letter or a Roman numeral that stands for one of the same sort in the first item, after
    words of its own. An item left with nothing after that token takes the last item's closing words when the
    first item has none of its own. None unless the list reads so, or when it can be completed two ways
    ("hepatitis B surface antigen or C")."""
    if len(items) < 2:
        return None
    later = [_LEADING_VARIANT.match(item) for item in items[1:]]
    if any(match is None for match in later):
        return None
    matches = [match for match in later if match is not None]
    sort = _variant_class(matches[0].group("token"))
    if any(_variant_class(match.group("token")) != sort for match in matches):
        return None
    inner = [m for m in _INNER_VARIANT.finditer(items[0]) if _variant_class(m.group("token")) == sort]
    if not inner:
        return None
    stem, own = items[0][: inner[-1].start()], items[0][inner[-1].end() :].strip()
    tail = matches[-1].group("rest").strip()
    if own and any(not match.group("rest").strip() for match in matches):
        return None
    completed = [stem + match.group("token") + match.group("rest") for match in matches]
    if own or not tail:
        return [items[0], *completed]
    ended = [
        item if match.group("rest").strip() else f"{item} {tail}"
        for item, match in zip(completed, matches, strict=True)
    ]
    return [f"{items[0]} {tail}", *ended]


def _link_item(
    item: str, items: list[str], concepts: ConceptSet, kinds: tuple[Kind, ...]
) -> tuple[Linked, str | None] | None:
    """The concept one item of a list names, with the timing its own qualifiers give, or None."""
    head = items[-1].split()[1:]
    core, qualifiers = strip_prefixes(item, list(g.QUALIFIERS))
    link = link_one(core, concepts, kinds)
    use = _shared_use(core, item, items)
    if link is not None and link.kind == "condition" and use is not None:
        # "tuberculosis or anti-retroviral medication": tuberculosis medication, not the disease
        shared = link_one(f"{core} {use}", concepts, kinds)
        return (shared, None) if shared is not None and shared.kind == "medication" else None
    rest = strip_prefixes(item, g.OTHER_ITEM)[0] if item is not items[0] else ""
    if rest and rest != item:  # "AS or any other inflammatory arthritis", "stroke or other cerebrovascular disease"
        # the class itself, not a terminology's residual "Other cerebrovascular diseases" (I67) the words also
        # name; a curated concept the words name ("other malignancy") stands
        residual = link is not None and ":" in link.concept and link.label.lower().startswith("other ")
        if link is None or residual:
            bare, bare_qualifiers = strip_prefixes(rest, list(g.QUALIFIERS))
            wide = link_one(bare, concepts, kinds)
            if wide is not None or link is None:
                link, core, qualifiers = wide, bare, bare_qualifiers
    if link is None and qualifiers and qualifiers[-1] in g.NAMING_QUALIFIERS:  # "systemic sclerosis"
        named = link_one(f"{qualifiers[-1]} {core}", concepts, kinds)
        link, qualifiers = (named, qualifiers[:-1]) if named is not None else (link, qualifiers)
    if link is None and head and item is not items[-1] and len(core.split()) == 1:
        link = link_one(" ".join([core, *head]), concepts, kinds)
    if link is None and item is not items[-1] and len(core.split()) <= 3:
        link = _shared_tail(core, items[-1], concepts, kinds)
    if link is None:
        return None
    timings = {g.QUALIFIERS[q] for q in qualifiers if q in g.QUALIFIERS}
    return link, "ever" if "ever" in timings else "now" if timings - {"recent"} else None


def _shared_use(core: str, item: str, items: list[str]) -> str | None:
    """The word of taking a medication a one-word item shares with the next item ("tuberculosis or
    anti-retroviral medication": medication), so the item names a medication, whatever else it names."""
    at = next((n for n, other in enumerate(items) if other is item), len(items) - 1)
    if at == len(items) - 1 or len(core.split()) != 1:
        return None
    words = items[at + 1].split()
    return words[-1] if len(words) > 1 and words[-1].lower() in g.MEDICATION_USE else None


_ITEM_STOP = re.compile(rf"\b(?:{alternation((*g.NARROWING, *g.UNLINKED_ITEM_STOPS))})\b", re.IGNORECASE)


def may_stand_for_review(item: str) -> bool:
    """True when words the compiler cannot read may stand as a test left for review beside the tests it reads:
    they hold no word that could qualify the others or make an exception to them ("unless", "requiring",
    "in the opinion of"), and are more than a modifier of the next item."""
    return _ITEM_STOP.search(item) is None and not _modifier(item)


def _modifier(item: str) -> bool:
    """True for an item that may be only a modifier of the next one ("moderate or severe arthritis",
    "pyloric or intestinal obstruction"): one word, or opening with a judgement word."""
    return len(item.split()) < 2 or strip_prefixes(item, g.SEVERITY)[1] != []


def link_some(
    phrase: str, concepts: ConceptSet, kinds: tuple[Kind, ...]
) -> tuple[list[tuple[Linked, str | None]], list[str]] | None:
    """An 'or' list some items of which link to no concept ("Vaginal bleeding or placental abruption"): the
    linked items and the others' words, so the rule tests the first and leaves the rest for review. None
    unless the list is joined by 'or' only, its last item (whose words may qualify the others: "… or valvular
    disease of clinical significance") links or only widens the list ("or other alphavirus vaccine"), and no
    unlinked item holds words that could qualify or except the rest."""
    if re.search(r"\band\b(?!/)|;", phrase, re.IGNORECASE) or BRACKETED.search(phrase):
        return None
    items = list_items(phrase)
    if len(items) < 2 or elliptic(items) is not None:
        return None
    linked = [_link_item(item, items, concepts, kinds) for item in items]
    unlinked = [item for item, link in zip(items, linked, strict=True) if link is None]
    # a last item "other Y" widens the list ("chikungunya or other alphavirus vaccine"); it qualifies nothing
    widening = strip_prefixes(items[-1], g.OTHER_ITEM)[1] != [] and len(items[-1].split()) > 1
    if (linked[-1] is None and not widening) or not unlinked or len(unlinked) == len(items):
        return None
    if not all(may_stand_for_review(i) for i in unlinked):
        return None
    return [link for link in linked if link is not None], unlinked


def _shared_tail(core: str, last: str, concepts: ConceptSet, kinds: tuple[Kind, ...]) -> Linked | None:
    """An item completed by the last item's closing words ("Type I or type II diabetes mellitus": "Type I
    diabetes mellitus"), longest ending first; only a completion that links exactly is taken."""
    tail = last.split()
    for start in range(1, len(tail)):
        link = link_one(" ".join([core, *tail[start:]]), concepts, kinds)
        if link is not None:
            return link
    return None
