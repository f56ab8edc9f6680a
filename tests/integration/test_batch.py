"""Batch screening: every format read and written, every row accounted for, malformed
files refused before any work, identifiers kept out, output written atomically."""
from __future__ import annotations

import json
import pathlib

import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings, strategies as st

from tests import bundled
from lbp_screen.engine import batch, tables
from lbp_screen.engine.privacy import identifier_reason
from lbp_screen.engine.tables import BatchInputError

KB = bundled.KB
SERVICE = bundled.SERVICE


def open_batch(source, **options):
    return SERVICE.open_batch(source, **options)


def run_batch(checked, output, jobs=1):
    return SERVICE.run_batch(checked, output, jobs)

CASES = [
    {"case_id": "ext-01", "age": "45", "sitting": "worse", "standing": "better", "walking": "better",
     "bending_backward": "better", "leg_pain": "none"},
    {"case_id": "flex-02", "age": "68", "standing": "worse", "walking": "worse", "sitting": "better",
     "bending_forward": "better"},
    {"case_id": "flag-03", "age": "52", "saddle_numbness": "yes", "bladder_or_bowel_change": "yes"},
    {"case_id": "sparse-04", "age": "", "sitting": ""},
]


def _table(cases=CASES):
    columns = list(dict.fromkeys(k for case in cases for k in case))
    return pd.DataFrame([{c: case.get(c, "") for c in columns} for case in cases], columns=columns)


def write_input(path: pathlib.Path, cases=CASES) -> pathlib.Path:
    """Write cases in the format named by the path's extension."""
    suffix = path.suffix
    if suffix == ".csv":
        _table(cases).to_csv(path, index=False)
    elif suffix == ".tsv":
        _table(cases).to_csv(path, index=False, sep="\t")
    elif suffix == ".json":
        path.write_text(json.dumps(cases), encoding="utf-8")
    elif suffix == ".jsonl":
        path.write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
    elif suffix == ".xlsx":
        _table(cases).to_excel(path, index=False)
    elif suffix == ".parquet":
        _table(cases).to_parquet(path, index=False)
    return path


def read_jsonl(path: pathlib.Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def screen_file(path, out, jobs=1, **options):
    return run_batch(open_batch(path, **options), out, jobs=jobs)


def expected_result(case: dict) -> dict:
    return bundled.screen({k: v for k, v in case.items()}, label="expected")


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".json", ".jsonl", ".xlsx", ".parquet"])
def test_every_input_format_gives_the_results_of_screening_each_case(tmp_path, suffix):
    source = write_input(tmp_path / f"cases{suffix}")
    outcome = screen_file(source, tmp_path / "out.jsonl")
    records = read_jsonl(tmp_path / "out.jsonl")
    assert [r["row"] for r in records] == [1, 2, 3, 4]
    assert [r["status"] for r in records] == ["ok"] * 4
    assert [r["result"] for r in records] == [expected_result(c) for c in CASES]
    assert outcome.all_ok


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_tabular_outputs_hold_the_documented_columns_one_row_per_case(tmp_path, suffix):
    source = write_input(tmp_path / "cases.csv")
    out = tmp_path / f"out{suffix}"
    screen_file(source, out)
    reader = {".csv": lambda p: pd.read_csv(p, dtype=str, keep_default_na=False),
              ".xlsx": lambda p: pd.read_excel(p, dtype=str, keep_default_na=False),
              ".parquet": lambda p: pq.read_table(p).to_pylist()}[suffix]
    table = reader(out)
    rows = table if suffix == ".parquet" else table.to_dict("records")
    # Parquet's multi-valued columns are lists; CSV and Excel join them with "; "
    listed = (lambda cell: cell) if suffix == ".parquet" else (lambda cell: cell.split("; "))
    assert list(rows[0]) == list(KB.table.names())
    assert [row["case_id"] for row in rows] == [c["case_id"] for c in CASES]
    flag_case = expected_result(CASES[2])
    row = rows[2]
    assert row["urgency"] == flag_case["urgency"]
    assert listed(row["red_flags"]) == list(dict.fromkeys(f["condition"] for f in flag_case["red_flags"]))
    assert listed(row["red_flag_signs"]) == [f["id"] for f in flag_case["red_flags"]]
    assert listed(row["red_flag_sign_urgencies"]) == [f["urgency"] for f in flag_case["red_flags"]]
    assert row["professional_assessment"] == flag_case["professional_assessment"]["text"]
    assert listed(row["fired_rules"]) == flag_case["fired_rules"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_delimiter_is_read_from_the_header_and_a_bom_is_ignored(tmp_path, delimiter):
    source = tmp_path / "cases.csv"
    _table().to_csv(source, index=False, sep=delimiter, encoding="utf-8-sig")
    assert source.read_bytes().startswith(b"\xef\xbb\xbf")
    screen_file(source, tmp_path / "out.jsonl")
    assert [r["result"] for r in read_jsonl(tmp_path / "out.jsonl")] == [expected_result(c) for c in CASES]


def test_bad_rows_become_error_rows_naming_row_case_field_value_and_expectation(tmp_path):
    cases = [dict(CASES[0]), {"case_id": "bad-02", "sitting": "sometimes", "age": "40"},
             {"case_id": "", "age": "50"}, dict(CASES[1])]
    outcome = screen_file(write_input(tmp_path / "cases.csv", cases), tmp_path / "out.jsonl")
    records = read_jsonl(tmp_path / "out.jsonl")
    assert [r["status"] for r in records] == ["ok", "error", "error", "ok"]
    bad = records[1]
    assert (bad["row"], bad["case_id"]) == (2, "bad-02")
    assert bad["errors"][0]["field"] == "sitting" and bad["errors"][0]["value"] == "sometimes"
    assert "worse" in bad["errors"][0]["expected"]
    assert records[2]["errors"][0]["field"] == "case_id"
    assert not outcome.all_ok and outcome.summary.errors == 2


def test_a_case_id_holding_an_email_or_phone_number_is_a_row_error_and_never_written(tmp_path):
    cases = [dict(CASES[0], case_id="jo.bloggs@example.org"), dict(CASES[1], case_id="07700 900123"),
             dict(CASES[2])]
    for out in ("out.jsonl", "out.csv"):
        screen_file(write_input(tmp_path / "cases.csv", cases), tmp_path / out)
        text = (tmp_path / out).read_text(encoding="utf-8")
        assert "jo.bloggs" not in text and "900123" not in text
    records = read_jsonl(tmp_path / "out.jsonl")
    assert [r["status"] for r in records] == ["error", "error", "ok"]
    assert records[0]["errors"][0]["field"] == "case_id"


@pytest.mark.parametrize("column, reason", [
    ("Surname", "name"), ("E-mail", "e-mail"), ("phone_number", "telephone"),
    ("home address", "address"), ("DOB", "birth"), ("nhs_number", "health-service"),
    ("SSN", "social-security"), ("MRN", "medical record"), ("postcode", "address"),
])
def test_identifier_columns_are_refused_by_name(tmp_path, column, reason):
    cases = [dict(c, **{column: "Jo Bloggs 1 High St"}) for c in CASES]
    source = write_input(tmp_path / "cases.csv", cases)
    with pytest.raises(BatchInputError) as refused:
        open_batch(source)
    message = str(refused.value)
    assert repr(column) in message and reason in message and "--drop-identifiers" in message
    assert "Jo Bloggs" not in message


def test_drop_identifiers_leaves_them_out_of_processing_and_output(tmp_path):
    cases = [dict(c, surname="Bloggs", email=f"jo{i}@example.org") for i, c in enumerate(CASES)]
    source = write_input(tmp_path / "cases.csv", cases)
    checked = open_batch(source, drop_identifiers=True)
    assert checked.dropped == ["surname", "email"]
    run_batch(checked, tmp_path / "out.jsonl")
    text = (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    assert "Bloggs" not in text and "example.org" not in text
    assert [r["result"] for r in read_jsonl(tmp_path / "out.jsonl")] == [expected_result(c) for c in CASES]


# ---------------------------------------------------------------- files refused before any work

def refused(tmp_path, name: str, content: bytes | str, **options) -> str:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(BatchInputError) as error:
        open_batch(path, **options)
    return str(error.value)


def test_ragged_csv_is_refused_naming_the_line(tmp_path):
    message = refused(tmp_path, "r.csv", "case_id,age,sitting\na1,40,worse\na2,50\n")
    assert "line 3 has 2 fields" in message and "3" in message
    message = refused(tmp_path, "r.csv", "case_id,age\na1,40\na2,50,worse\n")
    assert "line 3 has 3 fields" in message


def test_bad_encoding_is_refused(tmp_path):
    message = refused(tmp_path, "b.csv", "case_id,sitting\nrow-é,worse\n".encode("latin-1"))
    assert "not UTF-8" in message


@pytest.mark.parametrize("name, content, words", [
    ("o.json", '{"case_id": "a1"}', "expected a JSON list of case objects, got a JSON object"),
    ("s.json", '[{"case_id": "a1"}, "a2"]', "item 2 of the list is a JSON string"),
    ("b.json", '[{"case_id": "a1"', "not valid JSON"),
    ("l.jsonl", '{"case_id": "a1"}\n[1, 2]\n', "line 2 is a JSON list"),
    ("e.csv", "", "empty file"),
    ("e.json", "", "empty file"),
    ("h.csv", "case_id,age,sitting\n", "no rows to screen"),
    ("h.json", "[]", "no rows to screen"),
    ("n.csv", "age,sitting\n40,worse\n", "no 'case_id' column"),
    ("u.csv", "case_id,sittin\na1,worse\n", "unknown columns: 'sittin' (did you mean 'sitting'?)"),
    ("d.csv", "case_id,age,age\na1,40,41\n", "columns appear more than once: 'age'"),
    ("x.txt", "case_id\na1\n", "cannot tell the format"),
    ("z.xlsx", "not a workbook", "cannot be read as xlsx"),
])
def test_unusable_files_are_refused_with_a_clear_message(tmp_path, name, content, words):
    assert words in refused(tmp_path, name, content)


def test_repeated_case_ids_are_refused_naming_rows_not_ids(tmp_path):
    message = refused(tmp_path, "d.csv", "case_id,age\nsecret-7,40\nb,41\n secret-7 ,42\n")
    assert "row 3 repeats row 1" in message and "secret-7" not in message


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(BatchInputError, match="no such file"):
        open_batch(tmp_path / "nowhere.csv")


def test_input_format_overrides_the_extension(tmp_path):
    source = tmp_path / "cases.txt"
    _table().to_csv(source, index=False)
    checked = open_batch(source, input_format="csv")
    assert checked.rows == len(CASES)


# ---------------------------------------------------------------- nothing lost, any job count

BAD_VALUES = st.sampled_from([("sitting", "sometimes"), ("age", "400"), ("age", "forty"),
                              ("leg_pain", "left"), ("case_id", ""), ("case_id", "me{}@example.com")])


@st.composite
def batch_rows(draw):
    """A list of (row, is_bad) for a small batch with bad rows mixed in among good ones."""
    count = draw(st.integers(1, 12))
    rows = []
    for number in range(1, count + 1):
        row = {"case_id": f"p-{number}", "age": str(draw(st.integers(18, 90))),
               "sitting": draw(st.sampled_from(["worse", "better", "", "same"])),
               "leg_pain": draw(st.sampled_from(["none", "one_leg", ""])),
               "fever": draw(st.sampled_from(["yes", "no", ""]))}
        bad = draw(st.booleans()) and draw(BAD_VALUES)
        if bad:
            row[bad[0]] = bad[1].format(number)  # ids stay unique: a repeat refuses the file
        rows.append((row, bool(bad)))
    return rows


@settings(max_examples=25)
@given(rows=batch_rows(), suffix=st.sampled_from([".csv", ".jsonl", ".parquet"]))
def test_every_input_row_gives_exactly_one_output_row_in_order(tmp_path_factory, rows, suffix):
    folder = tmp_path_factory.mktemp("prop")
    source = write_input(folder / f"in{suffix}", [r for r, _bad in rows])
    outcome = screen_file(source, folder / "out.jsonl")
    records = read_jsonl(folder / "out.jsonl")
    assert [r["row"] for r in records] == list(range(1, len(rows) + 1))
    assert [r["status"] for r in records] == ["error" if bad else "ok" for _r, bad in rows]
    assert outcome.summary.rows == len(rows) and outcome.summary.errors == sum(b for _r, b in rows)


def test_two_workers_write_exactly_what_one_writes(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "CHUNK_ROWS", 7)  # many chunks from a small file
    cases = [dict(CASES[i % len(CASES)], case_id=f"c-{i}") for i in range(60)]
    cases[13]["sitting"] = "sometimes"
    source = write_input(tmp_path / "cases.csv", cases)
    screen_file(source, tmp_path / "one.csv", jobs=1)
    screen_file(source, tmp_path / "two.csv", jobs=2)
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()


def test_an_interrupted_run_leaves_no_output_and_no_partial_file(tmp_path, monkeypatch):
    source = write_input(tmp_path / "cases.csv", [dict(CASES[0], case_id=f"c-{i}") for i in range(30)])
    out = tmp_path / "out.csv"
    out.write_text("previous results\n")
    monkeypatch.setattr(tables, "CHUNK_ROWS", 10)
    real = batch.screen_rows
    calls = []

    def interrupted(kb, rows):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(kb, rows)

    monkeypatch.setattr(batch, "screen_rows", interrupted)
    with pytest.raises(KeyboardInterrupt):
        screen_file(source, out)
    assert out.read_text() == "previous results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.csv", "out.csv"]


def test_summary_counts_and_coverage_over_the_batch(tmp_path):
    outcome = screen_file(write_input(tmp_path / "cases.csv"), tmp_path / "out.jsonl")
    summary = outcome.summary.as_dict()
    results = [expected_result(c) for c in CASES]
    assert summary["rows"] == 4 and summary["ok"] == 4
    assert sum(summary["responder"].values()) == 4 and sum(summary["urgency"].values()) == 4
    assert summary["urgency"].get("emergency") == sum(r["urgency"] == "emergency" for r in results)
    coverage = outcome.summary.coverage()
    fired = {rule for r in results for rule in r["fired_rules"]}
    assert coverage["never_fired"] == [rule.id for rule in KB.rules if rule.id not in fired]
    assert {r["id"]: r["cases"] for r in coverage["by_rule"]}[results[2]["fired_rules"][0]] >= 1


def test_text_in_excel_output_is_never_turned_into_a_formula(tmp_path):
    source = write_input(tmp_path / "cases.csv", [dict(CASES[0], case_id="=1+1")])
    screen_file(source, tmp_path / "out.xlsx")
    from openpyxl import load_workbook
    cell = load_workbook(tmp_path / "out.xlsx").active["B2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_a_column_merely_containing_mail_is_not_taken_for_an_email_address():
    # regression: "female" contains "mail"; it is an unknown column, not an identifier
    assert identifier_reason("female") is None
    assert identifier_reason("E-mail") == "an e-mail address"


@pytest.mark.parametrize("name,content", [
    ("twice.json", '[{"case_id": "a", "sitting": "worse", "sitting": "better"}]'),
    ("twice.jsonl", '{"case_id": "a", "sitting": "worse", "sitting": "better"}\n'),
])
def test_regression_a_field_named_twice_in_a_json_row_refuses_the_file(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BatchInputError, match="'sitting' appears twice"):
        open_batch(path)
