"""How clinicians phrase patient facts in a chat message, as data.

Every table here is a regular expression (matched case-insensitively unless it says ``(?-i:…)``)
mapped to a concept of ``corpus/concepts.yaml`` or to a canonical unit. The extractor is one set of
functions over these tables; adding a phrasing means adding a row here, not code.
"""

from __future__ import annotations

import re
from typing import Literal

FactKind = Literal["condition", "medication", "procedure", "flag"]

# ------------------------------------------------------------------------------------------ numbers
NUMBER = r"(?<![\w.,])(?P<num>(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d.,])|\d+)(?:\.\d+)?|\.\d+)"
"""A number as written: ``1,500``, ``90 000``, ``1.5``, ``90``, ``.8`` (a decimal comma ``1,2`` is not one)."""

THOUSANDS = r"\s?(?P<k>[kK])(?![a-zA-Z/])"
"""The ``k`` of ``90k``: thousands."""

WORD_NUMBERS: dict[str, int] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}

# -------------------------------------------------------------------------------------------- units
# (pattern, canonical unit). Tried in order right after a number; the first that matches wins.
LAB_UNITS: tuple[tuple[str, str], ...] = (
    (
        r"(?:[x×*]\s*|-?\s*fold\s+|\s*times\s+)(?:the\s+)?(?:uln|upper\s+limits?(?:\s+of\s+(?:the\s+)?normal)?"
        r"|upper\s+(?:limit\s+of\s+)?normal|(?:the\s+)?normal(?:\s+limit)?)\b",
        "ULN",
    ),
    (r"[x×]\s*uln\b", "ULN"),
    (r"uln\b", "ULN"),
    (r"(?:[x×*]\s*)?10\s*(?:\^|\*\*|\*|e)?\s*\(?\s*(?:9|⁹)\s*\)?\s*(?:cells\s*)?/\s*l\b", "10*9/L"),
    (
        r"(?:[x×*]\s*)?10\s*(?:\^|\*\*|\*|e)?\s*\(?\s*(?:3|³)\s*\)?\s*(?:cells\s*)?/\s*(?:[uµμ]l|mm3|mm³|cmm)\b",
        "10*3/uL",
    ),
    (r"(?-i:G)\s*/\s*l\b", "10*9/L"),
    (r"k\s*/\s*(?:[uµμ]l|mm3|mm³|cmm)\b", "10*3/uL"),
    (r"(?:cells\s*)?/\s*(?:mm3|mm³|mm\^3|cmm|cu\.?\s*mm)\b", "/mm3"),
    (r"(?:cells\s+)?per\s+(?:mm3|mm³|cubic\s+millimet(?:er|re))\b", "/mm3"),
    (r"(?:cells\s*)?/\s*[uµμ]l\b", "/uL"),
    (r"(?:cells\s+)?per\s+(?:[uµμ]l|microlit(?:er|re))\b", "/uL"),
    (r"mg\s*/\s*dl\b", "mg/dL"),
    (r"mg\s*%", "mg/dL"),
    (r"(?:[uµμ]mol|micromol(?:es)?)\s*/\s*l\b", "umol/L"),
    (r"mmol\s*/\s*l\b", "mmol/L"),
    (r"(?-i:IU)\s*/\s*l\b", "[IU]/L"),
    (r"(?:u|units?|iu)\s*/\s*l\b", "U/L"),
    (r"g\s*/\s*dl\b", "g/dL"),
    (r"mg\s*/\s*l\b", "mg/L"),
    (r"(?-i:g)\s*/\s*(?-i:[lL])\b", "g/L"),
)
UNKNOWN_UNIT = r"(?P<unknown>(?:[x×*]\s*10\s*\^?\s*\d+(?:\s*/\s*[^\s,;()]+)?)|[^\s,;()?!]*/[^\s,;()?!]+)"
"""A unit the tables do not know: kept as written (the checker says why it cannot use it)."""

SIZE_UNITS: tuple[tuple[str, str], ...] = ((r"cm\b", "cm"), (r"mm\b", "mm"))
MITOTIC_UNITS: tuple[tuple[str, str], ...] = (
    (r"(?:/|per)\s*50\s*(?:hpfs?|high[- ]power[- ]fields?)\b", "/50[HPF]"),
    (r"(?:/|per)\s*10\s*(?:hpfs?|high[- ]power[- ]fields?)\b", "/10[HPF]"),
    (r"(?:/|per)\s*(?:1\s*)?(?:hpfs?|high[- ]power[- ]fields?)\b", "/[HPF]"),
    (r"(?:/|per)\s*5\s*mm(?:2|²|\^2)", "/5mm2"),
)

# ------------------------------------------------------------------------------------------- labs
# concept → names (regex alternatives). A name is followed by connector words and then the value.
LAB_NAMES: dict[str, tuple[str, ...]] = {
    "platelets": (r"platelets?(?:\s+counts?)?", r"plts?", r"plat", r"thrombocytes?(?:\s+count)?"),
    "anc": (
        r"absolute\s+neutrophils?(?:\s+counts?)?",
        r"anc",
        r"neutrophils?(?:\s+counts?)?",
        r"neuts",
        r"agc",
        r"absolute\s+granulocyte\s+count",
    ),
    "wbc": (r"wbcs?(?:\s+counts?)?", r"white\s+(?:blood\s+)?(?:cells?|cell\s+count)", r"leu[ck]ocytes?(?:\s+count)?"),
    "hemoglobin": (r"ha?emoglobin", r"hgb", r"(?-i:Hb|HB|hb)"),
    "ast": (r"ast", r"sgot", r"aspartate\s+(?:amino)?transaminase", r"aspartate\s+aminotransferase"),
    "alt": (r"alt", r"sgpt", r"alanine\s+(?:amino)?transaminase", r"alanine\s+aminotransferase"),
    "bilirubin": (r"(?:total\s+|serum\s+|t\.?\s?)?bili(?:rubin)?(?:\s+total)?", r"tbil"),
    "creatinine": (r"(?:serum\s+)?creatinine", r"creat", r"(?-i:Cr|CR|SCr|sCr)"),
}
# Names that stand for two analytes at once: "AST/ALT 3x ULN", "transaminases 2 x ULN".
LAB_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        r"(?:ast|sgot)\s*(?:/|and|&|,|\+)\s*(?:alt|sgpt)|(?:alt|sgpt)\s*(?:/|and|&|,|\+)\s*(?:ast|sgot)"
        r"|transaminases|aminotransferases|lfts|liver\s+enzymes",
        ("ast", "alt"),
    ),
)
COUNT_ANALYTES: dict[str, str] = {"platelets": "/mm3", "anc": "/mm3", "wbc": "/mm3"}
"""Cell counts, and the unit a bare ``k`` stands for: ``90k`` is 90 thousand per mm3 (per µL)."""

COUNT_IMPLIED_MIN = 10_000.0
"""A bare cell count at least this large can only be per mm3 (no one has 10,000 x10^9/L)."""

LAB_CONNECTORS = (
    r"(?:\s*(?:[:=~]|\bcounts?\b|\blevels?\b|\bvalues?\b|\bis\b|\bare\b|\bwas\b|\bwere\b|\bof\b|\bat\b|\bnow\b"
    r"|\btoday\b|\bcurrently\b|\babout\b|\baround\b|\bapprox(?:\.|imately)?|\broughly\b|\bonly\b|\bjust\b"
    r"|\brecently\b|\bmeasured\b|\bcame\s+back(?:\s+as)?\b|\bdown\s+to\b|\bhas\s+been\b|\bhave\s+been\b"
    r"|\bbeen\b|\bresult\b|\bstill\b|\btotal\b|\bsits?\b|\bis\s+sitting\b|\bsitting\b)){0,4}\s*"
)
COMPARATORS = (
    r"(?:<=?|>=?|≤|≥|=<|=>|〉|〈|\bbelow\b|\babove\b|\bunder\b|\bover\b|\bless\s+than\b|\bmore\s+than\b"
    r"|\bgreater\s+than\b|\bhigher\s+than\b|\blower\s+than\b|\bat\s+least\b|\bat\s+most\b|\bup\s+to\b"
    r"|\bminimum\b|\bmin\b|\bmaximum\b|\bmax\b|\bthreshold\b|\bcut-?off\b|\blimit\b|\brequired\b|\bneeded\b"
    r"|\bwithin\b|\bnormal\b|\bwnl\b)"
)
"""Words that make a number a bound or a requirement, not the patient's value: not extracted."""

REFERENCE = (
    r"\s*(?:\(\s*|,\s*|;\s*|\s+with\s+(?:an?\s+|the\s+)?)(?:uln|upper\s+limit(?:\s+of\s+normal)?|normal\s*<|n\s*<"
    r"|ref(?:erence)?(?:\s+range)?\s*[:=]?\s*[\d.]+\s*[-–]\s*)\s*(?:is\s+|of\s+)?[:=]?\s*"
)
"""Opening of a stated reference range after a value: ``(ULN 40)``, ``, ULN 1.1 mg/dL``."""

# ------------------------------------------------------------------------------------------- scores
# concept → (names, lowest, highest). Values outside the range are not extracted.
SCORES: dict[str, tuple[tuple[str, ...], int, int]] = {
    "ecog": (
        (
            r"ecog(?:\s+(?:ps|performance\s+status|score))?",
            r"(?:who\s+)?ps",
            r"(?:who\s+)?performance\s+status",
            r"zubrod",
        ),
        0,
        5,
    ),
    "karnofsky": ((r"kps", r"karnofsky(?:\s+(?:performance\s+)?(?:status|score))?"), 0, 100),
    "nyha_class": ((r"nyha(?:\s+(?:functional\s+)?class)?", r"new\s+york\s+heart\s+association(?:\s+class)?"), 1, 4),
}
ROMAN: dict[str, int] = {"i": 1, "ii": 2, "iii": 3, "iv": 4}

# ---------------------------------------------------------------------------------- size, mitoses
TUMOUR_NOUNS = r"tumou?rs?|mass|primary|lesion"
"""Nouns a size is stated of; the names of the vocabulary's neoplasms are added to them (chat/named.py)."""
TUMOUR_NOT_AFTER = r"(?:liver|hepatic|brain|lung|pulmonary|bone|nodal|node|peritoneal|metastatic|adrenal|renal)\s*$"
"""Words that, right before the tumour word, make the size a metastasis's rather than the primary's."""
SIZE_GAP = r"(?:\s+(?:size|sized|measuring|measures|measured|diameter|of|is|was|at|about|approximately|approx\.?"
SIZE_GAP += r"|roughly|in|the|stomach|gastric|small|bowel|rectal|duodenal|jejunal|greatest|largest|dimension"
SIZE_GAP += r"|max(?:imum)?)){0,5}"
SIZE_GAP += r"\s*[:=]?\s*"
MITOTIC_NAMES = (
    r"(?:mitotic\s+(?:count|rate|index|activity)|mitoses|mitotic\s+figures|mitotic\s+count\s+of"
    r"|(?-i:MI)(?=\s*[:=]?\s*\d+\s*(?:/|per)\s*\d*\s*(?:hpf|high)))"
)
"""Names of the mitotic count; "MI" only right before a count per HPF (else it is a myocardial infarction)."""

# ---------------------------------------------------------------------------------- age and sex
AGE_PATTERNS: tuple[str, ...] = (
    r"(?P<age>\d{1,3})\s*(?:-|\s)?\s*(?:yo|y/o|y\.o\.|yr?s?\s+old|years?\s+old)\s+(?-i:(?P<sexletter>[FM]))(?![\w])",
    r"(?P<age>\d{1,3})\s*(?:-|\s)?\s*(?:years?|yrs?|y)\s*(?:-|\s)?\s*old\b",
    r"(?P<age>\d{1,3})\s*(?:-|\s)?\s*(?:yo|y/o|y\.o\.|yr\s+old|yrs\s+old)(?![\w/])",
    r"(?P<age>\d{1,3})\s*(?:years?|yrs?)\s+of\s+age\b",
    r"\baged?\s*[:=]?\s*(?P<age>\d{1,3})\b(?!\s*(?:-|to|and)\s*\d)",
    r"\b(?:patient|pt|she|he|lady|woman|man|gentleman)(?:\s+is|['’]s)\s+(?P<age>\d{1,3})\b"
    r"(?!\s*(?:[.,]\d|k\b|cm|mm|kg|%|/|x\b|×|days?|weeks?|wks?|months?|mos?|hours?|min|times|cycles?))",
    r"(?<![\w.,])(?P<age>\d{1,3})(?-i:(?P<sexletter>[FM]))\b",
)
AGE_NOT_AFTER = r"(?:minimum|maximum|min|max|limit|cut-?off|over|under|above|below|least|most|than|from|between)\s*$"
"""Words that make an age a bound: ``minimum age 18``, ``over 70``."""
AGE_MIN, AGE_MAX = 0, 120

SEX_WORDS: dict[str, tuple[str, ...]] = {
    "female": (r"she", r"her", r"hers", r"herself", r"woman", r"female", r"lady", r"girl", r"(?-i:Mrs|Ms|Miss)\.?"),
    "male": (r"he", r"him", r"his", r"himself", r"man", r"male", r"gentleman", r"guy", r"boy", r"(?-i:Mr)\.?"),
}

# --------------------------------------------------------------------------- negation, uncertainty
NEGATION_PRE: tuple[str, ...] = (
    r"\bno\b",
    r"\bnot\b",
    r"n['’]t\b",
    r"\bnever\b",
    r"\bdenies\b",
    r"\bdenied\b",
    r"\bwithout\b",
    r"\bnegative\s+for\b",
    r"\bfree\s+of\b",
    r"\babsence\s+of\b",
    r"\bneither\b",
    r"\bnor\b",
    r"\bruled\s+out\b",
    r"\bnon\b",
    r"\bnone\b",
)
NEGATION_POST: tuple[str, ...] = (
    r"\s*(?:(?:is|was|has\s+been|have\s+been|were|are)\s+)?(?:ruled\s+out|excluded|absent|not\s+present|not\s+seen"
    r"|not\s+found|not\s+detected)\b",
    r"\s*[:=]\s*(?:none|no|absent)\b",
    r"[\s-]*na[iï]ve\b",
)
UNCERTAIN_PRE: tuple[str, ...] = (
    r"\bpossible\b",
    r"\bpossibly\b",
    r"\bprobable\b",
    r"\bprobably\b",
    r"\bsuspected\b",
    r"\bsuspicious\s+for\b",
    r"\bsuspicion\s+of\b",
    r"\bquery\b",
    r"\bmaybe\b",
    r"\bmight\b",
    r"\bmay\s+have\b",
    r"\bunclear\b",
    r"\bnot\s+sure\b",
    r"\bunknown\b",
    r"\brule\s+out\b",
    r"\br/o\b",
    r"\bequivocal\b",
    r"\bwhat\s+if\b",
    r"\bif\s+(?:she|he)\s+had\b",
    r"\bwhat\s+about\b",
    r"\bhow\s+about\b",
    r"\bwhether\b",
    r"\b(?:does|do|did)\s+(?:she|he|the\s+patient|my\s+patient)"
    r"\s+(?:have|has|need|require)\b",
    r"\bhas\s+(?:she|he)\s+(?:had|been)\b",
    r"\bneeds?\s+(?:an?\s+)?",
    r"\bcheck(?:ing)?\s+(?:for\s+)?",
    r"\bscreen(?:ing|ed)?\s+for\b",
    r"\bwaiting\s+for\b",
    r"\bto\s+exclude\b",
)
UNCERTAIN_POST: tuple[str, ...] = (
    r"\s*(?:status\s+)?(?:(?:is|was)\s+)?(?:unknown|pending|not\s+known|unclear|not\s+tested|untested|uncertain"
    r"|equivocal|awaited|\?)",
    r"\s*(?:(?:is|are)\s+)?(?:an?\s+)?(?:exclusion|inclusion|criterion|contraindication|allowed|permitted|ok\b|okay"
    r"|acceptable|excluded\s+from|a\s+problem|required|needed|necessary|mandatory)",
)
SCOPE_END = (
    r"[,;.!?:()\n]|—|–|\s-\s|\bbut\b|\bhowever\b|\balthough\b|\bthough\b|\byet\b|\bexcept\b|\bapart\s+from\b"
    r"|\baside\s+from\b|\bwhereas\b|\bwhile\b|\bwhich\b|\bwho\b|\bso\b|\bthen\b"
    r"|\band\s+(?=(?:has|had|have|is|was|on|she|he|her|his|takes|taking|received|got|started|currently|now|a|an"
    r"|the|her|positive|confirmed)\b)"
)
"""Where the scope of a negation (or of a generic subject) ends."""
SCOPE_WORDS = 6
"""At most this many words lie between a negation trigger and what it negates."""

GENERIC_SUBJECTS: tuple[str, ...] = (
    r"\bpatients\b",
    r"\bpeople\b",
    r"\bsubjects\b",
    r"\bparticipants\b",
    r"\bwomen\b",
    r"\bmen\b",
    r"\banyone\b",
    r"\banybody\b",
    r"\bsomeone\b",
    r"\bsomebody\b",
    r"\bthose\b",
    r"\bindividuals\b",
    r"\bcandidates\b",
    r"\bany\s+patient\b",
    r"\bevery\s+patient\b",
    r"\bpts\b",
    r"\bcriteri(?:on|a)\b",
    r"(?:^|[.?!]\s+)(?:(?:how\s+\w+|what|when|why|where|which)\s+)?(?:can|could|may|must|should|does|do|would|will"
    r"|is|are)\s+(?:a|an|any)\b",
)
"""Subjects that make what follows them (to the end of the clause) general, not about this patient."""
GENERIC_END = r"\b(?:my|this|our|the)\s+(?:patient|pt)\b|\bshe\b|\bhe\b|\bher\b|\bhis\b|\bhim\b"
"""A reference to the patient ends a generic subject's scope early."""
GENERIC_AFTER = (
    r"[\s-]*(?:positive\s+|negative\s+|status\s+)?(?:patients|women|men|people|subjects|participants|individuals|pts"
    r"|cases|mothers)\b"
)
"""A generic noun right after a phrase ("pregnant women", "HIV-positive patients") makes it general."""

POSITIVE = (
    r"(?:positive|pos\b|\+\s*ve\b|reactive|detected|present|confirmed|expressed|expression|expressing|staining"
    r")"
)
NEGATIVE = r"(?:negative|neg\b|-\s*ve\b|non-?reactive|not\s+detected|not\s+expressed|absent)"
POLARITY_AFTER = (
    r"(?:\s*[-:=]?\s*(?:(?:is|was|test(?:ed)?|status|serology|result|ihc|immunohistochemistry|stain(?:ing)?)\s+)*"
    r"\(?\s*)(?P<pol>" + NEGATIVE + "|" + POSITIVE + r")\)?"
)
SIGN_AFTER = r"(?:\s*\(\s*(?P<a>[+\-−])\s*\)|(?P<b>[+\-−])(?![\w+\-−]))"
"""``HIV-``, ``CD117+``, ``HIV (-)``: a sign written right after the name."""
POLARITY_BEFORE = r"(?P<pol>positive\s+for|positive|negative)\s+$"

# ------------------------------------------------------------------------------------ fact phrases
DIAGNOSIS_PHRASES: tuple[str, ...] = (
    r"(?:histologically|histologic(?:ally)?|pathologically|biopsy)[\s-]*(?:confirmed|proven)\s+(?:[a-z]+[\s-]+)?{name}",
    r"(?:confirmed|proven|diagnosed\s+with\s+(?:an?\s+)?|diagnosis\s+of\s+(?:an?\s+)?)\s*(?:[a-z]+[\s-]+)?{name}",
    r"{name}\s+(?:was\s+|is\s+|has\s+been\s+)?(?:histologically\s+|pathologically\s+)?(?:confirmed|proven)",
)
"""How a confirmed diagnosis of a neoplasm is stated; ``{name}`` is each name the vocabulary gives it."""

# (concept, kind, phrase). Kinds: condition, medication, procedure; "flag" is a yes/no observation.
# Flags need a stated polarity; ``when: negated`` rows count only when negated (e.g. "no diabetes").
FACT_PHRASES: tuple[tuple[str, FactKind, str], ...] = (
    ("measurable_disease", "condition", r"measurable\s+(?:disease|lesions?|tumou?r)"),
    (
        "brain_metastases",
        "condition",
        r"(?:brain|cerebral|cns|intracranial)\s+(?:mets|metastas[ie]s|metastatic\s+disease)",
    ),
    ("hepatic_metastases", "condition", r"(?:liver|hepatic)\s+(?:mets|metastas[ie]s|metastatic\s+disease)"),
    ("brain_metastases", "condition", r"(?:mets|metastas[ie]s|metastatic)\s+(?:to|in)\s+(?:the\s+)?brain"),
    ("hepatic_metastases", "condition", r"(?:mets|metastas[ie]s|metastatic)\s+(?:to|in)\s+(?:the\s+)?liver"),
    ("chronic_active_hepatitis", "condition", r"chronic\s+active\s+hepatitis"),
    ("cirrhosis", "condition", r"(?:liver\s+|hepatic\s+)?cirrho(?:sis|tic)"),
    (
        "chronic_liver_disease",
        "condition",
        r"chronic\s+liver\s+disease|chronic\s+(?:viral\s+)?hepatitis(?!\s+active)"
        r"|chronic\s+hep\s+[bc]\b",
    ),
    (
        "chronic_renal_disease",
        "condition",
        r"chronic\s+(?:renal|kidney)\s+(?:disease|failure|insufficiency)"
        r"|(?-i:CKD)(?:\s+stage\s+\w+)?",
    ),
    ("congestive_heart_failure", "condition", r"(?:congestive\s+)?(?:heart|cardiac)\s+failure|(?-i:CHF)"),
    (
        "myocardial_infarction",
        "condition",
        r"myocardial\s+infarct(?:ion)?|heart\s+attack|(?-i:N?STEMI|AMI)"
        r"|(?-i:MI)(?!\s*(?:of\s+|is\s+|[:=]\s*)?\d+(?:\.\d+)?\s*(?:/|per\b|%|$|[,;]))",
    ),
    ("active_infection", "condition", r"(?:active\s+)?(?:uncontrolled\s+)?(?:active\s+)?infections?|sepsis"),
    ("hiv", "condition", r"hiv(?:\s+infection)?|human\s+immunodeficiency\s+virus"),
    ("pregnant", "condition", r"pregnant|pregnancy(?!\s+test)"),
    ("nursing", "condition", r"breast[\s-]?feeding|nursing(?!\s+(?:home|staff|care|notes?))|lactating|breastfeeds"),
    (
        "other_malignancy",
        "condition",
        r"(?:other|second|another|prior|previous)\s+(?:primary\s+)?"
        r"(?:malignanc(?:y|ies)|cancers?|primar(?:y|ies))"
        r"|(?:breast|colon|colorectal|lung|prostate|ovarian|pancreatic|thyroid|bladder|renal|kidney|cervical"
        r"|endometrial|uterine|esophageal|oesophageal|liver|head\s+and\s+neck)\s+cancer|lymphoma|leuka?emia|melanoma"
        r"|myeloma",
    ),
    (
        "gi_obstruction",
        "condition",
        r"(?:gi|gastrointestinal|bowel|intestinal|gastric\s+outlet|small[\s-]bowel)"
        r"\s+obstruction|(?-i:SBO)",
    ),
    (
        "major_bleeding",
        "condition",
        r"(?:major\s+|gi\s+|gastrointestinal\s+|upper\s+gi\s+)(?:bleed(?:ing)?|ha?emorrhage)"
        r"|bleeding\s+episode|melaena|melena|ha?ematemesis",
    ),
    (
        "diabetes_uncontrolled",
        "condition",
        r"(?:uncontrolled|poorly[\s-]controlled|badly[\s-]controlled)\s+"
        r"(?:type\s+[12i]+\s+)?diabetes(?:\s+mellitus)?",
    ),
    (
        "severe_uncontrolled_disease",
        "condition",
        r"(?:other\s+)?(?:severe|uncontrolled)\s+(?:or\s+uncontrolled\s+)?"
        r"(?:medical\s+)?(?:disease|illness|condition|comorbidit(?:y|ies))",
    ),
    (
        "noncompliance",
        "condition",
        r"non-?compliance|non-?compliant|poor\s+(?:compliance|adherence)|non-?adherence"
        r"|non-?adherent",
    ),
    (
        "rapidly_progressing_disease",
        "condition",
        r"rapid(?:ly)?\s+progress(?:ing|ive|ion)(?:\s+disease)?"
        r"|progressing\s+rapidly",
    ),
    ("warfarin", "medication", r"warfarin|coumadin"),
    (
        "lmwh",
        "medication",
        r"(?-i:LMWH)|low[\s-]molecular[\s-]weight\s+heparin|enoxaparin|clexane|lovenox|dalteparin"
        r"|fragmin|tinzaparin|nadroparin",
    ),
    ("nitrosourea", "medication", r"nitrosoureas?|carmustine|lomustine|(?-i:BCNU|CCNU)"),
    ("mitomycin", "medication", r"mitomycin(?:\s+c)?"),
    (
        "chemotherapy",
        "medication",
        r"chemo(?:therapy)?|cytotoxics?|cisplatin|carboplatin|oxaliplatin|doxorubicin"
        r"|5-?fu|fluorouracil|gemcitabine|paclitaxel|docetaxel|cyclophosphamide|capecitabine|dacarbazine|ifosfamide",
    ),
    (
        "anticancer_biologic",
        "medication",
        r"(?:anti-?cancer\s+)?biologics?(?:\s+(?:therapy|agents?))?|bevacizumab"
        r"|trastuzumab|cetuximab|panitumumab|rituximab|interferon",
    ),
    (
        "investigational_drug",
        "medication",
        r"investigational\s+(?:drugs?|agents?|products?|therapy)"
        r"|experimental\s+(?:drugs?|agents?|therapy)|study\s+drugs?",
    ),
    ("radiotherapy", "procedure", r"radiotherapy|radiation(?:\s+therapy)?|irradiation|(?-i:RT|XRT|SBRT)"),
    (
        "major_surgery",
        "procedure",
        r"major\s+(?:abdominal\s+)?(?:surgery|operation)|laparotomy|gastrectomy|colectomy"
        r"|hepatectomy|(?:had|underwent|undergone|underwent\s+a|had\s+a)\s+(?:surgery|operation|surgical\s+resection"
        r"|resection)",
    ),
    (
        "tumor_biopsy",
        "procedure",
        r"(?:tumou?r\s+|core(?:\s+needle)?\s+|endoscopic\s+|eus[\s-]guided\s+)?biopsy"
        r"(?![\s-]*(?:proven|confirmed))",
    ),
    ("cd117", "flag", r"cd\s?117|c-?kit|(?-i:KIT|Kit)(?!\s+mutation)"),
    ("pregnancy_test", "flag", r"(?:urine\s+|serum\s+)?pregnancy\s+test|(?:beta|β|b)[\s-]?hcg|(?-i:hCG|HCG)"),
)


def _vocabulary_drugs(rows: tuple[tuple[str, FactKind, str], ...]) -> tuple[tuple[str, FactKind, str], ...]:
    """A phrase for each single drug of the vocabulary (``corpus/concepts.yaml``, ``corpus/vocabulary/``)
    that no row above names: its names and brand names as whole words, longest first."""
    from assistant.patient.concepts import load_concepts

    named = {concept for concept, _, _ in rows}
    found: list[tuple[str, FactKind, str]] = []
    for concept in load_concepts().concepts.values():
        if concept.kind != "medication" or concept.includes or concept.name in named:
            continue
        names = sorted({n for n in (concept.label.lower(), *concept.synonyms) if len(n) >= 4}, key=len, reverse=True)
        words = [[w for w in re.split(r"[\s-]+", n) if w] for n in names]
        pattern = "|".join(r"[\s-]*".join(re.escape(w) for w in ws) for ws in words if ws)
        if pattern:
            found.append((concept.name, "medication", pattern))
    return rows + tuple(found)


FACT_PHRASES = _vocabulary_drugs(FACT_PHRASES)
MET_SITES: dict[str, str] = {
    "brain": "brain_metastases",
    "cerebral": "brain_metastases",
    "cns": "brain_metastases",
    "intracranial": "brain_metastases",
    "liver": "hepatic_metastases",
    "hepatic": "hepatic_metastases",
}
"""Sites of "brain or liver mets", "no brain/liver metastases": each site its own concept."""
MET_WORDS = r"(?:mets|metastas[ie]s|metastatic\s+disease)"
ONLY_NEGATED: tuple[tuple[str, str], ...] = (("diabetes_uncontrolled", r"diabet(?:es|ic)(?:\s+mellitus)?"),)
"""Phrases that state a concept only when negated: "no diabetes" rules out uncontrolled diabetes."""
CONTROLLED: tuple[tuple[str, str], ...] = (
    (
        "diabetes_uncontrolled",
        r"(?:well[\s-]|adequately\s+|fully\s+)?controlled\s+(?:type\s+[12i]+\s+)?diabetes"
        r"|diabet(?:es|ic)(?:\s+mellitus)?(?:\s+type\s+[12i]+)?\s*(?:,\s*)?(?:is\s+|which\s+is\s+)?"
        r"(?:well[\s-]|adequately\s+|fully\s+)controlled",
    ),
)
"""Phrases that state the *controlled* form, i.e. the ``*_uncontrolled`` concept absent."""

# ----------------------------------------------------------------------------- medication details
DOSE = r"(?P<dose>\d+(?:\.\d+)?)\s*(?P<dose_unit>mg|mcg|µg|μg|ug|g|units|iu)\b"
DAILY = r"\b(?:daily|a\s+day|per\s+day|/\s*day|/\s*d\b|qd|od|once\s+(?:a\s+)?day|once\s+daily|every\s+day|nightly|qhs)"
NOT_DAILY = r"\b(?:bid|b\.i\.d\.|tid|qid|twice|three\s+times|weekly|every\s+other\s+day|per\s+week|/\s*week|q\d+h)\b"
CURRENT = r"\b(?:on|taking|takes|currently|still|ongoing|concurrent(?:ly)?|maintained\s+on|receiving|continues)\b"
PAST = (
    r"\b(?:had|received|got|finished|completed|stopped|ended|discontinued|prior|previous(?:ly)?|last|was\s+on"
    r"|history)\b"
)
STARTED = r"\b(?:started|began|begun|commenced|initiated|since)\b"
ENDED = r"\b(?:finished|completed|stopped|ended|discontinued|last\s+(?:dose|cycle|session|fraction)|off)\b"

# ------------------------------------------------------------------------------ patient reference
PATIENT_REFERENCES: tuple[str, ...] = (
    r"\b(?:my|this|our|that)\s+(?:patient|pt|lady|gentleman|woman|man|guy|girl|boy)\b",
    r"\bi\s+(?:have|see|saw|am\s+seeing|'m\s+seeing)\s+(?:a|an)\b",
    r"\b(?:she|he|her|him|his|hers|herself|himself)\b",
    r"(?-i:\b(?:Mr|Mrs|Ms|Miss)\.?\s+[A-Z])",
    r"\bpatient\s+(?:#\s*)?\d+\b",
    r"\bmy\s+pt\b",
)
"""Words that point at one patient; a bare phrase ("brain mets") is a fact only next to one."""
STATING_CUES = (
    r"\b(?:has|had|have|having|with|history\s+of|hx\s+of|h/o|known|diagnosed|developed|suffers?|presents?|presented"
    r"|s/p|underwent|found|shows?|showed|confirmed|proven|on|taking|takes|received|prior|previous(?:ly)?|started"
    r"|stopped|finished|completed|currently)\b"
)
"""Words that state a condition, medication or procedure of the patient rather than name it."""
