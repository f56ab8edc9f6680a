"""Batch screening on a real Dask cluster (engine/dask_batch.py): a local cluster of two
worker processes, reached by its scheduler's address as a remote one would be, gives the
same bytes as one process, in input order, with a bounded window of chunks in flight; a
worker killed mid-run is replaced and the result is still complete and identical, or, when
the scheduler may not run a chunk again, the run fails with nothing written; a worker that
cannot import the knowledge base, or runs another version, and an unreachable scheduler are
clear errors.  Through the command line and under signals: tests/cli/test_batch_dask.py.
"""
from __future__ import annotations

import contextlib
import csv
import importlib.util
import json
import os
import pathlib
import signal
import socket
import subprocess
import sys
import time
import types

import pytest

from lbp_screen.engine import dask_batch, tables
from lbp_screen.engine.batch import ClusterError, WorkerLost
from lbp_screen.engine.bench import synthetic_rows
from lbp_screen.engine.dask_batch import DaskTarget
from lbp_screen.engine.errors import InputError
from tests import bundled
from tests.conftest import CASES_DIR, ROOT

KB = bundled.KB
SERVICE = bundled.SERVICE
WORKERS = 2
SYNTHETIC_ROWS = 2_000
SMALL_CHUNKS = 50  # rows per chunk here: many more chunks than the window holds
CASE = {"age": "45", "sitting": "worse", "standing": "better", "walking": "better"}

needs_dask = pytest.mark.skipif(
    any(importlib.util.find_spec(name) is None for name in ("dask", "distributed")),
    reason="Dask is not installed (pip install 'lbp-screen[dask]')")


# ---------------------------------------------------------------- inputs

def bundled_cases_jsonl(path: pathlib.Path) -> pathlib.Path:
    """Every bundled example case as a row, and two rows with errors."""
    rows = []
    for file in sorted(CASES_DIR.glob("*.json")):
        case = json.loads(file.read_text(encoding="utf-8"))["case"]
        rows.append({"case_id": file.stem[:60], **case} if "case_id" not in case else case)
    rows.insert(3, {"case_id": "bad-sitting", "sitting": "sometimes"})
    rows.append({"case_id": "bad-age", "age": "240"})
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def simple_csv(path: pathlib.Path, count: int) -> pathlib.Path:
    """Quick rows, for the runs that need many chunks rather than varied cases."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["case_id", *CASE])
        writer.writeheader()
        writer.writerows(dict(CASE, case_id=f"c-{n}") for n in range(1, count + 1))
    return path


def synthetic_csv(path: pathlib.Path, count: int = SYNTHETIC_ROWS) -> pathlib.Path:
    rows = [raw for _number, raw in synthetic_rows(KB, count, seed=13)]
    rows[7]["sitting"] = "sometimes"  # error rows are rows too
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(source: pathlib.Path, output: pathlib.Path, **how) -> dict:
    outcome = SERVICE.run_batch(SERVICE.open_batch(source), output, **how)
    return outcome.summary.as_dict()


def _worker_pids(client) -> set[int]:
    return set(client.run(os.getpid).values())


@pytest.fixture(scope="module")
def client():
    """One local cluster of two worker processes for the module's tests."""
    with dask_batch.cluster(DaskTarget(workers=WORKERS)) as started:
        yield started


@pytest.fixture
def address(client) -> DaskTarget:
    """The module's cluster as a scheduler address, with both workers up."""
    client.wait_for_workers(WORKERS, timeout=30)
    return DaskTarget(address=client.scheduler.address)


# ---------------------------------------------------------------- what --dask means

@pytest.mark.parametrize("text, target", [
    ("local", DaskTarget()), (" LOCAL ", DaskTarget()), ("local:3", DaskTarget(workers=3)),
    ("tcp://10.1.2.3:8786", DaskTarget(address="tcp://10.1.2.3:8786")),
    ("scheduler.example:8786", DaskTarget(address="scheduler.example:8786")),
    ("tls://scheduler.example:8786", DaskTarget(address="tls://scheduler.example:8786")),
])
def test_a_dask_target_is_local_local_n_or_a_scheduler_address(text, target):
    assert DaskTarget.parse(text) == target


@pytest.mark.parametrize("text, words", [
    ("lcoal", ["did you mean 'local'?"]), ("", ["not a scheduler address"]),
    ("local:0", ["at least 1"]), ("local:two", ["whole number"]), ("local:-1", ["at least 1"]),
    ("tcp://scheduler.example", ["not a scheduler address"]),
    ("scheduler.example:port", ["not a scheduler address"]), ("a b:8786", ["not a scheduler"]),
])
def test_a_bad_dask_target_says_what_is_expected(text, words):
    with pytest.raises(InputError) as refused:
        DaskTarget.parse(text)
    for word in [*words, "tcp://HOST:PORT", "local:N"]:
        assert word in str(refused.value)


def test_without_dask_installed_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # what find_spec sees as not installed
    with pytest.raises(ClusterError, match=r"pip install 'lbp-screen\[dask\]'"):
        dask_batch.require_dask()


def test_no_module_imports_dask_until_a_cluster_is_used():
    script = ("import sys, lbp_screen, lbp_screen.main, lbp_screen.engine.dask_batch, "
              "lbp_screen.engine.service; lbp_screen.service(); "
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# ---------------------------------------------------------------- the same bytes

@needs_dask
@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_the_bundled_cases_on_the_cluster_are_byte_for_byte_those_of_one_process(
        tmp_path, address, suffix):
    source = bundled_cases_jsonl(tmp_path / "cases.jsonl")
    one = run(source, tmp_path / f"one{suffix}", jobs=1)
    cluster = run(source, tmp_path / f"cluster{suffix}", dask=address)
    assert (tmp_path / f"cluster{suffix}").read_bytes() == (tmp_path / f"one{suffix}").read_bytes()
    assert cluster == one  # the summary names nothing of how it ran
    assert one["errors"] == 2 and one["rows"] == len(list(CASES_DIR.glob("*.json"))) + 2


@needs_dask
def test_a_few_thousand_synthetic_rows_on_the_cluster_are_byte_for_byte_those_of_one_process(
        tmp_path, address):
    source = synthetic_csv(tmp_path / "synthetic.csv")
    one = run(source, tmp_path / "one.jsonl", jobs=1)
    assert run(source, tmp_path / "cluster.jsonl", dask=address) == one
    assert (tmp_path / "cluster.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()
    assert one["rows"] == SYNTHETIC_ROWS and one["errors"] >= 1


@needs_dask
def test_chunks_come_back_in_input_order_with_a_bounded_window_in_flight(client):
    chunk_count, size = 40, 5
    read = given = 0
    ahead = []

    def chunks():
        nonlocal read
        for start in range(0, chunk_count * size, size):
            read += 1
            ahead.append(read - given)
            yield [(n, dict(CASE, case_id=f"c-{n}")) for n in range(start + 1, start + size + 1)]

    numbers = []
    for records in dask_batch.screened_on(client, KB, chunks(), "the test cluster"):
        given += 1
        numbers.extend(record["row"] for record in records)
    assert numbers == list(range(1, chunk_count * size + 1))
    assert max(ahead) == dask_batch.window(client) < chunk_count  # never the whole file at once


@needs_dask
def test_dask_s_debug_logs_keep_only_a_few_messages_so_memory_stays_flat(client):
    """Was: the client and the local scheduler each kept Dask's last 1,000 messages per
    connection, every one holding a chunk's rows: 200,000 rows grew the client to 1.1 GB
    (--jobs: 0.2 GB)."""
    scheduler = client.cluster.scheduler
    logs = [client.scheduler_comm.recent_message_log,
            *(stream.recent_message_log for stream in scheduler.stream_comms.values())]
    assert len(logs) == 1 + WORKERS
    assert {log.maxlen for log in logs} == {dask_batch.RECENT_MESSAGES_KEPT}


# ---------------------------------------------------------------- a worker lost

@needs_dask
def test_a_worker_killed_mid_run_is_replaced_and_the_output_is_still_identical(
        tmp_path, address, client, monkeypatch):
    monkeypatch.setattr(tables, "CHUNK_ROWS", SMALL_CHUNKS)
    source = simple_csv(tmp_path / "cases.csv", 1_000)
    one = run(source, tmp_path / "one.csv", jobs=1)
    victims = sorted(_worker_pids(client))
    killed = []

    def kill_one_worker(rows: int) -> None:
        if not killed:  # after the first chunk is back, while the others run
            os.kill(victims[0], signal.SIGKILL)
            killed.append(victims[0])

    outcome = SERVICE.run_batch(SERVICE.open_batch(source), tmp_path / "cluster.csv",
                                progress=kill_one_worker, dask=address)
    assert killed and outcome.summary.as_dict() == one
    assert (tmp_path / "cluster.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()
    client.wait_for_workers(WORKERS, timeout=30)
    assert victims[0] not in _worker_pids(client)  # the nanny started a new one


@needs_dask
def test_a_worker_killed_when_chunks_may_not_run_again_fails_the_run_with_nothing_written(
        tmp_path, monkeypatch):
    """The scheduler's allowed-failures at 0: the chunk the dead worker held is not run
    again, so the run stops with WorkerLost (exit status 1 on the command line)."""
    import dask

    monkeypatch.setattr(tables, "CHUNK_ROWS", SMALL_CHUNKS)
    source = simple_csv(tmp_path / "cases.csv", 1_000)
    output = tmp_path / "out.csv"
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            dask_batch.cluster(DaskTarget(workers=WORKERS)) as strict:
        victims = sorted(_worker_pids(strict))

        def kill_one_worker(rows: int) -> None:
            if victims:
                os.kill(victims.pop(), signal.SIGKILL)

        with pytest.raises(WorkerLost) as lost:
            SERVICE.run_batch(SERVICE.open_batch(source), output, progress=kill_one_worker,
                              dask=DaskTarget(address=strict.scheduler.address))
    assert "ended unexpectedly" in str(lost.value)
    assert "nothing written, out.csv not created" in str(lost.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.csv"]


# ---------------------------------------------------------------- workers that cannot

@needs_dask
def test_a_worker_that_cannot_import_the_knowledge_base_says_what_to_install(client):
    missing = types.SimpleNamespace(name="missing", import_path="tests.no_such_module:KB",
                                    provenance={"version": "0", "digest": "0"})
    chunks = [[(1, {"case_id": "c-1"})]]
    with pytest.raises(ClusterError) as refused:
        list(dask_batch.screened_on(client, missing, chunks, "the test cluster"))
    assert "tests.no_such_module" in str(refused.value)
    assert "install this lbp-screen on every worker" in str(refused.value)


@needs_dask
def test_a_worker_of_another_version_refuses_the_chunk(client):
    """Its results would not be those of --jobs 1: the client's provenance goes with every
    chunk and the worker compares it with its own."""
    other = types.SimpleNamespace(name=KB.name, import_path=KB.import_path,
                                  provenance={"version": "0.0.1", "digest": "not-this-one"})
    with pytest.raises(ClusterError) as refused:
        list(dask_batch.screened_on(client, other, [[(1, {"case_id": "c-1"})]], "the cluster"))
    message = str(refused.value)
    assert "0.0.1 (not-this-one)" in message and KB.version in message
    assert "install the same lbp-screen on every worker" in message


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@needs_dask
def test_an_unreachable_scheduler_is_an_error_within_the_timeout_and_nothing_is_written(
        tmp_path, monkeypatch):
    monkeypatch.setattr(dask_batch, "CONNECT_SECONDS", 1.0)
    source = bundled_cases_jsonl(tmp_path / "cases.jsonl")
    output = tmp_path / "out.csv"
    address = f"tcp://127.0.0.1:{_closed_port()}"
    started = time.monotonic()
    with pytest.raises(ClusterError) as refused:
        run(source, output, dask=DaskTarget(address=address))
    assert time.monotonic() - started < 1.0 + 10  # the timeout, and the start-up around it
    message = str(refused.value)
    assert f"cannot reach the Dask scheduler at {address} within 1 s" in message
    assert "nothing written, out.csv not created" in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.jsonl"]


@needs_dask
def test_a_scheduler_without_workers_is_an_error_not_a_wait_for_ever(tmp_path, monkeypatch):
    import distributed

    monkeypatch.setattr(dask_batch, "CONNECT_SECONDS", 1.0)
    source = bundled_cases_jsonl(tmp_path / "cases.jsonl")
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=None,
                                  scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}) as empty:
        with pytest.raises(ClusterError) as refused:
            run(source, tmp_path / "out.csv", dask=DaskTarget(address=empty.scheduler_address))
    assert "has no worker, and none joined within 1 s" in str(refused.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.jsonl"]


# ---------------------------------------------------------------- no process left

@needs_dask
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_local_cluster_closes_every_worker_process_even_when_the_run_fails(tmp_path):
    def children() -> set[int]:
        found = set()
        for entry in pathlib.Path("/proc").iterdir():
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = (entry / "stat").read_text()
                state, ppid = stat[stat.rindex(")") + 2:].split()[:2]
                if int(ppid) == os.getpid() and state not in ("Z", "X") \
                        and b"spawn_main" in (entry / "cmdline").read_bytes():
                    found.add(int(entry.name))
        return found

    before = children()  # the module's cluster, if it is running
    with pytest.raises(RuntimeError, match="the consumer failed"):
        with dask_batch.cluster(DaskTarget(workers=WORKERS)) as own:
            assert len(children() - before) == WORKERS
            screened = dask_batch.screened_on(own, KB, [[(1, {"case_id": "c-1"})]] * 8, "own")
            next(screened)
            raise RuntimeError("the consumer failed")
    deadline = time.monotonic() + 10
    while children() - before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert children() - before == set()


# ---------------------------------------------------------------- screen_frame on partitions

@needs_dask
def test_screen_frame_over_dask_partitions_on_the_cluster_equals_the_pandas_result(client):
    """The README's example: each partition is screened on a worker (its own service and
    engine); the rows come back in order on the input's index, each as screen_frame gives
    it for the whole frame, except ``row``, which counts from 1 in each partition."""
    import dask.dataframe as dd
    import pandas as pd

    import lbp_screen

    cases = [dict(raw) for _number, raw in synthetic_rows(KB, 400, seed=5)]
    cases[9]["sitting"] = "sometimes"  # an error row stays in its place
    frame = pd.DataFrame(cases, index=pd.RangeIndex(1_000, 1_000 + 10 * len(cases), 10))
    whole = lbp_screen.screen_frame(frame)

    partitions = dd.from_pandas(frame, npartitions=4)
    screened = partitions.map_partitions(lbp_screen.screen_frame,
                                         meta=lbp_screen.screen_frame(frame.head(0)))
    got = screened.compute(scheduler=client)

    assert got.index.equals(frame.index) and list(got.columns) == list(whole.columns)
    others = [column for column in whole.columns if column != "row"]
    pd.testing.assert_frame_equal(got[others], whole[others])
    sizes = partitions.map_partitions(len).compute(scheduler=client).tolist()
    assert got["row"].tolist() == [n for size in sizes for n in range(1, size + 1)]
    assert len(sizes) == 4 and (got["status"] == "error").sum() == 1
