"""Shared fixtures and hypothesis strategies.

Strategies generate cases from the knowledge base's own vocabulary (so a new field is
covered without editing tests).  ``valid_cases`` leaves fields out about half the time
(not known) and favours "yes" on warning-sign questions, so red flags come up often
enough for the safety properties to mean something.

The clinical knowledge base is loaded only when first used (``KB``, ``CALM_WARNING_SIGNS``,
the ``kb`` and ``screen`` fixtures, the strategies' draws), never by importing this module:
the engine's own tests (tests/engine/) run on tests/engine/toy_kb.py alone.
"""
from __future__ import annotations

import functools
import pathlib

import pytest
from hypothesis import HealthCheck, settings, strategies as st

from lbp_screen.engine.vocabulary import Choice, Number

ROOT = pathlib.Path(__file__).resolve().parent.parent
CASES_DIR = ROOT / "cases"

# Example counts are tuned so the whole suite stays well under ten minutes on two cores.
settings.register_profile("default", max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=300, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("default")


def _bundled():
    from tests import bundled  # the clinical knowledge base: loaded on first use only
    return bundled


@pytest.fixture(scope="session")
def kb():
    return _bundled().load_knowledge_base()


@pytest.fixture(scope="session")
def screen():
    return _bundled().screen


def _kb():
    return _bundled().load_knowledge_base()


def __getattr__(name: str):
    """``KB`` and ``CALM_WARNING_SIGNS``, computed when first imported (PEP 562)."""
    if name == "KB":
        return _kb()
    if name == "CALM_WARNING_SIGNS":
        return _calm_warning_signs()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _spellings(kind: Choice, value: str) -> list:
    spellings = [s for s, v in kind.spellings.items() if v == value]
    spellings += [s.upper() for s in spellings] + [f"  {spellings[0]} "]
    spellings += [b for b, v in kind.booleans.items() if v == value]
    spellings += [n for n, v in kind.numbers.items() if v == value]
    return spellings


def canonical_answer(spec) -> st.SearchStrategy:
    kind = spec.kind
    if isinstance(kind, Choice):
        if spec.group == "red_flags" and "yes" in kind.values:
            return st.sampled_from(["yes", "yes", "no"])  # warning signs come up often
        return st.sampled_from(kind.values)
    if isinstance(kind, Number):
        if kind.whole:
            return st.integers(int(kind.minimum), int(kind.maximum))
        return st.one_of(st.integers(int(kind.minimum), int(kind.maximum)),
                         st.floats(kind.minimum, kind.maximum, allow_nan=False))
    return st.from_regex(r"[a-z]{1,8}-[0-9]{1,4}", fullmatch=True)


@st.composite
def valid_cases(draw, spelled: bool = False):
    """A valid raw case; ``spelled`` also varies the accepted spellings of each answer."""
    case = {}
    for spec in _kb().vocabulary:
        if draw(st.booleans()):
            continue  # not known
        value = draw(canonical_answer(spec))
        if spelled and isinstance(spec.kind, Choice):
            value = draw(st.sampled_from(_spellings(spec.kind, value)))
        case[spec.name] = value
    return consistent(case)


def consistent(case: dict, keep=()) -> dict:
    """The case without answers that presume a premise other answers deny (such a case
    is refused as contradictory; see tests/knowledge/test_dependencies.py).  For a field
    in ``keep`` the denying answers are dropped instead of the field."""
    case = dict(case)
    KB = _kb()
    while True:
        answers = {name: KB.vocabulary[name].kind.parse(value) for name, value in case.items()
                   if name != KB.vocabulary.id_field}
        problems = KB.vocabulary.contradictions(answers)
        if not problems:
            return case
        for problem in problems:
            if problem.field in keep:
                for name in problem.conflicts_with:
                    case.pop(name, None)
            else:
                case.pop(problem.field, None)


def raw_values() -> st.SearchStrategy:
    return st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                     st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
                     st.sampled_from(["yes", "no", "worse", "better", "same", "unknown", "",
                                      "one_leg", "sudden", "40", "12.5", "1", "0"]))


def json_values() -> st.SearchStrategy:
    """Any JSON value a hostile file could hold: nested lists and objects, integers far
    beyond a float, NaN-like and Unicode text, long text, and the field values above."""
    scalars = st.one_of(raw_values(), st.integers(min_value=-10**400, max_value=10**400),
                        st.sampled_from(["NaN", "nan", "Infinity", "-inf", "1e400", "\u202e", "＠",
                                         "null", "None", "n/a", "x" * 5000]),
                        st.text(alphabet=st.characters(codec="utf-8"), max_size=30))
    return st.recursive(scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
        max_leaves=8)


@st.composite
def hostile_cases(draw):
    """Any JSON object of known or unknown field names to any JSON values."""
    names = draw(st.lists(st.one_of(st.sampled_from(list(_kb().vocabulary.fields)), st.text(max_size=10)),
                          max_size=10, unique=True))
    return {name: draw(json_values()) for name in names}


@st.composite
def raw_cases(draw):
    """Any mapping of known or unknown field names to strings, numbers or None."""
    names = draw(st.lists(st.one_of(st.sampled_from(list(_kb().vocabulary.fields)), st.text(max_size=10)),
                          max_size=12, unique=True))
    return {name: draw(raw_values()) for name in names}


@functools.cache
def _calm_warning_signs() -> dict:
    """Every warning-sign question asked of everyone, answered so that it raises no flag:
    what a case needs before any exercise advice is given (knowledge base 2.0)."""
    return {spec.name: ("none" if spec.name == "leg_pain" else "no")
            for spec in _kb().vocabulary if spec.group == "red_flags" and spec.premise is None
            and isinstance(spec.kind, Choice) and "no" in spec.kind.values
            or spec.name == "leg_pain"}
