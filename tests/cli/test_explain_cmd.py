"""`lbp explain` through click's CliRunner: one case, four formats, how / why not / what
would change it, and clear refusals."""
import json
import re

import pytest

from tests import bundled
from tests.cli.conftest import invoke_lbp
from tests.conftest import CASES_DIR

CASE_FILES = sorted(CASES_DIR.glob("*.json"))
UNDETERMINED = ["--fact", "sitting=worse", "--fact", "age=40"]
FORMATS = ["text", "markdown", "json", "html"]


def run(*args, input=None):
    return invoke_lbp(args, input)


def test_text_shows_result_how_what_would_change_answers_and_sources():
    result = run("explain", *UNDETERMINED)
    assert result.exit_code == 0, result.output
    out = result.output
    for heading in ("RESULT", "PROFESSIONAL ASSESSMENT", "HOW: the", "WHAT WOULD CHANGE IT", "ANSWERS", "SOURCES"):
        assert f"\n{heading}" in out, heading
    for left_out in ("REASONING GRAPH", "TRACE", "WHY NOT"):  # asked for by --section
        assert f"\n{left_out}" not in out, left_out
    flat = " ".join(out.split())  # the text is wrapped for the terminal
    assert "responder=undetermined" in out
    assert "(case answer: sitting=worse)" in flat
    assert re.search(r"responder=extension could follow from: [a-z_, ]*standing", flat)
    steps = re.findall(r"^ +(\d+)\. (R-[A-Z0-9-]+):", out, re.M)
    fired = bundled.screen({"sitting": "worse", "age": 40})["fired_rules"]
    assert [rule for _, rule in steps] == fired
    assert [int(n) for n, _ in steps] == list(range(1, len(fired) + 1))


def test_why_not_in_text_names_held_failed_and_unknown():
    result = run("explain", "--fact", "sitting=worse", "--fact", "standing=better", "--fact", "walking=worse",
                 "--why-not", "responder=flexion")
    assert result.exit_code == 0, result.output
    section = result.output.split("WHY NOT responder=flexion", 1)[1]
    assert "Not concluded. 2 rule(s) could conclude it" in section
    assert "R-RESP-FLEXION:" in section and "R-RESP-FLEXION-OUTWEIGHS:" in section
    assert section.count("[failed]") == 2 and "concluded instead" in section


def test_why_not_lists_unknown_conditions_with_the_unanswered_field():
    result = run("explain", "--fact", "sitting=worse", "--why-not", "responder=extension", "--format", "json")
    document = json.loads(result.output)
    (why,) = document["why_not"]
    extension = next(r for r in why["rules"] if r["rule"] == "R-RESP-EXTENSION")
    assert extension["truth"] == "failed" and not extension["fired"]
    (condition,) = extension["conditions"]
    assert set(condition["could_hold_if_answered"]) >= {"standing", "walking", "bending_forward"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_answers_how_why_not_and_what_would_change(fmt):
    result = run("explain", *UNDETERMINED, "--why-not", "cause=spinal_stenosis", "--format", fmt, "--section", "all")
    assert result.exit_code == 0, result.output
    out = result.output
    marks = {
        "text": ["HOW: the", "WHY NOT cause=spinal_stenosis", "WHAT WOULD CHANGE IT", "REASONING GRAPH", "TRACE"],
        "markdown": ["## How each conclusion was reached", "## Why not `cause=spinal_stenosis`?",
                     "## What would change it", "```mermaid\nflowchart TB"],
        "json": ['"how"', '"why_not"', '"what_would_change"', '"target": "cause=spinal_stenosis"'],
        "html": ['id="how"', 'id="why-not-cause-spinal_stenosis"', 'id="what-would-change"',
                 '<svg class="reasoning-graph"'],
    }[fmt]
    for mark in marks:
        assert mark in out, mark


def test_html_is_self_contained():
    out = run("explain", *UNDETERMINED, "--format", "html").output
    assert out.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in out and "default-src 'none'" in out
    for forbidden in ("<script", "<link", "src=", "@import", "url(http"):
        assert forbidden not in out, forbidden
    assert 'id="assessment"' in out and "physiotherapist or doctor" in out


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_every_bundled_case_explains_in_every_format(path):
    for fmt in FORMATS:
        result = run("explain", str(path), "--why-not", "red_flag=cauda_equina", "--format", fmt)
        assert result.exit_code == 0, (fmt, result.output)
    document = json.loads(run("explain", str(path), "--format", "json").output)
    assert document["result"] == bundled.screen(json.loads(path.read_text(encoding="utf-8"))["case"],
                                               label=str(path))


def test_a_file_with_several_cases_is_refused_with_how_to_pick_one(tmp_path):
    path = tmp_path / "cases.json"
    path.write_text(json.dumps([{"case_id": "a-1", "sitting": "worse"}, {"case_id": "b-2", "sitting": "better"}]))
    refused = run("explain", str(path))
    assert refused.exit_code == 1
    assert "2 cases given" in refused.output and "--case ID" in refused.output
    assert "a-1, b-2" in refused.output
    picked = run("explain", str(path), "--case", "b-2", "--format", "json")
    assert picked.exit_code == 0, picked.output
    assert json.loads(picked.output)["case"]["case_id"] == "b-2"
    by_label = run("explain", str(path), "--case", f"{path}[0]", "--format", "json")
    assert json.loads(by_label.output)["case"]["case_id"] == "a-1"
    missing = run("explain", str(path), "--case", "c-3")
    assert missing.exit_code == 1 and "no case with that case_id or label" in missing.output
    assert "a-1, b-2" in missing.output


def test_a_folder_needs_case_too():
    if len(CASE_FILES) < 2:
        pytest.skip("needs two bundled cases")
    refused = run("explain", str(CASES_DIR))
    assert refused.exit_code == 1 and "--case ID" in refused.output
    case_id = json.loads(CASE_FILES[1].read_text(encoding="utf-8"))["case"]["case_id"]
    picked = run("explain", str(CASES_DIR), "--case", case_id, "--format", "json")
    assert json.loads(picked.output)["case"]["case_id"] == case_id


@pytest.mark.parametrize("target,listed", [
    ("exercise=cobbra", "valid values: "),
    ("colour=red", "valid kinds: responder, cause, exercise, red_flag, urgency"),
    ("cobra", "expected KIND=VALUE"),
])
def test_unknown_why_not_target_is_a_usage_error_listing_valid_names(target, listed):
    result = run("explain", *UNDETERMINED, "--why-not", target)
    assert result.exit_code == 2
    assert listed in result.output
    if target.startswith("exercise="):
        assert "cobra" in result.output and "childs_pose" in result.output


@pytest.mark.parametrize("args,message", [
    (["cases.json", "--fact", "sitting=worse"], "give FILES or --fact answers, not both"),
    ([], "give FILES (or - for stdin)"),
    (["--fact", "sitting=worse", "--case", "x"], "--fact and --case cannot be used together"),
])
def test_incompatible_or_missing_inputs_are_usage_errors(args, message):
    result = run("explain", *args)
    assert result.exit_code == 2 and message in result.output


def test_a_bad_answer_names_the_field_and_value():
    result = run("explain", "--fact", "sitting=sometimes")
    assert result.exit_code == 1
    assert "sitting" in result.output and "sometimes" in result.output


def test_output_option_writes_the_file(tmp_path):
    target = tmp_path / "report.html"
    result = run("explain", *UNDETERMINED, "--format", "html", "-o", str(target))
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_stdin_case():
    result = run("explain", "-", "--format", "json", input='{"case_id": "in-1", "walking": "worse"}')
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["case"]["case_id"] == "in-1"


def test_output_name_picks_the_format_and_a_contradicting_format_is_refused(tmp_path):
    report = tmp_path / "report.html"
    done = run("explain", "--fact", "age=40", "-o", str(report))
    assert done.exit_code == 0
    assert report.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    clash = run("explain", "--fact", "age=40", "-o", str(report), "--format", "text")
    assert clash.exit_code == 2 and "does not match the output name" in clash.output


def test_a_misspelt_why_not_value_gets_a_did_you_mean():
    done = run("explain", "--fact", "age=40", "--why-not", "exercise=cobr")
    assert done.exit_code == 2 and "did you mean 'exercise=cobra'" in done.output
