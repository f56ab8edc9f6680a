"""``lbp batch`` on files as analysts have them: headers in any case with spaces, extra
columns left out with --ignore-columns, identifier columns dropped, cases piped in on
standard input, JSON rows with keys of their own, and typed outputs (Parquet lists and
nulls, Excel with a frozen, filtered header) that carry the red-flag signs with their
urgency and the professional-assessment text."""
from __future__ import annotations

import io
import json
import pathlib
import random
import subprocess
import sys
import zipfile

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from lbp_screen.engine.bench import synthetic_rows
from tests import bundled
from tests.cli.conftest import invoke_lbp

KB = bundled.KB
ROWS = 2000
NAME = "Ann Smith"  # in the identifier column of every row: must never come out


def messy_header(field: str, rng: random.Random) -> str:
    """A field name as a spreadsheet export writes it: words, any case, stray spaces."""
    words = field.split("_")
    style = rng.choice(["title", "upper", "as is", "spaced"])
    if style == "title":
        return " ".join(w.capitalize() for w in words)
    if style == "upper":
        return " " + "_".join(words).upper() + " "
    if style == "spaced":
        return "  " + " ".join(words) + "  "
    return field


def messy_export(path, rows: int = ROWS, seed: int = 13) -> list[dict]:
    """A CSV export with messy headers, an extra free-text column, an identifier column,
    a byte-order mark and Windows line ends; returns the cases as the vocabulary names them."""
    rng = random.Random(seed)
    cases = [raw for _number, raw in synthetic_rows(KB, rows, seed)]
    fields = list(cases[0])
    headers = {field: messy_header(field, rng) for field in fields}
    headers[KB.vocabulary.id_field] = "Case ID"
    table = pd.DataFrame([{headers[f]: case[f] for f in fields} for case in cases])
    table.insert(3, "Clinician Notes", [f"seen in clinic {i % 7}" for i in range(rows)])
    table.insert(1, "Patient Name", NAME)
    table.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return cases


def read_jsonl(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_messy_2000_row_export_runs_without_hand_edits(tmp_path):
    source = tmp_path / "export.csv"
    cases = messy_export(source)
    out = tmp_path / "results.jsonl"
    result = invoke_lbp(["batch", str(source), "-o", str(out), "--jobs", "1",
                         "--ignore-columns", "clinician notes", "--drop-identifiers"])
    assert result.exit_code == 0, result.stderr
    records = read_jsonl(out)
    assert [r["row"] for r in records] == list(range(1, ROWS + 1))
    assert [r["status"] for r in records] == ["ok"] * ROWS
    # every answer reached the engine under its field's name: the same results as the cases
    sample = random.Random(1).sample(range(ROWS), 150)
    assert [records[i]["result"] for i in sample] == [bundled.screen(cases[i]) for i in sample]
    assert NAME not in out.read_text(encoding="utf-8") + result.output + result.stderr
    assert "clinic 3" not in out.read_text(encoding="utf-8")  # the ignored column is never written
    assert f"{ROWS} rows: {ROWS} ok, 0 with errors" in result.stderr


@pytest.mark.parametrize("content, named", [
    ("case_id,Sitting,sitting \nc-1,worse,better\n", ["'Sitting'", "'sitting '", "'sitting'"]),
    ("Case ID,case_id,age\nc-1,c-1,40\n", ["'Case ID'", "'case_id'"]),
])
def test_two_headers_meaning_one_field_are_refused_naming_both(tmp_path, content, named):
    source = tmp_path / "in.csv"
    source.write_text(content)
    result = invoke_lbp(["batch", str(source), "-o", str(tmp_path / "out.csv")])
    assert result.exit_code == 1
    assert "both mean the field" in result.stderr
    assert all(name in result.stderr for name in named), result.stderr
    assert not (tmp_path / "out.csv").exists()


def test_the_unknown_column_refusal_suggests_ignore_columns_and_it_works(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("case_id,sitting,Ward,Bed\nc-1,worse,A,3\nc-2,better,B,4\n")
    refused = invoke_lbp(["batch", str(source), "-o", str(tmp_path / "out.csv")])
    assert refused.exit_code == 1 and "--ignore-columns Ward,Bed" in refused.stderr
    done = invoke_lbp(["batch", str(source), "-o", str(tmp_path / "out.csv"), "--jobs", "1",
                       "--ignore-columns", "ward", "--ignore-columns", " BED "])
    assert done.exit_code == 0, done.stderr
    table = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert list(table.columns) == list(KB.table.names())  # the ignored columns are not written
    assert list(table["responder"]) == [bundled.screen({"sitting": "worse"})["responder"]["type"],
                                        bundled.screen({"sitting": "better"})["responder"]["type"]]


@pytest.mark.parametrize("ignored, message", [
    ("sitting", "is the field 'sitting' of the vocabulary"),
    ("Sitting ", "is the field 'sitting' of the vocabulary"),
    ("wrad", "no column of the input has that name (did you mean 'Ward'?)"),
])
def test_ignore_columns_refuses_a_field_and_a_name_no_column_has(tmp_path, ignored, message):
    source = tmp_path / "in.csv"
    source.write_text("case_id,sitting,Ward\nc-1,worse,A\n")
    result = invoke_lbp(["batch", str(source), "-o", str(tmp_path / "out.csv"),
                         "--ignore-columns", ignored])
    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert not (tmp_path / "out.csv").exists()


def test_ignore_columns_with_an_empty_name_is_a_usage_error(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("case_id,Ward\nc-1,A\n")
    result = invoke_lbp(["batch", str(source), "-o", str(tmp_path / "out.csv"),
                         "--ignore-columns", "Ward,"])
    assert result.exit_code == 2 and "empty column name" in result.stderr


def test_ignore_columns_does_not_cover_identifier_columns(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("case_id,Patient Name,sitting\nc-1,Ann Smith,worse\n")
    refused = invoke_lbp(["batch", str(source), "-o", str(tmp_path / "out.csv"),
                          "--ignore-columns", "patient name"])
    assert refused.exit_code == 1
    assert "--drop-identifiers" in refused.stderr and "does not cover identifier columns" in refused.stderr
    assert "Ann Smith" not in refused.stderr
    dropped = invoke_lbp(["batch", str(source), "-o", str(tmp_path / "out.csv"), "--jobs", "1",
                          "--ignore-columns", "patient name", "--drop-identifiers"])
    assert dropped.exit_code == 0, dropped.stderr
    assert "Ann Smith" not in (tmp_path / "out.csv").read_text() + dropped.stderr


@pytest.mark.parametrize("fmt, text", [
    ("csv", "Case ID, Sitting \nc-1,worse\nc-2,better\n"),
    ("jsonl", '{"case_id": "c-1", "Sitting": "worse"}\n{"case_id": "c-2", "sitting": "better"}\n'),
])
def test_standard_input_is_read_with_input_format(tmp_path, fmt, text):
    out = tmp_path / "out.jsonl"
    result = invoke_lbp(["batch", "-", "--input-format", fmt, "-o", str(out), "--jobs", "1"],
                        input=text)
    assert result.exit_code == 0, result.stderr
    records = read_jsonl(out)
    assert [r["result"] for r in records] == [
        bundled.screen({"case_id": "c-1", "sitting": "worse"}),
        bundled.screen({"case_id": "c-2", "sitting": "better"})]


def test_standard_input_through_a_pipe_is_read(tmp_path):
    """A pipe cannot seek: the input is spooled once, then checked and screened."""
    out = tmp_path / "out.csv"
    done = subprocess.run([str(pathlib.Path(sys.executable).parent / "lbp"), "batch", "-", "--input-format",
                           "csv", "-o", str(out), "--jobs", "1"],
                          input="case_id,sitting\nc-1,worse\n", capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert list(pd.read_csv(out)["case_id"]) == ["c-1"]


def test_standard_input_without_input_format_is_a_usage_error(tmp_path):
    result = invoke_lbp(["batch", "-", "-o", str(tmp_path / "out.csv")], input="case_id\nc-1\n")
    assert result.exit_code == 2 and "needs --input-format" in result.stderr
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_a_json_row_with_an_unknown_key_is_an_error_row_naming_row_and_key(tmp_path, suffix):
    rows = [{"case_id": "c-1", "sitting": "worse"},
            {"case_id": "c-2", "Sitting": "better", "siting": "worse"},
            {"case_id": "c-3", "standing": "worse"}]
    source = tmp_path / f"in{suffix}"
    source.write_text(json.dumps(rows) if suffix == ".json"
                      else "".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out.jsonl"
    result = invoke_lbp(["batch", str(source), "-o", str(out), "--jobs", "1"])
    assert result.exit_code == 3, result.stderr
    records = read_jsonl(out)
    assert [r["status"] for r in records] == ["ok", "error", "ok"]
    assert records[1]["errors"] == [{"field": "siting", "value": "worse",
                                     "expected": "a field of the vocabulary (see `lbp vocabulary`)",
                                     "suggestion": "sitting"}]
    assert "row 2 (case 'c-2')" in result.stderr and "'siting'" in result.stderr
    assert records[2]["result"] == bundled.screen(rows[2])


def test_two_keys_meaning_one_field_in_a_json_row_refuse_the_file(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"case_id": "c-1", "sitting": "worse"}\n'
                      '{"case_id": "c-2", "Sitting": "worse", "sitting ": "better"}\n')
    result = invoke_lbp(["batch", str(source), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 1
    assert "line 2: keys 'Sitting' and 'sitting ' both mean the field 'sitting'" in result.stderr


def test_an_identifier_key_in_json_rows_still_needs_drop_identifiers(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"case_id": "c-1", "sitting": "worse"}\n'
                      '{"case_id": "c-2", "email": "jo@example.org"}\n')
    refused = invoke_lbp(["batch", str(source), "-o", str(tmp_path / "out.jsonl")])
    assert refused.exit_code == 1 and "'email'" in refused.stderr
    dropped = invoke_lbp(["batch", str(source), "-o", str(tmp_path / "out.jsonl"), "--jobs", "1",
                          "--drop-identifiers"])
    assert dropped.exit_code == 0
    assert "jo@example.org" not in (tmp_path / "out.jsonl").read_text()


FLAG_CASES = "case_id,saddle_numbness,history_of_cancer,sitting\nf-1,yes,yes,\nc-2,,,sometimes\nc-3,no,no,worse\n"


def test_parquet_output_is_typed_lists_and_nulls_never_empty_text(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(FLAG_CASES)
    out = tmp_path / "out.parquet"
    assert invoke_lbp(["batch", str(source), "-o", str(out), "--jobs", "1"]).exit_code == 3
    table = pq.read_table(out)
    for column in KB.table.columns:
        want = pa.int64() if column.name == "row" else (
            pa.string() if column.kind == "text" else pa.list_(pa.string()))
        assert table.schema.field(column.name).type == want, column.name
    rows = table.to_pylist()
    flagged = bundled.screen({"case_id": "f-1", "saddle_numbness": "yes", "history_of_cancer": "yes"})
    assert rows[0]["red_flag_signs"] == [f["id"] for f in flagged["red_flags"]]
    assert rows[0]["red_flag_sign_urgencies"] == [f["urgency"] for f in flagged["red_flags"]]
    assert rows[0]["professional_assessment"] == flagged["professional_assessment"]["text"]
    assert rows[0]["errors"] == [] and rows[2]["red_flag_signs"] == []
    error_row = rows[1]
    assert error_row["status"] == "error" and len(error_row["errors"]) == 1
    assert all(error_row[c.name] is None for c in KB.table.own_columns() if c.name != "errors")
    assert not any(value == "" for row in rows for value in row.values())


def test_excel_output_has_a_frozen_header_and_an_autofilter(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(FLAG_CASES)
    out = tmp_path / "out.xlsx"
    assert invoke_lbp(["batch", str(source), "-o", str(out), "--jobs", "1"]).exit_code == 3
    sheet = load_workbook(out).active
    assert sheet.freeze_panes == "A2"
    last = sheet.cell(row=1, column=len(KB.table.columns)).column_letter
    assert sheet.auto_filter.ref == f"A1:{last}4"
    assert [c.value for c in sheet[1]] == list(KB.table.names())
    names = [c.value for c in sheet[1]]
    first = {name: cell.value for name, cell in zip(names, sheet[2])}
    flagged = bundled.screen({"case_id": "f-1", "saddle_numbness": "yes", "history_of_cancer": "yes"})
    assert first["red_flag_signs"] == "; ".join(f["id"] for f in flagged["red_flags"])
    assert first["red_flag_sign_urgencies"] == "; ".join(f["urgency"] for f in flagged["red_flags"])
    assert first["professional_assessment"] == flagged["professional_assessment"]["text"]
    error_row = {name: cell.value for name, cell in zip(names, sheet[3])}
    assert error_row["responder"] is None  # an empty cell, not an empty text


def test_excel_output_stays_byte_stable_with_its_filter(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(FLAG_CASES)
    for name in ("a.xlsx", "b.xlsx"):
        invoke_lbp(["batch", str(source), "-o", str(tmp_path / name), "--jobs", "1"])
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.xlsx") as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<autoFilter" in sheet and 'state="frozen"' in sheet


def test_csv_output_carries_the_new_columns(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(FLAG_CASES)
    out = tmp_path / "out.csv"
    invoke_lbp(["batch", str(source), "-o", str(out), "--jobs", "1"])
    table = pd.read_csv(io.StringIO(out.read_text()), dtype=str, keep_default_na=False)
    flagged = bundled.screen({"case_id": "f-1", "saddle_numbness": "yes", "history_of_cancer": "yes"})
    assert table["red_flag_signs"][0].split("; ") == [f["id"] for f in flagged["red_flags"]]
    assert table["professional_assessment"][0] == flagged["professional_assessment"]["text"]
    assert table["red_flag_signs"][1] == ""  # an error row: blank


@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\u2029"])
def test_regression_an_unknown_key_holding_a_line_separator_split_its_jsonl_record(tmp_path, separator):
    """Unknown keys became error rows naming the key; written raw, a NEL or a Unicode line
    separator in it broke the record in two for every reader that splits lines on it."""
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"case_id": "c-1", f"odd{separator}key": "x"}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert invoke_lbp(["batch", str(source), "-o", str(out), "--jobs", "1"]).exit_code == 3
    text = out.read_text(encoding="utf-8")
    assert separator not in text and len(text.splitlines()) == 1
    assert json.loads(text)["errors"][0]["field"] == f"odd{separator}key"
