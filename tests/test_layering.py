"""The layers, read from the source with ``ast`` (every import statement, at any depth,
inside functions too, and ``importlib.import_module`` / ``__import__`` of a literal name):

- engine/ imports neither knowledge/ nor click (nor the faces or the tests), pandas,
  pyarrow and openpyxl only in engine/tables.py, its batch I/O module, and Dask only in
  engine/dask_batch.py, inside the functions that use a cluster;
- the engine's own tests (tests/engine/) import neither knowledge/ nor tests/bundled.py,
  and collect with both made unimportable;
- the command line (cli/) reaches the engine only through the modules listed here, and
  imports knowledge/ only in cli/__init__.py (lbp_screen.service), where it picks the bundled
  knowledge base.
"""
from __future__ import annotations

import ast
import os
import pathlib
import subprocess
import sys
import textwrap
from dataclasses import dataclass

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
ENGINE = sorted((ROOT / "engine").rglob("*.py"))
ENGINE_TESTS = sorted((ROOT / "tests" / "engine").rglob("*.py"))
CLI = sorted((ROOT / "cli").rglob("*.py"))

TABLE_LIBRARIES = {"pandas", "pyarrow", "openpyxl"}
BATCH_IO = ROOT / "engine" / "tables.py"
# Dask (the dask extra) only in the module that runs batches on a cluster, and only when a
# cluster is used: the package works without the extra.
DASK_LIBRARIES = {"dask", "distributed"}
DASK_BATCH = ROOT / "engine" / "dask_batch.py"
# What cli/ imports from the engine today (the engine's public faces for a command line).
CLI_ENGINE_MODULES = {
    "engine.batch", "engine.bench", "engine.dask_batch", "engine.explain_render", "engine.formats", "engine.interview",
    "engine.report_html", "engine.rulebook_render", "engine.service", "engine.vocabulary",
    # the library's front door (cli/__init__.py): its version and the errors it raises
    "engine.__version__", "engine.errors",
}
CLI_ENGINE_NAMES = {"engine.batch": {"default_jobs"}}
# tests/conftest.py names that read the clinical knowledge base.
CLINICAL_CONFTEST_NAMES = {"KB", "CALM_WARNING_SIGNS", "valid_cases", "raw_cases", "consistent",
                           "kb", "screen", "_kb", "_bundled"}


# Installed, cli/ is the package lbp_screen and engine/, knowledge/ are inside it; the
# checks below speak of the repository's folders.
LAYOUT = {"lbp_screen.engine": "engine", "lbp_screen.knowledge": "knowledge", "lbp_screen": "cli"}


def in_layout(module: str) -> str:
    """``lbp_screen.engine.batch`` -> ``engine.batch``, ``lbp_screen.main`` -> ``cli.main``."""
    for package, folder in LAYOUT.items():
        if module == package or module.startswith(package + "."):
            return folder + module[len(package):]
    return module


@dataclass(frozen=True)
class Import:
    module: str               # the absolute dotted name imported, in the repository's folders
    names: tuple[str, ...]    # for ``from module import a, b``: a, b
    line: int

    @property
    def top(self) -> str:
        return self.module.split(".")[0]

    def reaches(self, module: str) -> bool:
        """Whether this imports ``module`` or something inside it (``from tests import
        bundled`` reaches ``tests.bundled``)."""
        targets = [self.module, *(f"{self.module}.{name}" for name in self.names)]
        return any(t == module or t.startswith(module + ".") for t in targets)


def imported_names(path: pathlib.Path) -> list[tuple[str, int]]:
    """Every absolute module name an import statement of ``path`` writes, as written."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.append((node.module, node.lineno))
    return found


def imports(path: pathlib.Path, root: pathlib.Path = ROOT) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = list(path.relative_to(root).parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(in_layout(alias.name), (), node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = in_layout(".".join([*base, *([node.module] if node.module else [])]))
            names = tuple(a.name for a in node.names)
            if module == "cli":  # ``from lbp_screen import engine`` imports the engine
                inner = [n for n in names if f"lbp_screen.{n}" in LAYOUT]
                found += [Import(LAYOUT[f"lbp_screen.{n}"], (), node.lineno) for n in inner]
                names = tuple(n for n in names if n not in inner)
                if not names:
                    continue
            found.append(Import(module, names, node.lineno))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
            if name in ("import_module", "__import__"):
                found.append(Import(in_layout(node.args[0].value), (), node.lineno))
    return found


def _where(path: pathlib.Path, found: Import) -> str:
    return f"{path.relative_to(ROOT)}:{found.line} imports {found.module}" + (
        f" ({', '.join(found.names)})" if found.names else "")


def _ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def test_the_import_reader_sees_imports_inside_functions_and_relative_ones(tmp_path):
    source = ROOT / "cli" / "__init__.py"
    assert any(i.top == "knowledge" for i in imports(source)), "lbp_screen imports knowledge in a function"
    sample = tmp_path / "engine" / "sample.py"
    sample.parent.mkdir()
    sample.write_text(textwrap.dedent("""
        import importlib
        def later():
            from . import files
            from .tables import open_batch
            importlib.import_module("lbp_screen.knowledge.rules")
            from lbp_screen import knowledge, main
    """), encoding="utf-8")
    found = {i.module: i for i in imports(sample, root=tmp_path)}
    assert {"engine", "engine.tables", "knowledge.rules", "knowledge", "cli"} <= set(found)
    assert found["engine"].reaches("engine.files")
    assert found["cli"].names == ("main",)


SOURCES = sorted(p for folder in ("engine", "knowledge", "cli", "tests")
                 for p in (ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=_ids(SOURCES))
def test_every_import_names_the_installed_package_not_a_repository_folder(path):
    """``import engine`` works from a checkout but not from the installed wheel, where the
    folders are lbp_screen.engine, lbp_screen.knowledge and lbp_screen itself."""
    bare = [f"{path.relative_to(ROOT)}:{line} imports {name}" for name, line in imported_names(path)
            if name.split(".")[0] in {"engine", "knowledge", "cli"}]
    assert not bare, bare


@pytest.mark.parametrize("path", ENGINE, ids=_ids(ENGINE))
def test_the_engine_imports_no_knowledge_no_click_no_face_and_no_test(path):
    bad = [_where(path, i) for i in imports(path) if i.top in {"knowledge", "click", "cli", "tests"}]
    assert not bad, bad


@pytest.mark.parametrize("path", ENGINE, ids=_ids(ENGINE))
def test_only_the_batch_io_module_uses_the_table_libraries(path):
    used = [_where(path, i) for i in imports(path) if i.top in TABLE_LIBRARIES]
    if path == BATCH_IO:
        assert {i.top for i in imports(path)} >= TABLE_LIBRARIES  # the check can see them
    else:
        assert not used, used


def _run_at_import(tree: ast.Module) -> list[ast.AST]:
    """The nodes a module runs when imported: not inside a function, nor under
    ``if TYPE_CHECKING:`` (only the type checker reads that)."""
    found: list[ast.AST] = []
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) \
                and node.test.id == "TYPE_CHECKING":
            pending.extend(node.orelse)
            continue
        found.append(node)
        pending.extend(ast.iter_child_nodes(node))
    return found


@pytest.mark.parametrize("path", ENGINE, ids=_ids(ENGINE))
def test_only_the_dask_module_imports_dask_and_only_when_a_cluster_is_used(path):
    used = [i for i in imports(path) if i.top in DASK_LIBRARIES]
    if path != DASK_BATCH:
        assert not used, [_where(path, i) for i in used]
        return
    assert used  # the check can see them
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    at_import = [f"{path.relative_to(ROOT)}:{node.lineno}" for node in _run_at_import(tree)
                 if isinstance(node, (ast.Import, ast.ImportFrom))
                 and any(name.split(".")[0] in DASK_LIBRARIES for name in
                         ([a.name for a in node.names] if isinstance(node, ast.Import)
                          else [node.module or ""]))]
    assert not at_import, at_import


@pytest.mark.parametrize("path", ENGINE_TESTS, ids=_ids(ENGINE_TESTS))
def test_the_engine_s_tests_import_no_clinical_knowledge(path):
    bad = [_where(path, i) for i in imports(path)
           if i.top == "knowledge" or i.reaches("tests.bundled")
           or (i.top == "tests" and not i.reaches("tests.engine") and i.module != "tests.conftest")
           or (i.module == "tests.conftest" and set(i.names) & CLINICAL_CONFTEST_NAMES)]
    assert not bad, bad
    assert "knowledge:KNOWLEDGE_BASE" not in path.read_text(encoding="utf-8")  # no worker import path to it


def test_the_engine_s_tests_collect_with_the_clinical_knowledge_unimportable():
    script = textwrap.dedent("""
        import sys
        import pytest

        class Refuse:
            def find_spec(self, name, path=None, target=None):
                if name == "lbp_screen.knowledge" or name.startswith("lbp_screen.knowledge.") \
                        or name == "tests.bundled":
                    raise ImportError(f"the engine's tests may not import {name}")
                return None

        sys.meta_path.insert(0, Refuse())
        code = pytest.main(["--collect-only", "-qq", "-p", "no:cacheprovider", "tests/engine"])
        loaded = sorted(m for m in sys.modules if m == "lbp_screen.knowledge"
                        or m.startswith("lbp_screen.knowledge.") or m == "tests.bundled")
        print("LOADED", loaded)
        sys.exit(int(code) or (3 if loaded else 0))
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "LOADED []" in done.stdout
    assert "tests/engine/test_batch.py: " in done.stdout  # it collected the suite


@pytest.mark.parametrize("path", CLI, ids=_ids(CLI))
def test_the_command_line_reaches_the_engine_only_through_its_faces(path):
    reached = {}
    for i in imports(path):
        if i.top != "engine":
            continue
        if i.module == "engine":  # ``from engine import bench``: the modules named
            for name in i.names:
                reached.setdefault(f"engine.{name}", set())
        else:
            reached.setdefault(i.module, set()).update(i.names)
    assert set(reached) <= CLI_ENGINE_MODULES, sorted(set(reached) - CLI_ENGINE_MODULES)
    for module, names in CLI_ENGINE_NAMES.items():
        assert reached.get(module, set()) <= names, (module, reached[module] - names)


@pytest.mark.parametrize("path", CLI, ids=_ids(CLI))
def test_the_faces_pick_the_knowledge_base_in_the_package_s_front_door_only(path):
    found = [_where(path, i) for i in imports(path) if i.top == "knowledge"]
    if path == ROOT / "cli" / "__init__.py":
        assert found, "lbp_screen (cli/__init__.py) should load the bundled knowledge base"
    else:
        assert not found, found
