"""The batch's worker processes, in this process: a lost worker is a ``WorkerLost`` error
(never a hang), a worker that cannot load its knowledge base says why, and however a run
ends (a lost worker, the consumer failing or stopping early) no worker is left running.
The same under real signals, through the installed command: tests/cli/test_batch_signals.py.
"""
from __future__ import annotations

import contextlib
import os
import pathlib
import signal
import sys
import time
import types

import pytest

from lbp_screen.engine import batch
from lbp_screen.engine.errors import ScreeningError
from tests import bundled

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads /proc to find the worker processes")

CASE = {"age": "45", "sitting": "worse", "standing": "better", "walking": "better"}
LIMIT = 30  # seconds: a run that takes longer has hung, and fails


@pytest.fixture(autouse=True)
def fails_rather_than_hangs():
    def hung(_signum, _frame):
        raise AssertionError(f"hung: still running after {LIMIT} s")
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(LIMIT)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _chunks(count: int, size: int = 50):
    for start in range(0, count * size, size):
        yield [(n, dict(CASE, case_id=f"c-{n}")) for n in range(start + 1, start + size + 1)]


def _workers() -> list[int]:
    """This process's live child processes (multiprocessing's resource tracker aside)."""
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text()
            state, ppid = stat[stat.rindex(")") + 2:].split()[:2]
            if int(ppid) == os.getpid() and state not in ("Z", "X") \
                    and b"resource_tracker" not in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
    return found


def test_a_killed_worker_is_a_worker_lost_error_and_ends_the_other():
    """Was: multiprocessing.Pool replaced the dead worker and the run waited for ever."""
    screened = batch.screened_chunks(bundled.KB, _chunks(200), 2)
    assert len(next(screened)) == 50
    workers = _workers()
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGKILL)
    started = time.monotonic()
    with pytest.raises(batch.WorkerLost, match="killed by SIGKILL") as lost:
        for _chunk in screened:
            pass
    assert time.monotonic() - started < 5
    assert isinstance(lost.value, ScreeningError)  # a face shows it as one error line
    assert _workers() == []


def test_a_worker_that_cannot_load_the_knowledge_base_says_why():
    """Was: the Pool's initializer failed in every new worker, which the Pool replaced for ever."""
    missing = types.SimpleNamespace(name="missing", import_path="tests.no_such_module:KB")
    with pytest.raises(ModuleNotFoundError, match="tests.no_such_module"):
        list(batch.screened_chunks(missing, _chunks(4), 2))
    assert _workers() == []


def test_a_consumer_that_stops_early_ends_every_worker():
    with contextlib.closing(batch.screened_chunks(bundled.KB, _chunks(200), 2)) as screened:
        next(screened)
        assert len(_workers()) == 2
    assert _workers() == []


def test_a_failing_consumer_ends_every_worker_and_leaves_no_file(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("case_id,sitting\n" + "".join(f"c-{i},worse\n" for i in range(3000)))
    out = tmp_path / "out.csv"
    out.write_text("earlier\n")

    def progress(_rows):
        raise RuntimeError("the consumer failed")

    with pytest.raises(RuntimeError, match="consumer failed"):
        bundled.SERVICE.run_batch(bundled.SERVICE.open_batch(source), out, jobs=2, progress=progress)
    assert _workers() == []
    assert out.read_text() == "earlier\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


def test_results_come_back_in_input_order_with_every_worker_busy():
    numbers = [record["row"] for chunk in batch.screened_chunks(bundled.KB, _chunks(12, 7), 2)
               for record in chunk]
    assert numbers == list(range(1, 12 * 7 + 1))
    assert _workers() == []
