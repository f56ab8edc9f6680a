"""The rulebook browser (/rules) in headless Chromium at 1280x720: every rule shown, search
by id, word, field and conclusion, a decision table opened, the example cases linked to
the playground, no console message, text at least 12 px and no sideways page scrolling."""
from __future__ import annotations

import json
import struct
import urllib.parse
from importlib import resources

import pytest

from lbp_screen.engine.rulebook_doc import citations
from tests import bundled
from tests.web.conftest import WINDOW, needs_browser

pytestmark = needs_browser

MIN_FONT_PX = 12  # readable on a projector


@pytest.fixture()
def rules_page(browser, live_server, wait):
    browser.get_log("browser")  # what earlier pages logged is theirs
    browser.get(live_server + "/rules")
    wait.until(lambda driver: driver.execute_script("return document.body.dataset.ready === 'true'"))
    return browser


def _search(browser, text):
    from selenium.webdriver.common.by import By

    box = browser.find_element(By.ID, "rule-search")
    box.clear()
    box.send_keys(text)


def _visible_rules(browser) -> list[str]:
    return browser.execute_script(
        "return [...document.querySelectorAll('article.rule')]"
        ".filter(card => card.offsetParent !== null).map(card => card.dataset.rule)")


def _overflow_and_smallest_font(browser) -> tuple[int, int, float, list[str]]:
    """Page width against the window's, and the smallest font size of any visible text."""
    return browser.execute_script("""
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        let smallest = Infinity; const small = [];
        while (walker.nextNode()) {
          const node = walker.currentNode, parent = node.parentElement;
          if (!node.textContent.trim() || !parent || !parent.getClientRects().length) continue;
          const size = parseFloat(getComputedStyle(parent).fontSize);
          if (size < smallest) smallest = size;
          if (size < arguments[0]) small.push(parent.tagName + ': ' + node.textContent.slice(0, 40));
        }
        // nothing sticks out of the window, except inside a box that scrolls on its own
        const client = document.documentElement.clientWidth;
        const outside = [...document.body.querySelectorAll('*')].filter(e =>
            !e.closest('.table-scroll') && e.getClientRects().length &&
            e.getBoundingClientRect().right > client + 0.5);
        const width = Math.max(document.documentElement.scrollWidth,
            ...outside.map(e => Math.ceil(e.getBoundingClientRect().right)));
        return [width, client, smallest, small.slice(0, 5)];
    """, MIN_FONT_PX)


def test_every_rule_is_shown_by_topic_with_its_table(rules_page):
    shown = _visible_rules(rules_page)
    assert sorted(shown) == sorted(rule.id for rule in bundled.KB.rules)
    tables = rules_page.execute_script("return document.querySelectorAll('details.decision-table').length")
    assert tables == len(bundled.KB.topics)
    assert rules_page.find_element("id", "rule-count").text == f"{len(shown)} rules"


@pytest.mark.parametrize("query, expected", [
    ("r-flag-ces-saddle-numbness", {"R-FLAG-CES-SADDLE-NUMBNESS"}),        # an id, any case
    ("saddle_numbness", {"R-FLAG-CES-SADDLE-NUMBNESS", "R-FLAG-MALIGNANCY-CORD-COMPRESSION"}),  # a field
    ("cobra avoid", {"R-EX-FLEXION-AVOID-COBRA"}),                           # a conclusion, two words
])
def test_search_finds_rules_by_id_field_and_conclusion(rules_page, query, expected):
    _search(rules_page, query)
    shown = set(_visible_rules(rules_page))
    assert expected <= shown
    assert len(shown) < len(bundled.KB.rules)
    assert rules_page.find_element("id", "rule-count").text == f"{len(shown)} of {len(bundled.KB.rules)} rules match"
    # the decision tables keep only the rows of the rules found
    rows = rules_page.execute_script(
        "return [...document.querySelectorAll('tbody tr')].filter(r => !r.hidden).map(r => r.dataset.rule)")
    assert set(rows) == shown
    # and only the condition columns those rules set, each of them with a cell
    used = rules_page.execute_script("""
        const table = document.querySelector('section.topic:not([hidden]) table');
        const heads = [...table.querySelectorAll('thead th')];
        return heads.map((th, i) => [th.textContent, !th.hidden,
            [...table.querySelectorAll('tbody tr')].filter(r => !r.hidden)
              .some(r => !r.children[i].classList.contains('none'))]);""")
    conditions = [(label, visible, set_) for label, visible, set_ in used[1:] if label not in ("groups", "concludes")]
    assert any(visible for _, visible, _ in conditions)
    assert all(visible == set_ for _, visible, set_ in conditions)


def test_search_by_a_word_of_the_rationale_and_no_match_says_so(rules_page):
    _search(rules_page, "centralise")
    assert _visible_rules(rules_page)
    _search(rules_page, "zzzz-not-a-rule")
    assert _visible_rules(rules_page) == []
    assert rules_page.find_element("id", "no-match").is_displayed()


def test_a_decision_table_opens_and_reads_as_the_document(rules_page):
    from selenium.webdriver.common.by import By

    table = rules_page.find_element(By.ID, "table-safety")
    assert not table.find_element(By.TAG_NAME, "table").is_displayed()
    table.find_element(By.TAG_NAME, "summary").click()
    assert table.find_element(By.TAG_NAME, "table").is_displayed()
    rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert [row.get_attribute("data-rule") for row in rows] == [
        r.id for r in bundled.KB.rules if r.topic == "safety"]
    row = table.find_element(By.CSS_SELECTOR, 'tr[data-rule="R-FLAG-MALIGNANCY-CANCER-HISTORY"]')
    assert "no or unknown" in row.text
    # the table scrolls in its own box, the page does not
    box = table.find_element(By.CLASS_NAME, "table-scroll")
    assert rules_page.execute_script("return arguments[0].scrollWidth > arguments[0].clientWidth", box)
    width, client, _, _ = _overflow_and_smallest_font(rules_page)
    assert width <= client


def test_example_cases_link_to_the_playground_and_sources_are_links(rules_page):
    from selenium.webdriver.common.by import By

    card = rules_page.find_element(By.ID, "rule-R-CAUSE-ARTHRITIS-WEAR")
    card.find_element(By.CSS_SELECTOR, "details.cases summary").click()
    links = {a.text: a.get_attribute("href") for a in card.find_elements(By.CSS_SELECTOR, ".case-list a")}
    annotated = json.loads((resources.files("lbp_screen.cases") / "cause-arthritis.json").read_text(encoding="utf-8"))
    link = urllib.parse.urlsplit(links[annotated["case"]["case_id"]])
    # the playground's shareable link: the answers in the fragment, nothing in the query
    assert (link.path, link.query) == ("/", "")
    assert dict(urllib.parse.parse_qsl(link.fragment)) == {k: str(v) for k, v in annotated["case"].items()}
    card = rules_page.find_element(By.ID, "rule-R-FLAG-CES-SADDLE-NUMBNESS")
    sources = [a.get_attribute("href") for a in card.find_elements(By.CSS_SELECTOR, ".sources a")]
    rule = bundled.KB.rule("R-FLAG-CES-SADDLE-NUMBNESS")
    urls = [bundled.KB.sources[key].url for key, _ in citations(rule.source) if bundled.KB.sources[key].url]
    assert urls and sources == urls


def test_projector_readable_no_sideways_scroll_and_no_console_message(rules_page, tmp_path):
    from selenium.webdriver.common.by import By

    for table in rules_page.find_elements(By.CSS_SELECTOR, "details.decision-table summary"):
        table.click()
    width, client, smallest, small = _overflow_and_smallest_font(rules_page)
    assert client == WINDOW[0]
    assert width <= client, f"the page scrolls sideways: {width} px wide in {client} px"
    assert smallest >= MIN_FONT_PX, small
    shot = tmp_path / "rules-1280x720.png"
    rules_page.save_screenshot(str(shot))
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">I", png[16:20])[0] == WINDOW[0]
    messages = [entry for entry in rules_page.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]
    assert not messages, messages


def test_a_link_can_open_the_page_with_a_search_and_at_one_rule(browser, live_server, wait):
    browser.get(live_server + "/rules?q=cobra#rule-R-EX-FLEXION-AVOID-COBRA")
    wait.until(lambda driver: driver.execute_script("return document.body.dataset.ready === 'true'"))
    assert browser.find_element("id", "rule-search").get_attribute("value") == "cobra"
    shown = _visible_rules(browser)
    assert "R-EX-FLEXION-AVOID-COBRA" in shown
    assert all("cobra" in " ".join([r.id, r.title, *(a.describe(bundled.KB.labels) for a in r.then),
                                     *(c.describe(bundled.KB.labels) for c in r.when), r.rationale,
                                     r.source, r.evidence]).lower()
               for r in map(bundled.KB.rule, shown))
    top = browser.execute_script(
        "return document.getElementById('rule-R-EX-FLEXION-AVOID-COBRA').getBoundingClientRect().top")
    assert 0 <= top < WINDOW[1]
