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


# --------------------------------------------------------------------------- text

def explanation_text(doc: dict[str, Any], heading: str = "explanation") -> str:
    """``heading`` names what produced it (the command line says "lbp explain")."""
    case, result, notices = doc["case"], doc["result"], doc["notices"]
    lines = [f"== {heading}: {case['label']}" + (f" [{case['case_id']}]" if case["case_id"] else ""),
             f"knowledge base {result['knowledge_base']['version']} {result['knowledge_base']['digest']}",
             "", "RESULT"]
    for conclusion in doc["how"]:
        tags = conclusion["tags"]
        lines.append(f"  {conclusion['target']}" + (f" ({', '.join(tags)})" if tags else ""))
        if conclusion["note"]:
            lines += _wrap(conclusion["note"], " " * 8)
    for warning in notices["warnings"]:
        lines += _wrap(warning, "    ", "  Warning: ")
    if notices["advice"]:
        lines += ["", notices["advice"]["title"].upper()] + _wrap(notices["advice"]["text"], "  ")
    for why in doc["why_not"]:
        lines += ["", f"WHY NOT {why['target']}"] + why_not_text(why)
    lines += ["", "HOW EACH CONCLUSION WAS REACHED"] + how_text(doc)
    lines += ["", "WHAT WOULD CHANGE IT (questions the case left unanswered)"] + changes_text(doc)
    lines += ["", f"STEPS ({len(doc['trace'])} rule firings, in the order experta fired them)"]
    for firing in doc["trace"]:
        lines.append(f"  {firing['step']:>3}. {firing['rule']}: {firing['title']}")
        lines += _wrap("; ".join(matched_text(doc, firing)) or "-", " " * 16, "       matched:  ")
        lines += _wrap("; ".join(fact_text(f) for f in firing["asserted"]) or "nothing new",
                       " " * 16, "       asserted: ")
        if firing["retracted"]:
            lines += _wrap("; ".join(fact_text(f) for f in firing["retracted"]), " " * 16, "       retracted: ")
    lines += ["", "SOURCES cited by the rules that fired"]
    for source in doc["sources"]:
        lines += _wrap(source["citation"] + (f" {source['url']}" if source["url"] else ""), "      ",
                       f"  [{source['key']}] ")
    return "\n".join(lines)


def how_text(doc: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    shown: set[int] = set()
    for number, conclusion in enumerate(doc["how"], 1):
        lines.append(f"  {number}. {conclusion['target']}: {conclusion['label']}")
        for step in conclusion["derivation"]:
            lines += _step_text(step, "     ", shown)
    return lines


def _step_text(step: dict[str, Any], indent: str, shown: set[int]) -> list[str]:
    head = f"{indent}<- step {step['step']} {step['rule']}: {step['title']}"
    if step["step"] in shown:
        return [head + " (explained above)"]
    shown.add(step["step"])
    lines = [head]
    inner = indent + "     "
    lines += _wrap(step["rationale"], inner + "     ", inner + "why: ")
    lines += _wrap(step["source"], inner + "     ", inner + "source: ")
    if step["evidence"]:
        lines += _wrap(step["evidence"], inner + "     ", inner + "evidence: ")
    for condition in step["conditions"]:
        used = f"  (case answer: {_values(condition['answers'])})" if condition["answers"] else ""
        lines += _wrap(condition["text"] + used, inner + " " * 10, f"{inner}{MARK[condition['truth']]} ")
        for support in condition["supported_by"]:
            lines += _step_text(support, inner + "   ", shown)
    if step["counted"]:
        lines.append(f"{inner}counted {len(step['counted'])} fact(s):")
        for counted in step["counted"]:
            lines += _step_text(counted, inner + "   ", shown)
    elif not step["conditions"]:
        lines.append(f"{inner}(no conditions: runs for every case)")
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


def mermaid(graph: dict[str, Any]) -> str:
    """The document's reasoning graph as a Mermaid flowchart: answers -> rules -> conclusions."""
    ids = {node["id"]: f"n{i}" for i, node in enumerate(graph["nodes"])}
    lines = ["flowchart LR"]
    for node in graph["nodes"]:
        label = node["label"].replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
        lines.append(f'  {ids[node["id"]]}["{label}"]:::{node["kind"]}')
    lines += [f"  {ids[edge['from']]} --> {ids[edge['to']]}" for edge in graph["edges"]]
    lines += ["  classDef answer fill:#e6f0fb,stroke:#2563a8,color:#102a43",
              "  classDef absence fill:#f1f1f1,stroke:#777,color:#333,stroke-dasharray: 4 3",
              "  classDef rule fill:#fff6e0,stroke:#b7791f,color:#3d2b00",
              "  classDef conclusion fill:#e3f6ea,stroke:#2f855a,color:#123d25"]
    return "\n".join(lines)


def explanation_markdown(doc: dict[str, Any]) -> str:
    case, result = doc["case"], doc["result"]
    case_id = f" ({_code(case['case_id'])})" if case["case_id"] else ""
    out = [f"# How {_md(doc['knowledge_base_name'])} reasoned: {_md(case['label'])}{case_id}", "",
           f"Knowledge base {result['knowledge_base']['version']}, {_code(result['knowledge_base']['digest'])}.",
           "", "## Result", "", "| conclusion | details |", "| --- | --- |"]
    out += [f"| {_code(c['target'])} | {' '.join([f'**{_md(t)}**' for t in c['tags']] + [_md(c['note'])]).strip()} |"
            for c in doc["how"]]
    notices = doc["notices"]
    if notices["advice"]:
        out += ["", f"> **{_md(notices['advice']['title'])}.** " + _md(notices["advice"]["text"])]
    for warning in notices["warnings"]:
        out += ["", "> **Warning.** " + _md(warning)]
    out += ["", "## The case's answers", ""]
    out += [f"- {_code(f'{k} = {v}')}" for k, v in case["answers"].items()] or ["- (no answers)"]
    if case["not_known"]:
        out += ["", f"Not answered: {', '.join(_code(f) for f in case['not_known'])}."]
    out += ["", "## Reasoning graph", "",
            "Answers (blue) feed the rules that fired (amber, numbered in firing order), which lead "
            "to conclusions (green). Grey boxes are stated absences: a question not answered, or "
            "nothing of some kind concluded.", "", "```mermaid", mermaid(doc["graph"]), "```"]
    for why in doc["why_not"]:
        out += ["", f"## Why not {_code(why['target'])}?", ""] + _why_not_md(why)
    out += ["", "## How each conclusion was reached", ""]
    shown: set[int] = set()
    for number, conclusion in enumerate(doc["how"], 1):
        out += [f"{number}. **{_code(conclusion['target'])}**: {_md(conclusion['label'])}"]
        for step in conclusion["derivation"]:
            out += _step_md(step, "   ", shown)
    out += ["", "## What would change it", ""]
    changes = doc["what_would_change"]
    if changes:
        out += ["Conclusions not reached that unanswered questions could still lead to:", ""]
        out += [f"- {_code(c['target'])}: {', '.join(_code(f) for f in change_fields(c))}" for c in changes]
        out += ["", "Questions to ask, then re-run with `--fact FIELD=VALUE`:", ""]
        out += [f"- {_code(name)}: {_md(question)}" for name, question in questions_to_ask(changes).items()]
    else:
        out += ["No unanswered question could add a conclusion."]
    out += ["", "## Steps, in firing order", "", "| step | rule | matched | asserted |", "| --- | --- | --- | --- |"]
    for firing in doc["trace"]:
        out.append(f"| {firing['step']} | {_code(firing['rule'])} {_md(firing['title'])} | "
                   f"{_md('; '.join(matched_text(doc, firing)) or '-')} | "
                   f"{_md('; '.join(fact_text(f) for f in firing['asserted']) or 'nothing new')} |")
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

