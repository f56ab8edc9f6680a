"""Published criteria that more than one topic reads.

The ASAS and Berlin features of inflammatory back pain point both to a possible cause
(ankylosing spondylitis, in ``causes.py``) and to a routine red flag (inflammatory
disease, in ``red_flags.py``).  They are written once, here, so the two can never drift
apart.  The current age stands in for the age at onset, which the contract does not ask.
"""
from lbp_screen.engine.conditions import above_value, answer, at_least_of, at_least_value, below_value, one_of

CHRONIC_WEEKS = 12            # three months: "chronic" in ASAS, ACR 2016 and NICE NG59
ASAS_IBP_MAX_AGE = 40         # ASAS inflammatory back pain item: onset before 40
ASAS_IBP_MIN_ITEMS = 4        # ASAS: four of the five items
AXIAL_SPA_MAX_AGE = 45        # ASAS axial spondyloarthritis entry: back pain beginning before 45
INFLAMMATORY_STIFFNESS_MINUTES = 30  # Berlin criteria: stiffness beyond half an hour is inflammatory

NOT_BETTER_WITH_REST = one_of("rest", "worse", "no_change")

# ASAS (Sieper 2009): chronic back pain with at least four of five features; only
# answered features count.  The criteria were built on back pain beginning before 45
# (the ASAS axial spondyloarthritis entry), so the current age must be under 45 too.
ASAS_INFLAMMATORY_BACK_PAIN = [
    at_least_value("duration_weeks", CHRONIC_WEEKS),
    below_value("age", AXIAL_SPA_MAX_AGE),
    at_least_of(ASAS_IBP_MIN_ITEMS,
                below_value("age", ASAS_IBP_MAX_AGE), answer("onset", "gradual"),
                answer("exercise", "better"), NOT_BETTER_WITH_REST,
                answer("night_pain", "yes")),
]

# Berlin (Rudwaleit 2006): morning stiffness of more than half an hour with pain eased by
# exercise, not by rest, in chronic back pain that began before 45.
BERLIN_INFLAMMATORY_BACK_PAIN = [
    at_least_value("duration_weeks", CHRONIC_WEEKS),
    below_value("age", AXIAL_SPA_MAX_AGE),
    above_value("morning_stiffness_minutes", INFLAMMATORY_STIFFNESS_MINUTES),
    answer("exercise", "better"), NOT_BETTER_WITH_REST,
]
