"""The condition language: three-valued evaluation (unknown is not no), Kleene any_of /
at_least_of, value tests on concluded facts, and plain-word descriptions."""
import pytest

from lbp_screen.engine.conditions import (
    ConclusionIndex, Truth, all_of, among, answer, any_of, at_least, at_least_held, at_least_of,
    at_least_value, below, below_value, case_pattern_constraints, concluded, not_answered,
    not_concluded, one_of,
)
from tests.engine.toy_kb import Finding, FindingCount, Verdict, labels

HELD, FAILED, UNKNOWN = Truth.HELD, Truth.FAILED, Truth.UNKNOWN


@pytest.mark.parametrize("condition, answers, truth", [
    (answer("sitting", "worse"), {"sitting": "worse"}, HELD),
    (answer("sitting", "worse"), {"sitting": "better"}, FAILED),
    (answer("sitting", "worse"), {}, UNKNOWN),
    (answer("fever", "no"), {}, UNKNOWN),  # a missing answer is not a "no"
    (answer("fever", "no"), {"fever": "no"}, HELD),
    (at_least_value("age", 50), {"age": 50}, HELD),
    (at_least_value("age", 50), {"age": 49}, FAILED),
    (at_least_value("age", 50), {}, UNKNOWN),
    (below_value("age", 18), {"age": 17}, HELD),
    (below_value("age", 18), {"age": 18}, FAILED),
    (below_value("age", 18), {"fever": "yes"}, UNKNOWN),
    (one_of("sitting", "worse", "no_change"), {"sitting": "no_change"}, HELD),
    (one_of("sitting", "worse", "no_change"), {"sitting": "better"}, FAILED),
    (one_of("sitting", "worse", "no_change"), {}, UNKNOWN),
])
def test_answer_conditions_are_three_valued(condition, answers, truth):
    assert condition.evaluate(answers, None) is truth
    assert condition.test(answers) is (truth is HELD)


SITTING_WORSE = answer("sitting", "worse")
STANDING_BETTER = answer("standing", "better")
FEVER = answer("fever", "yes")


@pytest.mark.parametrize("answers, truth", [
    ({"sitting": "worse"}, HELD),                        # one held is enough, unknowns aside
    ({"sitting": "better", "standing": "better"}, HELD),
    ({"sitting": "better"}, UNKNOWN),                    # standing could still hold
    ({}, UNKNOWN),
    ({"sitting": "better", "standing": "worse"}, FAILED),
])
def test_any_of_is_kleene_disjunction(answers, truth):
    assert any_of(SITTING_WORSE, STANDING_BETTER).evaluate(answers, None) is truth


@pytest.mark.parametrize("answers, truth", [
    ({"sitting": "worse", "standing": "better"}, HELD),
    ({"sitting": "worse", "standing": "better", "fever": "no"}, HELD),
    ({"sitting": "worse"}, UNKNOWN),                     # two unknowns could make it
    ({"sitting": "worse", "standing": "worse"}, UNKNOWN),  # fever unknown could make it
    ({"sitting": "worse", "standing": "worse", "fever": "no"}, FAILED),
    ({"sitting": "better", "standing": "worse"}, FAILED),  # one unknown cannot make two
])
def test_at_least_of_counts_held_and_unknown(answers, truth):
    assert at_least_of(2, SITTING_WORSE, STANDING_BETTER, FEVER).evaluate(answers, None) is truth


def test_all_of_fails_on_any_failure_and_is_unknown_on_any_unknown():
    assert all_of([HELD, HELD]) is HELD
    assert all_of([HELD, UNKNOWN]) is UNKNOWN
    assert all_of([UNKNOWN, FAILED, HELD]) is FAILED
    assert all_of([]) is HELD


def test_at_least_held_boundaries():
    assert at_least_held(0, []) is HELD
    assert at_least_held(1, []) is FAILED
    assert at_least_held(2, [HELD, UNKNOWN, FAILED]) is UNKNOWN
    assert at_least_held(2, [HELD, FAILED, FAILED]) is FAILED


def test_condition_fields_include_nested_options():
    condition = at_least_of(1, SITTING_WORSE, any_of(STANDING_BETTER, below_value("age", 18)))
    assert condition.fields() == {"sitting", "standing", "age"}
    assert not_answered("age").fields() == {"age"}


@pytest.mark.parametrize("test, actual, holds", [
    (at_least(2), 2, True),
    (at_least(2), 1, False),
    (below(2), 1, True),
    (below(2), 2, False),
    (at_least(1), True, False),   # a bool is not a count
    (below(5), "3", False),       # nor is text
    (among("a", "b"), "b", True),
    (among("a", "b"), "c", False),
])
def test_threshold_value_tests(test, actual, holds):
    assert test.holds_for(actual) is holds


def test_threshold_descriptions():
    assert at_least(2).describe() == "at least 2"
    assert below(18).describe() == "below 18"
    assert among("emergency", "urgent").describe() == "one of emergency / urgent"


def test_concluded_and_not_concluded_read_working_memory():
    facts = ConclusionIndex([Finding(direction="up", rule="R-A"),
                             FindingCount(up=3, down=0, rule="R-B")])
    assert concluded(Finding, direction="up").evaluate({}, facts) is HELD
    assert concluded(Finding, direction="down").evaluate({}, facts) is FAILED
    assert concluded(FindingCount, up=at_least(2), down=0).evaluate({}, facts) is HELD
    assert concluded(FindingCount, up=at_least(4)).evaluate({}, facts) is FAILED
    assert concluded(Verdict).evaluate({}, facts) is FAILED
    assert not_concluded(Finding, direction="down").evaluate({}, facts) is HELD
    assert not_concluded(Finding, direction=among("up", "down")).evaluate({}, facts) is FAILED


def test_concluded_matches_only_its_own_fact_type_with_every_field_present():
    condition = concluded(FindingCount, up=at_least(1))
    assert condition.matches(FindingCount(up=1, rule="R-X"))
    assert not condition.matches(FindingCount(down=1, rule="R-X"))
    assert not condition.matches(Finding(up=1, rule="R-X"))


def test_not_answered_holds_only_when_the_field_is_missing():
    assert not_answered("age").evaluate({}, None) is HELD
    assert not_answered("age").evaluate({"age": 40}, None) is FAILED


def test_descriptions_use_the_knowledge_base_labels():
    words = labels()
    assert answer("sitting", "worse").describe(words) == "sitting is worse"
    assert at_least_value("age", 50).describe(words) == "age is at least 50"
    assert below_value("age", 18).describe(words) == "age is below 18"
    assert one_of("sitting", "worse", "better").describe(words) == "sitting is one of worse / better"
    assert any_of(SITTING_WORSE, FEVER).describe(words) == "any of: sitting is worse; fever is yes"
    assert (at_least_of(2, SITTING_WORSE, FEVER).describe(words)
            == "at least 2 of: sitting is worse; fever is yes")
    assert not_answered("age").describe(words) == "age was not answered"
    assert concluded(FindingCount, up=at_least(2)).describe(words) == "FindingCount with up at least 2"
    assert (not_concluded(Verdict, value="a").describe(words)
            == "no conclusion that Verdict with value a")


def test_pattern_constraints_refuse_composite_conditions():
    with pytest.raises(TypeError, match="not a single-field condition"):
        case_pattern_constraints([any_of(SITTING_WORSE, FEVER)])


def test_pattern_constraints_join_tests_on_one_field():
    constraints = case_pattern_constraints([at_least_value("age", 18), below_value("age", 65)])
    assert list(constraints) == ["age"]
