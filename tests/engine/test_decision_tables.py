"""Decision tables on the toy knowledge base: one row per rule, a column per field read,
each cell what the rule requires of it, groups marked and explained; and their text and
Markdown renderings."""
from __future__ import annotations

import pytest

from lbp_screen.engine.conditions import (
    all_of_these, answer, any_of, at_least_of, at_least_value, below_value, concluded, not_answered,
    one_of, unless,
)
from lbp_screen.engine.decision_table import LEGEND, NO_CONDITION, _mark, decision_table
from lbp_screen.engine.rulebook_doc import rulebook_document
from lbp_screen.engine.rulebook_render import (
    decision_table_markdown, decision_table_text, rulebook_markdown, rulebook_text,
)
from tests.engine.toy_kb import RULES, TOY_KB, FindingCount, Verdict, conclude, toy_kb, toy_rule


def _table(*rules):
    return decision_table(toy_kb(list(rules)), list(rules))


def _row(table, rule_id):
    """A row as {column label: parts}, without the empty cells."""
    (row,) = [r for r in table["rows"] if r["rule"] == rule_id]
    labels = [c["label"] for c in table["columns"]]
    return {labels[i]: parts for i, parts in enumerate(row["cells"]) if parts}


def _rule(id, *when):
    return toy_rule(id, when, [conclude(Verdict, value="x")])


def test_the_toy_topic_table_word_for_word():
    rules = [r for r in RULES if r.topic == "toy"]
    table = decision_table(TOY_KB, rules)
    assert [(c["kind"], c["label"]) for c in table["columns"]] == [
        ("answer", "sitting"), ("answer", "standing"), ("answer", "fever"), ("answer", "age"),
        ("answer", "chills"), ("concluded", "FindingCount"), ("concluded", "Verdict"),
        ("groups", "groups"), ("conclusion", "concludes")]
    assert [row["rule"] for row in table["rows"]] == [r.id for r in rules]
    assert _row(table, "R-TOY-ALARM") == {"fever": ["yes"], "concludes": ["Verdict with value alarm"]}
    assert _row(table, "R-TOY-UP-STANDING") == {
        "standing": ["better [A]"], "age": ["below 18 years [A]"],
        "groups": ["A: at least one of the 2 conditions marked A"],
        "concludes": ["Finding with direction up"]}
    # unless standing is no_change: every other value, or not known
    assert _row(table, "R-TOY-UP") == {
        "standing": ["worse or better or unknown"],
        "FindingCount": ["FindingCount with down 0, up at least 2"],
        "concludes": ["Verdict with value up"]}
    assert _row(table, "R-TOY-NONE") == {"Verdict": ["no conclusion that Verdict"],
                                         "concludes": ["Verdict with value none"]}
    assert _row(table, "R-TOY-COUNT") == {"concludes": ["FindingCount (a count of each direction)"]}


def test_a_table_without_groups_has_no_groups_column_and_notes_a_missing_answer():
    rules = [r for r in RULES if r.topic == "other"]
    table = decision_table(TOY_KB, rules)
    assert [c["label"] for c in table["columns"]] == ["standing", "age", "concludes"]
    assert _row(table, "R-TOY-AGE-MISSING")["age"] == ["not answered"]


def test_an_any_of_on_one_field_is_one_cell():
    table = _table(_rule("R-ONE", any_of(answer("sitting", "worse"), answer("sitting", "no_change"))))
    assert _row(table, "R-ONE") == {"sitting": ["worse or no_change"], "concludes": ["Verdict with value x"]}
    assert "groups" not in [c["label"] for c in table["columns"]]


def test_an_all_of_at_the_top_is_the_rows_own_and():
    table = _table(_rule("R-AND", all_of_these(answer("fever", "yes"), at_least_value("age", 50))))
    assert _row(table, "R-AND") == {"fever": ["yes"], "age": ["at least 50 years"],
                                    "concludes": ["Verdict with value x"]}


def test_at_least_n_of_several_fields_is_marked_and_counted():
    table = _table(_rule("R-TWO", at_least_of(2, answer("fever", "yes"), answer("chills", "yes"),
                                              below_value("age", 40))))
    row = _row(table, "R-TWO")
    assert row["fever"] == ["yes [A]"] and row["chills"] == ["yes [A]"] and row["age"] == ["below 40 years [A]"]
    assert row["groups"] == ["A: at least 2 of the 3 conditions marked A"]


def test_each_group_of_a_rule_gets_its_own_letter_and_a_field_may_be_in_two():
    table = _table(_rule("R-MARKS", any_of(answer("fever", "yes"), answer("age", 20)),
                         any_of(answer("fever", "no"), answer("sitting", "worse"))))
    row = _row(table, "R-MARKS")
    assert row["fever"] == ["yes [A]", "no [B]"]
    assert row["groups"] == ["A: at least one of the 2 conditions marked A",
                             "B: at least one of the 2 conditions marked B"]


@pytest.mark.parametrize("exemption, cell", [
    (unless(answer("fever", "yes")), "no or unknown"),
    (unless(one_of("sitting", "worse", "better")), "no_change or unknown"),
    (unless(at_least_value("age", 50)), "below 50 years or unknown"),
    (unless(below_value("age", 18)), "at least 18 years or unknown"),
])
def test_an_exemption_on_one_field_lists_what_keeps_it_from_being_granted(exemption, cell):
    table = _table(_rule("R-EXEMPT", answer("sitting", "worse"), exemption))
    field = next(iter(exemption.fields()))
    assert cell in _row(table, "R-EXEMPT")[field]


def test_an_exemption_over_several_fields_is_a_group_it_is_granted_by():
    table = _table(_rule("R-UNLESS", answer("fever", "yes"),
                         unless(all_of_these(answer("chills", "no"), at_least_value("age", 60)))))
    row = _row(table, "R-UNLESS")
    assert row["chills"] == ["no [A]"] and row["age"] == ["at least 60 years [A]"]
    assert row["groups"] == ["A: the rule holds unless both conditions marked A hold"]
    table = _table(_rule("R-UNLESS-ANY", unless(any_of(answer("chills", "no"), answer("sitting", "worse")))))
    assert _row(table, "R-UNLESS-ANY")["groups"] == [
        "A: the rule holds unless at least one of the 2 conditions marked A holds"]


def test_nested_groups_are_given_in_full_words():
    nested = any_of(answer("fever", "yes"),
                    all_of_these(answer("sitting", "worse"), unless(answer("chills", "no"))))
    table = _table(_rule("R-NESTED", nested))
    row = _row(table, "R-NESTED")
    # every condition of the group is marked in its own column; the group says how
    assert row["fever"] == ["yes [A]"] and row["sitting"] == ["worse [A]"] and row["chills"] == ["no [A]"]
    assert row["groups"] == ["A: " + nested.describe(TOY_KB.labels)]
    assert row["groups"] == ["A: any of: fever is yes; all of: sitting is worse; unless chills is no"]


def test_a_conclusion_condition_has_its_column_in_full_words():
    table = _table(_rule("R-C", concluded(FindingCount, up=1)))
    assert _row(table, "R-C")["FindingCount"] == ["FindingCount with up 1"]


def test_marks_run_past_z():
    assert [_mark(n) for n in (0, 1, 25, 26, 27, 51, 52)] == ["A", "B", "Z", "AA", "AB", "AZ", "BA"]


def test_every_rule_is_one_row_and_every_field_it_reads_has_a_cell():
    document = rulebook_document(TOY_KB)
    for topic in document["topics"]:
        table = topic["decision_table"]
        rules = [r for r in RULES if r.topic == topic["topic"]]
        assert [row["rule"] for row in table["rows"]] == [r.id for r in rules]
        fields = [c["field"] for c in table["columns"] if c["kind"] == "answer"]
        for rule, row in zip(rules, table["rows"]):
            assert len(row["cells"]) == len(table["columns"])
            read = {fields[i] for i, parts in enumerate(row["cells"][:len(fields)]) if parts}
            assert read == rule.answer_fields(), rule.id
    assert document["decision_table_legend"] == list(LEGEND)


def test_a_topic_subset_still_has_its_table():
    document = rulebook_document(TOY_KB, ["other"])
    assert [row["rule"] for row in document["topics"][0]["decision_table"]["rows"]] == [
        "R-TOY-DOWN-STANDING", "R-TOY-AGE-MISSING"]


def test_not_answered_cell():
    table = _table(_rule("R-NA", not_answered("fever")))
    assert _row(table, "R-NA")["fever"] == ["not answered"]


# ---------------------------------------------------------------- renderings

def test_text_table_fits_its_width_numbers_every_row_and_shows_empty_cells():
    table = rulebook_document(TOY_KB)["topics"][0]["decision_table"]
    for width in (88, 60):
        lines = decision_table_text(table, width)
        assert max(len(line) for line in lines) <= width
        assert sum("columns, part" in line for line in lines) >= 2  # too wide for one panel
        text = "\n".join(lines)
        for row in table["rows"]:
            assert row["rule"] in text
        assert NO_CONDITION in text and "below 18 years [A]" in text


def test_text_table_in_one_panel_when_it_fits():
    table = rulebook_document(TOY_KB, ["other"])["topics"][0]["decision_table"]
    lines = decision_table_text(table, 200)
    assert not any("columns, part" in line for line in lines)
    assert lines[0].split() == ["#", "rule", "standing", "age", "concludes"]


def test_markdown_table_has_a_line_per_rule_and_escapes_bars():
    table = _table(_rule("R-BAR", answer("sitting", "worse")))
    table["rows"][0]["cells"][-1] = ["a | b"]
    lines = decision_table_markdown(table)
    assert lines[0] == "| rule | sitting | concludes |"
    assert lines[2] == "| [R-BAR](#r-bar) | worse | a \\| b |"


def test_both_renderings_show_every_topics_table():
    document = rulebook_document(TOY_KB)
    text, markdown = rulebook_text(document), rulebook_markdown(document)
    assert text.count("-- decision table") == len(document["topics"])
    for topic in document["topics"]:
        assert f"### Decision table: {topic['title']}" in markdown
    for sentence in LEGEND:
        assert sentence in markdown
