"""Vetoes: case features that rule out exercise loads, before anything is recommended.

Each rule reads the answers (or a possible cause) and applies one or more vetoes of
``knowledge/vetoes.py``: it concludes, for every exercise of the catalogue whose loads the
veto catches, ``avoid`` or ``caution`` with the reason.  Vetoes run in their own phase,
after the safety gate and before the advice rules, and every recommendation rule requires
that its exercise was not vetoed, so a veto wins over every recommendation.  When the
article's own warning and a veto both apply, the result shows the stricter advice with
every reason.

Decided openly:
- A movement the person reports as aggravating is never recommended: bending backward
  worse vetoes extension loading, bending forward worse flexion loading, whatever the
  responder type (the responder rules tolerate one contrary finding; the vetoes do not).
- Fragile bone (osteoporosis or long-term steroids) vetoes flexion and rotation at the end of
  their range or under the trunk's weight, the movements the Royal Osteoporosis Society
  advises against, not gentle flexion lying down.  A fracture flag withholds all advice, so
  it needs no veto of its own.
- A possible spondylolisthesis vetoes extension loading until it has been assessed.
- From 65, or with falls or unsteadiness at any age, head-below-heart and balance-demanding
  exercises are cautions, not vetoes: done beside support they stay useful.
- Knee pain makes kneeling exercises a caution.
"""
from lbp_screen.engine.conditions import among, answer, any_of, at_least_value, concluded, not_concluded
from lbp_screen.engine.rulebook import conclude
from lbp_screen.knowledge.exercises import EXERCISES
from lbp_screen.knowledge.facts import ExerciseAdvice, ExerciseAdviceWithheld, LoadVeto, PossibleCause
from lbp_screen.knowledge.rules.phases import REVIEW, VETO, rule
from lbp_screen.knowledge.vetoes import VETOES

TOPIC = "exercises"
FALLS_RISK_AGE = 65  # NICE CG161 assesses falls risk from 65: balance work then needs support

# Every veto is applied only while exercise advice may be given at all.
GATE_OPEN = not_concluded(ExerciseAdviceWithheld)
# The marks that vetoed advice carries: "vetoed" for an avoid veto, which recommendation rules
# look for; "downgraded" for a recommendation a caution veto moved to the caution list.
VETOED = "yes"


def not_vetoed(exercise_id: str):
    """The condition every recommendation rule carries: no avoid veto caught the exercise."""
    return not_concluded(ExerciseAdvice, exercise=exercise_id, vetoed=VETOED)


def _apply(*veto_ids: str) -> list:
    """An avoid veto lists every exercise it reaches under avoid, whether or not any rule
    would have offered it (what to leave alone is worth saying).  A caution veto is only
    recorded here; it marks recommendations for care later (``downgrade_rules``), so it
    never puts forward an exercise nothing else offered."""
    actions = []
    for veto_id in veto_ids:
        veto = VETOES[veto_id]
        if veto.advice == "avoid":
            actions += [conclude(ExerciseAdvice, exercise=exercise_id, advice="avoid",
                                 reason=veto.reason_for(exercise_id), vetoed=VETOED, veto=veto.id)
                        for exercise_id in veto.reaches()]
        else:
            actions.append(conclude(LoadVeto, veto=veto.id))
    return actions


def _veto_rule(id, title, when, veto_ids, rationale, source):
    return rule(id, title, topic=TOPIC, phase=VETO, when=[GATE_OPEN, *when],
                then=_apply(*veto_ids), rationale=rationale,
                source="; ".join([source, *(VETOES[v].source for v in veto_ids)]))


def downgrade_rules(offered: list[str]) -> list:
    """For every caution veto and every exercise it reaches that some rule can recommend or
    offer with care, a rule that puts it on (or adds to) the caution list with the veto's
    reason.  Generated from the catalogues, so a new exercise needs no rule of its own."""
    rules = []
    for veto in VETOES.values():
        if veto.advice != "caution":
            continue
        for exercise_id in veto.reaches():
            if exercise_id not in offered:
                continue
            name = EXERCISES[exercise_id].name
            rules.append(rule(
                "R-EX-CARE-" + "-".join(p.upper().replace("_", "-") for p in (veto.id, exercise_id)),
                f"{name}: only with care ({veto.id.replace('_', ' ')})",
                topic=TOPIC, phase=REVIEW,
                when=[concluded(LoadVeto, veto=veto.id),
                      concluded(ExerciseAdvice, exercise=exercise_id,
                                advice=among("recommended", "caution"))],
                then=[conclude(ExerciseAdvice, exercise=exercise_id, advice="caution",
                               reason=veto.reason_for(exercise_id), downgraded=VETOED,
                               veto=veto.id)],
                rationale=f"The {name.lower()} was offered, but the case asks for care with one "
                          f"of its loads: {veto.reason[0].lower() + veto.reason[1:]}. It goes "
                          "to the caution list with that reason, beside any other.",
                source=veto.source))
    return rules


FRAGILE_BONE = ("fragile_bone_end_range_flexion", "fragile_bone_loaded_flexion",
                "fragile_bone_end_range_rotation", "fragile_bone_loaded_rotation")
FALLS = ("falls_head_below_heart", "falls_balance")

RULES = [
    _veto_rule("R-VETO-ARCHING-AGGRAVATES", "Arching makes the pain worse: no extension loading",
               [answer("bending_backward", "worse")], ["aggravating_extension"],
               "An exercise that repeats a movement you say makes the pain worse is "
               "the one most likely to hurt, whatever the other answers suggest; the responder "
               "type may lean the other way, the veto still holds.",
               "[article] stretches introduction"),
    _veto_rule("R-VETO-BENDING-AGGRAVATES", "Bending forward makes the pain worse: no flexion loading",
               [answer("bending_forward", "worse")], ["aggravating_flexion"],
               "An exercise that rounds the back repeats a movement you say makes the "
               "pain worse; it is ruled out whatever the responder type.",
               "[article] stretches introduction"),
    _veto_rule("R-VETO-FRAGILE-BONE", "Fragile bone: no end-of-range or loaded flexion or twisting",
               [any_of(answer("osteoporosis", "yes"), answer("long_term_steroids", "yes"))],
               FRAGILE_BONE,
               "Flexion, and flexion with twisting, under load or at the end of range raises "
               "the force on the front of the vertebrae, where osteoporotic fractures happen; "
               "in a small, non-randomised comparison, women with spinal osteoporosis given "
               "flexion exercises had more new fractures than those given extension exercises. "
               "Long-term steroid tablets thin bone in the same way, so they count as fragile "
               "bone here. Gentle flexion lying down is not ruled out. Decided openly: the "
               "Society also advises care with repeated or sustained flexion, and every stretch "
               "here is held or repeated; the physiotherapist sets that dose.",
               "[finucane_2020] fracture risk factors"),
    _veto_rule("R-VETO-SPONDYLOLISTHESIS", "Possible spondylolisthesis: no extension loading",
               [concluded(PossibleCause, cause="spondylolisthesis")],
               ["pars_stress_extension", "pars_stress_rotation"],
               "Arching, and twisting to the end of range, concentrate load on the bony arch at "
               "the back of the vertebra, where a stress fracture lets a vertebra slip; until a "
               "clinician has examined a possible spondylolisthesis, extension loading is ruled "
               "out and end-of-range twisting is done with care.",
               "[article] Common causes: spondylolisthesis"),
    _veto_rule("R-VETO-FALLS-RISK-AGE", f"Age {FALLS_RISK_AGE} or over: balance and head-down poses with care",
               [at_least_value("age", FALLS_RISK_AGE)], FALLS,
               f"From {FALLS_RISK_AGE} falls become common, and a standing fold or a pose on one leg "
               "can bring on dizziness or a stumble. Decided openly: a caution, with support, "
               "not a veto, because balance work done safely helps older people.",
               "[nice_cg161] age 65 and over; [project] falls risk"),
    _veto_rule("R-VETO-FALLS-RISK-REPORTED", "Falls or unsteadiness: balance and head-down poses with care",
               [answer("falls_or_balance_problems", "yes")], ("falls_head_down_balance", *FALLS),
               "Someone who has fallen or feels unsteady should do balance-demanding and "
               "head-below-heart exercises only beside firm support, whatever their age, and "
               "leave out those that combine the two.",
               "[nice_cg161] a fall or unsteadiness; [project] falls risk"),
    _veto_rule("R-VETO-KNEE-PAIN", "Knee pain: kneeling exercises with care",
               [answer("knee_pain", "yes")], ["knee_pain_kneeling", "knee_pain_deep_flexion"],
               "Kneeling, or bending a knee fully, loads painful knees; a cushion, a smaller "
               "bend or another exercise keeps the stretch without aggravating them.",
               "[project] vetoes"),
]
