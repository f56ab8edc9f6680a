"""Psychosocial risk: the Keele STarT Back scoring, by rules, against a table of every
boundary and against the published scoring as an independent oracle."""
from __future__ import annotations

import itertools

import pytest
from hypothesis import given, strategies as st

from tests import bundled
from lbp_screen.knowledge.rules.psychosocial import ITEMS
from tests.conftest import KB, valid_cases

FIELDS = [field for field, _, _ in ITEMS]
BOTHER = KB.vocabulary["startback_bothersomeness"].kind.values


def published_group(answers: dict) -> str:
    """Hill et al. 2008, written independently of the rules: items 1-8 score on 'agree',
    item 9 on 'very much' or 'extremely'; total <= 3 low; else subscale (5-9) >= 4 high,
    otherwise medium."""
    points = [answers[f] == "agree" for f in FIELDS[:8]]
    points.append(answers[FIELDS[8]] in ("very_much", "extremely"))
    total, subscale = sum(points), sum(points[4:])
    if total <= 3:
        return "low"
    return "high" if subscale >= 4 else "medium"


def case_with(physical: int, psychological: int, bother: str) -> dict:
    """``physical`` of items 1-4 and ``psychological`` of items 5-8 agreed, item 9 as given."""
    case = {f: ("agree" if i < physical else "disagree") for i, f in enumerate(FIELDS[:4])}
    case.update({f: ("agree" if i < psychological else "disagree") for i, f in enumerate(FIELDS[4:8])})
    case[FIELDS[8]] = bother
    return case


# (items 1-4 agreed, items 5-8 agreed, item 9) -> group: every boundary of the published scoring
TABLE = [
    (3, 0, "not_at_all", "low"),      # total 3
    (3, 0, "very_much", "medium"),    # total 4 (item 9 scores), subscale 1
    (4, 0, "moderately", "medium"),   # total 4, item 9 does not score
    (0, 3, "slightly", "low"),        # total 3, subscale 3
    (1, 3, "slightly", "medium"),     # total 4, subscale 3
    (0, 3, "extremely", "high"),      # total 4, subscale 3 + item 9 = 4
    (0, 4, "not_at_all", "high"),     # total 4, subscale 4
    (4, 3, "moderately", "medium"),   # total 7, subscale 3
    (4, 3, "very_much", "high"),      # total 8, subscale 4
    (4, 4, "extremely", "high"),      # total 9
    (0, 0, "not_at_all", "low"),      # total 0
]


@pytest.mark.parametrize("physical,psychological,bother,group", TABLE)
def test_scoring_at_every_boundary(physical, psychological, bother, group):
    case = case_with(physical, psychological, bother)
    assert published_group(case) == group
    result = bundled.screen(case)["psychosocial_risk"]
    assert result["group"] == group and result["missing"] == []
    assert result["total"] == physical + psychological + (bother in ("very_much", "extremely"))


@pytest.mark.parametrize("bother", BOTHER)
def test_each_bothersomeness_answer(bother):
    scores = bother in ("very_much", "extremely")
    case = case_with(0, 3, bother)
    assert bundled.screen(case)["psychosocial_risk"]["group"] == ("high" if scores else "low")
    assert bundled.screen(case)["psychosocial_risk"]["psychosocial_subscale"] == 3 + scores


def test_every_complete_answer_set_gets_the_published_group():
    for values in itertools.product(("agree", "disagree"), repeat=8):
        for bother in ("slightly", "very_much"):
            case = {**dict(zip(FIELDS, values)), FIELDS[8]: bother}
            assert bundled.screen(case)["psychosocial_risk"]["group"] == published_group(case)


@st.composite
def partial_items(draw):
    answers = {}
    for field in FIELDS:
        choice = draw(st.sampled_from([None, "agree", "disagree"] if field != FIELDS[8]
                                      else [None, *BOTHER]))
        if choice is not None:
            answers[field] = choice
    return answers


def _completions(answers):
    missing = [f for f in FIELDS if f not in answers]
    options = [("agree", "disagree") if f != FIELDS[8] else BOTHER for f in missing]
    for values in itertools.product(*options):
        yield {**answers, **dict(zip(missing, values))}


@given(partial_items())
def test_a_missing_item_never_lowers_the_group_silently(answers):
    risk = bundled.screen(answers)["psychosocial_risk"]
    groups = {published_group(c) for c in _completions(answers)}
    assert risk["missing"] == [f for f in FIELDS if f not in answers]
    if risk["group"] == "not_assessed":
        assert len(groups) > 1  # the missing items could really change it
        assert risk["missing"]
    else:
        assert groups == {risk["group"]}  # every way of answering them gives this group


@given(partial_items(), valid_cases())
def test_the_group_is_a_pure_function_of_the_nine_items(items, other):
    other = {k: v for k, v in other.items() if k not in FIELDS}
    alone = bundled.screen(items)["psychosocial_risk"]
    together = bundled.screen({**other, **items})["psychosocial_risk"]
    assert alone == together


def test_the_stratification_is_not_a_diagnosis_and_the_items_cite_keele():
    risk = bundled.screen({})["psychosocial_risk"]
    assert "Not a diagnosis" in risk["note"] and "not a treatment order" in risk["note"]
    for field in FIELDS:
        spec = KB.vocabulary[field]
        assert "Keele" in spec.help and "official wording" in spec.help
    assert "keele_startback_2008" in KB.sources


def test_stress_is_a_possible_contributor_not_a_mechanism():
    from lbp_screen.knowledge.causes import CAUSES
    assert "possible contributor" in CAUSES["stress_anxiety"].description
    for rule in KB.rules:
        if rule.id.startswith("R-CAUSE-STRESS"):
            assert "braced" not in rule.rationale and "possible contributor" in rule.rationale
