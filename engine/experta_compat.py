"""The one place that imports experta.

experta 1.9.4 (its last release) pins frozendict 1.2, whose class is defined on
``collections.Mapping``; Python 3.10 removed that alias, so a plain ``import experta``
fails there.  frozendict needs the name only while its module body runs, so we lend it
``collections.abc.Mapping`` for exactly that import and take it back afterwards.  Every
other module imports experta names from here, never from experta directly.

Importing experta also calls ``logging.basicConfig()``; the CLI configures logging
itself with ``force=True`` so experta's handler never prints to users.
"""
import collections
import collections.abc
from typing import Any

_lent = not hasattr(collections, "Mapping")
if _lent:
    setattr(collections, "Mapping", collections.abc.Mapping)
try:
    import frozendict  # noqa: F401  (defines its class on collections.Mapping)
finally:
    if _lent:
        delattr(collections, "Mapping")

from experta import AS, EXISTS, NOT, TEST, Fact, KnowledgeEngine, L, P, Rule, W  # noqa: E402
from experta.abstract import Matcher, Strategy  # noqa: E402
from experta.activation import Activation  # noqa: E402
from experta.agenda import Agenda  # noqa: E402
from experta.fact import InitialFact  # noqa: E402
from experta.factlist import FactList  # noqa: E402
from experta.matchers import ReteMatcher  # noqa: E402

__all__ = ["AS", "EXISTS", "NOT", "TEST", "Activation", "Agenda", "Fact", "FactList", "InitialFact",
           "KnowledgeEngine", "L", "Matcher", "P", "ReteMatcher", "Rule", "Strategy", "W", "scalar_fact"]


_SCALARS = (str, int, float, bool, type(None))


def scalar_fact(fact_type: type[Any], values: dict) -> Fact:
    """``fact_type(**values)`` for a fact whose values are all strings, numbers or None.

    experta's ``Fact.__init__`` passes every value through ``freeze`` (a singledispatch
    call per field), which returns such values unchanged; building the dict directly gives
    an equal fact about fifteen times faster, and facts are built for every case and
    conclusion.  The private ``_Fact__defaults`` is what ``Fact.__init__`` sets (experta is
    pinned to 1.9.4); any other value falls back to the ordinary constructor.
    """
    if not all(type(value) in _SCALARS for value in values.values()):
        return fact_type(**values)
    fact = dict.__new__(fact_type)  # a Fact is a dict
    dict.update(fact, values)
    fact._Fact__defaults = {}
    return fact
