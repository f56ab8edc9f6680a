"""The explanation layer on toy rulebooks (split from the clinical explanation tests, now
in tests/integration/test_explain.py): why not names exactly the held, failed and unknown
conditions, and what would change it counts through a tally."""
from __future__ import annotations

import pytest

from lbp_screen.engine.conditions import Truth, answer, concluded, not_concluded
from lbp_screen.engine.explain import Explanation, Target
from lbp_screen.engine.rulebook import Tally, conclude
from lbp_screen.engine.runner import Screener
from tests.engine.toy_kb import Finding, FindingCount, Verdict, toy_kb, toy_rule


def _toy_explanation(rules, raw):
    kb = toy_kb(rules)
    screener = Screener(kb)
    return Explanation(kb, screener.run(screener.validate(raw)), result={}, label="toy")


TOY_RULES = [
    toy_rule("R-TOY-A", when=[answer("sitting", "worse"), answer("fever", "yes")],
             then=[conclude(Verdict, value="a")]),
    toy_rule("R-TOY-A-AGAIN", when=[answer("standing", "better")], then=[conclude(Verdict, value="a")]),
    toy_rule("R-TOY-B", when=[answer("standing", "worse")], then=[conclude(Verdict, value="b")]),
]


@pytest.mark.parametrize("raw,held,failed,unknown", [
    ({"sitting": "worse"}, ["sitting is worse"], [], ["fever is yes"]),
    ({"sitting": "better"}, [], ["sitting is worse"], ["fever is yes"]),
    ({"sitting": "better", "fever": "no"}, [], ["sitting is worse", "fever is yes"], []),
    ({}, [], [], ["sitting is worse", "fever is yes"]),
])
def test_why_not_names_exactly_the_held_failed_and_unknown_conditions(raw, held, failed, unknown):
    why = _toy_explanation(TOY_RULES, raw).why_not(Target("verdict", "a"))
    assert [r.rule.id for r in why.rules] == ["R-TOY-A", "R-TOY-A-AGAIN"]
    by_truth = {t: [c.text for c in why.rules[0].conditions if c.truth is t] for t in Truth}
    assert (by_truth[Truth.HELD], by_truth[Truth.FAILED], by_truth[Truth.UNKNOWN]) == (held, failed, unknown)
    for condition in why.rules[0].conditions:
        field = condition.text.split()[0]
        assert condition.unanswered == (() if field in raw else (field,))


def test_what_would_change_counts_through_a_tally():
    rules = [
        toy_rule("R-TOY-UP-SITTING", when=[answer("sitting", "worse")], then=[conclude(Finding, direction="up")]),
        toy_rule("R-TOY-UP-STANDING", when=[answer("standing", "better")], then=[conclude(Finding, direction="up")]),
        toy_rule("R-TOY-COUNT", phase=80, then=[Tally(Finding, "direction", ("up", "down"), FindingCount)]),
        toy_rule("R-TOY-VERDICT", phase=70, when=[concluded(FindingCount, up=2)], then=[conclude(Verdict, value="a")]),
        toy_rule("R-TOY-NONE", phase=70, when=[not_concluded(Verdict, value="a")], then=[conclude(Verdict, value="b")]),
    ]
    one = _toy_explanation(rules, {"sitting": "worse"})
    assert [(str(c.target), c.fields) for c in one.what_would_change()] == [("verdict=a", ("standing",))]
    none_left = _toy_explanation(rules, {"sitting": "better", "standing": "worse"})
    assert none_left.what_would_change() == []  # no unanswered question can reach two findings
