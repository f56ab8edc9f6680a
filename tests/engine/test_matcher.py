"""The compiled matcher (engine/matcher.py) fires exactly what experta's own RETE matcher
fires, on toy rulebooks with every kind of condition: the same rules in the same order,
with the same matched, asserted and retracted facts, and the same working memory."""
from __future__ import annotations

from hypothesis import given, settings

from lbp_screen.engine.conditions import answer, any_of, concluded, not_answered, not_concluded, one_of, unless
from lbp_screen.engine.experta_compat import ReteMatcher
from lbp_screen.engine.matcher import CompiledRulebookMatcher
from lbp_screen.engine.rulebook import conclude
from lbp_screen.engine.runner import Screener
from tests.engine.toy_kb import TOY_KB, Finding, Verdict, toy_cases, toy_kb, toy_rule


def trace(run):
    return [(f.rule_id, [dict(x) for x in f.matched], [dict(x) for x in f.asserted],
             [dict(x) for x in f.retracted]) for f in run.firings]


# Rules sharing conditions, several on one field, NOTs that become false during the run,
# and an EXISTS over facts concluded by more than one rule.
SHARED = toy_kb([
    toy_rule("R-TOY-SIT", [answer("sitting", "worse")], [conclude(Finding, direction="up")]),
    toy_rule("R-TOY-SIT-AGAIN", [answer("sitting", "worse"), one_of("standing", "worse", "no_change")],
             [conclude(Finding, direction="down")]),
    toy_rule("R-TOY-EITHER", [any_of(answer("fever", "yes"), answer("sitting", "better"))],
             [conclude(Finding, direction="up", why="either")]),
    toy_rule("R-TOY-NO-AGE", [not_answered("age"), unless(answer("fever", "yes"))],
             [conclude(Verdict, value="ask")], phase=85),
    toy_rule("R-TOY-UP", [concluded(Finding, direction="up"), not_concluded(Finding, direction="down")],
             [conclude(Verdict, value="up")], phase=80),
    toy_rule("R-TOY-NOTHING", [not_concluded(Verdict)], [conclude(Verdict, value="none")], phase=70),
    toy_rule("R-TOY-ANYTHING", [not_concluded(Finding)], [conclude(Verdict, value="quiet")], phase=60),
])


def test_the_two_screeners_really_use_different_matchers():
    screener = Screener(TOY_KB)
    assert type(screener._engine.matcher) is CompiledRulebookMatcher
    stock = type("Stock", (type(screener._engine),), {"__matcher__": ReteMatcher})()
    assert type(stock.matcher) is ReteMatcher


@settings(max_examples=60)
@given(raw=toy_cases())
def test_compiled_matcher_fires_what_rete_fires_on_the_toy_knowledge_base(raw):
    screener = Screener(TOY_KB)
    case = screener.validate(raw)
    tuned, stock = screener.run(case), screener.run_on_fresh_engine(case)
    assert trace(tuned) == trace(stock)
    assert [dict(f) for f in tuned.facts] == [dict(f) for f in stock.facts]


@settings(max_examples=60)
@given(raw=toy_cases())
def test_compiled_matcher_fires_what_rete_fires_with_shared_and_negated_conditions(raw):
    screener = Screener(SHARED)
    case = screener.validate(raw)
    tuned, stock = screener.run(case), screener.run_on_fresh_engine(case)
    assert trace(tuned) == trace(stock)
    assert [dict(f) for f in tuned.facts] == [dict(f) for f in stock.facts]


def test_one_engine_reused_for_many_cases_gives_what_a_fresh_engine_gives():
    screener = Screener(SHARED)
    cases = [{"sitting": "worse"}, {}, {"fever": "yes", "sitting": "worse", "standing": "worse"},
             {"sitting": "better", "age": 40}, {"sitting": "worse"}]
    for raw in cases:
        case = screener.validate(raw)
        assert trace(screener.run(case)) == trace(screener.run_on_fresh_engine(case)), raw
