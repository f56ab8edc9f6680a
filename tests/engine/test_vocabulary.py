"""Validation of raw cases against the toy vocabulary: accepted spellings, not known (never
no), errors that name every problem in field order, premises and contradictions, and the
strict JSON reader."""
from __future__ import annotations

import math

import pytest

from lbp_screen.engine.service import ScreeningService
from lbp_screen.engine.vocabulary import CaseError, InvalidJSON, DuplicateField, parse_json
from tests.engine.toy_kb import TOY_KB, VOCABULARY


def validate(raw, label=None):
    return VOCABULARY.validate(raw, label)


@pytest.mark.parametrize("spelling", ["yes", " YES ", "y", True, 1, 1.0])
def test_accepted_spellings_of_yes(spelling):
    assert validate({"fever": spelling}).answers == {"fever": "yes"}


@pytest.mark.parametrize("blank", [None, "", "  ", "unknown", "UNKNOWN", "null"])
def test_blank_and_unknown_are_not_known_never_no(blank):
    case = validate({"fever": blank, "age": blank})
    assert case.answers == {} and {"fever", "age"} <= set(case.not_known)


def test_answers_come_back_canonical_in_vocabulary_order():
    case = validate({"age": "40", "fever": "n", "sitting": "Same", "case_id": " c-1 "})
    assert case.case_id == "c-1"
    assert list(case.answers.items()) == [("sitting", "no_change"), ("fever", "no"), ("age", 40)]
    assert case.not_known == ("standing", "chills", "pets")


@pytest.mark.parametrize("value", [121, -1, "40.5", "forty", math.nan, math.inf, True,
                                   pytest.param(10 ** 400, id="400-digits")])
def test_a_bad_number_is_an_error_never_a_clamp(value):
    with pytest.raises(CaseError) as refused:
        validate({"case_id": "c-2", "age": value})
    problem, = refused.value.problems
    assert problem.field == "age" and "0 to 120" in problem.expected
    assert "c-2" in str(refused.value)


def test_misspelt_fields_and_values_get_a_did_you_mean():
    with pytest.raises(CaseError) as refused:
        validate({"siting": "worse", "standing": "bettr"})
    suggestions = {p.field: p.suggestion for p in refused.value.problems}
    assert suggestions == {"standing": "better", "siting": "sitting"}


@pytest.mark.parametrize("lookalike", ["NA", "n/a", "None", "-"])
def test_missing_lookalikes_are_refused_and_never_suggested_as_an_answer(lookalike):
    with pytest.raises(CaseError) as refused:
        validate({"fever": lookalike})
    problem, = refused.value.problems
    assert problem.suggestion is None and "leave it blank or write unknown" in problem.expected


def test_every_problem_of_a_case_is_reported_together_in_field_order():
    with pytest.raises(CaseError) as refused:
        validate({"zzz": 1, "age": 500, "fever": "maybe", "sitting": "sometimes"}, label="row 4")
    assert [p.field for p in refused.value.problems] == ["sitting", "fever", "age", "zzz"]
    assert str(refused.value).startswith("row 4: 4 problems")
    assert refused.value.to_dict()["problems"][0]["field"] == "sitting"


def test_an_answer_presuming_a_denied_premise_is_a_contradiction():
    with pytest.raises(CaseError) as refused:
        validate({"fever": "no", "chills": "yes"})
    problem, = refused.value.problems
    assert problem.field == "chills" and problem.conflicts_with == {"fever": "no"}
    assert "there is a fever" in problem.expected
    # a "no", or an unknown premise, is consistent
    assert validate({"fever": "no", "chills": "no"}).answers == {"fever": "no", "chills": "no"}
    assert validate({"chills": "yes"}).answers == {"chills": "yes"}


def test_a_case_that_is_not_a_mapping_is_refused():
    with pytest.raises(CaseError, match="JSON object"):
        validate(["fever", "yes"], label="case.json")


def test_the_service_lists_the_vocabulary_with_its_premises():
    fields = {f["field"]: f for f in ScreeningService(TOY_KB).vocabulary()}
    assert list(fields) == list(VOCABULARY.fields)
    assert fields["fever"]["allowed"] == ["yes", "no"] and fields["fever"]["kind"] == "yes/no"
    assert fields["age"]["kind"] == "number" and "0 to 120" in fields["age"]["allowed"][0]
    assert fields["chills"]["asked_only_when"] == "there is a fever"
    assert fields["chills"]["presumed_by"] == ["yes"] and fields["fever"]["presumed_by"] is None


@pytest.mark.parametrize("text, words", [
    ('{"age": NaN}', "NaN is not a number"),
    ('{"age": 1' + "0" * 5000 + "}", "too many digits"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"age": 4', "not valid JSON"),
])
def test_json_that_is_not_standard_is_refused_with_the_reason(text, words):
    with pytest.raises(InvalidJSON, match=words):
        parse_json(text)


def test_a_field_named_twice_in_json_is_refused():
    with pytest.raises(DuplicateField, match="'fever' appears twice"):
        parse_json('{"fever": "yes", "fever": "no"}')
