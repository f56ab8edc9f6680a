"""Question dependencies, declared as data in the vocabulary ("asked only when ..."), and
used everywhere: validation refuses a contradiction naming both fields and values, a
batch keeps it as an error row, the interview never asks a question whose premise was
denied, and the explanation never lists one among the questions still worth asking."""
from __future__ import annotations

import itertools
import json

import pytest
from click.testing import CliRunner
from hypothesis import given, strategies as st

from lbp_screen import engine
from tests import bundled
from lbp_screen.main import lbp
from lbp_screen.engine.explain import explain
from lbp_screen.engine.interview import InterviewPlan, InterviewSession
from lbp_screen.engine.vocabulary import Choice
from lbp_screen.knowledge.vocabulary import GROUPS
from tests.conftest import KB, valid_cases

PREMISED = [spec for spec in KB.vocabulary if spec.premise is not None]


def denying_answers(spec) -> dict:
    """Answers to the premise's fields that deny it (the first found, in value order)."""
    names = sorted(spec.premise.condition.fields())
    for values in itertools.product(*(KB.vocabulary[n].kind.values for n in names)):
        answers = dict(zip(names, values))
        if spec.premise.denied(answers) and KB.vocabulary.consistent(answers):
            return answers
    raise AssertionError(f"no answers deny the premise of {spec.name}")


def test_the_dependencies_the_review_named_are_declared():
    premised = {spec.name: sorted(spec.premise.condition.fields()) for spec in PREMISED}
    assert premised["leg_weakness_progressive"] == ["leg_weakness"]
    assert premised["pain_below_knee"] == ["leg_pain"]
    assert {"leg_symptoms_course", "nerve_symptoms_both_legs",
            "cancer_non_melanoma_skin_only"} <= set(premised)


@pytest.mark.parametrize("spec", PREMISED, ids=[s.name for s in PREMISED])
def test_an_answer_that_presumes_a_denied_premise_is_refused_naming_both(spec):
    denied = denying_answers(spec)
    for value in spec.premise.presumed_by:
        with pytest.raises(bundled.CaseError) as refused:
            bundled.screen({**denied, spec.name: value}, label="probe")
        problem = next(p for p in refused.value.problems if p.field == spec.name)
        assert problem.value == value and problem.conflicts_with == denied
        message = str(refused.value)
        assert spec.name in message and repr(value) in message
        assert all(name in message and repr(answer) in message for name, answer in denied.items())
        assert problem.as_dict()["conflicts_with"] == denied


@pytest.mark.parametrize("spec", PREMISED, ids=[s.name for s in PREMISED])
def test_answers_that_do_not_presume_the_premise_stay_valid(spec):
    denied = denying_answers(spec)
    for value in set(spec.kind.values) - set(spec.premise.presumed_by):
        bundled.screen({**denied, spec.name: value})  # e.g. "no, the weakness is not worse"
    bundled.screen({**denied, spec.name: "unknown"})  # and leaving it out always is


def test_regression_weakness_denied_yet_getting_worse_raised_an_urgent_flag():
    with pytest.raises(bundled.CaseError, match="leg_weakness is 'no'"):
        bundled.screen({"leg_weakness": "no", "leg_weakness_progressive": "yes"})


def test_regression_no_leg_pain_yet_pain_below_the_knee_passed():
    with pytest.raises(bundled.CaseError, match="leg_pain is 'none'"):
        bundled.screen({"leg_pain": "none", "pain_below_knee": "yes"})


@given(valid_cases(), st.sampled_from(PREMISED), st.data())
def test_a_contradiction_is_always_refused(raw, spec, data):
    denied = denying_answers(spec)
    value = data.draw(st.sampled_from(spec.premise.presumed_by))
    with pytest.raises(bundled.CaseError) as refused:
        bundled.screen({**raw, **denied, spec.name: value})
    assert any(p.field == spec.name and p.conflicts_with for p in refused.value.problems)


def test_a_contradictory_batch_row_is_an_error_row_and_nothing_is_lost(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("case_id,leg_weakness,leg_weakness_progressive\n"
                      "c-1,yes,yes\nc-2,no,yes\nc-3,no,no\n")
    done = CliRunner().invoke(lbp, ["batch", str(source), "-o", str(tmp_path / "out.jsonl"),
                                    "--jobs", "1"], catch_exceptions=False)
    assert done.exit_code == 3, done.output
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [r["status"] for r in rows] == ["ok", "error", "ok"]
    assert rows[1]["errors"][0]["field"] == "leg_weakness_progressive"
    assert rows[1]["errors"][0]["conflicts_with"] == {"leg_weakness": "no"}


@pytest.mark.parametrize("spec", PREMISED, ids=[s.name for s in PREMISED])
def test_the_interview_never_asks_a_question_whose_premise_was_denied(spec):
    denied = denying_answers(spec)
    session = InterviewSession(InterviewPlan(KB, list(GROUPS)))
    asked = []
    while (question := session.next_question()) is not None:
        asked.append(question.name)
        answer = denied.get(question.name)
        if answer is None:
            answer = "?"
        session.record(question, answer if isinstance(question.kind, Choice) else "?")
    assert set(denied) <= set(asked)
    assert spec.name not in asked and spec.name in session.not_asked


@pytest.mark.parametrize("spec", PREMISED, ids=[s.name for s in PREMISED])
def test_the_explanation_never_lists_a_question_whose_premise_was_denied(spec):
    screener = bundled.screener_for()
    run = screener.run(screener.validate(denying_answers(spec)))
    explanation = explain(KB, run)
    listed = {f for change in explanation.what_would_change() for f in change.fields}
    assert spec.name not in listed
    assert spec.name not in {e["field"] for e in explanation.result["open_questions"]}


def test_the_vocabulary_lists_each_dependency():
    done = CliRunner().invoke(lbp, ["vocabulary", "--format", "json"], catch_exceptions=False)
    fields = {entry["field"]: entry for entry in json.loads(done.output)}
    assert fields["leg_weakness_progressive"]["asked_only_when"] == "leg_weakness is yes"
    assert fields["leg_weakness_progressive"]["presumed_by"] == ["yes"]
    assert fields["age"]["asked_only_when"] is None
    text = CliRunner().invoke(lbp, ["vocabulary"], catch_exceptions=False).output
    assert "Asked only when leg_pain is one_leg or both_legs" in text


def test_every_premise_comes_before_its_question_in_the_vocabulary():
    """The interview, the bench's synthetic cases and a reader all meet a premise first."""
    names = list(KB.vocabulary.fields)
    for spec in PREMISED:
        assert all(names.index(f) < names.index(spec.name) for f in spec.premise.condition.fields())


def test_the_bench_never_generates_a_contradictory_case():
    from lbp_screen.engine.bench import synthetic_rows
    for _, raw in synthetic_rows(KB, 300, seed=5):
        bundled.screen(raw)  # raises CaseError on a contradiction
