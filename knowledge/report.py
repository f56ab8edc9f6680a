"""This knowledge base's result in words, for a terminal (``lbp screen``, the interview),
and the interview's stopping policy: an emergency ends the questions at once."""
from __future__ import annotations

import textwrap
from typing import Any, Callable, Mapping

from lbp_screen.knowledge.result import PRESSING_URGENCIES

WIDTH = 88
EMERGENCY = "emergency"  # the most pressing urgency: stop asking and say where to go


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def result_text(result: Mapping[str, Any], rule_title: Callable[[str], str]) -> str:
    """The result for people: urgency and red flags first, then the responder type with
    its evidence, causes, exercises, self-care, STarT Back, warnings and the assessment."""
    def rule_line(rule_id: str) -> str:
        return f"    {rule_id}: {rule_title(rule_id)}"

    lines = [f"Urgency: {result['urgency'].upper()}"]
    for condition in result["red_flag_conditions"]:
        signs = ", ".join(f"{s['id']} ({s['urgency']})" for s in condition["signs"])
        lines.append(f"  RED FLAG {condition['name']} [{condition['condition']}], "
                     f"{condition['urgency'].upper()}: {signs}")
        lines.extend(rule_line(r) for r in condition["rules"])
    responder = result["responder"]
    lines.append(f"Responder type: {responder['type']}")
    lines.append(textwrap.fill("Basis: " + responder["basis"], WIDTH, initial_indent="  ",
                               subsequent_indent="    "))
    lines.append("  evidence for:" if responder["for"] else "  evidence for: none")
    lines.extend(rule_line(r) for r in responder["for"])
    lines.append("  evidence against:" if responder["against"] else "  evidence against: none")
    lines.extend(rule_line(r) for r in responder["against"])
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
                lines.append(f"  - {entry['name']} [{entry['id']}]{reason}")
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


def interview_stop(result: Mapping[str, Any]) -> list[str] | None:
    """Decided openly: once an answer makes the result an emergency, no further question
    is worth the delay; the person is told at once where to go (and why)."""
    if result["urgency"] != EMERGENCY:
        return None
    lines = ["STOP: that answer is an emergency warning sign. No more questions."]
    lines += [f"  RED FLAG {flag['condition']}: {flag['id']}"
              for flag in result["red_flags"] if flag["urgency"] == EMERGENCY]
    lines.append(_wrap(result["professional_assessment"]["text"], "  "))
    return lines
