"""Reading cases for ``lbp screen`` and ``lbp explain``: files, folders, stdin and --fact."""
from __future__ import annotations

import pathlib
import sys
from dataclasses import dataclass
from typing import Any, Iterable

from lbp_screen.engine.service import InputError, ScreeningService, parse_json

ANNOTATION_KEYS = {"case", "expected", "note"}


@dataclass(frozen=True)
class LoadedCase:
    label: str
    case: Any
    expected: dict | None = None
    in_list: bool = False  # came from a JSON list, a folder or one of several files


def is_listing(loaded: list[LoadedCase]) -> bool:
    """Whether JSON output should be a list: the input was a list, or several cases."""
    return len(loaded) > 1 or any(item.in_list for item in loaded)


def facts_case(facts: Iterable[str]) -> list[LoadedCase]:
    case: dict[str, str] = {}
    for item in facts:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InputError(f"--fact {item!r}: expected FIELD=VALUE")
        if name.strip() in case:
            raise InputError(f"--fact {item!r}: field {name.strip()!r} given twice")
        case[name.strip()] = value
    return [LoadedCase(label="--fact case", case=case)]


def load_cases(files: Iterable[str], service: ScreeningService) -> list[LoadedCase]:
    """The cases in FILES (- for stdin; a folder's .json files), each labelled by where it
    came from; an annotated case's expectations are checked against the knowledge base."""
    files = list(files)
    loaded: list[LoadedCase] = []
    for name in files:
        path = pathlib.Path(name)
        if name != "-" and path.is_dir():
            members = sorted(path.glob("*.json"))
            if not members:
                raise InputError(f"{name}: folder holds no .json case files")
            for member in members:
                loaded.extend(cases_of_document(service, str(member), _read_json(str(member)), True))
        else:
            loaded.extend(cases_of_document(service, name, _read_json(name), len(files) > 1))
    return loaded


def _read_json(name: str) -> Any:
    try:
        if name == "-" and sys.stdin is None:
            raise InputError("-: standard input is closed; give a file or pipe the case in")
        text = sys.stdin.read() if name == "-" else pathlib.Path(name).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{name}: cannot be read ({error})") from None
    if not text.strip():
        raise InputError(f"{name}: is empty; expected a JSON case object or a list of them")
    try:
        return parse_json(text)
    except InputError as error:
        raise InputError(f"{name}: {error}") from None


def cases_of_document(service: ScreeningService, name: str, document: Any,
                      in_list: bool) -> list[LoadedCase]:
    """The cases of one parsed JSON document (a case, an annotated case or a list), as
    ``lbp screen`` reads a file; the web app reads a request body through it too."""
    source = "stdin" if name == "-" else name
    if isinstance(document, list):
        if not document:
            raise InputError(f"{source}: the list holds no cases")
        return [_one(service, f"{source}[{i}]", item, True) for i, item in enumerate(document)]
    return [_one(service, source, document, in_list)]


def _one(service: ScreeningService, where: str, item: Any, in_list: bool) -> LoadedCase:
    if not isinstance(item, dict):
        raise InputError(f"{where}: expected a JSON object (a case), got {type(item).__name__}")
    if isinstance(item.get("case"), dict):  # an annotated case: the case and its expected outcome
        extra = set(item) - ANNOTATION_KEYS
        if extra:
            raise InputError(f"{where}: an annotated case holds only {sorted(ANNOTATION_KEYS)}, "
                             f"not {sorted(extra)}")
        expected = item.get("expected")
        if expected is not None:
            service.check_expectations(where, expected)
        return LoadedCase(where, item["case"], expected, in_list)
    return LoadedCase(where, item, None, in_list)
