"""Red-flag rules: each fires on its combination, not on one feature short of it, and
never on an unanswered question.

``FIRING`` holds, per rule, a *minimal* case that fires it: every answer in it is needed,
so leaving any one out (not known) must silence the rule.  ``NEAR_MISSES`` holds cases a
clinician would expect *not* to raise that flag: one feature short of the combination, or
the feature answered "no".
"""
import pytest

import engine
from knowledge.red_flags import RED_FLAG_CONDITIONS, URGENCY_LEVELS
from knowledge.rules import red_flags
from tests.conftest import KB

# rule id -> (minimal firing case, condition, urgency, flag id)
FIRING = {
    "R-FLAG-CES-SADDLE-NUMBNESS": (
        {"saddle_numbness": "yes"}, "cauda_equina", "emergency", "saddle_numbness"),
    "R-FLAG-CES-BLADDER-BOWEL": (
        {"bladder_or_bowel_change": "yes"}, "cauda_equina", "emergency", "bladder_or_bowel_change"),
    "R-FLAG-CES-BILATERAL-NERVE-SYMPTOMS": (
        {"leg_pain": "both_legs", "leg_numbness_or_tingling": "yes"},
        "cauda_equina", "emergency", "bilateral_leg_nerve_symptoms"),
    "R-FLAG-CES-BILATERAL-LEG-PAIN": (
        {"leg_pain": "both_legs"}, "cauda_equina", "urgent", "bilateral_leg_pain"),
    "R-FLAG-NEURO-PROGRESSIVE-WEAKNESS": (
        {"leg_weakness_progressive": "yes"},
        "progressive_neurological_deficit", "urgent", "progressive_leg_weakness"),
    "R-FLAG-NEURO-PROGRESSIVE-BILATERAL": (
        {"leg_weakness_progressive": "yes", "leg_pain": "both_legs"},
        "progressive_neurological_deficit", "emergency", "progressive_weakness_both_legs"),
    "R-FLAG-MALIGNANCY-CANCER-HISTORY": (
        {"history_of_cancer": "yes"}, "malignancy", "urgent", "history_of_cancer"),
    "R-FLAG-MALIGNANCY-WEIGHT-LOSS": (
        {"unexplained_weight_loss": "yes"}, "malignancy", "urgent", "unexplained_weight_loss"),
    "R-FLAG-MALIGNANCY-NIGHT-PAIN-AGE": (
        {"night_pain": "yes", "age": 50}, "malignancy", "urgent", "night_pain_age_50_or_over"),
    "R-FLAG-INFECTION-FEVER-RISK": (
        {"fever": "yes", "iv_drug_use": "yes"}, "infection", "emergency",
        "fever_with_infection_risk"),
    "R-FLAG-INFECTION-FEVER-WEAKNESS": (
        {"fever": "yes", "leg_weakness": "yes"}, "infection", "emergency",
        "fever_with_leg_weakness"),
    "R-FLAG-INFECTION-FEVER": (
        {"fever": "yes"}, "infection", "urgent", "fever"),
    "R-FLAG-FRACTURE-MAJOR-TRAUMA": (
        {"significant_trauma": "yes"}, "fracture", "emergency", "significant_trauma"),
    "R-FLAG-FRACTURE-MINOR-INJURY-FRAGILE-BONE": (
        {"injury_at_onset": "yes", "age": 65}, "fracture", "urgent",
        "minor_injury_with_fragile_bone"),
    "R-FLAG-FRACTURE-SUDDEN-ONSET-FRAGILE-BONE": (
        {"onset": "sudden", "long_term_steroids": "yes"}, "fracture", "urgent",
        "sudden_onset_with_fragile_bone"),
    "R-FLAG-INFLAMMATORY-ASAS": (
        {"duration_weeks": 12, "age": 39, "onset": "gradual", "exercise": "better",
         "rest": "no_change"}, "inflammatory_disease", "routine", "inflammatory_back_pain_asas"),
    "R-FLAG-INFLAMMATORY-BERLIN": (
        {"duration_weeks": 12, "age": 44, "morning_stiffness_minutes": 30, "exercise": "better",
         "rest": "worse"}, "inflammatory_disease", "routine", "inflammatory_back_pain_berlin"),
}

# Other routes into the same rule (the other option of an "any of").
MORE_FIRING = [
    ("R-FLAG-CES-BILATERAL-NERVE-SYMPTOMS", {"leg_pain": "both_legs", "leg_weakness": "yes"}),
    ("R-FLAG-INFECTION-FEVER-RISK", {"fever": "yes", "immunosuppressed": "yes"}),
    ("R-FLAG-INFECTION-FEVER-WEAKNESS", {"fever": "yes", "leg_weakness_progressive": "yes"}),
    ("R-FLAG-FRACTURE-MINOR-INJURY-FRAGILE-BONE", {"injury_at_onset": "yes", "osteoporosis": "yes"}),
    ("R-FLAG-FRACTURE-MINOR-INJURY-FRAGILE-BONE",
     {"injury_at_onset": "yes", "long_term_steroids": "yes"}),
    ("R-FLAG-FRACTURE-SUDDEN-ONSET-FRAGILE-BONE", {"onset": "sudden", "osteoporosis": "yes"}),
    ("R-FLAG-INFLAMMATORY-ASAS",  # four items without the age item
     {"duration_weeks": 30, "age": 60, "onset": "gradual", "exercise": "better", "rest": "worse",
      "night_pain": "yes"}),
]

# (rule id that must NOT fire, case, why) - one feature short, or the feature denied.
NEAR_MISSES = [
    ("R-FLAG-CES-SADDLE-NUMBNESS", {"saddle_numbness": "no", "leg_pain": "one_leg"},
     "saddle numbness denied"),
    ("R-FLAG-CES-BLADDER-BOWEL", {"bladder_or_bowel_change": "no", "leg_pain": "both_legs"},
     "no new bladder or bowel change"),
    ("R-FLAG-CES-BILATERAL-NERVE-SYMPTOMS",
     {"leg_pain": "one_leg", "leg_numbness_or_tingling": "yes", "leg_weakness": "yes",
      "pain_below_knee": "yes"}, "one-leg sciatica with nerve signs is not cauda equina"),
    ("R-FLAG-CES-BILATERAL-NERVE-SYMPTOMS",
     {"leg_pain": "both_legs", "leg_numbness_or_tingling": "no", "leg_weakness": "no"},
     "pain in both legs without nerve symptoms"),
    ("R-FLAG-CES-BILATERAL-LEG-PAIN", {"leg_pain": "one_leg", "pain_below_knee": "yes"},
     "pain in one leg only"),
    ("R-FLAG-NEURO-PROGRESSIVE-WEAKNESS",
     {"leg_weakness": "yes", "leg_weakness_progressive": "no"}, "weakness that is stable"),
    ("R-FLAG-NEURO-PROGRESSIVE-BILATERAL",
     {"leg_weakness_progressive": "yes", "leg_pain": "one_leg"}, "worsening in one leg only"),
    ("R-FLAG-MALIGNANCY-CANCER-HISTORY",
     {"history_of_cancer": "no", "age": 70, "night_pain": "no", "unexplained_weight_loss": "no"},
     "older age alone"),
    ("R-FLAG-MALIGNANCY-WEIGHT-LOSS", {"unexplained_weight_loss": "no", "age": 55},
     "weight loss denied"),
    ("R-FLAG-MALIGNANCY-NIGHT-PAIN-AGE", {"night_pain": "yes", "age": 49},
     "night pain under 50"),
    ("R-FLAG-MALIGNANCY-NIGHT-PAIN-AGE", {"night_pain": "no", "age": 80},
     "age 50 or over without night pain"),
    ("R-FLAG-INFECTION-FEVER-RISK", {"fever": "no", "iv_drug_use": "yes", "immunosuppressed": "yes"},
     "risk factors without fever"),
    ("R-FLAG-INFECTION-FEVER-RISK", {"fever": "yes", "iv_drug_use": "no", "immunosuppressed": "no"},
     "fever without a risk factor"),
    ("R-FLAG-INFECTION-FEVER-WEAKNESS",
     {"fever": "yes", "leg_weakness": "no", "leg_weakness_progressive": "no"},
     "fever without weakness"),
    ("R-FLAG-INFECTION-FEVER", {"fever": "no", "immunosuppressed": "yes"},
     "immunosuppression without fever"),
    ("R-FLAG-FRACTURE-MAJOR-TRAUMA", {"significant_trauma": "no", "injury_at_onset": "yes"},
     "an everyday injury is not major trauma"),
    ("R-FLAG-FRACTURE-MINOR-INJURY-FRAGILE-BONE",
     {"injury_at_onset": "yes", "age": 64, "osteoporosis": "no", "long_term_steroids": "no"},
     "minor injury at 64 in normal bone"),
    ("R-FLAG-FRACTURE-MINOR-INJURY-FRAGILE-BONE",
     {"injury_at_onset": "no", "osteoporosis": "yes", "age": 80},
     "fragile bone without an injury"),
    ("R-FLAG-FRACTURE-SUDDEN-ONSET-FRAGILE-BONE",
     {"onset": "gradual", "osteoporosis": "yes", "long_term_steroids": "yes"},
     "gradual onset in fragile bone"),
    ("R-FLAG-FRACTURE-SUDDEN-ONSET-FRAGILE-BONE",
     {"onset": "sudden", "osteoporosis": "no", "long_term_steroids": "no"},
     "sudden onset in normal bone"),
    ("R-FLAG-INFLAMMATORY-ASAS",
     {"duration_weeks": 12, "age": 39, "onset": "gradual", "exercise": "better", "rest": "better",
      "night_pain": "no"}, "three of five ASAS items"),
    ("R-FLAG-INFLAMMATORY-ASAS",
     {"duration_weeks": 11, "age": 30, "onset": "gradual", "exercise": "better", "rest": "worse",
      "night_pain": "yes"}, "all five items but under 12 weeks"),
    ("R-FLAG-INFLAMMATORY-BERLIN",
     {"duration_weeks": 12, "age": 44, "morning_stiffness_minutes": 29, "exercise": "better",
      "rest": "worse"}, "stiffness just under half an hour"),
    ("R-FLAG-INFLAMMATORY-BERLIN",
     {"duration_weeks": 12, "age": 45, "morning_stiffness_minutes": 60, "exercise": "better",
      "rest": "worse"}, "age 45"),
    ("R-FLAG-INFLAMMATORY-BERLIN",
     {"duration_weeks": 12, "age": 30, "morning_stiffness_minutes": 60, "exercise": "better",
      "rest": "better"}, "rest eases it"),
]


def _flags(result):
    return {(f["id"], f["condition"], f["urgency"]) for f in result["red_flags"]}


def test_every_red_flag_rule_has_a_firing_case_and_a_near_miss():
    ids = {r.id for r in red_flags.RULES}
    assert set(FIRING) == ids
    assert {rule_id for rule_id, _, _ in NEAR_MISSES} == ids


def test_every_condition_of_the_contract_has_rules_with_sources():
    conditions = {case[1] for case in FIRING.values()}
    assert conditions == set(RED_FLAG_CONDITIONS) == {
        "cauda_equina", "malignancy", "infection", "fracture",
        "progressive_neurological_deficit", "inflammatory_disease"}
    for spec in red_flags.RULES:
        assert spec.source.strip() and "[" in spec.source
        assert spec.rationale.strip()


def test_each_condition_has_referral_words_for_exactly_the_urgencies_its_rules_reach():
    reached = {}
    for _, condition, urgency, _ in FIRING.values():
        reached.setdefault(condition, set()).add(urgency)
    for condition_id, condition in RED_FLAG_CONDITIONS.items():
        assert set(condition.referrals) == reached[condition_id], condition_id


@pytest.mark.parametrize("rule_id", sorted(FIRING))
def test_red_flag_rule_fires_on_its_combination(rule_id):
    case, condition, urgency, flag = FIRING[rule_id]
    result = engine.screen(case)
    assert rule_id in result["fired_rules"]
    assert (flag, condition, urgency) in _flags(result)
    entry = next(f for f in result["red_flags"] if f["id"] == flag)
    assert rule_id in entry["rules"]


@pytest.mark.parametrize("rule_id,case", MORE_FIRING,
                         ids=[f"{r}-{i}" for i, (r, _) in enumerate(MORE_FIRING)])
def test_red_flag_rule_fires_by_its_other_routes(rule_id, case):
    assert rule_id in engine.screen(case)["fired_rules"]


@pytest.mark.parametrize("rule_id,case,why", NEAR_MISSES, ids=[n[2] for n in NEAR_MISSES])
def test_near_miss_does_not_raise_the_flag(rule_id, case, why):
    result = engine.screen(case)
    assert rule_id not in result["fired_rules"], why
    assert FIRING[rule_id][3] not in {f["id"] for f in result["red_flags"]}, why


@pytest.mark.parametrize("rule_id", sorted(FIRING))
def test_an_unanswered_question_never_completes_a_red_flag(rule_id):
    """Each answer in the minimal firing case is needed: left unknown, the rule is silent."""
    case = FIRING[rule_id][0]
    for field in case:
        partial = {k: v for k, v in case.items() if k != field}
        assert rule_id not in engine.screen(partial)["fired_rules"], field
        # and "unknown" spelled out is the same as leaving it out
        assert rule_id not in engine.screen({**partial, field: "unknown"})["fired_rules"], field


def test_one_leg_sciatica_with_nerve_signs_raises_no_red_flag():
    result = engine.screen({"age": 40, "leg_pain": "one_leg", "pain_below_knee": "yes",
                            "leg_numbness_or_tingling": "yes", "cough_sneeze_worse": "yes",
                            "saddle_numbness": "no", "bladder_or_bowel_change": "no"})
    assert result["red_flags"] == []
    assert result["urgency"] == "routine"


def test_a_flag_found_by_two_routes_is_listed_once_at_its_most_pressing_urgency():
    result = engine.screen({"fever": "yes", "iv_drug_use": "yes", "leg_weakness": "yes"})
    infection = [f for f in result["red_flags"] if f["condition"] == "infection"]
    assert [f["id"] for f in infection] == [
        "fever_with_infection_risk", "fever_with_leg_weakness", "fever"]
    assert [f["urgency"] for f in infection] == ["emergency", "emergency", "urgent"]


def test_red_flags_are_listed_in_catalogue_order_most_pressing_first():
    result = engine.screen({"duration_weeks": 20, "age": 30, "onset": "gradual",
                            "exercise": "better", "rest": "worse", "fever": "yes",
                            "leg_pain": "both_legs", "saddle_numbness": "yes"})
    conditions = [f["condition"] for f in result["red_flags"]]
    assert conditions == sorted(conditions, key=list(RED_FLAG_CONDITIONS).index)
    ces = [f["urgency"] for f in result["red_flags"] if f["condition"] == "cauda_equina"]
    assert ces == sorted(ces, key=URGENCY_LEVELS.index)


def test_red_flag_rules_are_in_the_rulebook_under_the_safety_topic():
    for spec in red_flags.RULES:
        assert KB.has_rule(spec.id)
        assert spec.topic == "safety"
