"""The explanation layer on the toy knowledge base: how each conclusion was reached (down
to the answers), why a target was not (each condition held, failed or unknown), what
would change it (the unanswered questions that could), the trace, the graph, and the one
JSON document every renderer reads."""
from __future__ import annotations

import json

import pytest

from lbp_screen.engine.conditions import Truth, answer
from lbp_screen.engine.explain import Target, UnknownTarget
from lbp_screen.engine.explain_render import explanation_markdown, explanation_text, mermaid
from lbp_screen.engine.report_html import explanation_html
from lbp_screen.engine.rulebook import conclude
from lbp_screen.engine.service import ScreeningService
from tests.engine.toy_kb import TOY_KB, Verdict, toy_kb, toy_rule

SERVICE = ScreeningService(TOY_KB)

# One rule with two conditions, and a case that answers only the first.
ONE_UNANSWERED = toy_kb([
    toy_rule("R-TOY-A", [answer("sitting", "worse"), answer("fever", "yes")], [conclude(Verdict, value="a")],
             title="Sitting worse with a fever"),
    toy_rule("R-TOY-B", [answer("standing", "worse")], [conclude(Verdict, value="b")]),
])
ONE = ScreeningService(ONE_UNANSWERED)


def test_why_not_shows_the_held_and_the_unknown_condition_and_the_question_missing():
    why = ONE.explain({"sitting": "worse"}).why_not(Target("verdict", "a"))
    assert not why.concluded
    check, = why.rules
    assert (check.rule.id, check.fired, check.truth) == ("R-TOY-A", False, Truth.UNKNOWN)
    held, unknown = check.conditions
    assert (held.text, held.truth, held.answers, held.unanswered) == (
        "sitting is worse", Truth.HELD, {"sitting": "worse"}, ())
    assert (unknown.text, unknown.truth, unknown.answers, unknown.unanswered) == (
        "fever is yes", Truth.UNKNOWN, {}, ("fever",))


def test_why_not_a_failed_condition_is_failed_not_unknown():
    check, = ONE.explain({"sitting": "worse", "fever": "no"}).why_not(Target("verdict", "a")).rules
    assert check.truth is Truth.FAILED
    assert [c.truth for c in check.conditions] == [Truth.HELD, Truth.FAILED]


def test_what_would_change_names_the_one_unanswered_question_and_its_rule():
    changes = ONE.explain({"sitting": "worse"}).what_would_change()
    assert [(str(c.target), c.fields, c.rules) for c in changes] == [
        ("verdict=a", ("fever",), ("R-TOY-A",)), ("verdict=b", ("standing",), ("R-TOY-B",))]
    # sitting better: no answer to fever can conclude a any more
    changes = ONE.explain({"sitting": "better", "standing": "better"}).what_would_change()
    assert changes == []


def test_how_a_conclusion_was_reached_ends_in_the_answers_it_used():
    explanation = ONE.explain({"sitting": "worse", "fever": "yes", "standing": "better"})
    conclusion, = explanation.conclusions()
    assert (str(conclusion.target), conclusion.label) == ("verdict=a", "Verdict with value a")
    step, = conclusion.steps
    assert step.rule.id == "R-TOY-A" and step.fact["value"] == "a"
    assert [(c.kind, c.truth, c.answers) for c in step.conditions] == [
        ("answer", Truth.HELD, {"sitting": "worse"}), ("answer", Truth.HELD, {"fever": "yes"})]
    assert list(step.grounds()) == []
    assert explanation.why_not(Target("verdict", "a")).concluded


def test_how_follows_conclusions_and_counts_back_to_the_firings_they_rest_on():
    explanation = SERVICE.explain({"sitting": "worse", "standing": "better", "age": 40})
    conclusion, = explanation.conclusions()
    assert str(conclusion.target) == "verdict=up"
    decision, = conclusion.steps
    count_condition, exemption = decision.conditions
    assert (count_condition.kind, exemption.kind) == ("concluded", "exemption")
    assert exemption.truth is Truth.HELD and exemption.answers == {"standing": "better"}
    tally, = count_condition.supports
    assert tally.rule.id == "R-TOY-COUNT"
    assert sorted(s.rule.id for s in tally.counted) == ["R-TOY-UP-SITTING", "R-TOY-UP-STANDING"]
    for step in tally.counted:
        assert step.firing.step < tally.firing.step < decision.firing.step


def test_what_would_change_follows_an_exemption_that_could_withdraw_a_conclusion():
    # standing unanswered: "no_change" would grant R-TOY-UP's exemption, withdraw "up",
    # and so let R-TOY-NONE conclude "none"
    changes = {str(c.target): c for c in SERVICE.explain({"sitting": "worse", "age": 10}).what_would_change()}
    assert changes["verdict=none"].fields == ("standing",)
    assert changes["verdict=alarm"].fields == ("fever",)
    assert "verdict=up" not in changes            # concluded already
    assert "verdict=age_unknown" not in changes   # age is answered: it cannot be unanswered again


def test_the_trace_is_the_run_in_firing_order_with_what_each_firing_asserted():
    explanation = SERVICE.explain({"fever": "yes", "sitting": "worse"})
    trace = explanation.trace
    assert [f.rule.id for f in trace] == explanation.result["fired_rules"]
    assert [f.step for f in trace] == list(range(1, len(trace) + 1))
    alarm = trace[0]
    assert alarm.rule.id == "R-TOY-ALARM"
    assert [(type(f).__name__, f["value"], f["rule"]) for f in alarm.asserted] == [("Verdict", "alarm", "R-TOY-ALARM")]
    assert [dict(f)["fever"] for f in alarm.matched if type(f).__name__ == "ToyCase"] == ["yes"]


@pytest.mark.parametrize("text, words", [
    ("verdict=maybe", "alarm, shiver, up, age_unknown, none"),
    ("mood=happy", "valid kinds: verdict"),
    ("alarm", "KIND=VALUE"),
    ("verdict=", "KIND=VALUE"),
])
def test_an_unknown_target_is_refused_with_the_valid_ones(text, words):
    with pytest.raises(UnknownTarget, match=words):
        SERVICE.target(text)


def test_targets_come_from_the_knowledge_base():
    assert SERVICE.targets() == {"verdict": ["alarm", "shiver", "up", "age_unknown", "none"]}
    assert SERVICE.target(" verdict = up ") == Target("verdict", "up")


def test_the_graph_runs_from_answers_through_rules_to_conclusions():
    graph = SERVICE.explain({"sitting": "worse", "standing": "better", "fever": "yes"}).graph()
    layer = {n.id: n.layer for n in graph.nodes}
    kinds = {n.id: n.kind for n in graph.nodes}
    assert all(layer[a] < layer[b] for a, b in graph.edges)
    assert {kinds[n] for n, d in layer.items() if d == 0} <= {"answer", "absence"}
    assert {kinds[n] for n, d in layer.items() if d == max(layer.values())} == {"conclusion"}
    assert {n.label for n in graph.nodes if n.kind == "answer"} == {
        "sitting = worse", "standing = better", "fever = yes"}
    assert {n.label for n in graph.nodes if n.kind == "conclusion"} >= {"verdict: alarm", "verdict: up"}


RAW = {"case_id": "toy-9", "sitting": "worse", "age": 10}


def test_the_explanation_document_holds_the_result_and_every_part():
    document = SERVICE.explanation(RAW, why_not=["verdict=alarm", "verdict=alarm"])
    assert list(document) == ["format", "format_version", "case", "result", "trace", "how", "why_not",
                              "what_would_change", "graph", "sources", "knowledge_base_name",
                              "notices", "steps"]
    assert document["result"] == SERVICE.screen(RAW)
    assert document["case"]["fact"] == "ToyCase" and document["case"]["case_id"] == "toy-9"
    assert document["case"]["questions"] == {"sitting": "Sitting?", "age": "Age?"}
    assert [t["rule"] for t in document["trace"]] == document["result"]["fired_rules"]
    assert [w["target"] for w in document["why_not"]] == ["verdict=alarm"]  # asked twice, shown once
    assert [c["target"] for c in document["what_would_change"]] == ["verdict=alarm", "verdict=shiver",
                                                                     "verdict=none"]
    assert document["sources"] == [{"key": "toy", "citation": "A toy reference for tests.",
                                    "url": "https://example.org/toy"}]
    json.dumps(document, allow_nan=False)


RENDERERS = {"text": explanation_text, "markdown": explanation_markdown, "html": explanation_html,
             "mermaid": lambda document: mermaid(document["graph"])}


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "mermaid"])
def test_regression_a_toy_document_did_not_render_as_the_renderers_read_clinical_keys(fmt):
    document = SERVICE.explanation(RAW, why_not=["verdict=alarm"])
    read_back = json.loads(json.dumps(document))
    rendered = RENDERERS[fmt](read_back)
    assert rendered == RENDERERS[fmt](document)
    if fmt != "mermaid":
        for rule_id in document["result"]["fired_rules"]:
            assert rule_id in rendered
