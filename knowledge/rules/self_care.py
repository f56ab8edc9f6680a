"""Self-care: what NICE NG59 advises for everyone with low back pain, whatever the
responder type, given whenever exercise advice may be given at all (never beside a red
flag that withholds it, nor before the warning-sign questions are answered)."""
from engine.conditions import not_concluded
from engine.rulebook import conclude
from knowledge.facts import ExerciseAdviceWithheld, SelfCareAdvice
from knowledge.rules.phases import ADVICE, rule
from knowledge.self_care import SELF_CARE

RULES = [
    rule("R-SELFCARE-NICE-NG59", "Self-care advice for everyone with low back pain",
         topic="self_care", phase=ADVICE, when=[not_concluded(ExerciseAdviceWithheld)],
         then=[conclude(SelfCareAdvice, item=item_id) for item_id in SELF_CARE],
         rationale="NICE recommends the same core advice for every person with low back pain: "
                   "stay active, know the usual course, join a structured exercise programme, "
                   "manage it yourself and know when to seek help again. It does not depend on "
                   "a responder type, so mixed and undetermined results get it too; it is held "
                   "back only when exercise advice is, because a person who may need urgent "
                   "care should not read it as permission to carry on.",
         source="[nice_ng59] self-management and exercise"),
]
