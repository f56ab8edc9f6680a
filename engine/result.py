"""The contract's result (section 2) for one run.

The engine fills what every knowledge base has in common (case id, knowledge-base version
and digest, fired rules in firing order); the knowledge base turns its conclusions into
the clinical sections.  Key order is fixed so JSON output is stable.
"""
from __future__ import annotations

from typing import Any

from engine.interview import open_question_finder
from engine.rulebook import KnowledgeBase
from engine.runner import Run

RESULT_KEYS = ("case_id", "knowledge_base", "responder", "possible_causes", "red_flags",
               "red_flag_conditions", "urgency", "exercises", "self_care", "psychosocial_risk",
               "professional_assessment", "fired_rules", "warnings", "open_questions")


class ResultShapeError(Exception):
    """The knowledge base produced sections that do not fit the contract (a programming error)."""


def build_result(kb: KnowledgeBase, run: Run) -> dict[str, Any]:
    open_questions = open_question_finder(kb, run.case.answers, run.fired_rules)
    sections = kb.build_result(run.case, run.facts, run.fired_rules, open_questions)
    result = {
        "case_id": run.case.case_id,
        "knowledge_base": {"version": kb.version, "digest": kb.digest},
        **sections,
        "fired_rules": run.fired_rules,
    }
    missing = [key for key in RESULT_KEYS if key not in result]
    extra = [key for key in result if key not in RESULT_KEYS]
    if missing or extra:
        raise ResultShapeError(f"result keys missing {missing}, unexpected {extra}")
    return {key: result[key] for key in RESULT_KEYS}
