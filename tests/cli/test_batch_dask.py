"""`lbp batch --dask` through the installed command: `--dask local:2` writes a folder of
parts byte for byte as `--jobs 1` does (the summary too); a worker killed mid-run is
replaced and the output is still identical to `--jobs 1`'s; SIGTERM or Ctrl-C ends the run and its whole local cluster within
seconds, one line on stderr, nothing written; the refusals come before any work.

Runs start in a session of their own so that every process of the run, the cluster's
workers too, can be found by its session id (tests/cli/test_batch_signals.py).
"""
from __future__ import annotations

import csv
import importlib.util
import json
import os
import pathlib
import signal
import subprocess
import sys
import time

import pytest

from lbp_screen.engine import dask_batch
from tests.cli.conftest import invoke_lbp
from tests.cli.test_batch_signals import (CASES, COLUMNS, EARLIER, ENDS_WITHIN, Run, started_runs,
                                          _alive_in_session, _cmdline, _lbp, _one_error_line,
                                          _wait_for, _write_cases)

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find processes"),
    pytest.mark.skipif(any(importlib.util.find_spec(n) is None for n in ("dask", "distributed")),
                       reason="Dask is not installed (pip install 'lbp-screen[dask]')"),
]

ROWS = 1_500       # three chunks: one for each worker, one more to run after a kill
BIG_ROWS = 20_000  # long enough that every signal lands mid-run
DASK_ENDS_WITHIN = ENDS_WITHIN + 5  # the local cluster's graceful close on a loaded machine


class DaskRun(Run):
    """One `lbp batch --dask local:2` in a session of its own (see Run)."""

    def __init__(self, tmp_path: pathlib.Path, source: pathlib.Path, output: str = "out.csv",
                 earlier: bytes | None = EARLIER, dask: str = "local:2"):
        self.folder = tmp_path
        self.output = tmp_path / output
        self.earlier = earlier
        if earlier is not None:
            self.output.write_bytes(earlier)
        self._stdout = open(tmp_path / "stdout.txt", "w+b")
        self._stderr = open(tmp_path / "stderr.txt", "w+b")
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [_lbp(), "batch", str(source), "-o", str(self.output), "--dask", dask],
            cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=self._stdout, stderr=self._stderr,
            start_new_session=True)
        self.pid = self.process.pid

    def cluster_workers(self) -> list[int]:
        """The local cluster's worker processes (Dask spawns them by multiprocessing)."""
        return [pid for pid in _alive_in_session(self.pid) if "spawn_main" in _cmdline(pid)]

    def wait_until_screening(self, jobs: int = 2) -> list[int]:
        """Both workers up and the output being written: chunks are in flight."""
        _wait_for(lambda: len(self.cluster_workers()) >= jobs and self.partials()
                  or self.process.poll() is not None, 60, f"{jobs} Dask workers and a .partial file")
        assert self.process.poll() is None, self.stderr()
        time.sleep(0.5)
        return self.cluster_workers()

    def ended(self, within: float = DASK_ENDS_WITHIN) -> int:
        return super().ended(within)


@pytest.fixture
def runs():
    yield from started_runs(DaskRun)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """ROWS cases (one in four an error row) and what `--jobs 1` writes for them."""
    folder = tmp_path_factory.mktemp("reference")
    source = _write_cases(folder / "cases.csv", ROWS)
    output = folder / "one.csv"
    result = invoke_lbp(["batch", str(source), "-o", str(output), "--jobs", "1"])
    assert result.exit_code == 3, result.stderr
    return source, output.read_bytes()


def _write_part(path: pathlib.Path, numbers: range) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows({**CASES[i % len(CASES)], "case_id": f"c-{i}"} for i in numbers)


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> pathlib.Path:
    return _write_cases(tmp_path_factory.mktemp("input") / "big.csv", BIG_ROWS)


# ---------------------------------------------------------------- the same output

def test_dask_local_2_writes_a_folder_of_parts_byte_for_byte_as_jobs_1_does(tmp_path):
    parts = tmp_path / "dataset"
    parts.mkdir()
    for number in range(3):  # rows and case ids continue across the parts
        _write_part(parts / f"part.{number}.csv", range(number * 400, (number + 1) * 400))
    written = {}
    for way, how in (("one", ["--jobs", "1"]), ("cluster", ["--dask", "local:2"])):
        output, summary = tmp_path / f"{way}.parquet", tmp_path / f"{way}-summary.json"
        done = subprocess.run([_lbp(), "batch", str(parts), "-o", str(output), *how,
                               "--summary", str(summary)],
                              capture_output=True, text=True, timeout=180, start_new_session=True)
        assert done.returncode == 3, done.stderr  # one row in four is an error row
        assert "Traceback" not in done.stderr and "distributed" not in done.stderr, done.stderr
        written[way] = ({p.name: p.read_bytes() for p in sorted(output.iterdir())},
                        json.loads(summary.read_text(encoding="utf-8")))
    assert sorted(written["one"][0]) == ["part.0.parquet", "part.1.parquet", "part.2.parquet"]
    assert written["cluster"] == written["one"]  # every part, byte for byte, and the summary


def test_a_worker_killed_mid_run_is_replaced_and_the_output_is_still_identical(
        tmp_path, reference, runs):
    source, one = reference
    run = runs(tmp_path, source, earlier=None)
    workers = run.wait_until_screening()
    os.kill(workers[0], signal.SIGKILL)  # as the out-of-memory killer would
    assert run.ended(within=120) == 3, run.stderr()
    run.settled()
    assert "Traceback" not in run.stderr() and "distributed" not in run.stderr(), run.stderr()
    assert run.output.read_bytes() == one
    assert run.partials() == []


# ---------------------------------------------------------------- signals

def test_sigterm_to_the_group_ends_the_run_and_its_whole_local_cluster(tmp_path, big_csv, runs):
    run = runs(tmp_path, big_csv)
    run.wait_until_screening()
    os.killpg(run.pid, signal.SIGTERM)  # the workers get it too, and leave it to the parent
    _one_error_line(run.assert_clean_end(128 + signal.SIGTERM), "interrupted (SIGTERM)",
                    "nothing written", "out.csv left as it was")


def test_ctrl_c_to_the_parent_alone_ends_the_run_and_its_whole_local_cluster(
        tmp_path, big_csv, runs):
    run = runs(tmp_path, big_csv, earlier=None)
    run.wait_until_screening()
    os.kill(run.pid, signal.SIGINT)
    _one_error_line(run.assert_clean_end(128 + signal.SIGINT, output_kept=False),
                    "interrupted (SIGINT)", "out.csv not created")
    assert not run.output.exists()


# ---------------------------------------------------------------- refusals, before any work

def test_dask_and_jobs_together_are_refused_before_any_work(tmp_path):
    result = invoke_lbp(["batch", str(tmp_path / "not-there.csv"), "-o", str(tmp_path / "o.csv"),
                         "--dask", "local:2", "--jobs", "2"])
    assert result.exit_code == 2
    assert "--dask and --jobs cannot be used together" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_misspelt_dask_target_is_a_usage_error_with_a_did_you_mean(tmp_path):
    result = invoke_lbp(["batch", str(tmp_path / "not-there.csv"), "-o", str(tmp_path / "o.csv"),
                         "--dask", "lcoal"])
    assert result.exit_code == 2
    assert "Invalid value for '--dask'" in result.stderr and "did you mean 'local'?" in result.stderr


def test_without_dask_the_error_says_how_to_install_it_and_nothing_is_read(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # what find_spec sees as not installed
    result = invoke_lbp(["batch", str(tmp_path / "not-there.csv"), "-o", str(tmp_path / "o.csv"),
                         "--dask", "local"])
    assert result.exit_code == 1
    _one_error_line(result.stderr, "--dask needs distributed", "pip install 'lbp-screen[dask]'")
    assert list(tmp_path.iterdir()) == []


def test_an_unreachable_scheduler_is_one_error_line_and_nothing_is_written(
        tmp_path, reference, monkeypatch):
    monkeypatch.setattr(dask_batch, "CONNECT_SECONDS", 1.0)
    source, _one = reference
    output = tmp_path / "out.csv"
    output.write_bytes(EARLIER)
    result = invoke_lbp(["batch", str(source), "-o", str(output), "--dask", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1
    _one_error_line(result.stderr, "cannot reach the Dask scheduler at tcp://127.0.0.1:9 within 1 s",
                    "nothing written, out.csv left as it was")
    assert output.read_bytes() == EARLIER
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_more_local_workers_than_cores_are_capped_as_jobs_are(tmp_path, monkeypatch):
    from lbp_screen import batch as batch_command

    monkeypatch.setattr(batch_command, "default_jobs", lambda: 1)
    source = _write_cases(tmp_path / "cases.csv", 8)
    result = invoke_lbp(["batch", str(source), "-o", str(tmp_path / "out.jsonl"),
                         "--dask", "local:4"])
    assert result.exit_code == 3, result.stderr
    assert "--dask local:4: capped to the 1 core(s) available" in result.stderr
