"""Hardening of ``lbp interview``: it never crashes and never loses answers.

Each ``test_regression_*`` names the bug it pins; each failed on the code before the fix
(see the commit that added this file).  The in-process tests drive the command through
CliRunner; the ones that need a real process (stdin closed, a real SIGINT) run the
installed program.  Ctrl-C at a real terminal is in tests/cli/test_interview_tmux.py.
"""
from __future__ import annotations

import errno
import io
import json
import os
import pathlib
import re
import signal
import subprocess
import sys
import threading
import time
from types import SimpleNamespace

import pytest

import lbp_screen as cli
import lbp_screen.interview
from lbp_screen.engine.errors import OutputError, ScreeningError
import lbp_screen.engine.interview
from lbp_screen import engine
from lbp_screen.engine.interview import InterviewSession
from lbp_screen.engine.vocabulary import ECHO_LIMIT, MISSING_LOOKALIKES, Choice, FieldSpec, Invalid
from lbp_screen.knowledge.vocabulary import EFFECT, YES_NO
from tests.cli.conftest import invoke_lbp
from tests.cli.test_interview_cmd import EXTENSION_CASE, asked_for, interview, question_shown
from tests.conftest import KB

LBP = pathlib.Path(sys.executable).parent / "lbp"
needs_lbp = pytest.mark.skipif(not LBP.exists(), reason="lbp is not installed beside this Python")


def flat(output: str) -> str:
    """The output with its wrapped lines joined."""
    return " ".join(output.split())


def case_printed(output: str) -> dict:
    """The JSON case an interrupted interview prints last."""
    return json.loads(output[output.rindex("\n{") + 1:])


class InterruptedInput(io.BytesIO):
    """stdin whose answers are ``lines``; reading past them is Ctrl-C (KeyboardInterrupt)."""

    def __init__(self, lines: list[str], error: BaseException | None = None):
        super().__init__("".join(f"{line}\n" for line in lines).encode())
        self.left = len(lines)
        self.error = error or KeyboardInterrupt()

    def readline(self, size: int | None = -1) -> bytes:
        if self.left == 0:
            raise self.error
        line = super().readline(-1 if size is None else size)
        if line.endswith(b"\n"):
            self.left -= 1
        return line


# ---- 1. standard input closed

@needs_lbp
def test_regression_stdin_closed_ends_with_one_error_line_not_a_none_buffer_traceback():
    """Found in hardening: ``lbp interview <&-`` died on ``sys.stdin.buffer`` (sys.stdin is
    None when the program starts without a standard input)."""
    done = subprocess.run(["sh", "-c", 'exec "$0" interview <&-', str(LBP)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("Error: ") and done.stderr.count("\n") == 1
    assert "no input to read answers from" in done.stderr
    assert "1. " not in done.stdout  # no question is asked that could not be answered


@needs_lbp
def test_stdin_at_its_end_from_the_start_still_screens_with_every_question_unknown():
    done = subprocess.run([str(LBP), "interview"], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "End of answers" in done.stdout and "Urgency:" in done.stdout
    assert done.stderr == ""


def test_regression_an_input_error_mid_interview_keeps_the_answers_and_screens_them():
    """Found in hardening: an OSError reading stdin (a terminal gone, EIO) was a traceback."""
    stdin = InterruptedInput(["no"], OSError(errno.EIO, "Input/output error"))
    done = invoke_lbp(["interview"], stdin)
    assert done.exit_code == 0, done.output
    assert "could not be read (Input/output error)" in flat(done.output)
    assert "End of answers" in done.output and "Urgency: ROUTINE" in done.output


# ---- 2. Ctrl-C keeps the answers

def _typed(count: int) -> list[str]:
    return [typed for _name, typed in asked_for(EXTENSION_CASE)][:count]


def test_regression_ctrl_c_with_save_writes_the_answers_so_far_and_exits_130(tmp_path):
    """Found in hardening: Ctrl-C printed click's ``Aborted!``, exited 1 and kept nothing."""
    saved = tmp_path / "so-far.json"
    typed = _typed(5)
    done = invoke_lbp(["interview", "--save", str(saved), "--case-id", "c-7"], InterruptedInput(typed))
    assert done.exit_code == 130, done.output
    assert "Aborted!" not in done.output and "Traceback" not in done.output
    assert f"Interrupted: saved the 5 answer(s) given so far to {saved}" in flat(done.output)
    # the very file a normal save of these answers writes
    normal = tmp_path / "normal.json"
    interview(["--save", str(normal), "--case-id", "c-7"], typed)
    assert saved.read_text() == normal.read_text()
    assert json.loads(saved.read_text())["case_id"] == "c-7"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["normal.json", "so-far.json"]  # no temporary left


def test_regression_ctrl_c_without_save_prints_the_answers_as_a_case_lbp_screen_reads(tmp_path):
    """Found in hardening: without --save, Ctrl-C lost every answer given."""
    typed = _typed(4)
    done = invoke_lbp(["interview"], InterruptedInput(typed))
    assert done.exit_code == 130, done.output
    assert "Aborted!" not in done.output
    assert "Interrupted: the 4 answer(s) given so far were not saved" in flat(done.output)
    case = case_printed(done.output)
    names = [name for name, _typed in asked_for(EXTENSION_CASE)][:4]
    assert case == {name: EXTENSION_CASE[name] for name in names}
    kept = tmp_path / "kept.json"
    kept.write_text(json.dumps(case))
    assert invoke_lbp(["screen", str(kept)]).exit_code == 0


def test_regression_ctrl_c_at_the_first_question_says_there_is_nothing_to_keep():
    done = invoke_lbp(["interview"], InterruptedInput([]))
    assert done.exit_code == 130, done.output
    assert "Interrupted: no answer had been given" in flat(done.output)


def test_regression_a_failed_save_at_the_end_prints_the_answers_instead(tmp_path, monkeypatch):
    """Found in hardening: when the --save file could not be written at the end (the disk
    full, the folder gone), the error exit lost every answer."""
    def refuse(path, data, replace=True):
        raise OutputError(f"cannot write {path}: No space left on device")
    monkeypatch.setattr(cli.interview, "write_json", refuse)
    done = interview(["--save", str(tmp_path / "c.json")], ["no", "no"])
    assert done.exit_code == 1
    assert "No space left on device" in done.output
    assert case_printed(done.output.split("Error:")[0]) == {
        "saddle_numbness": "no", "bladder_or_bowel_change": "no"}


@needs_lbp
def test_regression_sigint_to_the_running_program_keeps_the_answers(tmp_path):
    """A real SIGINT (what Ctrl-C sends) to the installed program reading piped answers."""
    saved = tmp_path / "sigint.json"
    process = subprocess.Popen(
        [str(LBP), "interview", "--save", str(saved)], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        # a shell that ignores SIGINT for background jobs would pass that on
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    shown = bytearray()

    def pump() -> None:
        while chunk := process.stdout.read1(65536):
            shown.extend(chunk)
    reader = threading.Thread(target=pump)
    reader.start()
    try:
        process.stdin.write(b"no\nno\n")
        process.stdin.flush()
        third = KB.vocabulary["sexual_dysfunction"].question.split()[:4]
        deadline = time.monotonic() + 60
        while " ".join(third).encode() not in shown:
            assert time.monotonic() < deadline, shown.decode()
            time.sleep(0.05)
        time.sleep(0.2)  # now waiting for the third answer
        process.send_signal(signal.SIGINT)
        status = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
        reader.join(timeout=60)
    error = process.stderr.read().decode()
    assert status == 130, error
    assert "Traceback" not in error and "Aborted!" not in error
    assert "Interrupted: saved the 2 answer(s)" in flat(shown.decode())
    assert json.loads(saved.read_text()) == {"saddle_numbness": "no", "bladder_or_bowel_change": "no"}


# ---- 3. back, help, quit and the progress counter

def test_regression_back_undoes_the_last_answer_and_asks_that_question_again(tmp_path):
    """Found in hardening: a wrong answer could not be taken back (``back`` was refused as
    an answer and the interview went on)."""
    saved = tmp_path / "back.json"
    done = interview(["--save", str(saved)], ["back", "no", "back", "yes"])
    assert done.exit_code == 0, done.output
    assert "Nothing to undo: this is the first question." in flat(done.output)
    assert "Not an answer here" not in done.output
    assert "STOP" in done.output  # the "yes" answered saddle numbness again
    assert json.loads(saved.read_text()) == {"saddle_numbness": "yes"}
    assert done.output.count(KB.vocabulary["saddle_numbness"].question.split("?")[0][:40]) == 2


def test_back_reconsiders_the_questions_left_out_after_the_undone_answer(tmp_path):
    one_leg = asked_for({**EXTENSION_CASE, "leg_pain": "one_leg"})
    at = [name for name, _typed in one_leg].index("leg_pain")
    typed = [text for _name, text in one_leg]
    # leg_pain none would leave out pain_below_knee; back, and one_leg brings it in
    saved = tmp_path / "c.json"
    done = interview(["--save", str(saved)], [*typed[:at], "none", "back", *typed[at:]])
    assert done.exit_code == 0, done.output
    assert question_shown(done.output, "pain_below_knee")
    assert json.loads(saved.read_text())["leg_pain"] == "one_leg"
    straight = tmp_path / "straight.json"
    interview(["--save", str(straight)], typed)
    assert saved.read_text() == straight.read_text()  # as if "none" had never been typed


def test_regression_help_shows_the_help_and_the_allowed_answers_again():
    """Found in hardening: ``help`` was refused as an answer, with no way to see again
    what a question wanted."""
    done = interview([], ["help", "no"])
    assert done.exit_code == 0, done.output
    spec = KB.vocabulary["saddle_numbness"]
    assert done.output.count(f"({spec.help})") == 2
    assert "yes (or y, true, 1)" in done.output and "no (or n, false, 0)" in done.output
    assert "Not an answer here" not in done.output
    assert question_shown(done.output, "bladder_or_bowel_change")


def test_regression_quit_stops_keeps_the_answers_and_screens_as_at_the_end_of_input(tmp_path):
    """Found in hardening: ``quit`` was refused as an answer; only Ctrl-D ended early."""
    quit_file, end_file = tmp_path / "quit.json", tmp_path / "end.json"
    quitted = interview(["--save", str(quit_file)], ["no", "no", "quit", "yes"])
    ended = interview(["--save", str(end_file)], ["no", "no"])
    assert quitted.exit_code == 0, quitted.output
    assert "Not an answer here" not in quitted.output and "STOP" not in quitted.output
    assert quit_file.read_text() == end_file.read_text()
    assert "left unknown" in quitted.output

    def result_part(output: str) -> str:  # the result and its reasons, without the file names
        return output.split("\n== ")[1].split("\n", 1)[1].split("\nSaved ")[0]
    assert result_part(quitted.output) == result_part(ended.output)
    assert "Urgency: ROUTINE" in result_part(quitted.output)


def test_commands_are_read_whatever_their_case_and_spacing():
    done = interview([], ["no", " BACK ", "Quit"])
    assert done.exit_code == 0, done.output
    assert "Not an answer here" not in done.output
    assert done.output.count(" 1. ") == 2


def test_not_known_answers_still_mean_not_known_beside_the_commands(tmp_path):
    saved = tmp_path / "unknown.json"
    done = interview(["--save", str(saved)], ["?", "skip", "", "none"])
    assert done.exit_code == 0, done.output
    assert json.loads(saved.read_text()) == {"leg_pain": "none"}
    assert "Answered as not known: saddle_numbness, bladder_or_bowel_change, sexual_dysfunction" \
        in flat(done.output)


PROGRESS = re.compile(r"\(question (\d+) of about (\d+)\)")


def test_regression_each_prompt_says_how_far_along_the_interview_is():
    """Found in hardening: a prompt gave no idea how many questions were left."""
    typed = [text for _name, text in asked_for(EXTENSION_CASE)]
    done = interview([], typed)
    shown = [(int(n), int(m)) for n, m in PROGRESS.findall(done.output)]
    assert [n for n, _m in shown] == list(range(1, len(typed) + 1))
    totals = [m for _n, m in shown]
    assert totals == sorted(totals, reverse=True)  # it may shrink as answers come, never grow
    assert totals[0] <= len(KB.vocabulary.answer_fields())
    assert totals[-1] >= len(typed)  # an estimate from above: what the planner may still ask
    assert all(n <= m for n, m in shown)


def test_the_estimate_never_counts_fewer_questions_than_the_interview_goes_on_to_ask():
    for case in (EXTENSION_CASE, {**EXTENSION_CASE, "leg_pain": "both_legs"}, {}):
        session = InterviewSession(cli.interview.service().interview().plan)
        estimates = []
        while (spec := session.next_question()) is not None:
            estimates.append(session.progress())
            session.record(spec, str(case.get(spec.name, "?")))
        asked = len(estimates)
        assert all(n <= asked <= m for n, m in estimates), (case, estimates)


def test_regression_a_question_accepting_a_command_word_refuses_to_start(monkeypatch):
    """Decided openly: back, help and quit are commands at every question, never answers;
    a question that would accept one as an answer is refused before anything is asked."""
    monkeypatch.setitem(cli.interview.COMMANDS, "n", "a command spelled like an answer")
    done = interview([], ["no"])
    assert done.exit_code == 1
    assert "'n'" in done.output and "saddle_numbness" in done.output
    assert " 1. " not in done.output


def test_no_bundled_question_accepts_a_command_word():
    questions = cli.interview.service().interview().plan.questions
    assert engine.interview.command_clashes(questions, cli.interview.COMMANDS) == []
    assert set(cli.interview.COMMANDS) == {"back", "help", "quit"}


def test_command_clashes_names_each_field_and_word():
    kind = Choice("move", ("back", "forward"), {"back": "back", "forward": "forward"})
    spec = FieldSpec("move", kind, "m", "Which way?", "", "g")
    assert engine.interview.command_clashes([spec], ["back", "help"]) == [("move", "back")]
    with pytest.raises(ScreeningError, match="'back'"):
        InterviewSession(SimpleNamespace(questions=[spec])).refuse_command_answers(["back"])


def test_undo_in_the_session_restores_what_was_asked_and_left_out():
    session = cli.interview.service().interview()
    assert session.undo() is None
    first = session.next_question()
    session.record(first, "no")
    before = (dict(session.answers), list(session.not_asked), list(session.not_known))
    second = session.next_question()
    session.record(second, "?")
    session.next_question()
    assert session.undo() == second.name
    assert (session.answers, session.not_asked, session.not_known) == before
    assert session.next_question() == second
    assert session.progress()[0] == 2


# ---- 4. did-you-mean for a word of one value

def test_regression_no_for_an_effect_question_suggests_no_change():
    """Found in hardening: "no" at "what does sitting do to the pain?" got no did-you-mean."""
    asked = asked_for(EXTENSION_CASE)
    at = [name for name, _text in asked].index("sitting")
    typed = [text for _name, text in asked]
    done = interview([], [*typed[:at], "no", *typed[at:]])
    assert "Not an answer here: 'no'. Expected effect: one of worse, better, no_change " \
           "(did you mean 'no_change'?)" in flat(done.output)


@pytest.mark.parametrize("typed,meant", [("no", "no_change"), ("No", "no_change"),
                                         ("change", "no_change"), ("bett", "better")])
def test_regression_a_prefix_or_a_word_of_exactly_one_value_suggests_it(typed, meant):
    with pytest.raises(Invalid) as bad:
        EFFECT.parse(typed)
    assert bad.value.suggestion == meant


def test_a_word_shared_by_several_values_does_not_pick_one_by_the_word():
    kind = Choice("leg", ("one_leg", "both_legs"), {"one_leg": "one_leg", "both_legs": "both_legs"})
    with pytest.raises(Invalid) as bad:
        kind.parse("legs ")
    assert bad.value.suggestion in (None, "both_legs")  # difflib's closest spelling, if any


def test_no_is_an_answer_for_a_yes_no_question():
    assert YES_NO.parse("no") == "no"


@pytest.mark.parametrize("lookalike", sorted(MISSING_LOOKALIKES | {"NA", "None", "N/A"}))
def test_a_missing_lookalike_never_gets_a_real_answer_suggested(lookalike):
    for spec in KB.vocabulary.answer_fields():
        if not isinstance(spec.kind, Choice) or lookalike.strip().lower() in spec.kind.spellings:
            continue  # "none" is leg_pain's real answer
        with pytest.raises(Invalid) as bad:
            spec.kind.parse(lookalike)
        assert bad.value.suggestion is None, (spec.name, lookalike)


# ---- 5. very long answer lines

def test_regression_a_10_mb_answer_line_is_refused_short_and_quickly():
    """Found in hardening: a 10 MB line was echoed back whole (twice: the transcript and
    the refusal), and long lines were matched against the spellings."""
    started = time.monotonic()
    done = invoke_lbp(["interview"], "x" * 10_000_000 + "\nno\n")
    took = time.monotonic() - started
    assert done.exit_code == 0, done.output[:2000]
    assert len(done.output) < 20_000
    assert "That answer is too long" in done.output
    assert "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" not in done.output
    assert question_shown(done.output, "bladder_or_bowel_change")  # asked again; "no" taken
    assert took < 20, took


def test_regression_a_long_bad_answer_is_shown_cut():
    done = interview([], ["maybe" * 60, "no"])
    assert done.exit_code == 0, done.output
    assert "maybe" * 60 not in done.output
    assert f"Not an answer here: {('maybe' * 60)[:ECHO_LIMIT]!r}... (300 characters)" in flat(done.output)


# ---- 6. the help

def test_regression_the_help_lists_the_commands_and_what_ctrl_c_does():
    done = invoke_lbp(["interview", "--help"])
    assert done.exit_code == 0
    text = " ".join(done.output.split())
    for word in ("back", "help", "quit", "Ctrl-C", "130", "question N of about M"):
        assert word in text, word
