"""``lbp batch INPUT -o NEW --compare OLD``: the rows whose urgency, responder type, causes,
red flags or exercise advice changed between an earlier output and this run, written
beside the output with both knowledge bases, counted per kind of change; an OLD that is
not an output of the same input refused before anything is written."""
from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

from lbp_screen.engine.bench import synthetic_rows
from lbp_screen.engine.service import ScreeningService
from tests import bundled
from tests.cli.conftest import invoke_lbp

KB = bundled.KB
# An "earlier" rulebook: without the rule that counts sitting as extension evidence and
# without the fever red flag, so some responders, exercises, red flags and urgencies differ.
REMOVED = {"R-RESP-EXT-SITTING", "R-FLAG-INFECTION-FEVER"}
EARLIER_KB = dataclasses.replace(KB, version="1.9.9", rules=[r for r in KB.rules if r.id not in REMOVED])
ROWS = 300


def what_is_compared(result: dict) -> dict:
    """The compared parts of a result, written out here independently of the knowledge base."""
    return {
        "urgency": result["urgency"],
        "responder": result["responder"]["type"],
        "possible_causes": sorted(c["id"] for c in result["possible_causes"]),
        "red_flags": sorted((f["id"], f["condition"], f["urgency"]) for f in result["red_flags"]),
        "exercises": {k: sorted(e["id"] for e in result["exercises"][k])
                      for k in ("recommended", "avoid", "caution")},
    }


def read_jsonl(path) -> list[dict]:
    def refuse(constant):
        raise ValueError(f"not standard JSON: {constant}")
    return [json.loads(line, parse_constant=refuse) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """An input, its output by the earlier rulebook, and the cases."""
    folder = tmp_path_factory.mktemp("compare")
    cases = [raw for _n, raw in synthetic_rows(KB, ROWS, 7)]
    source = folder / "cases.csv"
    pd.DataFrame(cases).to_csv(source, index=False)
    earlier = ScreeningService(EARLIER_KB)
    old = folder / "old.jsonl"
    earlier.run_batch(earlier.open_batch(source), old)
    return folder, source, old, cases


def test_compare_lists_exactly_the_rows_that_changed_with_both_knowledge_bases(runs, tmp_path):
    _folder, source, old, cases = runs
    new = tmp_path / "new.jsonl"
    result = invoke_lbp(["batch", str(source), "-o", str(new), "--compare", str(old), "--jobs", "1"])
    assert result.exit_code == 0, result.stderr
    earlier = ScreeningService(EARLIER_KB)
    expected = {}
    for number, case in enumerate(cases, start=1):
        before, after = what_is_compared(earlier.screen(case)), what_is_compared(bundled.screen(case))
        kinds = [kind for kind in before if before[kind] != after[kind]]
        if kinds:
            expected[number] = kinds
    assert expected, "the earlier rulebook must change some rows for this test to mean anything"
    lines = read_jsonl(tmp_path / "new.changes.jsonl")
    assert {line["row"]: line["changes"] for line in lines} == expected
    for line in lines:
        assert line["case_id"] == cases[line["row"] - 1]["case_id"]
        assert line["knowledge_base"] == {"old": EARLIER_KB.provenance, "new": KB.provenance}
        assert set(line["old"]) == set(line["new"]) == {"status", *line["changes"]}
    counts = {kind: sum(kind in kinds for kinds in expected.values())
              for kind in ("urgency", "responder", "red_flags", "exercises")}
    assert f"{len(expected)} changed" in result.stderr
    for kind, heading in (("urgency", "urgency"), ("responder", "responder type"),
                          ("red_flags", "red flags"), ("exercises", "exercise advice")):
        assert f"{heading} {counts[kind]}" in result.stderr
    assert "knowledge base 1.9.9" in result.stderr and "-> 2.0.0" in result.stderr
    assert read_jsonl(new) and len(read_jsonl(new)) == ROWS  # the output itself as usual


def test_the_same_rulebook_twice_changes_nothing(runs, tmp_path):
    _folder, source, _old, _cases = runs
    first = tmp_path / "first.csv"
    invoke_lbp(["batch", str(source), "-o", str(tmp_path / "first.jsonl"), "--jobs", "1"])
    result = invoke_lbp(["batch", str(source), "-o", str(first), "--jobs", "1",
                         "--compare", str(tmp_path / "first.jsonl")])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "first.changes.jsonl").read_text() == ""
    assert "0 changed" in result.stderr


def test_a_row_screened_once_and_refused_the_other_time_is_a_status_change(runs, tmp_path):
    _folder, source, old, cases = runs
    records = read_jsonl(old)
    records[4] = {"row": 5, "case_id": records[4]["case_id"], "status": "error", "result": None,
                  "errors": [{"field": "age", "value": "300", "expected": "an age", "suggestion": None}]}
    edited = tmp_path / "edited.jsonl"
    edited.write_text("".join(json.dumps(r) + "\n" for r in records))
    result = invoke_lbp(["batch", str(source), "-o", str(tmp_path / "new.jsonl"), "--jobs", "1",
                         "--compare", str(edited)])
    assert result.exit_code == 0, result.stderr
    line = next(line for line in read_jsonl(tmp_path / "new.changes.jsonl") if line["row"] == 5)
    assert line["changes"] == ["status"]
    assert line["old"] == {"status": "error", "errors": records[4]["errors"]}
    assert line["new"]["status"] == "ok" and line["new"]["urgency"] == bundled.screen(cases[4])["urgency"]
    assert "status 1" in result.stderr


def _edited(old, tmp_path, edit):
    records = read_jsonl(old)
    records = edit(records)
    path = tmp_path / "edited.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


@pytest.mark.parametrize("edit, message", [
    (lambda rs: rs[:-1], f"holds {ROWS - 1} rows but the input has {ROWS}"),
    (lambda rs: [*rs[:2], {**rs[2], "case_id": "someone-else"}, *rs[3:]], "row 3 has another case id"),
    (lambda rs: [rs[1], rs[0], *rs[2:]], "is row 2, expected row 1"),
    (lambda rs: [{"case_id": r["case_id"], "sitting": "worse"} for r in rs], "not a record of a JSON Lines batch output"),
])
def test_an_earlier_output_of_another_input_is_refused_and_nothing_is_written(runs, tmp_path, edit, message):
    _folder, source, old, _cases = runs
    earlier = _edited(old, tmp_path, edit)
    new = tmp_path / "new.csv"
    result = invoke_lbp(["batch", str(source), "-o", str(new), "--compare", str(earlier), "--jobs", "1"])
    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert "someone-else" not in result.stderr  # ids are never echoed
    assert not new.exists() and not (tmp_path / "new.changes.jsonl").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["edited.jsonl"]  # no temporary file left


def test_compare_may_name_the_output_it_replaces(runs, tmp_path):
    _folder, source, old, _cases = runs
    out = tmp_path / "results.jsonl"
    out.write_bytes(old.read_bytes())
    result = invoke_lbp(["batch", str(source), "-o", str(out), "--compare", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.stderr
    assert read_jsonl(tmp_path / "results.changes.jsonl")  # compared with the earlier content
    assert all(r["result"]["knowledge_base"] == KB.provenance for r in read_jsonl(out) if r["result"])


@pytest.mark.parametrize("option", ["--compare", "--summary"])
def test_compare_clashing_with_another_path_is_a_usage_error(runs, tmp_path, option):
    _folder, source, old, _cases = runs
    clash = str(source) if option == "--compare" else str(tmp_path / "new.changes.jsonl")
    args = ["batch", str(source), "-o", str(tmp_path / "new.jsonl"), option, clash]
    if option == "--summary":
        args += ["--compare", str(old)]
    result = invoke_lbp(args)
    assert result.exit_code == 2 and "name the same file" in result.stderr
