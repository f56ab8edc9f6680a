"""The rulebook document (``engine.rulebook_doc.rulebook_document``) as text for a
terminal and as Markdown, a reference for clinical review.  Both read only the document,
so every face shows the same rulebook."""
from __future__ import annotations

import re
import textwrap
from typing import Any

WIDTH = 88
LABEL_WIDTH = 10  # "evidence: " keeps the text format's values in one column
ALWAYS = "always, once the earlier phases have run"


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


def rulebook_text(doc: dict[str, Any], fuller: str = "") -> str:
    """``fuller`` tells where the reading guide and catalogues are (a face's own words)."""
    lines = [doc["title"], _header(doc),
             "A rule fires when every one of its 'when' lines holds. Conditions hold only on",
             "explicit answers: an answer that is not known is never the same as 'no'."]
    lines += [fuller] if fuller else []
    for topic in doc["topics"]:
        lines += ["", f"== {topic['title']} ({_count(len(topic['rules']))})"]
        for entry in topic["rules"]:
            lines += ["", f"{entry['id']}  {entry['title']}",
                      _field("phase", f"{entry['phase']} ({entry['salience']})")]
            lines += [_field("when", c) for c in entry["when"]] or [_field("when", ALWAYS)]
            lines += [_field("then", a) for a in entry["then"]]
            lines += [_field("why", entry["rationale"]), _field("source", entry["source"])]
            if entry["evidence"]:
                lines.append(_field("evidence", entry["evidence"]))
    lines += ["", "== References"]
    for ref in doc["references"]:
        lines.append(textwrap.fill(f"{ref['citation']} {ref['url']}".strip(), WIDTH,
                                   initial_indent=f"  [{ref['key']}] ", subsequent_indent="    "))
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
    lines += ["", "## Contents", ""]
    for topic in doc["topics"]:
        lines.append(f"- [{topic['title']}](#{_anchor(topic['title'])}): {_count(len(topic['rules']))}")
    if doc["catalogues"]:
        lines.append("- [Catalogues](#catalogues): " + ", ".join(
            f"[{c['title']}](#{_anchor(c['title'])})" for c in doc["catalogues"]))
    lines += ["- [References](#references)", ""]
    for topic in doc["topics"]:
        lines += [f"## {topic['title']}", ""]
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
    for ref in doc["references"]:
        url = f" <{ref['url']}>" if ref["url"] else ""
        lines.append(f'- <a id="ref-{ref["key"]}"></a>**[{ref["key"]}]** {ref["citation"]}{url}')
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
