"""The contract's invariants 5-7, and the input promise, as properties over generated cases.
(Invariants 1-4, the safety ones, are in test_safety_invariants.py.)"""
import json
import os
import random
import subprocess
import sys

from hypothesis import given, strategies as st

from lbp_screen.engine.vocabulary import WITHHELD
from tests import bundled
from lbp_screen.engine.conditions import ConclusionIndex, NotAnswered, Truth
from lbp_screen.engine.vocabulary import CaseError
from tests.conftest import KB, ROOT, consistent, raw_cases, valid_cases


@given(raw_cases())
def test_any_mapping_gives_a_result_or_a_case_error_naming_a_field(raw):
    try:
        result = bundled.screen(raw, label="generated")
    except CaseError as error:
        assert error.problems
        for problem in error.problems:
            # a field name that looks like an identifier is itself withheld
            assert problem.field in raw or problem.field in ("(case)", WITHHELD)
            assert problem.expected
        assert "generated" in str(error)
    else:
        assert result["professional_assessment"]["recommended"] is True


@given(valid_cases(spelled=True), st.randoms(use_true_random=False))
def test_same_result_whatever_the_field_order(raw, rng):
    items = list(raw.items())
    rng.shuffle(items)
    assert bundled.screen(dict(items)) == bundled.screen(raw)


@given(valid_cases())
def test_every_rule_id_in_a_result_is_in_the_rulebook(raw):
    result = bundled.screen(raw)
    ids = set(result["fired_rules"]) | set(result["responder"]["for"]) | set(result["responder"]["against"])
    for section in ("possible_causes", "red_flags"):
        ids |= {r for entry in result[section] for r in entry["rules"]}
    ids |= {r for entries in result["exercises"].values() for entry in entries for r in entry["rules"]}
    for rule_id in ids:
        assert KB.has_rule(rule_id)
        rule = KB.rule(rule_id)
        assert rule.title.strip() and rule.rationale.strip() and rule.source.strip()


@given(valid_cases())
def test_every_fired_rule_rests_on_answers_given_never_on_missing_ones(raw):
    """Invariant 7 for every rule, not only causes: after the run, each condition of each
    fired rule holds on the answers actually given (none is merely unknown)."""
    screener = bundled.screener_for()
    run = screener.run(screener.validate(raw))
    index = ConclusionIndex(run.facts)
    for firing in run.firings:
        for condition in firing.rule.when:
            truth = condition.evaluate(run.case.answers, index)
            assert truth is Truth.HELD, (firing.rule_id, condition, truth)
            if isinstance(condition, NotAnswered):
                # only warnings, and the STarT Back count of what missing items could still
                # add, react to a missing answer; neither is evidence for a conclusion
                assert firing.rule.topic in ("safety", "psychosocial"), firing.rule_id


@given(valid_cases())
def test_every_possible_cause_lists_a_supporting_rule(raw):
    for cause in bundled.screen(raw)["possible_causes"]:
        assert cause["rules"]
        for rule_id in cause["rules"]:
            assert KB.rule(rule_id).topic == "causes"


def test_same_results_in_fresh_processes_under_different_hash_seeds():
    rng = random.Random(7)
    fields = [f for f in KB.vocabulary.answer_fields() if hasattr(f.kind, "values")]
    cases = [consistent({f.name: rng.choice(f.kind.values) for f in fields if rng.random() < 0.6})
             for _ in range(40)]
    script = ("import json, sys; from tests import bundled; "
              "print(json.dumps([bundled.screen(c) for c in json.load(sys.stdin)], sort_keys=True))")
    outputs = set()
    for seed in ("0", "1", "42", "2024"):
        done = subprocess.run([sys.executable, "-c", script], input=json.dumps(cases), cwd=ROOT,
                              env={**os.environ, "PYTHONHASHSEED": seed},
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1
