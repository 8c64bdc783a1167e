"""Criteria stated together, on real registry records: the items under a lead-in ("… one of the following:",
"… except:") and alternatives side by side ("men age ≥55 years" … "women age ≥50 years with …"); how the
compiler drafts them, how a rules file states them, and how the checker reads them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.check import check_patient
from assistant.errors import RulesError
from assistant.parse import parse_protocol
from assistant.patient.facts import PatientFacts
from assistant.rules.compile import draft_rules, dump_rules
from assistant.rules.compile.groups import draft_groups
from assistant.rules.groups import GroupPlan, resolve
from assistant.rules.load import compile_document
from assistant.rules.schema import parse_document
from assistant.types import Protocol, Status, Verdict

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "protocols"


def _record(nct: str) -> Protocol:
    for folder, suffix in (("ctgov-legacy-xml", ".xml"), ("ctgov-v2-json", ".json")):
        path = SHARED / folder / f"{nct}{suffix}"
        if path.exists():
            return parse_protocol(path)
    raise FileNotFoundError(nct)


def test_a_wrapped_line_ending_with_a_colon_stays_in_its_criterion() -> None:
    """NCT01298141: "… for\\n Fabry disease by meeting one of the following criteria:" was cut at the line end,
    its last line read as a category heading."""
    criteria = {c.id: c for c in _record("NCT01298141").criteria}
    assert " ".join(criteria["NCT01298141:I3"].text.split()).endswith(
        "for Fabry disease by meeting one of the following criteria:"
    )
    assert criteria["NCT01298141:I4"].parent == "NCT01298141:I3"


@pytest.mark.parametrize(
    ("nct", "criterion", "words"),
    [
        pytest.param("NCT03599518", "NCT03599518:E2", "rearranged during transfection (RET) rearrangement", id="ret"),
        pytest.param("NCT03245528", "NCT03245528:I1", "norepinephrine (NE) equivalent unit dose", id="ne"),
    ],
)
def test_a_bracketed_abbreviation_opening_a_wrapped_line_is_no_bullet(nct: str, criterion: str, words: str) -> None:
    """ "(RET) rearrangement, …" on a line of its own continues the criterion; "(a)", "(2)", "(iv)" are bullets."""
    criteria = {c.id: " ".join(c.text.split()) for c in _record(nct).criteria}
    assert words in criteria[criterion]


@pytest.mark.parametrize(
    ("nct", "lead", "join", "at_least", "members"),
    [
        pytest.param("NCT01298141", "NCT01298141:I3", "any", 1, 5, id="by-meeting-one-of-the-following"),
        pytest.param("NCT01298141", "NCT01298141:I9", "any", 2, 8, id="including-any-2-of-the-following"),
        pytest.param("NCT01298141", "NCT01298141:I4", "examples", 2, 4, id="or-any-2-of-the-following"),
        pytest.param("NCT00482794", "NCT00482794:I1", "any", 1, 2, id="one-or-both-of-the-following"),
        pytest.param("NCT00513591", "NCT00513591:I3", "examples", 1, 10, id="including"),
        pytest.param("NCT03599518", "NCT03599518:E8", "except", 1, 4, id="except"),
        pytest.param("NCT04207047", "NCT04207047:I7", "definition", 1, 3, id="not-of-childbearing-potential-if"),
        pytest.param("NCT01841593", "NCT01841593:E1", "any", 1, 11, id="exclusion-header"),
        pytest.param("NCT02586688", "NCT02586688:E10", "any", 1, 9, id="unless-inside-brackets-is-no-exception"),
        pytest.param("NCT01174550", None, "any", 1, 4, id="one-sex-at-two-ages"),
        pytest.param("NCT03599518", "NCT03599518:I3", "any", 1, 2, id="items-ending-with-or"),
    ],
)
def test_groups_drafted_from_the_words(nct: str, lead: str | None, join: str, at_least: int, members: int) -> None:
    groups = draft_groups(_record(nct))
    found = [g for g in groups if g.get("lead") == lead]
    assert len(found) == 1, groups
    assert (found[0]["join"], found[0].get("at_least", 1), len(found[0]["members"])) == (join, at_least, members)
    assert found[0]["note"]


def test_a_lead_in_that_says_nothing_of_its_items_makes_no_group() -> None:
    """NCT03245528:I1's one sub-item, NCT02970669:I4's remark on EF ranges: no words of a group."""
    assert draft_groups(_record("NCT03245528")) == []
    assert draft_groups(_record("NCT02970669")) == []


def _check(nct: str, facts: dict[str, Any]) -> dict[str, Verdict]:
    protocol = _record(nct)
    rules = compile_document(draft_rules(protocol), protocol, "compiled")
    check = check_patient(protocol, PatientFacts.model_validate(facts), dt.date(2025, 1, 1), rules)
    return {v.criterion_id.rsplit(":", 1)[1]: v for v in check.verdicts}


@pytest.mark.parametrize(
    ("sex", "age", "expected"),
    [
        # 60-year-old man: "men age ≥55 years" is met, so the other alternatives are not needed
        pytest.param("male", 60, {"I4": "satisfied", "I5": "not_applicable", "I6": "not_applicable"}, id="man-60"),
        # 50-year-old man: under 55, but "men age ≥45 years with increased probability of CAD …" is open
        pytest.param("male", 50, {"I4": "needs_review", "I5": "needs_review", "I7": "not_applicable"}, id="man-50"),
        # 40-year-old man: too young for either of the men's alternatives
        pytest.param("male", 40, {"I4": "violated", "I5": "violated", "I6": "not_applicable"}, id="man-40"),
        # 57-year-old woman: under 65 is not decisive while "women age ≥50 years with …" is open
        pytest.param("female", 57, {"I6": "needs_review", "I7": "needs_review", "I4": "not_applicable"}, id="woman-57"),
    ],
)
def test_alternatives_side_by_side(sex: str, age: int, expected: dict[str, Status]) -> None:
    """NCT01174550 lists 'men age ≥55 years', 'men age ≥45 years with …', 'women age ≥65 years', 'women age
    ≥50 years with …' as bullets of their own: a woman of 57 was ineligible by 'women age ≥65 years'."""
    verdicts = _check("NCT01174550", {"sex": sex, "age": age})
    assert {k: verdicts[k].status for k in expected} == expected, {k: verdicts[k].reason for k in expected}


def test_an_item_that_is_not_needed_says_which_met_the_group() -> None:
    verdicts = _check("NCT01174550", {"sex": "male", "age": 60})
    assert verdicts["I5"].reason == "not needed: I4 met, and one of I4, I5, I6, I7 is required"
    assert "not decisive" in _check("NCT01174550", {"sex": "female", "age": 57})["I6"].reason


def test_items_of_a_definition_are_no_requirement() -> None:
    """NCT04207047:I7: "Women will not be considered of childbearing potential if one of the following …":
    'Postmenopausal for at least 12 months' is part of a definition, not a criterion a man violates."""
    verdicts = _check("NCT04207047", {"sex": "male", "age": 40})
    assert {verdicts[k].status for k in ("I8", "I9", "I10")} == {"not_applicable"}
    assert verdicts["I8"].reason == "part of the definition in I7, read with it"


def _verdict(cid: str, kind: str, status: Status, reason: str = "own reason") -> Verdict:
    return Verdict(f"NCT01298141:{cid}", kind, f"text of {cid}", status, reason)  # type: ignore[arg-type]


def _plan(join: str, members: int, at_least: int = 1, lead_read: bool = False) -> GroupPlan:
    return GroupPlan(0, tuple(range(1, members + 1)), join, at_least, lead_read, 0)  # type: ignore[arg-type]


S: Status = "satisfied"
V: Status = "violated"
U: Status = "unknown"
R: Status = "needs_review"
N: Status = "not_applicable"


@pytest.mark.parametrize(
    ("join", "at_least", "lead", "items", "expected"),
    [
        pytest.param("any", 1, R, [V, S, U], [S, N, S, N], id="any-met"),
        pytest.param("any", 1, R, [V, V, N], [V, V, V, N], id="any-none-can-be-met"),
        pytest.param("any", 1, R, [V, U, R], [U, U, U, R], id="any-open-unknown-first"),
        pytest.param("any", 1, R, [V, R], [R, R, R], id="any-open-review"),
        pytest.param("any", 2, R, [S, V, U], [U, S, U, U], id="two-of-one-met-one-open"),
        pytest.param("any", 2, R, [S, V, V], [V, S, V, V], id="two-of-only-one-can-be"),
        pytest.param("all", 1, R, [S, U], [U, S, U], id="all-open"),
        pytest.param("all", 1, R, [S, V], [V, S, V], id="all-one-failed"),
        pytest.param("all", 1, R, [S, S], [S, S, S], id="all-met"),
        pytest.param("examples", 1, R, [V, S], [S, N, S], id="examples-one-met"),
        pytest.param("examples", 1, R, [V, V], [R, N, N], id="examples-none-met-lead-decides"),
        pytest.param("definition", 1, R, [V, S], [R, N, N], id="definition"),
    ],
)
def test_resolve_inclusion_groups(
    join: str, at_least: int, lead: Status, items: list[Status], expected: list[Status]
) -> None:
    verdicts = [_verdict("I3", "inclusion", lead)] + [
        _verdict(f"I{4 + i}", "inclusion", status) for i, status in enumerate(items)
    ]
    resolved = resolve(verdicts, [_plan(join, len(items), at_least)])
    assert [v.status for v in resolved] == expected, [v.reason for v in resolved]


@pytest.mark.parametrize(
    ("join", "lead", "items", "expected"),
    [
        # "Has history of other active malignancy within 3 years prior to enrollment, except:"
        pytest.param("except", V, [V, S], [R, N, N], id="except-lead-held-may-be-excepted"),
        pytest.param("except", S, [V], [S, N], id="except-lead-not-held-stands"),
        # "Subjects who meet any of the following exclusion criteria are not to be enrolled"
        pytest.param("any", R, [S, V], [V, S, V], id="exclusion-header-one-excludes"),
        pytest.param("any", R, [S, S], [S, S, S], id="exclusion-header-none-excludes"),
        pytest.param("any", R, [S, U], [U, S, U], id="exclusion-header-open"),
    ],
)
def test_resolve_exclusion_groups(join: str, lead: Status, items: list[Status], expected: list[Status]) -> None:
    verdicts = [_verdict("E9", "exclusion", lead)] + [
        _verdict(f"E{10 + i}", "exclusion", status) for i, status in enumerate(items)
    ]
    resolved = resolve(verdicts, [_plan(join, len(items))])
    assert [v.status for v in resolved] == expected, [v.reason for v in resolved]


def test_a_lead_in_read_by_its_own_rule_keeps_its_verdict() -> None:
    verdicts = [_verdict("I3", "inclusion", V, "its own")] + [
        _verdict("I4", "inclusion", S),
        _verdict("I5", "inclusion", V),
    ]
    resolved = resolve(verdicts, [_plan("any", 2, 1, lead_read=True)])
    assert (resolved[0].status, resolved[0].reason) == (V, "its own")


def test_inner_groups_are_resolved_first() -> None:
    """NCT01298141: I4 ("… or any 2 of the following:") is itself an item of I3 ("… one of the following")."""
    verdicts = [
        _verdict("I3", "inclusion", R),
        _verdict("I4", "inclusion", R),
        _verdict("I5", "inclusion", S),
        _verdict("I6", "inclusion", S),
        _verdict("I7", "inclusion", V),
    ]
    outer = GroupPlan(0, (1, 4), "any", 1, False, 0)
    inner = GroupPlan(1, (2, 3), "examples", 2, False, 1)
    resolved = resolve(verdicts, [outer, inner])
    assert [v.status for v in resolved] == [S, S, S, S, N]


def _document(groups: list[dict[str, Any]]) -> dict[str, Any]:
    protocol = _record("NCT01174550")
    data = yaml.safe_load(dump_rules(draft_rules(protocol)))
    data["groups"] = groups
    return data


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        pytest.param(
            [{"members": ["NCT01174550:I4", "NCT01174550:I5"], "join": "any", "why": "x"}],
            "groups[0]: unknown key 'why'; valid keys: lead, members, join, at_least, note",
            id="unknown-key",
        ),
        pytest.param(
            [{"members": ["NCT01174550:I4", "NCT01174550:I5"], "join": "either"}],
            "invalid value 'either'",
            id="unknown-join",
        ),
        pytest.param(
            [{"members": ["NCT01174550:I4", "NCT01174550:I5"], "join": "any", "at_least": 3}],
            "at_least is 3, but the group has 2 members",
            id="more-than-its-members",
        ),
        pytest.param(
            [{"lead": "NCT01174550:I4", "members": ["NCT01174550:I4", "NCT01174550:I5"], "join": "all"}],
            "the lead NCT01174550:I4 is also a member",
            id="lead-is-a-member",
        ),
        pytest.param(
            [{"members": ["NCT01174550:I4", "NCT01174550:I99"], "join": "any"}],
            "groups[0].members: 'NCT01174550:I99' is not a criterion of the protocol",
            id="unknown-criterion",
        ),
        pytest.param(
            [
                {"members": ["NCT01174550:I4", "NCT01174550:I5"], "join": "any"},
                {"members": ["NCT01174550:I5", "NCT01174550:I6"], "join": "any"},
            ],
            "groups[1].members: NCT01174550:I5 is already an item of groups[0]",
            id="item-in-two-groups",
        ),
    ],
)
def test_a_bad_group_is_refused_with_its_place(groups: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(RulesError) as caught:
        compile_document(parse_document(_document(groups), "rules"), _record("NCT01174550"), "reviewed")
    assert message in str(caught.value)


def test_a_drafted_rules_file_with_groups_reads_back_the_same() -> None:
    """A person reviews a draft by editing it: the groups survive the round trip through YAML."""
    protocol = _record("NCT01298141")
    draft = draft_rules(protocol)
    again = parse_document(yaml.safe_load(dump_rules(draft)), "draft")
    assert again.groups == draft.groups and len(again.groups) == 4
    assert len(compile_document(again, protocol, "compiled").groups) == 4
