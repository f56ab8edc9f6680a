"""`lbp screen`, `lbp vocabulary` and `lbp --version` through click's CliRunner."""
import json
import re

import pytest

from click.testing import CliRunner

from lbp_screen.knowledge.outputs import RESULT_KEYS
from lbp_screen.main import lbp
from tests.cli.conftest import invoke_lbp
from tests.conftest import CASES_DIR

EXTENSION = ["sitting=worse", "bending_forward=worse", "standing=better", "walking=better", "age=40"]
FLEXION = ["sitting=better", "bending_forward=better", "standing=worse", "walking=worse", "age=40"]
CONTRADICTORY = ["sitting=worse", "bending_forward=worse", "standing=worse", "walking=worse", "age=40"]


def run(*args, input=None):
    return invoke_lbp(args, input)


def facts(answers):
    return [part for answer in answers for part in ("--fact", answer)]


@pytest.mark.parametrize("answers,expected", [(EXTENSION, "extension"), (FLEXION, "flexion"),
                                              (CONTRADICTORY, "mixed"), (["age=40"], "undetermined")])
def test_responder_type_from_facts(answers, expected):
    result = run("screen", *facts(answers), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["responder"]["type"] == expected


def test_text_output_shows_evidence_urgency_and_assessment():
    result = run("screen", *facts(EXTENSION))
    assert result.exit_code == 0
    assert "Responder type: extension" in result.output
    assert "R-RESP-EXT-SITTING" in result.output
    assert "Urgency: ROUTINE" in result.output
    words = " ".join(result.output.split())  # the text is wrapped at any word
    assert "physiotherapist or doctor" in words
    assert "not a diagnosis" in words


def test_json_output_has_exactly_the_contract_keys():
    result = run("screen", *facts(EXTENSION), "--format", "json")
    assert tuple(json.loads(result.output)) == RESULT_KEYS


def test_a_json_list_gives_a_list(tmp_path):
    path = tmp_path / "cases.json"
    path.write_text(json.dumps([{"case_id": "a", "sitting": "worse"}, {"case_id": "b"}]))
    result = run("screen", str(path), "--format", "json")
    assert result.exit_code == 0
    assert [r["case_id"] for r in json.loads(result.output)] == ["a", "b"]


def test_stdin_is_read_with_dash():
    result = run("screen", "-", "--format", "json", input='{"case_id": "s1", "walking": "worse"}')
    assert result.exit_code == 0
    assert json.loads(result.output)["case_id"] == "s1"


def test_bad_value_and_misspelt_field_exit_1_naming_case_field_value():
    result = run("screen", "--fact", "siting=worse", "--fact", "age=140")
    assert result.exit_code == 1
    assert "Error:" in result.output
    assert "'siting'" in result.output and "did you mean 'sitting'" in result.output
    assert "'age'" in result.output and "'140'" in result.output


def test_bad_case_in_a_file_names_the_file_and_case(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"case_id": "k-9", "fever": "maybe"}))
    result = run("screen", str(path))
    assert result.exit_code == 1
    assert "one.json" in result.output and "k-9" in result.output and "'maybe'" in result.output


@pytest.mark.parametrize("content,message", [("", "is empty"), ("{not json", "not valid JSON"),
                                             ("[]", "holds no cases"), ("[1, 2]", "expected a JSON object")])
def test_unusable_files_exit_1_with_a_clear_message(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = run("screen", str(path))
    assert result.exit_code == 1
    assert message in result.output


def test_missing_file_exits_1():
    result = run("screen", "no-such-file.json")
    assert result.exit_code == 1 and "no such file" in result.output


def test_malformed_fact_option_exits_1():
    result = run("screen", "--fact", "sitting")
    assert result.exit_code == 1 and "FIELD=VALUE" in result.output


@pytest.mark.parametrize("args", [["screen"], ["screen", "x.json", "--fact", "a=b"],
                                  ["screen", "--format", "xml", "--fact", "age=3"]])
def test_usage_errors_exit_2(args):
    assert run(*args).exit_code == 2


def test_check_reports_a_mismatch_with_exit_1(tmp_path):
    path = tmp_path / "annotated.json"
    path.write_text(json.dumps({"case": {"case_id": "m1", "age": 30}, "expected": {"responder": "flexion"},
                                "note": "deliberately wrong"}))
    result = run("screen", str(path), "--check")
    assert result.exit_code == 1
    assert "responder: expected flexion, got undetermined" in result.output


def test_check_passes_when_outcomes_match(tmp_path):
    path = tmp_path / "annotated.json"
    path.write_text(json.dumps({"case": {"case_id": "m1", "age": 30},
                                "expected": {"responder": "undetermined", "urgency": "routine"},
                                "note": "nothing answered"}))
    result = run("screen", str(path), "--check")
    assert result.exit_code == 0
    assert "every expected outcome met" in result.output


def test_vocabulary_lists_every_field_in_text_and_json(kb):
    text = run("vocabulary")
    assert text.exit_code == 0
    # entry lines, in order: a bare "in" also finds "age" in "passage" and "leg_weakness"
    # in "leg_weakness_progressive"
    assert re.findall(r"^(\w+)  \(", text.output, re.M) == list(kb.vocabulary.fields)
    listed = json.loads(run("vocabulary", "--format", "json").output)
    assert [entry["field"] for entry in listed] == list(kb.vocabulary.fields)
    sitting = next(e for e in listed if e["field"] == "sitting")
    assert sitting["allowed"] == ["worse", "better", "no_change"]
    assert sitting["question"]


def test_version_names_package_and_knowledge_base(kb):
    result = run("--version")
    assert result.exit_code == 0
    assert "lbp-screen" in result.output
    assert kb.version in result.output and kb.digest in result.output


def test_regression_a_field_named_twice_in_json_is_refused_not_resolved(tmp_path):
    path = tmp_path / "twice.json"
    path.write_text('{"case_id": "t1", "sitting": "worse", "sitting": "better"}')
    result = run("screen", str(path))
    assert result.exit_code == 1
    assert "'sitting' appears twice" in result.output


@pytest.mark.parametrize("expected,message", [
    ([], "'expected' must be an object"),
    ({"rules_fired": "R-RESP-TALLY"}, "must be a list of ids"),
    ({"responders": "extension"}, "did you mean 'responder'"),
])
def test_regression_malformed_expectations_are_refused_without_a_traceback(tmp_path, expected, message):
    path = tmp_path / "annotated.json"
    path.write_text(json.dumps({"case": {"case_id": "e1"}, "expected": expected, "note": "n"}))
    result = run("screen", str(path), "--check")
    assert result.exit_code == 1
    assert message in result.output


def test_a_list_of_one_case_gives_a_list(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps([{"case_id": "only"}]))
    assert isinstance(json.loads(run("screen", str(path), "--format", "json").output), list)


def test_text_output_says_exercises_are_withheld_for_a_pressing_red_flag():
    result = run("screen", *facts(EXTENSION), "--fact", "saddle_numbness=yes")
    assert "Urgency: EMERGENCY" in result.output
    assert "Exercises: withheld until a clinician has assessed the red flags above" in result.output
    calm = run("screen", "--fact", "age=40")
    assert "Exercises: none suggested" in calm.output


# ---- lbp screen --check: one line per case and the verdict (issue 14, item 6)

def _annotated(tmp_path, name, case, expected):
    path = tmp_path / name
    path.write_text(json.dumps({"case": case, "expected": expected, "note": "n"}))
    return str(path)


def test_regression_check_printed_every_full_result_before_its_verdict():
    result = run("screen", str(CASES_DIR), "--check")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    annotated = sorted(CASES_DIR.glob("*.json"))
    assert len(lines) == len(annotated) + 1
    assert all(line.endswith(": pass") for line in lines[:-1])
    assert lines[-1] == f"checked {len(annotated)} case(s): every expected outcome met"
    assert "Urgency:" not in result.output


def test_check_line_names_label_case_id_and_every_difference(tmp_path):
    bad = _annotated(tmp_path, "bad.json", {"case_id": "m1", "age": 30},
                     {"responder": "flexion", "urgency": "urgent"})
    good = _annotated(tmp_path, "good.json", {"age": 30}, {"responder": "undetermined"})
    result = run("screen", bad, good, "--check")
    assert result.exit_code == 1
    assert f"{bad} [m1]: FAIL: responder: expected flexion, got undetermined; " \
           "urgency: expected urgent, got routine" in result.output
    assert f"{good}: pass" in result.output
    assert "Error: expected outcomes not met in 1 of 2 case(s)" in result.output


def test_check_as_json_is_one_document_of_the_same_verdict(tmp_path):
    bad = _annotated(tmp_path, "bad.json", {"case_id": "m1", "age": 30}, {"responder": "flexion"})
    good = _annotated(tmp_path, "good.json", {"age": 30}, {"responder": "undetermined"})
    result = CliRunner().invoke(lbp, ["screen", bad, good, "--check", "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {"checked": 2, "failed": 1, "cases": [
        {"label": bad, "case_id": "m1", "passed": False,
         "differences": ["responder: expected flexion, got undetermined"]},
        {"label": good, "case_id": None, "passed": True, "differences": []}]}
    assert "expected outcomes not met in 1 of 2 case(s)" in result.stderr


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_check_full_keeps_stdout_the_results_and_sends_the_check_to_stderr(tmp_path, fmt):
    good = _annotated(tmp_path, "good.json", {"case_id": "g1", "age": 30},
                      {"responder": "undetermined"})
    result = CliRunner().invoke(lbp, ["screen", good, "--check", "--full", "--format", fmt])
    assert result.exit_code == 0, result.output
    if fmt == "json":
        assert json.loads(result.stdout)["case_id"] == "g1"
    else:
        assert "Urgency: ROUTINE" in result.stdout
    assert result.stderr.splitlines() == [f"{good} [g1]: pass",
                                          "checked 1 case(s): every expected outcome met"]


def test_full_without_check_is_a_usage_error():
    result = run("screen", "--fact", "age=40", "--full")
    assert result.exit_code == 2
    assert "--full goes with --check" in result.output


def test_check_refuses_an_unannotated_case_before_screening_any(tmp_path):
    good = _annotated(tmp_path, "good.json", {"age": 30}, {"responder": "undetermined"})
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps([{"age": 30}, {"age": 31}]))
    result = run("screen", good, str(plain), "--check")
    assert result.exit_code == 1
    assert f"{plain}[0]: no expected outcome to check against (nor 1 other case(s))" in result.output
    assert "pass" not in result.output
