"""The HTML report in a real headless browser (Chromium, as Debian packages it).

How the checks work, and why this way:
- rendering: ``--dump-dom`` prints the DOM after the page has loaded and laid out; the
  report must hold the graph's SVG with one box per graph node, every step and the
  professional-assessment advice;
- console: Chromium started with ``--enable-logging=stderr --v=0`` writes every console
  message (errors, uncaught exceptions, Content-Security-Policy refusals such as a blocked
  network fetch) to stderr as ``...:CONSOLE...`` lines; the report must produce none.  A
  control page with a deliberate error proves the check sees them;
- layout, for every case in cases/: one Chromium driven by Selenium (chromium-driver) at a
  1280x720 page loads each report as written (a script run through WebDriver is not the
  page's, so the policy stays) and measures from the browser's own geometry: no sideways
  scrolling, no graph box overlapping another, every label inside its box and never cut
  with an ellipsis, no text under 12 px in the graph or the tables, and the warning style
  on every box holding a warning conclusion (a red flag, an urgency sooner than routine);
- a screenshot is taken too, as a picture a person can look at.

Skipped only when no Chromium binary (or, for the layout, no chromedriver) is installed
(CI installs them: apt-get install chromium chromium-driver).
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

WINDOW = (1280, 720)
MIN_FONT_PX = 12
WARN_STROKE = "rgb(155, 44, 44)"  # report_html's --warn colour

# Run in the loaded report through WebDriver: the layout as the browser computed it.
MEASURE = r"""
const svg = document.querySelector('svg.reasoning-graph');
const nodes = [...svg.querySelectorAll('g.node')];
const rects = nodes.map(g => g.querySelector('rect').getBBox());
const scale = svg.getScreenCTM().a;
const cut = [], small = [], overlaps = [];
nodes.forEach((g, i) => g.querySelectorAll('tspan').forEach(t => {
  const r = rects[i], length = t.getComputedTextLength(), x = parseFloat(t.getAttribute('x'));
  if (x < r.x || x + length > r.x + r.width || /\u2026|\.\.\.$/.test(t.textContent))
    cut.push(g.id + ': ' + t.textContent);
  const size = parseFloat(getComputedStyle(t).fontSize) * scale;
  if (size < arguments[0]) small.push(g.id + ' ' + size);
}));
rects.forEach((a, i) => rects.slice(i + 1).forEach((b, j) => {
  if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height)
    overlaps.push(nodes[i].id + ' / ' + nodes[i + 1 + j].id);
}));
document.querySelectorAll('table td, table th, table code, table span, table strong').forEach(e => {
  const size = parseFloat(getComputedStyle(e).fontSize);
  if (e.textContent.trim() && size < arguments[0]) small.push(e.tagName + ' ' + size);
  if (e.tagName === 'TD' && e.scrollWidth > e.clientWidth) cut.push('cell: ' + e.textContent.slice(0, 60));
});
const boxes = {};
nodes.forEach(g => boxes[g.id.slice(5)] = {
  members: g.dataset.members.split(' '), warning: g.classList.contains('warning'),
  stroke: getComputedStyle(g.querySelector('rect')).stroke});
return {pageWidth: document.documentElement.scrollWidth, viewport: window.innerWidth,
        graphWidth: svg.getBoundingClientRect().width, cut, small, overlaps, boxes};
"""


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
    members = " ".join(re.findall(r'<g class="node [^"]*" id="[^"]*" data-members="([^"]*)"', dom)).split()
    assert sorted(members) == sorted(node.id for node in graph.nodes)
    assert 0 < len(re.findall(r"<path class=\"edge", dom)) <= len(graph.edges)
    assert len(re.findall(r'<tr class="trace-step"', dom)) == len(explanation.trace)
    assert 'id="assessment"' in dom
    assert html.escape(explanation.result["professional_assessment"]["text"], quote=True) in dom
    assert 'id="why-not-responder-flexion"' in dom and 'id="what-would-change"' in dom


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    """One headless Chromium whose page is WINDOW, driven by Selenium, for every report."""
    chromedriver = shutil.which("chromedriver")
    if chromedriver is None:
        pytest.skip("no chromedriver (apt-get install chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS[:-3]:  # not the logging flags, which WebDriver has its own way for
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('report-profile')}")
    browser = webdriver.Chrome(service=Service(chromedriver), options=options)
    browser.set_window_size(*WINDOW)
    inner = browser.execute_script("return [window.innerWidth, window.innerHeight]")
    browser.set_window_size(2 * WINDOW[0] - inner[0], 2 * WINDOW[1] - inner[1])
    yield browser
    browser.quit()


CASE_FILES = sorted(CASES_DIR.glob("*.json"))


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_every_cases_report_fits_1280_px_with_readable_uncut_text_and_warnings_styled(driver, tmp_path, path):
    doc = bundled.explain_case(json.loads(path.read_text(encoding="utf-8"))["case"], label=path.name).to_dict()
    page = tmp_path / "report.html"
    page.write_text(explanation_html(doc), encoding="utf-8")
    driver.get(page.as_uri())
    layout = driver.execute_script(MEASURE, MIN_FONT_PX)
    assert layout["viewport"] == WINDOW[0]
    assert layout["pageWidth"] <= WINDOW[0], "the page scrolls sideways"
    assert 0 < layout["graphWidth"] <= WINDOW[0]
    assert layout["overlaps"] == []
    assert layout["cut"] == []
    assert layout["small"] == []
    members = [m for box in layout["boxes"].values() for m in box["members"]]
    assert sorted(members) == sorted(n["id"] for n in doc["graph"]["nodes"])  # each node in one box
    warned = {n["id"] for n in doc["graph"]["nodes"] if n["warning"]}
    for box_id, box in layout["boxes"].items():
        if warned & set(box["members"]):
            assert box["warning"] and box["stroke"] == WARN_STROKE, box_id
        else:
            assert not box["warning"], box_id


def test_screenshot_of_the_report(tmp_path, report):
    page = tmp_path / "report.html"
    page.write_text(report[1], encoding="utf-8")
    shot = tmp_path / "report.png"
    browse(tmp_path, page, f"--screenshot={shot}", f"--window-size={WINDOW[0]},{WINDOW[1]}")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == WINDOW
    assert len(data) > 30_000  # a page of text and a graph, not a blank canvas
