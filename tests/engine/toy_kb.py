"""A tiny, non-clinical knowledge base for testing the engine on its own.

Small enough to read at a glance, so a test can build a rulebook with one deliberate flaw
(or one behaviour to pin) and check what the engine does with it.
"""
from __future__ import annotations

import pathlib
from typing import Iterable

from engine.conditions import Labels
from engine.experta_compat import Fact
from engine.rulebook import KnowledgeBase, RuleSpec, Source
from engine.vocabulary import Choice, FieldSpec, Number, Text, Vocabulary


class ToyCase(Fact):
    """The case's answers."""


class Finding(Fact):
    """One finding: ``direction`` up or down."""


class FindingCount(Fact):
    """How many findings point each way: ``up`` and ``down``."""


class Verdict(Fact):
    """A conclusion: ``value``."""


YES_NO = Choice("yes/no", ("yes", "no"), {"yes": "yes", "no": "no"})
EFFECT = Choice("effect", ("worse", "better", "no_change"),
                {"worse": "worse", "better": "better", "no_change": "no_change"})

VOCABULARY = Vocabulary([
    FieldSpec("case_id", Text(16), "identifier", "Which case?", "", "toy"),
    FieldSpec("sitting", EFFECT, "what sitting does", "Sitting?", "", "toy"),
    FieldSpec("standing", EFFECT, "what standing does", "Standing?", "", "toy"),
    FieldSpec("fever", YES_NO, "fever", "Fever?", "", "toy"),
    FieldSpec("age", Number(0, 120, True, "years"), "age", "Age?", "", "toy"),
], id_field="case_id")

SOURCES = {"toy": Source("toy", "A toy reference for tests.")}
TOPICS = {"toy": "Toy rules", "other": "Other toy rules"}


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


def toy_kb(rules: list[RuleSpec], files: Iterable[pathlib.Path] = ()) -> KnowledgeBase:
    return KnowledgeBase(
        name="toy", version="0.0.1", vocabulary=VOCABULARY, rules=list(rules), sources=SOURCES,
        topics=TOPICS, case_fact=ToyCase, labels=labels(),
        build_result=lambda case, facts, fired: {},
        targets={"verdict": (Verdict, "value")},
        target_values=lambda kind: ["a", "b"],
        files=tuple(files),
    )
