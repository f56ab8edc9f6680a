"""The contract's result for one run.

The engine fills what every knowledge base has in common (case id, the knowledge base's
and the engine's version and digest, fired rules in firing order); the knowledge base
turns its conclusions into the other sections and names the key order
(``KnowledgeBase.result_keys``), so JSON output is stable.
"""
from __future__ import annotations

from typing import Any

from lbp_screen import engine
from lbp_screen.engine.interview import open_question_finder
from lbp_screen.engine.outputs import ENGINE_RESULT_KEYS, OutputShapeError
from lbp_screen.engine.rulebook import KnowledgeBase
from lbp_screen.engine.runner import Run


def build_result(kb: KnowledgeBase, run: Run) -> dict[str, Any]:
    open_questions = open_question_finder(kb, run.case.answers, run.fired_rules)
    sections = kb.build_result(run.case, run.facts, run.fired_rules, open_questions)
    forged = [key for key in ENGINE_RESULT_KEYS if key in sections]
    if forged:  # provenance and the trace are the engine's to give
        raise OutputShapeError(f"the knowledge base's result sections name engine keys {forged}")
    result = {
        "case_id": run.case.case_id,
        "knowledge_base": kb.provenance,
        "engine": engine.provenance(),
        **sections,
        "fired_rules": run.fired_rules,
    }
    missing = [key for key in kb.result_keys if key not in result]
    extra = [key for key in result if key not in kb.result_keys]
    if missing or extra:
        raise OutputShapeError(f"result keys missing {missing}, unexpected {extra}")
    return {key: result[key] for key in kb.result_keys}
