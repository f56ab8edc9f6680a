"""One real run of the installed `lbp` console script, as a user's shell would run it."""
import json
import pathlib
import shutil
import subprocess
import sys

import pytest


def _lbp() -> str:
    beside = pathlib.Path(sys.executable).parent / "lbp"
    found = str(beside) if beside.exists() else shutil.which("lbp")
    if not found:
        pytest.fail("the lbp console script is not installed next to this Python")
    return found


def test_installed_lbp_screens_a_case_from_stdin():
    done = subprocess.run([_lbp(), "screen", "-", "--format", "json"],
                          input=json.dumps({"case_id": "sub-1", "standing": "worse", "walking": "worse",
                                            "sitting": "better", "age": 70}),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["responder"]["type"] == "flexion"
    assert result["professional_assessment"]["recommended"] is True
    assert done.stderr == ""  # experta's logging does not leak


def test_installed_lbp_reports_bad_input_on_stderr_with_exit_1():
    done = subprocess.run([_lbp(), "screen", "--fact", "sitting=sometimes"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.startswith("Error:")
    assert "Traceback" not in done.stderr
