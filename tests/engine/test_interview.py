"""Which questions the interview asks: decided from the rulebook, honestly.

A small made-up knowledge base pins each way a question can stop mattering (the property
on the clinical knowledge base, that a question the interview leaves out could not have
changed the result, is in tests/integration/test_interview.py).
"""
from __future__ import annotations

import pytest

from lbp_screen.engine.conditions import (
    Labels, answer, any_of, below_value, concluded, not_answered, one_of,
)
from lbp_screen.engine.experta_compat import Fact
from lbp_screen.engine.interview import InterviewPlan, InterviewSession, question_order
from lbp_screen.engine.rulebook import KnowledgeBase, RuleSpec, conclude
from lbp_screen.engine.vocabulary import Choice, FieldSpec, Invalid, Number, Text, Vocabulary

YES_NO = Choice("yes/no", ("yes", "no"), {"yes": "yes", "y": "yes", "no": "no", "n": "no"})
LEG = Choice("leg", ("none", "one", "both"), {"none": "none", "one": "one", "both": "both"})
EFFECT = Choice("effect", ("worse", "better"), {"worse": "worse", "better": "better"})


class Alarm(Fact):
    pass


class Finding(Fact):
    pass


def _field(name, kind, group):
    return FieldSpec(name, kind, name, f"Question about {name}?", f"Help on {name}.", group)


TOY_FIELDS = (
    FieldSpec("case_id", Text(20), "id", "Label?", "Any code.", "later"),
    _field("sitting", EFFECT, "later"),
    _field("alarm", YES_NO, "first"),
    _field("leg", LEG, "first"),
    _field("below_knee", YES_NO, "later"),
    _field("a", YES_NO, "later"),
    _field("b", YES_NO, "later"),
    _field("age", Number(0, 120, whole=True, unit="years"), "later"),
    _field("unread", YES_NO, "later"),
    _field("smoker", YES_NO, "later"),
)


def _rule(id, when, then):
    return RuleSpec(id=id, title=id, rationale="test", source="[test]", topic="t", phase=90,
                    when=tuple(when), then=tuple(then))


TOY_RULES = [
    _rule("R-T-ALARM", [answer("alarm", "yes")], [conclude(Alarm, level="high")]),
    _rule("R-T-BELOW-KNEE", [one_of("leg", "one", "both"), answer("below_knee", "yes")],
          [conclude(Finding, what="below_knee")]),
    _rule("R-T-EITHER", [any_of(answer("a", "yes"), answer("b", "yes"))], [conclude(Finding, what="either")]),
    _rule("R-T-YOUNG", [below_value("age", 18)], [conclude(Finding, what="young")]),
    _rule("R-T-AGE-MISSING", [not_answered("age")], [conclude(Finding, what="age_missing")]),
    _rule("R-T-SMOKER-MISSING", [not_answered("smoker")], [conclude(Finding, what="smoker_missing")]),
    _rule("R-T-AFTER-ALARM", [concluded(Alarm), answer("sitting", "worse")], [conclude(Finding, what="late")]),
]

TOY_KB = KnowledgeBase(
    name="toy", version="0", vocabulary=Vocabulary(TOY_FIELDS, id_field="case_id"), rules=TOY_RULES,
    sources={}, topics={"t": "T"}, case_fact=Fact, labels=Labels(str, lambda t, v: t.__name__),
    build_result=lambda *args: {}, targets={}, target_values=lambda kind: [],
)
TOY_ORDER = ["first", "later"]


@pytest.fixture
def plan():
    return InterviewPlan(TOY_KB, TOY_ORDER)


def _open_after(plan, name):
    names = [q.name for q in plan.questions]
    return names[names.index(name) + 1:]


def test_questions_follow_the_group_order_then_the_vocabulary_order_without_the_id():
    names = [q.name for q in question_order(TOY_KB, TOY_ORDER)]
    assert names == ["alarm", "leg", "sitting", "below_knee", "a", "b", "age", "unread",
                     "smoker"]


def test_follow_up_is_not_worth_asking_once_its_premise_is_answered_no(plan):
    assert not plan.worth_asking("below_knee", {"leg": "none"}, _open_after(plan, "below_knee"))


def test_follow_up_is_worth_asking_when_its_premise_holds(plan):
    assert plan.worth_asking("below_knee", {"leg": "one"}, _open_after(plan, "below_knee"))


def test_follow_up_is_worth_asking_while_its_premise_may_still_be_asked(plan):
    assert plan.worth_asking("below_knee", {}, ["leg", *_open_after(plan, "below_knee")])


def test_follow_up_is_not_worth_asking_when_its_premise_stays_unknown(plan):
    # leg was asked and answered "not known": the rule needing it can never fire
    assert not plan.worth_asking("below_knee", {}, _open_after(plan, "below_knee"))


def test_second_option_is_not_worth_asking_once_the_first_settled_it(plan):
    assert not plan.worth_asking("b", {"a": "yes"}, _open_after(plan, "b"))
    assert plan.worth_asking("b", {"a": "no"}, _open_after(plan, "b"))


def test_a_field_no_rule_reads_is_never_worth_asking(plan):
    assert not plan.worth_asking("unread", {}, [])


def test_a_number_compared_with_a_threshold_is_worth_asking(plan):
    assert plan.worth_asking("age", {}, _open_after(plan, "age"))


def test_a_field_read_only_to_warn_it_is_missing_is_worth_asking(plan):
    # any answer at all, even "no", changes the result: the warning goes away
    assert plan.worth_asking("smoker", {}, [])


def test_conditions_on_conclusions_count_as_possibly_true(plan):
    # no alarm concluded yet (and alarm answered no): sitting is still asked, because the
    # planner judges each rule on its answer conditions only
    assert plan.worth_asking("sitting", {"alarm": "no"}, _open_after(plan, "sitting"))


def test_session_walks_the_plan_skipping_what_cannot_matter(plan):
    session = InterviewSession(plan)
    asked = []
    script = {"alarm": "n", "leg": "none", "sitting": "?", "a": "Y", "age": "40", "smoker": "no"}
    while (spec := session.next_question()) is not None:
        asked.append(spec.name)
        session.record(spec, script[spec.name])
    assert asked == ["alarm", "leg", "sitting", "a", "age", "smoker"]
    assert session.not_asked == ["below_knee", "b", "unread"]
    assert session.not_known == ["sitting"]
    assert session.case("c-1") == {"case_id": "c-1", "alarm": "no", "leg": "none", "a": "yes", "age": 40,
                                 "smoker": "no"}


def test_a_bad_answer_records_nothing_and_the_same_question_stays_current(plan):
    session = InterviewSession(plan)
    spec = session.next_question()
    with pytest.raises(Invalid) as bad:
        session.record(spec, "yse")
    assert bad.value.suggestion == "yes"
    assert session.answers == {} and session.next_question() is spec
    session.record(spec, "yes")
    assert session.answers == {"alarm": "yes"}
    assert session.next_question().name == "leg"
