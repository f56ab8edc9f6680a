"""Many threads through one ScreeningService give exactly the sequential results: every
call builds its own working state, and experta's stateful engine is one per thread.  The
thread switch interval is shortened while the threads run, so that threads interleave
inside a run (with one engine shared between threads this test fails)."""
from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from lbp_screen.engine.bench import synthetic_rows
from lbp_screen.engine.runner import screener_for
from lbp_screen.engine.service import ScreeningService
from lbp_screen.engine.vocabulary import CaseError
from tests.engine.toy_kb import TOY_KB

SERVICE = ScreeningService(TOY_KB)
CASES = [raw for _, raw in synthetic_rows(TOY_KB, 400, seed=5)]


@pytest.fixture
def busy_switching():
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


def _screen(raw):
    try:
        return SERVICE.screen(raw)
    except CaseError as error:
        return str(error)


def test_threads_screen_exactly_what_one_thread_screens(busy_switching):
    sequential = [_screen(raw) for raw in CASES]
    assert len({repr(r["verdicts"]) for r in sequential if isinstance(r, dict)}) > 3  # varied cases
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(_screen, CASES))
    assert threaded == sequential


def test_threads_explain_exactly_what_one_thread_explains(busy_switching):
    cases = [dict(raw, case_id=None) for raw in CASES[:60]]
    sequential = [SERVICE.explanation(raw, why_not=["verdict=up"]) for raw in cases]
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(lambda raw: SERVICE.explanation(raw, why_not=["verdict=up"]), cases))
    assert threaded == sequential


def test_each_thread_has_its_own_engine_and_keeps_it():
    engines = {}

    def record(name):
        engines[name] = (screener_for(TOY_KB), screener_for(TOY_KB))

    threads = [threading.Thread(target=record, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(first is second for first, second in engines.values())
    assert len({id(first) for first, _ in engines.values()}) == 3
