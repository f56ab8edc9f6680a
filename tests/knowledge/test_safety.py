"""Safety: the most pressing red flag sets the urgency, urgent and emergency flags remove
all exercise advice, the population warnings, and the assessment wording per urgency."""
import pytest

from tests import bundled
from lbp_screen.knowledge.facts import ExerciseAdviceWithheld
from tests.conftest import CALM_WARNING_SIGNS

# Extension responder by every question the responder rules ask, and nothing else.
SCREENED = CALM_WARNING_SIGNS
PERFECT_EXTENSION = {"age": 35, "sitting": "worse", "bending_forward": "worse",
                     "standing": "better", "walking": "better", "bending_backward": "better",
                     "morning_pain_worst": "yes", **SCREENED}
INFLAMMATORY = {"duration_weeks": 20, "age": 30, "onset": "gradual", "exercise": "better",
                "rest": "worse"}
NO_EXERCISES = {"recommended": [], "avoid": [], "caution": []}


def _withheld_reasons(raw):
    screener = bundled.screener_for()
    run = screener.run(screener.validate(raw))
    return {f["reason"] for f in run.facts if isinstance(f, ExerciseAdviceWithheld)}


def _text(result):
    return result["professional_assessment"]["text"]


@pytest.mark.parametrize("case,urgency", [
    ({}, "routine"),
    (INFLAMMATORY, "routine"),
    ({**INFLAMMATORY, "fever": "yes"}, "urgent"),
    ({**INFLAMMATORY, "fever": "yes", "saddle_numbness": "yes"}, "emergency"),
    ({"history_of_cancer": "yes", "significant_trauma": "yes"}, "emergency"),
    ({"leg_pain": "both_legs", "unexplained_weight_loss": "yes"}, "urgent"),
])
def test_the_most_pressing_red_flag_sets_the_urgency(case, urgency):
    result = bundled.screen(case)
    assert result["urgency"] == urgency


@pytest.mark.parametrize("case", [{"saddle_numbness": "yes"}, {"fever": "yes"},
                                  {"history_of_cancer": "yes"}])
def test_urgent_or_emergency_flag_withholds_exercise_advice(case):
    assert _withheld_reasons(case) == {"red_flag"}
    assert "R-SAFETY-WITHHOLD-EXERCISE" in bundled.screen(case)["fired_rules"]


def test_perfect_extension_responder_with_cauda_equina_flag_gets_no_exercises():
    clean = bundled.screen(PERFECT_EXTENSION)
    assert clean["responder"]["type"] == "extension"
    assert clean["exercises"]["recommended"]  # the same back, without the flag, is advised

    flagged = bundled.screen({**PERFECT_EXTENSION, "saddle_numbness": "yes"})
    assert flagged["responder"]["type"] == "extension"  # the pattern is still reported
    assert flagged["urgency"] == "emergency"
    assert flagged["exercises"] == NO_EXERCISES
    assert "emergency department" in _text(flagged)


def test_urgent_flag_also_removes_exercises_from_a_perfect_responder():
    flagged = bundled.screen({**PERFECT_EXTENSION, "unexplained_weight_loss": "yes"})
    assert flagged["urgency"] == "urgent"
    assert flagged["exercises"] == NO_EXERCISES


def test_routine_flag_keeps_the_exercise_advice_and_names_the_referral():
    result = bundled.screen({**PERFECT_EXTENSION, **INFLAMMATORY})
    assert result["urgency"] == "routine"
    assert [f["condition"] for f in result["red_flags"]] == ["inflammatory_disease"]
    assert _withheld_reasons({**PERFECT_EXTENSION, **INFLAMMATORY}) == set()
    assert result["exercises"]["recommended"]
    assert "rheumatologist" in _text(result)


def test_under_18_gets_a_warning_and_no_exercise_advice():
    result = bundled.screen({**PERFECT_EXTENSION, "age": 17})
    assert result["exercises"] == NO_EXERCISES
    assert any("under 18" in w for w in result["warnings"])
    assert _withheld_reasons({**PERFECT_EXTENSION, "age": 17}) == {"under_18"}


def _rule_warnings(result):
    """The warnings concluded by rules, after those about unanswered questions."""
    return result["warnings"][len(result["open_questions"]):]


def test_age_18_is_an_adult_and_gets_the_advice():
    result = bundled.screen({**PERFECT_EXTENSION, "age": 18})
    assert _rule_warnings(result) == []
    assert result["exercises"]["recommended"]


def test_age_not_given_is_warned_about_not_guessed():
    case = {k: v for k, v in PERFECT_EXTENSION.items() if k != "age"}
    result = bundled.screen(case)
    assert any("Age was not given" in w for w in result["warnings"])


def test_very_old_age_gets_no_population_warning():
    """Decided openly: NG59 has no upper age limit; age-dependent risk is in the red flags."""
    result = bundled.screen({**PERFECT_EXTENSION, "age": 104, "onset": "gradual",
                            "injury_at_onset": "no"})
    assert _rule_warnings(result) == []
    assert result["urgency"] == "routine"


def test_very_old_age_with_a_minor_injury_is_an_urgent_fracture_flag():
    result = bundled.screen({"age": 104, "injury_at_onset": "yes"})
    assert result["urgency"] == "urgent"
    assert [f["id"] for f in result["red_flags"]] == ["minor_injury_with_fragile_bone"]


def test_emergency_wording_says_where_to_go_and_how_fast():
    text = _text(bundled.screen({"saddle_numbness": "yes"}))
    assert text.startswith("EMERGENCY: go to a hospital emergency department (A&E) today")
    assert "do not do any exercises" in text
    assert "Suspected cauda equina syndrome: emergency department today" in text
    assert "registered physiotherapist or doctor" in text
    assert "does not need to be urgent" not in text


def test_urgent_wording_says_within_days_and_when_to_go_to_the_emergency_department():
    text = _text(bundled.screen({"history_of_cancer": "yes"}))
    assert text.startswith("URGENT: a doctor needs to see you within a day or two")
    assert "Phone your GP practice today" in text
    assert "emergency department straight away if you notice numbness between your legs" in text
    assert "Possible spinal malignancy" in text
    assert "registered physiotherapist or doctor" in text


def test_routine_wording_books_a_registered_clinician_without_alarm():
    text = _text(bundled.screen(PERFECT_EXTENSION))
    assert text.startswith("Book an assessment with a registered physiotherapist or doctor")
    assert "EMERGENCY" not in text and "URGENT" not in text


def test_only_referrals_at_the_results_urgency_are_given():
    """Found in clinical review of KB 2.0: an emergency result also said "a doctor within a
    day or two" for another condition, contradicting "go now"; and an urgent result said
    that exercise advice still applies for inflammatory back pain while withholding it."""
    result = bundled.screen({**INFLAMMATORY, "fever": "yes", "significant_trauma": "yes"})
    text = _text(result)
    assert "Possible vertebral fracture: emergency department today" in text
    assert "Possible spinal infection" not in text and "Inflammatory back pain" not in text
    assert {c["condition"] for c in result["red_flag_conditions"]} == {
        "fracture", "infection", "inflammatory_disease"}  # every sign is still listed
    urgent = _text(bundled.screen({**INFLAMMATORY, "fever": "yes"}))
    assert "Possible spinal infection: a doctor today or tomorrow" in urgent
    assert "Inflammatory back pain" not in urgent
    routine = _text(bundled.screen(INFLAMMATORY))
    assert "Inflammatory back pain: your GP" in routine


def test_a_condition_reached_by_two_urgencies_is_referred_at_the_more_pressing_one():
    text = _text(bundled.screen({"fever": "yes", "immunosuppressed": "yes"}))
    assert "Possible spinal infection: emergency department today" in text
    assert "a doctor today or tomorrow" not in text


def test_regression_unanswered_cauda_equina_questions_are_not_read_as_no():
    """Found in review: a case that never answered the cauda equina questions came back
    routine with exercises and no word that an emergency had not been ruled out."""
    def warned(result):
        return {entry["field"] for entry in result["open_questions"]}

    quick = bundled.screen({"sitting": "worse", "standing": "better", "age": 40})
    assert quick["urgency"] == "routine"
    assert {"saddle_numbness", "bladder_or_bowel_change"} <= warned(quick)
    assert any(w.startswith("Not answered (saddle_numbness)") and "(emergency)" in w
               for w in quick["warnings"])
    asked = bundled.screen({"sitting": "worse", "standing": "better", "age": 40,
                           "saddle_numbness": "no", "bladder_or_bowel_change": "no"})
    assert not {"saddle_numbness", "bladder_or_bowel_change"} & warned(asked)
    half = bundled.screen({"age": 40, "saddle_numbness": "no"})
    assert "bladder_or_bowel_change" in warned(half) and "saddle_numbness" not in warned(half)


def test_exercise_advice_waits_until_no_unanswered_question_could_raise_a_pressing_flag():
    """Found in both clinical reviews of KB 2.0: a case with no warning-sign question
    answered was given exercises, and then one whose numbness and weakness were never asked."""
    assert bundled.screen(PERFECT_EXTENSION)["exercises"]["recommended"]
    assert bundled.screen(PERFECT_EXTENSION)["open_questions"] == []
    for field in CALM_WARNING_SIGNS:
        result = bundled.screen({k: v for k, v in PERFECT_EXTENSION.items() if k != field})
        if not result["open_questions"]:
            continue  # e.g. thoracic pain cannot raise a flag at 35
        assert result["exercises"] == NO_EXERCISES, field
        assert field in {e["field"] for e in result["open_questions"]}
        assert any("No exercise advice is given until" in w for w in result["warnings"])
        assert "R-SAFETY-WARNING-SIGNS-NOT-ALL-ASKED" in result["fired_rules"]
    assert not bundled.screen({**PERFECT_EXTENSION, "age": 72})["exercises"]["recommended"]  # onset unknown
