"""Words of graded scales and of paired readings: the grade of a scale named by a numeral ("NYHA class III
or IV"), open-ended grades ("class II or greater"), the two readings of a pair written "A/B", words asking
for repeated readings, and words that may stand beside a threshold without changing it. The scales and
measurements themselves come from the vocabulary."""

from __future__ import annotations

#: Words naming a grade of a scale ("NYHA class III", "Hoehn and Yahr stage 2"); a scale is read by them when
#: its vocabulary label holds one of them ("NYHA functional class", "Hoehn and Yahr stage").
GRADE_WORDS: tuple[str, ...] = ("functional class", "class", "classes", "grade", "grades", "stage", "stages")

#: Roman numerals of grades, as criteria write them (upper case only: "I" of "I or II", never the word "i").
ROMAN: dict[str, int] = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6}

#: Words joining the grades of a list ("III or IV", "II, III or IV", "III/IV", "I & II").
GRADE_LIST_JOINS: tuple[str, ...] = ("and/or", "or", "and", "&", ",", "/")

#: Words joining the two ends of a range of grades ("II-IV", "II to IV", "II through IV").
GRADE_RANGE_JOINS: tuple[str, ...] = ("-", "–", "to", "through")

#: Words after a grade that take in every higher grade ("class II or greater").
GRADE_OR_ABOVE: tuple[str, ...] = ("or greater", "or higher", "or above", "or more", "and above", "and higher")

#: Words after a grade that take in every lower grade ("class II or less").
GRADE_OR_BELOW: tuple[str, ...] = ("or less", "or lower", "or below", "and below", "and lower")

#: Qualifiers that tell apart the two readings of a pair written "A/B", in the order written ("blood pressure
#: > 140/90": the systolic reading 140, the diastolic 90); the measurements are the vocabulary's concepts named
#: by the qualifier and the pair's name ("systolic blood pressure", "diastolic BP").
PAIRED_READINGS: tuple[tuple[str, str], ...] = (("systolic", "diastolic"),)

#: Words saying a reading must hold over repeated measurements ("BP persistently > 140/90 mmHg"): one reading
#: beyond the limit does not settle it, readings within it do.
REPEATED: tuple[str, ...] = (
    "persistently",
    "persistent",
    "repeatedly",
    "consistently",
    "sustained",
    "on repeated measurements",
    "on repeated measurement",
    "on repeat measurement",
    "on two occasions",
)

#: Words that may be left over around thresholds without changing their meaning ("serum", "level", "at").
THRESHOLD_FILLER: frozenset[str] = frozenset(
    (
        "and",
        "or",
        "and/or",
        "the",
        "a",
        "an",
        "of",
        "in",
        "must",
        "be",
        "is",
        "are",
        "should",
        "have",
        "has",
        "having",
        "with",
        "patients",
        "patient",
        "subjects",
        "subject",
        "level",
        "levels",
        "value",
        "values",
        "serum",
        "plasma",
        "blood",
        "total",
        "count",
        "absolute",
        "institutional",
        "upper",
        "limit",
        "limits",
        "normal",
        "uln",
        "unl",
        "times",
        "x",
        "×",
        "performance",
        "status",
        "score",
        "scale",
        "required",
        "documented",
        "adequate",
        "known",
        "screening",
        "baseline",
        "at",
        "inclusive",
        "range",
        "laboratory",
        "lab",
        "function",
        "as",
        "defined",
        "by",
        "following",
        "following:",
        "criteria",
        "participants",
        "participant",
        "visit",
        "visits",
        "resting",
        "evaluation",
        "calculated",
        "measured",
        "estimated",
        "basal",
    )
)
