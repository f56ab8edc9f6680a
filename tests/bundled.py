"""The bundled knowledge base behind the screening service, as the tests of the clinical
knowledge (and of the faces) use it.  The engine's own tests use tests/engine/toy_kb.py."""
from __future__ import annotations

from typing import Any, Mapping

from lbp_screen.engine.result import build_result
from lbp_screen.engine.runner import Screener, screener_for as _screener_for
from lbp_screen.engine.service import ScreeningService
from lbp_screen.engine.vocabulary import CaseError
from lbp_screen.knowledge import KNOWLEDGE_BASE

KB = KNOWLEDGE_BASE
SERVICE = ScreeningService(KB)

__all__ = ["KB", "SERVICE", "CaseError", "build_result", "explain_case", "load_knowledge_base",
           "screen", "screen_with_run", "screener_for"]


def load_knowledge_base():
    return KB


def screener_for() -> Screener:
    return _screener_for(KB)


def screen(raw: Mapping[str, Any], label: str | None = None) -> dict[str, Any]:
    return SERVICE.screen(raw, label)


def screen_with_run(raw: Mapping[str, Any], label: str | None = None):
    return SERVICE.screen_with_run(raw, label)


def explain_case(raw: Mapping[str, Any], label: str | None = None):
    return SERVICE.explain(raw, label)
