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

PATIENT = ("patient", "pt", "pt.", "subject", "participant", "client", "resident", "the patient")
"""Words for the person the message is about."""

RELATIVES = (
    "husband", "wife", "son", "daughter", "mother", "father", "brother", "sister", "partner", "spouse", "fiancé",
    "fiancée", "boyfriend", "girlfriend", "caregiver", "carer", "guardian", "niece", "nephew", "grandson",
    "granddaughter", "grandchild", "aunt", "auntie", "uncle", "cousin", "friend", "neighbour", "neighbor",
    "son-in-law", "daughter-in-law", "mother-in-law", "father-in-law", "brother-in-law", "sister-in-law",
    "grandmother", "grandfather", "grandma", "grandpa", "granny", "mum", "mom", "dad", "stepson", "stepdaughter",
    "stepmother", "stepfather", "sons", "daughters", "children", "kids", "twin", "relative", "next of kin", "nok",
    "poa", "proxy", "interpreter", "translator",
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
    "hey", "cc", "bcc", "to", "from", "author", "re", "signed", "signature", "initials",
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

PAGER_CUES = ("bleep", "beep", "pager", "pg", "page", "paged", "ext", "ext.", "extension", "x", "extn", "internal")
"""Words before a short in-house number ("bleep 4471", "ext 2231", "pg 555-0101")."""

RECORD_AFTER = ("mrn", "hospital no", "hospital number", "nhs no", "nhs number", "chi", "urn", "record", "fin")
"""Labels written after a record number in brackets ("1188204 (MRN)")."""


def alternation(*tables: Iterable[str], cased: bool = False) -> str:
    """A regular-expression alternation of the phrases of ``tables``, longest first, case-insensitive unless
    ``cased``; a phrase's spaces match any spaces or tabs."""
    phrases = sorted({p for table in tables for p in table}, key=lambda p: (-len(p), p))
    body = "|".join(r"[ \t]+".join(regex.escape(w) for w in p.split()) for p in phrases)
    return f"(?:{body})" if cased else f"(?i:{body})"
