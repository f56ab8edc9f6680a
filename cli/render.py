"""Formatting results and the vocabulary for people, and checking expected outcomes."""
from __future__ import annotations

import textwrap
from typing import Any

from engine.rulebook import KnowledgeBase
from engine.vocabulary import Choice

WIDTH = 88
PRESSING_URGENCIES = ("emergency", "urgent")  # contract: these withhold exercise advice


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def _rule_line(kb: KnowledgeBase, rule_id: str) -> str:
    title = kb.rule(rule_id).title if kb.has_rule(rule_id) else "(not in this rulebook)"
    return f"    {rule_id}: {title}"


def result_text(kb: KnowledgeBase, label: str, result: dict[str, Any]) -> str:
    lines = [f"== {label}"]
    if result["case_id"]:
        lines[0] += f" [{result['case_id']}]"
    urgency = result["urgency"]
    lines.append(f"Urgency: {urgency.upper()}")
    for condition in result["red_flag_conditions"]:
        signs = ", ".join(f"{s['id']} ({s['urgency']})" for s in condition["signs"])
        lines.append(f"  RED FLAG {condition['name']} [{condition['condition']}], "
                     f"{condition['urgency'].upper()}: {signs}")
        lines.extend(_rule_line(kb, r) for r in condition["rules"])
    responder = result["responder"]
    lines.append(f"Responder type: {responder['type']}")
    lines.append(textwrap.fill("Basis: " + responder["basis"], WIDTH, initial_indent="  ",
                               subsequent_indent="    "))
    lines.append("  evidence for:" if responder["for"] else "  evidence for: none")
    lines.extend(_rule_line(kb, r) for r in responder["for"])
    lines.append("  evidence against:" if responder["against"] else "  evidence against: none")
    lines.extend(_rule_line(kb, r) for r in responder["against"])
    if result["possible_causes"]:
        lines.append("Possible causes to discuss with a clinician (not a diagnosis):")
        for cause in result["possible_causes"]:
            lines.append(f"  - {cause['name']} [{cause['id']}]: {', '.join(cause['rules'])}")
            lines.append(_wrap(cause["description"], "      "))
    else:
        lines.append("Possible causes: none suggested by the answers given")
    exercises = result["exercises"]
    for kind, heading in (("recommended", "Exercises that may suit"),
                          ("caution", "Exercises to do with care"),
                          ("avoid", "Exercises to avoid")):
        if exercises[kind]:
            lines.append(f"{heading}:")
            for entry in exercises[kind]:
                reason = f": {entry['reason']}" if entry.get("reason") else ""
                lines.append(f"  - {entry['id']}{reason}")
    if not any(exercises.values()):
        if result["urgency"] in PRESSING_URGENCIES:
            lines.append("Exercises: withheld until a clinician has assessed the red flags above")
        else:
            lines.append("Exercises: none suggested")
    if result["self_care"]:
        lines.append("Self-care for everyone with low back pain (NICE NG59):")
        lines.extend(textwrap.fill(item["advice"], WIDTH, initial_indent="  - ",
                                   subsequent_indent="    ") for item in result["self_care"])
    risk = result["psychosocial_risk"]
    lines.append(textwrap.fill(
        f"Psychosocial risk (STarT Back): {risk['group']}"
        + (f"; items not answered: {', '.join(risk['missing'])}" if risk["missing"] else ""),
        WIDTH, subsequent_indent="    "))
    lines.append(_wrap(risk["note"], "  "))
    if result["warnings"]:
        lines.append("Warnings:")
        lines.extend(textwrap.fill(w, WIDTH, initial_indent="  - ", subsequent_indent="    ")
                     for w in result["warnings"])
    lines.append("Professional assessment:")
    lines.append(_wrap(result["professional_assessment"]["text"]))
    return "\n".join(lines)


def compare(expected: dict[str, Any], result: dict[str, Any],
            kb: KnowledgeBase | None = None) -> list[str]:
    """Differences between an annotated case's expected outcome and its result.  With
    ``kb``, a rule id the rulebook does not have is a problem too (an expectation about a
    rule that no longer exists would pass without testing anything)."""
    actual = {
        "responder": result["responder"]["type"],
        "urgency": result["urgency"],
        "possible_causes": sorted(c["id"] for c in result["possible_causes"]),
        "red_flags": sorted({f["condition"] for f in result["red_flags"]}),
        "recommended": sorted(e["id"] for e in result["exercises"]["recommended"]),
        "avoid": sorted(e["id"] for e in result["exercises"]["avoid"]),
        "caution": sorted(e["id"] for e in result["exercises"]["caution"]),
        "psychosocial_risk": result["psychosocial_risk"]["group"],
        "self_care": sorted(item["id"] for item in result["self_care"]),
    }
    problems = []
    for key in ("rules_fired", "rules_not_fired"):
        unknown = [r for r in expected.get(key, []) if kb is not None and not kb.has_rule(r)]
        if unknown:
            problems.append(f"{key} names rules this rulebook does not have: {unknown}")
    for key, wanted in expected.items():
        if key == "rules_fired":
            missing = [r for r in wanted if r not in result["fired_rules"]]
            if missing:
                problems.append(f"rules expected to fire did not: {missing}")
        elif key == "rules_not_fired":
            fired = [r for r in wanted if r in result["fired_rules"]]
            if fired:
                problems.append(f"rules expected not to fire did: {fired}")
        elif key in ("warned_about", "not_warned_about"):
            open_fields = {entry["field"] for entry in result["open_questions"]}
            wrong = [f for f in wanted if (f in open_fields) != (key == "warned_about")]
            if wrong:
                problems.append(f"unanswered questions expected {'' if key == 'warned_about' else 'not '}"
                                f"to be warned about: {wrong}")
        elif key in actual:
            got = actual[key]
            want = sorted(wanted) if isinstance(wanted, list) else wanted
            if got != want:
                problems.append(f"{key}: expected {want}, got {got}")
        else:
            problems.append(f"unknown expectation {key!r} (known: {sorted(actual)}, "
                            "rules_fired, rules_not_fired, warned_about, not_warned_about)")
    return problems


def vocabulary_dicts(kb: KnowledgeBase) -> list[dict[str, Any]]:
    fields = []
    for spec in kb.vocabulary:
        kind = spec.kind
        fields.append({
            "field": spec.name,
            "kind": kind.name if isinstance(kind, Choice) else type(kind).__name__.lower(),
            "allowed": kind.allowed(),
            "spellings": dict(kind.spellings) if isinstance(kind, Choice) else None,
            "meaning": spec.meaning,
            "question": spec.question,
            "help": spec.help,
            "group": spec.group,
            # the question's dependency: asked only when this holds; answers that presume it
            "asked_only_when": spec.premise.wording if spec.premise else None,
            "presumed_by": list(spec.premise.presumed_by) if spec.premise else None,
        })
    return fields


def vocabulary_text(kb: KnowledgeBase) -> str:
    lines = ["Every field is optional (case_id is required in batch files). Blank, 'unknown'",
             "or null means not known, which is never the same as 'no'.", ""]
    for entry in vocabulary_dicts(kb):
        lines.append(f"{entry['field']}  ({entry['kind']}: {', '.join(entry['allowed'])})")
        lines.append(_wrap(entry["meaning"], "    "))
        lines.append(_wrap("Ask: " + entry["question"], "    "))
        if entry["asked_only_when"]:
            lines.append(_wrap(f"Asked only when {entry['asked_only_when']}; answering "
                               f"{' or '.join(entry['presumed_by'])} otherwise is refused as a "
                               "contradiction.", "    "))
    return "\n".join(lines)
