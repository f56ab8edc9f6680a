"""A tiny, non-clinical knowledge base for testing the engine on its own.

Small enough to read at a glance, so a test can build a rulebook with one deliberate flaw
(or one behaviour to pin) and check what the engine does with it.  ``toy_kb(rules)``
builds a knowledge base over the toy vocabulary with any rules (keyword arguments replace
any other part of it); ``TOY_KB`` is a complete one (result sections, table, summary
counts, expectations, question groups, an interview stop, a rulebook reference and an
import path), which worker processes load as ``tests.engine.toy_kb:TOY_KB``.

Nothing here, and nothing in tests/engine/, loads the clinical knowledge base.
"""
from __future__ import annotations

import pathlib
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from hypothesis import strategies as st

from lbp_screen.engine.conditions import (
    Labels, answer, any_of, at_least, below_value, concluded, not_answered, not_concluded, unless,
)
from lbp_screen.engine.experta_compat import Fact
from lbp_screen.engine.outputs import Column, Expectation, SummaryCount, TableLayout
from lbp_screen.engine.rulebook import Conclude, KnowledgeBase, RuleSpec, Source, Tally, conclude
from lbp_screen.engine.rulebook_doc import Catalogue, Phase, Reference
from lbp_screen.engine.vocabulary import Choice, FieldSpec, Number, Premise, Text, Vocabulary


class ToyCase(Fact):
    """The case's answers."""


class Finding(Fact):
    """One finding: ``direction`` up or down."""


class FindingCount(Fact):
    """How many findings point each way: ``up`` and ``down``."""


class Verdict(Fact):
    """A conclusion: ``value``."""


YES_NO = Choice("yes/no", ("yes", "no"), {"yes": "yes", "y": "yes", "no": "no", "n": "no"},
                booleans={True: "yes", False: "no"}, numbers={1: "yes", 0: "no"})
EFFECT = Choice("effect", ("worse", "better", "no_change"),
                {"worse": "worse", "better": "better", "no_change": "no_change",
                 "same": "no_change"})

# ``chills`` is asked only after a fever: a "yes" presumes one.  ``pets`` is read by no rule
# of TOY_KB (an interview never asks it).
CHILLS_PREMISE = Premise(answer("fever", "yes"), ("yes",), "there is a fever")

VOCABULARY = Vocabulary([
    FieldSpec("case_id", Text(16), "identifier", "Which case?", "", "toy"),
    FieldSpec("sitting", EFFECT, "what sitting does", "Sitting?", "", "toy"),
    FieldSpec("standing", EFFECT, "what standing does", "Standing?", "", "toy"),
    FieldSpec("fever", YES_NO, "fever", "Fever?", "", "signs"),
    FieldSpec("age", Number(0, 120, True, "years"), "age", "Age?", "", "toy"),
    FieldSpec("chills", YES_NO, "chills with the fever", "Chills?", "", "signs",
              premise=CHILLS_PREMISE),
    FieldSpec("pets", YES_NO, "keeps pets", "Pets?", "", "toy"),
], id_field="case_id")

SOURCES = {"toy": Source("toy", "A toy reference for tests.", "https://example.org/toy")}
TOPICS = {"toy": "Toy rules", "other": "Other toy rules"}
QUESTION_GROUPS = {"signs": "Warning signs", "toy": "Toy questions"}


def _conclusion(fact_type: type, values: dict) -> str:
    details = ", ".join(f"{k} {v}" for k, v in sorted(values.items()))
    return f"{fact_type.__name__} with {details}" if details else fact_type.__name__


def labels() -> Labels:
    return Labels(lambda name: name.replace("_", " "), _conclusion)


def toy_rule(id: str, when: Iterable = (), then: Iterable = (), *, phase: int = 90,
             title: str = "A toy rule", rationale: str = "Because the test says so.",
             source: str = "[toy] section 1", topic: str = "toy") -> RuleSpec:
    return RuleSpec(id=id, title=title, rationale=rationale, source=source, topic=topic,
                    phase=phase, when=tuple(when), then=tuple(then))


# ---------------------------------------------------------------- outputs

RESULT_KEYS = ("case_id", "knowledge_base", "engine", "verdicts", "alarm_questions", "fired_rules")


def build_result(case, facts, fired, open_questions) -> dict[str, Any]:
    """The toy sections: the verdicts in the order concluded, and the unanswered questions
    that could still conclude the alarm (from the engine's open-question finder)."""
    return {
        "verdicts": [f["value"] for f in facts if type(f) is Verdict],
        "alarm_questions": list(open_questions(Verdict, {"value": "alarm"})),
    }


TABLE = TableLayout(
    (Column("row"), Column("case_id"), Column("status"), Column("verdicts", "ids"),
     Column("fired_rules", "ids"), Column("errors", "sentences"), Column("knowledge_base_version")),
    lambda result: {"verdicts": result["verdicts"]},
)
SUMMARY_COUNTS = (SummaryCount("verdicts", "verdicts", lambda result: result["verdicts"]),)
EXPECTATIONS = (
    Expectation("verdicts", "same_set", lambda result: result["verdicts"]),
    Expectation("first_verdict", "equals", lambda result: (result["verdicts"] or [""])[0]),
    Expectation("verdicts_include", "includes", lambda result: result["verdicts"],
                "verdicts expected were not concluded"),
)


def interview_stop(result: Mapping[str, Any]) -> list[str] | None:
    """Stop the interview as soon as the alarm is concluded."""
    return ["Alarm: stop and see someone."] if "alarm" in result["verdicts"] else None


@dataclass(frozen=True)
class VerdictEntry:
    name: str


PHASES = {90: Phase(90, "answers", "rules on the answers"), 80: Phase(80, "counts", "counting"),
          70: Phase(70, "decisions", "deciding"), 60: Phase(60, "fallbacks", "when nothing else")}
REFERENCE = Reference(
    title="The toy rulebook", intro=("Read it at a glance.",), phases=PHASES,
    catalogues=(Catalogue("Verdicts", "verdict", {"alarm": VerdictEntry("Alarm"),
                                                   "up": VerdictEntry("Up")}),))


def _verdict_values(rules: Iterable[RuleSpec]) -> list[str]:
    """Every verdict value the rules can conclude, in rulebook order ("a" and "b" if none)."""
    values = [dict(action.values)["value"] for rule in rules for action in rule.then
              if isinstance(action, Conclude) and action.fact_type is Verdict
              and "value" in dict(action.values)]
    return list(dict.fromkeys(values)) or ["a", "b"]


def toy_kb(rules: list[RuleSpec], files: Iterable[pathlib.Path] = (), **parts: Any) -> KnowledgeBase:
    """A knowledge base over the toy vocabulary with these rules; ``parts`` replace any
    other field of it (``build_result``, ``result_keys``, ``table``, ``import_path``...)."""
    rules = list(rules)
    values = _verdict_values(rules)
    fields: dict[str, Any] = dict(
        name="toy", version="0.0.1", vocabulary=VOCABULARY, rules=rules, sources=SOURCES,
        topics=TOPICS, case_fact=ToyCase, labels=labels(), build_result=build_result,
        result_keys=RESULT_KEYS, targets={"verdict": (Verdict, "value")},
        target_values=lambda kind: values, table=TABLE, summary_counts=SUMMARY_COUNTS,
        expectations=EXPECTATIONS, question_groups=QUESTION_GROUPS, interview_stop=interview_stop,
        files=tuple(files),
    )
    fields.update(parts)
    return KnowledgeBase(**fields)


# ---------------------------------------------------------------- the complete toy knowledge base

RULES = [
    toy_rule("R-TOY-ALARM", [answer("fever", "yes")], [conclude(Verdict, value="alarm")],
             title="Fever raises the alarm"),
    toy_rule("R-TOY-SHIVER", [answer("chills", "yes")], [conclude(Verdict, value="shiver")],
             title="Chills with the fever"),
    toy_rule("R-TOY-UP-SITTING", [answer("sitting", "worse")], [conclude(Finding, direction="up")]),
    toy_rule("R-TOY-UP-STANDING", [any_of(answer("standing", "better"), below_value("age", 18))],
             [conclude(Finding, direction="up")]),
    toy_rule("R-TOY-DOWN-STANDING", [answer("standing", "worse")],
             [conclude(Finding, direction="down")], topic="other"),
    toy_rule("R-TOY-COUNT", [], [Tally(Finding, "direction", ("up", "down"), FindingCount)],
             phase=80, title="Count the findings"),
    toy_rule("R-TOY-UP", [concluded(FindingCount, up=at_least(2), down=0),
                          unless(answer("standing", "no_change"))],
             [conclude(Verdict, value="up")], phase=70, title="Two findings up"),
    toy_rule("R-TOY-AGE-MISSING", [not_answered("age")], [conclude(Verdict, value="age_unknown")],
             phase=70, topic="other", title="Say the age is missing"),
    toy_rule("R-TOY-NONE", [not_concluded(Verdict)], [conclude(Verdict, value="none")], phase=60,
             title="Nothing concluded"),
]

TOY_KB = toy_kb(RULES, files=(pathlib.Path(__file__).resolve(),), reference=REFERENCE,
                import_path="tests.engine.toy_kb:TOY_KB")


# ---------------------------------------------------------------- generated cases

def _answers(spec: FieldSpec) -> st.SearchStrategy:
    kind = spec.kind
    if isinstance(kind, Choice):
        return st.sampled_from(kind.values)
    if isinstance(kind, Number):
        # the thresholds the rules compare with, and anything else in range
        return st.one_of(st.sampled_from([17, 18, 19]), st.integers(int(kind.minimum), int(kind.maximum)))
    return st.from_regex(r"[a-z]{1,6}-[0-9]{1,3}", fullmatch=True)


@st.composite
def toy_cases(draw, vocabulary: Vocabulary = VOCABULARY, with_id: bool = False) -> dict:
    """A valid raw toy case: each answer left out about half the time, none contradicting
    another (a "yes" to chills is dropped when fever is "no")."""
    case = {}
    for spec in vocabulary.answer_fields():
        if draw(st.booleans()):
            case[spec.name] = draw(_answers(spec))
    for problem in vocabulary.contradictions(case):
        case.pop(problem.field, None)
    if with_id:
        case = {vocabulary.id_field: draw(_answers(vocabulary[vocabulary.id_field])), **case}
    return case
