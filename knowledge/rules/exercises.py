"""Exercise advice: which of the article's exercises to recommend, avoid or take care with.

How exercises are chosen (each step is a group of rules below; catalogue decisions are in
``knowledge/exercises.py``):

1. The safety gate comes first.  Every rule here requires that exercise advice has not
   been withheld (an urgent or emergency red flag, or age under 18).  Under the gate all
   three lists stay empty, warnings included: the person is to be assessed before any
   exercise is discussed, and a partial list would read as permission for the rest.
2. Direction.  An extension or flexion responder is recommended every exercise of the
   catalogue that moves the lower back in the direction that eases that type, unless it
   is an advanced movement.  This covers the article's own sets (three for extension, two
   for flexion) and the general stretches that move the same way.
3. The article's warnings.  What the article says a type should avoid goes to ``avoid``;
   what it says may aggravate a type goes to ``caution``.  Only the article's words put
   an exercise in ``avoid``.
4. The opposite direction.  Every other exercise that moves the lower back the
   aggravating way for a type goes to ``caution`` with that reason (a project caution:
   the article does not mark them).  ``cat_cow`` moves both ways and is a caution for both
   types.
5. Hip findings.  The article's hip-back section ties long sitting, running and a leg
   length difference to tight hip flexors and quadriceps, weak glutes and overworked
   hamstrings.  Explicit answers about those offer the stretches aimed at them: neutral
   ones to every responder type, the extension-direction pigeon pose to extension
   responders only.  Advanced movements are offered in ``caution``, never recommended.

A mixed or undetermined responder therefore gets no directional exercise: only neutral
ones, and only when a hip finding calls for them.
"""
from lbp_screen.engine.conditions import answer, any_of, concluded, not_concluded
from lbp_screen.engine.rulebook import conclude
from lbp_screen.knowledge.exercises import EXERCISES, EXTENSION, FLEXION, NEUTRAL
from lbp_screen.knowledge.facts import ExerciseAdvice, ExerciseAdviceWithheld, Responder
from lbp_screen.knowledge.rules.phases import ADVICE, rule
from lbp_screen.knowledge.rules.vetoes import downgrade_rules, not_vetoed

TOPIC = "exercises"
OPPOSITE = {EXTENSION: FLEXION, FLEXION: EXTENSION}
ADVANCED = "Advanced movement"

# Every rule of this topic carries this condition: advice only when the gate is open.
GATE_OPEN = not_concluded(ExerciseAdviceWithheld)

TYPE_SECTION = {EXTENSION: "[article] Extension responders: symptoms",
                FLEXION: "[article] Flexion responders: symptoms"}
HIP_SECTION = "[article] Relationship between hip and lower back pain"

# The heading "3 Exercises for Flexion Responders" lists two; said wherever that set is used.
FLEXION_SET_NOTE = ("The article's heading promises three exercises for flexion responders "
                    "but lists two; this rulebook does not guess a third, and offers the "
                    "general stretches that also round the back instead.")


def _rule_id(*parts: str) -> str:
    return "R-EX-" + "-".join(p.upper().replace("_", "-") for p in parts)


def _advice_rule(id, title, exercise, advice, when, rationale, source, reason=None):
    values = {"exercise": exercise.id, "advice": advice}
    if reason is not None:
        values["reason"] = reason
    # a veto (knowledge/rules/vetoes.py, an earlier phase) wins over every recommendation
    guard = [not_vetoed(exercise.id)] if advice == "recommended" else []
    return rule(id, title, topic=TOPIC, phase=ADVICE, when=[GATE_OPEN, *guard, *when],
                then=[conclude(ExerciseAdvice, **values)], rationale=rationale, source=source)


def _an(kind):
    """The responder type with its indefinite article: 'an extension', 'a flexion'."""
    return ("an " if kind[0] in "aeiou" else "a ") + kind


def _responder_is(kind):
    return concluded(Responder, type=kind)


def _directional_recommendation(kind, exercise):
    if exercise.article_set == kind and exercise.direction == NEUTRAL:
        why = (f"The article lists the {exercise.name.lower()} among its exercises for "
               f"{kind} responders. It {exercise.direction_reason}, so it neither eases nor "
               "loads the lower back in either direction; it is offered as the article does.")
        source = f"{exercise.source}; {TYPE_SECTION[kind]}"
    elif exercise.article_set == kind:
        why = (f"The article lists the {exercise.name.lower()} among its exercises for "
               f"{kind} responders: it {exercise.direction_reason}, the movement that eases "
               "their pain.")
        if kind == FLEXION:
            why += " " + FLEXION_SET_NOTE
        source = f"{exercise.source}; {TYPE_SECTION[kind]}"
    else:
        why = (f"The article gives the {exercise.name.lower()} as a general stretch without "
               f"a responder type. It {exercise.direction_reason}, the movement that eases "
               f"{_an(kind)} responder's pain, so this rulebook offers it to them.")
        if any(w.responder == OPPOSITE[kind] for w in exercise.warnings):
            why += (f" The article's only warning about it is for {OPPOSITE[kind]} "
                    "responders, which points the same way.")
        if kind == FLEXION:
            why += " " + FLEXION_SET_NOTE
        source = f"{exercise.source}; {TYPE_SECTION[kind]}; [project] exercise selection"
    return _advice_rule(
        _rule_id(kind, exercise.id),
        f"{kind.capitalize()} responder: {exercise.name.lower()} recommended",
        exercise, "recommended", [_responder_is(kind)], why, source)


def _article_warning(kind, exercise, warning):
    word = "avoided" if warning.advice == "avoid" else "done with care"
    return _advice_rule(
        _rule_id(kind, warning.advice, exercise.id),
        f"{kind.capitalize()} responder: {exercise.name.lower()} to be {word}",
        exercise, warning.advice, [_responder_is(kind)],
        f"The article attaches this warning to the {exercise.name.lower()} for {kind} "
        f"responders. It {exercise.direction_reason}, the movement that tends to worsen "
        "their pain.",
        f"{exercise.source}; {TYPE_SECTION[kind]}",
        reason=warning.reason)


def _opposite_direction_caution(kind, exercise):
    reason = (f"It {exercise.direction_reason}, a movement that often worsens pain "
              f"in people whose answers fit your pattern ({_an(kind)} responder, as your answers suggest). The article gives "
              "no warning about it, so try it only if a physiotherapist agrees.")
    if exercise.advanced:
        reason += " It is also an advanced movement."
    return _advice_rule(
        _rule_id(kind, "caution", exercise.id),
        f"{kind.capitalize()} responder: {exercise.name.lower()} to be done with care",
        exercise, "caution", [_responder_is(kind)],
        f"The {exercise.name.lower()} moves the lower back the opposite way to what eases "
        f"{_an(kind)} responder. The article marks only some such exercises, so this rulebook "
        "adds a caution rather than an outright warning, keeping 'avoid' for the article's "
        "own words.",
        f"{exercise.source}; {TYPE_SECTION[kind]}; [project] exercise selection",
        reason=reason)


def _responder_rules(kind):
    rules = []
    for exercise in EXERCISES.values():
        warnings = [w for w in exercise.warnings if w.responder == kind]
        if (exercise.direction == kind or exercise.article_set == kind) and not exercise.advanced:
            rules.append(_directional_recommendation(kind, exercise))
        for warning in warnings:
            rules.append(_article_warning(kind, exercise, warning))
        if exercise.direction == OPPOSITE[kind] and not warnings:
            rules.append(_opposite_direction_caution(kind, exercise))
    return rules


def _cat_cow_caution(kind):
    cat_cow = EXERCISES["cat_cow"]
    aggravating_half = {EXTENSION: "rounding (cat)", FLEXION: "arching (cow)"}[kind]
    return _advice_rule(
        _rule_id(kind, "caution", cat_cow.id),
        f"{kind.capitalize()} responder: cat-cow stretch to be done with care",
        cat_cow, "caution", [_responder_is(kind)],
        "The cat-cow alternates rounding and arching, so half of every repetition moves the "
        f"way that tends to worsen {_an(kind)} responder's pain. It stays usable if that half "
        "is kept small, which is worth a caution rather than a warning.",
        f"{cat_cow.source}; {TYPE_SECTION[kind]}; [project] exercise selection",
        reason=f"Half of it, the {aggravating_half}, moves the way likely to make your pain "
               f"worse as {_an(kind)} responder: keep that half small, and stop if the pain "
               "spreads.")


SITTING_WITH_HIP_PAIN = [answer("prolonged_sitting", "yes"), answer("hip_pain", "yes")]
HIP_OR_KNEE_PAIN = any_of(answer("hip_pain", "yes"), answer("knee_pain", "yes"))


def _hip_rules():
    offers = []

    def offer(name, exercise_id, when, rationale, reason=None, source=HIP_SECTION):
        exercise = EXERCISES[exercise_id]
        advice = "recommended" if reason is None else "caution"
        title = (f"{exercise.name} recommended for the hip findings" if reason is None
                 else f"{exercise.name} offered with care for the hip findings")
        offers.append(_advice_rule(_rule_id("hip", name), title, exercise, advice, when,
                                   rationale, f"{exercise.source}; {source}", reason))

    offer("glute-bridge", "glute_bridge", SITTING_WITH_HIP_PAIN,
          "Long hours of sitting with hip pain is the article's tight-hip-flexor pattern, and "
          "the article says tight hip flexors weaken the glutes, leaving the hamstrings and "
          "lower back to overwork. The glute bridge strengthens the glutes and keeps the lower "
          "back level, so it favours neither direction.")
    offer("standing-quad-stretch", "standing_quad_stretch",
          [any_of(answer("runner", "yes"), answer("prolonged_sitting", "yes"),
                  answer("leg_length_discrepancy", "yes")), HIP_OR_KNEE_PAIN],
          "The article names running, long sitting and a leg length difference as causes of "
          "tight quadriceps, which tilt the pelvis and deepen the lower back's curve; the "
          "quadriceps run from the hip to the knee, so hip or knee pain alongside one of those "
          "makes the link. The stretch is done with the pelvis tucked, so it does not favour "
          "either direction.")
    offer("lumbar-trunk-rotation", "lumbar_trunk_rotation",
          [any_of(answer("hip_pain", "yes"), answer("buttock_pain", "yes"))],
          "The lumbar trunk rotation stretches the hips and glutes with a gentle side-to-side "
          "turn while lying down, neither rounding nor arching the lower back, so it is a "
          "gentle first stretch for hip or buttock pain that favours neither direction.")
    offer("pigeon-pose", "pigeon_pose",
          [_responder_is(EXTENSION), *SITTING_WITH_HIP_PAIN],
          "The pigeon pose stretches the psoas, the hip flexor the article describes as "
          "joining the lower back to the thigh, and the glutes, which fits the tight-hip-"
          "flexor pattern of long sitting with hip pain. It arches the lower back, so it is "
          "offered to extension responders only, and as an advanced movement it goes to the "
          "caution list.",
          reason=f"{ADVANCED}: offered because you sit for long periods and have hip pain, "
                 "which can go with tight hip flexors; "
                 "learn it with a physiotherapist before trying it alone.",
          source=f"{HIP_SECTION}; {TYPE_SECTION[EXTENSION]}")
    offer("three-legged-dog", "three_legged_dog",
          [answer("runner", "yes"), HIP_OR_KNEE_PAIN],
          "The article links running to tight muscles at the front of the hip and says the "
          "hamstrings end up overworked; the three-legged dog stretches the hamstrings and "
          "hips with the spine kept long. It is an advanced movement, so it goes to the "
          "caution list.",
          reason=f"{ADVANCED}: offered because you run and have hip or knee pain (tight "
                 "hamstrings and hips); learn it with a physiotherapist before trying it alone.")
    offer("kneeling-side-bend", "kneeling_side_bend", [answer("hip_pain", "yes")],
          "Hip or groin pain points to the groin, inner thigh and hip muscles this side bend "
          "stretches, and bending sideways favours neither direction. It is an advanced "
          "movement, so it goes to the caution list.",
          reason=f"{ADVANCED}: offered because you have hip or groin pain (groin and inner "
                 "thigh); learn "
                 "it with a physiotherapist before trying it alone.")
    return offers


_ADVICE_RULES = [
    *_responder_rules(EXTENSION), _cat_cow_caution(EXTENSION),
    *_responder_rules(FLEXION), _cat_cow_caution(FLEXION),
    *_hip_rules(),
]
# The exercises some rule recommends or offers with care: those a caution veto can reach.
OFFERED = sorted({dict(action.values)["exercise"] for r in _ADVICE_RULES for action in r.then
                  if dict(action.values).get("advice") in ("recommended", "caution")})
RULES = [*_ADVICE_RULES, *downgrade_rules(OFFERED)]
