"""Every command module of cli/ registers its command on the group, and registering them
leaves the library's functions of the same name alone."""
import ast
import inspect
import pathlib

import lbp_screen
from lbp_screen.main import lbp

CLI = pathlib.Path(lbp_screen.__file__).resolve().parent


def _commands_defined():
    """Command names each cli module declares with ``@lbp.command()`` (by reading its source)."""
    found = set()
    for path in CLI.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                for decorator in node.decorator_list:
                    call = decorator if isinstance(decorator, ast.Call) else None
                    func = call.func if call else decorator
                    if isinstance(func, ast.Attribute) and func.attr == "command" \
                            and isinstance(func.value, ast.Name) and func.value.id == "lbp":
                        names = [a.value for a in (call.args if call else []) if isinstance(a, ast.Constant)]
                        found.add(names[0] if names else node.name.replace("_", "-"))
    return found


def test_regression_lbp_explain_was_no_command_once_the_library_had_an_explain_function():
    defined = _commands_defined()
    assert "explain" in defined
    assert defined <= set(lbp.commands), sorted(defined - set(lbp.commands))
    assert inspect.isfunction(lbp_screen.explain) and inspect.isfunction(lbp_screen.screen)


def test_no_module_of_the_package_is_named_like_a_function_of_its_api():
    """Importing a submodule binds its name on the package: a cli/explain.py made
    ``lbp_screen.explain`` the command's module instead of the library's function."""
    modules = {path.stem for path in CLI.glob("*.py")} | {path.name for path in CLI.iterdir() if path.is_dir()}
    assert not modules & set(lbp_screen.__all__), sorted(modules & set(lbp_screen.__all__))


def test_regression_every_command_paid_for_importing_the_web_stack():
    """``lbp serve`` imported FastAPI and uvicorn when the command group loaded, so every
    command and every worker process started through ``lbp`` took 0.2 s more."""
    import subprocess
    import sys
    script = ("import sys, lbp_screen.main; "
              "print(sorted(m for m in ('fastapi', 'uvicorn', 'starlette') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
