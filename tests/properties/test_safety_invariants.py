"""The contract's safety invariants 1-4, as properties over generated cases.

``valid_cases`` favours "yes" on warning-sign questions, so almost every drawn case has a
red flag and very few reach exercise advice.  ``screened_cases`` balances the two: a third
are drawn as they come, a third are *calm* (every warning sign answered "no" or left out,
so exercise advice is given and invariants 3-4 have something to check), and a third are
calm cases with one red-flag combination from the red-flag rule tests laid over them (so
an otherwise advisable back meets each route to each flag, invariant 2's real test).
"""
from hypothesis import given, strategies as st

from tests import bundled
from lbp_screen.knowledge.red_flags import URGENCY_LEVELS
from tests.conftest import KB, consistent, valid_cases
from tests.knowledge.test_red_flags import FIRING, MORE_FIRING

COMBINATIONS = [case for case, *_ in FIRING.values()] + [case for _, case in MORE_FIRING]
WARNING_SIGNS = [spec.name for spec in KB.vocabulary if spec.group == "red_flags"]
EXTENSION_EXERCISES = {"sloppy_push_up", "standing_lumbar_extension", "hip_flexor_stretch"}
FLEXION_EXERCISES = {"double_knee_to_chest", "seated_forward_bend"}
PRESSING = {"emergency", "urgent"}
# Answers to the warning-sign questions that raise no flag on their own.
CALM_ANSWERS = {"leg_pain": ["none", "one_leg"], "leg_symptoms_course": ["stable"]}


# The answers the responder rules count for each direction; half the calm cases lean one
# way, so that directional advice (and what invariants 3-4 forbid) comes up often.
LEANINGS = [
    {"sitting": "worse", "bending_forward": "worse", "standing": "better", "walking": "better",
     "bending_backward": "better"},
    {"standing": "worse", "walking": "worse", "sitting": "better", "bending_forward": "better",
     "bending_backward": "worse"},
]


@st.composite
def calm_cases(draw):
    """A valid case with no warning sign: each one answered "no" (or, for leg pain, not
    both legs) or left unknown; half of them lean towards extension or flexion."""
    case = draw(valid_cases())
    if draw(st.booleans()):
        leaning = draw(st.sampled_from(LEANINGS))
        keys = draw(st.lists(st.sampled_from(sorted(leaning)), min_size=2, unique=True))
        case.update({key: leaning[key] for key in keys})
    for name in WARNING_SIGNS:
        case.pop(name, None)
        if draw(st.booleans()):
            case[name] = draw(st.sampled_from(CALM_ANSWERS.get(name, ["no"])))
    return consistent(case)


@st.composite
def flagged_calm_cases(draw):
    case = draw(calm_cases())
    combination = draw(st.sampled_from(COMBINATIONS))
    case.update(combination)
    return consistent(case, keep=combination)


def screened_cases():
    return st.one_of(valid_cases(), calm_cases(), flagged_calm_cases())


def _ids(entries):
    return {entry["id"] for entry in entries}


@given(screened_cases())
def test_invariant_1_a_registered_clinician_is_always_recommended(raw):
    assessment = bundled.screen(raw)["professional_assessment"]
    assert assessment["recommended"] is True
    assert "registered physiotherapist or doctor" in assessment["text"]


@given(screened_cases())
def test_invariant_2_pressing_flags_raise_the_urgency_and_remove_recommendations(raw):
    result = bundled.screen(raw)
    levels = [flag["urgency"] for flag in result["red_flags"]]
    for level in levels:
        assert URGENCY_LEVELS.index(result["urgency"]) <= URGENCY_LEVELS.index(level)
    if PRESSING & set(levels):
        assert result["exercises"]["recommended"] == []


@given(screened_cases())
def test_invariant_3_no_contradictory_or_wrong_direction_recommendation(raw):
    result = bundled.screen(raw)
    recommended = _ids(result["exercises"]["recommended"])
    assert not recommended & _ids(result["exercises"]["avoid"])
    kind = result["responder"]["type"]
    if kind == "extension":
        assert not recommended & {"childs_pose", "wide_legged_forward_fold"}
    if kind == "flexion":
        assert "cobra" not in recommended


@given(screened_cases())
def test_invariant_4_directional_exercises_only_for_a_directional_responder(raw):
    result = bundled.screen(raw)
    recommended = _ids(result["exercises"]["recommended"])
    if result["responder"]["type"] not in ("extension", "flexion"):
        assert not recommended & (EXTENSION_EXERCISES | FLEXION_EXERCISES)


@given(screened_cases())
def test_urgency_is_exactly_the_most_pressing_flag_or_routine(raw):
    result = bundled.screen(raw)
    levels = [flag["urgency"] for flag in result["red_flags"]] or ["routine"]
    assert result["urgency"] == min(levels, key=URGENCY_LEVELS.index)
    assert result["urgency"] in URGENCY_LEVELS
    assert result["responder"]["type"] in ("extension", "flexion", "mixed", "undetermined")
    urgency_rules = [r for r in result["fired_rules"] if r.startswith("R-SAFETY-URGENCY-")]
    assert len(urgency_rules) == 1


@given(screened_cases())
def test_under_18_never_gets_exercise_advice(raw):
    result = bundled.screen(raw)
    if raw.get("age") is not None and raw["age"] < 18:
        assert result["exercises"] == {"recommended": [], "avoid": [], "caution": []}
        assert result["warnings"]
