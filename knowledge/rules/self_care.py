"""Self-care: what NICE NG59 advises for everyone with low back pain, whatever the
responder type, given whenever exercise advice may be given at all (never beside a red
flag that withholds it, nor before the warning-sign questions are answered), with the
course and help-seeking advice worded for recent or persistent pain, and two additions the
answers call for."""
from lbp_screen.engine.conditions import answer, at_least_value, concluded, not_concluded, unless
from lbp_screen.engine.rulebook import conclude
from lbp_screen.knowledge.facts import ExerciseAdviceWithheld, PossibleCause, SelfCareAdvice
from lbp_screen.knowledge.rules.criteria import CHRONIC_WEEKS
from lbp_screen.knowledge.rules.phases import ADVICE, rule

TOPIC = "self_care"
GATE_OPEN = not_concluded(ExerciseAdviceWithheld)
PERSISTENT = at_least_value("duration_weeks", CHRONIC_WEEKS)


def _advice(*item_ids: str):
    return [conclude(SelfCareAdvice, item=item_id) for item_id in item_ids]


RULES = [
    rule("R-SELFCARE-NICE-NG59", "Self-care advice for everyone with low back pain",
         topic=TOPIC, phase=ADVICE, when=[GATE_OPEN],
         then=_advice("stay_active", "structured_exercise", "self_management"),
         rationale="NICE recommends the same core advice for every person with low back pain: "
                   "stay active, consider a structured exercise programme, and manage it "
                   "yourself. It does not depend on a responder type, so mixed and "
                   "undetermined results get it too; it is held back only when exercise advice "
                   "is, because a person who may need urgent care should not read it as "
                   "permission to carry on.",
         source="[nice_ng59] self-management and exercise"),
    rule("R-SELFCARE-RECENT-PAIN", "Self-care: the usual course of a recent episode",
         topic=TOPIC, phase=ADVICE, when=[GATE_OPEN, unless(PERSISTENT)],
         then=_advice("usual_course", "seek_help_again"),
         rationale=f"Unless the episode has lasted {CHRONIC_WEEKS} weeks or more, the result "
                   "says that most episodes ease within weeks, and when to seek help again.",
         source="[nice_ng59] information on the nature of low back pain"),
    rule("R-SELFCARE-PERSISTENT-PAIN", "Self-care: pain lasting three months or more",
         topic=TOPIC, phase=ADVICE, when=[GATE_OPEN, PERSISTENT],
         then=_advice("persistent_course", "seek_help_persistent"),
         rationale=f"After {CHRONIC_WEEKS} weeks 'most episodes ease within weeks' no longer "
                   "fits; the advice says that persistent pain can still improve and when to "
                   "ask for a review.",
         source="[nice_ng59] information on the nature of low back pain"),
    rule("R-SELFCARE-ACTIVITY-IS-SAFE", "Self-care: reassurance that being active is safe",
         topic=TOPIC, phase=ADVICE,
         when=[GATE_OPEN, answer("startback_activity_feels_unsafe", "agree")],
         then=_advice("activity_is_safe"),
         rationale="Believing that activity is unsafe is one of the STarT Back items that "
                   "predict a slow recovery; NICE asks for reassurance and advice to stay "
                   "active, so an answer agreeing with it is met with that advice directly.",
         source="[nice_ng59] advice and reassurance; [keele_startback_2008] item 5"),
    rule("R-SELFCARE-PAUSE-ARCHING-SPORT", "Self-care: pause back-arching sport",
         topic=TOPIC, phase=ADVICE,
         when=[GATE_OPEN, concluded(PossibleCause, cause="spondylolisthesis")],
         then=_advice("pause_arching_sport"),
         rationale="'Carry on with your usual activities' would tell a gymnast with a possible "
                   "stress fracture of the vertebral arch to keep arching; the sport is paused "
                   "until a clinician has checked it, while other activity goes on.",
         source="[article] Common causes: spondylolisthesis; [project] self-care"),
]
