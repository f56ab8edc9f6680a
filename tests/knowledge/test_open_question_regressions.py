"""Regressions in which unanswered questions the result warns about (unknown is not no)."""
from __future__ import annotations

from lbp_screen.engine.interview import question_plan
from tests import bundled

KB = bundled.KB

# Leg pain in one leg, stable leg symptoms, the episode's length and the cancer history
# unanswered: the cord-compression rule's limb branch holds only while the long-standing
# exemption is not granted, so a sexual change can still be what raises the emergency.
PROVISIONAL_CASE = {
    "case_id": "a-0", "standing": "worse", "walking": "worse", "bending_backward": "worse",
    "exercise": "worse", "rest": "worse", "pain_below_knee": "no", "knee_pain": "yes",
    "buttock_pain": "yes", "age": 70, "onset": "sudden", "bladder_or_bowel_change": "no",
    "leg_pain": "one_leg", "leg_numbness_or_tingling": "no", "leg_weakness": "no",
    "leg_weakness_progressive": "no", "nerve_symptoms_both_legs": "no",
    "leg_symptoms_course": "stable", "significant_trauma": "no",
    "cancer_non_melanoma_skin_only": "no", "unexplained_weight_loss": "no", "night_pain": "no",
    "osteoporosis": "no", "long_term_steroids": "no",
}


def test_regression_an_option_holding_only_until_an_exemption_is_granted_hid_an_open_question():
    result = bundled.screen(PROVISIONAL_CASE)
    warned = {entry["field"]: entry for entry in result["open_questions"]}
    assert "sexual_dysfunction" in warned
    rules = {rule for c in warned["sexual_dysfunction"]["could_raise"] for rule in c["rules"]}
    assert "R-FLAG-MALIGNANCY-CORD-COMPRESSION" in rules
    # and the warning is true: cancer, a three-month episode and a sexual change raise it
    raised = bundled.screen({**PROVISIONAL_CASE, "history_of_cancer": "yes", "duration_weeks": 20,
                             "sexual_dysfunction": "yes"})
    assert "R-FLAG-MALIGNANCY-CORD-COMPRESSION" in raised["fired_rules"]
    assert "R-FLAG-MALIGNANCY-CORD-COMPRESSION" not in bundled.screen(
        {**PROVISIONAL_CASE, "history_of_cancer": "yes", "duration_weeks": 20})["fired_rules"]


def test_regression_a_witness_contradicted_an_answered_follow_up_question():
    # pain below the knee was answered, which presumes leg pain: no witness may answer
    # leg_pain "none"
    raw = {"case_id": "a-0", "saddle_numbness": "no", "leg_numbness_or_tingling": "yes",
           "leg_symptoms_course": "new_or_worsening", "history_of_cancer": "yes",
           "cancer_non_melanoma_skin_only": "yes", "long_term_steroids": "yes",
           "pain_below_knee": "yes", "knee_pain": "yes"}
    answers = dict(KB.vocabulary.validate(raw).answers)
    plan = question_plan(KB)
    for rule in KB.rules:
        for name in sorted(rule.answer_fields() - set(answers)):
            found = plan.raising_witness(rule, name, answers)
            if found is not None and found[1] is not None:
                completion, value = found
                assert KB.vocabulary.consistent({**answers, **completion, name: value}), (rule.id, name)
