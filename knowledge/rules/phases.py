"""When each kind of rule runs.  experta fires higher salience first; a rule that asks
whether something was *not* concluded must run in a later phase than every rule that
could conclude it, so the closed-world reading is sound."""
from lbp_screen.engine.rulebook import RuleSpec

FINDINGS = 90     # read the answers: red flags, responder evidence, possible causes, warnings
TALLY = 80        # count responder evidence
DECISION = 70     # responder type; urgency from the red flags found
GATE = 60         # whether exercise advice may be given at all
VETO = 55         # what the case rules out: exercises whose loads it makes unsafe
ADVICE = 50       # exercise advice
REVIEW = 45       # recommendations the case asks to be done with care are marked so
ASSESSMENT = 40   # the professional-assessment advice, worded for the urgency


def rule(id, title, *, topic, phase, when, then, rationale, source, evidence=""):
    """A rule of the rulebook (keyword arguments keep each rule readable as a record)."""
    return RuleSpec(id=id, title=title, rationale=" ".join(rationale.split()), source=source,
                    topic=topic, phase=phase, when=tuple(when), then=tuple(then),
                    evidence=" ".join(evidence.split()))
