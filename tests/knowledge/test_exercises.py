"""The exercise catalogue and the exercise-advice rules: what a clinician reading a result
would check (the right lists for each responder type, nothing recommended that is to be
avoided, nothing directional for an unclear direction, nothing at all under the gate)."""
import pytest
from hypothesis import given, strategies as st

from tests import bundled
from lbp_screen.engine.conditions import NotConcluded
from lbp_screen.engine.rulebook import Conclude
from lbp_screen.knowledge.exercises import DIRECTIONS, EXERCISES, EXTENSION, FLEXION, LOADS, NEUTRAL
from lbp_screen.knowledge.facts import ExerciseAdvice, ExerciseAdviceWithheld
from lbp_screen.knowledge.rules import exercises as exercise_rules
from lbp_screen.knowledge.rules.phases import ADVICE, REVIEW
from tests.conftest import CALM_WARNING_SIGNS, KB, consistent, valid_cases

# The contract's exercise ids, in the contract's (and the article's) order.
CONTRACT_IDS = [
    "sloppy_push_up", "standing_lumbar_extension", "hip_flexor_stretch", "double_knee_to_chest",
    "seated_forward_bend", "seated_spinal_twist", "happy_baby", "childs_pose", "knee_to_chest",
    "wide_legged_forward_fold", "kneeling_hip_flexor_stretch", "cat_cow", "three_legged_dog",
    "glute_bridge", "kneeling_side_bend", "cobra", "standing_quad_stretch",
    "lumbar_trunk_rotation", "pigeon_pose",
]
SECTIONS = ("recommended", "avoid", "caution")
# The warning-sign questions exercise advice needs answered first (knowledge base 2.0).
NO_RED_FLAGS = CALM_WARNING_SIGNS
EXTENSION_ANSWERS = {"sitting": "worse", "bending_forward": "worse", "standing": "better",
                     "walking": "better"}
FLEXION_ANSWERS = {"standing": "worse", "walking": "worse", "sitting": "better",
                   "bending_forward": "better"}
MIXED_ANSWERS = {"sitting": "worse", "bending_backward": "better", "standing": "worse",
                 "walking": "worse"}
HIP_FLEXOR_PATTERN = {"prolonged_sitting": "yes", "hip_pain": "yes"}


def ids(result, section):
    return [entry["id"] for entry in result["exercises"][section]]


def screen_adult(**answers):
    return bundled.screen({"age": 40, **NO_RED_FLAGS, **answers})


# --- the catalogue -------------------------------------------------------------------------

def test_catalogue_holds_the_contracts_nineteen_exercises_in_order():
    assert list(EXERCISES) == CONTRACT_IDS
    assert all(exercise.id == key for key, exercise in EXERCISES.items())


@pytest.mark.parametrize("exercise_id", CONTRACT_IDS)
def test_every_catalogue_entry_is_complete(exercise_id):
    exercise = EXERCISES[exercise_id]
    assert exercise.name.strip()
    assert exercise.effect in ("stretches", "strengthens", "mobilises")
    assert exercise.targets and all(t.strip() for t in exercise.targets)
    assert len(exercise.steps) >= 2 and all(s.strip().endswith(".") for s in exercise.steps)
    assert exercise.direction in DIRECTIONS
    assert exercise.direction_reason.strip()
    assert exercise.source.startswith("[article] ")


def test_the_article_marks_exactly_three_advanced_movements():
    advanced = {e.id for e in EXERCISES.values() if e.advanced}
    assert advanced == {"three_legged_dog", "kneeling_side_bend", "pigeon_pose"}


def test_article_sets_are_three_for_extension_and_the_two_listed_for_flexion():
    def named_for(kind):
        return [e.id for e in EXERCISES.values() if e.article_set == kind]
    assert named_for(EXTENSION) == ["sloppy_push_up", "standing_lumbar_extension",
                                    "hip_flexor_stretch"]
    # The heading says three; the article lists two, and the catalogue does not invent one.
    assert named_for(FLEXION) == ["double_knee_to_chest", "seated_forward_bend"]


def test_the_articles_four_warnings_are_recorded():
    warnings = {(e.id, w.responder, w.advice) for e in EXERCISES.values() for w in e.warnings}
    assert warnings == {
        ("childs_pose", EXTENSION, "avoid"),
        ("wide_legged_forward_fold", EXTENSION, "avoid"),
        ("kneeling_hip_flexor_stretch", FLEXION, "caution"),
        ("cobra", FLEXION, "avoid"),
    }


def test_each_article_warning_targets_the_type_the_exercise_moves_against():
    """The direction classification agrees with every warning the article gives."""
    opposite = {EXTENSION: FLEXION, FLEXION: EXTENSION}
    for exercise in EXERCISES.values():
        for warning in exercise.warnings:
            assert exercise.direction == opposite[warning.responder], exercise.id


def test_article_sets_move_in_their_types_direction_or_keep_the_back_level():
    """KB 2.0: the hip flexor stretch of the extension set tucks the pelvis, so it keeps the
    lower back level (neutral) rather than arching it."""
    for exercise in EXERCISES.values():
        if exercise.article_set:
            assert exercise.direction in (exercise.article_set, NEUTRAL), exercise.id
    assert EXERCISES["hip_flexor_stretch"].direction == NEUTRAL


def test_each_exercises_loads_agree_with_its_direction():
    load_of = {EXTENSION: "lumbar_extension", FLEXION: "lumbar_flexion"}
    for exercise in EXERCISES.values():
        loads = {load for load, reason in exercise.loads}
        assert loads <= set(LOADS) and all(reason.strip() for _, reason in exercise.loads)
        if exercise.direction in load_of:
            assert load_of[exercise.direction] in loads, exercise.id
            opposite = load_of[FLEXION if exercise.direction == EXTENSION else EXTENSION]
            # an opposite load only where the steps say so (pigeon pose onto the forearms)
            assert opposite not in loads or exercise.advanced, exercise.id


# --- the rules -----------------------------------------------------------------------------

def advice_of(rule):
    """(exercise id, advice) for each ExerciseAdvice a rule concludes."""
    return [(dict(action.values)["exercise"], dict(action.values)["advice"])
            for action in rule.then
            if isinstance(action, Conclude) and action.fact_type is ExerciseAdvice]


def test_every_exercise_is_reachable_by_some_rule():
    reached = {exercise_id for rule in exercise_rules.RULES for exercise_id, _ in advice_of(rule)}
    assert reached == set(CONTRACT_IDS)


def test_every_exercise_rule_waits_for_the_gate_and_runs_in_the_advice_phase():
    for rule in exercise_rules.RULES:
        assert rule.id.startswith("R-EX-") and rule.topic == "exercises"
        assert advice_of(rule), rule.id
        if rule.phase == ADVICE:
            assert NotConcluded(ExerciseAdviceWithheld, ()) in rule.when, rule.id
            assert "[article]" in rule.source, rule.id
        else:  # a caution veto moving a recommendation, which needed the gate open
            assert rule.phase == REVIEW and advice_of(rule)[0][1] == "caution", rule.id


def test_only_the_articles_warnings_put_an_exercise_in_avoid():
    avoided = {exercise_id for rule in exercise_rules.RULES
               for exercise_id, advice in advice_of(rule) if advice == "avoid"}
    assert avoided == {e.id for e in EXERCISES.values()
                       if any(w.advice == "avoid" for w in e.warnings)}


def test_no_rule_recommends_an_advanced_movement():
    for rule in exercise_rules.RULES:
        for exercise_id, advice in advice_of(rule):
            if EXERCISES[exercise_id].advanced:
                assert advice == "caution", rule.id


def test_each_exercise_is_reached_in_practice():
    """Every id turns up in some list for some plausible adult case."""
    cases = [
        {**EXTENSION_ANSWERS, **HIP_FLEXOR_PATTERN},
        {**FLEXION_ANSWERS, **HIP_FLEXOR_PATTERN},
        {"runner": "yes", "knee_pain": "yes"},
    ]
    seen = set()
    for answers in cases:
        result = screen_adult(**answers)
        seen |= {i for section in SECTIONS for i in ids(result, section)}
    assert seen == set(CONTRACT_IDS)


# --- results for each responder type -------------------------------------------------------

def test_extension_responder_gets_the_extension_set_and_avoids_what_the_article_says():
    result = screen_adult(**EXTENSION_ANSWERS)
    assert result["responder"]["type"] == EXTENSION
    assert ids(result, "recommended") == ["sloppy_push_up", "standing_lumbar_extension",
                                          "hip_flexor_stretch", "kneeling_hip_flexor_stretch",
                                          "cobra"]
    # the article's two, and (KB 2.0) every flexion-load exercise: bending forward hurts
    assert ids(result, "avoid") == [e.id for e in EXERCISES.values()
                                    if "lumbar_flexion" in dict(e.loads)]
    assert "childs_pose" not in ids(result, "recommended")
    assert "wide_legged_forward_fold" not in ids(result, "recommended")


def test_flexion_responder_gets_the_flexion_set_and_avoids_cobra():
    result = screen_adult(**FLEXION_ANSWERS)
    assert result["responder"]["type"] == FLEXION
    recommended = ids(result, "recommended")
    assert recommended[:2] == ["double_knee_to_chest", "seated_forward_bend"]
    assert "cobra" not in recommended
    assert ids(result, "avoid") == ["cobra"]
    caution = {e["id"]: e["reason"] for e in result["exercises"]["caution"]}
    assert "may aggravate flexion responders" in caution["kneeling_hip_flexor_stretch"]


@pytest.mark.parametrize("answers", [MIXED_ANSWERS, {"bending_forward": "better"}, {}],
                         ids=["mixed", "undetermined", "nothing-answered"])
def test_unclear_direction_gets_no_exercise_advice_without_hip_findings(answers):
    result = screen_adult(**answers)
    assert result["responder"]["type"] in ("mixed", "undetermined")
    assert result["exercises"] == {"recommended": [], "avoid": [], "caution": []}


def test_mixed_responder_with_hip_findings_gets_only_neutral_stretches():
    result = screen_adult(**MIXED_ANSWERS, **HIP_FLEXOR_PATTERN)
    assert result["responder"]["type"] == "mixed"
    offered = ids(result, "recommended") + ids(result, "caution")
    assert offered
    assert all(EXERCISES[i].direction == NEUTRAL for i in offered)
    assert "pigeon_pose" not in offered and "hip_flexor_stretch" not in offered


def test_hip_flexor_pattern_offers_pigeon_pose_only_to_extension_responders_and_with_care():
    # bending forward left unanswered: it would veto the pose (it folds onto the forearms)
    extension = screen_adult(**{k: v for k, v in EXTENSION_ANSWERS.items() if k != "bending_forward"},
                             **HIP_FLEXOR_PATTERN)
    caution = {e["id"]: e["reason"] for e in extension["exercises"]["caution"]}
    assert caution["pigeon_pose"].startswith("Advanced movement")
    assert "glute_bridge" in ids(extension, "recommended")
    flexion = screen_adult(**FLEXION_ANSWERS, **HIP_FLEXOR_PATTERN)
    flexion_caution = {e["id"]: e["rules"] for e in flexion["exercises"]["caution"]}
    assert flexion_caution["pigeon_pose"] == ["R-EX-FLEXION-CAUTION-PIGEON-POSE"]


def test_hip_stretches_need_the_hip_answers_not_their_absence():
    plain = screen_adult(**EXTENSION_ANSWERS)
    assert "glute_bridge" not in ids(plain, "recommended")
    sitting_no_hip_pain = screen_adult(**EXTENSION_ANSWERS, prolonged_sitting="yes", hip_pain="no")
    assert "glute_bridge" not in ids(sitting_no_hip_pain, "recommended")


# --- the safety gate -----------------------------------------------------------------------

def test_gate_under_18_removes_every_exercise_list():
    answers = {**EXTENSION_ANSWERS, **HIP_FLEXOR_PATTERN, **NO_RED_FLAGS}
    adult = bundled.screen({"age": 40, **answers})
    teenager = bundled.screen({"age": 16, **answers})
    assert adult["exercises"]["recommended"] and adult["exercises"]["avoid"]
    assert teenager["responder"]["type"] == EXTENSION
    assert teenager["exercises"] == {"recommended": [], "avoid": [], "caution": []}


def test_gate_emergency_red_flag_removes_every_exercise_list():
    result = bundled.screen({"age": 40, **EXTENSION_ANSWERS, "saddle_numbness": "yes",
                            "bladder_or_bowel_change": "yes"})
    assert result["urgency"] == "emergency"
    assert result["exercises"] == {"recommended": [], "avoid": [], "caution": []}


# --- properties over generated cases -------------------------------------------------------

# Warning-sign questions a generated case can answer "no" to, read from the vocabulary.
RED_FLAG_QUESTIONS = [spec.name for spec in KB.vocabulary
                      if spec.group == "red_flags" and "no" in getattr(spec.kind, "values", ())]


@st.composite
def advice_cases(draw):
    """Generated cases where, three times in four, the warning signs are answered "no", the
    person is an adult and the movement answers form a clear pattern: the generic strategy
    favours red flags, which close the gate and would leave the advice lists untested."""
    case = draw(valid_cases())
    if draw(st.integers(0, 3)):
        case.update(dict.fromkeys(RED_FLAG_QUESTIONS, "no"))
        case["age"] = draw(st.integers(18, 90))
        case.update(draw(st.sampled_from([EXTENSION_ANSWERS, FLEXION_ANSWERS, MIXED_ANSWERS])))
    return consistent(case)


@given(advice_cases())
def test_exercise_lists_keep_the_contracts_invariants(raw):
    screener = bundled.screener_for()
    run = screener.run(screener.validate(raw))
    result = bundled.build_result(KB, run)
    kind = result["responder"]["type"]
    sections = {s: ids(result, s) for s in SECTIONS}
    everything = [i for s in SECTIONS for i in sections[s]]

    if any(isinstance(f, ExerciseAdviceWithheld) for f in run.facts):
        assert everything == []
    if result["urgency"] in ("emergency", "urgent"):
        assert sections["recommended"] == []
    # Each exercise in at most one list (so never recommended and avoided together).
    assert len(everything) == len(set(everything))
    if kind == EXTENSION:
        assert not {"childs_pose", "wide_legged_forward_fold"} & set(sections["recommended"])
    if kind == FLEXION:
        assert "cobra" not in sections["recommended"]
    for exercise_id in sections["recommended"]:
        exercise = EXERCISES[exercise_id]
        assert not exercise.advanced
        # A directional exercise only for the responder type it suits.
        assert exercise.direction in (NEUTRAL, kind)
    if kind in ("mixed", "undetermined"):  # vetoes may still list what to leave alone
        assert all(EXERCISES[i].direction == NEUTRAL
                   for s in ("recommended", "caution") for i in sections[s])
    for section in ("avoid", "caution"):
        for entry in result["exercises"][section]:
            assert entry["reason"].strip() and entry["rules"]
            if EXERCISES[entry["id"]].advanced and section == "caution":
                assert "advanced movement" in entry["reason"].lower()


def test_vetoes_reach_every_exercise_by_its_loads_so_a_new_exercise_needs_no_rule():
    """Every avoid veto a rule raises concludes advice for exactly the catalogue's exercises
    whose loads it catches, and every caution veto has a review rule for each offered one:
    both are derived from the catalogues, not listed by hand."""
    from lbp_screen.knowledge.rules import vetoes as veto_rules
    from lbp_screen.knowledge.vetoes import VETOES
    raised = {dict(a.values)["veto"] for r in veto_rules.RULES for a in r.then}
    assert raised == set(VETOES)
    for rule in veto_rules.RULES:
        for veto_id in {dict(a.values)["veto"] for a in rule.then}:
            veto = VETOES[veto_id]
            caught = [e.id for e in EXERCISES.values() if set(veto.loads) <= dict(e.loads).keys()]
            assert veto.reaches() == caught
            if veto.advice == "avoid":
                assert [dict(a.values)["exercise"] for a in rule.then
                        if dict(a.values).get("veto") == veto_id] == caught
            else:
                review = {r.id for r in exercise_rules.RULES if r.phase == REVIEW}
                for exercise_id in set(caught) & set(exercise_rules.OFFERED):
                    assert _rule_id_for_care(veto_id, exercise_id) in review


def _rule_id_for_care(veto_id: str, exercise_id: str) -> str:
    return "R-EX-CARE-" + "-".join(p.upper().replace("_", "-") for p in (veto_id, exercise_id))
