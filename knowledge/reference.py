"""What the printed rulebook (``lbp rules``) says around the rules: how to read it, what
each phase does, and the catalogues behind the ids the rules conclude."""
from lbp_screen.engine.rulebook_doc import Catalogue, Phase, Reference
from lbp_screen.knowledge.causes import CAUSES
from lbp_screen.knowledge.exercises import EXERCISES
from lbp_screen.knowledge.red_flags import RED_FLAG_CONDITIONS
from lbp_screen.knowledge.rules.phases import ADVICE, ASSESSMENT, DECISION, FINDINGS, GATE, REVIEW, TALLY, VETO

TITLE = "lbp-screen rulebook"

INTRO = (
    "This is every rule lbp-screen uses, written out for review. The tool screens answers "
    "about low back pain: it suggests a responder type, possible causes to discuss, red flags "
    "and exercises, and always recommends an assessment by a registered physiotherapist or "
    "doctor. It is screening and teaching software, not a diagnosis.",
    "Each rule lists its conditions under *when*: all of them must hold for the rule to fire. "
    "A condition holds only on an explicit answer. A question left blank or answered "
    "'unknown' is not known, which is never the same as 'no': it satisfies neither a 'yes' "
    "condition nor a 'no' condition, so a missing answer never counts as evidence. A "
    "condition starting 'unless' is an exemption: it holds until an answer grants it, so a "
    "missing answer can keep a warning in place but never creates one. The only other rules "
    "that look at a missing answer are the ones that warn it is missing, and the safety gate, "
    "which waits while a question that could still raise a red flag is unanswered.",
    "Rules run in phases, highest first; within a phase they fire in the order printed here. "
    "A rule that asks whether something was *not* concluded runs in a later phase than every "
    "rule that could conclude it.",
)

PHASES = {p.salience: p for p in (
    Phase(FINDINGS, "findings", "reads the answers: red flags, responder evidence, possible "
                                "causes and population warnings"),
    Phase(TALLY, "tally", "counts the responder evidence for each direction"),
    Phase(DECISION, "decision", "decides the responder type and the urgency"),
    Phase(GATE, "gate", "decides whether exercise advice may be given at all"),
    Phase(VETO, "veto", "rules out, or marks for care, every exercise whose loads the case "
                        "makes unsafe, before any is recommended"),
    Phase(ADVICE, "advice", "recommends, cautions against or rules out exercises"),
    Phase(REVIEW, "review", "moves a recommended exercise to the caution list when the case "
                            "asks for care with one of its loads"),
    Phase(ASSESSMENT, "assessment", "words the professional-assessment advice for the urgency"),
)}

CATALOGUES = (
    Catalogue("Catalogue: possible causes", "cause", CAUSES),
    Catalogue("Catalogue: exercises", "exercise", EXERCISES),
    Catalogue("Catalogue: red-flag conditions", "red_flag", RED_FLAG_CONDITIONS),
)

REFERENCE = Reference(TITLE, INTRO, PHASES, CATALOGUES)
