"""How the rulebook's conclusions become the clinical sections of the contract's result.

Everything listed here was concluded by a rule; each entry carries the ids of the rules
that concluded it.  Lists are in a fixed order (catalogue order), so the result does not
depend on the order the answers arrived in.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from lbp_screen.engine.conditions import among
from lbp_screen.engine.experta_compat import Fact
from lbp_screen.knowledge.causes import CAUSES
from lbp_screen.knowledge.exercises import EXERCISES
from lbp_screen.knowledge.facts import (
    Assessment, ExerciseAdvice, OpenQuestion, PossibleCause, PsychosocialRisk, RedFlag, Responder,
    ResponderEvidence, ScreeningWarning, SelfCareAdvice, StartBackTally, Urgency,
)
from lbp_screen.knowledge.rules.psychosocial import ITEMS as STARTBACK_ITEMS
from lbp_screen.knowledge.self_care import SELF_CARE
from lbp_screen.knowledge.red_flags import RED_FLAG_CONDITIONS, URGENCY_ADVICE, URGENCY_LEVELS
from lbp_screen.knowledge.vocabulary import VOCABULARY

# Closes the advice at every urgency: true in an emergency as much as in a routine case.
PRESSING_URGENCIES = ("emergency", "urgent")  # the flags the exercise gate waits on

STARTBACK_NOTE_TEXT = ("Keele STarT Back stratification (Hill et al. 2008): the risk of a poor "
                       "outcome, to guide how much support to offer first. Not a diagnosis and "
                       "not a treatment order; scored here from a paraphrase of the items, so "
                       "the official tool should be used for clinical decisions.")

SCREENING_NOTICE = ("This is a screening and teaching aid, not a diagnosis: the registered "
                    "physiotherapist or doctor who examines you decides what is wrong and "
                    "what to do next.")

WARNING_TEXT = {
    "under_18": "Age is under 18, outside the adult population these rules were written for: "
                "no exercise advice is given; please see a clinician experienced with young people.",
    "age_not_known": "Age was not given: the advice assumes you are an adult.",
    "warning_signs_not_asked": "No exercise advice is given until every warning-sign question "
                               "that could still raise an urgent or emergency red flag has been "
                               "answered; they are named above.",
}


def build_result(case, facts: Iterable[Fact], fired_rules: list[str],
                 open_questions: Callable[[type, Mapping[str, Any]], dict]) -> dict[str, Any]:
    facts = list(facts)
    by_type: dict[type, list[Fact]] = {}
    for fact in facts:
        by_type.setdefault(type(fact), []).append(fact)
    order = {rule_id: i for i, rule_id in enumerate(fired_rules)}

    def ordered(rule_ids):
        return sorted(set(rule_ids), key=lambda r: order.get(r, len(order)))

    urgency = _single(by_type, Urgency, "level")
    red_flags = _red_flags(by_type.get(RedFlag, []), ordered)
    unanswered = _open_questions(urgency, open_questions)
    return {
        "responder": _responder(by_type, ordered),
        "possible_causes": _causes(by_type.get(PossibleCause, []), ordered),
        "red_flags": red_flags,
        "red_flag_conditions": _red_flag_conditions(red_flags),
        "urgency": urgency,
        "exercises": _exercises(by_type.get(ExerciseAdvice, []), ordered),
        "self_care": _self_care(by_type.get(SelfCareAdvice, []), ordered),
        "psychosocial_risk": _psychosocial_risk(case, by_type, ordered),
        "professional_assessment": _assessment(by_type),
        "warnings": [*_open_question_warnings(unanswered),
                     *_warnings(by_type.get(ScreeningWarning, []))],
        "open_questions": unanswered,
    }


def _warnings(warnings):
    codes = {f["code"] for f in warnings}
    unworded = codes - set(WARNING_TEXT)
    if unworded:
        raise ValueError(f"warning codes with no wording: {sorted(unworded)}")
    return [text for code, text in WARNING_TEXT.items() if code in codes]


def _open_questions(urgency: str, open_questions) -> list[dict[str, Any]]:
    """Unknown is not no: every unanswered question whose answer could still raise a red
    flag more pressing than the result's urgency, most pressing first, then in question
    order.  Derived from the red-flag rules themselves, so a new rule is covered at once.

    Decided openly: only a flag that would make the result *more pressing* counts (in an
    urgent result, only emergency flags; in an emergency, none), because those are the
    answers that would change what the person must do now."""
    more_pressing = URGENCY_LEVELS[:URGENCY_LEVELS.index(urgency)]
    if not more_pressing:
        return []
    found = open_questions(RedFlag, {"urgency": among(*more_pressing)})
    entries = []
    for field_name, rules in found.items():
        conditions: dict[str, dict[str, Any]] = {}
        for rule in rules:
            for values in _red_flags_concluded(rule):
                entry = conditions.setdefault(values["condition"],
                                              {"condition": values["condition"],
                                               "urgency": values["urgency"], "rules": []})
                entry["urgency"] = _most_pressing(entry["urgency"], values["urgency"])
                entry["rules"].append(rule.id)
        could_raise = sorted(conditions.values(),
                             key=lambda c: (URGENCY_LEVELS.index(c["urgency"]),
                                            list(RED_FLAG_CONDITIONS).index(c["condition"])))
        entries.append({"field": field_name, "question": VOCABULARY[field_name].question,
                        "urgency": could_raise[0]["urgency"], "could_raise": could_raise})
    # stable sort: within one urgency the questions keep their vocabulary order
    return sorted(entries, key=lambda e: URGENCY_LEVELS.index(e["urgency"]))


def given_facts(case, open_questions) -> list[Fact]:
    """Before any rule fires: one ``OpenQuestion`` per urgency, naming the unanswered
    questions whose answer could still raise a red flag of that urgency at most (the safety
    gate reads them)."""
    found = open_questions(RedFlag, {"urgency": among(*PRESSING_URGENCIES)})
    by_urgency: dict[str, list[str]] = {}
    for field_name, rules in found.items():
        level = _most_pressing(*(v["urgency"] for r in rules for v in _red_flags_concluded(r)))
        by_urgency.setdefault(level, []).append(field_name)
    # one fact per urgency keeps working memory small; the result lists each question
    return [OpenQuestion(urgency=level, fields=", ".join(by_urgency[level]))
            for level in PRESSING_URGENCIES if level in by_urgency]


def _most_pressing(*levels: str) -> str:
    return min(levels, key=URGENCY_LEVELS.index)


def _red_flags_concluded(rule) -> list[dict[str, Any]]:
    declared = (action.declared(RedFlag) for action in rule.then)
    return [values for values in declared if values is not None]


def _open_question_warnings(unanswered: list[dict[str, Any]]) -> list[str]:
    return [f"Not answered ({entry['field']}): \"{entry['question']}\" Its answer could still "
            "raise " + "; ".join(f"{RED_FLAG_CONDITIONS[c['condition']].name.lower()} "
                                 f"({c['urgency']})" for c in entry["could_raise"])
            + ". Unknown is not no: answer it before acting on this result."
            for entry in unanswered]


def _red_flag_conditions(red_flags: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The red-flag signs grouped by condition: each condition once, at the most pressing
    urgency among its signs, with every sign listed; most pressing condition first."""
    grouped: dict[str, dict[str, Any]] = {}
    for sign in red_flags:
        entry = grouped.setdefault(sign["condition"], {
            "condition": sign["condition"], "name": RED_FLAG_CONDITIONS[sign["condition"]].name,
            "urgency": sign["urgency"], "signs": [], "rules": []})
        entry["urgency"] = _most_pressing(entry["urgency"], sign["urgency"])
        entry["signs"].append({"id": sign["id"], "urgency": sign["urgency"]})
        entry["rules"].extend(r for r in sign["rules"] if r not in entry["rules"])
    return sorted(grouped.values(), key=lambda c: URGENCY_LEVELS.index(c["urgency"]))


def _causes(causes, ordered):
    result = []
    for cause_id, cause in CAUSES.items():
        rules = [f["rule"] for f in causes if f["cause"] == cause_id]
        if rules:
            result.append({"id": cause_id, "name": cause.name, "description": cause.description,
                           "rules": ordered(rules)})
    return result


def _single(by_type, fact_type, field):
    values = sorted({f[field] for f in by_type.get(fact_type, [])})
    if len(values) != 1:
        raise ValueError(f"expected exactly one {fact_type.__name__}, got {values}")
    return values[0]


def _responder(by_type, ordered):
    """``for``: the findings that counted toward the type (both ways for ``mixed``, none
    for ``undetermined``); ``against``: the findings that counted against it.  The rule
    that decided the type is in ``fired_rules`` and in ``lbp explain``."""
    kind = _single(by_type, Responder, "type")
    basis = _single(by_type, Responder, "basis")
    evidence = by_type.get(ResponderEvidence, [])
    toward = {"extension": ["extension"], "flexion": ["flexion"],
              "mixed": ["extension", "flexion"], "undetermined": []}[kind]
    against = {"extension": ["flexion"], "flexion": ["extension"]}.get(kind, [])
    return {
        "type": kind,
        "for": ordered(f["rule"] for f in evidence if f["direction"] in toward),
        "against": ordered(f["rule"] for f in evidence if f["direction"] in against),
        "basis": basis,
    }


def _red_flags(flags, ordered):
    """One entry per red flag found (a flag id names the warning sign that was found),
    grouped by condition in catalogue order, most pressing first within a condition."""
    result = []
    for condition in RED_FLAG_CONDITIONS:
        found = sorted((f for f in flags if f["condition"] == condition),
                       key=lambda f: (URGENCY_LEVELS.index(f["urgency"]), f["flag"]))
        seen = set()
        for fact in found:
            if fact["flag"] in seen:
                continue
            seen.add(fact["flag"])
            result.append({"id": fact["flag"], "condition": condition, "urgency": fact["urgency"],
                           "rules": ordered(f["rule"] for f in found if f["flag"] == fact["flag"])})
    return result


# When rules disagree about one exercise, the strictest advice wins (a veto or the article's
# own warning over a caution, either over a recommendation, which vetoes already prevent).
STRICTEST_FIRST = ("avoid", "caution", "recommended")


def _exercises(advice, ordered):
    """One entry per exercise, in catalogue order, under its strictest advice.  When several
    rules give that advice with different reasons, every reason is kept, in firing order."""
    sections = {"recommended": [], "avoid": [], "caution": []}
    by_exercise_and_kind: dict[tuple[str, str], list] = {}
    for fact in advice:
        by_exercise_and_kind.setdefault((fact["exercise"], fact["advice"]), []).append(fact)
    for exercise_id in EXERCISES:
        kind = next((k for k in STRICTEST_FIRST if (exercise_id, k) in by_exercise_and_kind), None)
        if kind is not None:
            entries = sections[kind]
            found = by_exercise_and_kind[(exercise_id, kind)]
            entry = {"id": exercise_id, "name": EXERCISES[exercise_id].name}
            rules = ordered(f["rule"] for f in found)
            if kind != "recommended":
                # one rule may give several reasons (a veto rule applying two vetoes)
                by_rule = sorted(found, key=lambda f: rules.index(f["rule"]))
                entry["reason"] = " ".join(dict.fromkeys(f["reason"] for f in by_rule))
            entry["rules"] = rules
            entries.append(entry)
    return sections


def _self_care(items, ordered) -> list[dict[str, Any]]:
    given = {f["item"]: f["rule"] for f in items}
    return [{"id": item_id, "advice": item.advice, "source": item.source,
             "rules": ordered([given[item_id]])}
            for item_id, item in SELF_CARE.items() if item_id in given]


def _psychosocial_risk(case, by_type, ordered) -> dict[str, Any]:
    """The STarT Back group, its scores from the items answered, and the items missing."""
    group = _single(by_type, PsychosocialRisk, "group")
    counts: Mapping[str, Any] = next(iter(by_type.get(StartBackTally, [])), {})
    missing = [field for field, _, _ in STARTBACK_ITEMS if field not in case.answers]
    return {
        "group": group,
        "total": counts.get("total_points", 0),
        "psychosocial_subscale": counts.get("psychosocial_points", 0),
        "missing": missing,
        "rules": ordered(f["rule"] for f in by_type.get(PsychosocialRisk, [])),
        "note": STARTBACK_NOTE_TEXT,
    }


def _assessment(by_type):
    """The urgency's advice, then where each red-flag condition found at that urgency sends
    the person, then the screening notice; every level names a registered clinician.

    Only conditions at the result's own urgency are referred: in an emergency, a line
    saying "a doctor within a day or two" for another condition would contradict the
    instruction to go now (the other signs are still listed under red flags)."""
    level = _single(by_type, Assessment, "level")
    flags = by_type.get(RedFlag, [])
    referrals = []
    for condition_id, condition in RED_FLAG_CONDITIONS.items():
        levels = [f["urgency"] for f in flags if f["condition"] == condition_id]
        if levels and _most_pressing(*levels) == level:
            referrals.append(f"{condition.name}: {condition.referrals[level]}.")
    text = " ".join([URGENCY_ADVICE[level], *referrals, SCREENING_NOTICE])
    return {"recommended": True, "text": text}
