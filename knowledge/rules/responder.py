"""Responder type: does the pain ease with extension (arching) or flexion (rounding)?

The article sorts back pain by the movements that ease or aggravate it.  Each finding
below is one piece of evidence for a direction; the decision rules then weigh the
evidence openly:

- a type needs at least TYPE_MIN_FINDINGS findings for it;
- one contrary finding is tolerated only when the type leads by TYPE_MIN_LEAD or more;
- evidence of TYPE_MIN_FINDINGS or more both ways, or a lead of one, is ``mixed``;
- fewer than TYPE_MIN_FINDINGS either way is ``undetermined``.

Decided openly: coughing or sneezing, leg pain and morning stiffness minutes are not
counted here.  The article mentions sciatica and cough pain under extension responders
and radiating leg pain under flexion responders, so leg symptoms occur in both groups and
say nothing about direction; they feed the possible causes instead.
"""
from engine.conditions import answer, at_least, below, concluded, unless
from engine.rulebook import Tally, conclude
from knowledge.facts import Responder, ResponderEvidence, ResponderTally
from knowledge.rules.phases import DECISION, FINDINGS, TALLY, rule

TOPIC = "responder"
# What every responder type rests on, concluded with it so results and explanations say it.
BASIS = ("From answers about postures and movements only. Directional preference is "
         "established by repeated-movement testing, watching whether symptoms centralise "
         "and movement improves (McKenzie method), which a questionnaire cannot do: a "
         "physiotherapist should confirm any direction before exercises are chosen by it.")
TYPE_MIN_FINDINGS = 2  # one finding alone is too easily a chance answer
TYPE_MIN_LEAD = 2      # a lead of one finding is a coin toss, not a preference

EXTENSION_SECTION = "[article] Extension responders: symptoms"
FLEXION_SECTION = "[article] Flexion responders: symptoms"


def _evidence(id, title, direction, when, rationale, source):
    return rule(id, title, topic=TOPIC, phase=FINDINGS, when=[when],
                then=[conclude(ResponderEvidence, direction=direction)],
                rationale=rationale, source=source)


RULES = [
    _evidence("R-RESP-EXT-SITTING", "Sitting aggravates: evidence for extension", "extension",
              answer("sitting", "worse"),
              "Sitting holds the lower back rounded; pain that builds while seated may mean "
              "the back prefers the opposite, arched position.", EXTENSION_SECTION),
    _evidence("R-RESP-EXT-BENDING-FORWARD", "Bending forward aggravates: evidence for extension",
              "extension", answer("bending_forward", "worse"),
              "Rounding the back into flexion provokes the pain, the mirror image of a "
              "flexion preference.", EXTENSION_SECTION),
    _evidence("R-RESP-EXT-STANDING", "Standing eases: evidence for extension", "extension",
              answer("standing", "better"),
              "Upright standing restores the natural inward curve of the lower back; relief "
              "there may point to an extension preference.", EXTENSION_SECTION),
    _evidence("R-RESP-EXT-WALKING", "Walking eases: evidence for extension", "extension",
              answer("walking", "better"),
              "Walking keeps the spine upright and gently extended; feeling better on the "
              "move may fit an extension preference.", EXTENSION_SECTION),
    _evidence("R-RESP-EXT-BENDING-BACKWARD", "Arching eases: evidence for extension",
              "extension", answer("bending_backward", "better"),
              "Relief from leaning back or deepening the arch is the most direct answer that "
              "extension may suit this back (a clinician confirms it with repeated movements).",
              EXTENSION_SECTION + "; [long_dp_2004]"),
    _evidence("R-RESP-EXT-MORNING", "Worst in the morning: evidence for extension",
              "extension", answer("morning_pain_worst", "yes"),
              "The article lists pain at its worst on waking among the extension-responder "
              "features. It gives no mechanism and this rulebook does not guess one; the "
              "finding counts only as the article's observation.",
              EXTENSION_SECTION),
    _evidence("R-RESP-FLEX-STANDING", "Standing aggravates: evidence for flexion", "flexion",
              answer("standing", "worse"),
              "Standing holds the lower back in its arch; pain that builds while standing "
              "may point to a back that prefers rounding.", FLEXION_SECTION),
    _evidence("R-RESP-FLEX-WALKING", "Walking aggravates: evidence for flexion", "flexion",
              answer("walking", "worse"),
              "Walking upright keeps the spine extended; pain that grows with walking may fit "
              "a flexion preference.", FLEXION_SECTION),
    _evidence("R-RESP-FLEX-SITTING", "Sitting eases: evidence for flexion", "flexion",
              answer("sitting", "better"),
              "Sitting rounds the lower back; relief when seated may mean flexion suits it.",
              FLEXION_SECTION),
    _evidence("R-RESP-FLEX-BENDING-FORWARD", "Bending forward eases: evidence for flexion",
              "flexion", answer("bending_forward", "better"),
              "Relief from rounding the back or bending forward is the most direct answer that "
              "flexion may suit this back (a clinician confirms it with repeated movements).",
              FLEXION_SECTION + "; [long_dp_2004]"),
    _evidence("R-RESP-FLEX-BENDING-BACKWARD", "Arching aggravates: evidence for flexion",
              "flexion", answer("bending_backward", "worse"),
              "The article does not list this one, but it is the mirror of arching easing an "
              "extension responder: extension narrows the spinal canal and the exit "
              "foramina, which may be why a back that prefers flexion often hurts when arched.",
              FLEXION_SECTION + "; [long_dp_2004]; [katz_stenosis_2008]"),
    rule("R-RESP-TALLY", "Count the evidence for each direction",
         topic=TOPIC, phase=TALLY, when=[],
         then=[Tally(ResponderEvidence, "direction", ("extension", "flexion"), ResponderTally)],
         rationale="Weighs every finding at once, after all findings are in, so the decision "
                   "rules below compare totals rather than single answers.",
         source="[project] responder thresholds; [article] Extension vs. flexion"),
    rule("R-RESP-EXTENSION", "Extension responder: consistent extension findings",
         topic=TOPIC, phase=DECISION,
         when=[concluded(ResponderTally, extension=at_least(TYPE_MIN_FINDINGS), flexion=0)],
         then=[conclude(Responder, type="extension", basis=BASIS)],
         rationale=f"At least {TYPE_MIN_FINDINGS} findings point to extension and none to "
                   "flexion: the pattern the article describes for extension responders.",
         source=EXTENSION_SECTION + "; [project] responder thresholds"),
    rule("R-RESP-EXTENSION-OUTWEIGHS", "Extension responder: extension clearly outweighs one contrary finding",
         topic=TOPIC, phase=DECISION,
         when=[concluded(ResponderTally, extension=at_least(1 + TYPE_MIN_LEAD), flexion=1),
               unless(answer("bending_backward", "worse"))],
         then=[conclude(Responder, type="extension", basis=BASIS)],
         rationale=f"One flexion finding against {1 + TYPE_MIN_LEAD} or more extension "
                   "findings is treated as noise; real backs rarely answer every question "
                   "the textbook way. Not when that finding is arching itself making the pain "
                   "worse: the direct movement weighs most (see the rule for mixed below).",
         source=EXTENSION_SECTION + "; [project] responder thresholds"),
    rule("R-RESP-FLEXION", "Flexion responder: consistent flexion findings",
         topic=TOPIC, phase=DECISION,
         when=[concluded(ResponderTally, flexion=at_least(TYPE_MIN_FINDINGS), extension=0)],
         then=[conclude(Responder, type="flexion", basis=BASIS)],
         rationale=f"At least {TYPE_MIN_FINDINGS} findings point to flexion and none to "
                   "extension: the pattern the article describes for flexion responders.",
         source=FLEXION_SECTION + "; [project] responder thresholds"),
    rule("R-RESP-FLEXION-OUTWEIGHS", "Flexion responder: flexion clearly outweighs one contrary finding",
         topic=TOPIC, phase=DECISION,
         when=[concluded(ResponderTally, flexion=at_least(1 + TYPE_MIN_LEAD), extension=1),
               unless(answer("bending_forward", "worse"))],
         then=[conclude(Responder, type="flexion", basis=BASIS)],
         rationale=f"One extension finding against {1 + TYPE_MIN_LEAD} or more flexion "
                   "findings is treated as noise, unless it is bending forward itself making "
                   "the pain worse.",
         source=FLEXION_SECTION + "; [project] responder thresholds"),
    rule("R-RESP-MIXED", "Mixed: real evidence both ways",
         topic=TOPIC, phase=DECISION,
         when=[concluded(ResponderTally, extension=at_least(TYPE_MIN_FINDINGS),
                         flexion=at_least(TYPE_MIN_FINDINGS))],
         then=[conclude(Responder, type="mixed", basis=BASIS)],
         rationale="Several findings point each way, so no single direction can be "
                   "recommended; a clinician can test movements directly.",
         source="[project] responder thresholds; [long_dp_2004]"),
    rule("R-RESP-MIXED-ARCHING-AGGRAVATES", "Mixed: extension leads, but arching makes the pain worse",
         topic=TOPIC, phase=DECISION,
         when=[concluded(ResponderTally, extension=at_least(1 + TYPE_MIN_LEAD), flexion=1),
               answer("bending_backward", "worse")],
         then=[conclude(Responder, type="mixed", basis=BASIS)],
         rationale="Pain made worse by the movement itself is the strongest single finding "
                   "against that direction in repeated-movement assessment, so a lead of the "
                   "other findings does not outweigh it. Decided openly in knowledge base 2.0.",
         source="[long_dp_2004]; [project] responder thresholds"),
    rule("R-RESP-MIXED-BENDING-AGGRAVATES", "Mixed: flexion leads, but bending forward makes the pain worse",
         topic=TOPIC, phase=DECISION,
         when=[concluded(ResponderTally, flexion=at_least(1 + TYPE_MIN_LEAD), extension=1),
               answer("bending_forward", "worse")],
         then=[conclude(Responder, type="mixed", basis=BASIS)],
         rationale="Bending forward making the pain worse is the strongest single finding "
                   "against flexion, so the other findings' lead does not outweigh it. Decided "
                   "openly in knowledge base 2.0.",
         source="[long_dp_2004]; [project] responder thresholds"),
    rule("R-RESP-MIXED-NARROW-EXTENSION", "Mixed: extension leads by only one finding",
         topic=TOPIC, phase=DECISION,
         when=[concluded(ResponderTally, extension=TYPE_MIN_FINDINGS, flexion=1)],
         then=[conclude(Responder, type="mixed", basis=BASIS)],
         rationale=f"{TYPE_MIN_FINDINGS} findings for extension against one for flexion is "
                   f"a lead of one, less than the {TYPE_MIN_LEAD} this rulebook asks for.",
         source="[project] responder thresholds"),
    rule("R-RESP-MIXED-NARROW-FLEXION", "Mixed: flexion leads by only one finding",
         topic=TOPIC, phase=DECISION,
         when=[concluded(ResponderTally, flexion=TYPE_MIN_FINDINGS, extension=1)],
         then=[conclude(Responder, type="mixed", basis=BASIS)],
         rationale=f"{TYPE_MIN_FINDINGS} findings for flexion against one for extension is "
                   f"a lead of one, less than the {TYPE_MIN_LEAD} this rulebook asks for.",
         source="[project] responder thresholds"),
    rule("R-RESP-UNDETERMINED", "Undetermined: too little evidence either way",
         topic=TOPIC, phase=DECISION,
         when=[concluded(ResponderTally, extension=below(TYPE_MIN_FINDINGS),
                         flexion=below(TYPE_MIN_FINDINGS))],
         then=[conclude(Responder, type="undetermined", basis=BASIS)],
         rationale=f"Fewer than {TYPE_MIN_FINDINGS} findings point either way (unanswered "
                   "questions count for nothing), so no direction is suggested.",
         source="[project] responder thresholds"),
]
