"""The rulebook document (``engine.rulebook_doc.rulebook_document``) as text for a
terminal and as Markdown, a reference for clinical review.  Both read only the document,
so every face shows the same rulebook."""
from __future__ import annotations

import re
import textwrap
from typing import Any

from lbp_screen.engine.decision_table import NO_CONDITION

WIDTH = 88
LABEL_WIDTH = 10  # "evidence: " keeps the text format's values in one column
ALWAYS = "always, once the earlier phases have run"
CELL_WIDTH = 24  # a text decision table's column wraps at this (the longest field name fits)
COLUMN_GAP = "  "
TABLE_INDENT = "  "


def _count(n: int) -> str:
    return f"{n} rule" if n == 1 else f"{n} rules"


def _header(doc: dict[str, Any]) -> str:
    kb = doc["knowledge_base"]
    return f"knowledge base {kb['version']}, digest {kb['digest']}"


def _rules(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [rule for topic in doc["topics"] for rule in topic["rules"]]


# --- text --------------------------------------------------------------------------------

def _field(label: str, text: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=f"  {label + ':':<{LABEL_WIDTH}}",
                         subsequent_indent=" " * (LABEL_WIDTH + 2))


def _cell_text(parts: list[str]) -> str:
    return "; ".join(parts) if parts else NO_CONDITION


def _grid(headers: list[str], rows: list[list[str]], widths: list[int]) -> list[str]:
    """Columns of wrapped text, a rule under the headers, a blank line between rows when a
    row takes more than one line."""
    def block(cells: list[str]) -> list[str]:
        wrapped = [textwrap.wrap(cell, width, break_long_words=True) or [""]
                   for cell, width in zip(cells, widths)]
        height = max(len(w) for w in wrapped)
        return [COLUMN_GAP.join(f"{(w[i] if i < len(w) else ''):<{width}}"
                                for w, width in zip(wrapped, widths)).rstrip()
                for i in range(height)]
    lines = block(headers) + [COLUMN_GAP.join("-" * width for width in widths)]
    blocks = [block(row) for row in rows]
    spaced = any(len(b) > 1 for b in blocks)
    for number, rows_lines in enumerate(blocks):
        lines += ([""] if spaced and number else []) + rows_lines
    return lines


def decision_table_text(table: dict[str, Any], width: int = WIDTH) -> list[str]:
    """A decision table for a terminal: in panels that fit ``width``, each row numbered in
    every panel (the first panel names the rule); cells wrap within their column."""
    rows = table["rows"]
    numbers = [str(i) for i in range(1, len(rows) + 1)]
    number_width = max(1, len(numbers[-1]) if numbers else 1)
    ids = [row["rule"] for row in rows]
    columns = [("rule", ids)] + [
        (column["label"], [_cell_text(row["cells"][i]) for row in rows])
        for i, column in enumerate(table["columns"])]
    room = width - len(TABLE_INDENT) - number_width - len(COLUMN_GAP)
    panels: list[list[tuple[str, list[str], int]]] = [[]]
    used = 0
    for label, cells in columns:
        longest = max([len(label), *(len(c) for c in cells)])
        own = min(longest, room) if label in ("rule", "concludes", "groups") else \
            min(longest, max(CELL_WIDTH, len(label)), room)
        if panels[-1] and used + len(COLUMN_GAP) + own > room:
            panels.append([])
            used = 0
        used += (len(COLUMN_GAP) if panels[-1] else 0) + own
        panels[-1].append((label, cells, own))
    lines: list[str] = []
    for index, panel in enumerate(panels, 1):
        if len(panels) > 1:
            lines += ["", f"{TABLE_INDENT}columns, part {index} of {len(panels)}"]
        headers = ["#"] + [label for label, _, _ in panel]
        grid_rows = [[numbers[r]] + [cells[r] for _, cells, _ in panel] for r in range(len(rows))]
        widths = [number_width] + [own for _, _, own in panel]
        lines += [TABLE_INDENT + line if line else line for line in _grid(headers, grid_rows, widths)]
    return lines


def rule_text(entry: dict[str, Any]) -> list[str]:
    """One rule in full: id and title, phase, conditions, conclusions, rationale, source
    and evidence."""
    lines = [f"{entry['id']}  {entry['title']}",
             _field("phase", f"{entry['phase']} ({entry['salience']})")]
    lines += [_field("when", c) for c in entry["when"]] or [_field("when", ALWAYS)]
    lines += [_field("then", a) for a in entry["then"]]
    lines += [_field("why", entry["rationale"]), _field("source", entry["source"])]
    if entry["evidence"]:
        lines.append(_field("evidence", entry["evidence"]))
    return lines


def _reference_text(key: str, detail: str, citation: str, url: str) -> str:
    text = f"[{key}] " + (f"{detail}: " if detail else "") + f"{citation} {url}".strip()
    return textwrap.fill(text, WIDTH, initial_indent="  ", subsequent_indent="    ")


def one_rule_text(entry: dict[str, Any]) -> str:
    """One rule in full for a terminal (``lbp rules RULE-ID``): its topic, and each source
    with its full reference."""
    lines = rule_text(entry)
    lines.insert(1, _field("topic", f"{entry['topic_title']} ({entry['topic']})"))
    lines += ["", "References"]
    lines += [_reference_text(s["key"], s["detail"], s["citation"], s["url"]) for s in entry["sources"]]
    return "\n".join(lines)


def rulebook_text(doc: dict[str, Any], fuller: str = "") -> str:
    """``fuller`` tells where the reading guide and catalogues are (a face's own words)."""
    lines = [doc["title"], _header(doc),
             "A rule fires when every one of its 'when' lines holds. Conditions hold only on",
             "explicit answers: an answer that is not known is never the same as 'no'."]
    lines += [fuller] if fuller else []
    lines += ["", "Each topic opens with its decision table:"]
    lines += [textwrap.fill(sentence, WIDTH, initial_indent="- ", subsequent_indent="  ")
              for sentence in doc["decision_table_legend"]]
    for topic in doc["topics"]:
        lines += ["", f"== {topic['title']} ({_count(len(topic['rules']))})", "",
                  "-- decision table"]
        lines += decision_table_text(topic["decision_table"])
        for entry in topic["rules"]:
            lines += [""] + rule_text(entry)
    lines += ["", "== References"]
    lines += [_reference_text(ref["key"], "", ref["citation"], ref["url"]) for ref in doc["references"]]
    return "\n".join(lines)


# --- markdown ----------------------------------------------------------------------------

def _anchor(heading: str) -> str:
    """The anchor GitHub and most markdown renderers give a heading."""
    return re.sub(r"[^a-z0-9 _-]", "", heading.lower()).replace(" ", "-")


def _cite(source: str) -> str:
    """A source text with each [key] linked to its entry in the references."""
    return re.sub(r"\[([a-z0-9_]+)\]", r"[\1](#ref-\1)", source)


def _rule_link(rule_id: str) -> str:
    return f"[{rule_id}](#{rule_id.lower()})"


def _md_rule(entry: dict[str, Any]) -> list[str]:
    lines = [f"### {entry['id']}", "", f"**{entry['title']}** · phase *{entry['phase']}*", ""]
    if len(entry["when"]) == 1:
        lines.append(f"- **When:** {entry['when'][0]}")
    elif entry["when"]:
        lines.append("- **When** (all of):")
        lines += [f"  - {c}" for c in entry["when"]]
    else:
        lines.append(f"- **When:** {ALWAYS}")
    if len(entry["then"]) == 1:
        lines.append(f"- **Then:** {entry['then'][0]}")
    else:
        lines.append("- **Then:**")
        lines += [f"  - {a}" for a in entry["then"]]
    lines += [f"- **Why:** {entry['rationale']}", f"- **Source:** {_cite(entry['source'])}"]
    if entry["evidence"]:
        lines.append(f"- **Strength of evidence:** {entry['evidence']}")
    lines.append("")
    return lines


def _md_cell(parts: list[str]) -> str:
    """A table cell: its parts on lines of their own; a | in the text kept literal."""
    return "<br>".join(part.replace("|", "\\|") for part in parts) if parts else NO_CONDITION


def decision_table_markdown(table: dict[str, Any]) -> list[str]:
    """A decision table as a Markdown table, each rule id linked to the rule."""
    lines = ["| rule | " + " | ".join(c["label"] for c in table["columns"]) + " |",
             "| --- " * (len(table["columns"]) + 1) + "|"]
    for row in table["rows"]:
        lines.append(f"| {_rule_link(row['rule'])} | "
                     + " | ".join(_md_cell(cell) for cell in row["cells"]) + " |")
    return lines


def _md_reference(key: str, citation: str, url: str) -> str:
    link = f" <{url}>" if url else ""
    return f'- <a id="ref-{key}"></a>**[{key}]** {citation}{link}'


def one_rule_markdown(entry: dict[str, Any]) -> str:
    """One rule in full as Markdown (``lbp rules RULE-ID --format markdown``), with the
    full reference of each source it cites."""
    lines = _md_rule(entry)
    lines[4:4] = [f"Topic: {entry['topic_title']} (`{entry['topic']}`)", ""]
    lines += ["#### References", ""]
    keys = list(dict.fromkeys(s["key"] for s in entry["sources"]))
    by_key = {s["key"]: s for s in entry["sources"]}
    lines += [_md_reference(key, by_key[key]["citation"], by_key[key]["url"]) for key in keys]
    return "\n".join(lines).rstrip() + "\n"


def _words(value: Any) -> str:
    """A catalogue value inline: yes/no for flags, a nested record as 'field: value' pairs."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return "; ".join(f"{k.replace('_', ' ')}: {_words(v)}" for k, v in value.items())
    return str(value)


def _md_field(label: str, value: Any) -> list[str]:
    """One catalogue field: sentences (steps) numbered, records bulleted, short items inline."""
    if isinstance(value, list):
        if all(isinstance(item, str) for item in value):
            if any(item.rstrip().endswith(".") for item in value):
                return [f"*{label}:*", "", *(f"{i}. {item}" for i, item in enumerate(value, 1)), ""]
            return [f"*{label}:* {', '.join(value)}", ""]
        return [f"*{label}:*", "", *(f"- {_words(item)}" for item in value), ""]
    return [f"*{label}:* {_words(value)}", ""]


def _md_catalogue_entry(entry: dict[str, Any]) -> list[str]:
    lines = [f"#### `{entry['id']}`: {entry['name']}", ""]
    shown = {"id", "name", "rules", "source"}
    for name, value in entry.items():
        if name in shown or value is None or value in ("", [], ()):
            continue
        if name == "description":
            lines += [str(value), ""]
        else:
            lines += _md_field(name.replace("_", " ").capitalize(), value)
    if entry.get("source"):
        lines += [f"*Source:* {_cite(entry['source'])}", ""]
    concluded_by = ", ".join(_rule_link(r) for r in entry["rules"]) or "no rule concludes it"
    lines += [f"*Concluded by:* {concluded_by}", ""]
    return lines


def rulebook_markdown(doc: dict[str, Any]) -> str:
    """The whole rulebook, or some topics of it (then without the catalogues)."""
    rules = _rules(doc)
    kb = doc["knowledge_base"]
    shown_topics = "" if doc["complete"] else (
        " (topics: " + ", ".join(t["topic"] for t in doc["topics"]) + ")")
    lines = [f"# {doc['title']}", "",
             f"Knowledge base **{kb['version']}**, digest `{kb['digest']}`; "
             + _count(len(rules)) + shown_topics + ".", "",
             "## How to read this rulebook", ""]
    for paragraph in doc["intro"]:
        lines += [paragraph, ""]
    lines += ["| phase | order | what it does |", "| --- | --- | --- |"]
    lines += [f"| {p['name']} | {i} | {p['description']} |" for i, p in enumerate(doc["phases"], 1)]
    lines += ["", "Each topic opens with its decision table:", ""]
    lines += [f"- {sentence}" for sentence in doc["decision_table_legend"]]
    lines += ["", "## Contents", ""]
    for topic in doc["topics"]:
        lines.append(f"- [{topic['title']}](#{_anchor(topic['title'])}): {_count(len(topic['rules']))}")
    if doc["catalogues"]:
        lines.append("- [Catalogues](#catalogues): " + ", ".join(
            f"[{c['title']}](#{_anchor(c['title'])})" for c in doc["catalogues"]))
    lines += ["- [References](#references)", ""]
    for topic in doc["topics"]:
        lines += [f"## {topic['title']}", ""]
        if topic["rules"]:
            lines += [f"### Decision table: {topic['title']}", ""]
            lines += decision_table_markdown(topic["decision_table"]) + [""]
        for entry in topic["rules"]:
            lines += _md_rule(entry)
        if not topic["rules"]:
            lines += ["No rules in this topic yet.", ""]
    if doc["catalogues"]:
        lines += ["## Catalogues", "",
                  "What the ids in the rules' conclusions stand for, and which rules conclude "
                  "each one.", ""]
        for catalogue in doc["catalogues"]:
            lines += [f"### {catalogue['title']}", ""]
            for item in catalogue["entries"]:
                lines += _md_catalogue_entry(item)
    lines += ["## References", ""]
    lines += [_md_reference(ref["key"], ref["citation"], ref["url"]) for ref in doc["references"]]
    return "\n".join(lines).rstrip() + "\n"


# --- the vocabulary ----------------------------------------------------------------------

def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def vocabulary_text(fields: list[dict[str, Any]]) -> str:
    """The vocabulary document (``ScreeningService.vocabulary``) for a terminal."""
    lines = ["Every field is optional (case_id is required in batch files). Blank, 'unknown'",
             "or null means not known, which is never the same as 'no'.", ""]
    for entry in fields:
        lines.append(f"{entry['field']}  ({entry['kind']}: {', '.join(entry['allowed'])})")
        lines.append(_wrap(entry["meaning"], "    "))
        lines.append(_wrap("Ask: " + entry["question"], "    "))
        if entry["asked_only_when"]:
            lines.append(_wrap(f"Asked only when {entry['asked_only_when']}; answering "
                               f"{' or '.join(entry['presumed_by'])} otherwise is refused as a "
                               "contradiction.", "    "))
    return "\n".join(lines)
