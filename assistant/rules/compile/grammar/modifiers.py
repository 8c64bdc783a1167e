"""Words around a name that change what it names: pairs of modifiers that together cover every case of it,
and the words of an allergy and of a medicine unnamed ("allergy to any component of the study drug")."""

from __future__ import annotations

#: Pairs of words before a name that together cover every case of it ("total or partial gastrectomy", "acute or
#: chronic hepatitis", "unilateral or bilateral"): the pair narrows nothing, and the name alone is meant.
COVERING_PAIRS: tuple[tuple[str, str], ...] = (
    ("total", "partial"),
    ("complete", "partial"),
    ("complete", "incomplete"),
    ("acute", "chronic"),
    ("unilateral", "bilateral"),
    ("congenital", "acquired"),
    ("benign", "malignant"),
    ("treated", "untreated"),
    ("symptomatic", "asymptomatic"),
    ("controlled", "uncontrolled"),
    ("active", "inactive"),
    ("focal", "generalized"),
    ("open", "laparoscopic"),
    ("elective", "emergency"),
    ("elective", "emergent"),
)

#: Words naming an allergy or a hypersensitivity, before "to" and what it is to ("allergic reactions to JAK
#: inhibitors"): to a drug it is a drug allergy, whatever the drug.
ALLERGY_WORDS: tuple[str, ...] = (
    "allergy",
    "allergies",
    "allergic reaction",
    "allergic reactions",
    "severe allergic reaction",
    "severe allergic reactions",
    "hypersensitivity",
    "hypersensitivity reaction",
    "hypersensitivity reactions",
    "sensitivity or allergy",
    "hypersensitivity or allergy",
    "allergy or hypersensitivity",
)
#: Words after "allergy to" that name a medicine without naming the drug ("any component of the study drug").
DRUG_WORDS: tuple[str, ...] = (
    "drug",
    "drugs",
    "medication",
    "medications",
    "medicine",
    "medicines",
    "study treatment",
    "study product",
    "investigational product",
    "excipient",
    "excipients",
    "vaccine",
    "vaccines",
    "pharmaceutical",
    "pharmaceuticals",
    "medicinal product",
    "medicinal products",
    "study agent",
    "study agents",
    "investigational agent",
    "study medication",
)

#: Endings of a word that modifies the name after it ("invasive candidiasis", "periocular infection",
#: "neuropathic pain", "spontaneous pain", "clinically active"): such a word narrows the name, so what the
#: whole names is one case of what the name alone names. Nouns used as modifiers are not among them ("gall
#: bladder cancer" is no bladder cancer).
MODIFIER_ENDINGS: tuple[str, ...] = (
    "ic",
    "al",
    "ous",
    "ive",
    "ary",
    "ory",
    "ar",
    "ible",
    "able",
    "ful",
    "less",
    "ly",
    "ant",
    "ent",
    "ile",
)
#: Endings of a hyphenated modifier ("tumor-related pain", "drug-induced liver injury").
HYPHENATED_MODIFIER_ENDINGS: tuple[str, ...] = (
    "-related",
    "-associated",
    "-induced",
    "-dependent",
    "-resistant",
    "-refractory",
    "-mediated",
    "-like",
    "-onset",
    "-sided",
    "-specific",
)
#: Modifiers that say the named thing is over, absent or other than the name ("latent", "former", "remote",
#: "non-…"): what they name is not one case of the name as it stands now, so they are never set aside.
NOT_NARROWING: tuple[str, ...] = (
    "latent",
    "former",
    "remote",
    "dormant",
    "quiescent",
    "inactive",
    "absent",
    "previously",
    "formerly",
    "historical",
    "resolved",
    "healed",
    "cured",
    "prophylactic",
    "preventive",
    "differential",
    "potential",
    "eventual",
    "hypothetical",
    "familial",
    "parental",
    "maternal",
    "paternal",
    "fetal",
    "neonatal",
    "only",
    "early",
    "equivalent",
    "alternative",
    "additional",
    "incidental",
    "accidental",
)
