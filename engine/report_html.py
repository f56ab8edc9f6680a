"""An explanation as one self-contained HTML page, for a classroom projector or a browser
with no network.

No script, no external file, no web font: the reasoning graph is drawn here as inline SVG
(a layered layout: answers and stated absences, then the rules in the stage they could
first run, then the conclusions), the styles are inline, and a Content-Security-Policy
forbids every network fetch, so the page looks the same offline as online.

Like the text and Markdown renderers (``engine/explain_render.py``), it reads only the
explanation's JSON document, ``Explanation.to_dict(why_not)``, as plain dicts.
"""
from __future__ import annotations

import html
import re
from typing import Any

from lbp_screen.engine.explain_render import (
    SECTIONS, change_fields, conclusions_by_group, fact_text, graph_view, matched_text, questions_to_ask,
    rule_status, steps_text,
)

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

# Graph geometry (SVG user units = CSS pixels: the graph is never scaled, so its text keeps
# its size).  Drawn top to bottom and wrapped to GRAPH_WIDTH, which fits the page's column
# in a 1280 px window with a scrollbar.
GRAPH_WIDTH = 1160
FONT = 14                 # box titles
LINE_FONT = 13            # the lines under a title (a rule's title, a group's members)
TITLE_HEIGHT = 19
LINE_HEIGHT = 18
BOX_PAD = 9
BOX_GAP = 12              # between boxes of a row
WRAP_GAP = 24             # between the lines of a wrapped row, for the edges to pass
ROW_GAP = 46              # between rows, where the edges run
ROW_HEADING = 24
BOLD = 1.12               # bold text is this much wider than the regular widths below
WARN_LINE = ' class="warn"'
WARNING_ROW = ' class="warning"'
MAX_BOX = {"answer": 300, "absence": 360, "rule": 420, "rules": 560, "group": 560}

STYLE = """
:root { --ink:#1d2433; --muted:#5b6475; --line:#d5dae3; --answer:#2563a8; --rule:#b7791f;
        --conclusion:#2f855a; --absence:#777; --warn:#9b2c2c; }
* { box-sizing: border-box; }
body { margin: 0; font: 17px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
       color: var(--ink); background: #f6f7fa; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 30px; margin: 0 0 4px; }
h2 { font-size: 23px; margin: 36px 0 12px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
.meta { color: var(--muted); margin: 0 0 18px; font-size: 15px; }
.assessment { background: #fff8e6; border: 2px solid #d69e2e; border-radius: 10px; padding: 14px 18px;
              font-size: 19px; }
.assessment strong { display: block; font-size: 15px; text-transform: uppercase; letter-spacing: .05em;
                     color: #8a5a00; margin-bottom: 4px; }
.warning { background: #fdecec; border-left: 6px solid var(--warn); padding: 10px 14px; margin: 10px 0;
           border-radius: 6px; }
.results td:first-child { border-left: 6px solid var(--conclusion); width: 28%; }
.results tr.warning td:first-child { border-left-color: var(--warn); }
.results tr.warning { background: #fdecec; }
.results th.kind { background: #f6f7fa; font-size: 15px; text-transform: uppercase; letter-spacing: .04em; }
.results code { font-weight: 700; font-size: 16px; }
.tag { display: inline-block; background: #e3f6ea; color: #1f5e3d; border-radius: 4px; padding: 0 8px;
       margin-right: 8px; font-weight: 600; }
.note { color: var(--muted); }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .92em; }
.graph { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 8px; }
.graph svg { display: block; margin: 0 auto; max-width: none; }
.legend { display: flex; gap: 18px; flex-wrap: wrap; color: var(--muted); font-size: 15px; margin: 8px 4px; }
.legend span::before { content: ""; display: inline-block; width: 14px; height: 14px; border-radius: 3px;
                       margin-right: 6px; vertical-align: -2px; border: 2px solid; }
.legend .answer::before { background: #e6f0fb; border-color: var(--answer); }
.legend .rule::before { background: #fff6e0; border-color: var(--rule); }
.legend .conclusion::before { background: #e3f6ea; border-color: var(--conclusion); }
.legend .absence::before { background: #f1f1f1; border-color: var(--absence); border-style: dashed; }
.legend .warn-key::before { background: #fdecec; border-color: var(--warn); border-width: 3px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 12px 18px; margin: 12px 0; }
.card > h3 { margin: 0 0 6px; font-size: 19px; }
ul.tree, ul.tree ul { list-style: none; margin: 4px 0; padding-left: 22px; border-left: 2px solid var(--line); }
ul.tree > li { margin: 6px 0; }
.rule-head { font-weight: 600; }
.rule-head .id { color: var(--rule); font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.why, .source { color: var(--muted); font-size: 15px; margin: 2px 0; }
.truth { display: inline-block; min-width: 74px; text-align: center; border-radius: 4px; padding: 0 6px;
         font-size: 13px; font-weight: 700; text-transform: uppercase; margin-right: 6px; }
.truth.held { background: #e3f6ea; color: #1f5e3d; }
.truth.failed { background: #fdecec; color: #9b2c2c; }
.truth.unknown { background: #eef0f4; color: #4a5060; }
.answer-used { color: var(--answer); font-weight: 600; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 15px; }
th, td { border: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
th { background: #eef1f6; }
td.step { text-align: right; font-weight: 700; width: 3em; }
a { color: #1f58a8; }
footer { margin-top: 40px; color: var(--muted); font-size: 14px; }
svg .edge { fill: none; stroke: #9aa3b2; stroke-width: 1.6; }
svg .edge.from-answer { stroke: #7ea6d6; }
svg .edge.from-absence { stroke: #c4c8cf; stroke-dasharray: 5 4; }
svg .edge.from-rule, svg .edge.from-rules { stroke: #c9a45f; }
svg .node rect { stroke-width: 2; }
svg .answer rect { fill: #e6f0fb; stroke: var(--answer); }
svg .absence rect { fill: #f1f1f1; stroke: var(--absence); stroke-dasharray: 5 3; }
svg .rule rect, svg .rules rect { fill: #fff6e0; stroke: var(--rule); }
svg .group rect { fill: #e3f6ea; stroke: var(--conclusion); }
svg .warning rect { fill: #fdecec; stroke: var(--warn); stroke-width: 3; }
svg text { font-family: "DejaVu Sans", system-ui, sans-serif; font-size: 13px; fill: var(--ink); }
svg .head { font-size: 14px; font-weight: 700; }
svg .warn { fill: var(--warn); font-weight: 700; }
svg .row-heading { font-size: 13px; font-weight: 700; fill: var(--muted); text-transform: uppercase; }
@media print { body { background: #fff; } .graph, .card { break-inside: avoid; } }
"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


# Advance widths (in em) of DejaVu Sans, the widest of the usual sans-serif fallbacks, so a
# label sized with them fits its box in any of those fonts.  Unlisted characters: DEFAULT_EM.
_EM = {**dict.fromkeys("0123456789", 0.636), **dict(zip(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    (0.709, 0.686, 0.698, 0.770, 0.632, 0.575, 0.775, 0.752, 0.295, 0.295, 0.656, 0.557, 0.863,
     0.748, 0.787, 0.603, 0.787, 0.695, 0.635, 0.595, 0.732, 0.684, 0.989, 0.685, 0.611, 0.685))),
       **dict(zip("abcdefghijklmnopqrstuvwxyz",
                  (0.613, 0.635, 0.550, 0.635, 0.615, 0.344, 0.635, 0.634, 0.278, 0.278, 0.579, 0.278, 0.974,
                   0.634, 0.612, 0.635, 0.635, 0.395, 0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525))),
       " ": 0.318, "-": 0.361, "=": 0.838, ".": 0.318, "_": 0.500, ":": 0.337, "(": 0.390, ")": 0.390,
       ",": 0.318, "/": 0.337, "\u2026": 1.0}
DEFAULT_EM = 0.8


def text_width(text: str, size: float) -> float:
    return sum(_EM.get(ch, DEFAULT_EM) for ch in text) * size


# --------------------------------------------------------------------------- the graph

def graph_svg(graph: dict[str, Any]) -> str:
    """The document's reasoning graph as inline SVG, top to bottom (``graph_view``): rows
    of boxes wrapped to GRAPH_WIDTH, every label wrapped onto lines, never cut."""
    view = graph_view(graph)
    if not view["rows"]:
        return '<svg class="reasoning-graph" width="300" height="40"><text x="10" y="25">No rule fired.</text></svg>'
    box: dict[str, tuple[float, float, float, float]] = {}
    texts: dict[str, tuple[list[str], list[tuple[str, bool]]]] = {}
    parts, y = [], 0.0
    for row in view["rows"]:
        parts.append(f'<text class="row-heading" x="0" y="{y + 15:.0f}">{_e(row["title"])}</text>')
        y += ROW_HEADING
        x, line_height = 0.0, 0.0
        for item in row["boxes"]:
            width, title, lines = _box_text(item)
            height = float(BOX_PAD * 2 + TITLE_HEIGHT * len(title) + LINE_HEIGHT * len(lines))
            if x > 0 and x + width > GRAPH_WIDTH:
                x, y, line_height = 0.0, y + line_height + WRAP_GAP, 0.0
            box[item["id"]] = (x, y, width, height)
            texts[item["id"]] = (title, lines)
            x += width + BOX_GAP
            line_height = max(line_height, height)
        y += line_height + ROW_GAP
    height = y - ROW_GAP + 4
    edges = []
    for edge in view["edges"]:
        sx, sy, sw, sh = box[edge["from"]]
        tx, ty, tw, _th = box[edge["to"]]
        x1, y1, x2, y2 = sx + sw / 2, sy + sh, tx + tw / 2, ty
        bend = max(24.0, (y2 - y1) / 2)
        edges.append(f'<path class="edge from-{edge["kind"]}" marker-end="url(#arrow)" '
                     f'data-from="{_e(edge["from"])}" data-to="{_e(edge["to"])}" '
                     f'd="M{x1:.1f},{y1:.1f} C{x1:.1f},{y1 + bend:.1f} {x2:.1f},{y2 - bend:.1f} {x2:.1f},{y2:.1f}"/>')
    nodes = [_box_svg(item, *box[item["id"]], *texts[item["id"]]) for row in view["rows"] for item in row["boxes"]]
    return (f'<svg class="reasoning-graph" xmlns="http://www.w3.org/2000/svg" role="img" '
            f'aria-label="Reasoning graph: answers lead to rules, rules to conclusions" '
            f'viewBox="0 0 {GRAPH_WIDTH} {height:.0f}" width="{GRAPH_WIDTH}" height="{height:.0f}">'
            f'<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            f'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#9aa3b2"/></marker></defs>'
            + "".join(parts) + "".join(edges) + "".join(nodes) + "</svg>")


def _box_text(item: dict[str, Any]) -> tuple[float, list[str], list[tuple[str, bool]]]:
    """A box's width and its title and lines wrapped to fit it (each line with whether
    it is a warning)."""
    inner = MAX_BOX[item["kind"]] - 2 * BOX_PAD
    heading = item["title"][:1].upper() + item["title"][1:] if item["kind"] == "group" else item["title"]
    title = wrap_to(heading, inner, FONT * BOLD)
    warnings = item.get("line_warnings", [item["warning"]] * len(item["lines"]))
    lines = [(piece, warn) for line, warn in zip(item["lines"], warnings)
             for piece in wrap_to(line, inner, LINE_FONT * (BOLD if warn else 1))]
    widest = max([text_width(t, FONT * BOLD) for t in title]
                 + [text_width(t, LINE_FONT * (BOLD if w else 1)) for t, w in lines])
    return min(MAX_BOX[item["kind"]], widest + 2 * BOX_PAD + 2), title, lines


def wrap_to(text: str, width: float, size: float) -> list[str]:
    """``text`` in lines no wider than ``width`` at font ``size``: broken between words,
    a word too long for a line after a hyphen or underscore, else between letters."""
    lines: list[str] = []
    current = ""
    for word in _pieces(text, width, size):
        trial = f"{current} {word}" if current and not current.endswith(("-", "_")) else current + word
        if current and text_width(trial, size) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    return lines + [current] if current or not lines else lines


def _pieces(text: str, width: float, size: float) -> list[str]:
    out: list[str] = []
    for word in text.split():
        if text_width(word, size) <= width:
            out.append(word)
            continue
        for part in re.findall(r"[^-_]*[-_]|[^-_]+$", word):  # after each hyphen or underscore
            while text_width(part, size) > width:
                cut = max(1, next(i for i in range(len(part), 0, -1) if text_width(part[:i], size) <= width))
                out.append(part[:cut])
                part = part[cut:]
            if part:
                out.append(part)
    return out


def _box_svg(item: dict[str, Any], x: float, y: float, width: float, height: float,
             title: list[str], lines: list[tuple[str, bool]]) -> str:
    classes = " ".join(["node", item["kind"]] + (["warning"] if item["warning"] else []))
    rows = [f'<tspan class="head" x="{x + BOX_PAD:.1f}" y="{y + BOX_PAD + 14 + TITLE_HEIGHT * i:.1f}">'
            f"{_e(t)}</tspan>" for i, t in enumerate(title)]
    top = y + BOX_PAD + TITLE_HEIGHT * len(title)
    rows += [f'<tspan{WARN_LINE if warn else ""} x="{x + BOX_PAD:.1f}" '
             f'y="{top + 13 + LINE_HEIGHT * i:.1f}">{_e(t)}</tspan>' for i, (t, warn) in enumerate(lines)]
    members = " ".join(item["members"])
    return (f'<g class="{classes}" id="node-{_e(item["id"])}" data-members="{_e(members)}">'
            f'<title>{_e(item["title"])}: {_e(item["detail"])}</title>'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" rx="7"/>'
            f'<text>{"".join(rows)}</text></g>')


# --------------------------------------------------------------------------- the page

def explanation_html(doc: dict[str, Any], heading: str = "explanation",
                     sections: tuple[str, ...] = SECTIONS) -> str:
    """``heading`` names what produced it (the command line says "lbp explain");
    ``sections`` picks the parts shown (``explain_render.SECTIONS``)."""
    case, result, notices = doc["case"], doc["result"], doc["notices"]
    kb_line = f"knowledge base {result['knowledge_base']['version']} ({result['knowledge_base']['digest'][:19]}\u2026)"
    case_id = f" <code>{_e(case['case_id'])}</code>" if case["case_id"] else ""
    body = [f"<h1>How the screening reasoned: {_e(case['label'])}{case_id}</h1>",
            f'<p class="meta">{len(doc["trace"])} rule firings; {_e(kb_line)}</p>']
    if "result" in sections:
        if notices["advice"]:
            body.append(f'<section class="assessment" id="assessment"><strong>{_e(notices["advice"]["title"])}'
                        f'</strong>{_e(notices["advice"]["text"])}</section>')
        body += [f'<p class="warning"><strong>Warning:</strong> {_e(w)}</p>' for w in notices["warnings"]]
    if "graph" in sections:
        body += ['<h2 id="graph">Reasoning graph</h2>',
                 '<div class="legend"><span class="answer">answer given in the case</span>'
                 '<span class="absence">stated absence (not answered / nothing concluded)</span>'
                 '<span class="rule">rule that fired (step number, id, title)</span>'
                 '<span class="conclusion">conclusions, by kind</span>'
                 '<span class="warn-key">warning (as the knowledge base marks it)</span></div>',
                 f'<div class="graph">{graph_svg(doc["graph"])}</div>']
    if "result" in sections:
        body += ['<h2 id="result">Result</h2>', _result_html(doc)]
    if "why-not" in sections:
        for why in doc["why_not"]:
            body += [f'<h2 id="why-not-{_e(why["kind"])}-{_e(why["value"])}">'
                     f'Why not <code>{_e(why["target"])}</code>?</h2>',
                     _why_not_html(why)]
    if "how" in sections:
        body += ['<h2 id="how">How each conclusion was reached</h2>', _how_html(doc)]
    if "what-would-change" in sections:
        body += ['<h2 id="what-would-change">What would change it</h2>', _changes_html(doc)]
    if "trace" in sections:
        body += ['<h2 id="steps">Steps, in the order the rules fired</h2>', _steps_html(doc)]
    if "answers" in sections:
        body += ['<h2 id="answers">The case\'s answers</h2>', _answers_html(doc)]
    if "sources" in sections:
        body += ['<h2 id="sources">Sources</h2><ul>']
        body += [f"<li><strong>[{_e(s['key'])}]</strong> {_e(s['citation'])}"
                 + (f' <a href="{_e(s["url"])}">{_e(s["url"])}</a>' if s["url"] else "") + "</li>"
                 for s in doc["sources"]]
        body.append("</ul>")
    body.append(f"<footer>Generated by {_e(heading)} from {_e(kb_line)}.</footer>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(heading)}: {_e(case['label'])}</title><style>{STYLE}</style></head>"
            "<body><main>" + "\n".join(body) + "</main></body></html>\n")


def _result_html(doc: dict[str, Any]) -> str:
    """The conclusions by kind, in the knowledge base's order, each once by name."""
    rows = []
    for group in conclusions_by_group(doc):
        rows.append(f'<tr><th class="kind" colspan="2">{_e(group["title"])}</th></tr>')
        for conclusion in group["conclusions"]:
            ways = "".join(
                '<div class="way">' + "".join(f'<span class="tag">{_e(tag)}</span>' for tag in way["tags"])
                + (f'<span class="note">{_e(way["note"])}</span>' if way["note"] else "")
                + f' <span class="steps">({_e(steps_text(way["steps"]))})</span></div>'
                for way in conclusion["ways"])
            rows.append(f'<tr{WARNING_ROW if conclusion["warning"] else ""}><td><strong>'
                        f'{_e(conclusion["name"])}</strong><br><code>{_e(conclusion["target"])}</code></td>'
                        f"<td>{ways}</td></tr>")
    return ('<table class="results"><tr><th>conclusion</th><th>details</th></tr>' + "".join(rows) + "</table>"
            if rows else "<p>No conclusions.</p>")


def _how_html(doc: dict[str, Any]) -> str:
    shown: set[int] = set()
    cards = []
    for conclusion in doc["how"]:
        items = "".join(_step_html(step, shown) for step in conclusion["derivation"])
        cards.append(f'<div class="card conclusion-card"><h3><code>{_e(conclusion["target"])}</code> '
                     f'{_e(conclusion["label"])}</h3><ul class="tree">{items}</ul></div>')
    return "\n".join(cards) or "<p>No conclusions.</p>"


def _truth(truth: str) -> str:
    return f'<span class="truth {truth}">{truth}</span>'


def _step_html(step: dict[str, Any], shown: set[int]) -> str:
    head = (f'<span class="rule-head">step {step["step"]} <span class="id">{_e(step["rule"])}</span> '
            f"{_e(step['title'])}</span>")
    if step["step"] in shown:
        return f'<li>{head} <a href="#derivation-step-{step["step"]}">(explained above)</a></li>'
    shown.add(step["step"])
    parts = [f'<li id="derivation-step-{step["step"]}">{head}',
             f'<p class="why">Why: {_e(step["rationale"])}</p>',
             f'<p class="source">Source: {_e(step["source"])}</p>'
             + (f'<p class="evidence">Evidence: {_e(step["evidence"])}</p>' if step["evidence"] else "")
             + "<ul>"]
    for condition in step["conditions"]:
        used = "".join(f' <span class="answer-used">case answer: {_e(k)} = {_e(v)}</span>'
                       for k, v in condition["answers"].items())
        inner = "".join(_step_html(s, shown) for s in condition["supported_by"])
        parts.append(f"<li>{_truth(condition['truth'])}{_e(condition['text'])}{used}"
                     + (f'<ul class="tree">{inner}</ul>' if inner else "") + "</li>")
    if step["counted"]:
        inner = "".join(_step_html(s, shown) for s in step["counted"])
        parts.append(f'<li>counted {len(step["counted"])} fact(s):<ul class="tree">{inner}</ul></li>')
    elif not step["conditions"]:
        parts.append("<li>no conditions: runs for every case</li>")
    parts.append("</ul></li>")
    return "".join(parts)


def _why_not_html(why: dict[str, Any]) -> str:
    if not why["rules"]:
        return "<p>No rule in this rulebook can conclude it.</p>"
    out = [f"<p>{'Concluded' if why['concluded'] else 'Not concluded'}: "
           f"{len(why['rules'])} rule(s) could conclude it.</p>"]
    for rule in why["rules"]:
        out.append(f'<div class="card why-not-rule"><h3><code>{_e(rule["rule"])}</code> {_e(rule["title"])}: '
                   f"{_e(rule_status(rule))}</h3><p class=\"why\">Why: {_e(rule['rationale'])}</p>"
                   f'<p class="source">Source: {_e(rule["source"])}</p>'
                   + (f'<p class="evidence">Evidence: {_e(rule["evidence"])}</p>' if rule["evidence"] else "")
                   + '<ul class="tree">'
                   + "".join(_check_html(c) for c in rule["conditions"]) + "</ul></div>")
    return "\n".join(out)


def _check_html(check: dict[str, Any]) -> str:
    notes = []
    if check["answers"]:
        notes.append("case answered " + ", ".join(f"{k} = {v}" for k, v in check["answers"].items()))
    if check["unanswered"] and check["truth"] == "unknown":
        notes.append("not answered: " + ", ".join(check["unanswered"]))
    if check["found"] and check["truth"] != "held":
        notes.append("concluded instead: " + "; ".join(check["found"]))
    if check["could_hold_if_answered"]:
        notes.append("could hold if answered: " + ", ".join(check["could_hold_if_answered"]))
    note = f' <span class="why">({_e("; ".join(notes))})</span>' if notes else ""
    options = "".join(_check_html(o) for o in check["options"])
    return (f'<li class="condition {check["truth"]}">{_truth(check["truth"])}{_e(check["text"])}{note}'
            + (f'<ul class="tree">{options}</ul>' if options else "") + "</li>")


def _changes_html(doc: dict[str, Any]) -> str:
    changes = doc["what_would_change"]
    if not changes:
        return "<p>No unanswered question could add a conclusion.</p>"
    rows = "".join(f"<tr><td><code>{_e(c['target'])}</code></td>"
                   f"<td>{_e(', '.join(change_fields(c)))}</td></tr>"
                   for c in changes)
    questions = "".join(f"<li><code>{_e(name)}</code>: {_e(question)}</li>"
                        for name, question in questions_to_ask(changes).items())
    return ("<p>Conclusions not reached that answers to these unanswered questions could still lead to "
            "(ask, then re-run with <code>--fact FIELD=VALUE</code>):</p>"
            f"<table><tr><th>could be concluded</th><th>if these were answered</th></tr>{rows}</table>"
            f"<h3>Questions to ask</h3><ul>{questions}</ul>")


def _steps_html(doc: dict[str, Any]) -> str:
    rows = []
    for firing in doc["trace"]:
        rows.append(f'<tr class="trace-step" id="step-{firing["step"]}"><td class="step">{firing["step"]}</td>'
                    f"<td><code>{_e(firing['rule'])}</code><br>{_e(firing['title'])}</td>"
                    f"<td>{_e('; '.join(matched_text(doc, firing)) or '-')}</td>"
                    f"<td>{_e('; '.join(fact_text(f) for f in firing['asserted']) or 'nothing new')}</td>"
                    f"<td>{_e('; '.join(fact_text(f) for f in firing['retracted']) or '-')}</td></tr>")
    return ("<table><tr><th>step</th><th>rule</th><th>matched</th><th>asserted</th><th>retracted</th></tr>"
            + "".join(rows) + "</table>")


def _answers_html(doc: dict[str, Any]) -> str:
    case = doc["case"]
    rows = "".join(f"<tr><td><code>{_e(k)}</code></td><td>{_e(v)}</td><td>{_e(case['questions'][k])}</td></tr>"
                   for k, v in case["answers"].items())
    not_known = (f"<p>Not answered: {_e(', '.join(case['not_known']))}.</p>"
                 if case["not_known"] else "")
    return (f"<table><tr><th>field</th><th>answer</th><th>question</th></tr>{rows}</table>" if rows
            else "<p>No answers given.</p>") + not_known
