"""The bundled rulebook's decision tables: every rule in exactly one row of its topic's
table, every field it reads a column with a cell in that row, every conclusion it tests in
its column, every group mark explained, and the one-field cells meaning exactly what the
rule's conditions do (checked against the conditions' own evaluation, value by value)."""
from __future__ import annotations

import json
import re

import pytest

from lbp_screen.engine.conditions import Truth
from lbp_screen.engine.decision_table import NOT_ANSWERED, UNKNOWN
from lbp_screen.engine.service import json_text
from tests import bundled

KB = bundled.KB
DOCUMENT = bundled.SERVICE.rulebook()
TABLES = {topic["topic"]: topic["decision_table"] for topic in DOCUMENT["topics"]}
MARKED = re.compile(r" \[([A-Z]+)\]$")


def _rows():
    for topic, table in TABLES.items():
        for row in table["rows"]:
            yield topic, table, row


def _cells(table, row) -> dict[tuple[str, str], list[str]]:
    return {(c["kind"], c["field"] or c["label"]): parts
            for c, parts in zip(table["columns"], row["cells"])}


def test_every_rule_is_in_exactly_one_row_of_its_topics_table():
    seen = [(topic, row["rule"]) for topic, _, row in _rows()]
    assert sorted(rule for _, rule in seen) == sorted(rule.id for rule in KB.rules)
    assert all(KB.rule(rule).topic == topic for topic, rule in seen)


def test_every_field_a_rule_reads_is_a_column_with_a_cell_in_its_row():
    for _, table, row in _rows():
        rule = KB.rule(row["rule"])
        cells = _cells(table, row)
        read = {field for (kind, field), parts in cells.items() if kind == "answer" and parts}
        assert read == rule.answer_fields(), rule.id


def test_every_column_is_used_and_in_vocabulary_order():
    order = [spec.name for spec in KB.vocabulary]
    for topic, table in TABLES.items():
        fields = [c["field"] for c in table["columns"] if c["kind"] == "answer"]
        assert fields == sorted(fields, key=order.index), topic
        for index, column in enumerate(table["columns"]):
            assert any(row["cells"][index] for row in table["rows"]), (topic, column["label"])
        assert table["columns"][-1]["kind"] == "conclusion"


def test_every_conclusion_a_rule_tests_is_in_its_column_in_the_rulebooks_words():
    for _, table, row in _rows():
        rule = KB.rule(row["rule"])
        concluded = [c.describe(KB.labels) for c in rule.when if not c.fields()]
        shown = [part for (kind, _), parts in _cells(table, row).items() if kind == "concluded"
                 for part in parts]
        assert sorted(shown) == sorted(concluded), rule.id
        assert row["cells"][-1] == [action.describe(KB.labels) for action in rule.then]


def test_every_mark_in_a_row_is_explained_in_its_groups_cell_and_every_group_is_used():
    for _, table, row in _rows():
        cells = _cells(table, row)
        used = {m.group(1) for (kind, _), parts in cells.items() if kind == "answer"
                for part in parts if (m := MARKED.search(part))}
        explained = [g.split(":")[0] for g in cells.get(("groups", "groups"), [])]
        assert len(explained) == len(set(explained))
        assert used == set(explained), row["rule"]


def _top_level(conditions):
    """A rule's conditions joined by "and", with an "all of" at the top opened up."""
    for condition in conditions:
        children = condition.children()
        if children and getattr(condition, "needed", None) == len(children):
            yield from _top_level(children)
        else:
            yield condition


MISSING = object()


@pytest.mark.parametrize("rule", KB.rules, ids=lambda r: r.id)
def test_a_one_field_cell_holds_for_exactly_the_answers_its_conditions_hold_for(rule):
    """Read back, the unmarked cell of a choice field (values joined by "or", "unknown",
    "not answered") must accept exactly the answers under which the rule's conditions on
    that field alone hold."""
    table = TABLES[rule.topic]
    (row,) = [r for r in table["rows"] if r["rule"] == rule.id]
    cells = _cells(table, row)
    for (kind, field), parts in cells.items():
        choices = KB.vocabulary[field].kind.choices() if kind == "answer" else ()
        plain = [p for p in parts if not MARKED.search(p)]
        if not choices or not plain:
            continue
        own = [c for c in _top_level(rule.when) if c.fields() == {field}]
        for value in (*choices, MISSING):
            answers = {} if value is MISSING else {field: value}
            expected = all(c.evaluate(answers) is Truth.HELD for c in own)
            accepted = []
            for part in plain:
                if part == NOT_ANSWERED:
                    accepted.append(value is MISSING)
                else:
                    words = part.split(" or ")
                    accepted.append((UNKNOWN if value is MISSING else value) in words)
            assert all(accepted) == expected, (rule.id, field, value, plain)


def test_pinned_rows_read_as_the_rules_do():
    cells = _cells(TABLES["safety"], next(r for r in TABLES["safety"]["rows"]
                                          if r["rule"] == "R-FLAG-MALIGNANCY-CANCER-HISTORY"))
    assert cells[("answer", "history_of_cancer")] == ["yes"]
    assert cells[("answer", "cancer_non_melanoma_skin_only")] == ["no or unknown"]
    asas = _cells(TABLES["causes"], next(r for r in TABLES["causes"]["rows"]
                                         if r["rule"] == "R-CAUSE-ANKYLOSING-SPONDYLITIS-ASAS"))
    assert asas[("groups", "groups")] == ["A: at least 4 of the 5 conditions marked A"]
    assert asas[("answer", "age")] == ["below 45 years", "below 40 years [A]"]


def test_the_tables_are_standard_json_and_the_same_every_time():
    text = json_text(DOCUMENT)
    json.loads(text, parse_constant=lambda name: pytest.fail(name))
    assert json_text(bundled.SERVICE.rulebook()) == text
