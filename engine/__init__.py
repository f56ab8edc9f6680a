"""lbp-screen's engine: validates cases, runs a knowledge base on them with experta, and
explains the runs.  Nothing in this package is clinical; the knowledge base is passed in
(``load_knowledge_base`` loads the bundled one)."""
from __future__ import annotations

import threading
from typing import Any, Mapping

from engine.result import build_result
from engine.rulebook import KnowledgeBase
from engine.runner import Run, Screener
from engine.vocabulary import CaseError, ValidCase

__all__ = ["CaseError", "KnowledgeBase", "Run", "Screener", "ValidCase", "build_result",
           "explain_case", "load_knowledge_base", "screen", "screen_with_run"]


def load_knowledge_base() -> KnowledgeBase:
    """The bundled knowledge base (imported on first use: knowledge/ builds on engine/)."""
    from knowledge import KNOWLEDGE_BASE
    return KNOWLEDGE_BASE


# An experta engine holds one case's working memory at a time, so each thread gets its own
# (built once per thread and knowledge base, about 12 ms); processes each have their own too.
_local = threading.local()


def screener_for(kb: KnowledgeBase | None = None) -> Screener:
    """One screener (one compiled experta engine) per knowledge base per thread."""
    kb = kb or load_knowledge_base()
    screeners = getattr(_local, "screeners", None)
    if screeners is None:
        screeners = _local.screeners = {}
    if id(kb) not in screeners:
        screeners[id(kb)] = Screener(kb)
    return screeners[id(kb)]


def screen(raw: Mapping[str, Any], label: str | None = None,
           kb: KnowledgeBase | None = None) -> dict[str, Any]:
    """Validate and screen one raw case; return the contract's result (raises CaseError)."""
    return screen_with_run(raw, label, kb)[0]


def screen_with_run(raw: Mapping[str, Any], label: str | None = None,
                    kb: KnowledgeBase | None = None) -> tuple[dict[str, Any], Run]:
    """Like ``screen``, and also the run itself (its trace: ``run.firings``)."""
    screener = screener_for(kb)
    run = screener.run(screener.validate(raw, label))
    return build_result(screener.kb, run), run


def explain_case(raw: Mapping[str, Any], label: str | None = None, kb: KnowledgeBase | None = None):
    """Validate, screen and explain one raw case: an ``engine.explain.Explanation``."""
    from engine.explain import Explanation
    result, run = screen_with_run(raw, label, kb)
    return Explanation(screener_for(kb).kb, run, result, label)
