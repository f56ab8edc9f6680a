"""Safety: urgency, escalation, the population the rules fit, and the assessment advice.

The red flags themselves are in ``red_flags.py``.  These rules turn the flags found into
one urgency (the most pressing wins), withhold exercise advice whenever it would be
unsafe to give, and always end in a recommendation to see a registered clinician.

Unanswered warning-sign questions are not listed here by hand: the result derives them
from the red-flag rules themselves (``knowledge/result.py``), naming each unanswered
question whose answer could still make the result more pressing.

Decided openly: there is no upper age warning.  NICE NG59 covers everyone over 16 with no
upper limit, and the article's advice is not age-limited.  What changes with age is the
chance of a serious cause, and the red flags that depend on age handle that (a fracture
after a minor injury or a sudden onset from 70, thoracic pain from 50); a blanket warning
for old age would add words without changing what the person should do.
"""
from lbp_screen.engine.conditions import among, below_value, concluded, not_answered, not_concluded
from lbp_screen.engine.rulebook import conclude
from lbp_screen.knowledge.facts import (
    Assessment, ExerciseAdviceWithheld, OpenQuestion, ScreeningWarning, RedFlag, Urgency,
)
from lbp_screen.knowledge.rules.phases import ASSESSMENT, DECISION, FINDINGS, GATE, rule

TOPIC = "safety"
ADULT_AGE = 18  # the article and the guidance behind these rules address adults

PRESSING = ("emergency", "urgent")  # the urgencies that withhold exercise advice


RULES = [
    rule("R-SAFETY-AGE-UNDER-ADULT", "Under 18: outside the population these rules were written for",
         topic=TOPIC, phase=FINDINGS, when=[below_value("age", ADULT_AGE)],
         then=[conclude(ScreeningWarning, code="under_18"),
               conclude(ExerciseAdviceWithheld, reason="under_18")],
         rationale="The article and the red-flag guidance were written for adults (NICE "
                   "NG59 starts at 16; the red-flag framework and the inflammatory criteria "
                   "were built on adult studies). In children and teenagers back pain more "
                   "often has a structural or serious cause, such as a stress fracture of "
                   "the vertebra in young athletes, a tumour or an infection, and the adult "
                   "thresholds in these rules do not fit them. So under 18 the tool gives no "
                   "exercise advice and asks for assessment by a clinician who sees young "
                   "people; 18 rather than 16 because the source article addresses adults.",
         source="[nice_ng59] scope (over 16s); [finucane_2020]; [project] population"),
    rule("R-SAFETY-AGE-NOT-KNOWN", "Age not given: advice assumes an adult",
         topic=TOPIC, phase=GATE,
         when=[not_answered("age"), not_concluded(Urgency, level="emergency")],
         then=[conclude(ScreeningWarning, code="age_not_known")],
         rationale="Without an age the tool cannot tell whether it is screening an adult, so the "
                   "result says that its advice assumes one instead of guessing. Not said in "
                   "an emergency: the result is sending you to hospital now, and a remark about "
                   "age would only dilute that message. Which age-dependent red flags remain "
                   "open is said by the unanswered-question warnings.",
         source="[project] population; [project] unknown is not no"),
    rule("R-SAFETY-URGENCY-EMERGENCY", "Emergency: a red flag needs same-day care",
         topic=TOPIC, phase=DECISION, when=[concluded(RedFlag, urgency="emergency")],
         then=[conclude(Urgency, level="emergency")],
         rationale="The most pressing flag sets the pace: one emergency flag makes the whole "
                   "result an emergency, whatever else was found.",
         source="[finucane_2020]; [girft_ces_2023]"),
    rule("R-SAFETY-URGENCY-URGENT", "Urgent: a red flag needs care within days",
         topic=TOPIC, phase=DECISION,
         when=[concluded(RedFlag, urgency="urgent"), not_concluded(RedFlag, urgency="emergency")],
         then=[conclude(Urgency, level="urgent")],
         rationale="An urgent flag without any emergency flag asks for a medical review "
                   "within days.",
         source="[finucane_2020]; [nice_ng59]"),
    rule("R-SAFETY-URGENCY-ROUTINE", "Routine: no urgent or emergency red flag among the answers given",
         topic=TOPIC, phase=DECISION,
         when=[not_concluded(RedFlag, urgency=among("emergency", "urgent"))],
         then=[conclude(Urgency, level="routine")],
         rationale="No flag calls for speed; a routine assessment still comes first, before "
                   "any self-directed exercise.",
         source="[nice_ng59]; [article] Treatment"),
    rule("R-SAFETY-WARNING-SIGNS-NOT-ALL-ASKED",
         "No exercise advice while a warning-sign question that could raise a flag is unanswered",
         topic=TOPIC, phase=GATE,
         when=[concluded(OpenQuestion), not_concluded(Urgency, level=among(*PRESSING))],
         then=[conclude(ExerciseAdviceWithheld, reason="warning_signs_not_asked"),
               conclude(ScreeningWarning, code="warning_signs_not_asked")],
         rationale="Red flags are screened before management begins. While some unanswered "
                   "question could still raise an urgent or emergency red flag (found from the "
                   "red-flag rules before any rule fires, and named in the result), the tool "
                   "suggests no exercise. Decided openly in knowledge base 2.0 after clinical "
                   "review: 1.0 gave the advice with a warning beside it.",
         source="[nice_ng59] assessment before management; [finucane_2020]; "
                "[project] unknown is not no"),
    rule("R-SAFETY-WITHHOLD-EXERCISE", "Urgent or emergency: no exercise advice",
         topic=TOPIC, phase=GATE, when=[concluded(Urgency, level=among("emergency", "urgent"))],
         then=[conclude(ExerciseAdviceWithheld, reason="red_flag")],
         rationale="When a serious cause may be behind the pain, exercising first could delay "
                   "care or do harm; every exercise recommendation is withdrawn until a "
                   "clinician has assessed you.",
         source="[finucane_2020]; [project] escalation"),
    rule("R-SAFETY-ASSESS-EMERGENCY", "Assessment advice: emergency department today",
         topic=TOPIC, phase=ASSESSMENT, when=[concluded(Urgency, level="emergency")],
         then=[conclude(Assessment, level="emergency")],
         rationale="Plain, direct words about where to go and how fast, because delay is what "
                   "causes lasting harm in these conditions.",
         source="[girft_ces_2023]; [finucane_2020]"),
    rule("R-SAFETY-ASSESS-URGENT", "Assessment advice: see a doctor within days",
         topic=TOPIC, phase=ASSESSMENT, when=[concluded(Urgency, level="urgent")],
         then=[conclude(Assessment, level="urgent")],
         rationale="A prompt medical review can arrange the tests these flags call for.",
         source="[finucane_2020]; [nice_ng59]"),
    rule("R-SAFETY-ASSESS-ROUTINE", "Assessment advice: book a physiotherapist or doctor",
         topic=TOPIC, phase=ASSESSMENT, when=[concluded(Urgency, level="routine")],
         then=[conclude(Assessment, level="routine")],
         rationale="Screening cannot examine anyone: the article itself says the same stretch "
                   "helps some backs and aggravates others, so a registered clinician should "
                   "confirm the pattern and set the dose.",
         source="[article] stretches introduction; [article] Treatment; [nice_ng59]"),
]
