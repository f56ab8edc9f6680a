"""Screening from many threads at once gives exactly the sequential results (regression:
one cached experta engine per process gave 61 different results in 2,000 cases through 8
threads, 39 of them silently wrong screenings)."""
from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

from hypothesis import given, settings, strategies as st

from tests import bundled
from tests.conftest import valid_cases


def _screen_or_error(raw):
    try:
        return bundled.screen(raw)
    except bundled.CaseError as error:
        return str(error)


def test_regression_threads_sharing_one_engine_gave_wrong_screenings():
    from lbp_screen.engine.bench import synthetic_rows
    cases = [raw for _, raw in synthetic_rows(bundled.KB, 2000, seed=11)]
    sequential = [_screen_or_error(c) for c in cases]
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(_screen_or_error, cases))
    assert threaded == sequential


@settings(max_examples=5)
@given(st.lists(valid_cases(), min_size=20, max_size=60), st.randoms(use_true_random=False))
def test_generated_cases_screen_the_same_in_any_thread_in_any_order(cases, rng: random.Random):
    sequential = [_screen_or_error(c) for c in cases]
    order = list(range(len(cases)))
    rng.shuffle(order)
    with ThreadPoolExecutor(max_workers=4) as pool:
        shuffled = list(pool.map(lambda i: (i, _screen_or_error(cases[i])), order))
    assert [result for _, result in sorted(shuffled)] == sequential
