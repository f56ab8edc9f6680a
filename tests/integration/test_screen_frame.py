"""``ScreeningService.screen_frame``: a pandas DataFrame of cases in, one row per input row
out, in order and on the input's index, with the batch's table columns typed as the
Parquet output; headers, identifier and ignored columns checked as a batch file's are."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from lbp_screen.engine.bench import synthetic_rows
from lbp_screen.engine.tables import BatchInputError
from tests import bundled

KB = bundled.KB
SERVICE = bundled.SERVICE


def test_one_typed_row_per_input_row_in_order_equal_to_the_parquet_output(tmp_path):
    cases = [raw for _n, raw in synthetic_rows(KB, 120, 3)]
    cases[7]["sitting"] = "sometimes"  # an error row
    frame = pd.DataFrame(cases, index=pd.RangeIndex(1000, 1120))
    screened = SERVICE.screen_frame(frame)
    assert list(screened.columns) == list(KB.table.names())
    assert list(screened.index) == list(frame.index)
    assert screened["row"].dtype == np.int64 and list(screened["row"]) == list(range(1, 121))
    assert all(screened[c].dtype == object for c in KB.table.names() if c != "row")
    source = tmp_path / "cases.csv"
    frame.to_csv(source, index=False)
    SERVICE.run_batch(SERVICE.open_batch(source), tmp_path / "out.parquet")
    assert screened.to_dict("records") == pq.read_table(tmp_path / "out.parquet").to_pylist()
    error = screened.iloc[7]
    assert error["status"] == "error" and error["responder"] is None and error["fired_rules"] is None
    assert "sitting" in error["errors"][0]


def test_headers_are_matched_as_a_batch_file_s_and_missing_values_are_not_known():
    frame = pd.DataFrame({"Case ID": ["c-1", "c-2", "c-3"], " Sitting ": ["worse", None, np.nan],
                          "AGE": pd.array([40, None, 61], dtype="Int64"),
                          "Bending Forward": ["worse", "better", pd.NA], "Ward": ["a", "b", "c"]})
    screened = SERVICE.screen_frame(frame, ignore_columns=["ward"])
    assert list(screened["status"]) == ["ok"] * 3
    expected = [{"case_id": "c-1", "sitting": "worse", "age": 40, "bending_forward": "worse"},
                {"case_id": "c-2", "bending_forward": "better"},
                {"case_id": "c-3", "age": 61}]
    assert list(screened["fired_rules"]) == [bundled.screen(case)["fired_rules"] for case in expected]


def test_a_numpy_number_is_read_as_a_python_one():
    frame = pd.DataFrame({"case_id": ["c-1"], "age": np.array([45], dtype=np.int32),
                          "morning_stiffness_minutes": np.array([30.5])})
    screened = SERVICE.screen_frame(frame)
    assert screened["status"][0] == "ok", screened["errors"][0]


def _refusal(call) -> str:
    with pytest.raises(BatchInputError) as raised:
        call()
    return str(raised.value)


@pytest.mark.parametrize("columns, options", [
    (["case_id", "sitting", "email"], {}),
    (["case_id", "sitting", "Ward"], {}),
    (["case_id", "Sitting", "sitting"], {}),
    (["case_id", "sitting", "Ward"], {"ignore_columns": ["sitting"]}),
    (["case_id", "sitting", "Ward"], {"ignore_columns": ["bed"]}),
])
def test_a_frame_is_refused_exactly_as_a_batch_file_with_its_headers(tmp_path, columns, options):
    frame = pd.DataFrame([["c-1", "worse", "x"]], columns=columns)
    source = tmp_path / "in.csv"
    frame.to_csv(source, index=False)
    from_file = _refusal(lambda: SERVICE.open_batch(source, **options))
    from_frame = _refusal(lambda: SERVICE.screen_frame(frame, **options))
    assert from_frame.removeprefix("data frame") == from_file.removeprefix("in.csv")


def test_identifier_columns_are_dropped_on_request_and_never_come_out():
    frame = pd.DataFrame({"case_id": ["c-1"], "Patient Name": ["Ann Smith"], "sitting": ["worse"]})
    screened = SERVICE.screen_frame(frame, drop_identifiers=True)
    assert screened["status"][0] == "ok"
    assert "Ann Smith" not in screened.to_string()


def test_repeated_case_ids_are_refused_naming_rows_only():
    frame = pd.DataFrame({"case_id": ["c-1", "c-2", "c-1"], "sitting": ["worse"] * 3})
    assert "row 3 repeats row 1" in _refusal(lambda: SERVICE.screen_frame(frame))


def test_an_empty_frame_gives_an_empty_typed_frame():
    """dask.dataframe hands empty partitions to map_partitions too."""
    screened = SERVICE.screen_frame(pd.DataFrame({"case_id": pd.Series([], dtype=object)}))
    assert len(screened) == 0 and list(screened.columns) == list(KB.table.names())
    assert screened["row"].dtype == np.int64


@pytest.mark.parametrize("frame, message", [
    ([{"case_id": "c-1"}], "expected a pandas DataFrame, got list"),
    (pd.DataFrame({"case_id": ["c-1"], 7: ["x"]}), "column labels must be field names (text), not 7 (of type int)"),
])
def test_what_is_not_a_frame_of_cases_is_refused(frame, message):
    assert message in _refusal(lambda: SERVICE.screen_frame(frame))
