"""Which questions the interview asks, on the clinical knowledge base: it opens with the
warning signs, and a property checks the promise itself: a question the interview leaves
out could not have changed the result, whatever its answer.  (The toy knowledge base
pinning each way a question can stop mattering is in tests/engine/test_interview.py.)
"""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from tests import bundled
from lbp_screen.engine.interview import InterviewPlan, InterviewSession, question_order
from lbp_screen.knowledge.vocabulary import GROUPS
from tests.conftest import KB, canonical_answer, consistent


def test_real_interview_opens_with_the_warning_signs():
    groups = [q.group for q in question_order(KB, list(GROUPS))]
    assert groups[0] == "red_flags"
    assert groups == sorted(groups, key=list(GROUPS).index)


_PLAN = InterviewPlan(KB, list(GROUPS))


def _typed(value) -> str:
    """What a person would type for an answer (? when the case does not know it)."""
    if value is None:
        return "?"
    return format(value, "f") if isinstance(value, float) else str(value)


@st.composite
def cases_and_alternatives(draw):
    case = {}
    for spec in _PLAN.questions:
        if draw(st.booleans()):
            case[spec.name] = draw(canonical_answer(spec))
    case = consistent(case)
    alternatives = {spec.name: draw(canonical_answer(spec)) for spec in _PLAN.questions}
    return case, alternatives


@settings(max_examples=40)
@given(cases_and_alternatives())
def test_a_question_left_out_could_not_have_changed_the_result(drawn):
    case, alternatives = drawn
    session = InterviewSession(_PLAN)
    while (spec := session.next_question()) is not None:
        session.record(spec, _typed(case.get(spec.name)))
    answered = session.case()
    baseline = _without_open_questions(bundled.screen(answered))
    for name in session.not_asked:
        try:
            changed = bundled.screen({**answered, name: alternatives[name]})
        except bundled.CaseError as refused:  # the alternative contradicts an answer given
            assert [p.field for p in refused.problems if p.conflicts_with], refused
            continue
        assert _without_open_questions(changed) == baseline, f"leaving out {name!r} hid a different result"


def _without_open_questions(result: dict) -> dict:
    """The result without what it says about unanswered questions: answering one that was
    skipped removes it from that list, by definition, without changing any conclusion."""
    return {k: v for k, v in result.items() if k not in ("warnings", "open_questions")}
