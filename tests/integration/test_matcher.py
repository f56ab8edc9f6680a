"""The compiled matcher (engine/matcher.py) must fire exactly what experta's own RETE matcher
fires: same rules, same order, same matched, asserted and retracted facts."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings

from tests import bundled
from lbp_screen.engine.experta_compat import ReteMatcher
from lbp_screen.engine.runner import Screener, TracingEngine
from tests.conftest import CASES_DIR, valid_cases

KB = bundled.load_knowledge_base()


class StockMatcherScreener(Screener):
    """The same engine class with experta's unmodified matcher."""

    def __init__(self, kb):
        super().__init__(kb)
        tuned = type(self._engine)
        stock = type("Stock" + tuned.__name__, (tuned,), {"__matcher__": ReteMatcher})
        self._engine = stock()


TUNED = Screener(KB)
STOCK = StockMatcherScreener(KB)


def trace(run):
    return [(f.rule_id, [dict(x) for x in f.matched], [dict(x) for x in f.asserted],
             [dict(x) for x in f.retracted]) for f in run.firings]


def test_the_stock_screener_really_uses_experta_s_matcher():
    assert type(STOCK._engine.matcher) is ReteMatcher
    assert isinstance(TUNED._engine, TracingEngine) and type(TUNED._engine.matcher) is not ReteMatcher


@settings(max_examples=60)
@given(raw=valid_cases())
def test_tuned_matcher_fires_what_experta_s_own_matcher_fires(raw):
    case = TUNED.validate(raw)
    tuned, stock = TUNED.run(case), STOCK.run(case)
    assert trace(tuned) == trace(stock)
    assert [dict(f) for f in tuned.facts] == [dict(f) for f in stock.facts]


@pytest.mark.parametrize("path", sorted(CASES_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_compiled_matcher_fires_what_rete_fires_on_every_bundled_case(path):
    case = TUNED.validate(json.loads(path.read_text(encoding="utf-8"))["case"])
    assert trace(TUNED.run(case)) == trace(STOCK.run(case))
