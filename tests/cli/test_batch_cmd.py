"""``lbp batch`` and ``lbp bench`` as a user runs them: exit status, files written,
messages on stderr."""
from __future__ import annotations

import json

import pandas as pd
from click.testing import CliRunner

from lbp_screen.main import lbp
from tests import bundled

GOOD = "case_id,age,sitting,standing\nc-1,45,worse,better\nc-2,60,better,worse\n"
WITH_BAD_ROW = "case_id,age,sitting,standing\nc-1,45,worse,better\nc-2,300,better,worse\n"


def run(*args):
    return CliRunner().invoke(lbp, list(args), catch_exceptions=False)


def test_all_rows_ok_exits_0_with_a_summary_on_stderr(tmp_path):
    (tmp_path / "in.csv").write_text(GOOD)
    result = run("batch", str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"), "--jobs", "1")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert list(table.columns) == list(bundled.KB.table.names()) and list(table["status"]) == ["ok", "ok"]
    assert "2 rows: 2 ok, 0 with errors" in result.stderr
    assert "screening" not in result.stderr  # no progress bar when stderr is not a terminal
    assert result.stdout == ""


def test_rows_with_errors_exit_3_and_the_output_still_has_every_row(tmp_path):
    (tmp_path / "in.csv").write_text(WITH_BAD_ROW)
    result = run("batch", str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.jsonl"), "--jobs", "1",
                 "--summary", str(tmp_path / "summary.json"), "--coverage", str(tmp_path / "coverage.json"))
    assert result.exit_code == 3
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [r["status"] for r in records] == ["ok", "error"]
    assert records[1]["errors"][0] == {"field": "age", "value": "300",
                                       "expected": "a whole number of years from 0 to 120",
                                       "suggestion": None}
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert (summary["rows"], summary["ok"], summary["errors"]) == (2, 1, 1)
    assert summary["error_fields"] == {"age": 1}
    coverage = json.loads((tmp_path / "coverage.json").read_text())
    assert coverage["cases_screened"] == 1 and coverage["rules"] == len(coverage["by_rule"])


def test_an_unusable_input_exits_1_and_writes_nothing(tmp_path):
    (tmp_path / "in.csv").write_text("case_id,age\nc-1,45\nc-1,50\n")
    result = run("batch", str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"))
    assert result.exit_code == 1
    assert "Error:" in result.stderr and "row 2 repeats row 1" in result.stderr
    assert not (tmp_path / "out.csv").exists()


def test_identifier_columns_are_refused_and_never_echoed(tmp_path):
    (tmp_path / "in.csv").write_text("case_id,email,age\nc-1,jo@example.org,45\n")
    refused = run("batch", str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"))
    assert refused.exit_code == 1 and "'email'" in refused.stderr
    assert "jo@example.org" not in refused.output + refused.stderr
    dropped = run("batch", str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"),
                  "--drop-identifiers", "--jobs", "1")
    assert dropped.exit_code == 0
    assert "left out 1 identifier column(s)\n" in dropped.stderr  # counted, never named
    assert "jo@example.org" not in (tmp_path / "out.csv").read_text() + dropped.stderr


def test_unknown_output_extension_exits_1_before_any_work(tmp_path):
    (tmp_path / "in.csv").write_text(GOOD)
    result = run("batch", str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.txt"))
    assert result.exit_code == 1 and "cannot tell the format" in result.stderr


def test_input_format_option_reads_an_unusual_extension(tmp_path):
    (tmp_path / "in.txt").write_text(GOOD)
    result = run("batch", str(tmp_path / "in.txt"), "--input-format", "csv",
                 "-o", str(tmp_path / "out.parquet"), "--jobs", "1")
    assert result.exit_code == 0
    assert list(pd.read_parquet(tmp_path / "out.parquet")["case_id"]) == ["c-1", "c-2"]


def test_summary_cannot_overwrite_the_output(tmp_path):
    (tmp_path / "in.csv").write_text(GOOD)
    result = run("batch", str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"),
                 "--summary", str(tmp_path / "out.csv"))
    assert result.exit_code == 2 and "--summary and --output name the same file" in result.stderr


def test_bench_reports_speed_and_memory_for_the_pipeline_and_the_baseline():
    result = run("bench", "--cases", "40", "--jobs", "1", "--baseline-cases", "3", "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    ways = [(r["way"], r["cases"], r["jobs"]) for r in report["runs"]]
    assert ways == [("pipeline", 40, 1), ("fresh engine per case", 3, 1)]
    assert all(r["cases_per_second"] > 0 and r["peak_rss_mb"] > 0 for r in report["runs"])
