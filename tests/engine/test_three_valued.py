"""The condition language's three-valued reading, end to end on toy rulebooks: what a
condition evaluates to (HELD, FAILED, UNKNOWN) is what experta fires on.  Unknown is not
no, and an exemption (``unless``) is granted only by an explicit answer."""
from __future__ import annotations

import pytest
from hypothesis import given, settings

from lbp_screen.engine.conditions import (
    Truth, all_of_these, answer, any_of, at_least_of, at_least_value, below_value, not_answered,
    one_of, unless,
)
from lbp_screen.engine.rulebook import conclude
from lbp_screen.engine.runner import Screener
from tests.engine.toy_kb import Verdict, toy_cases, toy_kb, toy_rule

HELD, FAILED, UNKNOWN = Truth.HELD, Truth.FAILED, Truth.UNKNOWN
NOT_FEVER = unless(answer("fever", "yes"))


def fired(kb, raw) -> list[str]:
    screener = Screener(kb)
    return screener.run(screener.validate(raw)).fired_rules


@pytest.mark.parametrize("answers, truth", [
    ({}, HELD),                  # not asked: the exemption is not granted
    ({"fever": "no"}, HELD),
    ({"fever": "yes"}, FAILED),  # only an explicit answer grants it
])
def test_an_exemption_is_granted_only_by_an_explicit_answer(answers, truth):
    assert NOT_FEVER.evaluate(answers, None) is truth
    assert NOT_FEVER.fields() == {"fever"}


def test_an_exemption_on_a_composite_is_granted_only_when_the_composite_holds():
    exemption = unless(any_of(answer("fever", "yes"), below_value("age", 18)))
    assert exemption.evaluate({"age": 40}, None) is HELD       # fever could still grant it
    assert exemption.evaluate({"age": 12}, None) is FAILED
    assert exemption.evaluate({"fever": "no", "age": 40}, None) is HELD


@pytest.mark.parametrize("answers, truth", [
    ({"sitting": "worse", "fever": "yes"}, HELD),
    ({"sitting": "worse"}, UNKNOWN),
    ({"sitting": "worse", "fever": "no"}, FAILED),
    ({"fever": "no"}, FAILED),   # one failure is enough, whatever is unknown
])
def test_all_of_these_is_kleene_conjunction(answers, truth):
    assert all_of_these(answer("sitting", "worse"), answer("fever", "yes")).evaluate(answers, None) is truth


def test_nested_conditions_combine_three_valued():
    condition = any_of(all_of_these(answer("sitting", "worse"), answer("fever", "yes")),
                       at_least_value("age", 65))
    assert condition.evaluate({"sitting": "worse", "age": 40}, None) is UNKNOWN
    assert condition.evaluate({"sitting": "better", "age": 40}, None) is FAILED
    assert condition.evaluate({"sitting": "better", "age": 70}, None) is HELD
    assert condition.fields() == {"sitting", "fever", "age"}


# ---------------------------------------------------------------- what experta fires

RULES = [
    toy_rule("R-TOY-NO-FEVER", [answer("fever", "no")], [conclude(Verdict, value="no_fever")]),
    toy_rule("R-TOY-SIT-UNLESS-FEVER", [answer("sitting", "worse"), NOT_FEVER],
             [conclude(Verdict, value="sitting")]),
    toy_rule("R-TOY-ANY", [any_of(answer("standing", "better"), below_value("age", 18))],
             [conclude(Verdict, value="any")]),
    toy_rule("R-TOY-TWO", [at_least_of(2, answer("sitting", "worse"), answer("standing", "worse"),
                                       answer("fever", "yes"))], [conclude(Verdict, value="two")]),
    toy_rule("R-TOY-ALL", [all_of_these(one_of("sitting", "worse", "no_change"), at_least_value("age", 50))],
             [conclude(Verdict, value="all")]),
    toy_rule("R-TOY-NO-AGE", [not_answered("age")], [conclude(Verdict, value="no_age")]),
]
KB = toy_kb(RULES)


def test_a_missing_answer_is_never_read_as_no():
    assert "R-TOY-NO-FEVER" not in fired(KB, {})
    assert "R-TOY-NO-FEVER" not in fired(KB, {"fever": "unknown"})
    assert "R-TOY-NO-FEVER" not in fired(KB, {"fever": ""})
    assert "R-TOY-NO-FEVER" in fired(KB, {"fever": "no"})


def test_a_rule_with_an_exemption_fires_until_an_answer_grants_it():
    assert "R-TOY-SIT-UNLESS-FEVER" in fired(KB, {"sitting": "worse"})
    assert "R-TOY-SIT-UNLESS-FEVER" in fired(KB, {"sitting": "worse", "fever": "no"})
    assert "R-TOY-SIT-UNLESS-FEVER" not in fired(KB, {"sitting": "worse", "fever": "yes"})
    # the exemption is no evidence for the conclusion: the other condition must hold
    assert "R-TOY-SIT-UNLESS-FEVER" not in fired(KB, {"fever": "no"})


@settings(max_examples=60)
@given(raw=toy_cases())
def test_a_rule_fires_exactly_when_its_conditions_hold(raw):
    """The three-valued reading after the run agrees with experta's matching: a rule on
    answers alone fired if and only if every one of its conditions is HELD (an UNKNOWN,
    like a FAILED, never fires)."""
    screener = Screener(KB)
    case = screener.validate(raw)
    run = screener.run(case)
    for rule in KB.rules:
        truths = [c.evaluate(case.answers, None) for c in rule.when]
        assert (rule.id in run.fired_rules) == all(t is HELD for t in truths), (rule.id, truths)
