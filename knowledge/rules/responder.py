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

The thresholds are checked when the rules are built (``check_thresholds``): a value outside
its plausible range, or one that leaves some tally with no decision or with more than one,
stops the knowledge base from being built rather than failing a case at screening time.
"""
from collections import Counter
from itertools import product
from typing import Iterator, NamedTuple

from lbp_screen.engine.conditions import (
    ConclusionIndex, Truth, all_of, answer, at_least, below, concluded, unless,
)
from lbp_screen.engine.rulebook import RuleSpec, RulebookError, Tally, conclude
from lbp_screen.engine.vocabulary import Choice
from lbp_screen.knowledge.facts import Responder, ResponderEvidence, ResponderTally
from lbp_screen.knowledge.rules.phases import DECISION, FINDINGS, TALLY, rule
from lbp_screen.knowledge.vocabulary import VOCABULARY

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


EVIDENCE_RULES = [
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
]

TALLY_RULE = rule("R-RESP-TALLY", "Count the evidence for each direction",
     topic=TOPIC, phase=TALLY, when=[],
     then=[Tally(ResponderEvidence, "direction", ("extension", "flexion"), ResponderTally)],
     rationale="Weighs every finding at once, after all findings are in, so the decision "
               "rules below compare totals rather than single answers.",
     source="[project] responder thresholds; [article] Extension vs. flexion")


def decision_rules(min_findings: int, min_lead: int) -> list[RuleSpec]:
    """The rules that decide the type from the tally, for these thresholds."""
    return [
        rule("R-RESP-EXTENSION", "Extension responder: consistent extension findings",
             topic=TOPIC, phase=DECISION,
             when=[concluded(ResponderTally, extension=at_least(min_findings), flexion=0)],
             then=[conclude(Responder, type="extension", basis=BASIS)],
             rationale=f"At least {min_findings} findings point to extension and none to "
                       "flexion: the pattern the article describes for extension responders.",
             source=EXTENSION_SECTION + "; [project] responder thresholds"),
        rule("R-RESP-EXTENSION-OUTWEIGHS",
             "Extension responder: extension clearly outweighs one contrary finding",
             topic=TOPIC, phase=DECISION,
             when=[concluded(ResponderTally, extension=at_least(1 + min_lead), flexion=1),
                   unless(answer("bending_backward", "worse"))],
             then=[conclude(Responder, type="extension", basis=BASIS)],
             rationale=f"One flexion finding against {1 + min_lead} or more extension "
                       "findings is treated as noise; real backs rarely answer every question "
                       "the textbook way. Not when that finding is arching itself making the pain "
                       "worse: the direct movement weighs most (see the rule for mixed below).",
             source=EXTENSION_SECTION + "; [project] responder thresholds"),
        rule("R-RESP-FLEXION", "Flexion responder: consistent flexion findings",
             topic=TOPIC, phase=DECISION,
             when=[concluded(ResponderTally, flexion=at_least(min_findings), extension=0)],
             then=[conclude(Responder, type="flexion", basis=BASIS)],
             rationale=f"At least {min_findings} findings point to flexion and none to "
                       "extension: the pattern the article describes for flexion responders.",
             source=FLEXION_SECTION + "; [project] responder thresholds"),
        rule("R-RESP-FLEXION-OUTWEIGHS",
             "Flexion responder: flexion clearly outweighs one contrary finding",
             topic=TOPIC, phase=DECISION,
             when=[concluded(ResponderTally, flexion=at_least(1 + min_lead), extension=1),
                   unless(answer("bending_forward", "worse"))],
             then=[conclude(Responder, type="flexion", basis=BASIS)],
             rationale=f"One extension finding against {1 + min_lead} or more flexion "
                       "findings is treated as noise, unless it is bending forward itself making "
                       "the pain worse.",
             source=FLEXION_SECTION + "; [project] responder thresholds"),
        rule("R-RESP-MIXED", "Mixed: real evidence both ways",
             topic=TOPIC, phase=DECISION,
             when=[concluded(ResponderTally, extension=at_least(min_findings),
                             flexion=at_least(min_findings))],
             then=[conclude(Responder, type="mixed", basis=BASIS)],
             rationale="Several findings point each way, so no single direction can be "
                       "recommended; a clinician can test movements directly.",
             source="[project] responder thresholds; [long_dp_2004]"),
        rule("R-RESP-MIXED-ARCHING-AGGRAVATES",
             "Mixed: extension leads, but arching makes the pain worse",
             topic=TOPIC, phase=DECISION,
             when=[concluded(ResponderTally, extension=at_least(1 + min_lead), flexion=1),
                   answer("bending_backward", "worse")],
             then=[conclude(Responder, type="mixed", basis=BASIS)],
             rationale="Pain made worse by the movement itself is the strongest single finding "
                       "against that direction in repeated-movement assessment, so a lead of the "
                       "other findings does not outweigh it. Decided openly in knowledge base 2.0.",
             source="[long_dp_2004]; [project] responder thresholds"),
        rule("R-RESP-MIXED-BENDING-AGGRAVATES",
             "Mixed: flexion leads, but bending forward makes the pain worse",
             topic=TOPIC, phase=DECISION,
             when=[concluded(ResponderTally, flexion=at_least(1 + min_lead), extension=1),
                   answer("bending_forward", "worse")],
             then=[conclude(Responder, type="mixed", basis=BASIS)],
             rationale="Bending forward making the pain worse is the strongest single finding "
                       "against flexion, so the other findings' lead does not outweigh it. Decided "
                       "openly in knowledge base 2.0.",
             source="[long_dp_2004]; [project] responder thresholds"),
        rule("R-RESP-MIXED-NARROW-EXTENSION", "Mixed: extension leads by only one finding",
             topic=TOPIC, phase=DECISION,
             when=[concluded(ResponderTally, extension=min_findings, flexion=1)],
             then=[conclude(Responder, type="mixed", basis=BASIS)],
             rationale=f"{min_findings} findings for extension against one for flexion is "
                       f"a lead of one, less than the {min_lead} this rulebook asks for.",
             source="[project] responder thresholds"),
        rule("R-RESP-MIXED-NARROW-FLEXION", "Mixed: flexion leads by only one finding",
             topic=TOPIC, phase=DECISION,
             when=[concluded(ResponderTally, flexion=min_findings, extension=1)],
             then=[conclude(Responder, type="mixed", basis=BASIS)],
             rationale=f"{min_findings} findings for flexion against one for extension is "
                       f"a lead of one, less than the {min_lead} this rulebook asks for.",
             source="[project] responder thresholds"),
        rule("R-RESP-UNDETERMINED", "Undetermined: too little evidence either way",
             topic=TOPIC, phase=DECISION,
             when=[concluded(ResponderTally, extension=below(min_findings),
                             flexion=below(min_findings))],
             then=[conclude(Responder, type="undetermined", basis=BASIS)],
             rationale=f"Fewer than {min_findings} findings point either way (unanswered "
                       "questions count for nothing), so no direction is suggested.",
             source="[project] responder thresholds"),
    ]


class ResponderThresholdError(RulebookError):
    """Responder thresholds outside their plausible range, or decision rules that leave
    some tally with no decision or with more than one."""


_TALLY = TALLY_RULE.then[0]
_NOTHING_CONCLUDED = ConclusionIndex([])
# At most one finding per evidence rule can point each way.
FINDINGS_AVAILABLE = Counter(dict(r.then[0].values)["direction"] for r in EVIDENCE_RULES)


class Bound(NamedTuple):
    value: int
    reason: str


MIN_FINDINGS_FLOOR = Bound(1, "a type needing no finding would rest on no evidence at all")
MIN_FINDINGS_CEILING = Bound(min(FINDINGS_AVAILABLE.values()),
                             "more, and the direction with the fewest findings could never "
                             "be concluded")
MIN_LEAD_FLOOR = Bound(1, "a lead of none is a tie, not a preference")
MIN_LEAD_CEILING = Bound(MIN_FINDINGS_CEILING.value - 1,
                         "more, and the direction with the fewest findings could never "
                         "outweigh one contrary finding")


def check_thresholds(min_findings: int, min_lead: int, decisions: list[RuleSpec]) -> None:
    """Refuse thresholds outside their plausible range, or decision rules made with them
    that leave a tally (with the answers the decision rules read) with no decision or with
    more than one."""
    _check_range("TYPE_MIN_FINDINGS", min_findings, MIN_FINDINGS_FLOOR, MIN_FINDINGS_CEILING)
    _check_range("TYPE_MIN_LEAD", min_lead, MIN_LEAD_FLOOR, MIN_LEAD_CEILING)
    asked = questions_read(decisions)
    for tally, answers in tally_combinations(decisions):
        concluded_so_far = ConclusionIndex([tally])
        reached = [r.id for r in decisions
                   if all_of(c.evaluate(answers, concluded_so_far) for c in r.when) is Truth.HELD]
        if len(reached) != 1:
            outcome = (f"{len(reached)} decision rules ({', '.join(reached)})" if reached
                       else "no decision rule")
            raise ResponderThresholdError(
                f"responder thresholds TYPE_MIN_FINDINGS={min_findings}, "
                f"TYPE_MIN_LEAD={min_lead}: {_describe(tally, answers, asked)} "
                f"reaches {outcome}")


def _check_range(name: str, value: int, floor: Bound, ceiling: Bound) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ResponderThresholdError(f"{name} must be a whole number, got {value!r}")
    for bound, outside in ((floor, value < floor.value), (ceiling, value > ceiling.value)):
        if outside:
            raise ResponderThresholdError(
                f"{name}={value} is outside its plausible range {floor.value} to "
                f"{ceiling.value}: {bound.reason}")


def tally_combinations(decisions: list[RuleSpec]) -> Iterator[tuple[ResponderTally, dict]]:
    """Every tally of 0 up to as many findings as each direction has, each with every
    answer (or none) to the questions the decision rules read directly that fits it."""
    asked = questions_read(decisions)
    options = [[None, *_choices(name)] for name in asked]  # None: not answered
    directions = _TALLY.keys
    for counts in product(*(range(FINDINGS_AVAILABLE[d] + 1) for d in directions)):
        wanted = dict(zip(directions, counts))
        evidence = [ResponderEvidence(direction=d) for d in directions for _ in range(wanted[d])]
        tally = _TALLY.facts(TALLY_RULE.id, evidence)[0]
        for picked in product(*options):
            answers = {name: value for name, value in zip(asked, picked) if value is not None}
            if _fits(wanted, answers, set(asked)):
                yield tally, answers


def questions_read(decisions: list[RuleSpec]) -> list[str]:
    """The questions the decision rules read directly, besides the tally."""
    return sorted(set().union(*(r.answer_fields() for r in decisions)))


def _choices(name: str) -> tuple[str, ...]:
    kind = VOCABULARY[name].kind
    if not isinstance(kind, Choice):
        raise ResponderThresholdError(
            f"decision rules may read only choice answers, whose values can be checked "
            f"one by one; {name} is not one")
    return kind.values


def _fits(wanted: dict, answers: dict, asked: set[str]) -> bool:
    """Whether the evidence rules could produce these counts given these answers: those
    reading only asked questions are settled by them, the others may go either way."""
    settled: Counter[str] = Counter()
    unsettled: Counter[str] = Counter()
    for evidence_rule in EVIDENCE_RULES:
        direction = dict(evidence_rule.then[0].values)["direction"]
        if not evidence_rule.answer_fields() <= asked:
            unsettled[direction] += 1
        elif all_of(c.evaluate(answers, _NOTHING_CONCLUDED)
                    for c in evidence_rule.when) is Truth.HELD:
            settled[direction] += 1
    return all(settled[d] <= n <= settled[d] + unsettled[d] for d, n in wanted.items())


def _describe(tally: ResponderTally, answers: dict, asked: list[str]) -> str:
    counts = [f"{d} {tally[d]}" for d in _TALLY.keys]
    given = [f"{name}={answers[name]}" if name in answers else f"{name} unanswered"
             for name in asked]
    described = f"the tally ({', '.join(counts)})"
    return f"{described} with {', '.join(given)}" if given else described


def build_rules(min_findings: int, min_lead: int) -> list[RuleSpec]:
    """The responder rules for these thresholds, refused when the thresholds are unsound."""
    decisions = decision_rules(min_findings, min_lead)
    check_thresholds(min_findings, min_lead, decisions)
    return [*EVIDENCE_RULES, TALLY_RULE, *decisions]


RULES = build_rules(TYPE_MIN_FINDINGS, TYPE_MIN_LEAD)
