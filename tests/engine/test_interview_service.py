"""The interview through the screening service, on the toy knowledge base: questions by
the knowledge base's groups, a question no rule reads never asked, a follow-up asked only
while its premise may hold, the knowledge base's stop policy, and the planner's promise: a
question left out could not have changed the result."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from lbp_screen.engine.interview import InterviewPlan
from lbp_screen.engine.service import ScreeningService
from lbp_screen.engine.vocabulary import CaseError, Choice, Invalid
from tests.engine.toy_kb import TOY_KB, toy_cases

SERVICE = ScreeningService(TOY_KB)


def walk(script: dict[str, str]) -> tuple[list[str], object]:
    """Run an interview answering from ``script`` ("?" for anything it leaves out)."""
    session = SERVICE.interview()
    asked = []
    while (spec := session.next_question()) is not None:
        asked.append(spec.name)
        session.record(spec, script.get(spec.name, "?"))
    return asked, session


def test_questions_come_by_the_knowledge_base_s_groups_then_in_vocabulary_order():
    assert [q.name for q in SERVICE.interview().plan.questions] == [
        "fever", "chills", "sitting", "standing", "age", "pets"]
    assert SERVICE.question_group("signs") == "Warning signs"
    assert SERVICE.question_group("elsewhere") == "elsewhere"


def test_a_question_no_rule_reads_is_never_asked():
    asked, session = walk({"fever": "yes", "chills": "no", "sitting": "worse", "standing": "better",
                           "age": "40", "pets": "yes"})
    assert "pets" not in asked and "pets" in session.not_asked


def test_a_follow_up_is_not_asked_once_its_premise_is_denied():
    asked, session = walk({"fever": "no", "sitting": "worse", "age": "40"})
    assert asked == ["fever", "sitting", "standing", "age"]
    assert session.not_asked == ["chills", "pets"]
    assert session.not_known == ["standing"]
    assert session.case("c-1") == {"case_id": "c-1", "sitting": "worse", "fever": "no", "age": 40}


def test_a_follow_up_is_asked_when_its_premise_holds_or_is_not_known():
    assert walk({"fever": "yes"})[0][:2] == ["fever", "chills"]
    assert walk({"fever": "?"})[0][:2] == ["fever", "chills"]  # unknown never denies a premise


def test_the_plan_never_finds_a_denied_premise_worth_asking():
    plan = InterviewPlan(TOY_KB, list(TOY_KB.question_groups))
    assert not plan.worth_asking("chills", {"fever": "no"}, [])
    assert plan.worth_asking("chills", {"fever": "yes"}, [])
    assert not plan.worth_asking("pets", {}, ["fever", "chills"])


def test_the_stop_policy_is_the_knowledge_base_s():
    _, session = walk({"fever": "yes", "chills": "no"})
    assert SERVICE.interview_stop(SERVICE.screen(session.case())) == ["Alarm: stop and see someone."]
    _, session = walk({"fever": "no"})
    assert SERVICE.interview_stop(SERVICE.screen(session.case())) is None


@pytest.mark.parametrize("typed", ["?", "skip", "unknown", "", "  UNKNOWN "])
def test_not_known_is_recorded_as_not_known(typed):
    session = SERVICE.interview()
    spec = session.next_question()
    assert session.record(spec, typed) is None
    assert session.answers == {} and session.not_known == ["fever"]


def test_a_bad_answer_records_nothing_and_suggests_a_spelling():
    session = SERVICE.interview()
    spec = session.next_question()
    with pytest.raises(Invalid) as bad:
        session.record(spec, "yess")
    assert bad.value.suggestion == "yes"
    assert session.answers == {} and session.next_question() is spec
    assert session.remaining() == ["fever", "chills", "sitting", "standing", "age", "pets"]
    with pytest.raises(ValueError):  # only the current question can be answered
        session.record(TOY_KB.vocabulary["age"], "40")


def _typed(value) -> str:
    return "?" if value is None else str(value)


@settings(max_examples=40)
@given(case=toy_cases(), alternatives=st.fixed_dictionaries(
    {spec.name: st.sampled_from(spec.kind.values) if isinstance(spec.kind, Choice) else st.integers(0, 120)
     for spec in TOY_KB.vocabulary.answer_fields()}))
def test_a_question_left_out_could_not_have_changed_the_result(case, alternatives):
    session = SERVICE.interview()
    while (spec := session.next_question()) is not None:
        session.record(spec, _typed(case.get(spec.name)))
    answered = session.case()
    baseline = SERVICE.screen(answered)
    for name in session.not_asked:
        try:
            changed = SERVICE.screen({**answered, name: alternatives[name]})
        except CaseError as refused:  # the alternative contradicts an answer given
            assert all(p.conflicts_with for p in refused.problems), refused
            continue
        assert changed["verdicts"] == baseline["verdicts"], f"leaving out {name!r} hid a verdict"
        assert changed["fired_rules"] == baseline["fired_rules"]
