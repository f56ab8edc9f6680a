"""Batches over the toy knowledge base: one record per row (error rows too) in input order,
files checked before any work (a path or an in-memory upload), the knowledge base's table
columns in every output format, the same bytes from two worker processes as from one, and
the summary the knowledge base declares."""
from __future__ import annotations

import io
import json
import pathlib

import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings, strategies as st

from lbp_screen.engine import batch, tables
from lbp_screen.engine.batch import BatchSummary, load_knowledge_base
from lbp_screen.engine.service import ScreeningService
from lbp_screen.engine.tables import BatchInputError
from tests.engine.toy_kb import RULES, TOY_KB, toy_kb

SERVICE = ScreeningService(TOY_KB)

ROWS = [
    {"case_id": "t-1", "fever": "yes", "age": "40"},
    {"case_id": "t-2", "sitting": "worse", "standing": "better", "age": "30"},
    {"case_id": "t-3", "sitting": "sometimes", "age": "400"},          # two bad values
    {"case_id": "", "fever": "no"},                                    # no id
    {"case_id": "t-5", "fever": "no", "chills": "yes", "age": "50"},   # a contradiction
    {"case_id": "t-6", "standing": "", "age": ""},                     # nothing known
]
STATUSES = ["ok", "ok", "error", "error", "error", "ok"]
CSV = ("case_id,sitting,standing,fever,age,chills\n"
       + "".join(",".join(row.get(c, "") for c in ("case_id", "sitting", "standing", "fever", "age", "chills")) + "\n"
                 for row in ROWS))


def read_jsonl(path: pathlib.Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_screen_rows_gives_one_record_per_row_in_order_error_rows_included():
    records = list(SERVICE.screen_rows(ROWS))
    assert [r["row"] for r in records] == [1, 2, 3, 4, 5, 6]
    assert [r["status"] for r in records] == STATUSES
    for record, raw in zip(records, ROWS):
        if record["status"] == "ok":
            assert record["result"] == SERVICE.screen(raw) and record["errors"] == []
        else:
            assert record["result"] is None and record["errors"] and record["message"]
    bad = records[2]
    assert (bad["case_id"], [p["field"] for p in bad["errors"]]) == ("t-3", ["sitting", "age"])
    assert "row 3" in bad["message"] and "'t-3'" in bad["message"]
    assert records[3]["case_id"] is None and records[3]["errors"][0]["field"] == "case_id"
    assert records[4]["errors"][0]["field"] == "chills" and records[4]["errors"][0]["conflicts_with"] == {"fever": "no"}


def test_screen_rows_reads_a_null_cell_as_not_known():
    record, = SERVICE.screen_rows([{"case_id": "t-7", "fever": None, "age": None}])
    assert record["status"] == "ok" and record["result"]["verdicts"] == ["age_unknown"]


def test_open_batch_reads_an_in_memory_csv_upload():
    upload = io.BytesIO(CSV.encode("utf-8"))
    checked = SERVICE.open_batch(upload, name="x.csv")
    assert (checked.name, checked.fmt, checked.rows, checked.path) == ("x.csv", "csv", 6, None)
    assert checked.columns == ["case_id", "sitting", "standing", "fever", "age", "chills"]
    rows = [raw for chunk in checked.chunks() for _number, raw in chunk]
    assert [raw["case_id"] for raw in rows] == [row["case_id"] for row in ROWS]
    assert rows[0]["age"] == "40"  # cells stay text: the vocabulary alone reads them


def test_an_upload_that_cannot_seek_is_read_once_into_memory():
    class OneWay(io.RawIOBase):
        def __init__(self, data):
            self._data = io.BytesIO(data)

        def readable(self):
            return True

        def seekable(self):
            return False

        def readinto(self, buffer):
            chunk = self._data.read(len(buffer))
            buffer[:len(chunk)] = chunk
            return len(chunk)

    checked = SERVICE.open_batch(OneWay(CSV.encode("utf-8")), name="one-way.csv")
    assert checked.rows == 6 and len([r for chunk in checked.chunks() for r in chunk]) == 6


def test_a_batch_from_an_upload_writes_the_records_of_screening_each_row(tmp_path):
    outcome = SERVICE.run_batch(SERVICE.open_batch(io.BytesIO(CSV.encode()), name="x.csv"),
                                tmp_path / "out.jsonl")
    records = read_jsonl(tmp_path / "out.jsonl")
    assert [r["status"] for r in records] == STATUSES
    assert [r["result"] for r in records] == [r["result"] for r in SERVICE.screen_rows(ROWS)]
    assert not outcome.all_ok and (outcome.summary.rows, outcome.summary.errors) == (6, 3)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_tabular_outputs_hold_the_knowledge_base_s_columns(tmp_path, suffix):
    out = tmp_path / f"out{suffix}"
    SERVICE.run_batch(SERVICE.open_batch(io.BytesIO(CSV.encode()), name="x.csv"), out)
    if suffix == ".parquet":  # typed: lists, and nulls where an error row has no result
        table = pq.read_table(out).to_pydict()
        assert list(table) == list(TOY_KB.table.names())
        assert table["verdicts"][0] == ["alarm"] and table["verdicts"][2] is None
        assert table["fired_rules"][0] == ["R-TOY-ALARM", "R-TOY-COUNT"] and table["fired_rules"][2] is None
        assert len(table["errors"][2]) == 2 and "sitting" in table["errors"][2][0]
        assert table["errors"][0] == [] and table["row"] == [1, 2, 3, 4, 5, 6]
    else:
        reader = {".csv": lambda p: pd.read_csv(p, dtype=str, keep_default_na=False),
                  ".xlsx": lambda p: pd.read_excel(p, dtype=str, keep_default_na=False)}[suffix]
        table = reader(out)
        assert list(table.columns) == list(TOY_KB.table.names())
        assert table["verdicts"][0].split("; ") == ["alarm"]
        assert table["fired_rules"][0].split("; ") == ["R-TOY-ALARM", "R-TOY-COUNT"]
        assert table["verdicts"][2] == "" and table["fired_rules"][2] == ""
        assert " | " in table["errors"][2] and "sitting" in table["errors"][2]
    assert list(table["status"]) == STATUSES
    assert list(table["knowledge_base_version"]) == ["0.0.1"] * 6  # error rows name it too


@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".parquet", ".xlsx", ".tsv"])
def test_every_input_format_gives_the_same_records(tmp_path, suffix):
    frame = pd.DataFrame([{c: row.get(c, "") for c in ("case_id", "sitting", "standing", "fever", "age", "chills")}
                          for row in ROWS])
    source = tmp_path / f"in{suffix}"
    if suffix == ".json":
        source.write_text(json.dumps(ROWS))
    elif suffix == ".jsonl":
        source.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    elif suffix == ".parquet":
        frame.to_parquet(source, index=False)
    elif suffix == ".xlsx":
        frame.to_excel(source, index=False)
    else:
        frame.to_csv(source, index=False, sep="\t")
    SERVICE.run_batch(SERVICE.open_batch(source), tmp_path / "out.jsonl")
    assert [r["result"] for r in read_jsonl(tmp_path / "out.jsonl")] == [
        r["result"] for r in SERVICE.screen_rows(ROWS)]


@pytest.mark.parametrize("content, words", [
    ("case_id,sittin\nt-1,worse\n", "unknown columns: 'sittin' (did you mean 'sitting'?)"),
    ("sitting,age\nworse,40\n", "no 'case_id' column"),
    ("case_id,age\nt-1,40\nt-2,41\n t-1 ,42\n", "row 3 repeats row 1"),
    ("case_id,email\nt-1,jo@example.org\n", "'email'"),
    ("case_id,age\nt-1,40\nt-2\n", "line 3 has 1 fields"),
    ("case_id,age\n", "no rows to screen"),
    ("", "empty file"),
])
def test_unusable_files_are_refused_before_any_work(content, words):
    with pytest.raises(BatchInputError) as refused:
        SERVICE.open_batch(io.BytesIO(content.encode()), name="bad.csv")
    assert words in str(refused.value)
    assert "jo@example.org" not in str(refused.value)


def test_drop_identifiers_leaves_an_identifier_column_out(tmp_path):
    checked = SERVICE.open_batch(io.BytesIO(b"case_id,email,fever\nt-1,jo@example.org,yes\n"),
                                 name="ids.csv", drop_identifiers=True)
    assert checked.dropped == ["email"] and checked.columns == ["case_id", "fever"]
    SERVICE.run_batch(checked, tmp_path / "out.csv")
    assert "example.org" not in (tmp_path / "out.csv").read_text()


def test_the_toy_import_path_loads_the_toy_knowledge_base():
    assert TOY_KB.import_path == "tests.engine.toy_kb:TOY_KB"
    assert load_knowledge_base(TOY_KB.import_path) is TOY_KB


def test_two_workers_write_exactly_the_bytes_one_writes(tmp_path, monkeypatch):
    # small chunks, so several reach each worker and their order is what is tested
    monkeypatch.setattr(tables, "CHUNK_ROWS", 5)
    monkeypatch.setattr(batch, "CHUNK_ROWS", 5)
    lines = ["case_id,sitting,standing,fever,age,chills"]
    for i in range(60):
        base = ROWS[i % len(ROWS)]
        lines.append(",".join([f"w-{i}"] + [base.get(c, "") for c in ("sitting", "standing", "fever", "age", "chills")]))
    source = tmp_path / "in.csv"
    source.write_text("\n".join(lines) + "\n")
    checked = SERVICE.open_batch(source)
    one = SERVICE.run_batch(checked, tmp_path / "one.csv", jobs=1)
    two = SERVICE.run_batch(checked, tmp_path / "two.csv", jobs=2)
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()
    assert one.summary.as_dict() == two.summary.as_dict()
    assert [row.split(",")[1] for row in (tmp_path / "two.csv").read_text().splitlines()[1:]] == [
        f"w-{i}" for i in range(60)]


def test_workers_need_an_import_path(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "CHUNK_ROWS", 2)
    monkeypatch.setattr(batch, "CHUNK_ROWS", 2)
    service = ScreeningService(toy_kb(RULES))
    checked = service.open_batch(io.BytesIO(CSV.encode()), name="x.csv")
    with pytest.raises(ValueError, match="import_path"):
        service.run_batch(checked, tmp_path / "out.csv", jobs=2)
    assert not (tmp_path / "out.csv").exists()


def test_the_output_may_not_overwrite_the_input(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(ROWS[0]) + "\n")
    with pytest.raises(BatchInputError, match="overwrite the input"):
        SERVICE.run_batch(SERVICE.open_batch(source), source)


# ---------------------------------------------------------------- the summary

def test_the_summary_counts_what_the_knowledge_base_declares_and_never_an_id():
    summary = BatchSummary(TOY_KB)
    for record in SERVICE.screen_rows(ROWS):
        summary.add(record)
    data = summary.as_dict()
    assert (data["rows"], data["ok"], data["errors"]) == (6, 3, 3)
    assert data["verdicts"] == {"age_unknown": 1, "alarm": 1, "up": 1}
    assert data["error_fields"] == {"age": 1, "case_id": 1, "chills": 1, "sitting": 1}
    assert data["knowledge_base"] == TOY_KB.provenance and set(data["engine"]) == {"version", "digest"}
    text = summary.text()
    assert "6 rows: 3 ok, 3 with errors" in text and "verdicts: age_unknown 1, alarm 1, up 1" in text
    assert "t-1" not in json.dumps(data) and "t-2" not in text


def test_coverage_counts_the_cases_each_rule_fired_for():
    summary = BatchSummary(TOY_KB)
    for record in SERVICE.screen_rows(ROWS):
        summary.add(record)
    coverage = summary.coverage()
    by_rule = {r["id"]: r["cases"] for r in coverage["by_rule"]}
    assert list(by_rule) == [r.id for r in TOY_KB.rules]
    assert by_rule["R-TOY-COUNT"] == 3 and by_rule["R-TOY-ALARM"] == 1
    assert coverage["never_fired"] == ["R-TOY-SHIVER", "R-TOY-DOWN-STANDING", "R-TOY-NONE"]
    assert coverage["rules_fired"] == len(TOY_KB.rules) - 3


@settings(max_examples=20)
@given(st.lists(st.tuples(st.sampled_from(["worse", "better", "", "sometimes"]),
                          st.sampled_from(["yes", "no", "", "maybe"])), min_size=1, max_size=15))
def test_every_row_gives_exactly_one_record_in_order(cells):
    rows = [{"case_id": f"p-{i}", "sitting": sitting, "fever": fever} for i, (sitting, fever) in enumerate(cells)]
    records = list(SERVICE.screen_rows(rows))
    assert [r["row"] for r in records] == list(range(1, len(rows) + 1))
    assert [r["case_id"] for r in records] == [row["case_id"] for row in rows]
    bad = ["error" if row["sitting"] == "sometimes" or row["fever"] == "maybe" else "ok" for row in rows]
    assert [r["status"] for r in records] == bad
