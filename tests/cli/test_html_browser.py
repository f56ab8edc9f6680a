"""The HTML report in a real headless browser (Chromium, as Debian packages it).

How the checks work, and why this way:
- rendering: ``--dump-dom`` prints the DOM after the page has loaded and laid out; the
  report must hold the graph's SVG with one box per graph node, every step and the
  professional-assessment advice;
- console: Chromium started with ``--enable-logging=stderr --v=0`` writes every console
  message (errors, uncaught exceptions, Content-Security-Policy refusals such as a blocked
  network fetch) to stderr as ``...:CONSOLE...`` lines; the report must produce none.  A
  control page with a deliberate error proves the check sees them;
- layout: a copy of the report with a measuring script appended (the report itself has no
  script and its policy forbids one) records, from the browser's own geometry, whether
  any graph box overlaps another or any label runs out of its box;
- a screenshot is taken too, as a picture a person can look at.

Skipped only when no Chromium binary is installed (CI installs one: apt-get install chromium).
"""
from __future__ import annotations

import html
import json
import re
import shutil
import struct
import subprocess

import pytest

from tests import bundled
from lbp_screen.engine.explain import Target
from lbp_screen.engine.report_html import explanation_html
from tests.conftest import CASES_DIR

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM = next((shutil.which(name) for name in BROWSERS if shutil.which(name)), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (apt-get install chromium)")

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--enable-logging=stderr", "--v=0", "--hide-scrollbars"]
CONSOLE = re.compile(r":CONSOLE[:(]")

# A rich case: several evidence rules, a count, a decision, advice and a why-not question.
RICH_CASE = {"case_id": "browser-1", "age": 44, "sitting": "worse", "bending_forward": "worse",
             "standing": "better", "walking": "better", "leg_pain": "one_leg", "hip_pain": "yes",
             "prolonged_sitting": "yes", "saddle_numbness": "no", "bladder_or_bowel_change": "no"}

MEASURE = """<script>
const svg = document.querySelector('svg.reasoning-graph');
const nodes = [...svg.querySelectorAll('g.node')];
const boxes = nodes.map(g => g.querySelector('rect').getBBox());
const overflow = [];
nodes.forEach((g, i) => g.querySelectorAll('text').forEach(t => {
  const b = t.getBBox(), r = boxes[i];
  if (b.x < r.x || b.x + b.width > r.x + r.width) overflow.push(g.id + ': ' + t.textContent);
}));
const overlaps = [];
boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b, j) => {
  if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height)
    overlaps.push(nodes[i].id + ' / ' + nodes[i + 1 + j].id);
}));
const size = svg.getBoundingClientRect();
document.body.setAttribute('data-layout', JSON.stringify(
  {width: size.width, height: size.height, nodes: nodes.length, overflow, overlaps}));
</script>"""


def browse(tmp_path, page, *extra):
    """Open ``page`` in a fresh headless Chromium profile; (stdout, console lines)."""
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
                          capture_output=True, text=True, timeout=120)
    return done.stdout, [line for line in done.stderr.splitlines() if CONSOLE.search(line)]


@pytest.fixture(scope="module")
def report():
    explanation = bundled.explain_case(RICH_CASE, label="browser case")
    targets = [Target("responder", "flexion"), Target("red_flag", "cauda_equina")]
    return explanation, explanation_html(explanation.to_dict(targets))


def test_the_console_check_sees_errors_and_blocked_fetches(tmp_path):
    page = tmp_path / "control.html"
    page.write_text("<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" "
                    "content=\"default-src 'none'; script-src 'unsafe-inline'\"></head><body>"
                    "<img src=\"https://example.invalid/x.png\"><script>console.error('control');"
                    "</script></body></html>", encoding="utf-8")
    _dom, console = browse(tmp_path, page, "--dump-dom")
    assert any("control" in line for line in console)
    assert any("example.invalid" in line for line in console)  # the refused fetch is reported


def test_report_renders_graph_steps_and_advice_with_no_console_message(tmp_path, report):
    explanation, page_html = report
    page = tmp_path / "report.html"
    page.write_text(page_html, encoding="utf-8")
    dom, console = browse(tmp_path, page, "--dump-dom")
    assert console == []
    assert '<svg class="reasoning-graph"' in dom
    graph = explanation.graph()
    assert len(re.findall(r'<g class="node (answer|absence|rule|conclusion)"', dom)) == len(graph.nodes)
    assert len(re.findall(r"<path class=\"edge", dom)) == len(graph.edges)
    assert len(re.findall(r'<tr class="trace-step"', dom)) == len(explanation.trace)
    assert 'id="assessment"' in dom
    assert html.escape(explanation.result["professional_assessment"]["text"], quote=True) in dom
    assert 'id="why-not-responder-flexion"' in dom and 'id="what-would-change"' in dom


@pytest.mark.parametrize("source", ["rich", "largest bundled case"])
def test_graph_boxes_do_not_overlap_and_labels_fit(tmp_path, report, source):
    if source == "rich":
        page_html = report[1]
    else:
        files = sorted(CASES_DIR.glob("*.json"))
        if not files:
            pytest.skip("no bundled cases")
        cases = [json.loads(p.read_text(encoding="utf-8"))["case"] for p in files]
        explanations = [bundled.explain_case(c, label="bundled") for c in cases]
        page_html = explanation_html(max(explanations, key=lambda e: len(e.graph().nodes)).to_dict())
    measured = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page_html)
    page = tmp_path / "measured.html"
    page.write_text(measured.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    dom, console = browse(tmp_path, page, "--dump-dom", "--window-size=1600,1000")
    assert console == []
    layout = json.loads(html.unescape(re.search(r'data-layout="([^"]*)"', dom).group(1)))
    assert layout["width"] > 300 and layout["height"] > 100
    assert layout["nodes"] > 0
    assert layout["overlaps"] == []
    assert layout["overflow"] == []


def test_screenshot_of_the_report(tmp_path, report):
    page = tmp_path / "report.html"
    page.write_text(report[1], encoding="utf-8")
    shot = tmp_path / "report.png"
    browse(tmp_path, page, f"--screenshot={shot}", "--window-size=1600,1200")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1600, 1200)
    assert len(data) > 30_000  # a page of text and a graph, not a blank canvas
