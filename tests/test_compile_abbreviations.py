"""Abbreviations a protocol defines, read where a criterion uses them bare; and the "any other" list item."""

from __future__ import annotations

import pytest

from assistant.parse import parse_protocol
from assistant.rules.compile import draft_rules, protocol_abbreviations
from assistant.rules.compile.abbreviations import expand
from tests.conftest import SHARED_PROTOCOLS, one_criterion

pytestmark = pytest.mark.usefixtures("exact_links")


@pytest.mark.parametrize(
    ("record", "short", "long"),
    [
        pytest.param("ctgov-legacy-xml/NCT02438137.xml", "OSA", "Obstructive sleep apnea", id="osa-from-description"),
        pytest.param(
            "ctgov-legacy-xml/NCT02438137.xml",
            "CPAP",
            "Continuous Positive Airway Pressure",
            id="cpap-from-description",
        ),
        pytest.param("ctgov-v2-json/NCT02552212.json", "AS", "ankylosing spondylitis", id="as-from-summary"),
        pytest.param("ctgov-v2-json/NCT02552212.json", "axSpA", "Axial Spondyloarthritis", id="mixed-case-short-form"),
    ],
)
def test_definitions_read_from_the_record(record: str, short: str, long: str) -> None:
    assert protocol_abbreviations(parse_protocol(SHARED_PROTOCOLS / record).text)[short] == long


@pytest.mark.parametrize(
    ("record", "short"),
    [
        pytest.param("ctgov-legacy-xml/NCT01642004.xml", "IV", id="roman-numeral-is-no-route"),
        pytest.param("ctgov-legacy-xml/NCT00734539.xml", "PO", id="letters-do-not-spell-the-words"),
        pytest.param("ctgov-legacy-xml/NCT01207388.xml", "BLAST", id="word-in-capitals-before-a-name"),
        pytest.param("ctgov-legacy-xml/NCT02586688.xml", "Phase I", id="sentence-in-brackets"),
    ],
)
def test_loose_pairs_are_dropped(record: str, short: str) -> None:
    from abbreviations import schwartz_hearst

    text = parse_protocol(SHARED_PROTOCOLS / record).text
    assert short in schwartz_hearst.extract_abbreviation_definition_pairs(doc_text=text, most_common_definition=True)
    assert short not in protocol_abbreviations(text)


DEFINED = {"OSA": "obstructive sleep apnea", "TKI": "tyrosine kinase inhibitor", "PD": "progressive disease"}


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        pytest.param(
            "History of surgical treatment for OSA within past 6 months",
            "History of surgical treatment for obstructive sleep apnea within past 6 months",
            id="bare-short-form",
        ),
        pytest.param("prior TKIs", "prior tyrosine kinase inhibitors", id="plural"),
        pytest.param(
            "obstructive sleep apnea (OSA) confirmed", "obstructive sleep apnea (OSA) confirmed", id="definition-itself"
        ),
        pytest.param("Prior therapy with anti-PD-1", "Prior therapy with anti-PD-1", id="inside-a-longer-token"),
        pytest.param("OSA ON CPAP FOR ALL PATIENTS", "OSA ON CPAP FOR ALL PATIENTS", id="criterion-in-capitals"),
    ],
)
def test_expand(text: str, expanded: str) -> None:
    assert expand(text, DEFINED)[0] == expanded


def test_bare_short_form_compiles_as_the_protocol_defines_it() -> None:
    rule = draft_rules(one_criterion("ctgov-v2-json/NCT02552212.json", "NCT02552212:E1")).rules[0]
    assert set(rule.when) != {"needs_review"}, rule.note
    assert rule.note.startswith("read 'AS' as 'ankylosing spondylitis', as the protocol defines it")
    assert rule.text.startswith("Diagnosis of AS")


def test_any_other_item_reads_as_the_class() -> None:
    rule = draft_rules(one_criterion("ctgov-v2-json/NCT02552212.json", "NCT02552212:E1")).rules[0]
    assert rule.when == {"any": [{"condition": "icd10:M45"}, {"condition": "inflammatory_arthritis"}]}


@pytest.mark.parametrize(
    ("record", "criterion", "when"),
    [
        pytest.param(
            "ctgov-legacy-xml/NCT03459976.xml",
            "NCT03459976:E3",
            {"any": [{"condition": "icd10:C50"}, {"condition": "other_malignancy"}]},
            id="other-malignancy-is-its-own-concept",
        ),
    ],
)
def test_other_item_that_links_as_written_keeps_its_link(record: str, criterion: str, when: dict[str, object]) -> None:
    assert draft_rules(one_criterion(record, criterion)).rules[0].when == when
