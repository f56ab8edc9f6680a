"""check_rulebook refuses a broken rulebook before any case is screened, naming the rule and
what is wrong; compile_engine and every screening service build on it; and the firing
order follows the phases (salience) as the agenda changes, then rulebook order."""
from __future__ import annotations

import pytest

from lbp_screen.engine.conditions import (
    answer, any_of, at_least_value, concluded, not_answered, one_of, unless,
)
from lbp_screen.engine.rulebook import RulebookError, check_rulebook, compile_engine, conclude
from lbp_screen.engine.runner import Screener
from lbp_screen.engine.service import ScreeningService
from tests.engine.toy_kb import RULES, TOY_KB, Finding, Verdict, toy_kb, toy_rule

FEVER = [answer("fever", "yes")]
ALARM = [conclude(Verdict, value="alarm")]


@pytest.mark.parametrize("rules, words", [
    ([toy_rule("R-TOY-A", FEVER, ALARM), toy_rule("R-TOY-A", FEVER, ALARM)], ["'R-TOY-A'", "duplicate"]),
    ([toy_rule("toy-a", FEVER, ALARM)], ["'toy-a'", "R-TOPIC-NAME"]),
    ([toy_rule("R-TOY-A", FEVER, ALARM, source="[nowhere] p. 1")], ["'R-TOY-A'", "[nowhere] p. 1"]),
    ([toy_rule("R-TOY-A", FEVER, ALARM, source="[toy]; [nowhere]")], ["'R-TOY-A'", "[nowhere]"]),
    ([toy_rule("R-TOY-A", FEVER, ALARM, source="a book")], ["'R-TOY-A'", "a book"]),
    ([toy_rule("R-TOY-A", FEVER, ALARM, title="  ")], ["'R-TOY-A'", "title"]),
    ([toy_rule("R-TOY-A", FEVER, ALARM, topic="colours")], ["'R-TOY-A'", "'colours'"]),
    ([toy_rule("R-TOY-A", FEVER, [])], ["'R-TOY-A'", "concludes nothing"]),
    ([toy_rule("R-TOY-A", [answer("temperature", "high")], ALARM)], ["'R-TOY-A'", "'temperature'"]),
    ([toy_rule("R-TOY-A", [any_of(answer("fever", "yes"), answer("cough", "yes"))], ALARM)],
     ["'R-TOY-A'", "'cough'"]),
    ([toy_rule("R-TOY-A", [unless(answer("rash", "yes"))], ALARM)], ["'R-TOY-A'", "'rash'"]),
    ([toy_rule("R-TOY-A", [not_answered("weight")], ALARM)], ["'R-TOY-A'", "'weight'"]),
    ([toy_rule("R-TOY-A", [answer("fever", "maybe")], ALARM)], ["'R-TOY-A'", "fever", "'maybe'"]),
    ([toy_rule("R-TOY-A", [one_of("sitting", "worse", "awful")], ALARM)], ["sitting", "'awful'"]),
    ([toy_rule("R-TOY-A", [at_least_value("age", 500)], ALARM)], ["age", "500"]),
    ([toy_rule("R-TOY-A", [at_least_value("fever", "yes")], ALARM)], ["'R-TOY-A'", "fever"]),
], ids=["duplicate-id", "bad-id", "unknown-source", "one-unknown-source", "source-without-key",
        "empty-title", "unknown-topic", "no-conclusion", "unknown-field", "unknown-field-nested",
        "unknown-field-in-exemption", "unknown-field-not-answered", "unknown-value",
        "unknown-value-one-of", "threshold-out-of-range", "comparison-on-a-choice"])
def test_check_rulebook_refuses_a_broken_rulebook_naming_the_rule_and_the_flaw(rules, words):
    kb = toy_kb(rules)
    with pytest.raises(RulebookError) as refused:
        check_rulebook(kb)
    for word in words:
        assert word in str(refused.value)
    with pytest.raises(RulebookError):
        compile_engine(kb)
    with pytest.raises(RulebookError):  # no service screens a case with it
        ScreeningService(kb).screen({"fever": "yes"})


def test_check_rulebook_accepts_the_toy_rulebook():
    check_rulebook(TOY_KB)
    assert [r._wrapped.rule_spec.id for r in compile_engine(TOY_KB)().get_rules()] == [r.id for r in RULES]


def _fired(kb, raw):
    screener = Screener(kb)
    return screener.run(screener.validate(raw)).fired_rules


def test_a_higher_phase_activated_later_fires_before_a_lower_phase_already_waiting():
    kb = toy_kb([
        toy_rule("R-TOY-LOW", FEVER, [conclude(Verdict, value="low")], phase=70),
        toy_rule("R-TOY-FINDING", FEVER, [conclude(Finding, direction="up")], phase=80),
        toy_rule("R-TOY-CHAINED", [concluded(Finding, direction="up")], [conclude(Verdict, value="chained")],
                 phase=90),
    ])
    assert _fired(kb, {"fever": "yes"}) == ["R-TOY-FINDING", "R-TOY-CHAINED", "R-TOY-LOW"]


def test_within_a_phase_rules_fire_in_rulebook_order_not_in_order_of_becoming_active():
    kb = toy_kb([
        toy_rule("R-TOY-FIRST", [concluded(Finding)], [conclude(Verdict, value="first")]),
        toy_rule("R-TOY-SECOND", FEVER, [conclude(Verdict, value="second")]),
        toy_rule("R-TOY-THIRD", FEVER, [conclude(Finding, direction="up")]),
    ])
    # FIRST becomes active only after THIRD fires; by then SECOND has already fired
    assert _fired(kb, {"fever": "yes"}) == ["R-TOY-SECOND", "R-TOY-THIRD", "R-TOY-FIRST"]
    kb = toy_kb([
        toy_rule("R-TOY-FIRST", FEVER, [conclude(Verdict, value="first")]),
        toy_rule("R-TOY-SECOND", [concluded(Finding)], [conclude(Verdict, value="second")]),
        toy_rule("R-TOY-THIRD", FEVER, [conclude(Finding, direction="up")]),
        toy_rule("R-TOY-FOURTH", FEVER, [conclude(Verdict, value="fourth")]),
    ])
    # SECOND, active once THIRD fired, goes before FOURTH, which waited longer
    assert _fired(kb, {"fever": "yes"}) == ["R-TOY-FIRST", "R-TOY-THIRD", "R-TOY-SECOND", "R-TOY-FOURTH"]


def test_a_rule_fires_once_however_many_facts_support_it():
    kb = toy_kb([
        toy_rule("R-TOY-UP-1", FEVER, [conclude(Finding, direction="up", n=1)]),
        toy_rule("R-TOY-UP-2", FEVER, [conclude(Finding, direction="up", n=2)]),
        toy_rule("R-TOY-ANY-UP", [concluded(Finding, direction="up")], [conclude(Verdict, value="up")],
                 phase=80),
    ])
    assert _fired(kb, {"fever": "yes"}) == ["R-TOY-UP-1", "R-TOY-UP-2", "R-TOY-ANY-UP"]


def test_the_firing_order_is_the_same_on_every_run():
    raw = {"fever": "yes", "sitting": "worse", "standing": "better"}
    orders = {tuple(_fired(TOY_KB, raw)) for _ in range(5)}
    assert orders == {("R-TOY-ALARM", "R-TOY-UP-SITTING", "R-TOY-UP-STANDING", "R-TOY-COUNT",
                       "R-TOY-UP", "R-TOY-AGE-MISSING")}
