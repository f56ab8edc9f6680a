"""Every bad input file through every command that reads files: an `Error:` line or error
rows, never a traceback (in-process, where any escaping exception fails the test, and as
real processes, whose whole stderr is searched)."""
from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

from tests.cli.conftest import invoke_lbp

BAD_FILES = {
    "empty.json": b"",
    "blank.csv": b"   \n",
    "binary.csv": bytes(range(256)),
    "utf16.json": '{"case_id": "a"}'.encode("utf-16"),
    "truncated.json": b'{"case_id": "a", "sitting": ',
    "nan.json": b'{"case_id": "a", "age": NaN}',
    "huge_number.json": b'{"case_id": "a", "age": ' + b"9" * 5000 + b"}",
    "deep.json": b"[" * 100_000 + b"]" * 100_000,
    "twice.json": b'{"case_id": "a", "sitting": "worse", "sitting": "better"}',
    "not_an_object.json": b"[1, 2, 3]",
    "ragged.csv": b"case_id,sitting\na,worse,extra\n",
    "unknown_column.csv": b"case_id,sittting\na,worse\n",
    "identifier_column.csv": b"case_id,email\na,a@b.org\n",
    "bad_values.jsonl": b'{"case_id": "a", "sitting": "sometimes", "age": 1e400}\n',
    "not_parquet.parquet": b"PAR1 but not really",
    "not_excel.xlsx": b"PK\x03\x04 broken zip",
}


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory) -> pathlib.Path:
    folder = tmp_path_factory.mktemp("bad")
    for name, data in BAD_FILES.items():
        (folder / name).write_bytes(data)
    return folder


@pytest.mark.parametrize("name", sorted(BAD_FILES))
@pytest.mark.parametrize("command", ["screen", "explain", "batch"])
def test_a_bad_file_is_an_error_never_a_traceback(bad_folder, tmp_path, command, name):
    args = [command, str(bad_folder / name)]
    if command == "batch":
        args += ["-o", str(tmp_path / "out.jsonl"), "--jobs", "1"]
    result = invoke_lbp(args)
    assert result.exit_code in (1, 2, 3), result.output
    if result.exit_code == 3:  # a usable file with bad rows: every row is an error row
        assert (tmp_path / "out.jsonl").exists()
    else:
        assert result.stderr.startswith("Error: ") or "\nError: " in result.stderr
    assert "Traceback" not in result.stderr


def test_real_processes_print_no_traceback_for_any_bad_file(bad_folder, tmp_path):
    lbp = str(pathlib.Path(sys.executable).parent / "lbp")
    script = "\n".join(
        f'"{lbp}" batch "{bad_folder / name}" -o "{tmp_path / "out.jsonl"}" --jobs 1; '
        f'"{lbp}" screen "{bad_folder / name}" >/dev/null' for name in sorted(BAD_FILES))
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=300)
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert done.stderr.count("Error: ") >= len(BAD_FILES)
