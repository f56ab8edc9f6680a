"""The JSON API through FastAPI's test client: the same answers and the same errors as the
command line (the service's own documents, compared, never copied), bad input of every kind,
the size limit, the security headers on every response, and nothing of a case logged."""
from __future__ import annotations

import json
import logging
from importlib import resources

import pytest
from fastapi.testclient import TestClient

from lbp_screen.engine.service import ScreeningError, ScreeningService, json_text
from lbp_screen.web import MAX_REQUEST_BYTES, create_app
from lbp_screen.web.app import SECURITY_HEADERS
from tests import bundled
from tests.conftest import CASES_DIR

CASE = {"case_id": "api-1", "sitting": "worse", "standing": "better", "bending_forward": "worse",
        "leg_pain": "one_leg", "saddle_numbness": "no", "bladder_or_bowel_change": "no"}
JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(bundled.SERVICE))


def post(client, path, document, **headers):
    body = document if isinstance(document, bytes) else json.dumps(document)
    return client.post(path, content=body, headers={**JSON, **headers})


def error_of(raw, label="request"):
    with pytest.raises(ScreeningError) as caught:
        bundled.SERVICE.screen(raw, label)
    return caught.value.to_dict()


# ---------------------------------------------------------------- answers

def test_screen_answers_one_case_with_the_contract_result_in_the_command_line_s_bytes(client):
    response = post(client, "/api/screen", CASE)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.text == json_text(bundled.SERVICE.screen(CASE, "request"))


def test_screen_answers_a_list_with_a_list_one_result_per_case_in_order(client):
    cases = [CASE, {"sitting": "better", "standing": "worse"}, {}]
    response = post(client, "/api/screen", cases)
    assert response.status_code == 200
    assert response.json() == [bundled.SERVICE.screen(c) for c in cases]


def test_screen_reads_an_annotated_case_as_lbp_screen_does(client):
    document = json.loads((CASES_DIR / "cause-herniated-disc.json").read_text())
    response = post(client, "/api/screen", document)
    assert response.json() == bundled.SERVICE.screen(document["case"])


def test_the_same_case_in_any_field_order_gives_the_same_bytes(client):
    backwards = dict(reversed(list(CASE.items())))
    assert post(client, "/api/screen", CASE).content == post(client, "/api/screen", backwards).content
    assert post(client, "/api/explain", {"case": CASE}).content == \
        post(client, "/api/explain", {"case": backwards}).content


def test_explain_answers_the_explanation_document_with_the_why_not_asked(client):
    response = post(client, "/api/explain", {"case": CASE, "why_not": ["responder=flexion", "red_flag=saddle_numbness"]})
    assert response.status_code == 200
    expected = bundled.SERVICE.explanation(CASE, "request", ["responder=flexion", "red_flag=saddle_numbness"])
    assert response.json() == json.loads(json_text(expected))
    assert [w["target"] for w in response.json()["why_not"]] == ["responder=flexion", "red_flag=cauda_equina"]
    assert [s["rule"] for s in response.json()["steps"]] == response.json()["result"]["fired_rules"]


def test_explain_without_why_not_answers_how_and_what_would_change(client):
    document = post(client, "/api/explain", {"case": CASE}).json()
    assert document["why_not"] == [] and document["how"] and document["what_would_change"]


def test_vocabulary_targets_and_questions_are_the_service_s(client):
    assert client.get("/api/vocabulary").json() == bundled.SERVICE.vocabulary()
    assert client.get("/api/targets").json() == bundled.SERVICE.targets()
    groups = client.get("/api/questions").json()
    asked = [f for g in groups for f in g["fields"]]
    assert sorted(asked) == sorted(f["field"] for f in bundled.SERVICE.vocabulary() if f["question"])
    assert len(asked) == len(set(asked))
    assert groups[0]["group"] == "red_flags"  # warning signs are asked first
    assert [g["title"] for g in groups] == [bundled.SERVICE.question_group(g["group"]) for g in groups]


def test_cases_lists_every_bundled_case_file_and_each_screens(client):
    listed = client.get("/api/cases").json()
    shipped = sorted(e.name.removesuffix(".json") for e in resources.files("lbp_screen.cases").iterdir()
                     if e.name.endswith(".json"))
    assert [c["name"] for c in listed] == shipped
    for entry in listed:
        document = json.loads((CASES_DIR / f"{entry['name']}.json").read_text())
        assert entry["case"] == document.get("case", document)
        bundled.SERVICE.screen(entry["case"])


def test_openapi_describes_every_api_endpoint_and_no_cdn_documentation_page_is_served(client):
    spec = client.get("/openapi.json").json()
    api = {route.path for route in client.app.routes if getattr(route, "path", "").startswith("/api/")}
    assert api <= set(spec["paths"])
    assert {"/api/screen", "/api/explain", "/api/vocabulary", "/api/cases", "/api/rules"} <= set(spec["paths"])
    assert spec["paths"]["/api/screen"]["post"]["requestBody"]["content"]["application/json"]["example"]
    for page in ("/docs", "/redoc"):
        assert client.get(page).status_code == 404


def test_the_pages_and_their_assets_are_served_from_the_package(client):
    static = resources.files("lbp_screen.web") / "static"
    for page, marker in (("/", 'src="/static/app.js"'), ("/api", 'src="/static/api.js"')):
        response = client.get(page)
        assert response.status_code == 200 and marker in response.text
    for asset in ("app.js", "app.css", "api.js", "favicon.svg"):
        assert client.get(f"/static/{asset}").content == (static / asset).read_bytes()


def test_no_page_or_asset_refers_to_another_site():
    static = resources.files("lbp_screen.web") / "static"
    for entry in static.iterdir():
        text = entry.read_text(encoding="utf-8")
        # links to a rule's published source are navigation, built from the document's data
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "") and "https://" not in text, entry.name
        assert "<style" not in text and " style=" not in text and "<script>" not in text, entry.name


# ---------------------------------------------------------------- bad input, every kind

@pytest.mark.parametrize("raw", [
    {"sittin": "worse"},                                   # misspelt field: did-you-mean
    {"sitting": "sometimes"},                              # value not allowed
    {"age": 130},                                          # out of range
    {"age": "forty"},                                      # not a number
    {"case_id": "john.smith@example.com", "sitting": "worse"},  # identifier: withheld
    {"sitting": ["worse"]},                                # a list value
    {"sitting": {"x": 1}},                                 # an object value
], ids=["misspelt-field", "bad-value", "out-of-range", "not-a-number", "identifier", "list-value", "object-value"])
def test_a_bad_case_is_a_422_with_the_command_line_s_error_document(client, raw):
    response = post(client, "/api/screen", raw)
    assert response.status_code == 422
    assert response.json() == error_of(raw)
    problem = response.json()["problems"][0]
    assert set(problem) == {"field", "value", "expected", "suggestion"}
    assert response.json()["case"] == "request"


def test_a_misspelt_field_gets_the_nearest_field(client):
    problem = post(client, "/api/screen", {"sittin": "worse"}).json()["problems"][0]
    assert problem["field"] == "sittin" and problem["suggestion"] == "sitting"


def test_an_identifier_never_comes_back(client):
    for path, document in (("/api/screen", {"case_id": "john.smith@example.com"}),
                           ("/api/explain", {"case": {"case_id": "john.smith@example.com"}})):
        response = post(client, path, document)
        assert response.status_code == 422
        assert "john.smith" not in response.text and "withheld" in response.text


def test_a_bad_case_in_a_list_is_named_by_its_place(client):
    response = post(client, "/api/screen", [CASE, {"sitting": "sometimes"}])
    assert response.status_code == 422
    assert response.json() == error_of({"sitting": "sometimes"}, "request[1]")


@pytest.mark.parametrize("document, words", [
    ([], "holds no cases"),
    ("just text", "expected a JSON object"),
    (42, "expected a JSON object"),
    (None, "expected a JSON object"),
    ([CASE, 7], "request[1]: expected a JSON object"),
    ({"case": CASE, "expected": {"responder": "extension"}, "extra": 1}, "an annotated case holds only"),
    ({"case": CASE, "expected": {"respondr": "extension"}}, "did you mean 'responder'"),
])
def test_a_document_that_is_not_a_case_is_a_422_naming_what_is_wrong(client, document, words):
    response = post(client, "/api/screen", document)
    assert response.status_code == 422
    assert words in response.json()["message"]
    assert set(response.json()) == {"error", "message", "case", "problems"}


@pytest.mark.parametrize("body, words", [
    (b"{not json", "not valid JSON"),
    (b'{"sitting": NaN}', "NaN"),
    (b'{"age": Infinity}', "Infinity"),
    (b'{"sitting": "worse", "sitting": "better"}', "appears twice"),
    (b"", "empty"),
    (b"   \n", "empty"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'{"age": ' + b"9" * 5000 + b"}", "too many digits"),
])
def test_a_body_that_is_not_standard_json_is_a_400(client, body, words):
    for path in ("/api/screen", "/api/explain"):
        response = post(client, path, body)
        assert response.status_code == 400, response.text
        assert words in response.json()["message"]
        assert response.json()["error"] == "json"


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x"])
def test_a_body_not_declared_json_is_a_415(client, content_type):
    headers = {"content-type": content_type} if content_type else {}
    response = client.post("/api/screen", content=json.dumps(CASE), headers=headers)
    assert response.status_code == 415
    assert "application/json" in response.json()["message"]


def test_json_with_a_charset_parameter_is_json(client):
    response = client.post("/api/screen", content=json.dumps(CASE),
                           headers={"content-type": "application/json; charset=utf-8"})
    assert response.status_code == 200


def test_a_body_over_the_limit_is_a_413_declared_or_streamed(client):
    big = json.dumps([CASE] * (MAX_REQUEST_BYTES // len(json.dumps(CASE)) + 1)).encode()
    assert len(big) > MAX_REQUEST_BYTES
    response = post(client, "/api/screen", big)
    assert response.status_code == 413
    assert str(MAX_REQUEST_BYTES) in response.json()["message"]

    def chunks():  # no content-length: the limit holds while reading
        for start in range(0, len(big), 65536):
            yield big[start:start + 65536]
    response = client.post("/api/screen", content=chunks(), headers=JSON)
    assert response.status_code == 413


def test_a_list_just_under_the_limit_is_screened(client):
    cases = [CASE] * 20
    assert len(json.dumps(cases)) < MAX_REQUEST_BYTES
    assert len(post(client, "/api/screen", cases).json()) == 20


@pytest.mark.parametrize("document, words", [
    ({"why_not": ["responder=flexion"]}, "expected an object"),
    ([CASE], "expected an object"),
    ({"case": CASE, "why_not": "responder=flexion"}, "must be a list"),
    ({"case": CASE, "why_not": [1]}, "must be a list"),
    ({"case": CASE, "whynot": []}, "unknown key"),
    ({"case": [CASE]}, "one case object, not a list"),
    ({"case": "text"}, "expected a JSON object"),
])
def test_explain_refuses_a_request_that_is_not_case_and_targets(client, document, words):
    response = post(client, "/api/explain", document)
    assert response.status_code == 422
    assert words in response.json()["message"]


def test_explain_refuses_an_unknown_target_with_the_nearest_ones(client):
    response = post(client, "/api/explain", {"case": CASE, "why_not": ["red_flag=cauda"]})
    assert response.status_code == 422
    with pytest.raises(ScreeningError) as caught:
        bundled.SERVICE.target("red_flag=cauda")
    assert response.json() == caught.value.to_dict()
    assert "cauda_equina" in response.json()["message"]


def test_explain_names_the_bad_case_as_screen_does(client):
    response = post(client, "/api/explain", {"case": {"sittin": "worse"}})
    assert response.status_code == 422
    assert response.json() == error_of({"sittin": "worse"})


def test_wrong_methods_and_paths_are_refused_without_a_page_of_the_framework(client):
    assert client.get("/api/screen").status_code == 405
    assert client.get("/api/nothing").status_code == 404


# ---------------------------------------------------------------- headers, errors, logs

def test_every_response_carries_the_security_headers(client):
    responses = [client.get("/"), client.get("/static/app.js"), client.get("/api/vocabulary"),
                 client.get("/openapi.json"), client.get("/nowhere"), post(client, "/api/screen", {"sittin": 1}),
                 post(client, "/api/screen", b"{"), client.post("/api/screen", content=b"x"), client.get("/rules")]
    for response in responses:
        for header, value in SECURITY_HEADERS.items():
            assert response.headers.get(header) == value, (response.url, header)
    policy = SECURITY_HEADERS["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


class BrokenService(ScreeningService):
    """A service with a bug: screening raises something that is no ScreeningError."""

    def screen(self, raw, label=None):
        raise RuntimeError(f"bug while screening {raw}")


def test_an_internal_error_is_a_500_json_without_the_case_or_a_traceback(caplog):
    client = TestClient(create_app(BrokenService(bundled.KB)), raise_server_exceptions=False)
    caplog.set_level(logging.DEBUG)
    response = post(client, "/api/screen", {"case_id": "secret-77", "sitting": "worse"})
    assert response.status_code == 500
    assert response.json()["error"] == "internal"
    assert "secret-77" not in response.text and "Traceback" not in response.text
    assert "secret-77" not in caplog.text
    assert "RuntimeError" in caplog.text and "/api/screen" in caplog.text


def test_no_case_data_is_logged(client, caplog):
    caplog.set_level(logging.DEBUG)
    marker = {"case_id": "marker-4711", "sitting": "worse", "age": 4711}
    post(client, "/api/screen", marker)
    post(client, "/api/explain", {"case": marker})
    post(client, "/api/screen", {"case_id": "marker-4711", "sittin": "worse"})
    assert "4711" not in caplog.text

