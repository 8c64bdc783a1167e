"""De-identification of free text and of the audit log: each identifier type, clinical text kept, the eval set."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from assistant.audit import AuditRecord, append_exchange, read_exchanges
from assistant.deid import deidentify, deidentify_all, find_identifiers
from assistant.index import ProtocolIndex
from assistant.settings import Settings
from assistant.types import Protocol

ROOT = Path(__file__).resolve().parent.parent
CHIA = ROOT.parent / "shared" / "criteria" / "chia-dev"
sys.path.insert(0, str(ROOT))

from eval.deid_eval import load_messages, score  # noqa: E402


@pytest.mark.parametrize(
    ("text", "kind", "identifier"),
    [
        pytest.param("Mrs Jane Okafor, platelets 90k — can she enroll?", "NAME", "Jane Okafor", id="name-title"),
        pytest.param("patient Linnea Sorensen has Hb 9.8 g/dL", "NAME", "Linnea Sorensen", id="name-cue"),
        pytest.param("Tomasz Wierzbicki, a 54-year-old man, ECOG 1", "NAME", "Tomasz Wierzbicki", id="name-age"),
        pytest.param("Is 4 weeks enough? — Dr Priya Raman", "NAME", "Priya Raman", id="name-signature"),
        pytest.param("Name: Harold Fitzgerald-Brown. Age 71.", "NAME", "Harold Fitzgerald-Brown", id="name-label"),
        pytest.param("DOB 03/14/1961, ECOG 0", "DATE", "03/14/1961", id="date-us"),
        pytest.param("born on 1 January 1950, NYHA III", "DATE", "1 January 1950", id="date-written"),
        pytest.param("MRN 00482913, stage IIIB NSCLC", "MRN", "00482913", id="mrn"),
        pytest.param("Hospital no. H7781234 — HER2 positive", "MRN", "H7781234", id="hospital-number"),
        pytest.param("NHS number 943 476 5919, eGFR 48", "MRN", "943 476 5919", id="nhs-number"),
        pytest.param("call me at (617) 555-0143 about the CT", "PHONE", "(617) 555-0143", id="phone-us"),
        pytest.param("Ring 020 7946 0958 to book screening", "PHONE", "020 7946 0958", id="phone-uk"),
        pytest.param("reach the family at +49 30 901820", "PHONE", "+49 30 901820", id="phone-international"),
        pytest.param("Fax the consent to 617-555-0188 today", "PHONE", "617-555-0188", id="fax"),
        pytest.param("send it to coordinator.jones@example.org", "EMAIL", "coordinator.jones@example.org", id="email"),
        pytest.param(
            "lives at 42 Elm Street, Springfield, IL 62704 now",
            "ADDRESS",
            "42 Elm Street, Springfield, IL 62704",
            id="address-us",
        ),
        pytest.param("lives in Leeds LS6 2QB, eGFR 48", "ADDRESS", "Leeds LS6 2QB", id="address-uk-postcode"),
        pytest.param("SSN 219-09-9999 for the insurer", "SSN", "219-09-9999", id="ssn"),
        pytest.param(
            "report at https://portal.example.org/cases/88213 shows Ki-67 20%",
            "URL",
            "https://portal.example.org/cases/88213",
            id="url",
        ),
        pytest.param("export from 192.0.2.44 shows WBC 3.1", "IP", "192.0.2.44", id="ip"),
        pytest.param("Beatrix says she stopped warfarin", "NAME", "Beatrix", id="given-name-alone"),
        pytest.param("my pt rahul mehta has eGFR 38", "NAME", "rahul mehta", id="lower-case-full-name"),
        pytest.param("ok, talked to anneliese about the PK draw", "NAME", "anneliese", id="lower-case-after-talked-to"),
        pytest.param("mr mcgillicuddy asks about omeprazole", "NAME", "mcgillicuddy", id="lower-case-title"),
        pytest.param("Dr. de la Fuente signed it", "NAME", "de la Fuente", id="particles"),
        pytest.param("Patient J.K., 44 year old woman", "NAME", "J.K.", id="initials-dotted"),
        pytest.param("pt initials: MB, female, 61", "NAME", "MB", id="initials-labelled"),
        pytest.param("Record no. A55-20931: 66 yo M", "MRN", "A55-20931", id="record-no"),
        pytest.param("accession SP19-004417 shows ER 95%", "MRN", "SP19-004417", id="accession"),
        pytest.param("insurance ID: QWE77120045 for prior auth", "MRN", "QWE77120045", id="insurance-id"),
        pytest.param("Mail the diary to PO Box 4471 please", "ADDRESS", "PO Box 4471", id="po-box"),
        pytest.param("she lives in Wichita and drives in", "ADDRESS", "Wichita", id="residence"),
        pytest.param(
            "3 Kings Rd, Reading RG1 3AR, for the courier", "ADDRESS", "3 Kings Rd, Reading RG1 3AR", id="uk-street"
        ),
        pytest.param("postal code K1A 0B1, ECOG 1", "ADDRESS", "K1A 0B1", id="canadian-postcode"),
        pytest.param("she is 94 and lives alone, ECOG 2", "AGE", "94", id="age-over-89"),
        pytest.param("a 91-year-old man with AF", "AGE", "91", id="age-over-89-hyphenated"),
        pytest.param("DOB 19580722, ECOG 0", "DATE", "19580722", id="date-compact"),
        pytest.param("DOB 22-Jul-58, ECOG 0", "DATE", "22-Jul-58", id="date-two-digit-year"),
        pytest.param(
            "write to p dot quinn at example dot org", "EMAIL", "p dot quinn at example dot org", id="email-spelled"
        ),
        pytest.param("SSN 219 09 9999 on the form", "SSN", "219 09 9999", id="ssn-spaced"),
        pytest.param(
            "Mme Lefebvre-Castonguay called about the consent form",
            "NAME",
            "Lefebvre-Castonguay",
            id="courtesy-title-french",
        ),
        pytest.param(
            "Frau Annegret Kühnel asks about the visit window", "NAME", "Annegret Kühnel", id="courtesy-title-german"
        ),
        pytest.param("dhr. de Boer wants to know about metformin", "NAME", "de Boer", id="lower-case-dutch-title"),
        pytest.param("Mrs. Fatima el-Masri had a TIA last year", "NAME", "Fatima el-Masri", id="hyphenated-particle"),
        pytest.param(
            "Paciente: José Luis Herrera Ocampo, HER2+ ca de mama",
            "NAME",
            "José Luis Herrera Ocampo",
            id="two-given-two-family-names",
        ),
        pytest.param("PATIENT: KHAN, ABDUL-RAHIM", "NAME", "KHAN, ABDUL-RAHIM", id="upper-case-short-listed-surname"),
        pytest.param("dr. achterberg-mensah will call back", "NAME", "achterberg-mensah", id="lower-hyphenated-title"),
        pytest.param("can we move the PK draw? cheers, ingrid", "NAME", "ingrid", id="lower-case-after-sign-off"),
        pytest.param(
            "oluwadamilare rang, she is nauseous after cycle 2", "NAME", "oluwadamilare", id="lower-case-reporting"
        ),
        pytest.param("Rose from radiology says the slot moved", "NAME", "Rose", id="word-name-from-department"),
        pytest.param("could Joy sign the consent on Monday?", "NAME", "Joy", id="word-name-after-auxiliary"),
        pytest.param("Specimen: HB-24-113579 received at 09:10", "MRN", "HB-24-113579", id="specimen-label"),
        pytest.param("RAMQ LAPM 8512 3456 on file", "MRN", "LAPM 8512 3456", id="health-card-scheme"),
        pytest.param("S/N: 4XK77129 on the infusion pump", "MRN", "4XK77129", id="device-serial"),
        pytest.param("order number LB5520934 for the kit", "MRN", "LB5520934", id="code-after-number"),
        pytest.param(
            "write to 14 rue des Lilas, app. 12, Lyon 69003 please",
            "ADDRESS",
            "14 rue des Lilas, app. 12, Lyon 69003",
            id="unit-after-street",
        ),
        pytest.param("she lives in Halifax NS now", "ADDRESS", "Halifax NS", id="residence-province-code"),
        pytest.param(
            "send it to 17 birch hill rd unit 5 concord nh 03301",
            "ADDRESS",
            "17 birch hill rd unit 5 concord nh 03301",
            id="lower-case-street-unit",
        ),
        pytest.param("page me, pgr 5521, if K+ > 6", "PHONE", "5521", id="pager-abbreviated"),
        pytest.param("infusion held 07-11-24 for neutropenia", "DATE", "07-11-24", id="date-two-digit-parts"),
        pytest.param(
            "Oksana (daughter) will translate at the visit", "NAME", "Oksana", id="name-before-bracketed-relative"
        ),
        pytest.param(
            "Tamsin Oyelowo, the research nurse, will call", "NAME", "Tamsin Oyelowo", id="name-before-apposed-role"
        ),
        pytest.param(
            "Clinic list: Jean-Baptiste Mukendi 10:30", "NAME", "Jean-Baptiste Mukendi", id="hyphenated-given-unknown"
        ),
        pytest.param("Postcode LS6 2QB (Leeds), pt is 70", "ADDRESS", "LS6 2QB (Leeds)", id="place-in-brackets"),
        pytest.param(
            "Hauptstraße 12, 10115 Berlin for the courier",
            "ADDRESS",
            "Hauptstraße 12, 10115 Berlin",
            id="street-before-number",
        ),
        pytest.param(
            "lives at Keizersgracht 221, 1016 DV Amsterdam",
            "ADDRESS",
            "Keizersgracht 221, 1016 DV Amsterdam",
            id="dutch-postcode",
        ),
        pytest.param("Via Roma 8, 00184 Roma is her address", "ADDRESS", "Via Roma 8, 00184 Roma", id="via-number"),
        pytest.param("she lives on Maple Ave, ECOG 1", "ADDRESS", "Maple Ave", id="lives-on-street"),
        pytest.param("labs look fine. best, t. okafor", "NAME", "t. okafor", id="lower-signature-with-initial"),
        pytest.param("will recheck Mg tomorrow. Thx! -kelechi", "NAME", "kelechi", id="lower-signature-after-dash"),
        pytest.param("our pt, Mrs W., 77, asks about travel", "NAME", "W.", id="initial-after-title"),
        pytest.param("Hello Dr.Fenwick, one question on E2", "NAME", "Fenwick", id="title-without-space"),
        pytest.param("Surname: Achterberg", "NAME", "Achterberg", id="surname-label"),
        pytest.param("the Hendersons came in for the consent visit", "NAME", "Hendersons", id="family-plural"),
        pytest.param("Is Faye still eligible after the CT?", "NAME", "Faye", id="word-name-after-question-verb"),
        pytest.param("Hosp. No. 40917733 on the label", "MRN", "40917733", id="dotted-hospital-label"),
        pytest.param("went over it with Joy (pharmacist) today", "NAME", "Joy", id="word-name-before-bracketed-role"),
        pytest.param("Precious's daughter will bring her in", "NAME", "Precious", id="word-name-possessive-relative"),
        pytest.param("hi chidimma, quick q about the washout", "NAME", "chidimma", id="lower-case-after-greeting"),
        pytest.param("M.R.N. 4410982, ECOG 1", "MRN", "4410982", id="dotted-mrn"),
        pytest.param("EMPI 30918274 in the referral", "MRN", "30918274", id="empi"),
        pytest.param("unit no. 6623190 on the wristband", "MRN", "6623190", id="unit-number"),
        pytest.param("ID# 5512093 on the sticker", "MRN", "5512093", id="id-hash"),
        pytest.param("ph: 555-0172 after 5pm", "PHONE", "555-0172", id="local-number-after-ph"),
        pytest.param("d.o.b 09 11 1948, ECOG 2", "DATE", "09 11 1948", id="spaced-date-of-birth"),
    ],
)
def test_each_identifier_type_is_replaced(text: str, kind: str, identifier: str) -> None:
    redacted = deidentify(text)
    assert identifier not in redacted
    start = text.index(identifier)
    assert redacted == text[:start] + f"[{kind}]" + text[start + len(identifier) :]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Does Child-Pugh B cirrhosis exclude, or only Child-Pugh C?", id="child-pugh"),
        pytest.param("Patient has NYHA class II heart failure and LVEF 40%.", id="nyha"),
        pytest.param("HIV positive with CD4 350 cells/mm3 — eligible?", id="cd4"),
        pytest.param("My patient has Parkinson's disease on carbidopa/levodopa 25/100 mg.", id="parkinson"),
        pytest.param("Prior Hodgkin lymphoma 12 years ago, in remission.", id="hodgkin"),
        pytest.param("The criterion says 'per Dr. judgement' — who decides?", id="dr-judgement"),
        pytest.param("Is NCT01234567 still recruiting?", id="nct-id"),
        pytest.param("AST 2 x ULN and bilirubin 1.5 x ULN", id="uln"),
        pytest.param("5 mg/kg on day 1 and 3 mg/kg on day 8 of each 21-day cycle", id="dose"),
        pytest.param("72 year old woman, ECOG 2, platelets 90k", id="age-in-years"),
        pytest.param("Last dose in March 2024; LVEF 55% by June 2024.", id="month-and-year"),
        pytest.param("systolic blood pressure between 140-160 mmHG", id="range-not-a-phone"),
        pytest.param("Stage I (140-159/90-99 mmHg) untreated subjects with essential hypertension", id="bp-range"),
        pytest.param("Oral body temperature within the range 35.0-37.5 °C", id="temperature-range"),
        pytest.param("Will she be eligible if her Wells score is 2?", id="common-word-name"),
        pytest.param("The family in Florence can be reached by e-mail.", id="place-after-in"),
        pytest.param("Bristol stool type 6, Tanner stage 4, Glasgow Coma Scale 15", id="eponym-heads"),
        pytest.param("Known hypersensitive reaction to cinnamon.", id="lower-case-word-after-to"),
        pytest.param("Initial WBC < 20,000/µL", id="initial-not-initials"),
        pytest.param("Ages 50-95 years, or from 20 to 90 y/o", id="age-range"),
        pytest.param("pt is 89, ECOG 2", id="age-89"),
        pytest.param("In June 2024 she started Eliquis and Xarelto was stopped.", id="month-and-brands"),
        pytest.param("Can Tylenol be given with it?", id="brand-after-auxiliary"),
        pytest.param("Did May count as cycle 3?", id="month-after-auxiliary"),
        pytest.param("Will the Mayo Clinic accept her?", id="institution"),
        pytest.param("Clark level III melanoma, Breslow 1.2 mm", id="clark-level"),
        pytest.param("Sample: 24 patients per arm", id="sample-size"),
        pytest.param("SN-38 levels after irinotecan", id="sn-38"),
        pytest.param("protocol number ABC12345, amendment 3", id="protocol-number"),
        pytest.param("trial number NCT01234567", id="trial-number"),
        pytest.param("24 hr Holter monitoring; Sig: Take one tablet daily", id="hr-and-sig"),
        pytest.param("dose held for 10-14 days, then 21-28 days off", id="day-ranges"),
        pytest.param("Bring 2 forms to the Cascade 3 site visit", id="capitalised-word-and-number"),
        pytest.param("ok thanks, will do", id="sign-off-before-common-word"),
        pytest.param("thanks, zofran helped her nausea", id="sign-off-before-drug"),
        pytest.param("see you - tomorrow at 9", id="dash-before-common-word"),
        pytest.param("the Alps trip is after cycle 4", id="plural-place"),
        pytest.param("Is Wilson disease an exclusion? Is Rose Bengal staining needed?", id="eponyms-after-is"),
        pytest.param("hi all, quick q; dear colleagues, thanks", id="greetings-to-a-group"),
        pytest.param("ID 10 units daily; pH 7.35; unit 12 of the ward", id="id-ph-unit"),
        pytest.param("Hope (patient-reported) is part of the QoL scale", id="word-before-bracketed-adjective"),
        pytest.param("Metformin (patient-reported) 500 mg", id="drug-before-bracket"),
    ],
)
def test_clinical_content_is_kept(text: str) -> None:
    assert find_identifiers(text) == []
    assert deidentify(text) == text


@pytest.mark.parametrize(
    ("path", "words"),
    [
        pytest.param("NCT01994382_exc.txt", "Richter's syndrome, Burkitt's lymphoma", id="burkitt-richter"),
        pytest.param("NCT01994382_inc.txt", "B-cell Non-Hodgkin lymphoma", id="non-hodgkin"),
        pytest.param("NCT01728194_inc.txt", "Hamilton Depression Rating Scale", id="hamilton"),
        pytest.param("NCT02219880_inc.txt", "Montgomery-Asberg Rating Scale", id="montgomery-asberg"),
        pytest.param("NCT01314898_exc.txt", "Cockcroft-Gault formula", id="cockcroft-gault"),
        pytest.param("NCT02106598_inc.txt", "Gilbert's disease", id="gilbert"),
        pytest.param("NCT01890759_exc.txt", "Guillain-Barré Syndrome", id="guillain-barre"),
        pytest.param("NCT02225548_exc.txt", "(Child-Pugh B)", id="child-pugh"),
        pytest.param("NCT00846703_exc.txt", "No Down syndrome", id="down-syndrome"),
        pytest.param("NCT02186600_exc.txt", "Paget's disease", id="paget"),
        pytest.param("NCT01602081_exc.txt", "Crohn's Disease", id="crohn"),
        pytest.param("NCT01497639_exc.txt", "Beck Depression Inventory", id="beck"),
        pytest.param("NCT01205334_inc.txt", "Karnofsky/Lansky score", id="karnofsky-lansky"),
        pytest.param("NCT02225548_inc.txt", "levodopa therapy", id="parkinson-levodopa"),
        pytest.param("NCT01117181_inc.txt", "Alzheimer's disease", id="alzheimer"),
        pytest.param("NCT02283905_inc.txt", "St. Boniface General Hospital", id="saint-hospital"),
    ],
)
def test_real_criteria_with_eponyms_and_drugs_are_kept(path: str, words: str) -> None:
    (line,) = [line for line in (CHIA / path).read_text(encoding="utf-8").splitlines() if words in line][:1]
    assert find_identifiers(line) == []


def test_the_seed_protocol_keeps_its_criteria_and_finds_its_investigator() -> None:
    """The only person the seed record names is its responsible party, on three lines; nothing else in it
    (criteria, drugs, places, dates aside) is taken for an identifier."""
    text = (ROOT / "corpus" / "NCT01267695.txt").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip()]
    found = [(line, f.type, f.text) for line in lines for f in find_identifiers(line) if f.type != "DATE"]
    assert len(lines) > 50
    assert {(kind, name) for _, kind, name in found} == {("NAME", "Ziyu Li")}
    assert [line for line in lines if "Ziyu Li" in line] == [line for line, _, _ in found]


def test_real_criteria_are_barely_touched() -> None:
    files = sorted(CHIA.glob("*_inc.txt"))[:150]
    lines = [line for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    touched = [line for line in lines if find_identifiers(line)]
    assert len(lines) > 500
    assert len(touched) / len(lines) < 0.01, touched


@pytest.mark.parametrize(
    ("text", "names"),
    [
        pytest.param("her daughters Ruth and Ivy drive her in", ["Ruth", "Ivy"], id="plural-relatives-and"),
        pytest.param("Dr Okwuosa and Grace will see her", ["Okwuosa", "Grace"], id="titled-name-and-word-name"),
        pytest.param("her sons Oskar & Emil", ["Oskar", "Emil"], id="ampersand"),
    ],
)
def test_names_joined_by_and_are_replaced(text: str, names: list[str]) -> None:
    assert [f.text for f in find_identifiers(text) if f.type == "NAME"] == names


def test_a_name_found_in_one_text_is_replaced_in_all() -> None:
    question, answer = deidentify_all(["Mrs. Beatriz Calloway had a stroke. Eligible?", "Calloway is excluded by E3."])
    assert question == "Mrs. [NAME] had a stroke. Eligible?"
    assert answer == "[NAME] is excluded by E3."


MESSAGE = (
    "Mrs Jane Okafor, MRN 00482913, DOB 03/14/1961, lives at 42 Elm Street, Springfield, IL 62704, "
    "jane.okafor@example.org — platelets 90k, can she enroll? call me at (617) 555-0143"
)
MESSAGE_IDS = [
    "Jane",
    "Okafor",
    "00482913",
    "03/14/1961",
    "42 Elm Street",
    "62704",
    "jane.okafor@example.org",
    "555-0143",
]


@pytest.mark.parametrize(
    ("keep", "present"),
    [pytest.param(False, False, id="default-removes"), pytest.param(True, True, id="setting-keeps")],
)
def test_the_setting_decides(tmp_path: Path, keep: bool, present: bool) -> None:
    settings = Settings(data_dir=tmp_path / "data", audit_patient_ids=keep)
    record = AuditRecord(question=MESSAGE, route="check", answer="Mrs Okafor is not eligible.", note="asked by Okafor")
    append_exchange(record, settings)
    raw = settings.audit_path.read_text(encoding="utf-8")
    assert [identifier in raw for identifier in MESSAGE_IDS] == [present] * len(MESSAGE_IDS)
    (line,) = read_exchanges(settings)
    assert ("platelets 90k" in line["question"]) and line["patient_ids"] is keep
    if not keep:
        assert line["answer"] == "Mrs [NAME] is not eligible." and line["note"] == "asked by [NAME]"


def test_free_text_in_facts_and_extra_is_deidentified(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    record = AuditRecord(
        question="Is she eligible?",
        route="check",
        answer="See the verdicts.",
        facts={"observations": [{"concept": "platelets", "date": "2025-02-01", "source": "note by Dr Ada Lindqvist"}]},
        extra={"comment": "call 617-555-0188", "identifier": "x-1"},
    )
    append_exchange(record, settings)
    (line,) = read_exchanges(settings)
    assert line["facts"]["observations"][0] == {
        "concept": "platelets",
        "date": "2025-02-01",
        "source": "note by Dr [NAME]",
    }
    assert line["extra"] == {"comment": "call [PHONE]"}


def test_the_log_of_a_chat_exchange_holds_no_identifier(
    fake_index: ProtocolIndex, seed: Protocol, settings: Settings
) -> None:
    from assistant.chat.chain import ChatSession

    fake_index.ingest([seed])
    session = ChatSession(fake_index, fake_index.settings)
    session.respond(MESSAGE, as_of="2026-11-24")
    raw = settings.audit_path.read_text(encoding="utf-8")
    line = json.loads(raw.splitlines()[-1])
    assert [identifier for identifier in MESSAGE_IDS if identifier in raw] == []
    assert line["question"].startswith("Mrs [NAME], MRN [MRN], DOB [DATE], lives at [ADDRESS], [EMAIL] — platelets 90k")
    assert line["route"] == "patient"


def test_the_evaluation_set_meets_its_recall_target() -> None:
    messages = load_messages()
    scores = score(messages)
    assert len(messages) >= 80 and sum(1 for m in messages if not m.spans) >= 20
    assert scores.recall >= 0.98, scores.misses
    assert scores.char_precision >= 0.95, scores.false_positives


def test_a_label_not_in_its_message_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("messages:\n  - {id: x, text: 'call me', identifiers: [{type: PHONE, text: '555-0100'}]}\n")
    with pytest.raises(ValueError, match=r"message x: identifier '555-0100' is not in its text"):
        load_messages(path)


@pytest.mark.parametrize(
    ("name", "recall"),
    [
        pytest.param("deid_heldout.yaml", 0.98, id="heldout-1-now-tuned-on"),
        pytest.param("deid_heldout2.yaml", 0.98, id="heldout-2-now-tuned-on"),
        pytest.param("deid_heldout3.yaml", 0.98, id="heldout-3-now-tuned-on"),
        pytest.param("deid_heldout4.yaml", 0.98, id="heldout-4-now-tuned-on"),
        pytest.param("deid_heldout5.yaml", 0.98, id="heldout-5-now-tuned-on"),
        pytest.param("deid_heldout6.yaml", 0.98, id="heldout-6-now-tuned-on"),
        pytest.param("deid_heldout7.yaml", 0.80, id="heldout-7-held-out"),
    ],
)
def test_the_held_out_sets_keep_their_floors(name: str, recall: float) -> None:
    """Each set was written before the de-identifier was run on it. Sets 1-6 were measured held out
    (recall 0.839, 0.870, 0.811, 0.811, 0.769, 0.780), then their misses were fixed, so they now guard the
    0.98 target as development data (set 6 now at 1.000). Set 7 is held out: first measured at recall
    0.793, then 0.804 once set 6 was tuned on (still below the target); that is its floor."""
    messages = load_messages(ROOT / "eval" / name)
    scores = score(messages)
    assert len(messages) >= 40 and sum(1 for m in messages if not m.spans) >= 8
    assert scores.recall >= recall, scores.misses
    assert scores.char_precision >= 0.95 and scores.span_precision >= 0.95, scores.false_positives
