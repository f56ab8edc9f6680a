"""Red-flag rules: each fires on its combination, not on one feature short of it, and
never on an unanswered question.

``FIRING`` holds, per rule, a *minimal* case that fires it: every answer in it is needed,
so leaving any one out (not known) must silence the rule.  ``NEAR_MISSES`` holds cases a
clinician would expect *not* to raise that flag: one feature short of the combination, or
the feature answered "no".
"""
import pytest

from tests import bundled
from lbp_screen.knowledge.red_flags import RED_FLAG_CONDITIONS, URGENCY_LEVELS
from lbp_screen.knowledge.rules import red_flags
from tests.conftest import KB, ROOT

# rule id -> (minimal firing case, condition, urgency, flag id)
FIRING = {
    "R-FLAG-CES-SADDLE-NUMBNESS": (
        {"saddle_numbness": "yes"}, "cauda_equina", "emergency", "saddle_numbness"),
    "R-FLAG-CES-BLADDER-BOWEL": (
        {"bladder_or_bowel_change": "yes"}, "cauda_equina", "emergency", "bladder_or_bowel_change"),
    "R-FLAG-CES-SEXUAL-DYSFUNCTION": (
        {"sexual_dysfunction": "yes"}, "cauda_equina", "urgent", "sexual_dysfunction"),
    "R-FLAG-CES-SEXUAL-DYSFUNCTION-WITH-OTHER-SIGNS": (
        {"sexual_dysfunction": "yes", "leg_pain": "both_legs"}, "cauda_equina", "emergency",
        "sexual_dysfunction_with_bilateral_symptoms"),
    "R-FLAG-CES-BILATERAL-NEW-OR-WORSENING": (
        {"leg_pain": "both_legs", "leg_symptoms_course": "new_or_worsening"},
        "cauda_equina", "emergency", "new_or_worsening_symptoms_both_legs"),
    "R-FLAG-CES-BILATERAL-NERVE-SYMPTOMS": (
        {"leg_pain": "both_legs", "leg_numbness_or_tingling": "yes"},
        "cauda_equina", "urgent", "bilateral_leg_nerve_symptoms"),
    "R-FLAG-CES-NERVE-SYMPTOMS-BOTH-LEGS": (
        {"nerve_symptoms_both_legs": "yes"}, "cauda_equina", "emergency", "nerve_symptoms_both_legs"),
    "R-FLAG-CES-BILATERAL-WEAKNESS": (
        {"nerve_symptoms_both_legs": "yes", "leg_weakness": "yes"}, "cauda_equina", "urgent",
        "weakness_with_nerve_symptoms_both_legs"),
    "R-FLAG-CES-BILATERAL-NERVE-ROOT-PAIN": (
        {"leg_pain": "both_legs"}, "cauda_equina", "urgent", "bilateral_nerve_root_pain"),
    "R-FLAG-NEURO-PROGRESSIVE-WEAKNESS": (
        {"leg_weakness_progressive": "yes"},
        "progressive_neurological_deficit", "urgent", "progressive_leg_weakness"),
    "R-FLAG-NEURO-SLOWLY-WORSENING-BOTH-LEGS": (
        {"nerve_symptoms_both_legs": "yes", "leg_symptoms_course": "slowly_worsening"},
        "progressive_neurological_deficit", "urgent", "slowly_worsening_nerve_symptoms_both_legs"),
    "R-FLAG-NEURO-PROGRESSIVE-BILATERAL": (
        {"leg_weakness_progressive": "yes", "leg_pain": "both_legs"},
        "progressive_neurological_deficit", "emergency", "progressive_weakness_both_legs"),
    "R-FLAG-MALIGNANCY-CORD-COMPRESSION": (
        {"history_of_cancer": "yes", "leg_weakness": "yes"}, "malignancy", "emergency",
        "cancer_with_neurological_symptoms"),
    "R-FLAG-MALIGNANCY-CANCER-HISTORY": (
        {"history_of_cancer": "yes"}, "malignancy", "urgent", "history_of_cancer"),
    "R-FLAG-MALIGNANCY-WEIGHT-LOSS": (
        {"unexplained_weight_loss": "yes"}, "malignancy", "urgent", "unexplained_weight_loss"),
    "R-FLAG-MALIGNANCY-THORACIC-PAIN-AGE": (
        {"thoracic_pain": "yes", "age": 50}, "malignancy", "urgent", "thoracic_pain_age_50_or_over"),
    "R-FLAG-INFECTION-FEVER-RISK": (
        {"fever": "yes", "iv_drug_use": "yes"}, "infection", "emergency",
        "fever_with_infection_risk"),
    "R-FLAG-INFECTION-FEVER-WEAKNESS": (
        {"fever": "yes", "leg_weakness": "yes"}, "infection", "emergency",
        "fever_with_leg_weakness"),
    "R-FLAG-INFECTION-FEVER": (
        {"fever": "yes"}, "infection", "urgent", "fever"),
    "R-FLAG-INFECTION-RISK-NIGHT-PAIN": (
        {"immunosuppressed": "yes", "night_pain": "yes"}, "infection", "urgent",
        "infection_risk_with_night_pain"),
    "R-FLAG-FRACTURE-MAJOR-TRAUMA": (
        {"significant_trauma": "yes"}, "fracture", "emergency", "significant_trauma"),
    "R-FLAG-FRACTURE-MINOR-INJURY-FRAGILE-BONE": (
        {"injury_at_onset": "yes", "age": 70}, "fracture", "urgent",
        "minor_injury_with_fragile_bone"),
    "R-FLAG-FRACTURE-SUDDEN-ONSET-FRAGILE-BONE": (
        {"onset": "sudden", "long_term_steroids": "yes"}, "fracture", "urgent",
        "sudden_onset_with_fragile_bone"),
    "R-FLAG-FRACTURE-SUDDEN-ONSET-OLDER-AGE": (
        {"onset": "sudden", "age": 70}, "fracture", "urgent", "sudden_onset_age_70_or_over"),
    "R-FLAG-INFLAMMATORY-ASAS": (
        {"duration_weeks": 12, "age": 39, "onset": "gradual", "exercise": "better",
         "rest": "no_change"}, "inflammatory_disease", "routine", "inflammatory_back_pain_asas"),
    "R-FLAG-INFLAMMATORY-BERLIN": (
        {"duration_weeks": 12, "age": 44, "morning_stiffness_minutes": 30.5, "exercise": "better",
         "rest": "worse"}, "inflammatory_disease", "routine", "inflammatory_back_pain_berlin"),
}

# Other routes into the same rule (the other option of an "any of").
MORE_FIRING = [
    ("R-FLAG-CES-BILATERAL-NEW-OR-WORSENING",
     {"leg_pain": "both_legs", "leg_symptoms_course": "new_or_worsening", "pain_below_knee": "yes"}),
    ("R-FLAG-CES-NERVE-SYMPTOMS-BOTH-LEGS",
     {"nerve_symptoms_both_legs": "yes", "leg_symptoms_course": "new_or_worsening"}),
    ("R-FLAG-CES-SEXUAL-DYSFUNCTION-WITH-OTHER-SIGNS",
     {"sexual_dysfunction": "yes", "nerve_symptoms_both_legs": "yes"}),
    ("R-FLAG-CES-BILATERAL-NERVE-SYMPTOMS", {"leg_pain": "both_legs", "leg_weakness": "yes"}),
    ("R-FLAG-CES-BILATERAL-NERVE-SYMPTOMS",  # stable, but whether one side or both not asked
     {"leg_pain": "both_legs", "leg_numbness_or_tingling": "yes", "leg_symptoms_course": "stable"}),
    ("R-FLAG-CES-BILATERAL-NERVE-SYMPTOMS",  # "unchanged", but in a three-week episode
     {"leg_pain": "both_legs", "leg_numbness_or_tingling": "yes", "nerve_symptoms_both_legs": "no",
      "leg_symptoms_course": "stable", "duration_weeks": 3}),
    ("R-FLAG-CES-BILATERAL-NERVE-SYMPTOMS",  # one side, but the course not asked
     {"leg_pain": "both_legs", "leg_numbness_or_tingling": "yes", "nerve_symptoms_both_legs": "no"}),
    ("R-FLAG-NEURO-PROGRESSIVE-BILATERAL",
     {"leg_weakness_progressive": "yes", "nerve_symptoms_both_legs": "yes"}),
    ("R-FLAG-MALIGNANCY-CORD-COMPRESSION", {"history_of_cancer": "yes", "leg_weakness_progressive": "yes"}),
    ("R-FLAG-MALIGNANCY-CORD-COMPRESSION", {"history_of_cancer": "yes", "leg_numbness_or_tingling": "yes"}),
    ("R-FLAG-MALIGNANCY-CORD-COMPRESSION", {"history_of_cancer": "yes", "leg_pain": "both_legs"}),
    ("R-FLAG-MALIGNANCY-CORD-COMPRESSION",
     {"history_of_cancer": "yes", "leg_pain": "one_leg", "pain_below_knee": "yes"}),
    ("R-FLAG-MALIGNANCY-CORD-COMPRESSION", {"history_of_cancer": "yes", "nerve_symptoms_both_legs": "yes"}),
    ("R-FLAG-MALIGNANCY-CORD-COMPRESSION", {"history_of_cancer": "yes", "saddle_numbness": "yes"}),
    ("R-FLAG-MALIGNANCY-CORD-COMPRESSION", {"history_of_cancer": "yes", "bladder_or_bowel_change": "yes"}),
    ("R-FLAG-MALIGNANCY-CORD-COMPRESSION", {"history_of_cancer": "yes", "sexual_dysfunction": "yes"}),
    ("R-FLAG-MALIGNANCY-CORD-COMPRESSION",
     {"history_of_cancer": "yes", "cancer_non_melanoma_skin_only": "no", "leg_weakness": "yes"}),
    ("R-FLAG-MALIGNANCY-CANCER-HISTORY",
     {"history_of_cancer": "yes", "cancer_non_melanoma_skin_only": "no"}),
    ("R-FLAG-INFECTION-FEVER-RISK", {"fever": "yes", "immunosuppressed": "yes"}),
    ("R-FLAG-INFECTION-FEVER-RISK", {"fever": "yes", "long_term_steroids": "yes"}),
    ("R-FLAG-INFECTION-FEVER-WEAKNESS", {"fever": "yes", "leg_weakness_progressive": "yes"}),
    ("R-FLAG-INFECTION-RISK-NIGHT-PAIN", {"iv_drug_use": "yes", "night_pain": "yes"}),
    ("R-FLAG-INFECTION-RISK-NIGHT-PAIN", {"long_term_steroids": "yes", "night_pain": "yes"}),
    ("R-FLAG-FRACTURE-MINOR-INJURY-FRAGILE-BONE", {"injury_at_onset": "yes", "osteoporosis": "yes"}),
    ("R-FLAG-FRACTURE-MINOR-INJURY-FRAGILE-BONE",
     {"injury_at_onset": "yes", "long_term_steroids": "yes"}),
    ("R-FLAG-FRACTURE-SUDDEN-ONSET-FRAGILE-BONE", {"onset": "sudden", "osteoporosis": "yes"}),
    ("R-FLAG-INFLAMMATORY-ASAS",  # four items without the item "under 40", at 44
     {"duration_weeks": 30, "age": 44, "onset": "gradual", "exercise": "better", "rest": "worse",
      "night_pain": "yes"}),
]

# (rule id that must NOT fire, case, why) - one feature short, or the feature denied.
NEAR_MISSES = [
    ("R-FLAG-CES-SADDLE-NUMBNESS", {"saddle_numbness": "no", "leg_pain": "one_leg"},
     "saddle numbness denied"),
    ("R-FLAG-CES-BLADDER-BOWEL", {"bladder_or_bowel_change": "no", "leg_pain": "both_legs"},
     "no new bladder or bowel change"),
    ("R-FLAG-CES-SEXUAL-DYSFUNCTION", {"sexual_dysfunction": "no", "leg_pain": "both_legs"},
     "no change in sexual function"),
    ("R-FLAG-CES-SEXUAL-DYSFUNCTION-WITH-OTHER-SIGNS",
     {"sexual_dysfunction": "yes", "leg_pain": "one_leg"}, "sexual change with one-leg pain"),
    ("R-FLAG-CES-BILATERAL-NEW-OR-WORSENING",
     {"leg_pain": "both_legs", "leg_symptoms_course": "new_or_worsening", "pain_below_knee": "no",
      "leg_numbness_or_tingling": "no", "leg_weakness": "no"},
     "new pain in both legs that stays above the knee, no nerve symptoms"),
    ("R-FLAG-CES-BILATERAL-NEW-OR-WORSENING",
     {"leg_pain": "both_legs", "leg_symptoms_course": "slowly_worsening", "pain_below_knee": "yes"},
     "pain in both legs slowly worsening over months"),
    ("R-FLAG-CES-BILATERAL-NEW-OR-WORSENING",
     {"leg_pain": "both_legs", "leg_symptoms_course": "stable"},
     "long-standing stable pain in both legs"),
    ("R-FLAG-CES-BILATERAL-NEW-OR-WORSENING",
     {"leg_pain": "one_leg", "pain_below_knee": "yes", "leg_symptoms_course": "new_or_worsening"},
     "new sciatica in one leg"),
    ("R-FLAG-CES-BILATERAL-NERVE-SYMPTOMS",
     {"leg_pain": "one_leg", "leg_numbness_or_tingling": "yes", "leg_weakness": "yes",
      "pain_below_knee": "yes"}, "one-leg sciatica with nerve signs is not cauda equina"),
    ("R-FLAG-CES-BILATERAL-NERVE-SYMPTOMS",
     {"leg_pain": "both_legs", "leg_numbness_or_tingling": "no", "leg_weakness": "no"},
     "pain in both legs without nerve symptoms"),
    ("R-FLAG-CES-BILATERAL-NERVE-SYMPTOMS",
     {"leg_pain": "both_legs", "leg_numbness_or_tingling": "yes", "nerve_symptoms_both_legs": "no",
      "leg_symptoms_course": "stable", "duration_weeks": 104},
     "stable stenosis: both legs ache, tingling on one side"),
    ("R-FLAG-CES-NERVE-SYMPTOMS-BOTH-LEGS",
     {"leg_numbness_or_tingling": "yes", "nerve_symptoms_both_legs": "no"},
     "numbness in one leg only"),
    ("R-FLAG-CES-NERVE-SYMPTOMS-BOTH-LEGS",
     {"leg_numbness_or_tingling": "yes", "nerve_symptoms_both_legs": "yes",
      "leg_symptoms_course": "stable", "duration_weeks": 30}, "tingling in both legs, unchanged for months"),
    ("R-FLAG-CES-NERVE-SYMPTOMS-BOTH-LEGS",
     {"leg_numbness_or_tingling": "yes", "nerve_symptoms_both_legs": "yes",
      "leg_symptoms_course": "slowly_worsening", "duration_weeks": 30},
     "tingling in both legs slowly spreading over months"),
    ("R-FLAG-NEURO-SLOWLY-WORSENING-BOTH-LEGS",
     {"leg_numbness_or_tingling": "yes", "nerve_symptoms_both_legs": "yes",
      "leg_symptoms_course": "stable", "duration_weeks": 30}, "tingling in both legs, not spreading"),
    ("R-FLAG-CES-BILATERAL-NERVE-SYMPTOMS",
     {"leg_pain": "both_legs", "leg_numbness_or_tingling": "yes", "nerve_symptoms_both_legs": "yes",
      "leg_weakness": "no", "leg_symptoms_course": "stable", "duration_weeks": 104},
     "stable stenosis: tingling in both legs without weakness"),
    ("R-FLAG-CES-BILATERAL-WEAKNESS",
     {"leg_weakness": "yes", "nerve_symptoms_both_legs": "no"}, "weakness in one leg only"),
    ("R-FLAG-CES-BILATERAL-NERVE-ROOT-PAIN",
     {"leg_pain": "both_legs", "leg_symptoms_course": "stable", "duration_weeks": 52},
     "pain in both legs, long-standing"),
    ("R-FLAG-CES-BILATERAL-NERVE-ROOT-PAIN",
     {"leg_pain": "both_legs", "pain_below_knee": "no", "leg_numbness_or_tingling": "no",
      "leg_weakness": "no"}, "pain in both legs above the knee without nerve symptoms"),
    ("R-FLAG-NEURO-PROGRESSIVE-WEAKNESS",
     {"leg_weakness": "yes", "leg_weakness_progressive": "no"}, "weakness that is stable"),
    ("R-FLAG-NEURO-PROGRESSIVE-BILATERAL",
     {"leg_weakness_progressive": "yes", "leg_weakness": "yes", "leg_pain": "one_leg",
      "nerve_symptoms_both_legs": "no"}, "worsening in one leg only"),
    ("R-FLAG-MALIGNANCY-CORD-COMPRESSION",
     {"history_of_cancer": "yes", "cancer_non_melanoma_skin_only": "yes", "leg_weakness": "yes"},
     "weakness after only a non-melanoma skin cancer"),
    ("R-FLAG-MALIGNANCY-CORD-COMPRESSION",
     {"history_of_cancer": "no", "leg_weakness": "yes", "leg_pain": "both_legs"},
     "neurological symptoms without a cancer history"),
    ("R-FLAG-MALIGNANCY-CORD-COMPRESSION",
     {"history_of_cancer": "yes", "leg_pain": "none", "leg_numbness_or_tingling": "yes",
      "nerve_symptoms_both_legs": "yes", "leg_symptoms_course": "stable", "duration_weeks": 156,
      "saddle_numbness": "no", "bladder_or_bowel_change": "no", "sexual_dysfunction": "no"},
     "a chemotherapy neuropathy unchanged for years"),
    ("R-FLAG-MALIGNANCY-CORD-COMPRESSION",
     {"history_of_cancer": "yes", "leg_pain": "none", "leg_weakness": "no",
      "leg_numbness_or_tingling": "no", "saddle_numbness": "no", "bladder_or_bowel_change": "no",
      "sexual_dysfunction": "no"}, "cancer history with back pain alone"),
    ("R-FLAG-MALIGNANCY-CANCER-HISTORY",
     {"history_of_cancer": "no", "age": 70, "night_pain": "no", "unexplained_weight_loss": "no"},
     "older age alone"),
    ("R-FLAG-MALIGNANCY-CANCER-HISTORY",
     {"history_of_cancer": "yes", "cancer_non_melanoma_skin_only": "yes"},
     "only a non-melanoma skin cancer"),
    ("R-FLAG-MALIGNANCY-WEIGHT-LOSS", {"unexplained_weight_loss": "no", "age": 55},
     "weight loss denied"),
    ("R-FLAG-MALIGNANCY-THORACIC-PAIN-AGE",
     {"thoracic_pain": "yes", "age": 49}, "thoracic pain under 50"),
    ("R-FLAG-MALIGNANCY-THORACIC-PAIN-AGE",
     {"night_pain": "yes", "thoracic_pain": "no", "age": 80}, "night pain alone at 80"),
    ("R-FLAG-INFECTION-FEVER-RISK", {"fever": "no", "iv_drug_use": "yes", "immunosuppressed": "yes"},
     "risk factors without fever"),
    ("R-FLAG-INFECTION-FEVER-RISK",
     {"fever": "yes", "iv_drug_use": "no", "immunosuppressed": "no", "long_term_steroids": "no"},
     "fever without a risk factor"),
    ("R-FLAG-INFECTION-FEVER-WEAKNESS",
     {"fever": "yes", "leg_weakness": "no"}, "fever without weakness"),
    ("R-FLAG-INFECTION-FEVER", {"fever": "no", "immunosuppressed": "yes"},
     "immunosuppression without fever"),
    ("R-FLAG-INFECTION-RISK-NIGHT-PAIN", {"immunosuppressed": "yes", "night_pain": "no"},
     "immunosuppression, pain settles at night"),
    ("R-FLAG-INFECTION-RISK-NIGHT-PAIN",
     {"night_pain": "yes", "immunosuppressed": "no", "iv_drug_use": "no", "long_term_steroids": "no"},
     "night pain without an infection risk"),
    ("R-FLAG-FRACTURE-MAJOR-TRAUMA", {"significant_trauma": "no", "injury_at_onset": "yes"},
     "an everyday injury is not major trauma"),
    ("R-FLAG-FRACTURE-MINOR-INJURY-FRAGILE-BONE",
     {"injury_at_onset": "yes", "age": 69, "osteoporosis": "no", "long_term_steroids": "no"},
     "minor injury at 69 in normal bone"),
    ("R-FLAG-FRACTURE-MINOR-INJURY-FRAGILE-BONE",
     {"injury_at_onset": "no", "osteoporosis": "yes", "age": 80},
     "fragile bone without an injury"),
    ("R-FLAG-FRACTURE-SUDDEN-ONSET-FRAGILE-BONE",
     {"onset": "gradual", "osteoporosis": "yes", "long_term_steroids": "yes"},
     "gradual onset in fragile bone"),
    ("R-FLAG-FRACTURE-SUDDEN-ONSET-FRAGILE-BONE",
     {"onset": "sudden", "osteoporosis": "no", "long_term_steroids": "no"},
     "sudden onset in normal bone"),
    ("R-FLAG-FRACTURE-SUDDEN-ONSET-OLDER-AGE", {"onset": "sudden", "age": 69},
     "sudden onset at 69"),
    ("R-FLAG-FRACTURE-SUDDEN-ONSET-OLDER-AGE", {"onset": "gradual", "age": 85},
     "gradual onset at 85"),
    ("R-FLAG-INFLAMMATORY-ASAS",
     {"duration_weeks": 12, "age": 39, "onset": "gradual", "exercise": "better", "rest": "better",
      "night_pain": "no"}, "three of five ASAS items"),
    ("R-FLAG-INFLAMMATORY-ASAS",
     {"duration_weeks": 11, "age": 30, "onset": "gradual", "exercise": "better", "rest": "worse",
      "night_pain": "yes"}, "all five items but under 12 weeks"),
    ("R-FLAG-INFLAMMATORY-ASAS",
     {"duration_weeks": 30, "age": 60, "onset": "gradual", "exercise": "better", "rest": "worse",
      "night_pain": "yes"}, "four items at 60: the criteria were built on onset before 45"),
    ("R-FLAG-INFLAMMATORY-BERLIN",
     {"duration_weeks": 12, "age": 44, "morning_stiffness_minutes": 30, "exercise": "better",
      "rest": "worse"}, "stiffness of exactly half an hour (Berlin: more than 30 minutes)"),
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
    result = bundled.screen(case)
    assert rule_id in result["fired_rules"]
    assert (flag, condition, urgency) in _flags(result)
    entry = next(f for f in result["red_flags"] if f["id"] == flag)
    assert rule_id in entry["rules"]


@pytest.mark.parametrize("rule_id,case", MORE_FIRING,
                         ids=[f"{r}-{i}" for i, (r, _) in enumerate(MORE_FIRING)])
def test_red_flag_rule_fires_by_its_other_routes(rule_id, case):
    assert rule_id in bundled.screen(case)["fired_rules"]


@pytest.mark.parametrize("rule_id,case,why", NEAR_MISSES, ids=[n[2] for n in NEAR_MISSES])
def test_near_miss_does_not_raise_the_flag(rule_id, case, why):
    result = bundled.screen(case)
    assert rule_id not in result["fired_rules"], why
    assert FIRING[rule_id][3] not in {f["id"] for f in result["red_flags"]}, why


@pytest.mark.parametrize("rule_id", sorted(FIRING))
def test_an_unanswered_question_never_completes_a_red_flag(rule_id):
    """Each answer in the minimal firing case is needed: left unknown, the rule is silent."""
    case = FIRING[rule_id][0]
    for field in case:
        partial = {k: v for k, v in case.items() if k != field}
        assert rule_id not in bundled.screen(partial)["fired_rules"], field
        # and "unknown" spelled out is the same as leaving it out
        assert rule_id not in bundled.screen({**partial, field: "unknown"})["fired_rules"], field


def test_one_leg_sciatica_with_nerve_signs_raises_no_red_flag():
    result = bundled.screen({"age": 40, "leg_pain": "one_leg", "pain_below_knee": "yes",
                            "leg_numbness_or_tingling": "yes", "cough_sneeze_worse": "yes",
                            "saddle_numbness": "no", "bladder_or_bowel_change": "no"})
    assert result["red_flags"] == []
    assert result["urgency"] == "routine"


def test_a_condition_raised_by_three_signs_is_listed_once_at_its_most_pressing_urgency():
    result = bundled.screen({"fever": "yes", "iv_drug_use": "yes", "leg_weakness": "yes"})
    assert [(f["id"], f["condition"]) for f in result["red_flags"]] == [
        ("fever_with_infection_risk", "infection"), ("fever_with_leg_weakness", "infection"),
        ("fever", "infection")]  # three signs...
    listed = result["red_flag_conditions"]
    assert [c["condition"] for c in listed] == ["infection"]  # ...and one condition
    assert listed[0]["urgency"] == "emergency"  # the most pressing of its signs
    assert listed[0]["signs"] == [{"id": "fever_with_infection_risk", "urgency": "emergency"},
                                  {"id": "fever_with_leg_weakness", "urgency": "emergency"},
                                  {"id": "fever", "urgency": "urgent"}]
    assert listed[0]["name"] == RED_FLAG_CONDITIONS["infection"].name


def test_one_condition_at_two_urgencies_reads_as_one_condition_at_the_higher():
    result = bundled.screen({"leg_pain": "both_legs", "leg_numbness_or_tingling": "yes",
                            "leg_symptoms_course": "new_or_worsening"})
    ces = [c for c in result["red_flag_conditions"] if c["condition"] == "cauda_equina"]
    assert [c["urgency"] for c in ces] == ["emergency"]
    assert [s["id"] for s in ces[0]["signs"]] == [
        "new_or_worsening_symptoms_both_legs", "bilateral_leg_nerve_symptoms",
        "bilateral_nerve_root_pain"]
    assert [s["urgency"] for s in ces[0]["signs"]] == ["emergency", "urgent", "urgent"]
    conditions = result["red_flag_conditions"]
    assert [c["urgency"] for c in conditions] == sorted(
        (c["urgency"] for c in conditions), key=URGENCY_LEVELS.index)


def test_every_red_flag_rule_states_the_strength_of_its_evidence():
    for spec in red_flags.RULES:
        assert len(spec.evidence) > 30, spec.id
    measured = [s for s in red_flags.RULES if "Downie 2013" in s.evidence and "%" in s.evidence]
    assert {s.id for s in measured} >= {
        "R-FLAG-MALIGNANCY-CANCER-HISTORY", "R-FLAG-FRACTURE-MAJOR-TRAUMA",
        "R-FLAG-FRACTURE-MINOR-INJURY-FRAGILE-BONE"}


def test_red_flags_are_listed_in_catalogue_order_most_pressing_first():
    result = bundled.screen({"duration_weeks": 20, "age": 30, "onset": "gradual",
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


def test_the_readme_table_and_the_changelog_name_every_red_flag():
    """The README's safety table is what clinicians read first; it must not drift."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    changelog = (ROOT / "knowledge" / "CHANGELOG.md").read_text(encoding="utf-8")
    for rule_id, (_, condition, urgency, flag) in FIRING.items():
        row = next((line for line in readme.splitlines() if f"(`{flag}`)" in line), None)
        assert row is not None, f"README safety table lacks {flag}"
        assert f"| {condition} |" in row and f"| {urgency} |" in row, row
    added_since_1_0 = {r.id for r in red_flags.RULES} - RED_FLAG_RULES_1_0
    assert added_since_1_0 and all(rule_id in changelog for rule_id in added_since_1_0)


# The red-flag rules of knowledge base 1.0.0 that are still in the rulebook.
RED_FLAG_RULES_1_0 = {
    "R-FLAG-CES-SADDLE-NUMBNESS", "R-FLAG-CES-BLADDER-BOWEL", "R-FLAG-CES-BILATERAL-NERVE-SYMPTOMS",
    "R-FLAG-NEURO-PROGRESSIVE-WEAKNESS", "R-FLAG-NEURO-PROGRESSIVE-BILATERAL",
    "R-FLAG-MALIGNANCY-CANCER-HISTORY", "R-FLAG-MALIGNANCY-WEIGHT-LOSS",
    "R-FLAG-INFECTION-FEVER-RISK", "R-FLAG-INFECTION-FEVER-WEAKNESS", "R-FLAG-INFECTION-FEVER",
    "R-FLAG-FRACTURE-MAJOR-TRAUMA", "R-FLAG-FRACTURE-MINOR-INJURY-FRAGILE-BONE",
    "R-FLAG-FRACTURE-SUDDEN-ONSET-FRAGILE-BONE", "R-FLAG-INFLAMMATORY-ASAS",
    "R-FLAG-INFLAMMATORY-BERLIN",
}
