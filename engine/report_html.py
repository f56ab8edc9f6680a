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
from typing import Any

from lbp_screen.engine.explain_render import change_fields, fact_text, matched_text, questions_to_ask, rule_status

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

# Graph geometry (SVG user units = CSS pixels at 100%).
FONT = 14
SUB_FONT = 12             # the second line of a rule box
NODE_HEIGHT = {"rule": 42, "answer": 28, "absence": 28, "conclusion": 30}
ROW_GAP = 12
COLUMN_GAP = 70
MAX_LABEL = 34            # characters; longer labels are shortened (full text on hover)
PADDING = 14
HEADER = 34
MIN_SCALE = 0.7           # a wide graph shrinks to fit the page down to this, then scrolls

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
.results td:first-child { border-left: 6px solid var(--conclusion); white-space: nowrap; width: 1%; }
.results code { font-weight: 700; font-size: 16px; }
.tag { display: inline-block; background: #e3f6ea; color: #1f5e3d; border-radius: 4px; padding: 0 8px;
       margin-right: 8px; font-weight: 600; }
.note { color: var(--muted); }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .92em; }
.graph { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 8px; overflow-x: auto;
         width: calc(100vw - 48px); margin-left: calc(50% - 50vw + 24px); }
.graph svg { display: block; margin: 0 auto; }
.legend { display: flex; gap: 18px; flex-wrap: wrap; color: var(--muted); font-size: 15px; margin: 8px 4px; }
.legend span::before { content: ""; display: inline-block; width: 14px; height: 14px; border-radius: 3px;
                       margin-right: 6px; vertical-align: -2px; border: 2px solid; }
.legend .answer::before { background: #e6f0fb; border-color: var(--answer); }
.legend .rule::before { background: #fff6e0; border-color: var(--rule); }
.legend .conclusion::before { background: #e3f6ea; border-color: var(--conclusion); }
.legend .absence::before { background: #f1f1f1; border-color: var(--absence); border-style: dashed; }
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
th, td { border: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: #eef1f6; }
td.step { text-align: right; font-weight: 700; width: 3em; }
a { color: #1f58a8; }
footer { margin-top: 40px; color: var(--muted); font-size: 14px; }
svg .edge { fill: none; stroke: #9aa3b2; stroke-width: 1.6; }
svg .edge.from-answer { stroke: #7ea6d6; }
svg .edge.from-absence { stroke: #c4c8cf; stroke-dasharray: 5 4; }
svg .edge.from-rule { stroke: #c9a45f; }
svg .node rect { stroke-width: 2; }
svg .answer rect { fill: #e6f0fb; stroke: var(--answer); }
svg .absence rect { fill: #f1f1f1; stroke: var(--absence); stroke-dasharray: 5 3; }
svg .rule rect { fill: #fff6e0; stroke: var(--rule); }
svg .conclusion rect { fill: #e3f6ea; stroke: var(--conclusion); }
svg text { font-family: system-ui, "DejaVu Sans", sans-serif; font-size: 14px; fill: var(--ink); }
svg .sub { font-size: 12px; fill: var(--muted); }
svg .column { font-size: 13px; font-weight: 700; fill: var(--muted); text-transform: uppercase; }
@media print { body { background: #fff; } .graph, .card { break-inside: avoid; } }
"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _short(text: str, limit: int = MAX_LABEL) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "\u2026"


# --------------------------------------------------------------------------- the graph

def _layers(graph: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """The graph's nodes by layer (each node says its own), in the document's order."""
    count = max((n["layer"] for n in graph["nodes"]), default=-1) + 1
    layers: list[list[dict[str, Any]]] = [[] for _ in range(count)]
    for node in graph["nodes"]:
        layers[node["layer"]].append(node)
    return layers


def graph_svg(graph: dict[str, Any]) -> str:
    """The document's reasoning graph as inline SVG, laid out in columns (one per layer)."""
    layers = _layers(graph)
    if not graph["nodes"]:
        return '<svg class="reasoning-graph" width="300" height="40"><text x="10" y="25">No rule fired.</text></svg>'
    widths = [max(_node_width(n) for n in layer) if layer else 0 for layer in layers]
    heights = [sum(NODE_HEIGHT[n["kind"]] + ROW_GAP for n in layer) - ROW_GAP for layer in layers]
    total_height = max(heights) + 2 * PADDING + HEADER
    total_width = sum(widths) + COLUMN_GAP * (len(layers) - 1) + 2 * PADDING
    box: dict[str, tuple[float, float, float, float]] = {}
    parts = []
    x: float = PADDING
    for number, layer in enumerate(layers):
        heading = ("Answers" if number == 0 else "Conclusions" if number == len(layers) - 1
                   else f"Rules, stage {number}")
        parts.append(f'<text class="column" x="{x:.0f}" y="{PADDING + 12}">{heading}</text>')
        y = PADDING + HEADER + (max(heights) - heights[number]) / 2
        for node in layer:
            height = NODE_HEIGHT[node["kind"]]
            box[node["id"]] = (x, y, widths[number], height)
            y += height + ROW_GAP
        x += widths[number] + COLUMN_GAP
    kinds = {node["id"]: node["kind"] for node in graph["nodes"]}
    for edge in graph["edges"]:
        source, target = edge["from"], edge["to"]
        sx, sy, sw, sh = box[source]
        tx, ty, _tw, th = box[target]
        x1, y1, x2, y2 = sx + sw, sy + sh / 2, tx, ty + th / 2
        bend = max(30.0, (x2 - x1) / 2)
        parts.append(f'<path class="edge from-{kinds[source]}" marker-end="url(#arrow)" data-from="{_e(source)}" data-to="{_e(target)}" '
                     f'd="M{x1:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} {x2 - bend:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"/>')
    for node in graph["nodes"]:
        parts.append(_node_svg(node, *box[node["id"]]))
    return (f'<svg class="reasoning-graph" xmlns="http://www.w3.org/2000/svg" role="img" '
            f'aria-label="Reasoning graph: answers lead to rules, rules to conclusions" '
            f'viewBox="0 0 {total_width:.0f} {total_height:.0f}" width="{total_width:.0f}" '
            f'height="{total_height:.0f}" style="width:100%;height:auto;max-width:{total_width:.0f}px;'
            f'min-width:{total_width * MIN_SCALE:.0f}px">'
            f'<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            f'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#9aa3b2"/></marker></defs>'
            + "".join(parts) + "</svg>")


def _node_lines(node: dict[str, Any]) -> list[str]:
    if node["kind"] == "rule":  # a rule id is never shortened: it is what people look up
        return [node["label"], _short(node["detail"], MAX_LABEL + 6)]
    return [_short(node["label"], MAX_LABEL + 14 if node["kind"] == "conclusion" else MAX_LABEL)]


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


def _node_width(node: dict[str, Any]) -> float:
    lines = _node_lines(node)
    return max([text_width(lines[0], FONT)] + [text_width(line, SUB_FONT) for line in lines[1:]]) + 24


def _node_svg(node: dict[str, Any], x: float, y: float, width: float, height: float) -> str:
    lines = _node_lines(node)
    text = f'<text x="{x + 10:.1f}" y="{y + (17 if len(lines) > 1 else height / 2 + 5):.1f}">{_e(lines[0])}</text>'
    if len(lines) > 1:
        text += f'<text class="sub" x="{x + 10:.1f}" y="{y + 34:.1f}">{_e(lines[1])}</text>'
    return (f'<g class="node {node["kind"]}" id="node-{_e(node["id"])}">'
            f'<title>{_e(node["label"])}: {_e(node["detail"])}</title>'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height}" rx="7"/>{text}</g>')


# --------------------------------------------------------------------------- the page

def explanation_html(doc: dict[str, Any], heading: str = "explanation") -> str:
    """``heading`` names what produced it (the command line says "lbp explain")."""
    case, result, notices = doc["case"], doc["result"], doc["notices"]
    kb_line = f"knowledge base {result['knowledge_base']['version']} ({result['knowledge_base']['digest'][:19]}\u2026)"
    case_id = f" <code>{_e(case['case_id'])}</code>" if case["case_id"] else ""
    body = [f"<h1>How the screening reasoned: {_e(case['label'])}{case_id}</h1>",
            f'<p class="meta">{len(doc["trace"])} rule firings; {_e(kb_line)}</p>']
    if notices["advice"]:
        body.append(f'<section class="assessment" id="assessment"><strong>{_e(notices["advice"]["title"])}'
                    f'</strong>{_e(notices["advice"]["text"])}</section>')
    body += [f'<p class="warning"><strong>Warning:</strong> {_e(w)}</p>' for w in notices["warnings"]]
    body += ['<h2 id="result">Result</h2><table class="results"><tr><th>conclusion</th><th>details</th></tr>']
    for conclusion in doc["how"]:
        chips = "".join(f'<span class="tag">{_e(tag)}</span>' for tag in conclusion["tags"])
        body.append(f"<tr><td><code>{_e(conclusion['target'])}</code></td><td>{chips}"
                    + (f'<span class="note">{_e(conclusion["note"])}</span>' if conclusion["note"] else "")
                    + "</td></tr>")
    body += ["</table>", '<h2 id="graph">Reasoning graph</h2>',
             '<div class="legend"><span class="answer">answer given in the case</span>'
             '<span class="absence">stated absence (not answered / nothing concluded)</span>'
             '<span class="rule">rule that fired (step number, id, title)</span>'
             '<span class="conclusion">conclusion</span></div>',
             f'<div class="graph">{graph_svg(doc["graph"])}</div>']
    for why in doc["why_not"]:
        body += [f'<h2 id="why-not-{_e(why["kind"])}-{_e(why["value"])}">'
                 f'Why not <code>{_e(why["target"])}</code>?</h2>',
                 _why_not_html(why)]
    body += ['<h2 id="how">How each conclusion was reached</h2>', _how_html(doc)]
    body += ['<h2 id="what-would-change">What would change it</h2>', _changes_html(doc)]
    body += ['<h2 id="steps">Steps, in the order the rules fired</h2>', _steps_html(doc)]
    body += ['<h2 id="answers">The case\'s answers</h2>', _answers_html(doc)]
    body += ['<h2 id="sources">Sources</h2><ul>']
    body += [f"<li><strong>[{_e(s['key'])}]</strong> {_e(s['citation'])}"
             + (f' <a href="{_e(s["url"])}">{_e(s["url"])}</a>' if s["url"] else "") + "</li>"
             for s in doc["sources"]]
    body += ["</ul>", f"<footer>Generated by {_e(heading)} from {_e(kb_line)}.</footer>"]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(heading)}: {_e(case['label'])}</title><style>{STYLE}</style></head>"
            "<body><main>" + "\n".join(body) + "</main></body></html>\n")


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
