"""Folders of part files: ``lbp batch IN_DIR -o OUT_DIR`` reads the parts in name order
(numbers as numbers, as Dask names them), one format per folder, and writes one output
part per input part, row numbers continuing across parts; the folder appears only when
every part is written, and nothing is left behind on an error or an interruption."""
from __future__ import annotations

import json
import pathlib
import signal
import subprocess
import sys
import time

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lbp_screen.engine.bench import synthetic_rows
from lbp_screen.engine.service import OutputError
from lbp_screen.engine.tables import BatchInputError
from tests import bundled
from tests.cli.conftest import invoke_lbp

KB = bundled.KB
SERVICE = bundled.SERVICE
PART_NAMES = ["part.0", "part.1", "part.2", "part.10"]  # Dask's names: part.10 comes last
PART_ROWS = [520, 0, 130, 41]  # an empty partition, and parts not a multiple of the chunk


def cases(count: int = sum(PART_ROWS), seed: int = 5) -> list[dict]:
    return [raw for _n, raw in synthetic_rows(KB, count, seed)]


def write_parts(folder: pathlib.Path, suffix: str, rows: list[dict]) -> pathlib.Path:
    folder.mkdir()
    start = 0
    for name, count in zip(PART_NAMES, PART_ROWS):
        part = pd.DataFrame(rows[start:start + count], columns=list(rows[0]))
        start += count
        if suffix == ".parquet":
            part.to_parquet(folder / f"{name}{suffix}", index=False)
        else:
            part.to_csv(folder / f"{name}{suffix}", index=False)
    (folder / "_SUCCESS").write_text("")     # markers and checksums of other tools are no parts
    (folder / ".part.0.parquet.crc").write_text("x")
    return folder


def read_jsonl(path: pathlib.Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("parts")
    rows = cases()
    single = folder / "all.csv"
    pd.DataFrame(rows).to_csv(single, index=False)
    SERVICE.run_batch(SERVICE.open_batch(single), folder / "all.jsonl")
    return rows, folder / "all.jsonl"


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_parts_give_one_output_part_each_with_the_rows_of_one_file(tmp_path, data, suffix):
    rows, whole = data
    parts = write_parts(tmp_path / "in", suffix, rows)
    out = tmp_path / "out"
    result = invoke_lbp(["batch", str(parts), "-o", str(out), "--format", "jsonl", "--jobs", "1"])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.jsonl" for n in PART_NAMES)
    joined = b"".join((out / f"{name}.jsonl").read_bytes() for name in PART_NAMES)
    assert joined == whole.read_bytes()  # row numbers continue across parts, in part order
    assert [len(read_jsonl(out / f"{n}.jsonl")) for n in PART_NAMES] == PART_ROWS
    assert f"wrote {sum(PART_ROWS)} rows in 4 part(s) to {out}" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]  # no temporary folder left


def test_the_output_format_defaults_to_the_parts_own(tmp_path, data):
    rows, whole = data
    parts = write_parts(tmp_path / "in", ".parquet", rows)
    out = tmp_path / "out"
    assert invoke_lbp(["batch", str(parts), "-o", str(out), "--jobs", "1"]).exit_code == 0
    tables = [pq.read_table(out / f"{name}.parquet") for name in PART_NAMES]
    assert tables[0].schema.field("possible_causes").type == pa.list_(pa.string())
    assert [t.num_rows for t in tables] == PART_ROWS  # an empty part gives an empty part
    numbers = [n for t in tables for n in t.column("row").to_pylist()]
    assert numbers == list(range(1, sum(PART_ROWS) + 1))
    expected = [r["case_id"] for r in read_jsonl(whole)]
    assert [c for t in tables for c in t.column("case_id").to_pylist()] == expected


def test_two_workers_write_the_same_parts_as_one(tmp_path, data):
    rows, _whole = data
    parts = write_parts(tmp_path / "in", ".csv", rows)
    for jobs in ("1", "2"):
        assert invoke_lbp(["batch", str(parts), "-o", str(tmp_path / f"out{jobs}"),
                           "--jobs", jobs]).exit_code == 0
    for name in PART_NAMES:
        assert (tmp_path / "out1" / f"{name}.csv").read_bytes() == (tmp_path / "out2" / f"{name}.csv").read_bytes()


def test_an_interrupted_run_leaves_nothing_behind(tmp_path, data):
    rows, _whole = data
    parts = write_parts(tmp_path / "in", ".csv", rows)
    seen = []

    def stop_after_two_chunks(count):
        seen.append(count)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        SERVICE.run_batch(SERVICE.open_batch(parts), tmp_path / "out", progress=stop_after_two_chunks)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


@pytest.mark.parametrize("make, message", [
    (lambda f: None, "holds no part files"),
    (lambda f: ((f / "a.csv").write_text("case_id\nc-1\n"), (f / "b.parquet").write_bytes(b"x")),
     "holds parts of more than one format (1 csv, 1 parquet)"),
    (lambda f: ((f / "a.csv").write_text("case_id\nc-1\n"), (f / "notes.txt").write_text("x")),
     "cannot tell the format of 'notes.txt'"),
    (lambda f: ((f / "a.csv").write_text("case_id\nc-1\n"), (f / "year=2024").mkdir()),
     "holds part files only, not 'year=2024'"),
    (lambda f: ((f / "a.csv").write_text("case_id\nc-1\n"), (f / "b.csv").write_text("case_id\nc-2\nc-1\n")),
     "case_id must be unique, but row 3 repeats row 1"),
    (lambda f: ((f / "a.csv").write_text("case_id\n"), (f / "b.csv").write_text("case_id\n")),
     "no rows to screen (every part is empty)"),
    (lambda f: ((f / "a.csv").write_text("case_id\nc-1\n"), (f / "b.csv").write_text("case_id,x\nc-2,1\n")),
     "in/b.csv: unknown columns: 'x'"),
])
def test_a_folder_that_is_not_parts_of_one_batch_is_refused(tmp_path, make, message):
    folder = tmp_path / "in"
    folder.mkdir()
    make(folder)
    result = invoke_lbp(["batch", str(folder), "-o", str(tmp_path / "out"), "--jobs", "1"])
    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


def test_input_format_reads_every_part_whatever_its_name(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "000").write_text("case_id,sitting\nc-1,worse\n")
    (folder / "001").write_text("case_id,sitting\nc-2,better\n")
    result = invoke_lbp(["batch", str(folder), "--input-format", "csv", "--format", "csv",
                         "-o", str(tmp_path / "out"), "--jobs", "1"])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["000.csv", "001.csv"]


def test_the_output_folder_must_be_new_or_empty(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.csv").write_text("case_id\nc-1\n")
    out = tmp_path / "out"
    out.mkdir()
    assert invoke_lbp(["batch", str(folder), "-o", str(out), "--jobs", "1"]).exit_code == 0  # empty: fine
    again = invoke_lbp(["batch", str(folder), "-o", str(out), "--jobs", "1"])
    assert again.exit_code == 1 and "exists and is not empty" in again.stderr
    (tmp_path / "file").write_text("x")
    on_file = invoke_lbp(["batch", str(folder), "-o", str(tmp_path / "file")])
    assert on_file.exit_code == 1 and "a file of that name exists" in on_file.stderr
    inside = invoke_lbp(["batch", str(folder), "-o", str(folder), "--jobs", "1"])
    assert inside.exit_code == 2 and "--output and INPUT name the same file" in inside.stderr


def test_parts_whose_output_names_clash_are_refused(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.csv").write_text("case_id\nc-1\n")
    (folder / "a.CSV").write_text("case_id\nc-2\n")
    with pytest.raises(BatchInputError, match="output parts of the same name: 'a.csv'"):
        SERVICE.run_batch(SERVICE.open_batch(folder), tmp_path / "out")


def test_a_folder_name_naming_another_format_is_refused(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.csv").write_text("case_id\nc-1\n")
    with pytest.raises(BatchInputError, match="the name says parquet but the format asked for is csv"):
        SERVICE.run_batch(SERVICE.open_batch(folder), tmp_path / "out.parquet", output_format="csv")


def test_the_output_folder_s_parent_must_exist(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.csv").write_text("case_id\nc-1\n")
    with pytest.raises(OutputError, match="its folder does not exist"):
        SERVICE.run_batch(SERVICE.open_batch(folder), tmp_path / "missing" / "out")


def test_compare_reads_an_earlier_folder_of_jsonl_parts(tmp_path, data):
    rows, _whole = data
    parts = write_parts(tmp_path / "in", ".csv", rows)
    assert invoke_lbp(["batch", str(parts), "-o", str(tmp_path / "old"), "--format", "jsonl",
                       "--jobs", "1"]).exit_code == 0
    result = invoke_lbp(["batch", str(parts), "-o", str(tmp_path / "new"), "--jobs", "1",
                         "--compare", str(tmp_path / "old")])
    assert result.exit_code == 0, result.stderr
    assert f"compared {sum(PART_ROWS)} rows with old" in result.stderr and "0 changed" in result.stderr
    assert (tmp_path / "new.changes.jsonl").read_text() == ""


def test_a_stop_signal_mid_run_leaves_no_output_folder_and_no_hidden_one(tmp_path):
    """SIGTERM while the parts are written: exit 143, neither OUT_DIR nor its hidden
    temporary folder remains."""
    folder = tmp_path / "in"
    folder.mkdir()
    rows = cases(4000, seed=9)
    for number in range(4):  # four parts of 1,000 rows: a few seconds of screening
        pd.DataFrame(rows[number * 1000:(number + 1) * 1000]).to_csv(folder / f"part.{number}.csv",
                                                                     index=False)
    run = subprocess.Popen([str(pathlib.Path(sys.executable).parent / "lbp"), "batch", str(folder),
                            "-o", str(tmp_path / "out"), "--jobs", "1"],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not any(p.name.endswith(".partial") for p in tmp_path.iterdir()):
        assert run.poll() is None and time.monotonic() < deadline, "the run never started writing"
        time.sleep(0.02)
    run.send_signal(signal.SIGTERM)
    _out, err = run.communicate(timeout=30)
    assert run.returncode == 128 + signal.SIGTERM
    assert b"Traceback" not in err and b"interrupted (SIGTERM); nothing written, out not created" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]
