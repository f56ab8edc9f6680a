"""An agenda strategy that is exact and deterministic (replaces experta's DepthStrategy).

experta 1.9.4's DepthStrategy finds an invalidated activation by bisecting on
(salience, fact ids) and looking only at the neighbouring slots.  When three or more
activations share that key (rules whose only condition is a NOT, at one salience), a
stale activation can stay on the agenda and fire.  Ties are also broken by object
hashes, so firing order changed between runs.

Here an activation's key is (salience, -rulebook position, fact ids): unique per rule and
fact combination, and independent of hashing.  The highest key fires first, so within a
phase rules fire in rulebook order.  Invalidated activations are removed by exact
identity of (rule, facts, bindings).
"""
from __future__ import annotations

import bisect

from lbp_screen.engine.experta_compat import Fact, Strategy


def _identity(activation) -> tuple:
    facts = tuple(sorted(f["__factid__"] for f in activation.facts))
    bindings = tuple(sorted((k, _binding(v)) for k, v in activation.context.items()))
    return (activation.rule._wrapped.rule_position, facts, bindings)


def _binding(value) -> object:
    # A bound fact is named by its id: working memory holds no two facts with equal
    # contents, so the id says what its repr said, without printing the whole fact.
    if isinstance(value, Fact):
        return ("fact", value["__factid__"])
    try:
        hash(value)
    except TypeError:
        return ("repr", repr(value))
    return ("value", value)


def _order_key(activation) -> tuple:
    facts = tuple(sorted((f["__factid__"] for f in activation.facts), reverse=True))
    return (activation.rule.salience, -activation.rule._wrapped.rule_position, facts)


class StableStrategy(Strategy):
    def _update_agenda(self, agenda, added, removed):
        if removed:
            stale = {_identity(activation) for activation in removed}
            agenda.activations = [a for a in agenda.activations if _identity(a) not in stale]
        for activation in added:
            activation.key = _order_key(activation)
            bisect.insort(agenda.activations, activation)
