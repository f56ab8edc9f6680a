"""The explanation layer: trace, how, why not, what would change it, graph, JSON document.

The rulebook grows while this is written, so clinical specifics are pinned only on the
responder rules (finished); everything else is checked as a property
of every case in cases/ and of generated cases.
"""
from __future__ import annotations

import functools
import json
import logging
import random

import pytest
from hypothesis import given, settings

from tests import bundled
from lbp_screen.engine.conditions import Answer, Concluded, NotAnswered, NotConcluded, Unless, OneOf, Truth
from lbp_screen.engine.experta_compat import KnowledgeEngine
from lbp_screen.engine.explain import Explanation, Target, UnknownTarget
from lbp_screen.engine.interview import open_question_finder
from lbp_screen.engine.rulebook import compile_engine
from lbp_screen.engine.vocabulary import Choice, Number
from lbp_screen.knowledge.facts import ResponderTally
from tests.conftest import CASES_DIR, KB, valid_cases

CASE_FILES = sorted(CASES_DIR.glob("*.json"))
CASES = [json.loads(p.read_text(encoding="utf-8"))["case"] for p in CASE_FILES]
CASE_IDS = [p.stem for p in CASE_FILES]
NOT_KNOWN = {"", "unknown"}

EXTENSION_CASE = {"sitting": "worse", "bending_forward": "worse", "age": 40}
UNDETERMINED_CASE = {"sitting": "worse", "age": 40}
MIXED_CASE = {"sitting": "worse", "standing": "better", "walking": "worse", "age": 40}


def explained(raw) -> Explanation:
    return bundled.explain_case(raw, label="test")


def walk(steps, seen=None):
    """Every step of a derivation, once."""
    seen = {} if seen is None else seen
    for step in steps:
        if step.firing.step not in seen:
            seen[step.firing.step] = step
            walk(step.grounds(), seen)
    return list(seen.values())


# --------------------------------------------------------------------------- trace

class _FireLog(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.fired = []

    def emit(self, record):
        if record.msg.startswith("FIRE"):
            self.fired.append(record.args[1])  # experta logs (execution, rule name, facts)


@functools.cache
def _plain_engine():
    return compile_engine(KB)()


def experta_firing_order(raw) -> list[str]:
    """The order experta's own, unmodified ``KnowledgeEngine.run`` fires the rules in,
    read from experta's RULES watcher (rule functions are named by rule id)."""
    from experta import watchers
    case = KB.vocabulary.validate(raw)
    plain = _plain_engine()
    plain.reset()
    plain.declare(KB.case_fact(**case.answers))
    given = KB.given_facts(case, open_question_finder(KB, case.answers))
    if given:
        plain.declare(*given)
    handler, level = _FireLog(), watchers.RULES.level
    watchers.RULES.addHandler(handler)
    watchers.RULES.setLevel(logging.INFO)
    try:
        KnowledgeEngine.run(plain)
    finally:
        watchers.RULES.removeHandler(handler)
        watchers.RULES.setLevel(level)
    return handler.fired


@pytest.mark.parametrize("raw", CASES + [EXTENSION_CASE, MIXED_CASE, {}],
                         ids=CASE_IDS + ["extension", "mixed", "empty"])
def test_trace_order_is_experta_firing_order(raw):
    fired = experta_firing_order(raw)
    trace = explained(raw).trace
    assert [f.rule.id for f in trace] == fired
    assert [f.step for f in trace] == list(range(1, len(fired) + 1))


def test_trace_records_matched_asserted_and_values():
    trace = explained(EXTENSION_CASE).trace
    sitting = next(f for f in trace if f.rule.id == "R-RESP-EXT-SITTING")
    case_facts = [f for f in sitting.matched if type(f) is KB.case_fact]
    assert len(case_facts) == 1 and case_facts[0]["sitting"] == "worse"
    assert [(type(f).__name__, f["direction"], f["rule"]) for f in sitting.asserted] == [
        ("ResponderEvidence", "extension", "R-RESP-EXT-SITTING")]
    assert sitting.retracted == ()


def test_trace_is_the_run_of_the_result():
    result, run = bundled.screen_with_run(EXTENSION_CASE)
    assert result == bundled.screen(EXTENSION_CASE)
    assert [f.rule.id for f in run.firings] == result["fired_rules"]


# --------------------------------------------------------------------------- how

def _check_derivation_ends_in_case_answers(explanation: Explanation):
    answers = explanation.answers
    fired = {f.step: f.rule.id for f in explanation.trace}
    for conclusion in explanation.conclusions():
        assert conclusion.steps, f"{conclusion.target} has no derivation"
        for step in walk(conclusion.steps):
            assert fired[step.firing.step] == step.rule.id
            for ground in step.grounds():
                assert ground.firing.step < step.firing.step, "a step rests only on earlier steps"
            for condition, spec in zip(step.conditions, step.rule.when, strict=True):
                assert condition.truth is Truth.HELD, (step.rule.id, condition.text)
                if condition.kind == "answer":
                    assert condition.answers, f"{step.rule.id}: answer condition with no answer"
                    assert condition.answers.items() <= answers.items()
                elif condition.kind == "concluded":
                    assert condition.supports, f"{step.rule.id}: {condition.text} has no support"
                elif condition.kind == "exemption":  # granted by no answer given
                    assert isinstance(spec, Unless)
                    assert condition.answers.items() <= answers.items()
                elif condition.kind == "given":  # derived from the answers before the run
                    assert isinstance(spec, Concluded) and explanation.run.given
                elif condition.kind == "not_answered":
                    assert isinstance(spec, NotAnswered) and spec.field not in answers
                else:
                    assert condition.kind == "not_concluded" and isinstance(spec, NotConcluded)
            if not step.conditions:  # a count: it rests on the facts it counted, if any
                assert all(s.firing.step < step.firing.step for s in step.counted)


@pytest.mark.parametrize("raw", CASES, ids=CASE_IDS)
def test_every_derivation_of_a_bundled_case_ends_in_case_answers(raw):
    _check_derivation_ends_in_case_answers(explained(raw))


@settings(max_examples=40)
@given(valid_cases())
def test_every_derivation_ends_in_case_answers(raw):
    _check_derivation_ends_in_case_answers(explained(raw))


@pytest.mark.parametrize("raw", CASES, ids=CASE_IDS)
def test_every_conclusion_of_the_result_has_a_derivation(raw):
    explanation = explained(raw)
    result = explanation.result
    derived = {str(c.target) for c in explanation.conclusions()}
    expected = {f"responder={result['responder']['type']}", f"urgency={result['urgency']}"}
    expected |= {f"cause={c['id']}" for c in result["possible_causes"]}
    expected |= {f"red_flag={f['condition']}" for f in result["red_flags"]}
    expected |= {f"exercise={e['id']}" for kind in result["exercises"].values() for e in kind}
    assert expected <= derived


def test_how_the_extension_responder_was_reached():
    explanation = explained(EXTENSION_CASE)
    responder = next(c for c in explanation.conclusions() if c.target.kind == "responder")
    assert str(responder.target) == "responder=extension"
    steps = walk(responder.steps)
    assert {s.rule.id for s in steps} == {"R-RESP-EXTENSION", "R-RESP-TALLY", "R-RESP-EXT-SITTING",
                                          "R-RESP-EXT-BENDING-FORWARD"}
    leaves = {k: v for s in steps for c in s.conditions for k, v in c.answers.items()}
    assert leaves == {"sitting": "worse", "bending_forward": "worse"}
    decision = responder.steps[0]
    assert decision.rule.rationale and decision.rule.source
    tally = decision.conditions[0].supports[0]
    assert tally.rule.id == "R-RESP-TALLY"
    assert sorted(s.rule.id for s in tally.counted) == ["R-RESP-EXT-BENDING-FORWARD", "R-RESP-EXT-SITTING"]


# --------------------------------------------------------------------------- why not

def test_why_not_flexion_for_a_mixed_case_names_the_failed_counts():
    why = explained(MIXED_CASE).why_not(Target("responder", "flexion"))
    assert not why.concluded
    assert [r.rule.id for r in why.rules] == ["R-RESP-FLEXION", "R-RESP-FLEXION-OUTWEIGHS"]
    for check in why.rules:
        assert not check.fired and check.truth is Truth.FAILED
        condition = check.conditions[0]  # the count (OUTWEIGHS also has its exemption)
        assert condition.truth is Truth.FAILED
        assert condition.found == (KB.labels.conclusion(ResponderTally, {"extension": 2, "flexion": 1}),)
        assert condition.could_hold_if_answered == ()  # extension is already 2: no answer undoes it


def test_why_not_a_concluded_target_says_it_was_concluded():
    why = explained(EXTENSION_CASE).why_not(Target("responder", "extension"))
    assert why.concluded
    fired = [r for r in why.rules if r.fired]
    assert [r.rule.id for r in fired] == ["R-RESP-EXTENSION"] and fired[0].truth is Truth.HELD


def _raw_unknown(raw, field):
    value = raw.get(field)
    return value is None or (isinstance(value, str) and value.strip().lower() in NOT_KNOWN)


@pytest.mark.parametrize("path", CASE_FILES, ids=CASE_IDS)
def test_why_not_for_golden_cases_names_exactly_the_failed_and_unknown_conditions(path):
    """Checked against the raw case file itself: a condition on one answer is unknown
    exactly when the file leaves that field out, blank, unknown or null; and a rule that
    fired is exactly a rule whose conditions all held."""
    raw = json.loads(path.read_text(encoding="utf-8"))["case"]
    explanation = explained(raw)
    fired = set(explanation.result["fired_rules"])
    for kind in KB.targets:
        for value in KB.target_values(kind):
            for check in explanation.why_not(Target(kind, value)).rules:
                assert check.fired == (check.truth is Truth.HELD), (path.name, check.rule.id)
                assert check.fired == (check.rule.id in fired)
                for condition, spec in zip(check.conditions, check.rule.when):
                    if isinstance(spec, (Answer, OneOf)):
                        expected = (Truth.UNKNOWN if _raw_unknown(raw, spec.field) else
                                    Truth.HELD if spec.evaluate(explanation.answers) is Truth.HELD
                                    else Truth.FAILED)
                        assert condition.truth is expected, (check.rule.id, condition.text)
                        assert condition.unanswered == ((spec.field,) if expected is Truth.UNKNOWN else ())


@pytest.mark.parametrize("text,listed", [
    ("responder=sideways", "extension, flexion, mixed, undetermined"),
    ("colour=red", "responder, cause, exercise, red_flag"),
    ("cobra", "KIND=VALUE"),
    ("cause=", "KIND=VALUE"),
])
def test_an_unknown_target_is_refused_with_the_valid_names(text, listed):
    with pytest.raises(UnknownTarget, match=listed):
        Target.parse(KB, text)


def test_targets_parse_with_spaces():
    assert Target.parse(KB, " cause = sprain ") == Target("cause", "sprain")


# --------------------------------------------------------------------------- what would change it

def test_undetermined_responder_lists_the_unanswered_direction_questions():
    changes = {str(c.target): c for c in explained(UNDETERMINED_CASE).what_would_change()}
    extension = changes["responder=extension"]
    assert {"standing", "walking", "bending_forward", "bending_backward"} <= set(extension.fields)
    assert "sitting" not in extension.fields  # answered already
    assert "responder=undetermined" not in changes  # it is the current type
    for change in changes.values():
        assert not set(change.fields) & set(UNDETERMINED_CASE)


def _target_values(result):
    found = {f"responder={result['responder']['type']}", f"urgency={result['urgency']}"}
    found |= {f"cause={c['id']}" for c in result["possible_causes"]}
    found |= {f"red_flag={f['condition']}" for f in result["red_flags"]}
    found |= {f"exercise={e['id']}" for kind in result["exercises"].values() for e in kind}
    return found


def _leaves(conditions):
    for condition in conditions:
        yield from _leaves(getattr(condition, "options", ())) if hasattr(condition, "options") else [condition]


def _probe_values(name):
    """Every value of a choice field; for a number field its bounds and, for each threshold
    a rule tests it against, the threshold and just below it."""
    kind = KB.vocabulary[name].kind
    if isinstance(kind, Choice):
        return list(kind.values)
    if not isinstance(kind, Number):
        return []
    values = {kind.minimum, kind.maximum}
    for rule in KB.rules:
        for condition in _leaves(rule.when):
            if isinstance(condition, Answer) and condition.field == name and condition.op != "==":
                values |= {condition.value, max(kind.minimum, condition.value - 1)}
    return sorted(values)


@pytest.mark.parametrize("raw", [CASES[i] for i in random.Random(7).sample(range(len(CASES)), min(6, len(CASES)))]
                         + [UNDETERMINED_CASE, MIXED_CASE], ids=lambda raw: str(raw.get("case_id", "built")))
def test_what_would_change_misses_no_single_answer_that_changes_the_result(raw):
    """Add each unanswered question, one at a time, with each of its values: whatever new
    conclusion that produces must have been listed, with that question among its fields."""
    explanation = explained(raw)
    listed = {str(c.target): set(c.fields) for c in explanation.what_would_change()}
    before = _target_values(explanation.result)
    for name in explanation.run.case.not_known:
        for value in _probe_values(name):
            try:
                after = _target_values(bundled.screen({**raw, name: value}))
            except bundled.CaseError as refused:  # an answer the other answers contradict
                assert all(p.conflicts_with for p in refused.problems), refused
                continue
            for new in after - before:
                assert name in listed.get(new, set()), f"{name}={value} gives {new}, not listed"


# --------------------------------------------------------------------------- graph and JSON

@pytest.mark.parametrize("raw", CASES[:10] + [EXTENSION_CASE], ids=CASE_IDS[:10] + ["extension"])
def test_graph_runs_from_answers_through_rules_to_conclusions(raw):
    explanation = explained(raw)
    graph = explanation.graph()
    layer = {n.id: n.layer for n in graph.nodes}
    kinds = {n.id: n.kind for n in graph.nodes}
    last = max(layer.values())
    assert all(layer[a] < layer[b] for a, b in graph.edges)
    assert {kinds[n] for n, d in layer.items() if d == 0} <= {"answer", "absence"}
    assert {kinds[n] for n, d in layer.items() if d == last} == {"conclusion"}
    assert {n.label.split(". ", 1)[1] for n in graph.nodes if n.kind == "rule"} == set(explanation.result["fired_rules"]) \
        - {f.rule.id for f in explanation.trace if not f.asserted}
    for label in (n.label for n in graph.nodes if n.kind == "answer"):
        field, value = label.split(" = ")
        assert str(explanation.answers[field]) == value
    for conclusion in explanation.conclusions():
        assert any(n.kind == "conclusion" and n.label.startswith(f"{conclusion.target.kind}: {conclusion.target.value}")
                   for n in graph.nodes)


EXPLANATION_KEYS = ["format", "format_version", "case", "result", "trace", "how", "why_not",
                    "what_would_change", "graph", "sources", "knowledge_base_name", "notices", "steps"]


def test_json_document_has_stable_keys_and_holds_the_contract_result():
    explanation = explained({"case_id": "json-1", **MIXED_CASE})
    document = json.loads(json.dumps(explanation.to_dict([Target("responder", "flexion")])))
    assert list(document) == EXPLANATION_KEYS
    assert document["result"] == bundled.screen({"case_id": "json-1", **MIXED_CASE})
    assert [t["rule"] for t in document["trace"]] == document["result"]["fired_rules"]
    assert list(document["case"]) == ["label", "case_id", "answers", "not_known", "fact", "questions"]
    assert list(document["trace"][0]) == ["step", "rule", "title", "phase", "matched", "asserted", "retracted",
                                          "case_fields"]
    assert [w["target"] for w in document["why_not"]] == ["responder=flexion"]
    assert list(document["why_not"][0]) == ["target", "concluded", "rules", "kind", "value"]
    how = {h["target"]: h for h in document["how"]}
    assert list(how["responder=mixed"]) == ["target", "kind", "value", "label", "values", "derivation", "tags", "note",
                                         "name", "warning"]
    step = how["responder=mixed"]["derivation"][0]
    assert list(step) == ["step", "rule", "title", "rationale", "source", "evidence", "concluded", "conditions", "counted"]


def test_json_document_does_not_depend_on_field_order():
    raw = {"case_id": "order-1", **MIXED_CASE, "leg_pain": "one_leg", "fever": "no"}
    shuffled = dict(reversed(list(raw.items())))
    first = explained(raw).to_dict([Target("cause", "sprain")])
    second = explained(shuffled).to_dict([Target("cause", "sprain")])
    assert json.dumps(first, sort_keys=False) == json.dumps(second, sort_keys=False)
