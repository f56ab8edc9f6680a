"""The web app behind ``lbp serve``: the JSON API and the case playground's page.

Built by ``create_app(service)`` over the screening service the face hands over, so the
API's answers and errors are exactly the command line's: a case goes to the service as the
plain JSON object it arrived as (no framework validation in between), and a
``ScreeningError`` becomes HTTP 422 with its ``to_dict()``.  No case data is logged or kept:
the server holds no state between requests, and its errors name no request body.
"""
from __future__ import annotations

import json
import logging
from importlib import resources
from typing import Any, Awaitable, Callable, MutableMapping

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.staticfiles import StaticFiles

from lbp_screen import inputs
from lbp_screen.web import rules
from lbp_screen.engine.service import InputError, ScreeningError, ScreeningService, json_text, parse_json

# A case is under 2 kB of JSON; a megabyte carries a list of several hundred.  Bigger
# batches belong to ``lbp batch``, which streams them from a file.
MAX_REQUEST_BYTES = 1_000_000
# Every response: only this server's own files, no inline script, no framing, no sniffing.
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; base-uri 'none'; form-action 'self'; "
                               "frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}
STATIC = "lbp_screen.web"

log = logging.getLogger("lbp_screen.web")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class RequestError(Exception):
    """A request the API cannot read (not JSON, too big): its HTTP status and a message."""

    def __init__(self, status: int, kind: str, message: str):
        super().__init__(message)
        self.status, self.kind = status, kind

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.kind, "message": str(self), "case": None, "problems": []}


class SecurityHeaders:
    """Adds ``SECURITY_HEADERS`` to every response, errors and static files included."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.decode("latin-1").lower() not in SECURITY_HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def json_response(document: Any, status: int = 200) -> Response:
    """The document as the command line's JSON (standard JSON, same bytes as ``--format json``)."""
    return Response(json_text(document), status_code=status, media_type="application/json")


async def json_body(request: Request) -> Any:
    """The request's JSON document: refused over ``MAX_REQUEST_BYTES`` (413), when not declared
    JSON (415), or when not standard JSON (400), before any screening."""
    declared = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if declared != "application/json":
        raise RequestError(415, "media_type",
                           f"send the case as application/json, not {declared or 'no content type'}")
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_REQUEST_BYTES:
        raise RequestError(413, "too_large", f"the request is over {MAX_REQUEST_BYTES} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_REQUEST_BYTES:
            raise RequestError(413, "too_large", f"the request is over {MAX_REQUEST_BYTES} bytes")
    try:
        text = bytes(body).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RequestError(400, "json", "the request body is not UTF-8 text") from None
    if not text.strip():
        raise RequestError(400, "json", "the request body is empty; expected a JSON case")
    try:
        return parse_json(text)
    except InputError as error:
        raise RequestError(400, "json", f"request body: {error}") from None


def _cases_of(service: ScreeningService, document: Any) -> tuple[list[inputs.LoadedCase], bool]:
    """The cases of a request, read exactly as ``lbp screen`` reads a file named "request"
    (one case, an annotated case or a list, with the same errors); and whether it was a list."""
    return inputs.cases_of_document(service, "request", document, False), isinstance(document, list)


def _screen(service: ScreeningService, document: Any) -> Any:
    loaded, listing = _cases_of(service, document)
    results = [service.screen(item.case, label=item.label) for item in loaded]
    return results if listing else results[0]


def _explain(service: ScreeningService, document: Any) -> dict[str, Any]:
    if not isinstance(document, dict) or "case" not in document:
        raise InputError("request: expected an object {\"case\": {...}, \"why_not\": [\"kind=value\", ...]}")
    extra = sorted(set(document) - {"case", "why_not"})
    if extra:
        raise InputError(f"request: unknown key(s) {extra}; expected 'case' and 'why_not'")
    why_not = document.get("why_not", [])
    if not isinstance(why_not, list) or not all(isinstance(t, str) for t in why_not):
        raise InputError("request: 'why_not' must be a list of targets such as \"responder=flexion\"")
    loaded, listing = _cases_of(service, document["case"])
    if listing:
        raise InputError("request: 'case' must be one case object, not a list")
    return service.explanation(loaded[0].case, loaded[0].label, why_not)


def _bundled_cases() -> list[dict[str, Any]]:
    """Every example case shipped in ``lbp_screen.cases``, by file name, in name order."""
    folder = resources.files("lbp_screen.cases")
    cases = []
    for entry in sorted((e for e in folder.iterdir() if e.name.endswith(".json")),
                        key=lambda e: e.name.removesuffix(".json")):
        document = json.loads(entry.read_text(encoding="utf-8"))
        cases.append({"name": entry.name.removesuffix(".json"), "case": document.get("case", document),
                      "note": document.get("note"), "expected": document.get("expected")})
    return cases


def _body(example: Any, description: str) -> dict[str, Any]:
    """OpenAPI text for a JSON request body the endpoint reads itself."""
    return {"requestBody": {"required": True, "description": description, "content": {
        "application/json": {"schema": {"type": ["object", "array"]}, "example": example}}}}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "the body is not standard JSON"},
    413: {"description": f"the body is over {MAX_REQUEST_BYTES} bytes"},
    415: {"description": "the body is not declared application/json"},
    422: {"description": "the case cannot be screened: the error document (error, message, case, "
                         "problems with field, value or \"withheld\", expected, suggestion)"},
}


def create_app(service: ScreeningService) -> FastAPI:
    """The web app over ``service``: the JSON API under /api, the playground at /."""
    app = FastAPI(title="lbp-screen", version=service.kb.provenance["version"],
                  description=service.kb.description, docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json")
    static = resources.files(STATIC) / "static"
    example_case = {"case_id": "demo-1", "sitting": "worse", "standing": "better"}

    @app.exception_handler(ScreeningError)
    async def screening_error(_request: Request, error: ScreeningError) -> Response:
        return json_response(error.to_dict(), 422)

    @app.exception_handler(RequestError)
    async def request_error(_request: Request, error: RequestError) -> Response:
        return json_response(error.to_dict(), error.status)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, error: Exception) -> Response:
        # The path only: a query string or a body may carry case data.
        log.error("internal error on %s %s: %s", request.method, request.url.path, type(error).__name__)
        return json_response({"error": "internal", "message": "internal error; nothing was kept",
                              "case": None, "problems": []}, 500)

    @app.post("/api/screen", summary="Screen one case or a list of cases",
              description="The body is what `lbp screen` reads from a file: one case object, an "
                          "annotated case ({\"case\": ..., \"expected\": ..., \"note\": ...}) or a "
                          "list of them. The answer is the contract's result, or a list of results.",
              openapi_extra=_body(example_case, "a case, an annotated case, or a list of them"),
              responses=ERROR_RESPONSES)
    async def screen(request: Request) -> Response:
        document = await json_body(request)
        return json_response(await run_in_threadpool(_screen, service, document))

    @app.post("/api/explain", summary="Explain one case",
              description="How each conclusion was reached, why each `why_not` target (kind=value) "
                          "was or was not concluded, what would change the result, the trace and "
                          "the graph: the document `lbp explain --format json` prints.",
              openapi_extra=_body({"case": example_case, "why_not": ["responder=flexion"]},
                                  "the case and the why-not targets"),
              responses=ERROR_RESPONSES)
    async def explain(request: Request) -> Response:
        document = await json_body(request)
        return json_response(await run_in_threadpool(_explain, service, document))

    @app.get("/api/vocabulary", summary="Every field a case may carry",
             description="As `lbp vocabulary --format json`: kind, allowed values and spellings, "
                         "meaning, question, help, group and the question each depends on.")
    async def vocabulary() -> Response:
        return json_response(service.vocabulary())

    @app.get("/api/questions", summary="The question groups, in the order they are asked",
             description="Each group's key and title, with its fields in order (red flags first).")
    async def questions() -> Response:
        return json_response(question_groups(service))

    @app.get("/api/targets", summary="Every why-not target, by kind",
             description="The values each target kind accepts, for `why_not` as kind=value.")
    async def targets() -> Response:
        return json_response(service.targets())

    @app.get("/api/cases", summary="The bundled example cases",
             description="Each case in the package's cases folder: its name, the case, its note "
                         "and its expected outcome.")
    async def cases() -> Response:
        return json_response(await run_in_threadpool(_bundled_cases))

    @app.get("/", include_in_schema=False)
    async def playground() -> Response:
        return FileResponse(str(static / "index.html"), media_type="text/html")

    @app.get("/favicon.ico", include_in_schema=False)  # browsers ask for it on every page
    async def favicon() -> Response:
        return FileResponse(str(static / "favicon.svg"), media_type="image/svg+xml")

    @app.get("/api", include_in_schema=False)
    async def api_page() -> Response:
        return FileResponse(str(static / "api.html"), media_type="text/html")

    app.state.service = service  # the rulebook router reads it
    app.include_router(rules.router)

    app.mount("/static", StaticFiles(packages=[(STATIC, "static")]), name="static")
    app.add_middleware(SecurityHeaders)
    return app


def question_groups(service: ScreeningService) -> list[dict[str, Any]]:
    """The interview's groups in the knowledge base's order, each with its fields."""
    groups: dict[str, list[str]] = {}
    for field in service.vocabulary():
        if field["question"]:
            groups.setdefault(field["group"], []).append(field["field"])
    order = list(service.kb.question_groups)
    ranked = sorted(groups, key=lambda g: order.index(g) if g in order else len(order))
    return [{"group": g, "title": service.question_group(g), "fields": groups[g]} for g in ranked]
