"""The rulebook browser: ``GET /api/rules`` and the page ``/rules``.

``/api/rules`` is the rulebook document every face renders (``lbp rules --format json`` holds
its rules), with the bundled example cases (``lbp_screen.cases``) that fire each rule: every
case is screened once per service, on the first request, and kept (they are the package's
own anonymised examples, never a user's case).  The app that includes ``router`` sets
``app.state.service`` to the screening service it serves.
"""
from __future__ import annotations

import threading
import weakref
from importlib import resources
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from lbp_screen.engine.service import ScreeningError, ScreeningService, json_text, parse_json

CASES_PACKAGE = "lbp_screen.cases"
STATIC_PACKAGE = "lbp_screen.web"

router = APIRouter()


class ExampleCases:
    """The bundled example cases screened once: each case's file, id and note, and for
    each rule the files of the cases that fire it."""

    def __init__(self, service: ScreeningService):
        self.cases: list[dict[str, Any]] = []
        self.firing: dict[str, list[str]] = {}
        folder = resources.files(CASES_PACKAGE)
        for entry in sorted((e for e in folder.iterdir() if e.name.endswith(".json")),
                            key=lambda e: e.name):
            self.cases.append(self._screened(service, entry.name, entry.read_text(encoding="utf-8")))

    def _screened(self, service: ScreeningService, name: str, text: str) -> dict[str, Any]:
        """One case's entry; a case that cannot be screened is listed with its error, so
        every file shipped is accounted for."""
        entry: dict[str, Any] = {"file": name, "case_id": None, "note": None, "answers": None,
                                 "error": None}
        try:
            document = parse_json(text)
            annotated = isinstance(document, dict) and isinstance(document.get("case"), dict)
            answers = document["case"] if annotated else document
            if not isinstance(answers, dict):
                raise ValueError("not one case object")
            result = service.screen(answers, label=name)
        except (ScreeningError, ValueError) as error:
            entry["error"] = str(error)
            return entry
        entry.update(case_id=result["case_id"], note=document.get("note") if annotated else None,
                     answers=answers)
        for rule_id in dict.fromkeys(result["fired_rules"]):
            self.firing.setdefault(rule_id, []).append(name)
        return entry


_lock = threading.Lock()
_screened: "weakref.WeakKeyDictionary[ScreeningService, ExampleCases]" = weakref.WeakKeyDictionary()


def example_cases(service: ScreeningService) -> ExampleCases:
    """The example cases screened by ``service``, once per service."""
    with _lock:
        found = _screened.get(service)
        if found is None:
            found = _screened[service] = ExampleCases(service)
        return found


def rules_document(service: ScreeningService) -> dict[str, Any]:
    """The rulebook document; each rule with ``fired_by_cases`` (file names, in name
    order), and ``example_cases`` listing every bundled case."""
    document = service.rulebook()
    examples = example_cases(service)
    for topic in document["topics"]:
        for rule in topic["rules"]:
            rule["fired_by_cases"] = list(examples.firing.get(rule["id"], []))
    document["example_cases"] = [dict(case) for case in examples.cases]
    return document


def _service(request: Request) -> ScreeningService:
    return request.app.state.service


@router.get("/api/rules", summary="The rulebook, with the example cases that fire each rule",
            description="As `lbp rules --format json`, in one document: every topic with its rules "
                        "(conditions and conclusions in plain words, rationale, sources with links), "
                        "each rule's `fired_by_cases` (the bundled example cases that fire it) and "
                        "`example_cases` (file, case id, note and answers of each).")
def api_rules(request: Request) -> Response:
    # a plain function: FastAPI runs it in a worker thread, so the first call's screening
    # of the examples does not hold up the event loop
    return Response(json_text(rules_document(_service(request))), media_type="application/json")


@router.get("/rules", include_in_schema=False)
def rules_page() -> Response:
    page = resources.files(STATIC_PACKAGE) / "static" / "rules.html"
    return FileResponse(str(page), media_type="text/html")
