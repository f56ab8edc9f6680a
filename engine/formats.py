"""The one registry of formats: what each is called, the file names that mean it, and
what it can hold.  Every command picks its formats from here (``--format`` choices, an
output name's extension, a batch file's format), so a name means the same everywhere."""
from __future__ import annotations

import os
import pathlib
from dataclasses import dataclass

from lbp_screen.engine.errors import InputError


@dataclass(frozen=True)
class Format:
    name: str
    suffixes: tuple[str, ...]
    holds: str          # "document" (one result, explanation, rulebook) or "table" (rows)
    readable: bool = False  # a batch input format
    writable: bool = True


FORMATS = {f.name: f for f in (
    Format("text", (".txt",), "document"),
    Format("markdown", (".md", ".markdown"), "document"),
    Format("json", (".json",), "document", readable=True),
    Format("html", (".html", ".htm"), "document"),
    Format("csv", (".csv",), "table", readable=True),
    Format("tsv", (".tsv", ".tab"), "table", readable=True, writable=False),
    Format("jsonl", (".jsonl", ".ndjson"), "table", readable=True),
    Format("xlsx", (".xlsx",), "table", readable=True),
    Format("parquet", (".parquet",), "table", readable=True),
)}

BATCH_INPUT_FORMATS = tuple(f.name for f in FORMATS.values() if f.readable)
BATCH_OUTPUT_FORMATS = tuple(f.name for f in FORMATS.values() if f.holds == "table" and f.writable)


def formats(*names: str) -> tuple[str, ...]:
    """The named formats, checked against the registry (a typo is a programming error)."""
    unknown = [n for n in names if n not in FORMATS]
    if unknown:
        raise KeyError(f"formats not in the registry: {unknown}")
    return names


def by_suffix(path: str | os.PathLike, allowed: tuple[str, ...]) -> str | None:
    """The allowed format an output or input name's extension means, if any."""
    suffix = pathlib.PurePath(path).suffix.lower()
    return next((name for name in allowed if suffix in FORMATS[name].suffixes), None)


def format_of(path: str | os.PathLike, given: str | None, allowed: tuple[str, ...],
              role: str) -> str:
    """The format of a file: ``given`` when stated (``--input-format`` reads any name),
    else the extension's; an unknown extension without ``given`` is refused."""
    if given:
        return given
    named = by_suffix(path, allowed)
    if named is None:
        suffix = pathlib.PurePath(path).suffix
        raise InputError(
            f"{role} {pathlib.PurePath(path).name!r}: cannot tell the format from the extension "
            f"{suffix or '(none)'!r}; use one of "
            + ", ".join(s for n in allowed for s in FORMATS[n].suffixes[:1])
            + (" or --input-format" if role == "input" else ""))
    return named
