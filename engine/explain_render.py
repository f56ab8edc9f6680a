"""An explanation as text (for a terminal) and as Markdown (for handouts, with a Mermaid
diagram of the reasoning graph).  Both read the same ``Explanation``; the JSON document is
``Explanation.to_dict`` and the HTML report is in ``engine/report_html.py``.

In the derivations a step's rationale and source are printed where the step first
appears; later mentions point back to it by step number, so a shared step (the responder
type feeds every exercise) is read once.
"""
from __future__ import annotations

import textwrap
from typing import Any, Iterable

from engine.conditions import Truth
from engine.explain import Change, ConditionCheck, Explanation, Step, Target, WhyNot
from engine.runner import Firing, fact_values

WIDTH = 92
MARK = {Truth.HELD: "[held]   ", Truth.FAILED: "[failed] ", Truth.UNKNOWN: "[unknown]"}


def _wrap(text: str, indent: str, first: str | None = None) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=first if first is not None else indent,
                         subsequent_indent=indent) or [indent.rstrip()]


def _values(values: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in values.items())


def fact_text(fact, fields: Iterable[str] | None = None) -> str:
    """``Case #1 (sitting=worse)``; ``fields`` limits which values are shown."""
    values = fact_values(fact) if fields is None else {
        k: v for k, v in fact_values(fact).items() if k in set(fields)}
    shown = f" ({_values(values)})" if values else ""
    return f"{type(fact).__name__} #{fact['__factid__']}{shown}"


def matched_text(explanation: Explanation, firing: Firing) -> list[str]:
    """The facts a firing matched; the case fact shows only the answers the rule reads."""
    shown = []
    for fact in firing.matched:
        if type(fact) is explanation.kb.case_fact:
            shown.append(fact_text(fact, firing.rule.answer_fields()))
        elif type(fact).__name__ != "InitialFact":  # experta's own marker fact, not evidence
            shown.append(fact_text(fact))
    return shown


SHORT_VALUE = 24  # characters: a value this short is a tag (e.g. caution), a longer one a note


def summary_lines(explanation: Explanation) -> list[tuple[str, list[str], str]]:
    """(target, short tags, longer note) for every conclusion of the result, e.g.
    ("exercise=cat_cow", ["caution"], "why it needs care"); with nothing more to say than
    the target, the note is the conclusion in plain words."""
    lines = []
    for conclusion in explanation.conclusions():
        key = explanation.kb.targets[conclusion.target.kind][1]
        extras = [str(v) for k, v in conclusion.values.items() if k != key]
        tags = [v for v in extras if len(v) <= SHORT_VALUE]
        note = " ".join(v for v in extras if len(v) > SHORT_VALUE)
        lines.append((str(conclusion.target), tags, note if tags or note else conclusion.label))
    return lines


def questions_to_ask(changes: list[Change]) -> list[str]:
    seen: dict[str, None] = {}
    for change in changes:
        seen.update(dict.fromkeys(change.fields))
    return list(seen)


# --------------------------------------------------------------------------- text

def explanation_text(explanation: Explanation, why_not: Iterable[Target] = ()) -> str:
    e = explanation
    result = e.result
    lines = [f"== lbp explain: {e.label}" + (f" [{e.run.case.case_id}]" if e.run.case.case_id else ""),
             f"knowledge base {result['knowledge_base']['version']} {result['knowledge_base']['digest']}",
             "", "RESULT"]
    for target, tags, note in summary_lines(e):
        lines.append(f"  {target}" + (f" ({', '.join(tags)})" if tags else ""))
        if note:
            lines += _wrap(note, " " * 8)
    for warning in result["warnings"]:
        lines += _wrap(warning, "    ", "  Warning: ")
    lines += ["", "PROFESSIONAL ASSESSMENT"] + _wrap(result["professional_assessment"]["text"], "  ")
    for target in why_not:
        lines += ["", f"WHY NOT {target}"] + why_not_text(e.why_not(target))
    lines += ["", "HOW EACH CONCLUSION WAS REACHED"] + how_text(e)
    lines += ["", "WHAT WOULD CHANGE IT (questions the case left unanswered)"] + changes_text(e)
    lines += ["", f"STEPS ({len(e.trace)} rule firings, in the order experta fired them)"]
    for firing in e.trace:
        lines.append(f"  {firing.step:>3}. {firing.rule.id}: {firing.rule.title}")
        lines += _wrap("; ".join(matched_text(e, firing)) or "-", " " * 16, "       matched:  ")
        lines += _wrap("; ".join(fact_text(f) for f in firing.asserted) or "nothing new",
                       " " * 16, "       asserted: ")
        if firing.retracted:
            lines += _wrap("; ".join(fact_text(f) for f in firing.retracted), " " * 16, "       retracted: ")
    lines += ["", "SOURCES cited by the rules that fired"]
    for source in e.cited_sources():
        lines += _wrap(source.citation + (f" {source.url}" if source.url else ""), "      ", f"  [{source.key}] ")
    return "\n".join(lines)


def how_text(explanation: Explanation) -> list[str]:
    lines: list[str] = []
    shown: set[int] = set()
    for number, conclusion in enumerate(explanation.conclusions(), 1):
        lines.append(f"  {number}. {conclusion.target}: {conclusion.label}")
        for step in conclusion.steps:
            lines += _step_text(step, "     ", shown)
    return lines


def _step_text(step: Step, indent: str, shown: set[int]) -> list[str]:
    head = f"{indent}<- step {step.firing.step} {step.rule.id}: {step.rule.title}"
    if step.firing.step in shown:
        return [head + " (explained above)"]
    shown.add(step.firing.step)
    lines = [head]
    inner = indent + "     "
    lines += _wrap(step.rule.rationale, inner + "     ", inner + "why: ")
    lines += _wrap(step.rule.source, inner + "     ", inner + "source: ")
    if step.rule.evidence:
        lines += _wrap(step.rule.evidence, inner + "     ", inner + "evidence: ")
    for condition in step.conditions:
        used = f"  (case answer: {_values(condition.answers)})" if condition.answers else ""
        lines += _wrap(condition.text + used, inner + " " * 10, f"{inner}{MARK[condition.truth]} ")
        for support in condition.supports:
            lines += _step_text(support, inner + "   ", shown)
    if step.counted:
        lines.append(f"{inner}counted {len(step.counted)} fact(s):")
        for counted in step.counted:
            lines += _step_text(counted, inner + "   ", shown)
    elif not step.conditions:
        lines.append(f"{inner}(no conditions: runs for every case)")
    return lines


def why_not_text(why: WhyNot) -> list[str]:
    if not why.rules:
        return ["  No rule in this rulebook can conclude it."]
    lines = [f"  {'Concluded' if why.concluded else 'Not concluded'}. "
             f"{len(why.rules)} rule(s) could conclude it:"]
    for check in why.rules:
        status = "fired" if check.fired else f"did not fire (conditions {check.truth.value})"
        lines.append(f"  - {check.rule.id}: {check.rule.title} -- {status}")
        lines += _wrap(check.rule.rationale, "          ", "      why: ")
        lines += _wrap(check.rule.source, "          ", "      source: ")
        if check.rule.evidence:
            lines += _wrap(check.rule.evidence, "          ", "      evidence: ")
        for condition in check.conditions:
            lines += _check_text(condition, "      ")
    return lines


def _check_text(check: ConditionCheck, indent: str) -> list[str]:
    notes = []
    if check.answers:
        notes.append(f"case answered {_values(check.answers)}")
    if check.unanswered and check.truth is Truth.UNKNOWN:
        notes.append(f"not answered: {', '.join(check.unanswered)}")
    text = check.text + (f"  ({'; '.join(notes)})" if notes else "")
    lines = _wrap(text, indent + " " * 10, f"{indent}{MARK[check.truth]} ")
    if check.found and check.truth is not Truth.HELD:
        lines += _wrap("; ".join(check.found), indent + " " * 12, f"{indent}          concluded instead: ")
    if check.could_hold_if_answered:
        lines += _wrap(", ".join(check.could_hold_if_answered), indent + " " * 12,
                       f"{indent}          could hold if answered: ")
    for option in check.options:
        lines += _check_text(option, indent + "    ")
    return lines


def changes_text(explanation: Explanation) -> list[str]:
    changes = explanation.what_would_change()
    if not changes:
        return ["  Nothing: no unanswered question could add a conclusion."]
    lines = []
    for change in changes:
        lines += _wrap(", ".join(change.fields), " " * 8, f"  {change.target} could follow from: ")
    lines.append("  Questions to ask (then re-run with --fact FIELD=VALUE):")
    for name in questions_to_ask(changes):
        lines += _wrap(explanation.question(name), " " * 8, f"    {name}: ")
    return lines


# --------------------------------------------------------------------------- markdown

def _md(text: Any) -> str:
    """Escape what Markdown would otherwise read as markup in running text."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace("_", "\\_") \
        .replace("<", "&lt;").replace(">", "&gt;")


def _code(text: Any) -> str:
    return f"`{str(text).replace('`', '')}`"


def mermaid(explanation: Explanation) -> str:
    """The reasoning graph as a Mermaid flowchart: answers -> rules -> conclusions."""
    graph = explanation.graph()
    ids = {node.id: f"n{i}" for i, node in enumerate(graph.nodes)}
    lines = ["flowchart LR"]
    for node in graph.nodes:
        label = node.label.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
        lines.append(f'  {ids[node.id]}["{label}"]:::{node.kind}')
    lines += [f"  {ids[a]} --> {ids[b]}" for a, b in graph.edges]
    lines += ["  classDef answer fill:#e6f0fb,stroke:#2563a8,color:#102a43",
              "  classDef absence fill:#f1f1f1,stroke:#777,color:#333,stroke-dasharray: 4 3",
              "  classDef rule fill:#fff6e0,stroke:#b7791f,color:#3d2b00",
              "  classDef conclusion fill:#e3f6ea,stroke:#2f855a,color:#123d25"]
    return "\n".join(lines)


def explanation_markdown(explanation: Explanation, why_not: Iterable[Target] = ()) -> str:
    e = explanation
    result = e.result
    case_id = f" ({_code(e.run.case.case_id)})" if e.run.case.case_id else ""
    out = [f"# How lbp-screen reasoned: {_md(e.label)}{case_id}", "",
           f"Knowledge base {result['knowledge_base']['version']}, {_code(result['knowledge_base']['digest'])}.",
           "", "## Result", "", "| conclusion | details |", "| --- | --- |"]
    out += [f"| {_code(target)} | {' '.join([f'**{_md(t)}**' for t in tags] + [_md(note)]).strip()} |"
            for target, tags, note in summary_lines(e)]
    out += ["", "> **Professional assessment.** " + _md(result["professional_assessment"]["text"])]
    for warning in result["warnings"]:
        out += ["", "> **Warning.** " + _md(warning)]
    answers = e.answers
    out += ["", "## The case's answers", ""]
    out += [f"- {_code(f'{k} = {v}')}" for k, v in answers.items()] or ["- (no answers)"]
    if e.run.case.not_known:
        out += ["", f"Not answered: {', '.join(_code(f) for f in e.run.case.not_known)}."]
    out += ["", "## Reasoning graph", "",
            "Answers (blue) feed the rules that fired (amber, numbered in firing order), which lead "
            "to conclusions (green). Grey boxes are stated absences: a question not answered, or "
            "nothing of some kind concluded.", "", "```mermaid", mermaid(e), "```"]
    for target in why_not:
        out += ["", f"## Why not {_code(target)}?", ""] + _why_not_md(e.why_not(target))
    out += ["", "## How each conclusion was reached", ""]
    shown: set[int] = set()
    for number, conclusion in enumerate(e.conclusions(), 1):
        out += [f"{number}. **{_code(conclusion.target)}**: {_md(conclusion.label)}"]
        for step in conclusion.steps:
            out += _step_md(step, "   ", shown)
    out += ["", "## What would change it", ""]
    changes = e.what_would_change()
    if changes:
        out += ["Conclusions not reached that unanswered questions could still lead to:", ""]
        out += [f"- {_code(c.target)}: {', '.join(_code(f) for f in c.fields)}" for c in changes]
        out += ["", "Questions to ask, then re-run with `--fact FIELD=VALUE`:", ""]
        out += [f"- {_code(name)}: {_md(e.question(name))}" for name in questions_to_ask(changes)]
    else:
        out += ["No unanswered question could add a conclusion."]
    out += ["", "## Steps, in firing order", "", "| step | rule | matched | asserted |", "| --- | --- | --- | --- |"]
    for firing in e.trace:
        out.append(f"| {firing.step} | {_code(firing.rule.id)} {_md(firing.rule.title)} | "
                   f"{_md('; '.join(matched_text(e, firing)) or '-')} | "
                   f"{_md('; '.join(fact_text(f) for f in firing.asserted) or 'nothing new')} |")
    out += ["", "## Sources", ""]
    out += [f"- **[{s.key}]** {_md(s.citation)}" + (f" <{s.url}>" if s.url else "") for s in e.cited_sources()]
    return "\n".join(out) + "\n"


def _step_md(step: Step, indent: str, shown: set[int]) -> list[str]:
    head = f"{indent}- step {step.firing.step} {_code(step.rule.id)} {_md(step.rule.title)}"
    if step.firing.step in shown:
        return [head + " (explained above)"]
    shown.add(step.firing.step)
    inner = indent + "  "
    lines = [head, f"{inner}*Why:* {_md(step.rule.rationale)} *Source:* {_md(step.rule.source)}"
             + (f" *Evidence:* {_md(step.rule.evidence)}" if step.rule.evidence else "")]
    for condition in step.conditions:
        used = f" (case answer: {_code(_values(condition.answers))})" if condition.answers else ""
        lines.append(f"{inner}- {condition.truth.value}: {_md(condition.text)}{used}")
        for support in condition.supports:
            lines += _step_md(support, inner + "  ", shown)
    if step.counted:
        lines.append(f"{inner}- counted {len(step.counted)} fact(s):")
        for counted in step.counted:
            lines += _step_md(counted, inner + "  ", shown)
    return lines


def _why_not_md(why: WhyNot) -> list[str]:
    if not why.rules:
        return ["No rule in this rulebook can conclude it."]
    lines = [f"{'Concluded' if why.concluded else 'Not concluded'}; {len(why.rules)} rule(s) could conclude it.", ""]
    for check in why.rules:
        status = "fired" if check.fired else f"did not fire (conditions {check.truth.value})"
        lines.append(f"- {_code(check.rule.id)} {_md(check.rule.title)}: **{status}**. "
                     f"*Why:* {_md(check.rule.rationale)} *Source:* {_md(check.rule.source)}"
                     + (f" *Evidence:* {_md(check.rule.evidence)}" if check.rule.evidence else ""))
        for condition in check.conditions:
            lines += _check_md(condition, "  ")
    return lines


def _check_md(check: ConditionCheck, indent: str) -> list[str]:
    notes = []
    if check.answers:
        notes.append(f"case answered {_code(_values(check.answers))}")
    if check.unanswered and check.truth is Truth.UNKNOWN:
        notes.append("not answered: " + ", ".join(_code(f) for f in check.unanswered))
    if check.found and check.truth is not Truth.HELD:
        notes.append("concluded instead: " + _md("; ".join(check.found)))
    if check.could_hold_if_answered:
        notes.append("could hold if answered: " + ", ".join(_code(f) for f in check.could_hold_if_answered))
    lines = [f"{indent}- **{check.truth.value}**: {_md(check.text)}" + (f" ({'; '.join(notes)})" if notes else "")]
    for option in check.options:
        lines += _check_md(option, indent + "  ")
    return lines

