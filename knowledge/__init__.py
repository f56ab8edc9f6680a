"""The lbp-screen knowledge base: vocabulary, catalogues, facts and rulebook.

``KNOWLEDGE_BASE`` bundles them for the engine.  Its version is bumped by hand whenever a
rule's meaning changes; its digest is computed from the files of this package, so a
result names the exact rules that produced it.
"""
import pathlib
from typing import Any

from lbp_screen.engine.rulebook import KnowledgeBase
from lbp_screen.knowledge import facts
from lbp_screen.knowledge.causes import CAUSES
from lbp_screen.knowledge.outputs import COMPARISONS, EXPECTATIONS, RESULT_KEYS, SUMMARY_COUNTS, TABLE
from lbp_screen.knowledge.reference import REFERENCE
from lbp_screen.knowledge.report import interview_stop, result_text
from lbp_screen.knowledge.exercises import EXERCISES
from lbp_screen.knowledge.red_flags import RED_FLAG_CONDITIONS
from lbp_screen.knowledge.result import build_result, given_facts
from lbp_screen.knowledge.rules import RULES, TOPICS
from lbp_screen.knowledge.sources import SOURCES
from lbp_screen.knowledge.vocabulary import GROUPS, VOCABULARY, WORDING
from lbp_screen.knowledge.wording import ClinicalLabels

VERSION = "2.0.0"

_PACKAGE = pathlib.Path(__file__).resolve().parent

# Why-not targets: kind -> (conclusion fact, field holding the id), and the valid ids.
TARGETS = {
    "responder": (facts.Responder, "type"),
    "cause": (facts.PossibleCause, "cause"),
    "exercise": (facts.ExerciseAdvice, "exercise"),
    "red_flag": (facts.RedFlag, "condition"),
    "urgency": (facts.Urgency, "level"),
}
TARGET_VALUES = {
    "responder": ["extension", "flexion", "mixed", "undetermined"],
    "cause": list(CAUSES),
    "exercise": list(EXERCISES),
    "red_flag": list(RED_FLAG_CONDITIONS),
    "urgency": ["emergency", "urgent", "routine"],
}


def red_flag_signs(rules) -> dict[str, tuple[str, ...]]:
    """Each warning sign the red-flag rules name (a result's ``red_flags[].id``) and the
    condition(s) it raises, in catalogue order: read from the rules, so a new sign is a
    why-not target at once."""
    raised: dict[str, set[str]] = {}
    for spec in rules:
        for action in spec.then:
            values = action.declared(facts.RedFlag)
            if values is not None:
                raised.setdefault(values["flag"], set()).add(values["condition"])
    return {sign: tuple(c for c in RED_FLAG_CONDITIONS if c in conditions)
            for sign, conditions in raised.items()}


# A why-not target may name a red-flag sign instead of its condition: red_flag=fever asks
# why infection was (or was not) raised.  A sign raising several conditions would be
# refused naming each (none does today); asking about its condition covers every sign.
TARGET_ALIASES = {"red_flag": red_flag_signs(RULES)}

# How faces present conclusions: urgency and red flags first, then what the screen suggests;
# every red flag, and an urgency sooner than routine, shown as a warning.
CONCLUSION_ORDER = ("urgency", "red_flag", "responder", "cause", "exercise")
WARNING_TARGETS = {"urgency": ("emergency", "urgent"), "red_flag": tuple(RED_FLAG_CONDITIONS)}


def _field_label(name: str) -> str:
    return name.replace("_", " ")


def _conclusion_label(fact_type: type[Any], values: dict) -> str:
    """Plain words for a conclusion, e.g. 'responder type is extension', 'red flag fracture:
    urgency is urgent' (a why-not target's id field is named first, without its key)."""
    nouns: dict[type[Any], str] = {
        facts.ResponderEvidence: "evidence for a direction",
        facts.ResponderTally: "count of findings for each direction",
        facts.Responder: "responder type",
        facts.PossibleCause: "possible cause",
        facts.RedFlag: "red flag",
        facts.OpenQuestion: "unanswered question that could raise a red flag",
        facts.Urgency: "urgency",
        facts.ExerciseAdviceWithheld: "exercise advice withheld",
        facts.LoadVeto: "exercise load ruled out or marked for care",
        facts.ExerciseAdvice: "exercise advice",
        facts.ScreeningWarning: "screening warning",
        facts.Assessment: "assessment advice",
        facts.SelfCareAdvice: "self-care advice",
        facts.StartBackScore: "STarT Back score",
        facts.StartBackTally: "STarT Back counts",
        facts.PsychosocialRisk: "psychosocial risk (STarT Back)",
    }
    noun = nouns[fact_type]
    values = dict(values)
    identity: str | None = {fact: field for fact, field in TARGETS.values()}.get(fact_type)
    named = values.pop(identity, None)
    details = ", ".join(f"{k.replace('_', ' ')} is {v}" for k, v in sorted(values.items()))
    if named is None:
        return f"{noun}: {details}" if details else noun
    return f"{noun} {named}: {details}" if details else f"{noun} is {named}"


KNOWLEDGE_BASE = KnowledgeBase(
    name="lbp-screen",
    version=VERSION,
    vocabulary=VOCABULARY,
    rules=RULES,
    sources=SOURCES,
    topics=TOPICS,
    case_fact=facts.Case,
    labels=ClinicalLabels(VOCABULARY, WORDING, _field_label, _conclusion_label),
    build_result=build_result,
    given_facts=given_facts,
    targets=TARGETS,
    target_values=TARGET_VALUES.__getitem__,
    target_aliases=TARGET_ALIASES,
    conclusion_order=CONCLUSION_ORDER,
    warning_targets=WARNING_TARGETS,
    result_keys=RESULT_KEYS,
    table=TABLE,
    summary_counts=SUMMARY_COUNTS,
    expectations=EXPECTATIONS,
    comparisons=COMPARISONS,
    question_groups=GROUPS,
    interview_stop=interview_stop,
    reference=REFERENCE,
    result_text=result_text,
    notices=lambda result: {"advice": {"title": "Professional assessment",
                                       "text": result["professional_assessment"]["text"]},
                            "warnings": list(result["warnings"])},
    import_path="lbp_screen.knowledge:KNOWLEDGE_BASE",
    description=("Screen low back pain cases with a transparent rule base. Screening and "
                 "teaching software, not a diagnosis: every result recommends an assessment by "
                 "a registered physiotherapist or doctor."),
    notice="A screening and teaching aid, not a diagnosis.",
    example_answer="sitting=worse",
    files=tuple(sorted(_PACKAGE.rglob("*.py"))),
)
