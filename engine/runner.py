"""Running a knowledge base on cases: one experta engine per process, ``reset()`` per case.

``TracingEngine.run`` is experta's own run loop (get activations, update the agenda, pop
the next, call the rule) with one addition: after each rule body it records the firing:
the rule, the facts its activation matched, and what the firing asserted and retracted
(experta's ``facts.added`` / ``facts.removed`` right after the body).  Records keep
references to the (immutable) facts, so tracing costs little until a trace is printed.

Matching is experta's RETE network, driven by ``ChangedRulesMatcher``: the same network
and tests, minus work a profile showed to dominate and that changes no result (polling
every rule after every firing, copying tokens at every alpha node, re-checking token
types).  tests/engine/test_matcher.py checks it fires exactly what experta's own matcher
fires.
"""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Mapping
from typing import Any

from engine.experta_compat import (
    Fact, FeatureTesterNode, KnowledgeEngine, NoMemory, ReteMatcher, Token,
)
from engine.rulebook import KnowledgeBase, RuleSpec, compile_engine
from engine.vocabulary import ValidCase


@dataclass(frozen=True)
class Firing:
    """One rule firing, in the order experta fired it."""

    step: int
    rule: RuleSpec
    matched: tuple[Fact, ...]
    asserted: tuple[Fact, ...]
    retracted: tuple[Fact, ...]

    @property
    def rule_id(self) -> str:
        return self.rule.id


@dataclass(frozen=True)
class Run:
    """What one case left in working memory, and how it got there."""

    case: ValidCase
    facts: tuple[Fact, ...]
    firings: tuple[Firing, ...]

    @property
    def fired_rules(self) -> list[str]:
        return [f.rule_id for f in self.firings]


def fact_values(fact: Fact) -> dict[str, Any]:
    """A fact's fields without experta's bookkeeping keys."""
    return {k: v for k, v in fact.items() if not Fact.is_special(k)}


class ChangedRulesMatcher(ReteMatcher):
    """experta's RETE network, asking only the rules whose conflict set changed.

    experta's ``changes()`` polls every rule's conflict-set node after every firing, so its
    cost grows with rules x firings although a firing touches few rules.  Here each
    conflict-set node notes itself when a token reaches it, and only those are polled.
    The activations returned are the same; only their order differs, which the strategy
    does not depend on (it orders by its own unique key and removes by identity).
    ``reset()`` clears every node's memory from a flat list instead of experta's recursive
    walk, which visits shared nodes once per parent.  Alpha nodes share their token with
    their children instead of copying it at every node (``SharedTokenFeatureTester``).
    """

    def __init__(self, engine):
        super().__init__(engine)
        self._touched: list = []
        for node in self._get_conflict_set_nodes():
            node._activate = self._noting(node, node._activate)
        nodes = _network_nodes(self.root_node)
        for node in nodes:
            if type(node) is FeatureTesterNode:
                node.__class__ = SharedTokenFeatureTester
        for node in nodes:  # children were wired to bound methods of the old classes
            node.children[:] = [child._replace(callback=getattr(child.node, child.callback.__name__))
                                for child in node.children]
        self._nodes_with_memory = [node for node in nodes if not isinstance(node, NoMemory)]

    def _noting(self, node, activate):
        touched = self._touched

        def noted(token):
            touched.append(node)
            return activate(token)
        return noted

    def changes(self, adding=None, deleting=None):
        # experta's BusNode.add/remove, with tokens that skip the type checks (every
        # fact here came through FactList.declare); node copies keep the token's class.
        children = self.root_node.children
        for fact in deleting or ():
            token = TrustedToken.invalid(fact)
            for child in children:
                child.callback(token)
        for fact in adding or ():
            token = TrustedToken.valid(fact)
            for child in children:
                child.callback(token)
        added: list = []
        removed: list = []
        for node in dict.fromkeys(self._touched):
            node_added, node_removed = node.get_activations()
            added.extend(node_added)
            removed.extend(node_removed)
        self._touched.clear()
        return added, removed

    def reset(self):
        for node in self._nodes_with_memory:
            node._reset()


class SharedTokenFeatureTester(FeatureTesterNode):
    """experta's alpha-network node, copying the token only when it adds bindings.

    experta copies a token on entry to every node, so a fact passing a chain of ten
    feature tests is copied ten times.  A test that only says yes or no leaves the token
    unchanged, so it can pass the same token on; a test that binds values copies first,
    and every node with memory (join and conflict-set nodes) still copies on entry.
    Same tests, same order, same tokens reaching the join nodes.
    """

    def activate(self, token):
        fact, = token.data  # an alpha token carries exactly one fact
        match = self.matcher(fact)
        if not match:
            return
        if isinstance(match, Mapping):
            context = token.context
            for key, value in match.items():  # experta's binding-consistency checks
                if isinstance(key, tuple):  # a negated binding
                    if key[1] in context and context[key[1]] == value:
                        return
                elif context.get(key, value) != value or context.get((False, key), _ABSENT) == value:
                    return
            token = token.copy()
            token.context.update(match)
        for child in self.children:
            child.callback(token)


_ABSENT = object()


class TrustedToken(Token):
    """experta's RETE token without the per-token type assertions (the profile's largest
    single cost: every node activation copies its token).  Same fields, same behaviour."""

    __slots__ = ()

    def __new__(cls, tag, data, context=None):
        data = {data} if isinstance(data, Fact) else set(data)
        return tuple.__new__(cls, (tag, data, {} if context is None else context))

    def copy(self):
        return tuple.__new__(type(self), (self.tag, self.data.copy(), self.context.copy()))


def _network_nodes(root) -> list:
    seen: dict[int, object] = {}
    pending = [root]
    while pending:
        node = pending.pop()
        if id(node) not in seen:
            seen[id(node)] = node
            pending.extend(child.node for child in node.children)
    return list(seen.values())


class TracingEngine(KnowledgeEngine):
    """experta's engine, recording each firing as it happens."""

    __matcher__ = ChangedRulesMatcher
    _deffacts_cache = None

    def get_deffacts(self):
        # experta looks the DefFacts up with inspect.getmembers on every reset(); the
        # set never changes for a compiled rulebook, so look once.
        if self._deffacts_cache is None:
            self._deffacts_cache = super().get_deffacts()
        return self._deffacts_cache

    def run(self, steps=float("inf")):
        self.running = True
        self.firings = []
        while steps > 0 and self.running:
            added, removed = self.get_activations()
            self.strategy.update_agenda(self.agenda, added, removed)
            activation = self.agenda.get_next()
            if activation is None:
                break
            steps -= 1
            activation.rule(self, **{k: v for k, v in activation.context.items()
                                     if not k.startswith("__")})
            self.firings.append(Firing(
                step=len(self.firings) + 1,
                rule=activation.rule._wrapped.rule_spec,
                matched=tuple(sorted(activation.facts, key=lambda f: f["__factid__"])),
                asserted=tuple(self.facts.added),
                retracted=tuple(self.facts.removed),
            ))
        self.running = False


class Screener:
    """Validates and runs cases against one knowledge base.  Build once, reuse per case."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        engine_class = compile_engine(kb)
        self._engine = type(engine_class.__name__, (TracingEngine, engine_class), {})()

    def validate(self, raw: Mapping[str, Any], label: str | None = None) -> ValidCase:
        return self.kb.vocabulary.validate(raw, label)

    def run(self, case: ValidCase) -> Run:
        return self._run_on(self._engine, case)

    def run_on_fresh_engine(self, case: ValidCase) -> Run:
        """The same run on a newly built engine (its matching network built again): the
        usual way of running experta, kept as the benchmark's baseline."""
        return self._run_on(type(self._engine)(), case)

    def _run_on(self, engine: "TracingEngine", case: ValidCase) -> Run:
        engine.reset()
        engine.declare(self.kb.case_fact(**case.answers))
        engine.run()
        return Run(case=case, facts=tuple(engine.facts.values()), firings=tuple(engine.firings))
