"""Rules as data, and their compilation into one experta ``KnowledgeEngine`` class.

A ``RuleSpec`` is what a clinician reads: id, title, rationale, source, topic, the phase
it runs in, its conditions (``when``) and what it concludes (``then``).  ``compile_engine``
turns the whole rulebook into an experta engine class whose rules are those specs: experta
does the matching and the firing, our ``StableStrategy`` orders the agenda.

Metadata travels on the rule *function* (experta copies ``Rule`` objects when it builds
its network, and only the wrapped function survives on ``activation.rule``).
"""
from __future__ import annotations

import hashlib
import pathlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from lbp_screen.engine.conditions import (
    AnswerCondition, Condition, ConditionVisitor, Labels, case_pattern_constraints, value_holds,
)
from lbp_screen.engine.experta_compat import AS, TEST, Fact, KnowledgeEngine, Rule, scalar_fact
from lbp_screen.engine.outputs import (
    ENGINE_CHANGES, ENGINE_COLUMNS, ENGINE_EXPECTATIONS, ENGINE_RESULT_KEYS, EXPECTATION_HOWS, Column,
    Comparison, Expectation, OutputShapeError, SummaryCount, TableLayout,
)
from lbp_screen.engine.strategy import StableStrategy
from lbp_screen.engine.vocabulary import Vocabulary

if TYPE_CHECKING:
    from lbp_screen.engine.rulebook_doc import Reference

RULE_ID = re.compile(r"R-[A-Z0-9]+(-[A-Z0-9]+)*")


@dataclass(frozen=True)
class Conclude:
    """Declare a fact of ``fact_type`` with these values (and the id of the rule that concluded it)."""

    fact_type: type
    values: tuple[tuple[str, Any], ...]

    def facts(self, rule_id: str, working_memory: Iterable[Fact]) -> list[Fact]:
        return [scalar_fact(self.fact_type, {**dict(self.values), "rule": rule_id})]

    def describe(self, labels: Labels) -> str:
        return labels.conclusion(self.fact_type, dict(self.values))

    def declared(self, fact_type: type) -> dict[str, Any] | None:
        """The values this action declares a ``fact_type`` fact with, or None."""
        return dict(self.values) if self.fact_type is fact_type else None

    def counting_into(self, fact_type: type) -> "Tally | None":
        return None


@dataclass(frozen=True)
class Tally:
    """Count the facts of ``source`` by the value of ``by`` and declare one ``into`` fact
    with a count per value in ``keys`` (zero where none was concluded)."""

    source: type[Any]
    by: str
    keys: tuple[str, ...]
    into: type[Any]

    def facts(self, rule_id: str, working_memory: Iterable[Fact]) -> list[Fact]:
        counts = dict.fromkeys(self.keys, 0)
        for fact in working_memory:
            if type(fact) is self.source and fact.get(self.by) in counts:
                counts[fact[self.by]] += 1
        return [scalar_fact(self.into, {**counts, "rule": rule_id})]

    def describe(self, labels: Labels) -> str:
        return labels.conclusion(self.into, {}) + f" (a count of each {self.by})"

    def declared(self, fact_type: type) -> dict[str, Any] | None:
        return None  # its counts are not known until it runs

    def counting_into(self, fact_type: type) -> "Tally | None":
        """This count, when it declares the ``fact_type`` fact."""
        return self if self.into is fact_type else None


def conclude(fact_type: type, **values: Any) -> Conclude:
    return Conclude(fact_type, tuple(sorted(values.items())))


@dataclass(frozen=True)
class RuleSpec:
    id: str
    title: str
    rationale: str
    source: str
    topic: str
    phase: int
    when: tuple[Condition, ...]
    then: tuple[Conclude | Tally, ...]
    evidence: str = ""  # how much the finding weighs, where the literature says (red flags)

    def answer_fields(self) -> set[str]:
        return set().union(*(c.fields() for c in self.when)) if self.when else set()


@dataclass(frozen=True)
class Source:
    """A citation the rules point to by key."""

    key: str
    citation: str
    url: str = ""


@dataclass
class KnowledgeBase:
    """Everything the engine needs from a knowledge package, and nothing clinical in code."""

    name: str
    version: str
    vocabulary: Vocabulary
    rules: list[RuleSpec]
    sources: Mapping[str, Source]
    topics: Mapping[str, str]  # topic key -> heading, in rulebook order
    case_fact: type
    labels: Labels
    # (valid case, working-memory facts, fired rule ids, open-question finder) -> sections
    build_result: Callable[..., dict]
    targets: Mapping[str, tuple[type[Any], str]]  # why-not target kind -> (fact type, field)
    target_values: Callable[[str], list[str]]  # why-not target kind -> the valid values
    # Other names a why-not target may be asked by: kind -> {alias: the value(s) it stands
    # for}.  An alias of one value is that target; one of several is refused, naming them.
    target_aliases: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    # How faces present conclusions: the target kinds in the order shown, most pressing
    # first (kinds not named follow in ``targets`` order), and per kind the values shown
    # as a warning.
    conclusion_order: tuple[str, ...] = ()
    warning_targets: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    files: tuple[pathlib.Path, ...] = ()
    # Facts the knowledge base derives from the answers before any rule fires, given the
    # open-question finder (see engine.interview.open_question_finder): (case, finder) -> facts.
    given_facts: Callable[..., list] | None = None
    # What the outputs look like (engine/outputs.py): the result's key order, the result
    # table's columns, the batch summary's counts, the expectations of annotated cases.
    result_keys: tuple[str, ...] = ENGINE_RESULT_KEYS
    table: TableLayout = field(default_factory=lambda: TableLayout(
        tuple(Column(name) for name in ENGINE_COLUMNS), lambda result: {}))
    summary_counts: tuple[SummaryCount, ...] = ()
    expectations: tuple[Expectation, ...] = ()
    # The kinds of change ``lbp batch --compare`` reports, besides the engine's own.
    comparisons: tuple[Comparison, ...] = ()
    # The interview: question groups in the order asked (key -> heading), and the policy
    # that ends it early: result -> the lines to show when it must stop now, or None.
    question_groups: Mapping[str, str] = field(default_factory=dict)
    interview_stop: Callable[[Mapping[str, Any]], list[str] | None] = lambda result: None
    # The printed rulebook's reading guide, phases and catalogues (engine/rulebook_doc.py).
    reference: "Reference | None" = None
    # A result in words for people: (result, rule id -> title) -> text.
    result_text: Callable[[Mapping[str, Any], Callable[[str], str]], str] | None = None
    # What an explanation shows beside the conclusions: result -> {"advice": {"title",
    # "text"} or None, "warnings": [sentences]} (the advice every result carries, and the
    # result's warnings).
    notices: Callable[[Mapping[str, Any]], dict[str, Any]] = lambda result: {"advice": None,
                                                                             "warnings": []}
    # What a face says about the knowledge base: a paragraph for its help, a one-line
    # notice shown before an interview, and one answer as an example (FIELD=VALUE).
    description: str = ""
    notice: str = ""
    example_answer: str = ""
    # "module:attribute" that a worker process imports to get this same knowledge base
    # (experta engines and knowledge bases do not pickle; each process builds its own).
    import_path: str = ""
    digest: str = field(default="")
    _by_id: dict = field(default_factory=dict, repr=False)
    cached: dict = field(default_factory=dict, repr=False)  # things derived once from the rulebook

    def __post_init__(self):
        self._by_id = {rule.id: rule for rule in self.rules}
        self.digest = files_digest(self.files)
        self._check_outputs()

    def _check_outputs(self) -> None:
        missing = [k for k in ENGINE_RESULT_KEYS if k not in self.result_keys]
        if missing or len(set(self.result_keys)) != len(self.result_keys):
            raise OutputShapeError(f"result keys {self.result_keys} must name each of "
                                   f"{ENGINE_RESULT_KEYS} once")
        self.table.check()
        kinds = [*ENGINE_CHANGES, *(c.key for c in self.comparisons)]
        if len(set(kinds)) != len(kinds):
            raise OutputShapeError(f"comparisons: the kinds of change {kinds} must differ")
        keys = [e.key for e in self.all_expectations()]
        bad = [e.key for e in self.all_expectations() if e.how not in EXPECTATION_HOWS]
        if bad or len(set(keys)) != len(keys):
            raise OutputShapeError(f"expectations: unknown kinds for {bad}, keys {keys}")

    def all_expectations(self) -> tuple[Expectation, ...]:
        """The knowledge base's expectations, then the engine's (about fired rules)."""
        return (*self.expectations, *ENGINE_EXPECTATIONS)

    @property
    def provenance(self) -> dict[str, str]:
        return {"version": self.version, "digest": self.digest}

    def rule(self, rule_id: str) -> RuleSpec:
        return self._by_id[rule_id]

    def has_rule(self, rule_id: str) -> bool:
        return rule_id in self._by_id

    def rules_concluding(self, fact_type: type, tests: Mapping[str, Any]) -> list[RuleSpec]:
        """Rules with an action that concludes a ``fact_type`` fact able to pass ``tests``
        (field -> value or Threshold); a field the action leaves open counts as passing."""
        key = ("rules_concluding", fact_type, tuple(sorted(tests.items())))
        if key in self.cached:
            return self.cached[key]
        found = []
        for rule in self.rules:
            for action in rule.then:
                values = action.declared(fact_type)
                if values is not None:
                    if all(k not in values or value_holds(test, values[k]) for k, test in tests.items()):
                        found.append(rule)
                        break
        self.cached[key] = found
        return found


def files_digest(paths: Iterable[pathlib.Path]) -> str:
    """sha256 over the knowledge files (names relative to their package, then contents)."""
    digest = hashlib.sha256()
    paths = sorted(paths, key=lambda p: p.as_posix())
    root = _common_root(paths)
    for path in paths:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return "sha256:" + digest.hexdigest()


def _common_root(paths: list[pathlib.Path]) -> pathlib.Path:
    if not paths:
        return pathlib.Path(".")
    root = paths[0].parent
    while not all(root in p.parents for p in paths):
        root = root.parent
    return root


class RulebookError(Exception):
    """The rulebook itself is inconsistent (a programming error in knowledge/)."""


def check_rulebook(kb: KnowledgeBase) -> None:
    """Refuse a rulebook with duplicate ids, missing metadata, unknown sources or topics,
    or conditions on fields and values the vocabulary does not have."""
    seen: set[str] = set()
    for rule in kb.rules:
        where = f"rule {rule.id!r}"
        if not RULE_ID.fullmatch(rule.id):
            raise RulebookError(f"{where}: ids look like R-TOPIC-NAME")
        if rule.id in seen:
            raise RulebookError(f"{where}: duplicate id")
        seen.add(rule.id)
        for name in ("title", "rationale", "source"):
            if not getattr(rule, name).strip():
                raise RulebookError(f"{where}: empty {name}")
        for key in re.findall(r"\[([a-z0-9_]+)\]", rule.source) or [None]:
            if key not in kb.sources:
                raise RulebookError(f"{where}: source must cite a known [source key], got {rule.source!r}")
        if rule.topic not in kb.topics:
            raise RulebookError(f"{where}: unknown topic {rule.topic!r}")
        if not rule.then:
            raise RulebookError(f"{where}: concludes nothing")
        for condition in rule.when:
            for problem in condition.problems(kb.vocabulary):
                raise RulebookError(f"{where}: {problem}")
    _check_target_aliases(kb)
    _check_presentation(kb)


def _check_presentation(kb: KnowledgeBase) -> None:
    """Refuse a conclusion order or warning naming a kind or value the targets lack."""
    kinds = list(kb.conclusion_order) + list(kb.warning_targets)
    unknown = [kind for kind in kinds if kind not in kb.targets]
    unknown += [f"{kind}={value}" for kind, values in kb.warning_targets.items() if kind in kb.targets
                for value in values if value not in kb.target_values(kind)]
    if unknown or len(set(kb.conclusion_order)) != len(kb.conclusion_order):
        raise RulebookError(f"conclusion order {kb.conclusion_order} / warning targets: "
                            f"unknown or repeated {unknown}")


def _check_target_aliases(kb: KnowledgeBase) -> None:
    """Refuse aliases of an unknown kind, for no value or unknown ones, or spelt like a
    value of their kind in any letter case (the value would hide the alias)."""
    for kind, aliases in kb.target_aliases.items():
        if kind not in kb.targets:
            raise RulebookError(f"target aliases: unknown kind {kind!r}")
        values = kb.target_values(kind)
        folded = {value.casefold() for value in values}
        if len({alias.casefold() for alias in aliases}) != len(aliases):
            raise RulebookError(f"target aliases of {kind}: two differ only in letter case")
        for alias, stands_for in aliases.items():
            unknown = [value for value in stands_for if value not in values]
            if not stands_for or unknown or alias.casefold() in folded:
                raise RulebookError(f"target alias {kind}={alias}: must stand for known values "
                                    f"of {kind} and differ from each (unknown: {unknown})")


def compile_engine(kb: KnowledgeBase) -> type[KnowledgeEngine]:
    """One experta engine class holding every rule of the rulebook, in rulebook order."""
    check_rulebook(kb)
    members: dict[str, Any] = {"__strategy__": StableStrategy, "case_fact_type": kb.case_fact}
    for position, spec in enumerate(kb.rules):
        # experta discovers rules by attribute name, sorted: zero-padded positions keep
        # discovery in rulebook order (the strategy orders firing independently of it).
        members[f"rule_{position:04d}"] = _compile_rule(kb, spec, position)
    return type(f"{kb.name.title().replace('-', '')}Engine", (KnowledgeEngine,), members)


class _RulePatterns(ConditionVisitor[None]):
    """Sorts a rule's conditions into experta patterns: single-field answer tests go on
    the case pattern, other answer conditions into one TEST on the bound case, conclusion
    conditions into EXISTS / NOT patterns of their own."""

    def __init__(self, case_fact: type):
        self.case_fact = case_fact
        self.single: list = []
        self.composite: list[AnswerCondition] = []
        self.derived: list = []   # on conclusions, in rule order
        self.missing: list = []   # on unanswered fields, after them

    def leaf(self, condition):
        self.single.append(condition)

    def answers(self, condition):
        self.composite.append(condition)

    def concluded(self, condition):
        self.derived.append(condition.pattern())

    def not_concluded(self, condition):
        self.derived.append(condition.pattern())

    def not_answered(self, condition):
        self.missing.append(condition.pattern(self.case_fact))

    def patterns(self) -> list:
        case_pattern = self.case_fact(**case_pattern_constraints(self.single))
        if not self.composite:
            return [case_pattern, *self.derived, *self.missing]
        return [AS.case << case_pattern, TEST(_composite_test(self.composite)),
                *self.derived, *self.missing]


def _compile_rule(kb: KnowledgeBase, spec: RuleSpec, position: int) -> Rule:
    sorter = _RulePatterns(kb.case_fact)
    for condition in spec.when:
        condition.accept(sorter)
    patterns = sorter.patterns()

    actions = spec.then
    rule_id = spec.id

    def fire(engine, **_bindings):
        new_facts = []
        for action in actions:
            new_facts.extend(action.facts(rule_id, engine.facts.values()))
        engine.declare(*new_facts)

    fire.__name__ = rule_id
    fire.__doc__ = spec.title
    # the metadata experta's copies keep (see the module docstring)
    setattr(fire, "rule_spec", spec)
    setattr(fire, "rule_position", position)
    return Rule(*patterns, salience=spec.phase)(fire)


def _composite_test(conditions: list[AnswerCondition]) -> Callable:
    def test(case):
        return all(condition.test(case) for condition in conditions)
    return test
