"""Regressions from the hostile-input review of `lbp batch` and the writers: each test is
named after what broke (a traceback, a value guessed, an error refused too late)."""
from __future__ import annotations

import errno
import json
import os
import pathlib
import resource
import subprocess
import sys

import pandas as pd
import pytest

from lbp_screen.engine import files
from tests.cli.conftest import invoke_lbp

GOOD = "case_id,sitting,standing\nc-1,worse,better\nc-2,better,worse\n"


def _lbp() -> str:
    return str(pathlib.Path(sys.executable).parent / "lbp")


def _batch(tmp_path, *extra, source="in.csv", content=GOOD):
    (tmp_path / source).write_text(content, encoding="utf-8")
    return invoke_lbp(["batch", str(tmp_path / source), *extra])


# ---- output that cannot be written: one line naming the file and the reason

@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES, errno.ENOSPC, errno.EFBIG])
def test_regression_a_refused_write_was_a_traceback_from_the_atomic_writer(tmp_path, monkeypatch, code):
    real_replace = os.replace

    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(files.os, "replace", refuse)
    result = _batch(tmp_path, "-o", str(tmp_path / "out.csv"), "--jobs", "1")
    monkeypatch.setattr(files.os, "replace", real_replace)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == \
        f"Error: cannot write {tmp_path / 'out.csv'}: {os.strerror(code)}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]  # no temporary left


def test_regression_a_file_size_limit_killed_the_process_instead_of_an_error(tmp_path):
    rows = "".join(f"c-{i},worse,better\n" for i in range(400))
    (tmp_path / "in.csv").write_text("case_id,sitting,standing\n" + rows, encoding="utf-8")

    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, resource.RLIM_INFINITY))

    done = subprocess.run([_lbp(), "batch", str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.jsonl"),
                           "--jobs", "1"], capture_output=True, text=True, timeout=120,
                          preexec_fn=small_files)
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith(f"Error: cannot write {tmp_path / 'out.jsonl'}: ")
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_regression_a_replaced_private_output_became_world_readable(tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("earlier\n")
    os.chmod(out, 0o600)
    assert _batch(tmp_path, "-o", str(out), "--jobs", "1").exit_code == 0
    assert (os.stat(out).st_mode & 0o777) == 0o600


# ---- refused before any work, with the right status

def test_regression_a_summary_in_a_missing_folder_failed_after_the_output_was_written(tmp_path):
    result = _batch(tmp_path, "-o", str(tmp_path / "out.csv"), "--summary",
                    str(tmp_path / "nowhere" / "summary.json"))
    assert result.exit_code == 1 and "its folder does not exist" in result.stderr
    assert not (tmp_path / "out.csv").exists()


def test_regression_summary_and_coverage_naming_one_file_lost_the_summary(tmp_path):
    same = str(tmp_path / "counts.json")
    result = _batch(tmp_path, "-o", str(tmp_path / "out.csv"), "--summary", same, "--coverage", same)
    assert result.exit_code == 2 and "--coverage and --summary name the same file" in result.stderr
    assert not (tmp_path / "out.csv").exists()


def test_regression_a_folder_as_input_was_a_usage_error(tmp_path):
    (tmp_path / "folder").mkdir()
    result = invoke_lbp(["batch", str(tmp_path / "folder"), "-o", str(tmp_path / "out.csv")])
    # a folder is a folder of part files now; an empty one is still an Error (exit 1)
    assert result.exit_code == 1 and "holds no part files" in result.stderr


def test_regression_a_whitespace_last_line_screened_every_row_then_refused_the_file(tmp_path):
    result = _batch(tmp_path, "-o", str(tmp_path / "out.csv"), "--jobs", "1",
                    content="case_id\nc-1\nc-2\n   \n")
    assert result.exit_code == 0, result.stderr
    assert len(pd.read_csv(tmp_path / "out.csv")) == 2


def test_regression_a_utf16_csv_was_reported_as_ragged_rows(tmp_path):
    for name, data in (("bom.csv", GOOD.encode("utf-16")), ("plain.csv", GOOD.encode("utf-16-le"))):
        (tmp_path / name).write_bytes(data)
        result = invoke_lbp(["batch", str(tmp_path / name), "-o", str(tmp_path / "out.csv")])
        assert result.exit_code == 1 and "UTF-16" in result.stderr and "fields" not in result.stderr


def test_regression_a_repeated_excel_column_was_reported_as_unknown_fever_1(tmp_path):
    from openpyxl import Workbook
    workbook = Workbook()
    workbook.active.append(["case_id", "fever", "fever"])
    workbook.active.append(["c-1", "yes", "no"])
    workbook.save(tmp_path / "in.xlsx")
    result = invoke_lbp(["batch", str(tmp_path / "in.xlsx"), "-o", str(tmp_path / "out.csv")])
    assert result.exit_code == 1
    assert "columns appear more than once: 'fever'" in result.stderr and "fever.1" not in result.stderr


def test_regression_jobs_64_on_two_cores_started_64_workers(tmp_path):
    result = _batch(tmp_path, "-o", str(tmp_path / "out.csv"), "--jobs", "64")
    assert result.exit_code == 0
    assert f"--jobs 64: capped to the {len(os.sched_getaffinity(0))} core(s) available" in result.stderr


# ---- values never guessed, output never a formula, the same bytes every run

def test_regression_a_parquet_nan_was_read_as_not_known(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    pq.write_table(pa.table({"case_id": ["a", "b", "c"], "age": [40.0, float("nan"), None]}),
                   tmp_path / "in.parquet")
    result = invoke_lbp(["batch", str(tmp_path / "in.parquet"), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 3  # the NaN row is an error row; the null is not known
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [r["status"] for r in rows] == ["ok", "error", "ok"]
    assert rows[1]["errors"][0]["field"] == "age" and rows[1]["errors"][0]["value"] == "nan"


def test_regression_a_csv_case_id_was_written_as_a_spreadsheet_formula(tmp_path):
    content = 'case_id,sitting\n"=HYPERLINK(""http://x"")",worse\n+cmd,worse\n@SUM(1),worse\n'
    assert _batch(tmp_path, "-o", str(tmp_path / "out.csv"), "--jobs", "1", content=content).exit_code == 0
    ids = pd.read_csv(tmp_path / "out.csv", dtype=str)["case_id"].tolist()
    assert ids == ["'=HYPERLINK(\"http://x\")", "'+cmd", "'@SUM(1)"]


def test_regression_excel_output_differed_from_run_to_run(tmp_path, monkeypatch):
    import zipfile
    assert _batch(tmp_path, "-o", str(tmp_path / "one.xlsx"), "--jobs", "1").exit_code == 0
    # a later clock: openpyxl stamps the save time, zip the member times
    import time
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 86_400 * 400)
    assert _batch(tmp_path, "-o", str(tmp_path / "two.xlsx"), "--jobs", "1").exit_code == 0
    monkeypatch.setattr(time, "time", real)
    assert (tmp_path / "one.xlsx").read_bytes() == (tmp_path / "two.xlsx").read_bytes()
    with zipfile.ZipFile(tmp_path / "one.xlsx") as book:
        assert b"2000-01-01T00:00:00Z" in book.read("docProps/core.xml")


def test_regression_interview_save_in_an_unwritable_place_failed_after_the_questions(tmp_path, monkeypatch):
    monkeypatch.setattr(files.os, "access", lambda path, mode: False)  # as a read-only mount says
    result = invoke_lbp(["interview", "--save", str(tmp_path / "case.json")], input="yes\n")
    assert result.exit_code == 1 and "no permission to write in its folder" in result.stderr
    assert "Screening interview" not in result.output  # refused before the first question


def test_regression_an_unterminated_quote_merged_the_following_rows_into_one_cell(tmp_path):
    result = _batch(tmp_path, "-o", str(tmp_path / "out.csv"),
                    content='sitting,case_id\nworse,"c1\nbetter,c2\nbetter,c3\n')
    assert result.exit_code == 1 and "unexpected end of data" in result.stderr
    assert not (tmp_path / "out.csv").exists()


def test_regression_explain_o_overwrote_its_own_input(tmp_path):
    case = tmp_path / "case.json"
    case.write_text('{"case_id": "e1", "sitting": "worse"}')
    result = invoke_lbp(["explain", str(case), "-o", str(case)])
    assert result.exit_code == 2 and "is also an input" in result.stderr
    assert case.read_text() == '{"case_id": "e1", "sitting": "worse"}'


@pytest.mark.parametrize("command", ["screen", "explain"])
def test_regression_reading_a_case_with_stdin_closed_crashed(command):
    done = subprocess.run(["bash", "-c", f'"{_lbp()}" {command} - <&-'], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1 and "standard input is closed" in done.stderr
    assert "Traceback" not in done.stderr


def test_regression_blank_lines_before_the_header_made_the_file_empty(tmp_path):
    result = _batch(tmp_path, "-o", str(tmp_path / "out.csv"), "--jobs", "1", content="\n  \n" + GOOD)
    assert result.exit_code == 0, result.stderr
    assert len(pd.read_csv(tmp_path / "out.csv")) == 2
