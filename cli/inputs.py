"""Reading cases for ``lbp screen`` and ``lbp explain``: files, folders, stdin and --fact."""
from __future__ import annotations

import json
import pathlib
import sys
from dataclasses import dataclass
from typing import Any, Iterable

ANNOTATION_KEYS = {"case", "expected", "note"}


class InputError(Exception):
    """A file or option the user gave cannot be used."""


@dataclass(frozen=True)
class LoadedCase:
    label: str
    case: Any
    expected: dict | None = None
    note: str | None = None


def is_listing(files: Iterable[str]) -> bool:
    """Whether the files name more than one case container (so JSON output is a list)."""
    files = list(files)
    return len(files) > 1 or any(f != "-" and pathlib.Path(f).is_dir() for f in files)


def facts_case(facts: Iterable[str]) -> list[LoadedCase]:
    case: dict[str, str] = {}
    for item in facts:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InputError(f"--fact {item!r}: expected FIELD=VALUE, e.g. --fact sitting=worse")
        if name.strip() in case:
            raise InputError(f"--fact {item!r}: field {name.strip()!r} given twice")
        case[name.strip()] = value
    return [LoadedCase(label="--fact case", case=case)]


def load_cases(files: Iterable[str]) -> list[LoadedCase]:
    loaded: list[LoadedCase] = []
    for name in files:
        path = pathlib.Path(name)
        if name != "-" and path.is_dir():
            members = sorted(path.glob("*.json"))
            if not members:
                raise InputError(f"{name}: folder holds no .json case files")
            for member in members:
                loaded.extend(_from_document(str(member), _read_json(str(member))))
        else:
            loaded.extend(_from_document(name, _read_json(name)))
    return loaded


def _read_json(name: str) -> Any:
    try:
        text = sys.stdin.read() if name == "-" else pathlib.Path(name).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{name}: cannot be read ({error})") from None
    if not text.strip():
        raise InputError(f"{name}: is empty; expected a JSON case object or a list of them")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"{name}: not valid JSON (line {error.lineno}, column {error.colno}: "
                         f"{error.msg})") from None


def _from_document(name: str, document: Any) -> list[LoadedCase]:
    source = "stdin" if name == "-" else name
    if isinstance(document, list):
        if not document:
            raise InputError(f"{source}: the list holds no cases")
        return [_one(f"{source}[{i}]", item) for i, item in enumerate(document)]
    return [_one(source, document)]


def _one(where: str, item: Any) -> LoadedCase:
    if not isinstance(item, dict):
        raise InputError(f"{where}: expected a JSON object (a case), got {type(item).__name__}")
    if isinstance(item.get("case"), dict):  # an annotated case: the case and its expected outcome
        extra = set(item) - ANNOTATION_KEYS
        if extra:
            raise InputError(f"{where}: an annotated case holds only {sorted(ANNOTATION_KEYS)}, "
                             f"not {sorted(extra)}")
        case = item["case"]
        return LoadedCase(where, case, item.get("expected"), item.get("note"))
    return LoadedCase(where, item)
