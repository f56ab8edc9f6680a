"""The text, Markdown and HTML renderers read one thing: the explanation's JSON document
(``Explanation.to_dict``).  Pinned here: a document read back from JSON renders exactly as
the in-memory one, and the renderer modules use none of engine.explain's classes."""
import ast
import json
import pathlib
import re

import pytest

from lbp_screen import engine
from tests import bundled
from lbp_screen.engine.explain import Target
from lbp_screen.engine.explain_render import (
    SECTIONS, conclusion_title, explanation_markdown, explanation_text, mermaid,
)
from lbp_screen.knowledge import KNOWLEDGE_BASE
from lbp_screen.engine.report_html import explanation_html
from tests.conftest import CASES_DIR

ENGINE = pathlib.Path(engine.__file__).parent
RENDERERS = ["explain_render.py", "report_html.py"]
CASE_FILES = sorted(CASES_DIR.glob("*.json"))
TARGETS = [Target("responder", "flexion"), Target("cause", "spinal_stenosis"), Target("red_flag", "cauda_equina"),
           Target("exercise", "cobra"), Target("urgency", "routine")]
FORMATS = {"text": explanation_text, "markdown": explanation_markdown, "html": explanation_html,
           "mermaid": lambda doc: mermaid(doc["graph"])}


def document(raw, targets=TARGETS):
    return bundled.explain_case(raw, label="render test").to_dict(targets)


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_a_document_read_back_from_json_renders_the_same(path):
    doc = document(json.loads(path.read_text(encoding="utf-8"))["case"])
    read_back = json.loads(json.dumps(doc, allow_nan=False))
    for fmt, render in FORMATS.items():
        assert render(read_back) == render(doc), fmt


def test_steps_show_only_the_answers_a_rule_reads_and_no_experta_marker():
    raw = {"case_id": "render-1", "sitting": "worse", "standing": "better", "walking": "better", "age": 40}
    doc = json.loads(json.dumps(document(raw, [])))
    text = explanation_text(doc, sections=SECTIONS)
    assert "InitialFact" not in text
    assert any(m["fact"] == "InitialFact" for firing in doc["trace"] for m in firing["matched"])
    case_fact = doc["case"]["fact"]
    answers = doc["case"]["answers"]
    firing, fact = next((f, m) for f in doc["trace"] for m in f["matched"] if m["fact"] == case_fact
                        and set(answers) & set(f["case_fields"]) and set(answers) - set(f["case_fields"]))
    steps = text.split("\nTRACE", 1)[1]
    matched = " ".join(steps.split(f"{firing['step']:>3}. matched: ", 1)[1].split("asserted:", 1)[0].split())
    shown = ", ".join(f"{k}={v}" for k, v in answers.items() if k in firing["case_fields"])
    assert f"{case_fact} #{fact['id']} ({shown})" in matched


@pytest.mark.parametrize("path", CASE_FILES[::7], ids=[p.stem for p in CASE_FILES[::7]])
def test_the_result_lists_each_conclusion_once_by_name_grouped_in_the_knowledge_bases_order(path):
    doc = document(json.loads(path.read_text(encoding="utf-8"))["case"], [])
    result = explanation_text(doc).split("\nRESULT\n", 1)[1].split("\nPROFESSIONAL ASSESSMENT", 1)[0]
    for conclusion in doc["how"]:
        title = conclusion_title(conclusion)
        assert len(re.findall(rf"^ +(!! )?{re.escape(title)}(?=[: ]|$)", result, re.M)) == 1, title
        for tag in conclusion["tags"]:
            assert tag in result
    headings = re.findall(r"^  ([A-Z][^a-z]+)$", result, re.M)
    assert headings == [g["title"].upper() for g in doc["graph"]["groups"]
                        if any(h["kind"] == g["id"] for h in doc["how"])]
    kinds = [g for g in KNOWLEDGE_BASE.conclusion_order if any(h["kind"] == g for h in doc["how"])]
    assert [g["id"] for g in doc["graph"]["groups"]][:len(kinds)] == kinds


def test_a_warning_conclusion_is_marked_in_text_and_markdown():
    doc = document(json.loads((CASES_DIR / "kb2-ces-new-bilateral-symptoms-emergency.json")
                              .read_text(encoding="utf-8"))["case"], [])
    warned = [h for h in doc["how"] if h["warning"]]
    assert {h["kind"] for h in warned} == {"red_flag", "urgency"}
    text = explanation_text(doc)
    for conclusion in warned:
        assert f"!! {conclusion_title(conclusion)}" in text
    assert "**Warning:** " in explanation_markdown(doc)


@pytest.mark.parametrize("name", RENDERERS)
def test_renderers_use_no_class_of_the_explanation_layer(name):
    """They import no engine module but the shared text helpers, so they can only read
    the plain dicts of the document."""
    tree = ast.parse((ENGINE / name).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    engine_modules = {m for m in imported if m == "engine" or m.startswith("engine.")}
    assert engine_modules <= {"engine.explain_render"}, engine_modules
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert not names & {"Explanation", "Step", "WhyNot", "Truth", "Firing", "Graph", "GraphNode",
                        "ConditionCheck", "Change", "Target"}
