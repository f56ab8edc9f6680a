"""Any JSON value, however nested, huge or strange, gives a result or a CaseError, and
everything written about it is standard JSON: through the service and through `lbp batch`."""
from __future__ import annotations

import json
import pathlib
import tempfile

from hypothesis import HealthCheck, given, settings, strategies as st

from lbp_screen.engine.vocabulary import CaseError
from tests import bundled
from tests.cli.conftest import invoke_lbp
from tests.conftest import hostile_cases


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_cases())
def test_any_json_object_gives_a_result_or_a_case_error_and_standard_json(raw):
    try:
        document = bundled.SERVICE.screen(raw, label="hostile")
    except CaseError as error:
        document = error.to_dict()
        assert document["problems"]
        assert all(len(json.dumps(p["value"])) < 200 for p in document["problems"])  # never a whole cell
    json.dumps(document, allow_nan=False)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hostile_cases(), min_size=1, max_size=6))
def test_a_batch_of_hostile_rows_gives_one_standard_json_record_per_row(rows):
    with tempfile.TemporaryDirectory() as folder:
        _screen_rows_in(pathlib.Path(folder), rows)


def _screen_rows_in(tmp_path: pathlib.Path, rows: list[dict]) -> None:
    path = tmp_path / "in.jsonl"
    rows = [{**row, "case_id": f"c-{i}"} for i, row in enumerate(rows)]
    lines = []
    for row in rows:
        try:
            lines.append(json.dumps(row, allow_nan=False))
        except ValueError:  # a NaN float: not JSON at all, refused by the reader (tested elsewhere)
            lines.append(json.dumps({"case_id": row["case_id"]}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = invoke_lbp(["batch", str(path), "-o", str(out), "--jobs", "1"])
    if result.exit_code == 1:  # the file as a whole refused: unknown columns, never a crash
        assert result.stderr.startswith("Error: ") and not out.exists()
        return
    assert result.exit_code in (0, 3), result.stderr
    written = out.read_text(encoding="utf-8").splitlines()
    assert len(written) == len(rows)
    for line in written:
        json.loads(line, parse_constant=lambda name: (_ for _ in ()).throw(ValueError(name)))
