"""The distribution as a user installs it: the wheel built from this checkout, installed into a
fresh virtual environment, claims the one import name ``lbp_screen`` (with its dist-info) and
the console script ``lbp``, and nothing else; installed, it screens, explains and finds its
bundled cases.  Building the wheel needs setuptools from the package index, as ``pip install .``
does."""
from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
import sysconfig
import venv

import pytest

from tests.conftest import ROOT

VENV_SCRIPT_FILES = {"activate", "activate.csh", "activate.fish", "Activate.ps1", "python",
                     "python3", f"python3.{sys.version_info.minor}"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(the fresh environment's folder, its site-packages, its python) with the wheel in it."""
    work = tmp_path_factory.mktemp("wheel")
    # Built from a copy, so that setuptools' build/ folder neither lands in the checkout nor
    # carries a module deleted since an earlier build into the wheel.
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".hypothesis",
        ".pytest_cache", ".mypy_cache"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(source),
                            "-w", str(work / "dist")], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (work / "dist").glob("lbp_screen-*.whl")
    env_dir = work / "fresh"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                           "--no-deps", "--no-index", str(wheel)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    site = pathlib.Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                       capture_output=True, text=True, check=True).stdout.strip())
    return env_dir, site, python


def test_the_wheel_installs_only_lbp_screen_and_the_lbp_command(installed):
    env_dir, site, _python = installed
    assert sorted(p.name for p in site.iterdir()) == sorted(
        ["lbp_screen", f"lbp_screen-{_version()}.dist-info"])
    scripts = {p.name for p in (env_dir / "bin").iterdir()} - VENV_SCRIPT_FILES
    assert scripts == {"lbp"}
    (dist_info,) = site.glob("lbp_screen-*.dist-info")
    top_level = {line.split("/")[0] for line in (dist_info / "RECORD").read_text().splitlines()}
    assert {t for t in top_level if not t.startswith("..")} == {"lbp_screen", dist_info.name}


def test_the_installed_package_holds_the_engine_the_knowledge_base_and_the_cases(installed):
    _env, site, _python = installed
    package = site / "lbp_screen"
    assert (package / "engine" / "service.py").is_file()
    assert (package / "knowledge" / "rules" / "responder.py").is_file()
    assert (package / "main.py").is_file() and (package / "py.typed").is_file()
    assert len(list((package / "cases").glob("*.json"))) == len(list((ROOT / "cases").glob("*.json")))
    for folder in ("engine", "knowledge", "cli", "tests"):
        assert not (site / folder).exists(), folder


def _with_dependencies(site: pathlib.Path) -> dict[str, str]:
    """The fresh environment's own site-packages first, then this one's, for the dependencies
    (experta, pandas, click) the wheel was installed without."""
    ours = sysconfig.get_paths()["purelib"]
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), ours])}


def test_the_installed_library_and_command_screen_a_bundled_case(installed):
    env_dir, site, python = installed
    script = ("import importlib.resources, json, lbp_screen; "
              "case = json.loads((importlib.resources.files('lbp_screen.cases') / "
              "'exercise-extension-responder.json').read_text()); "
              "case = case.get('case', case); "
              "print(json.dumps([lbp_screen.__file__, lbp_screen.screen(case)['responder']['type']]))")
    done = subprocess.run([str(python), "-c", script], cwd=env_dir, env=_with_dependencies(site),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    where, responder = json.loads(done.stdout)
    assert pathlib.Path(where).is_relative_to(site) and responder == "extension"
    command = subprocess.run([str(env_dir / "bin" / "lbp"), "screen", "-", "--format", "json"],
                             input=json.dumps({"sitting": "worse", "standing": "better"}),
                             cwd=env_dir, env=_with_dependencies(site), capture_output=True,
                             text=True, timeout=120)
    assert command.returncode == 0, command.stderr
    assert json.loads(command.stdout)["responder"]["type"] == "extension"


def _version() -> str:
    namespace: dict[str, str] = {}
    source = (ROOT / "engine" / "__init__.py").read_text(encoding="utf-8")
    exec(next(line for line in source.splitlines() if line.startswith("__version__")), namespace)
    return namespace["__version__"]
