"""The responder thresholds are checked when the rules are built: the bundled ones pass,
every value in each threshold's plausible range is either accepted or refused naming the
tally it leaves undecided (or decided twice), values outside the range are refused, and a
knowledge base with broken thresholds cannot be imported at all."""
import itertools
import re
import shutil
import subprocess
import sys

import pytest
from hypothesis import given, strategies as st

from tests import bundled
from lbp_screen.engine.conditions import ConclusionIndex, Truth, all_of
from lbp_screen.engine.rulebook import Conclude
from lbp_screen.knowledge.facts import Responder, ResponderTally
from lbp_screen.knowledge.rules import responder
from lbp_screen.knowledge.rules.responder import (
    EVIDENCE_RULES, MIN_FINDINGS_CEILING, MIN_FINDINGS_FLOOR, MIN_LEAD_CEILING, MIN_LEAD_FLOOR,
    RULES, TALLY_RULE, TYPE_MIN_FINDINGS, TYPE_MIN_LEAD, ResponderThresholdError, build_rules,
)
from lbp_screen.knowledge.vocabulary import VOCABULARY
from tests.conftest import KB, ROOT

NAMED_TALLY = re.compile(
    r"the tally \(extension (?P<extension>\d+), flexion (?P<flexion>\d+)\)"
    r"(?: with (?P<answers>.*?))? reaches (?:no decision rule|(?P<many>\d+) decision rules)")
# The questions the responder rules read, and every answer each can take (None: unanswered).
RESPONDER_FIELDS = sorted(set().union(*(r.answer_fields() for r in RULES)))
ANSWERS = {name: (None, *VOCABULARY[name].kind.values) for name in RESPONDER_FIELDS}


def _decision_rules(rules):
    return [r for r in rules
            if any(isinstance(a, Conclude) and a.fact_type is Responder for a in r.then)]


def _reached(rules, answers):
    """The decision rules that fire for ``answers``, computed the way the engine would:
    evidence rules on the answers, the tally rule's count, then the decision rules."""
    evidence = [fact for r in EVIDENCE_RULES
                if all_of(c.evaluate(answers, ConclusionIndex([])) for c in r.when) is Truth.HELD
                for fact in r.then[0].facts(r.id, [])]
    tally = TALLY_RULE.then[0].facts(TALLY_RULE.id, evidence)[0]
    concluded = ConclusionIndex([tally])
    return [r.id for r in _decision_rules(rules)
            if all_of(c.evaluate(answers, concluded) for c in r.when) is Truth.HELD]


def _every_answer_set():
    for picked in itertools.product(*ANSWERS.values()):
        yield {name: value for name, value in zip(ANSWERS, picked) if value is not None}


def _built_or_refused_naming_a_tally(min_findings, min_lead):
    try:
        rules = build_rules(min_findings, min_lead)
    except ResponderThresholdError as refused:
        named = NAMED_TALLY.search(str(refused))
        assert named, refused
        assert f"TYPE_MIN_FINDINGS={min_findings}, TYPE_MIN_LEAD={min_lead}" in str(refused)
        # the tally named really is decided by no rule, or by more than one
        tally = ResponderTally(extension=int(named["extension"]),
                               flexion=int(named["flexion"]))
        answers = dict(re.findall(r"(\w+)=(\w+)", named["answers"] or ""))
        decisions = _decision_rules(responder.decision_rules(min_findings, min_lead))
        reached = [r.id for r in decisions if all_of(
            c.evaluate(answers, ConclusionIndex([tally])) for c in r.when) is Truth.HELD]
        assert len(reached) == int(named["many"] or 0) != 1, (refused, reached)
    else:
        # accepted: every case the answers can make reaches exactly one decision
        undecided = [(a, r) for a in _every_answer_set() if len(r := _reached(rules, a)) != 1]
        assert undecided == []


def test_the_bundled_thresholds_pass_and_make_the_module_rules():
    assert build_rules(TYPE_MIN_FINDINGS, TYPE_MIN_LEAD) == RULES
    assert all(rule in KB.rules for rule in RULES)


@pytest.mark.parametrize("min_findings, min_lead", list(itertools.product(
    range(MIN_FINDINGS_FLOOR.value, MIN_FINDINGS_CEILING.value + 1),
    range(MIN_LEAD_FLOOR.value, MIN_LEAD_CEILING.value + 1))))
def test_every_plausible_pair_of_thresholds_is_accepted_or_refused_naming_a_tally(
        min_findings, min_lead):
    _built_or_refused_naming_a_tally(min_findings, min_lead)


@pytest.mark.parametrize("min_findings, min_lead, bound", [
    (MIN_FINDINGS_FLOOR.value - 1, TYPE_MIN_LEAD, MIN_FINDINGS_FLOOR),
    (MIN_FINDINGS_CEILING.value + 1, TYPE_MIN_LEAD, MIN_FINDINGS_CEILING),
    (TYPE_MIN_FINDINGS, MIN_LEAD_FLOOR.value - 1, MIN_LEAD_FLOOR),
    (TYPE_MIN_FINDINGS, MIN_LEAD_CEILING.value + 1, MIN_LEAD_CEILING),
])
def test_thresholds_outside_their_plausible_range_are_refused_with_the_reason(
        min_findings, min_lead, bound):
    with pytest.raises(ResponderThresholdError, match="outside its plausible range") as refused:
        build_rules(min_findings, min_lead)
    assert bound.reason in str(refused.value)


@pytest.mark.parametrize("min_findings, min_lead", [(2.5, TYPE_MIN_LEAD), (TYPE_MIN_FINDINGS, True)])
def test_thresholds_that_are_not_whole_numbers_are_refused(min_findings, min_lead):
    with pytest.raises(ResponderThresholdError, match="must be a whole number"):
        build_rules(min_findings, min_lead)


def test_type_min_lead_3_does_not_crash_three_for_one_against():
    """The bug: with TYPE_MIN_LEAD = 3, three findings one way and one the other matched no
    decision rule, and screening raised ValueError ("expected exactly one Responder")."""
    with pytest.raises(ResponderThresholdError) as refused:
        build_rules(TYPE_MIN_FINDINGS, 3)
    named = NAMED_TALLY.search(str(refused.value))
    assert sorted((int(named["extension"]), int(named["flexion"]))) == [1, 3]
    assert "reaches no decision rule" in str(refused.value)
    # with the bundled thresholds, three for and one against give exactly one type
    decision_ids = {r.id for r in _decision_rules(RULES)}
    three_for_one_against = [
        {"sitting": "worse", "standing": "better", "walking": "better", "bending_backward": "worse"},
        {"sitting": "worse", "standing": "better", "morning_pain_worst": "yes", "walking": "worse"},
        {"standing": "worse", "walking": "worse", "sitting": "better", "bending_forward": "worse"},
        {"standing": "worse", "walking": "worse", "bending_forward": "better",
         "morning_pain_worst": "yes"},
    ]
    for case in three_for_one_against:
        fired = [r for r in bundled.screen(case)["fired_rules"] if r in decision_ids]
        assert len(fired) == 1, (case, fired)


def test_a_knowledge_base_with_broken_thresholds_cannot_be_imported(tmp_path):
    # A copy of the package as installed (cli/ is lbp_screen; engine/ and knowledge/ inside)
    package = tmp_path / "lbp_screen"
    skip = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "cli", package, ignore=skip)
    shutil.copytree(ROOT / "engine", package / "engine", ignore=skip)
    shutil.copytree(ROOT / "knowledge", package / "knowledge", ignore=skip)
    rules_file = package / "knowledge" / "rules" / "responder.py"
    text = rules_file.read_text(encoding="utf-8")
    assert "TYPE_MIN_LEAD = 2" in text
    rules_file.write_text(text.replace("TYPE_MIN_LEAD = 2", "TYPE_MIN_LEAD = 3"), encoding="utf-8")
    imported = subprocess.run(
        [sys.executable, "-c", "import sys; sys.path[:0] = sys.argv[1:2]; import lbp_screen.knowledge; "
         "print(lbp_screen.knowledge.__file__)", str(tmp_path)],
        capture_output=True, text=True, timeout=120)
    assert imported.returncode != 0
    assert "ResponderThresholdError" in imported.stderr
    assert "TYPE_MIN_LEAD=3" in imported.stderr


@given(st.fixed_dictionaries({}, optional={name: st.sampled_from(values[1:])
                                           for name, values in ANSWERS.items()}))
def test_every_case_reaches_exactly_one_responder_decision(case):
    decision_ids = {r.id for r in _decision_rules(RULES)}
    result = bundled.screen(case)
    fired = [r for r in result["fired_rules"] if r in decision_ids]
    assert len(fired) == 1, fired
    assert fired == _reached(RULES, case)
