"""The rulebook, grouped by topic in the order a reader meets them."""
from knowledge.rules import causes, exercises, red_flags, responder, safety, vetoes

TOPICS = {
    "responder": "Responder type",
    "causes": "Possible causes",
    "exercises": "Exercises",
    "safety": "Safety: red flags, urgency and assessment",
}

RULES = [*responder.RULES, *causes.RULES, *vetoes.RULES, *exercises.RULES, *red_flags.RULES,
         *safety.RULES]
