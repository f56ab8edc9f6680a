"""Unknown is not no, derived from the rulebook: an unanswered question is warned about
exactly when a red flag more pressing than the result's urgency could still depend on it.

Both directions are checked against the real engine, not against the search that
produced the warnings: every warning comes with a witness (answers to other unanswered
questions under which answering this one fires the flag's rule, and leaving it unknown
does not), which is screened; and for questions *not* warned about, random completions
of the case never let the question's answer raise such a flag.
"""
from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings, strategies as st

from tests import bundled
from lbp_screen.engine.conditions import among
from lbp_screen.engine.interview import question_plan
from lbp_screen.knowledge.facts import RedFlag
from lbp_screen.knowledge.red_flags import URGENCY_LEVELS
from tests.conftest import KB
from tests.properties.test_safety_invariants import screened_cases

PLAN = question_plan(KB)


def _answers(raw: dict) -> dict:
    return dict(KB.vocabulary.validate(raw).answers)


def _pressing_rules(urgency: str) -> set[str]:
    """The red-flag rules whose flag is more pressing than ``urgency``."""
    levels = URGENCY_LEVELS[:URGENCY_LEVELS.index(urgency)]
    return {r.id for r in KB.rules_concluding(RedFlag, {"urgency": among(*levels)})} if levels else set()


@given(screened_cases())
def test_every_warned_question_has_a_witness_the_engine_confirms(raw):
    result = bundled.screen(raw)
    answers = _answers(raw)
    pressing = _pressing_rules(result["urgency"])
    for entry in result["open_questions"]:
        name = entry["field"]
        assert name not in answers
        for raised in entry["could_raise"]:
            assert URGENCY_LEVELS.index(raised["urgency"]) < URGENCY_LEVELS.index(result["urgency"])
            for rule_id in raised["rules"]:
                assert rule_id in pressing
                asked = _witnessed_question(KB.rule(rule_id), name, answers, result)
                completion, value = PLAN.raising_witness(KB.rule(rule_id), asked, answers)
                if value is None:
                    # the documented safe side: a search too large to finish warns anyway
                    assert completion == {} and PLAN.search_is_too_large(KB.rule(rule_id), asked, answers)
                    continue
                base = {**answers, **completion}
                assert rule_id not in bundled.screen(base)["fired_rules"]
                assert rule_id in bundled.screen({**base, asked: value})["fired_rules"]


def _witnessed_question(rule, name, answers, result):
    """The question whose answer can fire the rule: ``name`` itself, or, for a premise
    question that inherits what its follow-up could raise, that follow-up."""
    if PLAN.raising_witness(rule, name, answers) is not None:
        return name
    follow_ups = [e["field"] for e in result["open_questions"]
                  if KB.vocabulary[e["field"]].premise is not None
                  and name in KB.vocabulary[e["field"]].premise.condition.fields()
                  and PLAN.raising_witness(rule, e["field"], answers) is not None]
    assert follow_ups, f"{rule.id}/{name}: neither it nor a follow-up can raise the flag"
    return follow_ups[0]


def _values(spec) -> list:
    """The planner's representative answers that are valid answers (not "unknown")."""
    values = []
    for value in PLAN.representatives[spec.name]:
        if isinstance(value, (str, int, float)):
            try:
                values.append(spec.kind.parse(value))
            except Exception:  # a midpoint such as 42.5 years for a whole-number field
                continue
    return values


def _random_answer(spec, rng: random.Random):
    values = _values(spec)
    if "yes" in values and rng.random() < 0.5:
        return "yes"  # the warning signs that raise flags are "yes" answers
    return rng.choice(values)


# whole cases plus random completions are large by design; hypothesis's size health check
# otherwise fails the run at random
@settings(max_examples=80, suppress_health_check=[HealthCheck.data_too_large])
@given(screened_cases(), st.randoms(use_true_random=False))
def test_a_question_not_warned_about_never_raises_a_more_pressing_flag(raw, rng):
    result = bundled.screen(raw)
    answers = _answers(raw)
    pressing = _pressing_rules(result["urgency"])
    warned = {entry["field"] for entry in result["open_questions"]}
    open_specs = [s for s in KB.vocabulary.answer_fields() if s.name not in answers]
    quiet = [s for s in open_specs if s.name not in warned]
    for spec in rng.sample(quiet, min(6, len(quiet))):
        for _ in range(4):
            completion = {s.name: _random_answer(s, rng) for s in open_specs
                          if s is not spec and rng.random() < 0.6}
            base = {**answers, **completion}
            if not KB.vocabulary.consistent(base):
                continue
            before = pressing & set(bundled.screen(base)["fired_rules"])
            for value in _values(spec):
                trial = {**base, spec.name: value}
                if not KB.vocabulary.consistent(trial):
                    continue
                after = pressing & set(bundled.screen(trial)["fired_rules"])
                assert after <= before, f"{spec.name}={value!r} raised {sorted(after - before)}"


@given(screened_cases())
def test_an_emergency_result_says_nothing_about_what_is_not_ruled_out(raw):
    result = bundled.screen(raw)
    if result["urgency"] == "emergency":
        assert result["open_questions"] == []
        assert not any(w.startswith("Not answered") or "Age was not given" in w
                       for w in result["warnings"])


@given(screened_cases())
def test_open_questions_are_ordered_most_pressing_first_then_in_question_order(raw):
    entries = bundled.screen(raw)["open_questions"]
    order = list(KB.vocabulary.fields)
    keys = [(URGENCY_LEVELS.index(e["urgency"]), order.index(e["field"])) for e in entries]
    assert keys == sorted(keys)
    warnings = bundled.screen(raw)["warnings"]
    assert [w.split(":")[0] for w in warnings[:len(entries)]] == [
        f"Not answered ({e['field']})" for e in entries]


def test_a_case_with_every_warning_sign_answered_no_has_no_open_questions():
    calm = {spec.name: "no" for spec in KB.vocabulary.answer_fields()
            if spec.group == "red_flags" and spec.kind.values == ("yes", "no")
            and spec.premise is None}
    calm.update({"leg_pain": "none", "age": 40, "onset": "gradual", "injury_at_onset": "no"})
    result = bundled.screen(calm)
    assert result["urgency"] == "routine" and result["open_questions"] == []
