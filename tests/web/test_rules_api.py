"""GET /api/rules and /rules through FastAPI's test client: the rulebook document with the
bundled example cases that fire each rule."""
from __future__ import annotations

import json
from importlib import resources

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from lbp_screen.web import rules
from tests import bundled

CASE_FILES = sorted(e.name for e in resources.files("lbp_screen.cases").iterdir()
                    if e.name.endswith(".json"))


def _client(service=bundled.SERVICE) -> TestClient:
    """The router on an app of its own, over ``service`` (as the web app includes it)."""
    app = FastAPI()
    app.state.service = service
    app.include_router(rules.router)
    return TestClient(app)


@pytest.fixture(scope="module")
def document():
    response = _client().get("/api/rules")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    return json.loads(response.text, parse_constant=lambda name: pytest.fail(f"non-standard {name}"))


def test_api_rules_is_the_rulebook_document_with_every_rule(document):
    expected = bundled.SERVICE.rulebook()
    assert document["knowledge_base"] == expected["knowledge_base"]
    assert [t["topic"] for t in document["topics"]] == [t["topic"] for t in expected["topics"]]
    shown = [r["id"] for t in document["topics"] for r in t["rules"]]
    assert shown == [r["id"] for t in expected["topics"] for r in t["rules"]]
    assert sorted(shown) == sorted(rule.id for rule in bundled.KB.rules)


def test_every_bundled_case_is_listed_once_and_screens(document):
    listed = [case["file"] for case in document["example_cases"]]
    assert listed == CASE_FILES
    assert all(case["error"] is None for case in document["example_cases"])


def test_fired_by_cases_is_what_screening_each_case_fires(document):
    fired_by: dict[str, list[str]] = {}
    for name in CASE_FILES:
        annotated = json.loads((resources.files("lbp_screen.cases") / name).read_text(encoding="utf-8"))
        result = bundled.screen(annotated.get("case", annotated), name)
        for rule_id in dict.fromkeys(result["fired_rules"]):
            fired_by.setdefault(rule_id, []).append(name)
    for topic in document["topics"]:
        for rule in topic["rules"]:
            assert rule["fired_by_cases"] == fired_by.get(rule["id"], []), rule["id"]


def test_every_rule_is_fired_by_some_bundled_case(document):
    """The rulebook's own promise (every rule fires for an annotated case) seen through the API."""
    unfired = [r["id"] for t in document["topics"] for r in t["rules"] if not r["fired_by_cases"]]
    assert not unfired


def test_the_examples_are_screened_once_per_service(monkeypatch):
    client = _client()
    client.get("/api/rules")
    calls = []
    monkeypatch.setattr(rules.ExampleCases, "__init__",
                        lambda self, service: calls.append(service))
    client.get("/api/rules")
    assert calls == []


def test_rules_page_is_served_as_html():
    response = _client().get("/rules")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/static/rules.js"></script>' in response.text


def test_the_web_app_serves_the_page_its_assets_and_the_api_under_its_policy():
    from lbp_screen.web import create_app

    client = TestClient(create_app(bundled.SERVICE))
    response = client.get("/api/rules")
    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert [t["topic"] for t in response.json()["topics"]] == list(bundled.KB.topics)
    for asset, kind in (("/static/rules.js", "javascript"), ("/static/rules.css", "text/css")):
        served = client.get(asset)
        assert served.status_code == 200 and kind in served.headers["content-type"], asset
    page = client.get("/rules").text
    # no inline script or style: the policy would refuse them
    assert "<style" not in page and " style=" not in page and "<script>" not in page
    assert "/api/rules" in client.get("/openapi.json").json()["paths"]


@pytest.mark.parametrize("text, said", [
    ('{"case": {"sitting": "wrose"}, "note": "a typo"}', "did you mean 'worse'"),
    ("{not json", "not valid JSON"),
    ("[1, 2]", "not one case object"),
])
def test_an_example_case_that_cannot_be_screened_is_listed_with_its_error_and_fires_nothing(text, said):
    examples = rules.ExampleCases.__new__(rules.ExampleCases)
    examples.cases, examples.firing = [], {}
    entry = examples._screened(bundled.SERVICE, "bad.json", text)
    assert entry["file"] == "bad.json" and said in entry["error"]
    assert entry["answers"] is None and examples.firing == {}
