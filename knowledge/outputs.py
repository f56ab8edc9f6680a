"""How this knowledge base's results look outside the JSON: the order of the result's
keys, the result table's columns (CSV, Excel, Parquet), the counts of a batch summary,
the expectations an annotated case in cases/ may state, and what ``lbp batch --compare``
looks for between two outputs.  The engine produces each of them
from these declarations (engine/outputs.py) without knowing what they mean."""
from __future__ import annotations

from typing import Any, Mapping

from lbp_screen.engine.outputs import Column, Comparison, Expectation, SummaryCount, TableLayout

# The contract's result (section 2), in this order; the engine fills case_id,
# knowledge_base, engine and fired_rules, knowledge/result.py everything else.
RESULT_KEYS = ("case_id", "knowledge_base", "engine", "responder", "possible_causes", "red_flags",
               "red_flag_conditions", "urgency", "exercises", "self_care", "psychosocial_risk",
               "professional_assessment", "fired_rules", "warnings", "open_questions")


def _ids(entries, key: str = "id") -> list[str]:
    return list(dict.fromkeys(entry[key] for entry in entries))


def _flatten(result: Mapping[str, Any]) -> dict[str, Any]:
    exercises = result["exercises"]
    return {
        "responder": result["responder"]["type"],
        "urgency": result["urgency"],
        "possible_causes": _ids(result["possible_causes"]),
        "red_flags": _ids(result["red_flags"], "condition"),
        # one entry per warning sign found, in the result's order, with its own urgency
        "red_flag_signs": [flag["id"] for flag in result["red_flags"]],
        "red_flag_sign_urgencies": [flag["urgency"] for flag in result["red_flags"]],
        "professional_assessment": result["professional_assessment"]["text"],
        "recommended": _ids(exercises["recommended"]),
        "avoid": _ids(exercises["avoid"]),
        "caution": _ids(exercises["caution"]),
        "warnings": list(result["warnings"]),
    }


TABLE = TableLayout(
    columns=(Column("row"), Column("case_id"), Column("status"), Column("responder"),
             Column("urgency"), Column("possible_causes", "ids"), Column("red_flags", "ids"),
             Column("red_flag_signs", "ids"), Column("red_flag_sign_urgencies", "ids"),
             Column("recommended", "ids"), Column("avoid", "ids"), Column("caution", "ids"),
             Column("professional_assessment"), Column("fired_rules", "ids"),
             Column("warnings", "sentences"),
             Column("errors", "sentences"), Column("knowledge_base_version")),
    flatten=_flatten,
)

SUMMARY_COUNTS = (
    SummaryCount("responder", "responder", lambda r: [r["responder"]["type"]]),
    SummaryCount("urgency", "urgency", lambda r: [r["urgency"]]),
    SummaryCount("possible_causes", "possible causes", lambda r: [c["id"] for c in r["possible_causes"]]),
    # a condition counts once per case, however many of its signs were found
    SummaryCount("red_flags", "red flags", lambda r: sorted({f["condition"] for f in r["red_flags"]})),
)

EXPECTATIONS = (
    Expectation("responder", "equals", lambda r: r["responder"]["type"]),
    Expectation("urgency", "equals", lambda r: r["urgency"]),
    Expectation("possible_causes", "same_set", lambda r: [c["id"] for c in r["possible_causes"]]),
    Expectation("red_flags", "same_set", lambda r: sorted({f["condition"] for f in r["red_flags"]})),
    Expectation("recommended", "same_set", lambda r: [e["id"] for e in r["exercises"]["recommended"]]),
    Expectation("avoid", "same_set", lambda r: [e["id"] for e in r["exercises"]["avoid"]]),
    Expectation("caution", "same_set", lambda r: [e["id"] for e in r["exercises"]["caution"]]),
    Expectation("warned_about", "includes", lambda r: [e["field"] for e in r["open_questions"]],
                "unanswered questions expected to be warned about"),
    Expectation("not_warned_about", "excludes", lambda r: [e["field"] for e in r["open_questions"]],
                "unanswered questions expected not to be warned about"),
    Expectation("psychosocial_risk", "equals", lambda r: r["psychosocial_risk"]["group"]),
    Expectation("self_care", "same_set", lambda r: [item["id"] for item in r["self_care"]]),
)

# What a clinician reviews before adopting a new rulebook: the rows whose urgency,
# responder type, causes, red flags (each sign with its urgency) or exercise advice changed.
COMPARISONS = (
    Comparison("urgency", "urgency", lambda r: r["urgency"]),
    Comparison("responder", "responder type", lambda r: r["responder"]["type"]),
    Comparison("possible_causes", "possible causes", lambda r: sorted(c["id"] for c in r["possible_causes"])),
    Comparison("red_flags", "red flags", lambda r: sorted(
        ({"id": f["id"], "condition": f["condition"], "urgency": f["urgency"]} for f in r["red_flags"]),
        key=lambda f: (f["id"], f["condition"]))),
    Comparison("exercises", "exercise advice", lambda r: {
        advice: sorted(e["id"] for e in r["exercises"][advice]) for advice in ("recommended", "avoid", "caution")}),
)
