"""Every Python example in the README runs and shows what it says: ``pycon`` blocks are
doctests (each printed value is compared), ``python`` blocks are run.  The blocks of one
section share their names, as a reader following the section would; each section runs in a
temporary folder."""
from __future__ import annotations

import doctest
import re
from dataclasses import dataclass

import pytest

from tests.conftest import ROOT

README = ROOT / "README.md"
FENCE = re.compile(r"^```(pycon|python)\n(.*?)^```", re.M | re.S)


@dataclass(frozen=True)
class Example:
    section: str
    kind: str
    code: str
    line: int


def readme_examples() -> list[Example]:
    text = README.read_text(encoding="utf-8")
    headings = [(m.start(), m.group(1)) for m in re.finditer(r"^#{2,4} (.+)$", text, re.M)]
    found = []
    for match in FENCE.finditer(text):
        section = next((title for start, title in reversed(headings) if start < match.start()), "top")
        found.append(Example(section, match.group(1), match.group(2),
                             text.count("\n", 0, match.start()) + 2))
    return found


EXAMPLES = readme_examples()
SECTIONS = list(dict.fromkeys(e.section for e in EXAMPLES))


def test_the_readme_has_examples_of_the_python_api():
    assert "Python API" in SECTIONS
    api = [e for e in EXAMPLES if e.section == "Python API"]
    for name in ("screen", "explain", "rulebook", "vocabulary", "CaseError"):
        assert any(f"lbp_screen.{name}(" in e.code or f"lbp_screen.{name} " in e.code
                   or f"lbp_screen.{name}\n" in e.code or f"lbp_screen.{name}:" in e.code
                   for e in api), name


@pytest.mark.parametrize("section", SECTIONS)
def test_the_readme_s_examples_run_as_shown(section, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    names: dict = {"__name__": "__readme__"}
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for example in (e for e in EXAMPLES if e.section == section):
        where = f"README.md:{example.line}"
        if example.kind == "python":
            exec(compile(example.code, where, "exec"), names)
            continue
        test = parser.get_doctest(example.code, names, where, str(README), example.line)
        report: list[str] = []
        runner.run(test, out=report.append, clear_globs=False)
        assert not report, "".join(report)
        names.update(test.globs)  # the doctest ran on a copy of the section's names
