"""Psychosocial risk: the Keele STarT Back Screening Tool, scored by rules.

STarT Back (Hill et al. 2008) stratifies people with back pain by their risk of a poor
outcome, to match the first treatment to it (NICE NG59 recommends such stratification at
first contact).  It is a prognostic stratification, never a diagnosis and never a
treatment order.  The nine items are asked in this project's paraphrase; the official
wording is Keele University's and should be used for clinical scoring.

Scoring, as published: each item scores one point when agreed (item 9, how bothersome the
pain has been, scores only for "very much" or "extremely"); the total is 0-9 and the
psychosocial subscale (items 5-9) 0-5.  Total 3 or less: low risk.  Otherwise subscale 4 or
more: high risk; subscale 3 or less: medium risk.

Unknown is not no: an unanswered item is counted both ways.  Each answered item gives its
points; each unanswered one adds to what the scores *could* be.  A group is concluded only
when every way of answering the missing items gives the same group (the group only rises
as points are added, so the lowest and highest possible scores decide it); otherwise the
result says ``not_assessed`` and names the missing items.  A missing item therefore never
lowers the group silently.
"""
from lbp_screen.engine.conditions import (
    among, answer, any_of, at_least, below, concluded, not_answered, not_concluded, one_of,
)
from lbp_screen.engine.rulebook import Tally, conclude
from lbp_screen.knowledge.facts import PsychosocialRisk, StartBackScore, StartBackTally
from lbp_screen.knowledge.rules.phases import DECISION, FINDINGS, GATE, TALLY, rule
from lbp_screen.knowledge.vocabulary import VOCABULARY

TOPIC = "psychosocial"
LOW_RISK_MAX_TOTAL = 3       # Hill 2008: a total of 3 or less is low risk
HIGH_RISK_MIN_SUBSCALE = 4   # Hill 2008: with a higher total, a subscale of 4 or more is high risk

# The nine items in the tool's order: (field, in the psychosocial subscale, answers that score).
ITEMS = (
    ("startback_leg_pain", False, ("agree",)),
    ("startback_shoulder_or_neck_pain", False, ("agree",)),
    ("startback_walks_short_distances", False, ("agree",)),
    ("startback_dresses_slowly", False, ("agree",)),
    ("startback_activity_feels_unsafe", True, ("agree",)),
    ("startback_worrying_thoughts", True, ("agree",)),
    ("startback_pain_feels_hopeless", True, ("agree",)),
    ("startback_no_enjoyment", True, ("agree",)),
    ("startback_bothersomeness", True, ("very_much", "extremely")),
)
COUNTS = ("total_points", "total_possible", "psychosocial_points", "psychosocial_possible")
SOURCE = "[keele_startback_2008] scoring; [nice_ng59] risk stratification"
# The tool counts only once any of its items was asked; otherwise one rule says so.
SOME_ITEM_ANSWERED = any_of(*(one_of(field, *VOCABULARY[field].kind.choices()) for field, _, _ in ITEMS))


def _item_number(field: str) -> int:
    return [name for name, _, _ in ITEMS].index(field) + 1


def _scores(field: str, subscale: bool, kinds: tuple[str, ...]):
    scales = ("total", "psychosocial") if subscale else ("total",)
    return [conclude(StartBackScore, item=field, count=f"{scale}_{kind}")
            for scale in scales for kind in kinds]


def _item_rules(field: str, subscale: bool, scoring: tuple[str, ...]):
    number = _item_number(field)
    where = "the psychosocial subscale and the total" if subscale else "the total"
    scoring_words = " or ".join(f"'{a.replace('_', ' ')}'" for a in scoring)
    condition = one_of(field, *scoring) if len(scoring) > 1 else answer(field, scoring[0])
    return [
        rule(f"R-STARTBACK-ITEM-{number}-SCORES", f"STarT Back item {number} scores a point",
             topic=TOPIC, phase=FINDINGS, when=[condition],
             then=_scores(field, subscale, ("points", "possible")),
             rationale=f"An answer of {scoring_words} to item {number} scores one point in "
                       f"{where}.", source=SOURCE),
        rule(f"R-STARTBACK-ITEM-{number}-NOT-ANSWERED",
             f"STarT Back item {number} not answered: it could still score", topic=TOPIC,
             phase=FINDINGS, when=[SOME_ITEM_ANSWERED, not_answered(field)],
             then=_scores(field, subscale, ("possible",)),
             rationale=f"Unknown is not no: item {number} was not answered, so it could still "
                       f"add a point to {where}; the group is concluded only if that point "
                       "could not change it.", source=SOURCE + "; [project] unknown is not no"),
    ]


RULES = [
    *[r for field, subscale, scoring in ITEMS for r in _item_rules(field, subscale, scoring)],
    rule("R-PSYCHOSOCIAL-NOT-ASKED", "STarT Back: not asked",
         topic=TOPIC, phase=FINDINGS, when=[not_answered(field) for field, _, _ in ITEMS],
         then=[conclude(PsychosocialRisk, group="not_assessed")],
         rationale="None of the nine items was answered, so there is no stratification; the "
                   "result names the items. (When some are answered, the rules below count "
                   "them.)", source=SOURCE),
    rule("R-STARTBACK-TALLY", "Count the STarT Back scores: points and possible points",
         topic=TOPIC, phase=TALLY, when=[SOME_ITEM_ANSWERED],
         then=[Tally(StartBackScore, "count", COUNTS, StartBackTally)],
         rationale="Counts, for the total and for the psychosocial subscale, the points the "
                   "answers score and the points they could score once the missing items are "
                   "answered.", source=SOURCE),
    rule("R-PSYCHOSOCIAL-HIGH", "STarT Back: high risk",
         topic=TOPIC, phase=DECISION,
         when=[concluded(StartBackTally, psychosocial_points=at_least(HIGH_RISK_MIN_SUBSCALE))],
         then=[conclude(PsychosocialRisk, group="high")],
         rationale=f"A psychosocial subscale of {HIGH_RISK_MIN_SUBSCALE} or more (so a total "
                   f"above {LOW_RISK_MAX_TOTAL} too) is the tool's high-risk group, whatever the "
                   "missing items would add: worry, low mood and fear about activity are "
                   "likely to slow recovery and deserve attention alongside the physical care.",
         source=SOURCE),
    rule("R-PSYCHOSOCIAL-MEDIUM", "STarT Back: medium risk",
         topic=TOPIC, phase=DECISION,
         when=[concluded(StartBackTally, total_points=at_least(LOW_RISK_MAX_TOTAL + 1),
                         psychosocial_possible=below(HIGH_RISK_MIN_SUBSCALE))],
         then=[conclude(PsychosocialRisk, group="medium")],
         rationale=f"A total above {LOW_RISK_MAX_TOTAL} with a psychosocial subscale that "
                   f"cannot reach {HIGH_RISK_MIN_SUBSCALE} even if the missing items scored is "
                   "the tool's medium-risk group.",
         source=SOURCE + "; [hill_startback_2011] stratified care"),
    rule("R-PSYCHOSOCIAL-LOW", "STarT Back: low risk",
         topic=TOPIC, phase=DECISION,
         when=[concluded(StartBackTally, total_possible=below(LOW_RISK_MAX_TOTAL + 1))],
         then=[conclude(PsychosocialRisk, group="low")],
         rationale=f"A total of {LOW_RISK_MAX_TOTAL} or less, even counting every missing item "
                   "as a point, is the tool's low-risk group: advice, reassurance and "
                   "self-management are usually enough.",
         source=SOURCE),
    rule("R-PSYCHOSOCIAL-NOT-ASSESSED", "STarT Back: not assessed (items missing)",
         topic=TOPIC, phase=GATE,
         when=[SOME_ITEM_ANSWERED, not_concluded(PsychosocialRisk, group=among("low", "medium", "high"))],
         then=[conclude(PsychosocialRisk, group="not_assessed")],
         rationale="The missing items could still move the group, so none is given; the "
                   "result names the items to ask. Guessing them as 'disagree' could put a "
                   "high-risk person in the low-risk group.",
         source=SOURCE + "; [project] unknown is not no"),
]
