"""An explanation as text (for a terminal) and as Markdown (for handouts, with a Mermaid
diagram of the reasoning graph).

Every renderer (these two and the HTML report in ``engine/report_html.py``) reads one
thing: the explanation's JSON document, ``Explanation.to_dict(why_not)``, the same one
``--format json`` prints, as plain dicts.  So what a format shows is in the document, and
a document read back from JSON renders the same as one fresh from the engine.

In the derivations a step's rationale and source are printed where the step first
appears; later mentions point back to it by step number, so a shared step (the responder
type feeds every exercise) is read once.
"""
from __future__ import annotations

import textwrap
from typing import Any

WIDTH = 92
MARK = {"held": "[held]   ", "failed": "[failed] ", "unknown": "[unknown]"}
EXPERTA_MARKER = "InitialFact"  # experta's own marker fact, matched by rules but no evidence


def _wrap(text: str, indent: str, first: str | None = None) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=first if first is not None else indent,
                         subsequent_indent=indent) or [indent.rstrip()]


def _values(values: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in values.items())


def fact_text(fact: dict[str, Any], fields: list[str] | None = None) -> str:
    """``Case #1 (sitting=worse)`` for a fact of the document; ``fields`` limits which
    values are shown."""
    values = fact["values"] if fields is None else {k: v for k, v in fact["values"].items() if k in fields}
    shown = f" ({_values(values)})" if values else ""
    return f"{fact['fact']} #{fact['id']}{shown}"


def matched_text(doc: dict[str, Any], firing: dict[str, Any]) -> list[str]:
    """The facts a firing matched; the case fact shows only the answers the rule reads."""
    shown = []
    for fact in firing["matched"]:
        if fact["fact"] == doc["case"]["fact"]:
            shown.append(fact_text(fact, firing["case_fields"]))
        elif fact["fact"] != EXPERTA_MARKER:
            shown.append(fact_text(fact))
    return shown


def questions_to_ask(changes: list[dict[str, Any]]) -> dict[str, str]:
    """Every field some change needs, once, with its question: {field: question}."""
    return {q["field"]: q["question"] for change in changes for q in change["questions"]}


def change_fields(change: dict[str, Any]) -> list[str]:
    """The unanswered fields a what-would-change entry names."""
    return [q["field"] for q in change["questions"]]


# --------------------------------------------------------------------------- sections

# The parts of an explanation, in the order every format shows them; ``--section`` picks.
SECTIONS = ("result", "graph", "why-not", "how", "what-would-change", "trace", "answers", "sources")
# The document keys each section holds (``format``, ``format_version``, ``case`` and
# ``knowledge_base_name`` are always kept).
SECTION_KEYS = {"result": ("result", "notices"), "graph": ("graph",), "why-not": ("why_not",),
                "how": ("how",), "what-would-change": ("what_would_change",), "trace": ("trace", "steps"),
                "answers": (), "sources": ("sources",)}
ALWAYS_KEPT = ("format", "format_version", "case", "knowledge_base_name")


# Left out of the text format unless asked for: in a terminal, HOW already gives every
# step with what it rests on and leads to.
TEXT_OMITS = ("graph", "trace")


def default_sections(fmt: str, why_not_asked: bool) -> tuple[str, ...]:
    """Asked why not, an explanation answers only that; else every section (the text
    format without TEXT_OMITS)."""
    if why_not_asked:
        return ("why-not",)
    return tuple(s for s in SECTIONS if s != "why-not" and not (fmt == "text" and s in TEXT_OMITS))


def section_document(doc: dict[str, Any], sections: tuple[str, ...]) -> dict[str, Any]:
    """The document holding only the chosen sections' keys (for the JSON format)."""
    keep = set(ALWAYS_KEPT).union(*(SECTION_KEYS[s] for s in sections))
    return {key: value for key, value in doc.items() if key in keep}


def conclusions_by_group(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The result's conclusions by group, in the knowledge base's order (the graph's
    groups), each target once with every way it was concluded and the steps that did:
    ``[{"title", "warning", "conclusions": [{"target", "name", "warning", "ways": [{"tags",
    "note", "steps"}]}]}]``."""
    groups = {g["id"]: {"title": g["title"], "warning": g["warning"], "conclusions": {}}
              for g in doc["graph"].get("groups", [])}
    for entry in doc["how"]:
        group = groups.setdefault(entry["kind"], {"title": entry["kind"], "warning": False, "conclusions": {}})
        conclusion = group["conclusions"].setdefault(entry["target"], {
            "target": entry["target"], "name": entry.get("name", entry["value"]),
            "warning": entry.get("warning", False), "ways": []})
        conclusion["ways"].append({"tags": entry["tags"], "note": entry["note"],
                                   "steps": [step["step"] for step in entry["derivation"]]})
    return [{**g, "conclusions": list(g["conclusions"].values())} for g in groups.values() if g["conclusions"]]


# --------------------------------------------------------------------------- the graph, bundled

BUNDLE_MIN = 2  # this many nodes of one kind with the same neighbours are drawn as one group


def _box(box_id: str, kind: str, title: str, lines: list[str], members: list[str], order: tuple,
         warning: bool = False, detail: str = "") -> dict[str, Any]:
    return {"id": box_id, "kind": kind, "title": title, "lines": lines, "members": members,
            "order": order, "warning": warning, "detail": detail}


def graph_view(graph: dict[str, Any]) -> dict[str, Any]:
    """The document's reasoning graph as faces draw it, top to bottom: rows of boxes (the
    answers and stated absences, then the rules stage by stage, then the conclusions by
    group in the knowledge base's order), each row in step order, and the edges between
    boxes.  Fan-outs are bundled: the rules of a stage that lead only to conclusions of
    one group are one box listing them, so are the inputs of one kind that feed
    the same boxes; each group of conclusions is one box listing its members.
    Returns ``{"rows": [{"title", "boxes"}], "edges": [{"from", "to", "kind"}]}``."""
    nodes = {n["id"]: n for n in graph["nodes"]}
    into: dict[str, list[str]] = {n: [] for n in nodes}
    out: dict[str, list[str]] = {n: [] for n in nodes}
    for edge in graph["edges"]:
        out[edge["from"]].append(edge["to"])
        into[edge["to"]].append(edge["from"])
    box_of: dict[str, str] = {}
    boxes: dict[str, dict[str, Any]] = {}

    def steps_into(node_id: str) -> list[int]:
        return sorted(nodes[r]["step"] for r in into[node_id] if nodes[r]["kind"] == "rule")

    # conclusions: one box per group, members merged by name, in step order
    conclusion_rows = []
    for group in graph.get("groups", []):
        members = sorted((n for n in nodes.values() if n["kind"] == "conclusion" and n["group"] == group["id"]),
                         key=lambda n: (steps_into(n["id"]), n["id"]))
        if not members:
            continue
        by_name: dict[str, list[dict[str, Any]]] = {}
        for n in members:  # one line per name: each way it was concluded, and by which steps
            by_name.setdefault(n["name"] or n["label"], []).append(n)
        lines = [_member_line(name, ways, steps_into) for name, ways in by_name.items()]
        box = _box(f"group-{group['id']}", "group", group["title"], lines, [n["id"] for n in members],
                   (min(steps_into(members[0]["id"]) or [0]),), group["warning"],
                   "; ".join(n["detail"] for n in members))
        box["line_warnings"] = [any(n["warning"] for n in ways) for ways in by_name.values()]
        conclusion_rows.append(box)
        boxes[box["id"]] = box
        box_of.update({n["id"]: box["id"] for n in members})
    # rules: bundle a stage's fan-out leaves (leading only to conclusions of one group)
    rules = sorted((n for n in nodes.values() if n["kind"] == "rule"), key=lambda n: n["step"])
    leaves: dict[tuple, list[dict[str, Any]]] = {}
    for rule in rules:
        targets = out[rule["id"]]
        if targets and all(nodes[t]["kind"] == "conclusion" for t in targets):
            key = (rule["layer"], tuple(sorted({box_of[t] for t in targets})))
            if len(key[1]) == 1:
                leaves.setdefault(key, []).append(rule)
    for (layer, (group_box,)), members in leaves.items():
        if len(members) >= BUNDLE_MIN:
            steps = [m["step"] for m in members]
            box = _box(f"rules-{steps[0]}", "rules", f"{len(members)} rules, steps {steps[0]}-{steps[-1]}, "
                       f"leading to: {boxes[group_box]['title']}",
                       [f"{m['label']}: {m['detail']}" for m in members], [m["id"] for m in members],
                       (steps[0],), detail="; ".join(m["detail"] for m in members))
            box["layer"] = layer
            boxes[box["id"]] = box
            box_of.update({m["id"]: box["id"] for m in members})
    for rule in rules:
        if rule["id"] not in box_of:
            box = _box(rule["id"], "rule", rule["label"], [rule["detail"]], [rule["id"]], (rule["step"],),
                       detail=rule["detail"])
            box["layer"] = rule["layer"]
            boxes[box["id"]] = box
            box_of[rule["id"]] = box["id"]
    # inputs: answers and stated absences feeding the same boxes are bundled, by kind
    inputs = [n for n in graph["nodes"] if n["kind"] not in ("rule", "conclusion")]
    feeding: dict[tuple, list[dict[str, Any]]] = {}
    for node in inputs:
        feeding.setdefault((node["kind"], tuple(sorted({box_of[t] for t in out[node["id"]]}))), []).append(node)
    for (kind, targets), members in feeding.items():
        first = min((boxes[t]["order"] for t in targets), default=(0,))
        if len(members) >= BUNDLE_MIN and kind != "answer":
            box = _box(f"inputs-{members[0]['id']}", kind, f"{len(members)} {_plural(kind)}",
                       [m["label"] for m in members], [m["id"] for m in members], first,
                       detail="; ".join(m["detail"] for m in members))
            boxes[box["id"]] = box
            box_of.update({m["id"]: box["id"] for m in members})
        else:
            for member in members:
                box = _box(member["id"], kind, member["label"], [], [member["id"]], first, detail=member["detail"])
                boxes[box["id"]] = box
                box_of[member["id"]] = box["id"]
    input_boxes = sorted((b for b in boxes.values() if b["kind"] in ("answer", "absence")),
                         key=lambda b: (b["order"], b["kind"] != "answer"))
    rows: list[dict[str, Any]] = [{"title": "Answers and stated absences", "boxes": input_boxes}] if input_boxes else []
    stages = sorted({b["layer"] for b in boxes.values() if b["kind"] in ("rule", "rules")})
    rows += [{"title": f"Rules, stage {number}" if len(stages) > 1 else "Rules",
              "boxes": sorted((b for b in boxes.values() if b.get("layer") == stage and b["kind"] in ("rule", "rules")),
                              key=lambda b: b["order"])}
             for number, stage in enumerate(stages, 1)]
    if conclusion_rows:
        rows.append({"title": "Conclusions", "boxes": conclusion_rows})
    edges = list(dict.fromkeys((box_of[e["from"]], box_of[e["to"]]) for e in graph["edges"]
                               if box_of[e["from"]] != box_of[e["to"]]))
    return {"rows": rows, "edges": [{"from": a, "to": b, "kind": boxes[a]["kind"]} for a, b in edges]}


def _member_line(name: str, ways: list[dict[str, Any]], steps_into) -> str:
    """``Child's pose: avoid, veto (step 9); avoid (step 17)``, or ``routine (step 8)``."""
    parts = [(", ".join(n["tags"]) + " " if n["tags"] else "") + f"({steps_text(steps_into(n['id']))})" for n in ways]
    return f"{name}: {'; '.join(parts)}" if any(n["tags"] for n in ways) else f"{name} {'; '.join(parts)}"


def steps_text(steps: list[int]) -> str:
    """``step 9`` or ``steps 2, 3``."""
    return f"step{'s' if len(steps) > 1 else ''} {', '.join(map(str, steps))}"


def _plural(kind: str) -> str:
    return {"absence": "stated absences", "answer": "answers"}.get(kind, kind + "s")


# --------------------------------------------------------------------------- text

def explanation_text(doc: dict[str, Any], heading: str = "explanation",
                     sections: tuple[str, ...] = SECTIONS) -> str:
    """``heading`` names what produced it (the command line says "lbp explain");
    ``sections`` picks the parts shown.  Each thing is said once: a conclusion in the
    result (by name, with the steps that reached it), a rule at its step in HOW."""
    case, result, notices = doc["case"], doc["result"], doc["notices"]
    lines = [f"== {heading}: {case['label']}" + (f" [{case['case_id']}]" if case["case_id"] else ""),
             f"knowledge base {result['knowledge_base']['version']} {result['knowledge_base']['digest']}"]
    if "result" in sections:
        lines += ["", "RESULT"] + result_text(doc)
        for warning in notices["warnings"]:
            lines += _wrap(warning, "    ", "  Warning: ")
        if notices["advice"]:
            lines += ["", notices["advice"]["title"].upper()] + _wrap(notices["advice"]["text"], "  ")
    if "graph" in sections:
        lines += ["", "REASONING GRAPH (answers -> rules -> conclusions; each step in HOW)"] + graph_text(doc)
    if "why-not" in sections:
        for why in doc["why_not"]:
            lines += ["", f"WHY NOT {why['target']}"] + why_not_text(why)
    if "how" in sections:
        lines += ["", f"HOW: the {len(doc['steps'])} rules that fired, in order"] + how_text(doc)
    if "what-would-change" in sections:
        lines += ["", "WHAT WOULD CHANGE IT (questions the case left unanswered)"] + changes_text(doc)
    if "trace" in sections:
        lines += ["", "TRACE: the facts each step matched and asserted (experta's working memory)"]
        for firing in doc["trace"]:
            lines += _wrap("; ".join(matched_text(doc, firing)) or "-", " " * 16, f"  {firing['step']:>3}. matched:  ")
            lines += _wrap("; ".join(fact_text(f) for f in firing["asserted"]) or "nothing new",
                           " " * 16, "       asserted: ")
            if firing["retracted"]:
                lines += _wrap("; ".join(fact_text(f) for f in firing["retracted"]), " " * 16, "      retracted: ")
    if "answers" in sections:
        lines += ["", "ANSWERS"] + _wrap(_values(case["answers"]) or "none", "  ", "  ")
        if case["not_known"]:
            lines += _wrap(", ".join(case["not_known"]), "    ", "  not answered: ")
    if "sources" in sections:
        lines += ["", "SOURCES cited by the rules that fired"]
        for source in doc["sources"]:
            lines += _wrap(source["citation"] + (f" {source['url']}" if source["url"] else ""), "      ",
                           f"  [{source['key']}] ")
    return "\n".join(lines)


def conclusion_title(conclusion: dict[str, Any]) -> str:
    """A conclusion by name, with its target where the name is not the target's value:
    ``Cobra (exercise=cobra)``, ``urgency=routine``."""
    value = conclusion["target"].split("=", 1)[1]
    return conclusion["target"] if conclusion["name"] == value else f"{conclusion['name']} ({conclusion['target']})"


def result_text(doc: dict[str, Any]) -> list[str]:
    """The conclusions by group, each once by name, every way it was reached and by which
    steps; a warning marked ``!!``."""
    lines: list[str] = []
    for group in conclusions_by_group(doc):
        lines.append(f"  {group['title'].upper()}")
        for conclusion in group["conclusions"]:
            mark = "!! " if conclusion["warning"] else ""
            ways = conclusion["ways"]
            if len(ways) == 1:
                way = ways[0]
                head = f"    {mark}{conclusion_title(conclusion)}" + (": " + ", ".join(way["tags"]) if way["tags"] else "") + " "
                lines += _wrap(f"({steps_text(way['steps'])}) " + _note(way, conclusion), " " * 8, head)
                continue
            lines.append(f"    {mark}{conclusion_title(conclusion)}")
            for way in ways:
                first = "      - " + (", ".join(way["tags"]) + " " if way["tags"] else "")
                lines += _wrap(f"({steps_text(way['steps'])}) " + _note(way, conclusion), " " * 10, first)
    return lines


def _note(way: dict[str, Any], conclusion: dict[str, Any]) -> str:
    """A way's note, unless it only restates the conclusion (the label of a bare target)."""
    return "" if not way["tags"] and way["note"].endswith(f" {conclusion['target'].split('=', 1)[1]}") else way["note"]


def graph_text(doc: dict[str, Any]) -> list[str]:
    """The bundled graph's rows, one box after another (the edges are in HOW)."""
    lines: list[str] = []
    for row in graph_view(doc["graph"])["rows"]:
        lines += _wrap("; ".join(box["title"] for box in row["boxes"]), " " * 6, f"  {row['title']}: ")
    return lines


def how_text(doc: dict[str, Any]) -> list[str]:
    """Every firing once, in order: the rule, why, its source, its conditions as they held
    (with the case answers and the earlier steps they rest on), and what it led to."""
    lines: list[str] = []
    nodes = {n["id"]: n for n in doc["graph"]["nodes"]}
    leads: dict[int, list[str]] = {}
    for edge in doc["graph"]["edges"]:
        source, target = nodes[edge["from"]], nodes[edge["to"]]
        if source["kind"] == "rule":
            leads.setdefault(source["step"], []).append(
                f"step {target['step']}" if target["kind"] == "rule" else
                f"{target['name'] or target['label']}" + (f" ({', '.join(target['tags'])})" if target["tags"] else ""))
    for step in doc["steps"]:
        lines.append(f"  {step['step']:>3}. {step['rule']}: {step['title']}")
        inner = " " * 7
        evidence = f" Evidence: {step['evidence']}" if step["evidence"] else ""
        lines += _wrap(f"{step['rationale']} (source: {step['source']}){evidence}", inner + "     ", inner + "why: ")
        for condition in step["conditions"]:
            used = f" (case answer: {_values(condition['answers'])})" if condition["answers"] else ""
            rests = f" (from {steps_text(condition['supported_by'])})" if condition["supported_by"] else ""
            lines += _wrap(condition["text"] + used + rests, inner + " " * 10, f"{inner}{MARK[condition['truth']]} ")
        if not step["conditions"]:
            lines.append(f"{inner}(no conditions: runs for every case)")
        if step["step"] in leads:
            lines += _wrap("; ".join(dict.fromkeys(leads[step["step"]])), inner + "          ", inner + "led to: ")
    return lines


def why_not_text(why: dict[str, Any]) -> list[str]:
    if not why["rules"]:
        return ["  No rule in this rulebook can conclude it."]
    lines = [f"  {'Concluded' if why['concluded'] else 'Not concluded'}. "
             f"{len(why['rules'])} rule(s) could conclude it:"]
    for rule in why["rules"]:
        lines.append(f"  - {rule['rule']}: {rule['title']} -- {rule_status(rule)}")
        lines += _wrap(rule["rationale"], "          ", "      why: ")
        lines += _wrap(rule["source"], "          ", "      source: ")
        if rule["evidence"]:
            lines += _wrap(rule["evidence"], "          ", "      evidence: ")
        for condition in rule["conditions"]:
            lines += _check_text(condition, "      ")
    return lines


def rule_status(rule: dict[str, Any]) -> str:
    """Whether a rule of a why-not answer fired, and if not, how its conditions stood."""
    return "fired" if rule["fired"] else f"did not fire (conditions {rule['truth']})"


def _check_text(check: dict[str, Any], indent: str) -> list[str]:
    notes = []
    if check["answers"]:
        notes.append(f"case answered {_values(check['answers'])}")
    if check["unanswered"] and check["truth"] == "unknown":
        notes.append(f"not answered: {', '.join(check['unanswered'])}")
    text = check["text"] + (f"  ({'; '.join(notes)})" if notes else "")
    lines = _wrap(text, indent + " " * 10, f"{indent}{MARK[check['truth']]} ")
    if check["found"] and check["truth"] != "held":
        lines += _wrap("; ".join(check["found"]), indent + " " * 12, f"{indent}          concluded instead: ")
    if check["could_hold_if_answered"]:
        lines += _wrap(", ".join(check["could_hold_if_answered"]), indent + " " * 12,
                       f"{indent}          could hold if answered: ")
    for option in check["options"]:
        lines += _check_text(option, indent + "    ")
    return lines


def changes_text(doc: dict[str, Any]) -> list[str]:
    changes = doc["what_would_change"]
    if not changes:
        return ["  Nothing: no unanswered question could add a conclusion."]
    lines = []
    for change in changes:
        lines += _wrap(", ".join(change_fields(change)), " " * 8, f"  {change['target']} could follow from: ")
    lines.append("  Questions to ask (then re-run with --fact FIELD=VALUE):")
    for name, question in questions_to_ask(changes).items():
        lines += _wrap(question, " " * 8, f"    {name}: ")
    return lines


# --------------------------------------------------------------------------- markdown

def _md(text: Any) -> str:
    """Escape what Markdown would otherwise read as markup in running text."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace("_", "\\_") \
        .replace("<", "&lt;").replace(">", "&gt;")


def _code(text: Any) -> str:
    return f"`{str(text).replace('`', '')}`"


MERMAID_WRAP = 44  # characters a Mermaid label line holds before it is wrapped


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def mermaid(graph: dict[str, Any]) -> str:
    """The document's reasoning graph as a Mermaid flowchart, top to bottom, bundled as
    ``graph_view`` draws it: answers -> rules -> conclusions by group, every label wrapped
    onto lines, warnings in their own class."""
    view = graph_view(graph)
    boxes = [box for row in view["rows"] for box in row["boxes"]]
    ids = {box["id"]: f"n{i}" for i, box in enumerate(boxes)}
    lines = ["flowchart TB"]
    for box in boxes:
        text = [*textwrap.wrap(box["title"], MERMAID_WRAP),
                *(piece for line in box["lines"] for piece in textwrap.wrap(line, MERMAID_WRAP))]
        label = "<br/>".join(_mermaid_text(t) for t in text)
        lines.append(f'  {ids[box["id"]]}["{label}"]:::{"warning" if box["warning"] else box["kind"]}')
    lines += [f"  {ids[edge['from']]} --> {ids[edge['to']]}" for edge in view["edges"]]
    lines += ["  classDef answer fill:#e6f0fb,stroke:#2563a8,color:#102a43",
              "  classDef absence fill:#f1f1f1,stroke:#777,color:#333,stroke-dasharray: 4 3",
              "  classDef rule fill:#fff6e0,stroke:#b7791f,color:#3d2b00",
              "  classDef rules fill:#fff6e0,stroke:#b7791f,color:#3d2b00",
              "  classDef group fill:#e3f6ea,stroke:#2f855a,color:#123d25",
              "  classDef warning fill:#fdecec,stroke:#9b2c2c,color:#5c1111,stroke-width:3px"]
    return "\n".join(lines)


def explanation_markdown(doc: dict[str, Any], sections: tuple[str, ...] = SECTIONS) -> str:
    """``sections`` picks the parts shown."""
    case, result = doc["case"], doc["result"]
    case_id = f" ({_code(case['case_id'])})" if case["case_id"] else ""
    out = [f"# How {_md(doc['knowledge_base_name'])} reasoned: {_md(case['label'])}{case_id}", "",
           f"Knowledge base {result['knowledge_base']['version']}, {_code(result['knowledge_base']['digest'])}."]
    if "result" in sections:
        out += ["", "## Result", "", "| conclusion | details |", "| --- | --- |"]
        for group in conclusions_by_group(doc):
            out.append(f"| **{_md(group['title'].upper())}** | |")
            for c in group["conclusions"]:
                mark = "**Warning:** " if c["warning"] else ""
                ways = "<br>".join(" ".join([f"**{_md(t)}**" for t in way["tags"]] + [_md(_note(way, c))]
                                            + [f"({steps_text(way['steps'])})"]).strip() for way in c["ways"])
                out.append(f"| {mark}{_md(c['name'])} {_code(c['target'])} | {ways} |")
        notices = doc["notices"]
        if notices["advice"]:
            out += ["", f"> **{_md(notices['advice']['title'])}.** " + _md(notices["advice"]["text"])]
        for warning in notices["warnings"]:
            out += ["", "> **Warning.** " + _md(warning)]
    if "graph" in sections:
        out += ["", "## Reasoning graph", "",
                "Answers (blue) feed the rules that fired (amber, numbered in firing order), which lead "
                "to the conclusions, by kind (green; warnings red). Grey boxes are stated absences: a "
                "question not answered, or nothing of some kind concluded. Rules of one stage leading "
                "to one kind of conclusion are one box.", "", "```mermaid", mermaid(doc["graph"]), "```"]
    if "why-not" in sections:
        for why in doc["why_not"]:
            out += ["", f"## Why not {_code(why['target'])}?", ""] + _why_not_md(why)
    if "how" in sections:
        out += ["", "## How each conclusion was reached", ""]
        shown: set[int] = set()
        for number, conclusion in enumerate(doc["how"], 1):
            out += [f"{number}. **{_code(conclusion['target'])}**: {_md(conclusion['label'])}"]
            for step in conclusion["derivation"]:
                out += _step_md(step, "   ", shown)
    if "what-would-change" in sections:
        out += ["", "## What would change it", ""]
        changes = doc["what_would_change"]
        if changes:
            out += ["Conclusions not reached that unanswered questions could still lead to:", ""]
            out += [f"- {_code(c['target'])}: {', '.join(_code(f) for f in change_fields(c))}" for c in changes]
            out += ["", "Questions to ask, then re-run with `--fact FIELD=VALUE`:", ""]
            out += [f"- {_code(name)}: {_md(question)}" for name, question in questions_to_ask(changes).items()]
        else:
            out += ["No unanswered question could add a conclusion."]
    if "trace" in sections:
        out += ["", "## Steps, in firing order", "", "| step | rule | matched | asserted |", "| --- | --- | --- | --- |"]
        for firing in doc["trace"]:
            out.append(f"| {firing['step']} | {_code(firing['rule'])} {_md(firing['title'])} | "
                       f"{_md('; '.join(matched_text(doc, firing)) or '-')} | "
                       f"{_md('; '.join(fact_text(f) for f in firing['asserted']) or 'nothing new')} |")
    if "answers" in sections:
        out += ["", "## The case's answers", ""]
        out += [f"- {_code(f'{k} = {v}')}" for k, v in case["answers"].items()] or ["- (no answers)"]
        if case["not_known"]:
            out += ["", f"Not answered: {', '.join(_code(f) for f in case['not_known'])}."]
    if "sources" in sections:
        out += ["", "## Sources", ""]
        out += [f"- **[{s['key']}]** {_md(s['citation'])}" + (f" <{s['url']}>" if s["url"] else "")
                for s in doc["sources"]]
    return "\n".join(out) + "\n"


def _step_md(step: dict[str, Any], indent: str, shown: set[int]) -> list[str]:
    head = f"{indent}- step {step['step']} {_code(step['rule'])} {_md(step['title'])}"
    if step["step"] in shown:
        return [head + " (explained above)"]
    shown.add(step["step"])
    inner = indent + "  "
    lines = [head, f"{inner}*Why:* {_md(step['rationale'])} *Source:* {_md(step['source'])}"
             + (f" *Evidence:* {_md(step['evidence'])}" if step["evidence"] else "")]
    for condition in step["conditions"]:
        used = f" (case answer: {_code(_values(condition['answers']))})" if condition["answers"] else ""
        lines.append(f"{inner}- {condition['truth']}: {_md(condition['text'])}{used}")
        for support in condition["supported_by"]:
            lines += _step_md(support, inner + "  ", shown)
    if step["counted"]:
        lines.append(f"{inner}- counted {len(step['counted'])} fact(s):")
        for counted in step["counted"]:
            lines += _step_md(counted, inner + "  ", shown)
    return lines


def _why_not_md(why: dict[str, Any]) -> list[str]:
    if not why["rules"]:
        return ["No rule in this rulebook can conclude it."]
    lines = [f"{'Concluded' if why['concluded'] else 'Not concluded'}; {len(why['rules'])} rule(s) could conclude it.",
             ""]
    for rule in why["rules"]:
        lines.append(f"- {_code(rule['rule'])} {_md(rule['title'])}: **{rule_status(rule)}**. "
                     f"*Why:* {_md(rule['rationale'])} *Source:* {_md(rule['source'])}"
                     + (f" *Evidence:* {_md(rule['evidence'])}" if rule["evidence"] else ""))
        for condition in rule["conditions"]:
            lines += _check_md(condition, "  ")
    return lines


def _check_md(check: dict[str, Any], indent: str) -> list[str]:
    notes = []
    if check["answers"]:
        notes.append(f"case answered {_code(_values(check['answers']))}")
    if check["unanswered"] and check["truth"] == "unknown":
        notes.append("not answered: " + ", ".join(_code(f) for f in check["unanswered"]))
    if check["found"] and check["truth"] != "held":
        notes.append("concluded instead: " + _md("; ".join(check["found"])))
    if check["could_hold_if_answered"]:
        notes.append("could hold if answered: " + ", ".join(_code(f) for f in check["could_hold_if_answered"]))
    lines = [f"{indent}- **{check['truth']}**: {_md(check['text'])}" + (f" ({'; '.join(notes)})" if notes else "")]
    for option in check["options"]:
        lines += _check_md(option, indent + "  ")
    return lines

