"""Run by test_strategy.py in subprocesses (one per PYTHONHASHSEED).

Five rules whose only condition is a NOT, at one salience, and one rule of higher
salience that declares the fact one of them negates.  Prints the firing order as JSON.
Usage: python -m tests.engine.stale_agenda_probe [stable|depth]
"""
import json
import sys

from lbp_screen.engine.experta_compat import NOT, Fact, KnowledgeEngine, Rule
from lbp_screen.engine.strategy import StableStrategy
from experta.strategies import DepthStrategy

NEGATED = ("a", "b", "c", "d", "e")


class Flag(Fact):
    """A named flag; the NOT-only rules each fire while their flag is absent."""


def positioned(position):
    """Give a hand-written rule its rulebook position, as compiled rules carry it."""
    def mark(function):
        function.rule_position = position
        return function
    return mark


def _not_rule(name, position):
    @Rule(NOT(Flag(name=name)), salience=0)
    @positioned(position)
    def fire(self):
        self.fired.append(f"not_{name}")
    return fire


def build(strategy):
    members = {"__strategy__": strategy}

    @Rule(salience=10)
    @positioned(0)
    def declare_b(self):
        self.fired.append("declare_b")
        self.declare(Flag(name="b"))

    members["rule_declare_b"] = declare_b
    for position, name in enumerate(NEGATED, start=1):
        members[f"rule_not_{name}"] = _not_rule(name, position)
    return type("Probe", (KnowledgeEngine,), members)


if __name__ == "__main__":
    strategy = {"stable": StableStrategy, "depth": DepthStrategy}[sys.argv[1]]
    engine = build(strategy)()
    engine.fired = []
    engine.reset()
    engine.run()
    print(json.dumps(engine.fired))
