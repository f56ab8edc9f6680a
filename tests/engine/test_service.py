"""The screening service over the toy knowledge base: annotated cases checked against the
knowledge base's expectations (and the engine's, about fired rules), the rulebook as a
document, topics, result text, and errors that are ScreeningErrors with a document."""
from __future__ import annotations

import json

import pytest

from lbp_screen.engine.errors import InputError, ScreeningError
from lbp_screen.engine.rulebook_render import rulebook_markdown, rulebook_text
from lbp_screen.engine.service import ScreeningService
from lbp_screen.engine.vocabulary import CaseError
from tests.engine.toy_kb import RULES, TOY_KB, toy_kb

SERVICE = ScreeningService(TOY_KB)
ALARM = SERVICE.screen({"case_id": "c-1", "fever": "yes", "age": 40})  # verdicts ["alarm"]


# ---------------------------------------------------------------- expectations

def test_expectations_that_hold_give_no_differences():
    expected = {"verdicts": ["alarm"], "first_verdict": "alarm", "verdicts_include": ["alarm"],
                "rules_fired": ["R-TOY-ALARM"], "rules_not_fired": ["R-TOY-UP"]}
    SERVICE.check_expectations("case.json", expected)
    assert SERVICE.check(expected, ALARM) == []


@pytest.mark.parametrize("expected, difference", [
    ({"verdicts": ["alarm", "up"]}, "verdicts: expected ['alarm', 'up'], got ['alarm']"),
    ({"first_verdict": "up"}, "first_verdict: expected up, got alarm"),
    ({"verdicts_include": ["up", "alarm"]}, "verdicts expected were not concluded: ['up']"),
    ({"rules_fired": ["R-TOY-UP"]}, "rules expected to fire did not: ['R-TOY-UP']"),
    ({"rules_not_fired": ["R-TOY-ALARM"]}, "rules expected not to fire did: ['R-TOY-ALARM']"),
])
def test_each_kind_of_expectation_reports_its_difference(expected, difference):
    assert SERVICE.check(expected, ALARM) == [difference]


def test_an_expectation_naming_a_rule_the_rulebook_lacks_is_a_difference():
    problems = SERVICE.check({"rules_not_fired": ["R-TOY-GONE"]}, ALARM)
    assert problems == ["rules_not_fired names rules this rulebook does not have: ['R-TOY-GONE']"]


@pytest.mark.parametrize("expected, words", [
    (["alarm"], "must be an object"),
    ({"verdict": ["alarm"]}, "did you mean 'verdicts'?"),
    ({"verdicts": "alarm"}, "must be a list of ids"),
    ({"first_verdict": ["alarm"]}, "must be an id"),
    ({"rules_fired": [1]}, "must be a list of ids"),
])
def test_expectations_the_knowledge_base_does_not_have_are_refused(expected, words):
    with pytest.raises(InputError, match=words):
        SERVICE.check_expectations("case.json", expected)


# ---------------------------------------------------------------- the rulebook

def test_the_rulebook_document_groups_rules_by_topic_in_rulebook_order():
    document = SERVICE.rulebook()
    assert document["title"] == "The toy rulebook" and document["complete"]
    assert document["knowledge_base"] == TOY_KB.provenance
    assert [t["topic"] for t in document["topics"]] == ["toy", "other"]
    ids = [r["id"] for t in document["topics"] for r in t["rules"]]
    assert sorted(ids) == sorted(r.id for r in RULES)
    assert [r["id"] for r in document["topics"][1]["rules"]] == ["R-TOY-DOWN-STANDING", "R-TOY-AGE-MISSING"]
    up = next(r for t in document["topics"] for r in t["rules"] if r["id"] == "R-TOY-UP")
    assert up["phase"] == "decisions" and up["when"][1] == "unless standing is no_change"
    assert document["catalogues"][0]["entries"][0] == {"name": "Alarm", "id": "alarm", "rules": ["R-TOY-ALARM"]}
    assert document["references"] == [{"key": "toy", "citation": "A toy reference for tests.",
                                       "url": "https://example.org/toy"}]
    for render in (rulebook_text, rulebook_markdown):
        assert all(rule_id in render(document) for rule_id in ids)


def test_a_topic_s_rulebook_holds_that_topic_only():
    document = SERVICE.rulebook(topics=[SERVICE.topic("other")])
    assert not document["complete"] and document["catalogues"] == []
    assert [t["topic"] for t in document["topics"]] == ["other"]


def test_an_unknown_topic_is_refused_with_a_did_you_mean():
    with pytest.raises(InputError, match="did you mean 'other'"):
        SERVICE.topic("othr")


def test_a_knowledge_base_without_a_reference_has_no_rulebook_document():
    with pytest.raises(ValueError, match="no rulebook reference"):
        ScreeningService(toy_kb(RULES)).rulebook()


# ---------------------------------------------------------------- the rest of the façade

def test_without_its_own_wording_a_result_is_shown_as_json_under_its_label():
    text = SERVICE.result_text(ALARM, "case.json")
    head, body = text.split("\n", 1)
    assert head == "== case.json [c-1]" and json.loads(body) == ALARM


def test_the_knowledge_base_s_wording_is_used_when_it_has_one():
    service = ScreeningService(toy_kb(RULES, result_text=lambda result, title: ", ".join(
        title(r) for r in result["fired_rules"])))
    assert service.result_text(ALARM, "x") == "== x [c-1]\nFever raises the alarm, Count the findings"
    assert service.rule_title("R-TOY-GONE") == "(not in this rulebook)"


def test_case_errors_are_screening_errors_with_a_document():
    with pytest.raises(CaseError) as refused:
        SERVICE.screen({"case_id": "c-9", "fever": "maybe"}, label="in.json")
    assert isinstance(refused.value, ScreeningError)
    document = refused.value.to_dict()
    assert document["error"] == "case" and document["case"] == "in.json (case 'c-9')"
    assert document["problems"][0]["field"] == "fever"


def test_case_ids_are_read_by_the_vocabulary():
    assert SERVICE.case_id(" c-3 ", "typed") == "c-3"
    with pytest.raises(CaseError):
        SERVICE.case_id("x" * 40, "typed")


def test_screen_with_run_gives_the_result_and_its_run():
    result, run = SERVICE.screen_with_run({"sitting": "worse", "standing": "better"})
    assert result == SERVICE.screen({"sitting": "worse", "standing": "better"})
    assert run.fired_rules == result["fired_rules"]
    assert run.case.answers == {"sitting": "worse", "standing": "better"}
