"""Context cues as data: the words around a name, an age, a short phone number or a record number that mark it.

Each table is a tuple of phrases, as a de-identifier would list them from the HIPAA Safe Harbor
identifiers and the way clinical messages introduce people: titles and credentials, the patient and
relatives, roles of the care team, verbs of talking and writing, message headers and sign-offs.
``alternation`` turns a table into a case-insensitive regular-expression alternation (spaces in a
phrase match any run of spaces, longest phrases first); ``assistant.deid.patterns`` builds the
recognisers' patterns from them.
"""

from __future__ import annotations

from collections.abc import Iterable

import regex

TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Professor", "Doctor", "Sister", "Nurse", "Sr", "Rev")
"""English titles and honorifics before a name, written capitalised or in lower case ("Dr Ames", "mr obi")."""

COURTESY_TITLES = (
    "Mme", "Mmes", "Mlle", "Madame", "Mademoiselle", "Monsieur", "Herr", "Frau", "Fru", "Herra", "Rouva", "Sra",
    "Srta", "Dra", "Dña", "Señor", "Señora", "Señorita", "Senhor", "Senhora", "Signor", "Signora", "Signorina",
    "Sig.ra", "Sig.na", "Dott", "Dott.ssa", "Dhr", "Mevr", "Mevrouw", "Mej", "Pani",
)  # fmt: skip
"""Courtesy titles of other European languages (French, German, Nordic, Spanish, Portuguese, Italian, Dutch,
Polish), written capitalised or in lower case ("Mme Roux", "mevr. de Vries")."""

CAPITALISED_TITLES = ("Fr", "Hr", "Sig")
"""Abbreviated titles that are a title only capitalised ("Hr Lund", "Fr Weber"; "24 hr", "sig:" are not)."""

PATIENT = ("patient", "pt", "pt.", "subject", "participant", "client", "resident", "the patient")
"""Words for the person the message is about."""

RELATIVES = (
    "husband", "wife", "son", "daughter", "mother", "father", "brother", "sister", "partner", "spouse", "fiancé",
    "fiancée", "boyfriend", "girlfriend", "caregiver", "carer", "guardian", "niece", "nephew", "grandson",
    "granddaughter", "grandchild", "aunt", "auntie", "uncle", "cousin", "friend", "neighbour", "neighbor",
    "son-in-law", "daughter-in-law", "mother-in-law", "father-in-law", "brother-in-law", "sister-in-law",
    "grandmother", "grandfather", "grandma", "grandpa", "granny", "mum", "mom", "dad", "stepson", "stepdaughter",
    "stepmother", "stepfather", "sons", "daughters", "children", "kids", "twin", "relative", "next of kin", "nok",
    "poa", "proxy", "interpreter", "translator", "brothers", "sisters", "parents", "grandchildren", "grandsons",
    "granddaughters", "nieces", "nephews", "cousins", "friends", "twins", "relatives", "aunts", "uncles",
)  # fmt: skip
"""Relatives and the people a patient brings (singular and the common plurals)."""

ROLES = (
    "nurse", "contact", "colleague", "coordinator", "crc", "cra", "monitor", "pi", "sub-i", "investigator",
    "consultant", "registrar", "resident", "fellow", "attending", "physician", "surgeon", "oncologist",
    "cardiologist", "neurologist", "radiologist", "pathologist", "pharmacist", "gp", "pcp", "doctor",
    "dietitian", "physio", "physiotherapist", "social worker", "midwife", "sponsor contact", "study nurse",
    "research nurse", "on-call", "on call",
)  # fmt: skip
"""Members of the care and research team named before their name ("consultant Okonjo", "PI: Dr Ames")."""

ADDRESSING = (
    "name", "named", "called", "this is", "i am", "i'm", "my name is", "attention", "attn", "dear", "hi", "hello",
    "hey", "cc", "bcc", "to", "from", "author", "re", "signed", "signature", "initials", "surname", "forename",
    "forenames",
)  # fmt: skip
"""Labels and greetings before a name ("cc: …", "From: …", "Dear …"); ``to``, ``from`` and ``re`` only as a
header label with a colon (see ``HEADER_LABELS``)."""

HEADER_LABELS = ("to", "from", "re", "author")
"""Addressing words that cue a name only with a colon after them ("From: …", not "from Boston")."""

TALKING = (
    "spoke with", "spoke to", "speak with", "speak to", "speaking with", "speaking to", "talked with",
    "talked to", "talk to", "talk with", "chatted with", "met with", "discussed with", "discussed it with",
    "confirmed with", "checked with", "heard from", "message from", "messaged", "voicemail from",
    "voice message from", "email from", "e-mail from", "emailed", "e-mailed", "call from", "phone call from",
    "letter from", "note from", "referral from", "text from", "texted", "paged", "bleeped", "called",
    "rang", "phoned", "cc'd", "cc'ed", "copying in", "copied in", "handed over to", "covering for",
    "seen by", "referred by", "reviewed by", "consented by", "signed by", "countersigned by", "witnessed by",
    "examined by", "assessed by", "taken by", "obtained by", "completed by", "approved by",
)  # fmt: skip
"""Verbs and phrases of talking, writing and signing after which a person is named."""

SIGN_OFFS = (
    "thanks", "thank you", "thx", "ty", "many thanks", "regards", "kind regards", "best regards", "warm regards",
    "best wishes", "best", "cheers", "sincerely", "yours sincerely", "yours", "respectfully", "cordially",
)  # fmt: skip
"""Closings before a signature."""

CREDENTIALS = (
    "RN", "NP", "MD", "DO", "PA-C", "PA", "PhD", "CRC", "CCRC", "CRA", "CCRP", "RPh", "PharmD", "MBBS", "MBChB",
    "MRCP", "FRCP", "FRCS", "FRACP", "FRCPC", "BSN", "MSN", "DNP", "APRN", "ANP", "FNP", "LPN", "CNS", "CNM",
    "RD", "MPH", "MSc", "BSc", "DPhil", "OCN", "CCRN",
)  # fmt: skip
"""Credentials written after a name ("Zanele Dlamini RN", "Aoife Brannigan, RN"), case as written."""

SUFFIXES = ("Jr", "Sr", "II", "III", "IV", "V", "2nd", "3rd", "Snr", "Jnr")
"""Generational suffixes, part of the name they follow ("Franklin Delacroix Jr.")."""

PERSON_NOUNS = (*PATIENT, *RELATIVES, "man", "woman", "gentleman", "lady", "male", "female", "gent")
"""Words an age can follow ("husband 91", "her mother, 96")."""

PAGER_CUES = (
    "bleep", "beep", "beeper", "pager", "pgr", "pg", "page", "paged", "ext", "ext.", "extension", "x", "extn",
    "internal",
)  # fmt: skip
"""Words before a short in-house number ("bleep 4471", "ext 2231", "pg 555-0101")."""

HEALTH_CARDS = (
    "ohip", "ramq", "phn", "ahcip", "hcn", "msp", "mcp", "ihi", "ppsn", "dva", "ehic", "ghic", "h&c", "medi-cal",
    "tricare", "health card", "health number", "health insurance number", "personal health number",
)  # fmt: skip
"""Health-insurance numbers named by their scheme (Canadian provincial plans, Australian, Irish and UK numbers,
European cards, US programmes), written before the number ("OHIP 1234-567-890-AB")."""

DEVICE_LABELS = (
    "sn", "s/n", "serial", "serial no", "serial no.", "serial number", "serial #", "device id", "device serial",
    "udi", "imei", "implant id", "pacemaker id",
)  # fmt: skip
"""Labels of a device's serial number or identifier (HIPAA identifier 13), written before it."""

SAMPLE_LABELS = ("specimen", "sample", "requisition", "block", "slide", "tube", "kit")
"""Labels of a specimen's or a kit's number, written before it with a colon ("Specimen: SP-25-018834")."""

NOT_PERSONAL_NUMBERS = (
    "protocol", "study", "trial", "registration", "lot", "batch", "version", "amendment", "catalog", "catalogue",
    "model", "part", "page", "table", "figure", "cycle", "dose", "visit",
)  # fmt: skip
"""Words before "number" or "no." whose code names no person ("protocol number", "lot no.")."""

RECORD_AFTER = ("mrn", "hospital no", "hospital number", "nhs no", "nhs number", "chi", "urn", "record", "fin")
"""Labels written after a record number in brackets ("1188204 (MRN)")."""


DEPARTMENTS = (
    "pharmacy", "radiology", "the lab", "lab", "labs", "pathology", "phlebotomy", "admissions", "billing", "finance",
    "records", "medical records", "the it desk", "the help desk", "research", "the research office",
    "the study team", "the trial team", "the sponsor", "the cro", "regulatory", "the irb", "the ethics office",
    "clinic", "the clinic", "reception", "the front desk", "scheduling", "the ward", "day unit", "the day unit",
    "oncology", "cardiology", "infusion", "the infusion suite", "nuclear medicine", "social work", "transport",
)  # fmt: skip
"""Departments and teams a person is "from" ("Nadia from pharmacy says …")."""

AUXILIARIES = (
    "can", "could", "will", "would", "should", "shall", "may", "might", "must", "did", "does", "is", "was", "has",
    "had",
)  # fmt: skip
"""Auxiliary verbs after which a capitalised given name is the subject of a question ("can Noor sign today?")."""

REPORTING = (
    "called", "rang", "phoned", "emailed", "e-mailed", "texted", "messaged", "says", "said", "asked", "asks",
    "wants", "wanted", "reports", "reported", "mentioned", "wrote", "replied", "stopped by", "dropped by",
    "came in", "is asking", "was asking", "left a message", "left a voicemail",
)  # fmt: skip
"""Verbs of reporting after the person who spoke ("oluwadamilare called, …")."""


def alternation(*tables: Iterable[str], cased: bool = False) -> str:
    """A regular-expression alternation of the phrases of ``tables``, longest first, case-insensitive unless
    ``cased``; a phrase's spaces match any spaces or tabs."""
    phrases = sorted({p for table in tables for p in table}, key=lambda p: (-len(p), p))
    body = "|".join(r"[ \t]+".join(regex.escape(w) for w in p.split()) for p in phrases)
    return f"(?:{body})" if cased else f"(?i:{body})"
