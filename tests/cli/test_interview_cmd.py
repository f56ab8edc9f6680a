"""``lbp interview`` with scripted answers (CliRunner input, one answer a line).

Which questions are asked depends on the rulebook, which grows; so scripts are made from a
case (the answer to each question the interview reaches, ? where the case has none)
rather than written as a fixed list, and the assertions are about behaviour.
"""
from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest

from lbp_screen.engine.interview import InterviewPlan, InterviewSession
from lbp_screen.knowledge.vocabulary import GROUPS
from tests.cli.conftest import invoke_lbp
from tests.conftest import KB

RED_FLAG_FIELDS = [spec.name for spec in KB.vocabulary if spec.group == "red_flags"]

# An adult whose pain eases with arching and standing and builds with sitting and bending.
EXTENSION_CASE = {
    **{name: "no" for name in RED_FLAG_FIELDS},
    "leg_pain": "none", "leg_symptoms_course": "stable",
    "sitting": "worse", "standing": "better", "walking": "better",
    "bending_forward": "worse", "bending_backward": "better", "exercise": "better",
    "morning_pain_worst": "yes", "cough_sneeze_worse": "no",
    "age": "34", "duration_weeks": "3", "onset": "gradual", "injury_at_onset": "no",
    "prolonged_sitting": "yes",
}


def asked_for(case: dict) -> list[tuple[str, str]]:
    """The questions the interview reaches for this case, and what its holder types."""
    session = InterviewSession(InterviewPlan(KB, list(GROUPS)))
    asked = []
    while (spec := session.next_question()) is not None:
        asked.append((spec.name, str(case.get(spec.name, "?"))))
        session.record(spec, asked[-1][1])
    return asked


def script_for(case: dict) -> list[str]:
    return [typed for _name, typed in asked_for(case)]


def interview(args, lines):
    return invoke_lbp(["interview", *args], "".join(f"{line}\n" for line in lines))


def question_shown(output: str, name: str) -> bool:
    return KB.vocabulary[name].question in output.replace("\n    ", " ")


def test_full_extension_case_gives_what_lbp_screen_gives_for_the_saved_file(tmp_path):
    saved = tmp_path / "ext.json"
    typed = script_for(EXTENSION_CASE)
    done = interview(["--save", str(saved), "--case-id", "demo-ext-1"], typed)
    assert done.exit_code == 0, done.output
    assert len(typed) >= 12  # a real walk through the case, not a shortcut
    assert "Responder type: extension" in done.output
    why = done.output.split("Why (")[1]
    assert "R-RESP-EXTENSION" in why and "sitting = worse" in why
    case = json.loads(saved.read_text())
    assert case["case_id"] == "demo-ext-1"
    assert case["sitting"] == "worse" and case["age"] == 34  # canonical values, not the typed text
    assert set(case) - {"case_id"} <= set(EXTENSION_CASE)
    screened = invoke_lbp(["screen", str(saved)])
    assert screened.exit_code == 0, screened.output
    assert screened.output.strip() in done.output
    explained = invoke_lbp(["explain", str(saved)])
    assert explained.exit_code == 0, explained.output
    assert "responder=extension" in explained.output


def test_warning_signs_are_asked_first():
    done = interview([], [])
    first = done.output.split("1. ", 1)[1]
    assert first.startswith(KB.vocabulary["saddle_numbness"].question.split(" ")[0])
    assert "-- Warning signs" in done.output


def test_emergency_stops_right_after_saddle_numbness_yes(tmp_path):
    saved = tmp_path / "ces.json"
    done = interview(["--save", str(saved)], ["yes", *["no"] * 40])
    assert done.exit_code == 0, done.output
    assert "STOP" in done.output and "Urgency: EMERGENCY" in done.output
    assert "emergency department" in done.output.split("STOP")[1].split("==")[0]
    assert " 2. " not in done.output  # no second question
    assert json.loads(saved.read_text()) == {"saddle_numbness": "yes"}


def test_bad_answer_is_asked_again_with_the_allowed_values():
    done = interview([], ["maybe", "yse", "no"])
    assert done.exit_code == 0, done.output
    assert "Not an answer here: 'maybe'. Expected yes/no: one of yes, no" in done.output
    assert "(did you mean 'yes'?)" in done.output
    assert done.output.count("[yes / no, or ? if not known] (question") >= 3
    assert question_shown(done.output, "bladder_or_bowel_change")  # "no" was taken; it moved on


def test_regression_an_undecodable_line_is_asked_again_and_later_answers_are_kept():
    # decoding stdin as a whole once threw away every answer after a bad byte
    done = invoke_lbp(["interview"], b"\xff\xfe\nno\n")
    assert done.exit_code == 0, done.output
    assert "could not be read as text" in done.output
    assert question_shown(done.output, "bladder_or_bowel_change")


def test_a_number_out_of_range_is_asked_again():
    asked = asked_for(EXTENSION_CASE)
    typed = [text for _name, text in asked]
    at = [name for name, _text in asked].index("age")
    done = interview([], [*typed[:at], "340", "forty", "34", *typed[at + 1:]])
    assert done.exit_code == 0, done.output
    assert "Not an answer here: '340'. Expected a whole number of years from 0 to 120" in done.output
    assert "Not an answer here: 'forty'" in done.output
    assert "Age was not given" not in done.output


def test_no_pain_below_knee_question_after_leg_pain_none():
    typed = script_for(EXTENSION_CASE)
    done = interview([], typed)
    assert question_shown(done.output, "leg_pain")
    assert not question_shown(done.output, "pain_below_knee")


def test_pain_below_knee_is_asked_when_there_is_leg_pain():
    typed = script_for({**EXTENSION_CASE, "leg_pain": "one_leg"})
    done = interview([], typed)
    assert question_shown(done.output, "pain_below_knee")


def test_the_contracts_spellings_are_accepted_and_saved_canonical(tmp_path):
    saved = tmp_path / "spelled.json"
    done = interview(["--save", str(saved)], [" N ", "FALSE", "0", "one leg"])
    assert done.exit_code == 0, done.output
    assert "Not an answer here" not in done.output
    assert json.loads(saved.read_text()) == {
        "saddle_numbness": "no", "bladder_or_bowel_change": "no", "sexual_dysfunction": "no",
        "leg_pain": "one_leg"}


def test_not_known_answers_are_left_out_of_the_saved_case(tmp_path):
    saved = tmp_path / "partial.json"
    done = interview(["--save", str(saved)], ["no", "?", "skip", ""])
    assert done.exit_code == 0, done.output
    assert json.loads(saved.read_text()) == {"saddle_numbness": "no"}
    assert "Answered as not known: bladder_or_bowel_change, sexual_dysfunction, leg_pain" in done.output


def test_end_of_input_leaves_the_rest_unknown_and_still_gives_a_result():
    done = interview([], ["no"])
    assert done.exit_code == 0, done.output
    assert "End of answers" in done.output and "left unknown" in done.output
    assert "Urgency: ROUTINE" in done.output


def test_save_refuses_an_existing_file_before_asking_anything(tmp_path):
    saved = tmp_path / "kept.json"
    saved.write_text('{"sitting": "better"}')
    done = interview(["--save", str(saved)], ["no"])
    assert done.exit_code == 2
    assert "already exists; use --force" in done.output
    assert "1. " not in done.output
    assert saved.read_text() == '{"sitting": "better"}'


def test_save_with_force_replaces_the_file(tmp_path):
    saved = tmp_path / "replaced.json"
    saved.write_text('{"sitting": "better"}')
    done = interview(["--save", str(saved), "--force"], ["no"])
    assert done.exit_code == 0, done.output
    assert json.loads(saved.read_text()) == {"saddle_numbness": "no"}
    assert [p.name for p in tmp_path.iterdir()] == ["replaced.json"]  # no temporary left behind


def test_save_into_a_missing_folder_is_refused(tmp_path):
    done = interview(["--save", str(tmp_path / "nowhere" / "c.json")], [])
    assert done.exit_code == 2 and "does not exist" in done.output


def test_force_without_save_is_a_usage_error():
    done = interview(["--force"], [])
    assert done.exit_code == 2 and "--force only applies with --save" in done.output


def test_case_id_that_looks_like_an_email_is_refused_without_echoing_it():
    done = interview(["--case-id", "jo.bloggs@example.org"], [])
    assert done.exit_code == 1
    assert "e-mail" in done.output and "jo.bloggs" not in done.output


def test_piped_answers_to_the_installed_program():
    lbp_program = pathlib.Path(sys.executable).parent / "lbp"
    if not lbp_program.exists():
        pytest.skip("lbp is not installed beside this Python")
    done = subprocess.run([str(lbp_program), "interview"], input="maybe\nyes\n", text=True,
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Not an answer here: 'maybe'" in done.stdout
    assert "STOP" in done.stdout and done.stderr == ""
