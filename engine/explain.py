"""The explanation layer: how a run reached its conclusions, why it did not reach others,
and which unanswered questions could change it.  Generic: the wording comes from the
knowledge base (labels, vocabulary questions, rule rationales and sources).

Built on what the runner already records (``Run.firings``, captured inside experta's own
run loop) and on the three-valued reading of every condition (engine/conditions.py):

- *trace*: every firing in experta's order, with the facts it matched and asserted;
- *how*: for each conclusion, the firings that asserted it and, recursively, the facts
  their conditions used, down to the case's answers (or to a stated absence: a question
  not answered, or nothing concluded of some kind);
- *why not*: for a target such as ``responder=flexion``, every rule that could have
  concluded it and, for each condition, whether it held, failed or was unknown because
  the case did not answer it;
- *what would change it*: for each target value not concluded, the unanswered questions
  that could still lead to it.  Working memory only grows as answers are added (rules
  conclude, never retract), except that an answer can grant an exemption (``Unless``) and
  so withdraw what its rule concluded; both are followed.  This is an over-estimate: every
  question that could matter is listed, and some listed ones may turn out not to.
"""
from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from lbp_screen.engine.conditions import (
    Condition, ConclusionIndex, ConditionVisitor, Truth, all_of, at_least_held, value_holds,
)
from lbp_screen.engine.errors import InputError
from lbp_screen.engine.privacy import shown

if TYPE_CHECKING:
    from lbp_screen.engine.conditions import Answer, Concluded, OneOf
from lbp_screen.engine.experta_compat import Fact
from lbp_screen.engine.result import build_result
from lbp_screen.engine.rulebook import KnowledgeBase, RuleSpec, Tally
from lbp_screen.engine.runner import Firing, Run, fact_values

EXPLANATION_FORMAT = "lbp-explanation"
EXPLANATION_VERSION = 1
RULE_FIELD = "rule"  # every concluded fact names the rule that concluded it (engine/rulebook.py)


class UnknownTarget(InputError, ValueError):
    """A why-not target the knowledge base does not have; the message lists the valid ones."""


def conclusion_values(fact: Fact) -> dict[str, Any]:
    """A concluded fact's values without the bookkeeping ``rule`` field."""
    return {k: v for k, v in fact_values(fact).items() if k != RULE_FIELD}


# --------------------------------------------------------------------------- targets

@dataclass(frozen=True)
class Target:
    """A conclusion one can ask about, written ``kind=value`` (e.g. ``cause=sprain``)."""

    kind: str
    value: str

    def __str__(self) -> str:
        return f"{self.kind}={self.value}"

    @staticmethod
    def parse(kb: KnowledgeBase, text: str) -> "Target":
        """``kind=value`` in any letter case, spaces around either ignored; the value may be
        one of the kind's aliases (``KnowledgeBase.target_aliases``) standing for one value.
        Anything else is refused with the nearest target(s) and the valid ones."""
        kinds = list(kb.targets)
        asked = shown(text, quoted=True)
        kind_text, sep, value_text = text.strip().partition("=")
        kind_text, value_text = kind_text.strip(), value_text.strip()
        if not sep or not kind_text or not value_text:
            raise UnknownTarget(f"why-not target {asked}: expected KIND=VALUE, e.g. "
                                f"{kinds[0]}={kb.target_values(kinds[0])[0]} "
                                f"(kinds: {', '.join(kinds)})")
        kind = _folded(kinds).get(kind_text.casefold())
        if kind is None:  # the nearest kind, or the kinds that have this value
            nearest = _targets_naming(kb, value_text) or [
                target for near in _nearest(kind_text, kinds)
                for target in (_nearest_of_kind(kb, near, value_text) or [near])]
            raise UnknownTarget(f"why-not target {asked}: unknown kind {shown(kind_text, quoted=True)}"
                                f"{_did_you_mean(nearest)}; valid kinds: {', '.join(kinds)}")
        values = list(kb.target_values(kind))
        aliases = kb.target_aliases.get(kind, {})
        value = _folded(values).get(value_text.casefold())
        if value is not None:
            return Target(kind, value)
        alias = _folded(list(aliases)).get(value_text.casefold())
        if alias is not None:
            stands_for = aliases[alias]
            if len(stands_for) == 1:
                return Target(kind, stands_for[0])
            raise UnknownTarget(f"why-not target {asked}: {kind}={alias} stands for "
                                f"{len(stands_for)} targets; ask about each of them: "
                                + ", ".join(f"{kind}={v}" for v in stands_for))
        nearest = _nearest_of_kind(kb, kind, value_text) or _targets_naming(kb, value_text)
        also = (f"; also accepted: {len(aliases)} other names standing for them "
                f"(e.g. {next(iter(aliases))})" if aliases else "")
        raise UnknownTarget(f"why-not target {asked}: {kind} has no value "
                            f"{shown(value_text, quoted=True)}{_did_you_mean(nearest)}; valid "
                            f"values: {', '.join(values)}{also}")


MAX_SUGGESTIONS = 3  # more targets than this matching a typed word suggest none of them
_WORD_BREAK = re.compile(r"[\s_/-]+")  # between the words of an id such as cauda_equina


def _folded(known: list[str]) -> dict[str, str]:
    """Each known id by its letter-case-free spelling."""
    return {name.casefold(): name for name in known}


def _nearest(given: str, known: list[str]) -> list[str]:
    """The known ids a typed word begins or is a whole word of (``cauda`` -> cauda_equina),
    when few enough to name; else the one most like it, if any is close."""
    folded = _folded(known)
    typed = given.casefold()
    named = [name for key, name in folded.items()
             if key.startswith(typed) or typed in _WORD_BREAK.split(key)]
    if 0 < len(named) <= MAX_SUGGESTIONS:
        return named
    close = difflib.get_close_matches(typed, list(folded), n=1)
    return [folded[close[0]]] if close else []


def _nearest_of_kind(kb: KnowledgeBase, kind: str, value_text: str) -> list[str]:
    """The targets of one kind a typed value is, or is nearest to (aliases included)."""
    names = [*kb.target_values(kind), *kb.target_aliases.get(kind, {})]
    exact = _folded(names).get(value_text.casefold())
    return [f"{kind}={value}" for value in ([exact] if exact else _nearest(value_text, names))]


def _targets_naming(kb: KnowledgeBase, value_text: str) -> list[str]:
    """The targets of other kinds with this value (or an alias spelt so), in their own
    spelling: a value asked under the wrong kind."""
    typed = value_text.casefold()
    found = []
    for kind in kb.targets:
        names = _folded([*kb.target_values(kind), *kb.target_aliases.get(kind, {})])
        if typed in names:
            found.append(f"{kind}={names[typed]}")
    return found


def _did_you_mean(nearest: list[str]) -> str:
    return f" (did you mean {' or '.join(repr(n) for n in nearest)}?)" if nearest else ""


# --------------------------------------------------------------------------- how

@dataclass(frozen=True)
class ConditionNode:
    """One condition of a fired rule, as it held when the rule fired, and what it used."""

    text: str
    truth: Truth
    kind: str                       # answer, concluded, not_concluded, not_answered
    answers: dict[str, Any]         # the case answers it used (answer conditions)
    supports: tuple["Step", ...]    # the firings that concluded what it used (concluded)


@dataclass(frozen=True)
class Step:
    """One firing in a derivation: the rule, the fact it concluded, and the grounds."""

    firing: Firing
    fact: Fact
    conditions: tuple[ConditionNode, ...]
    counted: tuple["Step", ...]     # for a count (Tally): the firings whose facts it counted

    @property
    def rule(self) -> RuleSpec:
        return self.firing.rule

    def grounds(self) -> Iterable["Step"]:
        """The steps this one rests on directly."""
        for condition in self.conditions:
            yield from condition.supports
        yield from self.counted


@dataclass(frozen=True)
class Conclusion:
    """A conclusion of the result (one value of a target kind) and how it was reached."""

    target: Target
    values: dict[str, Any]
    label: str
    steps: tuple[Step, ...]


# --------------------------------------------------------------------------- why not

@dataclass(frozen=True)
class ConditionCheck:
    """A condition of a rule checked against the case after the run."""

    text: str
    truth: Truth
    answers: dict[str, Any]         # the answers it read
    unanswered: tuple[str, ...]     # the fields it reads that the case did not answer
    options: tuple["ConditionCheck", ...] = ()
    found: tuple[str, ...] = ()     # for a conclusion condition: what was concluded instead
    could_hold_if_answered: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleCheck:
    rule: RuleSpec
    fired: bool
    truth: Truth
    conditions: tuple[ConditionCheck, ...]


@dataclass(frozen=True)
class WhyNot:
    target: Target
    concluded: bool
    rules: tuple[RuleCheck, ...]


# --------------------------------------------------------------------------- what would change

@dataclass(frozen=True)
class Change:
    """A target value not concluded, and the unanswered questions that could lead to it."""

    target: Target
    fields: tuple[str, ...]
    rules: tuple[str, ...]          # the rules that could conclude it once answered


# --------------------------------------------------------------------------- graph

@dataclass(frozen=True)
class GraphNode:
    id: str
    kind: str                       # answer, absence, rule, conclusion
    label: str
    detail: str
    layer: int
    step: int | None = None         # a rule node's firing step
    group: str | None = None        # a conclusion node's group (ConclusionGroup.id)
    name: str = ""                  # a conclusion node in words, by catalogue name
    tags: tuple[str, ...] = ()      # a conclusion node's short values (e.g. its advice)
    warning: bool = False           # a conclusion the knowledge base shows as a warning


@dataclass(frozen=True)
class ConclusionGroup:
    """Conclusions of one kind, as faces show them together: a why-not target kind, or
    another kind of concluded fact (id: its fact type); ``title`` is its noun."""

    id: str
    title: str
    warning: bool                   # some conclusion of the group is a warning


@dataclass(frozen=True)
class Graph:
    nodes: tuple[GraphNode, ...]
    edges: tuple[tuple[str, str], ...]
    groups: tuple[ConclusionGroup, ...] = ()  # in the order faces show them

    def layers(self) -> list[list[GraphNode]]:
        out: list[list[GraphNode]] = [[] for _ in range(max((n.layer for n in self.nodes), default=-1) + 1)]
        for node in self.nodes:
            out[node.layer].append(node)
        return out


# --------------------------------------------------------------------------- the explanation

class Explanation:
    """Everything there is to say about one run.  Derivations are computed on demand."""

    def __init__(self, kb: KnowledgeBase, run: Run, result: dict[str, Any], label: str | None = None):
        self.kb = kb
        self.run = run
        self.result = result
        self.label = label or run.case.case_id or "case"
        self.answers: dict[str, Any] = dict(run.case.answers)
        self.index = ConclusionIndex(run.facts)
        self._asserted_by: dict[int, Firing] = {
            fact["__factid__"]: firing for firing in run.firings for fact in firing.asserted}
        self._steps: dict[int, Step] = {}
        self._potential: dict[str, tuple[Truth, frozenset[str]]] = {}

    @property
    def trace(self) -> tuple[Firing, ...]:
        return self.run.firings

    # ---- how
    def conclusions(self) -> list[Conclusion]:
        out = []
        for kind, (fact_type, key) in self.kb.targets.items():
            order = {v: i for i, v in enumerate(self.kb.target_values(kind))}
            groups: dict[tuple, list[Fact]] = {}
            for fact in self.run.facts:
                if type(fact) is fact_type and key in fact:
                    values = conclusion_values(fact)
                    groups.setdefault(tuple(sorted(values.items(), key=lambda kv: kv[0])), []).append(fact)
            for items, facts in sorted(groups.items(), key=lambda g: (
                    order.get(dict(g[0])[key], len(order)), repr(g[0]))):
                values = dict(items)
                steps = tuple(sorted((self.derive(f) for f in facts), key=lambda s: s.firing.step))
                out.append(Conclusion(Target(kind, str(values[key])), values,
                                      self.kb.labels.conclusion(fact_type, values), steps))
        return out

    def derive(self, fact: Fact) -> Step:
        """The derivation of a concluded fact (memoised: derivations share steps)."""
        fact_id = fact["__factid__"]
        if fact_id not in self._steps:
            firing = self._asserted_by[fact_id]
            conditions = tuple(self._condition_node(c, firing) for c in firing.rule.when)
            self._steps[fact_id] = Step(firing, fact, conditions, self._counted(firing, fact))
        return self._steps[fact_id]

    def _earlier(self, facts: Iterable[Fact], firing: Firing) -> list[Fact]:
        """Of these facts, those asserted by firings before ``firing``."""
        return sorted((f for f in facts if f["__factid__"] in self._asserted_by
                       and self._asserted_by[f["__factid__"]].step < firing.step),
                      key=lambda f: f["__factid__"])

    def _condition_node(self, condition: Condition, firing: Firing) -> ConditionNode:
        return condition.accept(_FiredCondition(self), firing)

    def _evidence(self, condition: Condition) -> dict[str, Any]:
        """The answers that made an answer condition hold (for a group: its options that held)."""
        return condition.accept(_Evidence(self))

    def _counted(self, firing: Firing, fact: Fact) -> tuple[Step, ...]:
        for action in firing.rule.then:
            tally = action.counting_into(type(fact))
            if tally is not None:
                live = [f for f in self._live_before(firing)
                        if type(f) is tally.source and f.get(tally.by) in tally.keys]
                return tuple(self.derive(f) for f in live)
        return ()

    def _live_before(self, firing: Firing) -> list[Fact]:
        live: dict[int, Fact] = {}
        for earlier in self.run.firings[:firing.step - 1]:
            for fact in earlier.asserted:
                live[fact["__factid__"]] = fact
            for fact in earlier.retracted:
                live.pop(fact["__factid__"], None)
        return [live[k] for k in sorted(live)]

    def asserted_steps(self) -> list[Step]:
        """A derivation for every fact any firing asserted, in firing order."""
        return [self.derive(f) for firing in self.run.firings for f in firing.asserted]

    # ---- why not
    def why_not(self, target: Target) -> WhyNot:
        fact_type, key = self.kb.targets[target.kind]
        fired = set(self.run.fired_rules)
        checks = []
        for rule in self.kb.rules_concluding(fact_type, {key: target.value}):
            conditions = tuple(self._check(c) for c in rule.when)
            checks.append(RuleCheck(rule, rule.id in fired, all_of(c.truth for c in conditions), conditions))
        concluded = any(type(f) is fact_type and str(f.get(key)) == target.value for f in self.run.facts)
        return WhyNot(target, concluded, tuple(checks))

    def _check(self, condition: Condition) -> ConditionCheck:
        return condition.accept(_CheckedCondition(self))

    # ---- what would change it
    def what_would_change(self) -> list[Change]:
        changes = []
        for kind, (fact_type, key) in self.kb.targets.items():
            for value in self.kb.target_values(kind):
                if any(type(f) is fact_type and str(f.get(key)) == value for f in self.run.facts):
                    continue
                fields: set[str] = set()
                rules = []
                for rule in self.kb.rules_concluding(fact_type, {key: value}):
                    truth, needed = self._rule_potential(rule)
                    if truth is Truth.UNKNOWN:
                        fields |= needed
                        rules.append(rule.id)
                if rules:
                    changes.append(Change(Target(kind, value), self._field_order(fields), tuple(rules)))
        return changes

    def potential(self, condition: Condition) -> tuple[Truth, frozenset[str]]:
        """Could this condition hold once more questions are answered?  HELD: it holds now;
        UNKNOWN: it could, depending on the returned unanswered fields; FAILED: it cannot."""
        return condition.accept(_Potential(self))

    def _exemption_fields(self, facts: Iterable[Fact]) -> frozenset[str]:
        """The unanswered exemption questions that could withdraw every one of ``facts``
        (empty when some fact stands whatever is answered)."""
        fields: set[str] = set()
        for fact in facts:
            firing = self._asserted_by.get(fact["__factid__"])
            if firing is None:
                return frozenset()
            open_exemptions = [c for c in firing.rule.when if c.open_exemption(self.answers)]
            if not open_exemptions:
                return frozenset()
            fields.update(f for c in open_exemptions for f in c.fields() if f not in self.answers)
        return frozenset(fields)

    def _still_answerable(self, condition: "Answer | OneOf") -> bool:
        """Whether some answer the case may still give its field satisfies the condition
        (a question whose premise was denied cannot take the answers that presume it)."""
        vocabulary = self.kb.vocabulary
        if not vocabulary.premise_denied(condition.field, self.answers):
            return True
        allowed = vocabulary.still_possible(condition.field, vocabulary[condition.field].kind.choices(),
                                            self.answers)
        return any(condition.evaluate({condition.field: v}) is Truth.HELD for v in allowed)

    def _rule_potential(self, rule: RuleSpec) -> tuple[Truth, frozenset[str]]:
        if rule.id not in self._potential:
            self._potential[rule.id] = (Truth.FAILED, frozenset())  # guards against cycles
            parts = [self.potential(c) for c in rule.when]
            truth = all_of(t for t, _ in parts)
            if truth is Truth.HELD and rule.id not in self.run.fired_rules:
                truth = Truth.FAILED  # held yet did not fire: its timing ruled it out
            self._potential[rule.id] = (truth, _unknown_fields(truth, parts))
        return self._potential[rule.id]

    def _tally_into(self, fact_type: type) -> Tally | None:
        for rule in self.kb.rules:
            for action in rule.then:
                tally = action.counting_into(fact_type)
                if tally is not None:
                    return tally
        return None

    def _tally_potential(self, tally: Tally, condition: Concluded) -> tuple[Truth, frozenset[str]]:
        """A count can only grow as answers are added: each test is checked against every
        count from the present one up to it plus the rules that might still add to it."""
        current: Mapping[str, Any] = next((f for f in self.run.facts if type(f) is tally.into), {})
        fields: set[str] = set()
        for key, test in condition.values:
            count = current.get(key, 0)
            if value_holds(test, count):
                continue
            extra, needed = 0, set[str]()
            for rule in self.kb.rules_concluding(tally.source, {tally.by: key}):
                truth, rule_fields = self._rule_potential(rule)
                if truth is Truth.UNKNOWN:
                    extra += 1
                    needed |= rule_fields
            if not any(value_holds(test, n) for n in range(count, count + extra + 1)):
                return Truth.FAILED, frozenset()
            fields |= needed
        return Truth.UNKNOWN, frozenset(fields)

    def _field_order(self, fields: Iterable[str]) -> tuple[str, ...]:
        order = {name: i for i, name in enumerate(self.kb.vocabulary.fields)}
        return tuple(sorted(set(fields), key=lambda f: (order.get(f, len(order)), f)))

    # ---- the reasoning graph
    def graph(self) -> Graph:
        """answers (and stated absences) -> rules -> conclusions, in layers."""
        steps = self.asserted_steps()
        used_as_ground = {id(g.fact) for s in steps for g in s.grounds()}
        target_types = {fact_type for fact_type, _ in self.kb.targets.values()}
        nodes: dict[str, dict] = {}
        edges: list[tuple[str, str]] = []
        rule_layer: dict[int, int] = {}

        def add(node_id, kind, label, detail, **more):
            nodes.setdefault(node_id, {"kind": kind, "label": label, "detail": detail, **more})
            return node_id

        for step in sorted({s.firing.step: s for s in steps}.values(), key=lambda s: s.firing.step):
            rule_id = add(f"step-{step.firing.step}", "rule", f"{step.firing.step}. {step.rule.id}",
                          step.rule.title, step=step.firing.step)
            depth = 1
            for condition in step.conditions:
                if condition.kind == "exemption" and not condition.answers:
                    edges.append((add("absence-" + _slug(condition.text), "absence",
                                      condition.text + " (not answered)", "exemption not granted"),
                                  rule_id))
                elif condition.kind in ("answer", "exemption"):
                    for name, value in condition.answers.items():
                        edges.append((add(f"answer-{name}", "answer", f"{name} = {value}",
                                          self.question(name)), rule_id))
                elif condition.kind in ("not_answered", "not_concluded", "given") and condition.truth is Truth.HELD:
                    edges.append((add("absence-" + _slug(condition.text), "absence", condition.text,
                                      "stated absence"), rule_id))
            for ground in step.grounds():
                edges.append((f"step-{ground.firing.step}", rule_id))
                depth = max(depth, rule_layer[ground.firing.step] + 1)
            rule_layer[step.firing.step] = depth
        last = max(rule_layer.values(), default=0) + 1
        for step in steps:
            if type(step.fact) in target_types or id(step.fact) not in used_as_ground:
                label, detail = self._conclusion_label(step.fact)
                group, name, tags, warning = self._presented(step.fact)
                edges.append((f"step-{step.firing.step}", add("conclusion-" + _slug(label), "conclusion",
                                                               label, detail, group=group, name=name,
                                                               tags=tags, warning=warning)))
        layer_of = {}
        for node_id, node in nodes.items():
            if node["kind"] in ("answer", "absence"):
                layer_of[node_id] = 0
            elif node["kind"] == "rule":
                layer_of[node_id] = rule_layer[int(node_id.split("-")[1])]
            else:
                layer_of[node_id] = last
        edges = list(dict.fromkeys(edges))
        ordered = _order_layers(nodes, layer_of, edges, list(self.kb.vocabulary.fields))
        graph_nodes = tuple(GraphNode(i, nodes[i]["kind"], nodes[i]["label"], nodes[i]["detail"], layer_of[i],
                                      nodes[i].get("step"), nodes[i].get("group"), nodes[i].get("name", ""),
                                      nodes[i].get("tags", ()), nodes[i].get("warning", False))
                            for i in ordered)
        return Graph(graph_nodes, tuple(edges), self._groups(
            [(n.group, n.warning) for n in graph_nodes if n.group is not None],
            [type(s.fact) for s in steps]))

    def _presented(self, fact: Fact) -> tuple[str, str, tuple[str, ...], bool]:
        """A concluded fact's group, its name (a target's value by catalogue name; another
        conclusion in words, without its group's noun), its short values, and whether the
        knowledge base shows it as a warning."""
        values = conclusion_values(fact)
        for kind, (fact_type, key) in self.kb.targets.items():
            if type(fact) is fact_type:
                value = str(values[key])
                tags = tuple(str(v) for k, v in values.items() if k != key and isinstance(v, str)
                             and len(v) <= SHORT_VALUE)
                return (kind, self.target_name(kind, value), tags,
                        value in self.kb.warning_targets.get(kind, ()))
        noun = self.kb.labels.conclusion(type(fact), {})
        words = self.kb.labels.conclusion(type(fact), values)
        return type(fact).__name__, words.removeprefix(noun + ": ") if words != noun else words, (), False

    def target_name(self, kind: str, value: str) -> str:
        """A target's value by its catalogue name (the value itself where none has one)."""
        catalogues = self.kb.reference.catalogues if self.kb.reference else ()
        for catalogue in catalogues:
            if catalogue.target == kind and value in catalogue.entries:
                return str(catalogue.entries[value].name)
        return value

    def _groups(self, members: list[tuple[str, bool]], fact_types: list[type]) -> tuple[ConclusionGroup, ...]:
        """The groups present, in the knowledge base's conclusion order, then the other
        target kinds, then other kinds of fact in the order first concluded."""
        order = [*self.kb.conclusion_order, *(k for k in self.kb.targets if k not in self.kb.conclusion_order),
                 *dict.fromkeys(t.__name__ for t in fact_types)]
        present = {group: any(w for g, w in members if g == group) for group, _ in members}
        by_name = {t.__name__: t for t in fact_types}
        return tuple(ConclusionGroup(group, self.kb.labels.conclusion(
            self.kb.targets[group][0] if group in self.kb.targets else by_name[group], {}), present[group])
            for group in dict.fromkeys(order) if group in present)

    def _conclusion_label(self, fact: Fact) -> tuple[str, str]:
        values = conclusion_values(fact)
        detail = self.kb.labels.conclusion(type(fact), values)
        for kind, (fact_type, key) in self.kb.targets.items():
            if type(fact) is fact_type:
                extra = [str(v) for k, v in sorted(values.items())
                         if k != key and isinstance(v, str) and len(v) <= 16]
                return f"{kind}: {values[key]}" + (f" ({', '.join(extra)})" if extra else ""), detail
        return detail, detail

    def question(self, name: str) -> str:
        """The question an interviewer asks for a field (from the vocabulary)."""
        return self.kb.vocabulary[name].question if name in self.kb.vocabulary else name

    # ---- the JSON document
    def to_dict(self, why_not: Iterable[Target] = ()) -> dict[str, Any]:
        """The whole explanation as one JSON document: what ``--format json`` prints and
        the only thing the text, Markdown and HTML renderers read."""
        case = self.run.case
        return {
            "format": EXPLANATION_FORMAT,
            "format_version": EXPLANATION_VERSION,
            "case": {"label": self.label, "case_id": case.case_id, "answers": dict(case.answers),
                     "not_known": list(case.not_known),
                     "fact": self.kb.case_fact.__name__,
                     "questions": {name: self.question(name) for name in case.answers}},
            "result": self.result,
            "trace": [firing_dict(self.kb, f) for f in self.trace],
            "how": [{"target": str(c.target), "kind": c.target.kind, "value": c.target.value,
                     "label": c.label, "values": c.values,
                     "derivation": [self.step_dict(s) for s in c.steps],
                     **conclusion_summary(self.kb, c),
                     "name": self.target_name(c.target.kind, c.target.value),
                     "warning": c.target.value in self.kb.warning_targets.get(c.target.kind, ())}
                    for c in self.conclusions()],
            "why_not": [why_not_dict(self.why_not(t)) for t in why_not],
            "what_would_change": [{"target": str(c.target), "kind": c.target.kind, "value": c.target.value,
                                   "questions": [{"field": f, "question": self.question(f)} for f in c.fields],
                                   "rules": list(c.rules)}
                                  for c in self.what_would_change()],
            "graph": graph_dict(self.graph()),
            "sources": [{"key": s.key, "citation": s.citation, "url": s.url} for s in self.cited_sources()],
            # later additions come last: within a format version keys are only ever added
            "knowledge_base_name": self.kb.name,
            "notices": self.kb.notices(self.result),
            "steps": [self.firing_dict(f) for f in self.trace],
        }

    def firing_dict(self, firing: Firing) -> dict[str, Any]:
        """One firing's rule and its conditions as they held, flat (the firings that
        concluded what a condition used, by step number): what a face shows for any
        step of the trace, which ``how`` reaches only from the conclusions."""
        rule = firing.rule
        conditions = [self._condition_node(c, firing) for c in rule.when]
        return {"step": firing.step, "rule": rule.id, "title": rule.title, "rationale": rule.rationale,
                "source": rule.source, "evidence": rule.evidence,
                "conditions": [{"text": c.text, "truth": c.truth.value, "kind": c.kind,
                                "answers": c.answers,
                                "supported_by": sorted({s.firing.step for s in c.supports})}
                               for c in conditions]}

    def step_dict(self, step: Step) -> dict[str, Any]:
        return {
            "step": step.firing.step,
            "rule": step.rule.id,
            "title": step.rule.title,
            "rationale": step.rule.rationale,
            "source": step.rule.source,
            "evidence": step.rule.evidence,
            "concluded": {"fact": type(step.fact).__name__, "values": conclusion_values(step.fact)},
            "conditions": [{"text": c.text, "truth": c.truth.value, "kind": c.kind, "answers": c.answers,
                            "supported_by": [self.step_dict(s) for s in c.supports]}
                           for c in step.conditions],
            "counted": [self.step_dict(s) for s in step.counted],
        }

    def cited_sources(self):
        """The sources cited by the rules that fired, in the knowledge base's order."""
        cited = " ".join(f.rule.source for f in self.trace)
        return [s for key, s in self.kb.sources.items() if f"[{key}]" in cited]


SHORT_VALUE = 24  # characters: a value this short is a tag (e.g. caution), a longer one a note


def conclusion_summary(kb: KnowledgeBase, conclusion: Conclusion) -> dict[str, Any]:
    """A conclusion's values beside its target, as short ``tags`` and a longer ``note``
    (e.g. ["caution"] and why it needs care); with nothing more to say than the target,
    the note is the conclusion in plain words."""
    key = kb.targets[conclusion.target.kind][1]
    extras = [str(v) for k, v in conclusion.values.items() if k != key]
    tags = [v for v in extras if len(v) <= SHORT_VALUE]
    note = " ".join(v for v in extras if len(v) > SHORT_VALUE)
    return {"tags": tags, "note": note if tags or note else conclusion.label}



# --------------------------------------------------------------------------- per kind of condition

class _FiredCondition(ConditionVisitor[ConditionNode]):
    """A condition of a fired rule as it held when the rule fired, and what it used."""

    def __init__(self, explanation: Explanation):
        self.e = explanation

    def answers(self, condition, firing):
        return ConditionNode(condition.describe(self.e.kb.labels),
                             condition.evaluate(self.e.answers, self.e.index), "answer",
                             self.e._evidence(condition), ())

    def exemption(self, condition, firing):
        # an exemption not granted: by the answers given, or because it was not asked
        return ConditionNode(condition.describe(self.e.kb.labels),
                             condition.evaluate(self.e.answers, self.e.index), "exemption",
                             self.e._evidence(condition), ())

    def concluded(self, condition, firing):
        text = condition.describe(self.e.kb.labels)
        supporting = self.e.index.supporting(condition)
        supports = tuple(self.e.derive(f) for f in self.e._earlier(supporting, firing))
        if not supports and any(f in self.e.run.given for f in supporting):
            # facts the knowledge base derived from the answers before any rule fired
            return ConditionNode(text, Truth.HELD, "given", {}, ())
        return ConditionNode(text, Truth.HELD if supports else Truth.FAILED, "concluded", {}, supports)

    def not_concluded(self, condition, firing):
        defeating = self.e._earlier(self.e.index.supporting(condition), firing)
        return ConditionNode(condition.describe(self.e.kb.labels),
                             Truth.FAILED if defeating else Truth.HELD, "not_concluded", {}, ())

    def not_answered(self, condition, firing):
        return ConditionNode(condition.describe(self.e.kb.labels),
                             condition.evaluate(self.e.answers, self.e.index), "not_answered", {}, ())


class _Evidence(ConditionVisitor[dict]):
    """The answers that made an answer condition hold."""

    def __init__(self, explanation: Explanation):
        self.e = explanation

    def group(self, condition):
        used: dict[str, Any] = {}
        for option in condition.options:
            used.update(option.accept(self))
        return used

    def answers(self, condition):
        if condition.evaluate(self.e.answers, self.e.index) is not Truth.HELD:
            return {}
        # an exemption holds while its own question is unanswered: only the answers
        # actually given are shown
        return {name: self.e.answers[name] for name in sorted(condition.fields())
                if name in self.e.answers}


class _CheckedCondition(ConditionVisitor[ConditionCheck]):
    """A condition of a rule checked against the case after the run (why-not)."""

    def __init__(self, explanation: Explanation):
        self.e = explanation

    def answers(self, condition, options=()):
        e = self.e
        fields = sorted(condition.fields())
        return ConditionCheck(condition.describe(e.kb.labels), condition.evaluate(e.answers, e.index),
                              {f: e.answers[f] for f in fields if f in e.answers},
                              tuple(f for f in e._field_order(fields) if f not in e.answers),
                              options=options)

    def group(self, condition):
        return self.answers(condition, tuple(o.accept(self) for o in condition.options))

    def not_answered(self, condition):
        return self.answers(condition)

    def concluded(self, condition):
        check = self._on_conclusions(condition)
        if check.truth is Truth.HELD:
            return check
        potential, needed = self.e.potential(condition)
        could = self.e._field_order(needed) if potential is Truth.UNKNOWN else ()
        return dataclasses.replace(check, could_hold_if_answered=could)

    def not_concluded(self, condition):
        return self._on_conclusions(condition)

    def _on_conclusions(self, condition):
        e = self.e
        found = tuple(e.kb.labels.conclusion(type(f), conclusion_values(f))
                      for f in e.run.facts if type(f) is condition.fact_type)
        return ConditionCheck(condition.describe(e.kb.labels), condition.evaluate(e.answers, e.index),
                              {}, (), found=found)


class _Potential(ConditionVisitor[tuple]):
    """Whether a condition could still hold once more questions are answered, and on which."""

    def __init__(self, explanation: Explanation):
        self.e = explanation

    def group(self, condition):
        parts = [o.accept(self) for o in condition.options]
        truth = at_least_held(condition.needed, [t for t, _ in parts])
        return truth, _unknown_fields(truth, parts)

    def leaf(self, condition):
        truth = condition.evaluate(self.e.answers)
        if truth is Truth.UNKNOWN and not self.e._still_answerable(condition):
            return Truth.FAILED, frozenset()
        return truth, frozenset(condition.fields()) if truth is Truth.UNKNOWN else frozenset()

    def exemption(self, condition):
        # answering more can only grant the exemption, never make this hold
        return condition.evaluate(self.e.answers, self.e.index), frozenset()

    def not_answered(self, condition):
        # answering more can only defeat it
        return condition.evaluate(self.e.answers, self.e.index), frozenset()

    def not_concluded(self, condition):
        truth = condition.evaluate(self.e.answers, self.e.index)
        if truth is Truth.FAILED:
            # the facts defeating it could still be withdrawn, if each came from a rule
            # that an unanswered exemption could stop (answers otherwise only add)
            fields = self.e._exemption_fields(self.e.index.supporting(condition))
            if fields:
                return Truth.UNKNOWN, fields
        return truth, frozenset()

    def concluded(self, condition):
        e = self.e
        if e.index.supporting(condition):
            return Truth.HELD, frozenset()
        tally = e._tally_into(condition.fact_type)
        if tally is not None:
            return e._tally_potential(tally, condition)
        fields: set[str] = set()
        possible = False
        for rule in e.kb.rules_concluding(condition.fact_type, dict(condition.values)):
            truth, needed = e._rule_potential(rule)
            if truth is Truth.UNKNOWN:
                possible = True
                fields |= needed
        return (Truth.UNKNOWN, frozenset(fields)) if possible else (Truth.FAILED, frozenset())

def firing_dict(kb: KnowledgeBase, firing: Firing) -> dict[str, Any]:
    def facts(items):
        return [{"fact": type(f).__name__, "id": f["__factid__"], "values": fact_values(f)} for f in items]
    # case_fields: the answers of the case fact this rule reads (the rest of the case is
    # matched too, but is no ground for the firing); in questionnaire order
    reads = firing.rule.answer_fields()
    return {"step": firing.step, "rule": firing.rule.id, "title": firing.rule.title,
            "phase": firing.rule.phase, "matched": facts(firing.matched),
            "asserted": facts(firing.asserted), "retracted": facts(firing.retracted),
            "case_fields": [name for name in kb.vocabulary.fields if name in reads]}


def check_dict(check: ConditionCheck) -> dict[str, Any]:
    return {"text": check.text, "truth": check.truth.value, "answers": check.answers,
            "unanswered": list(check.unanswered), "options": [check_dict(o) for o in check.options],
            "found": list(check.found), "could_hold_if_answered": list(check.could_hold_if_answered)}


def why_not_dict(why: WhyNot) -> dict[str, Any]:
    return {"target": str(why.target), "concluded": why.concluded,
            "rules": [{"rule": r.rule.id, "title": r.rule.title, "rationale": r.rule.rationale,
                       "source": r.rule.source, "evidence": r.rule.evidence, "fired": r.fired, "truth": r.truth.value,
                       "conditions": [check_dict(c) for c in r.conditions]} for r in why.rules],
            "kind": why.target.kind, "value": why.target.value}


def graph_dict(graph: Graph) -> dict[str, Any]:
    return {"nodes": [{"id": n.id, "kind": n.kind, "label": n.label, "detail": n.detail, "layer": n.layer,
                       "step": n.step, "group": n.group, "name": n.name, "tags": list(n.tags),
                       "warning": n.warning}
                      for n in graph.nodes],
            "edges": [{"from": a, "to": b} for a, b in graph.edges],
            "groups": [{"id": g.id, "title": g.title, "warning": g.warning} for g in graph.groups]}


def explain(kb: KnowledgeBase, run: Run, label: str | None = None) -> Explanation:
    return Explanation(kb, run, build_result(kb, run), label)


def _unknown_fields(truth: Truth, parts: list[tuple[Truth, frozenset[str]]]) -> frozenset[str]:
    if truth is not Truth.UNKNOWN:
        return frozenset()
    return frozenset().union(*(fields for t, fields in parts if t is Truth.UNKNOWN))


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")


def _order_layers(nodes: dict[str, dict], layer_of: dict[str, int], edges: list[tuple[str, str]],
                  field_order: list[str]) -> list[str]:
    """Order nodes within each layer to keep edges short: start from questionnaire order
    (answers) and firing order (rules), then sweep down and up the layers, placing each
    node at the mean position of its neighbours (the barycentre heuristic)."""
    layers: dict[int, list[str]] = {}
    rank = {name: i for i, name in enumerate(field_order)}

    def first_key(node_id):
        kind = nodes[node_id]["kind"]
        if kind == "answer":
            return (0, rank.get(node_id[len("answer-"):], len(rank)), node_id)
        if kind == "rule":
            return (1, int(node_id.split("-")[1]), node_id)
        return (2, 0, node_id)

    for node_id in sorted(nodes, key=first_key):
        layers.setdefault(layer_of[node_id], []).append(node_id)
    neighbours: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b in edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    order = sorted(layers)
    for sweep in order[1:] + order[-2::-1] + order[1:]:
        position = {n: (i + 0.5) / len(layers[k]) for k in layers if k != sweep
                    for i, n in enumerate(layers[k])}
        layers[sweep].sort(key=lambda n: (_mean([position[m] for m in neighbours[n] if m in position]),
                                          first_key(n)))
    return [n for layer in order for n in layers[layer]]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("inf")
