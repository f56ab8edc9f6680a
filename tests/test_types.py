"""The package type-checks: mypy finds no error in engine/, knowledge/ or cli/ (the
configuration is pyproject.toml's [tool.mypy]).

mypy knows no setuptools package-dir mapping, so the test lays the package out as it is
installed (cli/ as lbp_screen, engine/ and knowledge/ inside it) out of links to the
checkout's own files, and checks that."""
from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_mypy_finds_no_error_in_the_package(tmp_path):
    package = tmp_path / "lbp_screen"
    package.mkdir()
    for source in sorted((ROOT / "cli").iterdir()):
        if source.name != "__pycache__":
            (package / source.name).symlink_to(source, target_is_directory=source.is_dir())
    (package / "engine").symlink_to(ROOT / "engine", target_is_directory=True)
    (package / "knowledge").symlink_to(ROOT / "knowledge", target_is_directory=True)
    done = subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
                           "--cache-dir", str(tmp_path / "cache"), "-p", "lbp_screen"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout
    checked = int(done.stdout.split("no issues found in ")[1].split()[0])
    # every module (mypy also counts a folder of assets, such as web/static, as a namespace)
    assert checked >= len([*ROOT.glob("cli/**/*.py"), *ROOT.glob("engine/**/*.py"),
                           *ROOT.glob("knowledge/**/*.py")]), done.stdout
