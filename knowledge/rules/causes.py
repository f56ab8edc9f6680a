"""Possible causes: which of the article's thirteen causes are worth discussing.

A possible cause is a topic for the conversation with a clinician, never a diagnosis.
Each rule below is one route to one cause and asks for at least two explicit findings,
so that no single "yes" fills the list: a finding that is common in ordinary back pain
(sitting hurts, life is stressful) is only counted next to a finding that points the
same way.  Unanswered questions count for nothing, so a route whose findings are not
all known stays silent, and an explanation can name the answer that was missing.

Decided openly (each also stated in the rule's rationale):

- Strain and sprain share one route.  A pain that began with a lift or twist and stays
  in the back fits either; telling a torn muscle from a torn ligament needs hands-on
  testing, which a questionnaire cannot do, so both are offered together.
- Pinched nerve needs leg *pain* plus a nerve symptom (an irritated root hurts).  Nerve
  damage asks for loss of function instead: numbness together with weakness, or weakness
  lasting three months or more, with or without pain (tingling alone never suggests it).
- Age thresholds: spinal stenosis from STENOSIS_MIN_AGE (STENOSIS_OLDER_AGE when the
  relief from sitting is not known); ankylosing spondylitis below AXIAL_SPA_MAX_AGE on
  both routes (the ASAS route also counts "under ASAS_IBP_MAX_AGE" as one of its five
  features); arthritis from ARTHRITIS_MIN_AGE, a threshold no guideline sets for the
  spine.  The current age stands in for the age at onset, which the contract does not
  ask.  Morning stiffness of more than INFLAMMATORY_STIFFNESS_MINUTES points to
  inflammation, less than that to wear, so the stiffness answer never supports both
  arthritis and ankylosing spondylitis.
- Fibromyalgia and ankylosing spondylitis ask for pain lasting CHRONIC_WEEKS, because
  the criteria they rest on (ACR 2016, ASAS, Berlin) are written for pain of three
  months or more.
"""
from lbp_screen.engine.conditions import any_of, answer, at_least_value, below_value, one_of
from lbp_screen.engine.rulebook import conclude
from lbp_screen.knowledge.facts import PossibleCause
from lbp_screen.knowledge.rules.criteria import (
    ASAS_IBP_MAX_AGE, ASAS_IBP_MIN_ITEMS, ASAS_INFLAMMATORY_BACK_PAIN, AXIAL_SPA_MAX_AGE,
    BERLIN_INFLAMMATORY_BACK_PAIN, CHRONIC_WEEKS, INFLAMMATORY_STIFFNESS_MINUTES,
)
from lbp_screen.knowledge.rules.phases import FINDINGS, rule

TOPIC = "causes"

STENOSIS_MIN_AGE = 50         # degenerative narrowing seldom causes symptoms earlier
STENOSIS_OLDER_AGE = 65       # Katz & Harris: age over 65 is the age finding that weighs most
ARTHRITIS_MIN_AGE = 45        # wear of the spinal joints is uncommon below it (decided openly, see the rule)

ANY_LEG_PAIN = one_of("leg_pain", "one_leg", "both_legs")
# Neurogenic claudication is felt in the buttocks as often as in the legs (Katz & Harris).
CLAUDICATION_SYMPTOMS = any_of(ANY_LEG_PAIN, answer("leg_numbness_or_tingling", "yes"),
                               answer("buttock_pain", "yes"))

CAUSES_SECTION = "[article] Common causes"
HIP_BACK_SECTION = "[article] Relationship between hip and lower back pain"


def _cause(id, title, cause, when, rationale, source):
    return rule(id, title, topic=TOPIC, phase=FINDINGS, when=when,
                then=[conclude(PossibleCause, cause=cause)],
                rationale=rationale, source=source)


_HERNIATED_DISC = ("[article] Extension responders: symptoms (sciatica); "
                   f"{CAUSES_SECTION}: herniated disc; [nice_cks_sciatica]")
_INJURY_NO_LEG_PAIN = [answer("injury_at_onset", "yes"), answer("leg_pain", "none")]

RULES = [
    # Herniated disc: leg pain below the knee that rises with disc pressure.
    _cause("R-CAUSE-HERNIATED-DISC-SITTING",
           "Possible herniated disc: leg pain below the knee, worse sitting",
           "herniated_disc",
           [ANY_LEG_PAIN, answer("pain_below_knee", "yes"), answer("sitting", "worse")],
           "Pain reaching below the knee is the mark of an irritated nerve root rather than "
           "a sore back alone. Sitting raises the pressure inside the lumbar discs, so leg "
           "pain that builds when seated makes a bulging disc a fair suspect.",
           _HERNIATED_DISC),
    _cause("R-CAUSE-HERNIATED-DISC-BENDING",
           "Possible herniated disc: leg pain below the knee, worse bending forward",
           "herniated_disc",
           [ANY_LEG_PAIN, answer("pain_below_knee", "yes"), answer("bending_forward", "worse")],
           "Rounding the back squeezes the front of the disc and pushes its soft centre "
           "backwards, toward the nerve roots; leg pain below the knee that flares on "
           "bending fits that picture.",
           _HERNIATED_DISC),
    _cause("R-CAUSE-HERNIATED-DISC-COUGH",
           "Possible herniated disc: leg pain below the knee, worse coughing or sneezing",
           "herniated_disc",
           [ANY_LEG_PAIN, answer("pain_below_knee", "yes"), answer("cough_sneeze_worse", "yes")],
           "A cough or sneeze briefly raises the pressure around the spinal nerves; when "
           "that jolt shoots into a leg already painful below the knee, a disc pressing on "
           "a root is worth discussing.",
           _HERNIATED_DISC),

    # Spinal stenosis: neurogenic claudication in an older person.
    _cause("R-CAUSE-SPINAL-STENOSIS-SITTING-EASES",
           "Possible spinal stenosis: buttock or leg symptoms when upright, eased by sitting or "
           "bending forward",
           "spinal_stenosis",
           [at_least_value("age", STENOSIS_MIN_AGE), CLAUDICATION_SYMPTOMS,
            any_of(answer("standing", "worse"), answer("walking", "worse")),
            any_of(answer("sitting", "better"), answer("bending_forward", "better"))],
           f"Narrowing of the canal comes with worn discs and thickened joints, so it rarely "
           f"causes symptoms before about {STENOSIS_MIN_AGE}. Standing upright narrows the "
           "canal further and sitting or stooping opens it: buttock or leg symptoms that come "
           "on when upright and settle when seated or bent forward are the classic pattern "
           "(neurogenic claudication is felt in the buttocks as often as in the legs).",
           f"{CAUSES_SECTION}: spinal stenosis; [article] Flexion responders: symptoms; "
           "[katz_stenosis_2008]"),
    _cause("R-CAUSE-SPINAL-STENOSIS-BOTH-LEGS-WALKING",
           "Possible spinal stenosis: pain in both legs when walking, in later life",
           "spinal_stenosis",
           [at_least_value("age", STENOSIS_OLDER_AGE), answer("leg_pain", "both_legs"),
            answer("walking", "worse")],
           f"Without knowing whether sitting helps, the route asks for more: age "
           f"{STENOSIS_OLDER_AGE} or over (the age finding that raises the likelihood most) "
           "and pain in both legs that walking brings on, since a narrowed canal crowds "
           "the roots of both sides at once.",
           f"{CAUSES_SECTION}: spinal stenosis; [katz_stenosis_2008]"),

    # Strain and sprain: a lift or twist, pain that stays in the back.
    _cause("R-CAUSE-STRAIN-LIFT-OR-TWIST",
           "Possible strain: pain began with a lift or twist and stays in the back",
           "strain",
           _INJURY_NO_LEG_PAIN,
           "A load that started the pain, with nothing travelling into the legs, points to "
           "overstretched soft tissue of the back. Whether a muscle (strain) or a ligament "
           "(sprain) took the load cannot be told from a questionnaire, so both are offered "
           "for the clinician to examine.",
           f"{CAUSES_SECTION}: strains; [project] strain and sprain together"),
    _cause("R-CAUSE-SPRAIN-LIFT-OR-TWIST",
           "Possible sprain: pain began with a lift or twist and stays in the back",
           "sprain",
           _INJURY_NO_LEG_PAIN,
           "The same findings as for a strain: a sudden load began the pain and the legs "
           "are spared. A torn or stretched ligament behaves much like a strained muscle "
           "at this level of questioning, so the two are listed side by side.",
           f"{CAUSES_SECTION}: sprains; [project] strain and sprain together"),

    # Pinched nerve: leg pain with a nerve symptom.
    _cause("R-CAUSE-PINCHED-NERVE-NUMBNESS", "Possible pinched nerve: leg pain with numbness or tingling",
           "pinched_nerve",
           [ANY_LEG_PAIN, answer("leg_numbness_or_tingling", "yes")],
           "Pain running into the leg together with pins and needles or numbness suggests "
           "a nerve root under pressure, not only a sore joint or muscle referring pain.",
           f"{CAUSES_SECTION}: pinched nerve; [article] Flexion responders: symptoms; "
           "[nice_cks_sciatica]"),
    _cause("R-CAUSE-PINCHED-NERVE-WEAKNESS", "Possible pinched nerve: leg pain with weakness",
           "pinched_nerve",
           [ANY_LEG_PAIN, answer("leg_weakness", "yes")],
           "A leg that hurts and has also lost strength suggests the nerve supplying it is "
           "compressed enough to disturb the signal to the muscles.",
           f"{CAUSES_SECTION}: pinched nerve; [nice_cks_sciatica]"),

    # Nerve damage: loss of function rather than irritation.
    _cause("R-CAUSE-NERVE-DAMAGE-NUMBNESS-AND-WEAKNESS",
           "Possible nerve damage: numbness and weakness together",
           "nerve_damage",
           [answer("leg_numbness_or_tingling", "yes"), answer("leg_weakness", "yes")],
           "Losing both feeling and strength in a leg means the nerve is no longer just "
           "irritated but is failing to carry signals, whatever harmed it; that deserves a "
           "clinician's neurological examination.",
           f"{CAUSES_SECTION}: nerve damage; [nice_cks_sciatica]; [project] nerve damage "
           "versus pinched nerve"),
    _cause("R-CAUSE-NERVE-DAMAGE-PERSISTENT",
           "Possible nerve damage: leg weakness lasting three months or more",
           "nerve_damage",
           [answer("leg_weakness", "yes"), at_least_value("duration_weeks", CHRONIC_WEEKS)],
           f"Most nerve irritation settles within weeks. Weakness still present after "
           f"{CHRONIC_WEEKS} weeks raises the question whether the nerve itself has been "
           "harmed, which changes what recovery to expect. Decided openly: tingling or "
           "numbness alone, however long, does not suggest nerve damage here; the question "
           "does not separate tingling (irritation) from numbness (loss), and long-standing "
           "tingling is the usual companion of spinal stenosis.",
           f"{CAUSES_SECTION}: nerve damage; [nice_cks_sciatica]; [project] nerve damage "
           "versus pinched nerve"),

    # Fibromyalgia: widespread pain with fatigue, lasting.
    _cause("R-CAUSE-FIBROMYALGIA-WIDESPREAD",
           "Possible fibromyalgia: widespread pain with fatigue or poor sleep for three months",
           "fibromyalgia",
           [answer("widespread_pain", "yes"), answer("fatigue_or_poor_sleep", "yes"),
            at_least_value("duration_weeks", CHRONIC_WEEKS)],
           "The 2016 ACR criteria look for pain spread over many regions together with "
           "tiredness or unrefreshing sleep, present for at least three months. Back pain "
           "that is one part of such a picture is worth discussing as fibromyalgia.",
           f"{CAUSES_SECTION}: fibromyalgia; [acr_fm_2016]"),

    # Stress and anxiety: tension without an injury to explain it.
    _cause("R-CAUSE-STRESS-ANXIETY-NO-INJURY",
           "Possible stress and anxiety: ongoing stress, pain not started by an injury",
           "stress_anxiety",
           [answer("stress_or_anxiety", "yes"),
            any_of(answer("injury_at_onset", "no"), answer("onset", "gradual"))],
           "Ongoing stress and anxiety are linked with back pain that lasts longer and "
           "troubles people more; NICE treats them as factors that affect recovery, to be "
           "asked about and discussed, not as a cause found by a questionnaire. On its own "
           "stress is too common to point anywhere, so it is listed as a possible "
           "contributor to discuss only when the pain crept on or began without any lift, "
           "twist or fall.",
           f"{CAUSES_SECTION}: stress and anxiety; [nice_ng59]"),
    _cause("R-CAUSE-STRESS-ANXIETY-POOR-SLEEP",
           "Possible stress and anxiety: ongoing stress with fatigue or poor sleep",
           "stress_anxiety",
           [answer("stress_or_anxiety", "yes"), answer("fatigue_or_poor_sleep", "yes")],
           "Stress together with poor sleep or lasting tiredness is a combination linked "
           "with pain that persists; it is listed as a possible contributor to discuss with a "
           "clinician, who may also use a stratification tool such as STarT Back.",
           f"{CAUSES_SECTION}: stress and anxiety; [nice_ng59]"),

    # Tight hip flexors: the article's hip-back section.
    _cause("R-CAUSE-TIGHT-HIP-FLEXORS-SITTING", "Possible tight hip flexors: long sitting with hip pain",
           "tight_hip_flexors",
           [answer("prolonged_sitting", "yes"), answer("hip_pain", "yes")],
           "Hours in a chair hold the front of the hip shortened; the article holds that the "
           "psoas, which runs from the lumbar spine to the thigh, may then tighten and pull on "
           "the lower back. Hip pain next to back pain in someone who sits all day fits that "
           "account, which a clinician can test.",
           f"{CAUSES_SECTION}: tight hip flexors; {HIP_BACK_SECTION}"),
    _cause("R-CAUSE-TIGHT-HIP-FLEXORS-RUNNER", "Possible tight hip flexors: a runner with hip or knee pain",
           "tight_hip_flexors",
           [answer("runner", "yes"), any_of(answer("hip_pain", "yes"), answer("knee_pain", "yes"))],
           "The article names running as a reason the front-of-thigh muscles tighten; tight "
           "hip flexors and quadriceps deepen the lumbar curve and can load the knee, so a "
           "runner with hip or knee pain alongside back pain should have them checked.",
           HIP_BACK_SECTION),
    _cause("R-CAUSE-TIGHT-HIP-FLEXORS-LEG-LENGTH",
           "Possible tight hip flexors: unequal leg length with hip or knee pain",
           "tight_hip_flexors",
           [answer("leg_length_discrepancy", "yes"),
            any_of(answer("hip_pain", "yes"), answer("knee_pain", "yes"))],
           "A difference in leg length is one of the article's reasons for overactive thigh "
           "and hip muscles; with hip or knee pain present, the muscle chain from back to "
           "knee is worth examining.",
           HIP_BACK_SECTION),

    # Spondylolisthesis: back-arching sport, pain on arching.
    _cause("R-CAUSE-SPONDYLOLISTHESIS-ARCHING-SPORT",
           "Possible spondylolisthesis: back-arching sport with pain on arching",
           "spondylolisthesis",
           [answer("hyperextension_sport", "yes"), answer("bending_backward", "worse")],
           "Repeated arching, as in gymnastics, dance or fast bowling, loads the slender "
           "bony arch at the back of a vertebra until it can crack; a crack lets the bone "
           "slip forward. Pain on arching in someone doing such a sport, often a young "
           "athlete, makes this worth ruling out.",
           f"{CAUSES_SECTION}: spondylolisthesis; [project] arching sport"),

    # Sacroiliac joint dysfunction: buttock pain that stays above the knee.
    _cause("R-CAUSE-SI-JOINT-DYSFUNCTION-BUTTOCK",
           "Possible SI joint dysfunction: buttock pain, not below the knee, worse sitting or standing",
           "si_joint_dysfunction",
           [answer("buttock_pain", "yes"),
            any_of(answer("pain_below_knee", "no"), answer("leg_pain", "none")),
            any_of(answer("sitting", "worse"), answer("standing", "worse"))],
           "Pain over the back of the pelvis that does not reach below the knee is where a "
           "sacroiliac joint usually hurts, while a nerve root tends to send pain further "
           "down. The joint takes the body's weight in sitting and standing, so pain that "
           "those positions bring on adds to the suspicion.",
           f"{CAUSES_SECTION}: SI joint dysfunction; [project] sacroiliac pattern"),

    # Arthritis: wear in later life, short stiffness, movement helps.
    _cause("R-CAUSE-ARTHRITIS-WEAR",
           "Possible arthritis: gradual pain from 45, short morning stiffness, eased by movement",
           "arthritis",
           [at_least_value("age", ARTHRITIS_MIN_AGE),
            below_value("morning_stiffness_minutes", INFLAMMATORY_STIFFNESS_MINUTES),
            answer("onset", "gradual"),
            any_of(answer("exercise", "better"), answer("walking", "better"))],
           f"Worn joints stiffen after rest but loosen within half an hour once moving, "
           f"which separates them from inflammatory stiffness that lasts longer; a gradual "
           f"start and relief from gentle movement complete the picture of wear in the spinal "
           f"joints. Decided openly: no guideline gives clinical criteria for osteoarthritis "
           f"of the spine (NICE's osteoarthritis guideline covers the limbs' joints), so the "
           f"age of {ARTHRITIS_MIN_AGE} and the half-hour line are this project's reading of "
           f"the article, borrowed by analogy, not a published rule.",
           f"{CAUSES_SECTION}: arthritis; [project] arthritis thresholds"),

    # Ankylosing spondylitis: inflammatory back pain in a younger adult.
    _cause("R-CAUSE-ANKYLOSING-SPONDYLITIS-MORNING-STIFFNESS",
           "Possible ankylosing spondylitis: long morning stiffness under 45, eased by exercise, not rest",
           "ankylosing_spondylitis",
           BERLIN_INFLAMMATORY_BACK_PAIN,
           f"Inflamed spinal joints stiffen overnight for more than {INFLAMMATORY_STIFFNESS_MINUTES} "
           "minutes, loosen with activity and do not settle with rest, the reverse "
           f"of a mechanical back. The condition starts before {AXIAL_SPA_MAX_AGE}, so the "
           "pattern counts only in a person younger than that, and only in pain that has "
           "lasted three months, the setting these criteria were built for.",
           f"{CAUSES_SECTION}: ankylosing spondylitis; [rudwaleit_berlin_2006]; [asas_axspa_2009]"),
    _cause("R-CAUSE-ANKYLOSING-SPONDYLITIS-ASAS",
           "Possible ankylosing spondylitis: four of the five ASAS features of inflammatory back pain",
           "ankylosing_spondylitis",
           ASAS_INFLAMMATORY_BACK_PAIN,
           f"ASAS calls back pain of three months or more inflammatory when at least "
           f"{ASAS_IBP_MIN_ITEMS} of five features are present: under {ASAS_IBP_MAX_AGE} "
           "(the current age stands in for the age at onset), a gradual start, relief from "
           "exercise, no relief from rest, and pain at night. Only answered features count. "
           f"The criteria were built on back pain that began before {AXIAL_SPA_MAX_AGE}, so "
           f"the route is open only under {AXIAL_SPA_MAX_AGE}.",
           f"{CAUSES_SECTION}: ankylosing spondylitis; [asas_ibp_2009]; [asas_axspa_2009]"),
]
