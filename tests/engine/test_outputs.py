"""The result's shape: the engine fills its own keys (case id, provenance, fired rules),
the knowledge base its sections, in the order it declares; a build_result that returns an
unexpected key or misses one is refused (OutputShapeError), and so are output
declarations that do not fit together, when the knowledge base is built."""
from __future__ import annotations

import pytest

from lbp_screen.engine.outputs import (
    ENGINE_COLUMNS, ENGINE_RESULT_KEYS, Column, Expectation, OutputShapeError, TableLayout,
)
from lbp_screen.engine.service import ScreeningService
from tests.engine.toy_kb import RESULT_KEYS, RULES, TABLE, TOY_KB, toy_kb

SERVICE = ScreeningService(TOY_KB)


def test_the_result_has_the_declared_keys_in_the_declared_order():
    assert set(ENGINE_RESULT_KEYS) == {"case_id", "knowledge_base", "engine", "fired_rules"}
    result = SERVICE.screen({"case_id": "t-1", "fever": "yes", "age": 40})
    assert list(result) == list(RESULT_KEYS)
    assert result["case_id"] == "t-1"
    assert result["verdicts"] == ["alarm"] and result["fired_rules"] == ["R-TOY-ALARM", "R-TOY-COUNT"]


def test_the_knowledge_base_may_order_the_keys_as_it_likes():
    order = ("fired_rules", "verdicts", "alarm_questions", "engine", "case_id", "knowledge_base")
    result = ScreeningService(toy_kb(RULES, result_keys=order)).screen({"fever": "no"})
    assert tuple(result) == order


def test_the_sections_reach_build_result_with_the_case_the_facts_the_rules_fired_and_a_finder():
    seen = {}

    def build_result(case, facts, fired, open_questions):
        seen.update(case=case, fired=list(fired), facts=facts,
                    open=open_questions(*TOY_KB.targets["verdict"][:1], {"value": "alarm"}))
        return {"verdicts": [], "alarm_questions": []}

    ScreeningService(toy_kb(RULES, build_result=build_result)).screen({"case_id": "t-2", "sitting": "worse"})
    assert seen["case"].case_id == "t-2" and dict(seen["case"].answers) == {"sitting": "worse"}
    assert seen["fired"] == ["R-TOY-UP-SITTING", "R-TOY-COUNT", "R-TOY-AGE-MISSING"]
    assert {type(f).__name__ for f in seen["facts"]} >= {"ToyCase", "Finding", "FindingCount", "Verdict"}
    # the fever question could still raise the alarm: the finder names it and the rule
    assert {name: [r.id for r in rules] for name, rules in seen["open"].items()} == {"fever": ["R-TOY-ALARM"]}


def test_a_section_the_knowledge_base_did_not_declare_is_refused():
    kb = toy_kb(RULES, build_result=lambda *args: {"verdicts": [], "alarm_questions": [], "surprise": 1})
    with pytest.raises(OutputShapeError, match="surprise"):
        ScreeningService(kb).screen({"fever": "yes"})


def test_a_declared_section_build_result_leaves_out_is_refused():
    kb = toy_kb(RULES, build_result=lambda *args: {"alarm_questions": []})
    with pytest.raises(OutputShapeError, match="verdicts"):
        ScreeningService(kb).screen({"fever": "yes"})


@pytest.mark.parametrize("key", ENGINE_RESULT_KEYS)
def test_regression_a_section_could_replace_an_engine_key(key):
    kb = toy_kb(RULES, build_result=lambda *args: {"verdicts": [], "alarm_questions": [], key: "forged"})
    with pytest.raises(OutputShapeError):
        ScreeningService(kb).screen({"case_id": "t-3", "fever": "yes"})


@pytest.mark.parametrize("parts", [
    {"result_keys": ("case_id", "knowledge_base", "verdicts", "alarm_questions", "fired_rules")},
    {"result_keys": ("case_id", "knowledge_base", "engine", "verdicts", "verdicts", "fired_rules")},
    {"table": TableLayout(tuple(c for c in TABLE.columns if c.name != "errors"), TABLE.flatten)},
    {"table": TableLayout((*TABLE.columns, Column("verdicts", "ids")), TABLE.flatten)},
    {"table": TableLayout((*TABLE.columns, Column("mood", "colour")), TABLE.flatten)},
    {"expectations": (Expectation("verdicts", "roughly", lambda r: r["verdicts"]),)},
    {"expectations": (Expectation("rules_fired", "same_set", lambda r: r["fired_rules"]),)},
], ids=["no-engine-key", "repeated-key", "missing-engine-column", "repeated-column",
        "unknown-column-kind", "unknown-expectation-kind", "expectation-shadows-the-engine-s"])
def test_output_declarations_that_do_not_fit_are_refused_when_the_knowledge_base_is_built(parts):
    with pytest.raises(OutputShapeError):
        toy_kb(RULES, **parts)


def test_the_toy_table_holds_every_engine_column():
    assert set(ENGINE_COLUMNS) <= set(TOY_KB.table.names())
    assert [c.name for c in TOY_KB.table.own_columns()] == ["verdicts"]
