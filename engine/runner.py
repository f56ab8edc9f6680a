"""Running a knowledge base on cases: one experta engine per thread, ``reset()`` per case.

``TracingEngine.run`` is experta's own run loop (get activations, update the agenda, pop
the next, call the rule) with one addition: after each rule body it records the firing:
the rule, the facts its activation matched, and what the firing asserted and retracted
(experta's ``facts.added`` / ``facts.removed`` right after the body).  Records keep
references to the (immutable) facts, so tracing costs little until a trace is printed.

Matching is ``engine.matcher.CompiledRulebookMatcher``, plugged in through experta's
``__matcher__``; tests/engine/test_matcher.py checks it fires exactly what experta's own
RETE matcher fires.
"""
from __future__ import annotations

import operator
import threading
from dataclasses import dataclass
from collections.abc import Mapping
from typing import Any

from lbp_screen.engine.experta_compat import (
    Agenda, Fact, FactList, InitialFact, KnowledgeEngine, ReteMatcher, scalar_fact,
)
from lbp_screen.engine.interview import open_question_finder
from lbp_screen.engine.matcher import CompiledRulebookMatcher
from lbp_screen.engine.rulebook import KnowledgeBase, RuleSpec, compile_engine
from lbp_screen.engine.vocabulary import ValidCase


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
    given: tuple[Fact, ...] = ()  # derived from the answers before any rule fired

    @property
    def fired_rules(self) -> list[str]:
        return [f.rule_id for f in self.firings]


def fact_values(fact: Fact) -> dict[str, Any]:
    """A fact's fields without experta's bookkeeping keys."""
    return {k: v for k, v in fact.items() if not Fact.is_special(k)}


_FACT_ID = operator.itemgetter("__factid__")


class TracingEngine(KnowledgeEngine):
    """experta's engine, recording each firing as it happens."""

    __matcher__ = CompiledRulebookMatcher
    def reset(self):
        # experta's reset() without its DefFacts machinery (an inspect.signature call per
        # DefFacts on every reset): a compiled rulebook has only experta's own DefFacts,
        # which declares the InitialFact.
        self.agenda = Agenda()
        self.facts = FactList()
        self.matcher.reset()
        # experta's own private declare, as its reset() uses: the public one warns that
        # the fact list is still empty.
        self._KnowledgeEngine__declare(InitialFact())

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
                matched=tuple(sorted(activation.facts, key=_FACT_ID)),
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
        """The same rules on a newly built engine with experta's own RETE matcher (its
        network built again for the case): the usual way of running experta, kept as the
        benchmark's baseline."""
        stock = type("Rete" + type(self._engine).__name__, (type(self._engine),),
                     {"__matcher__": ReteMatcher})
        return self._run_on(stock(), case)

    def _run_on(self, engine: "TracingEngine", case: ValidCase) -> Run:
        engine.reset()
        engine.declare(scalar_fact(self.kb.case_fact, dict(case.answers)))
        if self.kb.given_facts is not None:
            derived = self.kb.given_facts(case, open_question_finder(self.kb, case.answers))
            if derived:
                engine.declare(*derived)
        # what working memory holds before any rule fires, besides experta's and the case's
        given = tuple(f for f in engine.facts.values()
                      if type(f) not in (InitialFact, self.kb.case_fact))
        engine.run()
        return Run(case=case, facts=tuple(engine.facts.values()), firings=tuple(engine.firings),
                   given=given)


# An experta engine holds one case's working memory at a time, so each thread gets its own
# (built once per thread and knowledge base, about 12 ms); processes each have their own too.
_local = threading.local()


def screener_for(kb: KnowledgeBase) -> Screener:
    """This thread's screener (one compiled experta engine) for ``kb``."""
    screeners = getattr(_local, "screeners", None)
    if screeners is None:
        screeners = _local.screeners = {}
    entry = screeners.get(id(kb))
    if entry is None or entry[0] is not kb:  # the pair keeps kb alive, so its id stays its own
        entry = screeners[id(kb)] = (kb, Screener(kb))
    return entry[1]
