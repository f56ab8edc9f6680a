"""``lbp interview`` in a real terminal: the installed program runs in a detached tmux
session, keys are sent as a person would type them, and the pane is read back.

Skipped only where tmux is missing (.ci/run installs it from Debian's packages).
"""
from __future__ import annotations

import json
import pathlib
import shlex
import shutil
import subprocess
import sys
import time
import uuid

import pytest

from tests.conftest import KB

TMUX = shutil.which("tmux")
LBP = pathlib.Path(sys.executable).parent / "lbp"

pytestmark = [
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed (.ci/run installs it)"),
    pytest.mark.skipif(not LBP.exists(), reason="lbp is not installed beside this Python"),
]


class Terminal:
    """One program in a detached tmux session on a private tmux server."""

    def __init__(self, command: str, cwd: pathlib.Path):
        self.server = f"lbp-test-{uuid.uuid4().hex[:12]}"
        # the shell stays after the program ends so its last screen can still be read
        shell = f"{command}; echo \"[lbp exited with status $?]\"; sleep 120"
        self.tmux("new-session", "-d", "-s", "t", "-x", "100", "-y", "50", "-c", str(cwd), shell)

    def tmux(self, *args: str) -> str:
        done = subprocess.run([TMUX, "-L", self.server, "-f", "/dev/null", *args],
                              capture_output=True, text=True, timeout=20)
        if done.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {done.stderr}")
        return done.stdout

    def screen(self) -> str:
        """Everything shown so far (scrollback included), wrapped lines joined."""
        return self.tmux("capture-pane", "-p", "-J", "-S", "-", "-E", "-", "-t", "t")

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "t", "-l", text)
        self.tmux("send-keys", "-t", "t", "Enter")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "t", *keys)

    def wait_for(self, text: str, after: int = 0, timeout: float = 30) -> str:
        """Wait until ``text`` appears at least ``after + 1`` times on screen."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if screen.count(text) > after:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} did not appear; the terminal shows:\n{screen}")
            time.sleep(0.1)

    def close(self) -> None:
        subprocess.run([TMUX, "-L", self.server, "kill-server"], capture_output=True, timeout=20)


@pytest.fixture
def terminal(tmp_path):
    opened = []

    def open_terminal(args: str) -> Terminal:
        opened.append(Terminal(f"{shlex.quote(str(LBP))} interview {args}", tmp_path))
        return opened[-1]

    yield open_terminal
    for term in opened:
        term.close()


def _first_words(name: str) -> str:
    return " ".join(KB.vocabulary[name].question.split()[:6])


def test_a_person_at_a_terminal_is_asked_again_then_stopped_by_an_emergency(terminal, tmp_path):
    term = terminal("--save ces.json")
    term.wait_for(_first_words("saddle_numbness"))
    term.wait_for("> ")
    term.type("not sure")
    screen = term.wait_for("Not an answer here: 'not sure'")
    assert "one of yes, no" in screen
    term.type("yes")
    screen = term.wait_for("[lbp exited with status 0]")
    assert "STOP: that answer is an emergency warning sign" in screen
    assert "Urgency: EMERGENCY" in screen
    assert _first_words("bladder_or_bowel_change") not in screen
    assert "Traceback" not in screen
    assert json.loads((tmp_path / "ces.json").read_text()) == {"saddle_numbness": "yes"}


def test_ctrl_d_at_a_terminal_finishes_with_the_answers_given(terminal):
    term = terminal("")
    term.wait_for(_first_words("saddle_numbness"))
    term.type("no")
    term.wait_for(_first_words("bladder_or_bowel_change"))
    term.keys("C-d")
    screen = term.wait_for("[lbp exited with status 0]")
    assert "End of answers" in screen
    assert "Urgency: ROUTINE" in screen
    assert "Traceback" not in screen


def test_regression_ctrl_c_at_a_terminal_keeps_the_answers_in_the_save_file(terminal, tmp_path):
    """Found in hardening: Ctrl-C printed click's ``Aborted!``, exited 1 and kept nothing."""
    term = terminal("--save kept.json --case-id t-1")
    term.wait_for(_first_words("saddle_numbness"))
    term.type("no")
    term.wait_for(_first_words("bladder_or_bowel_change"))
    term.type("n")
    term.wait_for(_first_words("sexual_dysfunction"))
    term.keys("C-c")
    screen = term.wait_for("[lbp exited with status 130]")
    assert "Interrupted: saved the 2 answer(s) given so far to kept.json" in screen
    assert "Traceback" not in screen and "Aborted!" not in screen
    assert json.loads((tmp_path / "kept.json").read_text()) == {
        "case_id": "t-1", "saddle_numbness": "no", "bladder_or_bowel_change": "no"}
    assert [p.name for p in tmp_path.iterdir()] == ["kept.json"]  # no temporary left


def test_regression_back_help_and_ctrl_c_at_a_terminal_print_the_answers_kept(terminal, tmp_path):
    """Found in hardening: back and help were refused as answers, and Ctrl-C without --save
    lost every answer.  Here: two answers, help, back (the second is undone), Ctrl-C."""
    term = terminal("")
    screen = term.wait_for(_first_words("saddle_numbness"))
    assert "(question 1 of about " in screen
    term.type("no")
    term.wait_for(_first_words("bladder_or_bowel_change"))
    term.type("help")
    term.wait_for("Answers: yes (or y, true, 1); no (or n, false, 0)")
    term.type("no")
    term.wait_for(_first_words("sexual_dysfunction"))
    term.type("back")
    screen = term.wait_for(_first_words("bladder_or_bowel_change"), after=1)
    assert "(question 2 of about " in screen.rsplit(_first_words("bladder_or_bowel_change"), 1)[1]
    term.keys("C-c")
    screen = term.wait_for("[lbp exited with status 130]")
    assert "Interrupted: the 1 answer(s) given so far were not saved" in " ".join(screen.split())
    printed = screen[screen.rindex("\n{") + 1:screen.rindex("}") + 1]
    assert json.loads(printed) == {"saddle_numbness": "no"}
    assert "Traceback" not in screen and "Aborted!" not in screen
    assert list(tmp_path.iterdir()) == []  # nothing written unasked
