"""``lbp rules``: the rulebook as text, markdown (a reviewable reference) or JSON."""
from __future__ import annotations

import dataclasses
import difflib
import json
import re
import textwrap
from typing import Any

import click

import engine
from cli.main import lbp, output_format
from engine.rulebook import KnowledgeBase
from engine.rulebook_doc import catalogue_entries, cited_keys, rule_entries

WIDTH = 88
LABEL_WIDTH = 10  # "evidence: " — keeps the text format's values in one column
ALWAYS = "always, once the earlier phases have run"


def _reference():
    """The bundled knowledge base's reading guide, phases and catalogues."""
    from knowledge import reference
    return reference


def _known_topic(ctx, param, value):
    if value is None:
        return None
    topics = list(engine.load_knowledge_base().topics)
    if value in topics:
        return value
    close = difflib.get_close_matches(value.strip().lower(), topics, n=1, cutoff=0.5)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise click.BadParameter(f"no topic {value!r}{hint}; topics are: {', '.join(topics)}",
                             ctx=ctx, param=param)


@lbp.command()
@click.option("--topic", callback=_known_topic, metavar="TOPIC",
              help="Only the rules of this topic: responder, causes, exercises or safety "
                   "(an unknown key is refused with a suggestion).")
@output_format("text", "markdown", "json")
def rules(topic, fmt):
    """Print every rule: conditions and conclusions in plain words, rationale, source.

    The markdown format is a reference for clinical review: a reading guide, contents,
    every rule, the catalogues of causes, exercises and red flags, and full references.
    """
    kb = engine.load_knowledge_base()
    reference = _reference()
    topics = list(kb.topics) if topic is None else [topic]
    entries = rule_entries(kb, reference.PHASES, topics)
    if fmt == "json":
        click.echo(json.dumps(entries, indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        click.echo(rulebook_markdown(kb, reference, topics, entries), nl=False)
    else:
        click.echo(rulebook_text(kb, reference, topics, entries))


def _count(n: int) -> str:
    return f"{n} rule" if n == 1 else f"{n} rules"


def _header(kb: KnowledgeBase) -> str:
    return f"knowledge base {kb.version}, digest {kb.digest}"


def _by_topic(topics: list[str], entries: list[dict[str, Any]]) -> list[tuple[str, list[dict]]]:
    return [(topic, [e for e in entries if e["topic"] == topic]) for topic in topics]


# --- text --------------------------------------------------------------------------------

def _field(label: str, text: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=f"  {label + ':':<{LABEL_WIDTH}}",
                         subsequent_indent=" " * (LABEL_WIDTH + 2))


def rulebook_text(kb: KnowledgeBase, reference, topics: list[str],
                  entries: list[dict[str, Any]]) -> str:
    lines = [reference.TITLE, _header(kb),
             "A rule fires when every one of its 'when' lines holds. Conditions hold only on",
             "explicit answers: an answer that is not known is never the same as 'no'.",
             "(--format markdown adds the reading guide and the catalogues.)"]
    for topic, members in _by_topic(topics, entries):
        lines += ["", f"== {kb.topics[topic]} ({_count(len(members))})"]
        for entry in members:
            lines += ["", f"{entry['id']}  {entry['title']}",
                      _field("phase", f"{entry['phase']} ({entry['salience']})")]
            lines += [_field("when", c) for c in entry["when"]] or [_field("when", ALWAYS)]
            lines += [_field("then", a) for a in entry["then"]]
            lines += [_field("why", entry["rationale"]), _field("source", entry["source"])]
            if entry["evidence"]:
                lines.append(_field("evidence", entry["evidence"]))
    lines += ["", "== References"]
    for key in cited_keys(kb, [e["source"] for e in entries]):
        lines.append(textwrap.fill(_full_reference(kb, key), WIDTH, initial_indent=f"  [{key}] ",
                                   subsequent_indent="    "))
    return "\n".join(lines)


def _full_reference(kb: KnowledgeBase, key: str) -> str:
    source = kb.sources[key]
    return f"{source.citation} {source.url}".strip()


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
    if dataclasses.is_dataclass(value):
        return "; ".join(f"{f.name.replace('_', ' ')}: {_words(getattr(value, f.name))}"
                         for f in dataclasses.fields(value))
    return str(value)


def _md_field(label: str, value: Any) -> list[str]:
    """One catalogue field: sentences (steps) numbered, records bulleted, short items inline."""
    if isinstance(value, (list, tuple)):
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
        if name in shown or value is None or value in ("", (), []):
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


def rulebook_markdown(kb: KnowledgeBase, reference, topics: list[str],
                      entries: list[dict[str, Any]]) -> str:
    """The whole rulebook, or some topics of it (then without the catalogues)."""
    full = topics == list(kb.topics)
    grouped = _by_topic(topics, entries)
    catalogues = ([(c.title, catalogue_entries(kb, c)) for c in reference.CATALOGUES]
                  if full else [])
    cited_texts = [e["source"] for e in entries] + [
        item.get("source", "") for _, items in catalogues for item in items]
    lines = [f"# {reference.TITLE}", "",
             f"Knowledge base **{kb.version}**, digest `{kb.digest}`; "
             + _count(len(entries)) + ("" if full else " (topics: " + ", ".join(topics) + ")")
             + ".", "",
             "## How to read this rulebook", ""]
    for paragraph in reference.INTRO:
        lines += [paragraph, ""]
    lines += ["| phase | order | what it does |", "| --- | --- | --- |"]
    order = sorted(reference.PHASES.values(), key=lambda p: -p.salience)
    lines += [f"| {p.name} | {i} | {p.description} |" for i, p in enumerate(order, 1)]
    lines += ["", "## Contents", ""]
    for topic, members in grouped:
        title = kb.topics[topic]
        lines.append(f"- [{title}](#{_anchor(title)}): {_count(len(members))}")
    if catalogues:
        lines.append("- [Catalogues](#catalogues): " + ", ".join(
            f"[{title}](#{_anchor(title)})" for title, _ in catalogues))
    lines += ["- [References](#references)", ""]
    for topic, members in grouped:
        lines += [f"## {kb.topics[topic]}", ""]
        for entry in members:
            lines += _md_rule(entry)
        if not members:
            lines += ["No rules in this topic yet.", ""]
    if catalogues:
        lines += ["## Catalogues", "",
                  "What the ids in the rules' conclusions stand for, and which rules conclude "
                  "each one.", ""]
        for title, items in catalogues:
            lines += [f"### {title}", ""]
            for item in items:
                lines += _md_catalogue_entry(item)
    lines += ["## References", ""]
    for key in cited_keys(kb, cited_texts):
        source = kb.sources[key]
        url = f" <{source.url}>" if source.url else ""
        lines.append(f'- <a id="ref-{key}"></a>**[{key}]** {source.citation}{url}')
    return "\n".join(lines).rstrip() + "\n"
