"""The bundled reasoning graph (``graph_view``, drawn by the HTML report and Mermaid) and
the sections of ``lbp explain``: fan-outs bundled, conclusions grouped in the knowledge
base's order with warnings marked, nodes in step order, and --section / --why-not-only."""
import dataclasses
import json
import re

import pytest

from lbp_screen.engine.explain_render import (
    BUNDLE_MIN, SECTIONS, explanation_markdown, explanation_text, graph_view, mermaid,
)
from lbp_screen.engine.report_html import explanation_html
from lbp_screen.engine.rulebook import RulebookError, check_rulebook
from tests import bundled
from tests.cli.conftest import invoke_lbp
from tests.conftest import CASES_DIR

CASE_FILES = sorted(CASES_DIR.glob("*.json"))
EXTENSION = CASES_DIR / "exercise-extension-responder.json"
EMERGENCY = CASES_DIR / "kb2-ces-new-bilateral-symptoms-emergency.json"


def document(path):
    return bundled.explain_case(json.loads(path.read_text(encoding="utf-8"))["case"], label=path.name).to_dict()


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_every_node_is_in_exactly_one_box_and_every_edge_survives_bundling(path):
    doc = document(path)
    view = graph_view(doc["graph"])
    boxes = [box for row in view["rows"] for box in row["boxes"]]
    members = [m for box in boxes for m in box["members"]]
    assert sorted(members) == sorted(n["id"] for n in doc["graph"]["nodes"])
    box_of = {m: box["id"] for box in boxes for m in box["members"]}
    drawn = {(e["from"], e["to"]) for e in view["edges"]}
    for edge in doc["graph"]["edges"]:
        a, b = box_of[edge["from"]], box_of[edge["to"]]
        assert a == b or (a, b) in drawn


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_rows_go_answers_rules_conclusions_in_step_order_and_groups_in_the_kbs_order(path):
    doc = document(path)
    rows = graph_view(doc["graph"])["rows"]
    assert rows[0]["title"].startswith("Answers") and rows[-1]["title"] == "Conclusions"
    for row in rows[1:-1]:
        firsts = [box["order"] for box in row["boxes"]]
        assert firsts == sorted(firsts), row["title"]
    groups = [box["id"] for box in rows[-1]["boxes"]]
    assert groups == [f"group-{g['id']}" for g in doc["graph"]["groups"]]
    order = bundled.KB.conclusion_order
    present = [g["id"] for g in doc["graph"]["groups"] if g["id"] in order]
    assert present == sorted(present, key=order.index)
    assert [g["id"] for g in doc["graph"]["groups"]][:len(present)] == present  # ordered kinds come first


def test_exercise_advice_from_the_responder_rule_is_one_box_listing_every_rule():
    doc = document(EXTENSION)
    view = graph_view(doc["graph"])
    responder = next(n for n in doc["graph"]["nodes"] if n["kind"] == "rule" and "R-RESP-EXTENSION" in n["label"])
    fed = [e["to"] for e in doc["graph"]["edges"] if e["from"] == responder["id"]
           and doc_node(doc, e["to"])["kind"] == "rule"]
    assert len(fed) >= BUNDLE_MIN
    (bundle,) = [box for row in view["rows"] for box in row["boxes"] if set(fed) <= set(box["members"])]
    assert bundle["kind"] == "rules" and len(bundle["lines"]) == len(bundle["members"]) == len(fed)
    exercises = next(box for box in view["rows"][-1]["boxes"] if box["id"] == "group-exercise")
    names = [line.split(":")[0].split(" (")[0] for line in exercises["lines"]]
    assert len(names) == len(set(names))  # each exercise once, by name
    assert "Cobra: recommended (step 21)" in exercises["lines"]


def doc_node(doc, node_id):
    return next(n for n in doc["graph"]["nodes"] if n["id"] == node_id)


def successors(doc, node_id):
    return [e["to"] for e in doc["graph"]["edges"] if e["from"] == node_id]


def test_mermaid_is_top_to_bottom_bundled_with_warnings_in_their_class():
    doc = document(EMERGENCY)
    text = mermaid(doc["graph"])
    view = graph_view(doc["graph"])
    boxes = [box for row in view["rows"] for box in row["boxes"]]
    assert text.startswith("flowchart TB\n")
    declared = re.findall(r'^  (n\d+)\["(.*)"\]:::(\w+)$', text, re.M)
    assert len(declared) == len(boxes) < len(doc["graph"]["nodes"])
    assert len(re.findall(r"^  n\d+ --> n\d+$", text, re.M)) == len(view["edges"])
    classes = {box["id"]: cls for box, (_, _, cls) in zip(boxes, declared)}
    assert classes["group-red_flag"] == classes["group-urgency"] == "warning"
    assert classes["group-responder"] == "group"
    for _, label, _ in declared:
        assert "…" not in label and all(len(line) <= 44 for line in label.split("<br/>"))
    steps = [int(n) for n in re.findall(r'\["(\d+)\. R-', text)]
    assert steps == sorted(steps)


def test_warning_comes_from_the_knowledge_base_not_from_words():
    doc = document(EMERGENCY)
    for node in doc["graph"]["nodes"]:
        if node["kind"] == "conclusion":
            kind, value = node["group"], node["label"].split(": ", 1)[-1].split(" ")[0]
            expected = kind in bundled.KB.warning_targets and value in bundled.KB.warning_targets[kind]
            assert node["warning"] is expected, node["label"]


def run(*args):
    return invoke_lbp(args, None)


def test_why_not_alone_prints_only_the_why_not_answer():
    done = run("explain", str(EXTENSION), "--why-not", "exercise=cobra")
    assert done.exit_code == 0, done.output
    headings = re.findall(r"^([A-Z][A-Z ]+?)(?: [a-z(:=].*)?$", done.output, re.M)
    assert headings == ["WHY NOT"]
    both = run("explain", str(EXTENSION), "--why-not", "exercise=cobra", "--section", "result,why-not")
    assert "\nRESULT\n" in both.output and "\nWHY NOT exercise=cobra" in both.output
    assert "\nHOW:" not in both.output


@pytest.mark.parametrize("fmt,marks", [
    ("text", {"result": "\nRESULT\n", "graph": "\nREASONING GRAPH", "how": "\nHOW: the", "trace": "\nTRACE",
              "what-would-change": "\nWHAT WOULD CHANGE IT", "answers": "\nANSWERS\n", "sources": "\nSOURCES"}),
    ("markdown", {"result": "## Result", "graph": "```mermaid", "how": "## How each", "trace": "## Steps",
                  "what-would-change": "## What would change it", "answers": "## The case's answers",
                  "sources": "## Sources"}),
    ("html", {"result": 'id="result"', "graph": 'id="graph"', "how": 'id="how"', "trace": 'id="steps"',
              "what-would-change": 'id="what-would-change"', "answers": 'id="answers"', "sources": 'id="sources"'}),
    ("json", {"result": '"result":', "graph": '"graph":', "how": '"how":', "trace": '"trace":',
              "what-would-change": '"what_would_change":', "answers": '"case":', "sources": '"sources":'}),
])
def test_each_section_alone_shows_only_itself_in_every_format(fmt, marks):
    for section, mark in marks.items():
        done = run("explain", str(EXTENSION), "--format", fmt, "--section", section)
        assert done.exit_code == 0, done.output
        assert mark in done.output, (section, mark)
        for other, other_mark in marks.items():
            if other != section and not (fmt == "json" and other_mark == '"case":'):
                assert other_mark not in done.output, (section, other)


def test_sections_repeat_or_take_a_comma_list_and_all_means_every_one():
    repeated = run("explain", str(EXTENSION), "--section", "how", "--section", "result")
    listed = run("explain", str(EXTENSION), "--section", " result , how")
    assert repeated.output == listed.output and repeated.output.index("RESULT") < repeated.output.index("HOW:")
    every = run("explain", str(EXTENSION), "--section", "all", "--why-not", "cause=sprain").output
    for heading in ("RESULT", "REASONING GRAPH", "WHY NOT", "HOW:", "WHAT WOULD CHANGE IT", "TRACE", "ANSWERS",
                    "SOURCES"):
        assert f"\n{heading}" in every, heading
    assert set(SECTIONS) == {"result", "graph", "why-not", "how", "what-would-change", "trace", "answers",
                             "sources"}


@pytest.mark.parametrize("given,suggested", [("resutl", "result"), ("why_not", "why-not"), ("grpah", "graph")])
def test_an_unknown_section_is_refused_with_the_nearest(given, suggested):
    done = run("explain", str(EXTENSION), "--section", given)
    assert done.exit_code == 2
    assert f"did you mean '{suggested}'" in done.output and "sections: result, graph" in done.output


def test_section_why_not_without_a_target_is_refused():
    done = run("explain", str(EXTENSION), "--section", "why-not")
    assert done.exit_code == 2 and "--why-not KIND=VALUE" in done.output


def test_text_names_each_rule_once():
    out = run("explain", str(EXTENSION)).output
    fired = bundled.screen(json.loads(EXTENSION.read_text(encoding="utf-8"))["case"])["fired_rules"]
    for rule in set(fired):
        assert len(re.findall(rf"\b{re.escape(rule)}\b", out)) == fired.count(rule), rule


@pytest.mark.parametrize("change", [{"conclusion_order": ("urgency", "colour")},
                                    {"conclusion_order": ("urgency", "urgency")},
                                    {"warning_targets": {"urgency": ("soon",)}},
                                    {"warning_targets": {"colour": ("red",)}}])
def test_a_conclusion_order_or_warning_naming_no_target_is_refused(change):
    with pytest.raises(RulebookError, match="conclusion order"):
        check_rulebook(dataclasses.replace(bundled.KB, **change))


def test_every_format_and_section_is_the_same_bytes_whatever_the_field_order():
    raw = json.loads(EMERGENCY.read_text(encoding="utf-8"))["case"]
    shuffled = dict(reversed(list(raw.items())))
    first = bundled.explain_case(raw, label="same").to_dict()
    second = bundled.explain_case(shuffled, label="same").to_dict()
    for render in (lambda d: mermaid(d["graph"]), lambda d: explanation_html(d), lambda d: explanation_text(d, sections=SECTIONS),
                   lambda d: explanation_markdown(d)):
        assert render(first) == render(second)
