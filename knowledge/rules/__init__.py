"""The rulebook, grouped by topic in the order a reader meets them."""
from lbp_screen.knowledge.rules import (
    causes, exercises, psychosocial, red_flags, responder, safety, self_care, vetoes,
)

TOPICS = {
    "responder": "Responder type",
    "causes": "Possible causes",
    "exercises": "Exercises",
    "psychosocial": "Psychosocial risk (STarT Back)",
    "self_care": "Self-care for everyone",
    "safety": "Safety: red flags, urgency and assessment",
}

RULES = [*responder.RULES, *causes.RULES, *vetoes.RULES, *exercises.RULES, *self_care.RULES,
         *red_flags.RULES, *safety.RULES, *psychosocial.RULES]
