"""The rulebook checks itself: complete metadata, a build-time refusal of broken rulebooks,
every rule reachable by some annotated case, every contract id reachable by some rule, and a
digest that follows the knowledge files."""
import json
import pathlib
import re
import shutil

import pytest
from hypothesis import given, settings

from tests import bundled
from lbp_screen.engine.conditions import answer, any_of, at_least_value, not_answered, one_of
from lbp_screen.engine.rulebook import RULE_ID, RulebookError, check_rulebook, conclude, files_digest
from lbp_screen.engine.rulebook_doc import citations, rule_entries
from lbp_screen.knowledge.reference import CATALOGUES, PHASES
from lbp_screen.knowledge.vocabulary import WORDING
from tests.conftest import CASES_DIR, valid_cases
from tests.engine.toy_kb import Verdict, toy_kb, toy_rule

KB = bundled.load_knowledge_base()

# The contract's id lists (spec/case-contract.md, section 2), copied here on purpose: the
# test holds the knowledge base to the public contract, not to its own catalogues.
CONTRACT_CAUSES = [
    "sprain", "strain", "pinched_nerve", "fibromyalgia", "spinal_stenosis", "spondylolisthesis",
    "nerve_damage", "stress_anxiety", "tight_hip_flexors", "herniated_disc",
    "si_joint_dysfunction", "arthritis", "ankylosing_spondylitis",
]
CONTRACT_EXERCISES = [
    "sloppy_push_up", "standing_lumbar_extension", "hip_flexor_stretch", "double_knee_to_chest",
    "seated_forward_bend", "seated_spinal_twist", "happy_baby", "childs_pose", "knee_to_chest",
    "wide_legged_forward_fold", "kneeling_hip_flexor_stretch", "cat_cow", "three_legged_dog",
    "glute_bridge", "kneeling_side_bend", "cobra", "standing_quad_stretch",
    "lumbar_trunk_rotation", "pigeon_pose",
]
CONTRACT_RED_FLAG_CONDITIONS = [
    "cauda_equina", "malignancy", "infection", "fracture", "progressive_neurological_deficit",
    "inflammatory_disease",
]
CONTRACT_IDS = {"cause": CONTRACT_CAUSES, "exercise": CONTRACT_EXERCISES,
                "red_flag": CONTRACT_RED_FLAG_CONDITIONS}

CASE_FILES = sorted(CASES_DIR.glob("*.json"))


def _annotated_results():
    results = []
    for path in CASE_FILES:
        document = json.loads(path.read_text(encoding="utf-8"))
        results.append((path.name, bundled.screen(document["case"], label=path.name)))
    return results


# --- metadata ----------------------------------------------------------------------------

@pytest.mark.parametrize("rule", KB.rules, ids=[r.id for r in KB.rules])
def test_every_rule_has_complete_metadata(rule):
    assert RULE_ID.fullmatch(rule.id), f"{rule.id}: ids look like R-TOPIC-NAME"
    assert rule.title.strip() and rule.title != rule.id
    assert len(rule.rationale.split()) >= 6, f"{rule.id}: the rationale should explain, in a sentence"
    keys = [key for key, _ in citations(rule.source)]
    assert keys, f"{rule.id}: source {rule.source!r} cites no [key]"
    assert set(keys) <= set(KB.sources), f"{rule.id}: unknown source keys {set(keys) - set(KB.sources)}"
    assert rule.topic in KB.topics
    assert rule.phase in PHASES, f"{rule.id}: phase {rule.phase} has no name in the rulebook guide"


def test_rule_ids_are_unique_and_the_bundled_rulebook_passes_its_check():
    ids = [rule.id for rule in KB.rules]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    check_rulebook(KB)


def test_every_answer_field_has_rulebook_wording():
    answer_fields = {spec.name for spec in KB.vocabulary.answer_fields()}
    assert set(WORDING) == answer_fields


def test_every_condition_reads_in_plain_words_not_field_names():
    field_names = [spec.name for spec in KB.vocabulary.answer_fields() if "_" in spec.name]
    for entry in rule_entries(KB, PHASES):
        for text in entry["when"] + entry["then"]:
            assert text.strip()
        for text in entry["when"]:
            raw = [name for name in field_names if re.search(rf"\b{name}\b", text)]
            assert not raw, f"{entry['id']}: {text!r} shows field names {raw}"


# --- check_rulebook refuses a broken rulebook ---------------------------------------------

FEVER_VERDICT = [conclude(Verdict, value="a")]


@pytest.mark.parametrize("rules, message", [
    ([toy_rule("R-TOY-A", [answer("fever", "yes")], FEVER_VERDICT),
      toy_rule("R-TOY-A", [answer("fever", "no")], FEVER_VERDICT)], "duplicate id"),
    ([toy_rule("R-TOY-A", [answer("fever", "yes")], FEVER_VERDICT, source="")], "empty source"),
    ([toy_rule("R-TOY-A", [answer("fever", "yes")], FEVER_VERDICT, source="a textbook")],
     "known \\[source key\\]"),
    ([toy_rule("R-TOY-A", [answer("fever", "yes")], FEVER_VERDICT, source="[toy]; [nosuch] p. 3")],
     "known \\[source key\\]"),
    ([toy_rule("R-TOY-A", [answer("fever", "yes")], FEVER_VERDICT, title=" ")], "empty title"),
    ([toy_rule("R-TOY-A", [answer("fever", "yes")], FEVER_VERDICT, rationale="")], "empty rationale"),
    ([toy_rule("toy-rule", [answer("fever", "yes")], FEVER_VERDICT)], "R-TOPIC-NAME"),
    ([toy_rule("R-TOY-A", [answer("fever", "yes")], FEVER_VERDICT, topic="nosuch")], "unknown topic"),
    ([toy_rule("R-TOY-A", [answer("fever", "yes")], [])], "concludes nothing"),
    ([toy_rule("R-TOY-A", [answer("fevre", "yes")], FEVER_VERDICT)], "unknown field 'fevre'"),
    ([toy_rule("R-TOY-A", [any_of(answer("fever", "yes"), answer("cough", "yes"))], FEVER_VERDICT)],
     "unknown field 'cough'"),
    ([toy_rule("R-TOY-A", [not_answered("weight")], FEVER_VERDICT)], "unknown field 'weight'"),
    ([toy_rule("R-TOY-A", [answer("fever", "true")], FEVER_VERDICT)], "fever has no value 'true'"),
    ([toy_rule("R-TOY-A", [one_of("sitting", "worse", "awful")], FEVER_VERDICT)],
     "sitting has no value 'awful'"),
    ([toy_rule("R-TOY-A", [at_least_value("age", 150)], FEVER_VERDICT)], "outside its range"),
    ([toy_rule("R-TOY-A", [at_least_value("fever", "yes")], FEVER_VERDICT)], "needs a number field"),
], ids=["duplicate-id", "missing-source", "source-without-key", "unknown-source-key",
        "missing-title", "missing-rationale", "bad-id", "unknown-topic", "no-conclusion",
        "unknown-field", "unknown-field-nested", "unknown-field-not-answered",
        "value-not-allowed-yes-no", "value-not-allowed-one-of", "threshold-out-of-range",
        "threshold-on-choice"])
def test_check_rulebook_refuses_a_broken_rulebook(rules, message):
    with pytest.raises(RulebookError, match=message):
        check_rulebook(toy_kb(rules))


def test_check_rulebook_accepts_a_sound_toy_rulebook():
    check_rulebook(toy_kb([toy_rule("R-TOY-A", [answer("fever", "yes"), at_least_value("age", 50)],
                                    FEVER_VERDICT, source="[toy] section 2; [toy]")]))


# --- reachability ------------------------------------------------------------------------

def test_every_rule_fires_for_at_least_one_annotated_case():
    assert CASE_FILES, "cases/ holds no annotated cases"
    fired = set()
    for _, result in _annotated_results():
        fired.update(result["fired_rules"])
    never = [rule.id for rule in KB.rules if rule.id not in fired]
    assert not never, (f"{len(never)} of {len(KB.rules)} rules fire for no case in cases/ "
                       f"(add a case that exercises each): {never}")


@pytest.mark.parametrize("kind", sorted(CONTRACT_IDS))
def test_every_contract_id_is_concluded_by_some_rule(kind):
    fact_type, field = KB.targets[kind]
    unreachable = [i for i in CONTRACT_IDS[kind] if not KB.rules_concluding(fact_type, {field: i})]
    assert not unreachable, f"no rule's `then` concludes these {kind} ids: {unreachable}"


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=[c.target for c in CATALOGUES])
def test_catalogues_hold_exactly_the_contract_ids(catalogue):
    assert sorted(catalogue.entries) == sorted(CONTRACT_IDS[catalogue.target])


def _rule_ids_in(result):
    ids = list(result["fired_rules"]) + result["responder"]["for"] + result["responder"]["against"]
    for section in (result["possible_causes"], result["red_flags"], *result["exercises"].values()):
        for entry in section:
            ids.extend(entry["rules"])
    return ids


def test_every_rule_id_in_an_annotated_result_exists_in_the_rulebook():
    unknown = {(name, rule_id) for name, result in _annotated_results()
               for rule_id in _rule_ids_in(result) if not KB.has_rule(rule_id)}
    assert not unknown


@settings(max_examples=60)
@given(valid_cases())
def test_every_rule_id_in_any_result_exists_in_the_rulebook(case):
    result = bundled.screen(case)
    assert [r for r in _rule_ids_in(result) if not KB.has_rule(r)] == []


# --- digest ------------------------------------------------------------------------------

def _package_root() -> pathlib.Path:
    return pathlib.Path(bundled.load_knowledge_base().files[0]).parent


def test_digest_is_computed_from_the_knowledge_files():
    assert KB.digest == files_digest(KB.files)
    assert any(path.parts[-2:] == ("rules", "responder.py") for path in KB.files)


def test_digest_changes_when_a_knowledge_file_changes(tmp_path):
    root = _package_root()
    copy = tmp_path / root.name
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("__pycache__"))
    copied = sorted(copy.rglob("*.py"))
    original = files_digest(KB.files)
    assert files_digest(copied) == original  # same names, same contents: same digest
    rule_file = copy / "rules" / "responder.py"
    rule_file.write_text(rule_file.read_text(encoding="utf-8").replace(
        "TYPE_MIN_LEAD = 2", "TYPE_MIN_LEAD = 3"), encoding="utf-8")
    assert files_digest(copied) != original
