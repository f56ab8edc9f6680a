"""Reading cases for ``lbp screen`` and ``lbp explain``: files, folders, stdin and --fact."""
from __future__ import annotations

import difflib
import pathlib
import sys
from dataclasses import dataclass
from typing import Any, Iterable

from engine.vocabulary import DuplicateField, InvalidJSON, parse_json

ANNOTATION_KEYS = {"case", "expected", "note"}


class InputError(Exception):
    """A file or option the user gave cannot be used."""


# Expectation keys of an annotated case and the JSON type each takes.
EXPECTATION_KINDS = {"responder": str, "urgency": str, "possible_causes": list, "red_flags": list,
                     "recommended": list, "avoid": list, "caution": list, "rules_fired": list,
                     "rules_not_fired": list, "warned_about": list, "not_warned_about": list,
                     "psychosocial_risk": str, "self_care": list}


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
            raise InputError(f"--fact {item!r}: expected FIELD=VALUE, e.g. --fact sitting=worse")
        if name.strip() in case:
            raise InputError(f"--fact {item!r}: field {name.strip()!r} given twice")
        case[name.strip()] = value
    return [LoadedCase(label="--fact case", case=case)]


def load_cases(files: Iterable[str]) -> list[LoadedCase]:
    files = list(files)
    loaded: list[LoadedCase] = []
    for name in files:
        path = pathlib.Path(name)
        if name != "-" and path.is_dir():
            members = sorted(path.glob("*.json"))
            if not members:
                raise InputError(f"{name}: folder holds no .json case files")
            for member in members:
                loaded.extend(_from_document(str(member), _read_json(str(member)), True))
        else:
            loaded.extend(_from_document(name, _read_json(name), len(files) > 1))
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
        return parse_json(text)
    except (DuplicateField, InvalidJSON) as error:
        raise InputError(f"{name}: {error}") from None


def _from_document(name: str, document: Any, in_list: bool) -> list[LoadedCase]:
    source = "stdin" if name == "-" else name
    if isinstance(document, list):
        if not document:
            raise InputError(f"{source}: the list holds no cases")
        return [_one(f"{source}[{i}]", item, True) for i, item in enumerate(document)]
    return [_one(source, document, in_list)]


def _one(where: str, item: Any, in_list: bool) -> LoadedCase:
    if not isinstance(item, dict):
        raise InputError(f"{where}: expected a JSON object (a case), got {type(item).__name__}")
    if isinstance(item.get("case"), dict):  # an annotated case: the case and its expected outcome
        extra = set(item) - ANNOTATION_KEYS
        if extra:
            raise InputError(f"{where}: an annotated case holds only {sorted(ANNOTATION_KEYS)}, "
                             f"not {sorted(extra)}")
        expected = item.get("expected")
        if expected is not None:
            _check_expectations(where, expected)
        return LoadedCase(where, item["case"], expected, in_list)
    return LoadedCase(where, item, None, in_list)


def _check_expectations(where: str, expected: Any) -> None:
    if not isinstance(expected, dict):
        raise InputError(f"{where}: 'expected' must be an object of expectations, "
                         f"got {type(expected).__name__}")
    for key, value in expected.items():
        kind = EXPECTATION_KINDS.get(key)
        if kind is None:
            close = difflib.get_close_matches(key, list(EXPECTATION_KINDS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise InputError(f"{where}: unknown expectation {key!r}{hint}; known: "
                             + ", ".join(EXPECTATION_KINDS))
        if not isinstance(value, kind) or (kind is list and not all(isinstance(v, str) for v in value)):
            shape = "a list of ids" if kind is list else "an id"
            raise InputError(f"{where}: expectation {key!r} must be {shape}, got {value!r}")
