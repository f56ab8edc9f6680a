"""The case playground in a real headless Chromium (Debian's, driven by Selenium through
chromedriver): fill the form and watch the result change, click a conclusion and check the
highlighted derivation against the explanation document, step through the firings, ask
why-not, try an answer with one click, load a bundled case and a file, save the case and
screen the saved file with ``lbp screen``, follow a shared link; screenshots at 1280x720
checked for sideways overflow and text under 12 px.

Every expectation is computed from the screening service (or written by hand from the
rulebook), never read back from the page itself.
"""
from __future__ import annotations

import json
import struct
import time
from urllib.parse import urlencode

import pytest

from tests import bundled
from tests.cli.conftest import invoke_lbp
from tests.conftest import CASES_DIR
from tests.web.conftest import WAIT_SECONDS, WINDOW, needs_browser

pytestmark = needs_browser

# Several evidence rules, a count, a cause from two answers, advice and open questions.
RICH_CASE = {"case_id": "browser-1", "age": 44, "sitting": "worse", "bending_forward": "worse",
             "standing": "better", "walking": "better", "leg_pain": "one_leg", "hip_pain": "yes",
             "prolonged_sitting": "yes", "saddle_numbness": "no", "bladder_or_bowel_change": "no"}
EMERGENCY_CASE = "redflag-ces-saddle-numbness-perfect-extension"
WARNING_COLOUR = "rgba(164, 0, 29, 1)"  # app.css --warning, as Selenium reports colours
MIN_FONT_PX = 12

SMALL_TEXT = """
const small = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const text = walker.currentNode;
  if (!text.textContent.trim()) continue;
  const element = text.parentElement, box = element.getBoundingClientRect();
  if (!box.width || !box.height) continue;
  const size = parseFloat(getComputedStyle(element).fontSize);
  if (size < arguments[0]) small.push(`${element.tagName}.${element.className} ${size}px: ${text.textContent.trim().slice(0, 40)}`);
}
return small;"""
OVERFLOW = """
const out = [];
if (document.documentElement.scrollWidth > innerWidth) out.push(`page ${document.documentElement.scrollWidth} > ${innerWidth}`);
for (const panel of document.querySelectorAll('#case-panel, #result-panel')) {
  if (panel.scrollWidth > panel.clientWidth) out.push(`${panel.id} scrolls sideways`);
  const edge = panel.getBoundingClientRect().right;
  for (const element of panel.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.width && box.right > edge + 1) out.push(`${element.tagName}.${element.className} ends at ${box.right} > ${edge}`);
  }
}
return out;"""

# A value missing from a document, shown as a word of its own: a text node of just that.
MISSING_SHOWN = """
const shown = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const text = walker.currentNode.textContent.trim();
  if (["null", "undefined", "NaN"].includes(text) || text.includes("[object Object]")) shown.push(text);
}
return shown;"""


def words(value: str) -> str:
    return str(value).replace("_", " ")


def fragment(case: dict) -> str:
    return urlencode({k: v if isinstance(v, str) else json.dumps(v) for k, v in case.items()})


def screenings(browser) -> int:
    return int(browser.execute_script("return document.body.dataset.screenings || '0'"))


def settled(browser, wait, after: int) -> None:
    """Wait until a screening newer than ``after`` has been shown."""
    wait.until(lambda b: b.execute_script("return document.body.dataset.state") in ("ready", "error")
               and screenings(b) > after)


def open_page(browser, wait, live_server, case: dict | None = None) -> None:
    browser.get("about:blank")
    browser.get(f"{live_server}/" + (f"#{fragment(case)}" if case else ""))
    settled(browser, wait, 0)


def click(browser, css: str) -> None:
    browser.find_element("css selector", css).click()


def answer(browser, wait, field: str, value: str) -> None:
    """Click an answer's choice in the form (``""`` is Unknown) and wait for its screening."""
    before = screenings(browser)
    ident = f"q-{field}-{value or 'unknown'}"
    label = browser.find_element("css selector", f'label[for="{ident}"]')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", label)
    label.click()
    settled(browser, wait, before)


def text(browser, css: str) -> str:
    return browser.find_element("css selector", css).text


def console_errors(browser) -> list[str]:
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]


def derivation_nodes(document: dict, target: str, rules: list[str]) -> set[str]:
    """The graph nodes of a conclusion's derivation: the firings that concluded it (its
    ``how`` derivation and its rules' firings), everything they rest on, and the
    conclusions they drew."""
    steps = {d["step"] for how in document["how"] if how["target"] == target for d in how["derivation"]}
    steps |= {f["step"] for f in document["trace"] if f["rule"] in rules}
    incoming: dict[str, list[str]] = {}
    for edge in document["graph"]["edges"]:
        incoming.setdefault(edge["to"], []).append(edge["from"])
    found, todo = set(), [f"step-{s}" for s in steps]
    while todo:
        node = todo.pop()
        if node not in found:
            found.add(node)
            todo.extend(incoming.get(node, []))
    found |= {e["to"] for e in document["graph"]["edges"]
              if e["from"] in {f"step-{s}" for s in steps} and e["to"].startswith("conclusion-")}
    return found


def lit_nodes(browser) -> tuple[set[str], set[str]]:
    on = {e.get_attribute("data-node") for e in browser.find_elements("css selector", "#chain .node.on-path")}
    faded = {e.get_attribute("data-node") for e in browser.find_elements("css selector", "#chain .node.faded")}
    return on, faded


# ---------------------------------------------------------------- the form

def test_every_question_is_on_the_form_with_unknown_its_own_choice(browser, wait, live_server):
    browser.get_log("browser")  # start this test's console afresh
    open_page(browser, wait, live_server)
    for spec in bundled.SERVICE.vocabulary():
        if not spec["question"]:
            continue
        block = browser.find_element("css selector", f'.question[data-field="{spec["field"]}"]')
        unknown = block.find_element("css selector", f'#q-{spec["field"]}-unknown')
        assert unknown.is_selected(), spec["field"]  # nothing answered: every question unknown
        assert block.find_element("css selector", f'label[for="q-{spec["field"]}-unknown"]').text == "Unknown"
        if spec["spellings"]:
            values = [e.get_attribute("value") for e in block.find_elements("css selector", "input[type=radio]")]
            assert values == [*spec["allowed"], ""], spec["field"]
        if spec["help"]:
            assert spec["help"] in block.text
    groups = [e.get_attribute("data-group") for e in browser.find_elements("css selector", "fieldset.group")]
    assert groups[0] == "red_flags"
    assert console_errors(browser) == []


def test_every_change_re_screens_at_once_and_an_emergency_comes_first_in_the_warning_colour(browser, wait, live_server):
    open_page(browser, wait, live_server)
    case: dict[str, str] = {}
    for field, value in (("sitting", "worse"), ("bending_forward", "worse"), ("standing", "better")):
        answer(browser, wait, field, value)
        case[field] = value
        expected = bundled.SERVICE.screen(case)["responder"]["type"]
        assert text(browser, "#responder .conclusion") == words(expected)
    assert text(browser, "#responder .conclusion") == "extension"

    answer(browser, wait, "saddle_numbness", "yes")
    case["saddle_numbness"] = "yes"
    result = bundled.SERVICE.screen(case)
    assert result["urgency"] == "emergency"
    first = browser.find_element("css selector", "#result > :first-child")
    assert first.get_attribute("id") == "urgency" and "Emergency" in first.text
    assert first.value_of_css_property("background-color") == WARNING_COLOUR
    flags = browser.find_element("css selector", "#red-flags")
    assert flags.find_element("css selector", ".red-flag").value_of_css_property("color") == WARNING_COLOUR
    assert [e.get_attribute("data-target") for e in flags.find_elements("css selector", ".conclusion")] == \
        [f"red_flag={c['condition']}" for c in result["red_flag_conditions"]]
    assert browser.find_elements("css selector", "#exercises .exercises-recommended") == []

    answer(browser, wait, "saddle_numbness", "")  # unknown again: not the same as no
    del case["saddle_numbness"]
    assert "saddle_numbness" not in browser.current_url
    assert "urgency-emergency" not in browser.find_element("css selector", "#urgency").get_attribute("class")
    asked = [e.text for e in browser.find_elements("css selector", "#open-questions li button")]
    assert any("numbness" in q for q in asked)


# ---------------------------------------------------------------- the reasoning

def test_clicking_a_conclusion_highlights_its_derivation_and_fades_the_rest(browser, wait, live_server):
    open_page(browser, wait, live_server, RICH_CASE)
    document = bundled.SERVICE.explanation(RICH_CASE)
    cause = document["result"]["possible_causes"][0]
    assert cause["id"] == "tight_hip_flexors"
    click(browser, '#causes .conclusion[data-target="cause=tight_hip_flexors"]')
    on, faded = lit_nodes(browser)
    assert on == derivation_nodes(document, "cause=tight_hip_flexors", cause["rules"])
    # by hand, from the rule: long sitting and hip pain, one firing, one conclusion
    assert {n for n in on if n.startswith("answer-")} == {"answer-prolonged_sitting", "answer-hip_pain"}
    assert {n for n in on if n.startswith("conclusion-")} == {"conclusion-cause--tight-hip-flexors"}
    every = {n["id"] for n in document["graph"]["nodes"]}
    assert faded == every - on
    assert "tight hip flexors" in text(browser, "#focus-title").lower()

    click(browser, '#responder .conclusion')  # the responder: through the count to each answer
    on, _ = lit_nodes(browser)
    responder = document["result"]["responder"]
    assert on == derivation_nodes(document, "responder=extension", responder["for"] + responder["against"])
    assert {"answer-sitting", "answer-bending_forward", "answer-standing", "answer-walking"} <= on
    assert "answer-hip_pain" not in on

    rule_node = browser.find_element("css selector", "#chain .node-rule.on-path")
    step = int(rule_node.get_attribute("data-node").split("-")[1])
    rule_node.find_element("css selector", "button").click()
    assert lit_nodes(browser)[0] == on  # the derivation stays highlighted beside the rule
    entry = next(s for s in document["steps"] if s["step"] == step)
    detail = text(browser, "#rule-detail")
    assert entry["rule"] in detail and entry["rationale"] in detail and entry["source"] in detail
    truths = [e.text for e in browser.find_elements("css selector", "#rule-detail .conditions .truth")]
    assert truths == [c["truth"] for c in entry["conditions"]]

    click(browser, "#clear-focus")
    assert lit_nodes(browser) == (set(), set())


def test_stepping_through_the_firings_in_order(browser, wait, live_server):
    open_page(browser, wait, live_server, RICH_CASE)
    trace = bundled.SERVICE.explanation(RICH_CASE)["trace"]
    click(browser, "#step-next")
    assert text(browser, "#step-label") == f"Firing 1 of {len(trace)}"
    assert trace[0]["rule"] in text(browser, "#rule-detail")
    current = browser.find_element("css selector", "#chain .current-step").get_attribute("data-node")
    assert current == "step-1"
    click(browser, "#step-next")
    click(browser, "#step-next")
    assert trace[2]["rule"] in text(browser, "#rule-detail")
    click(browser, "#step-prev")
    assert text(browser, "#step-label") == f"Firing 2 of {len(trace)}"
    assert browser.find_element("css selector", "#chain .current-step").get_attribute("data-node") == "step-2"


def test_why_not_answers_for_the_target_chosen(browser, wait, live_server):
    open_page(browser, wait, live_server, RICH_CASE)
    from selenium.webdriver.support.ui import Select
    Select(browser.find_element("css selector", "#why-not-target")).select_by_value("responder=flexion")
    before = screenings(browser)
    click(browser, "#why-not-run")
    settled(browser, wait, before)
    expected = bundled.SERVICE.explanation(RICH_CASE, why_not=["responder=flexion"])["why_not"][0]
    assert not expected["concluded"]
    assert "responder=flexion: not concluded" in text(browser, "#why-not-answer")
    shown = [e.text for e in browser.find_elements("css selector", "#why-not-answer .why-not-rules > li > .rule-link")]
    assert shown == [r["rule"] for r in expected["rules"]]
    browser.find_element("css selector", "#why-not-answer .rule-link").click()
    assert expected["rules"][0]["rationale"] in text(browser, "#rule-detail")
    assert "Did not fire" in text(browser, "#rule-detail")


def test_what_would_change_tries_an_answer_with_one_click_and_undoes_it(browser, wait, live_server):
    open_page(browser, wait, live_server, RICH_CASE)
    changes = bundled.SERVICE.explanation(RICH_CASE)["what_would_change"]
    choices = {f["field"] for f in bundled.SERVICE.vocabulary() if f["spellings"]}
    choice = next(c for c in changes if any(q["field"] in choices for q in c["questions"]))
    from selenium.webdriver.support.ui import Select
    Select(browser.find_element("css selector", "#change-target")).select_by_value(choice["target"])
    shown = [e.get_attribute("data-field") for e in browser.find_elements("css selector", "#change-list li")]
    assert shown == [q["field"] for q in choice["questions"]]
    button = browser.find_element("css selector", "#change-list .try-answer")
    field, value = button.get_attribute("data-field"), button.get_attribute("data-value")
    before = screenings(browser)
    button.click()
    settled(browser, wait, before)
    assert browser.find_element("css selector", f"#q-{field}-{value}").is_selected()
    assert f"{field}={value}" in browser.current_url
    tried = bundled.SERVICE.screen({**RICH_CASE, field: value})
    assert text(browser, "#responder .conclusion") == words(tried["responder"]["type"])
    before = screenings(browser)
    click(browser, "#undo-try")
    settled(browser, wait, before)
    assert browser.find_element("css selector", f"#q-{field}-unknown").is_selected()


# ---------------------------------------------------------------- load, save, link

def test_a_bundled_case_loads_and_the_saved_case_is_one_lbp_screen_reads(browser, wait, live_server, downloads, tmp_path):
    open_page(browser, wait, live_server)
    document = json.loads((CASES_DIR / f"{EMERGENCY_CASE}.json").read_text())
    from selenium.webdriver.support.ui import Select
    before = screenings(browser)
    Select(browser.find_element("css selector", "#case-select")).select_by_value(EMERGENCY_CASE)
    settled(browser, wait, before)
    assert document["note"] in text(browser, "#case-note")
    assert "urgency-emergency" in browser.find_element("css selector", "#urgency").get_attribute("class")
    for field, value in document["case"].items():
        if field != "case_id" and isinstance(value, str):
            assert browser.find_element("css selector", f"#q-{field}-{value}").is_selected(), field

    saved = downloads / f"{document['case']['case_id']}.json"
    saved.unlink(missing_ok=True)
    click(browser, "#save-case")
    deadline = time.monotonic() + WAIT_SECONDS
    while not saved.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert json.loads(saved.read_text()) == document["case"]
    result = invoke_lbp(["screen", str(saved), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.output) == bundled.SERVICE.screen(document["case"])


def test_a_file_loads_a_list_case_by_case_and_a_misspelt_field_is_named(browser, wait, live_server, tmp_path):
    open_page(browser, wait, live_server)
    listing = tmp_path / "two.json"
    second = {"case_id": "file-2", "sitting": "better", "standing": "worse", "walking": "worse"}
    listing.write_text(json.dumps([RICH_CASE, second]))
    before = screenings(browser)
    browser.find_element("css selector", "#case-file").send_keys(str(listing))
    settled(browser, wait, before)
    assert "holds 2 cases" in text(browser, "#case-status")
    assert text(browser, "#responder .conclusion") == words(bundled.SERVICE.screen(RICH_CASE)["responder"]["type"])
    from selenium.webdriver.support.ui import Select
    before = screenings(browser)
    Select(browser.find_element("css selector", "#file-case")).select_by_index(1)
    settled(browser, wait, before)
    assert text(browser, "#responder .conclusion") == words(bundled.SERVICE.screen(second)["responder"]["type"])

    misspelt = tmp_path / "misspelt.json"
    misspelt.write_text(json.dumps({"sittin": "worse", "standing": "better"}))
    browser.execute_script("document.querySelector('#case-file').value = ''")
    before = screenings(browser)
    browser.find_element("css selector", "#case-file").send_keys(str(misspelt))
    settled(browser, wait, before)
    problem = text(browser, "#case-problem")
    assert "sittin" in problem and "did you mean 'sitting'" in problem
    assert "sittin" in text(browser, "#extra-fields")
    before = screenings(browser)
    click(browser, "#extra-fields button")
    settled(browser, wait, before)
    assert not browser.find_element("css selector", "#case-problem").is_displayed()


def test_a_shared_link_carries_the_answers_in_its_fragment(browser, wait, live_server):
    open_page(browser, wait, live_server, RICH_CASE)
    link = browser.find_element("css selector", "#share-url").get_attribute("value")
    assert link == browser.current_url and "#" in link
    for field, value in RICH_CASE.items():
        assert f"{field}={value}" in link.split("#", 1)[1]
    browser.get("about:blank")
    browser.get(link)
    settled(browser, wait, 0)
    for field, value in RICH_CASE.items():
        if field in ("case_id", "age"):
            assert browser.find_element("css selector", f"#q-{field}-value").get_attribute("value") == str(value)
        else:
            assert browser.find_element("css selector", f"#q-{field}-{value}").is_selected()
    assert text(browser, "#responder .conclusion") == words(bundled.SERVICE.screen(RICH_CASE)["responder"]["type"])


# ---------------------------------------------------------------- layout

def png_size(path) -> tuple[int, int]:
    return struct.unpack(">II", path.read_bytes()[16:24])


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    return tmp_path_factory.mktemp("playground-screenshots")


STATES = {
    "empty": (None, []),
    "rich-focused": (RICH_CASE, ['#causes .conclusion']),
    "emergency": (json.loads((CASES_DIR / f"{EMERGENCY_CASE}.json").read_text())["case"], []),
    "emergency-reasoning": (json.loads((CASES_DIR / f"{EMERGENCY_CASE}.json").read_text())["case"],
                            ['#red-flags .conclusion', '#chain .node-rule.on-path button']),
    "stepping": (RICH_CASE, ['#step-next', '#step-next', '#step-next']),
}


@pytest.mark.parametrize("name", STATES)
def test_screenshots_at_1280x720_fit_without_sideways_scrolling_and_no_text_is_under_12px(
        browser, wait, live_server, screenshots, name):
    case, clicks = STATES[name]
    browser.get_log("browser")  # this state's console only
    open_page(browser, wait, live_server, case)
    for css in clicks:
        click(browser, css)
    assert browser.execute_script("return [innerWidth, innerHeight]") == list(WINDOW)
    shot = screenshots / f"{name}.png"
    browser.save_screenshot(str(shot))
    assert png_size(shot) == WINDOW
    assert browser.execute_script(OVERFLOW) == []
    assert browser.execute_script(SMALL_TEXT, MIN_FONT_PX) == []
    assert browser.execute_script(MISSING_SHOWN) == []
    assert console_errors(browser) == []  # no script error, no fetch the policy refused


def test_the_api_page_lists_every_endpoint_from_openapi(browser, wait, live_server):
    browser.get(f"{live_server}/api")
    wait.until(lambda b: "endpoints" in b.find_element("css selector", "#api-status").text)
    shown = browser.find_element("css selector", "#endpoints").text
    for path in ("/api/screen", "/api/explain", "/api/vocabulary", "/api/cases", "/api/rules"):
        assert path in shown
    assert "curl -X POST" in shown
    assert browser.execute_script(SMALL_TEXT, MIN_FONT_PX) == []


def test_regression_a_rule_without_evidence_showed_the_word_null(browser, wait, live_server):
    open_page(browser, wait, live_server, RICH_CASE)
    steps = bundled.SERVICE.explanation(RICH_CASE)["steps"]
    without = next(s["step"] for s in steps if not s["evidence"])
    for _ in range(without):
        click(browser, "#step-next")
    assert steps[without - 1]["rule"] in text(browser, "#rule-detail")
    assert browser.execute_script(MISSING_SHOWN) == []
