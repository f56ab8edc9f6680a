"""What changed between two runs of one batch: ``lbp batch INPUT -o NEW --compare OLD``.

OLD is an earlier JSON Lines output of the same input (a file, or a folder of JSON Lines
parts); it is checked before any work (``open_earlier``: every line a record of a batch
output, rows numbered 1 to N, N the input's row count, one knowledge base).  During the
run each new record is compared with OLD's record of the same row (``BatchComparison``):
the case ids must agree, or OLD is not an output of this input.  What is compared comes
from the knowledge base (``KnowledgeBase.comparisons``) besides the engine's own kinds
(``ENGINE_CHANGES``: a row screened once and refused the other time, or refused both
times for other reasons).  The rows that changed are written, through the atomic writer,
beside the output as NEW.changes.jsonl; nothing else of a case is kept.
"""
from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import pathlib
from typing import Any, Callable, Iterator, Mapping

from lbp_screen.engine.errors import InputError
from lbp_screen.engine.files import atomic_path, check_writable
from lbp_screen.engine.outputs import ENGINE_CHANGES
from lbp_screen.engine.privacy import shown
from lbp_screen.engine.rulebook import KnowledgeBase
from lbp_screen.engine.tables import NOT_PART_PREFIXES, json_line, natural_key
from lbp_screen.engine.vocabulary import DuplicateField, InvalidJSON, parse_json

RECORD_KEYS = ("row", "case_id", "status", "result", "errors")  # a line of a JSONL batch output
EARLIER_SUFFIXES = (".jsonl", ".ndjson")  # the parts of an earlier output folder
CHANGES_SUFFIX = ".changes.jsonl"
DIGEST_SHOWN = 19  # "sha256:" and the first 12 hex digits: enough to tell two digests apart


class ComparisonError(InputError):
    """The earlier output cannot be compared with this run: it is not an output of the
    same input, or not a batch output at all."""


def changes_path(output: str | os.PathLike) -> pathlib.Path:
    """Where the changed rows go: beside the output, NEW.csv -> NEW.changes.jsonl (a
    folder of parts OUT -> OUT.changes.jsonl)."""
    output = pathlib.Path(output)
    return output.with_name(output.stem + CHANGES_SUFFIX)


@dataclasses.dataclass(frozen=True)
class EarlierOutput:
    """A checked earlier output: its files in order, its rows, the knowledge base that
    produced its screened rows (None when no row was screened)."""

    name: str
    files: tuple[pathlib.Path, ...]
    rows: int
    knowledge_base: dict[str, str] | None

    def records(self) -> Iterator[dict[str, Any]]:
        for _path, _where, record in _lines(self.name, self.files):
            yield record


def _lines(name: str, files: tuple[pathlib.Path, ...]) -> Iterator[tuple[pathlib.Path, str, Any]]:
    """(file, "NAME line N", parsed line) for every non-blank line, in order."""
    for path in files:
        label = name if len(files) == 1 else f"{name}/{path.name}"
        try:
            with open(path, encoding="utf-8-sig") as handle:
                for number, line in enumerate(handle, start=1):
                    if not line.strip():
                        continue
                    where = f"{label} line {number}"
                    try:
                        yield path, where, parse_json(line)
                    except (DuplicateField, InvalidJSON) as error:
                        raise ComparisonError(f"{where}: {error}; --compare reads an earlier "
                                              "JSON Lines output of lbp batch") from None
        except UnicodeDecodeError:
            raise ComparisonError(f"{label}: not UTF-8 text; --compare reads an earlier JSON "
                                  "Lines output of lbp batch") from None
        except OSError as error:
            raise ComparisonError(f"{label}: cannot be read ({error.strerror or error})") from None


def open_earlier(path: str | os.PathLike, rows: int) -> EarlierOutput:
    """Check an earlier output before any work: every line a batch record, rows numbered
    from 1 in order, as many as the input has (``rows``), one knowledge base."""
    path = pathlib.Path(path)
    name = path.name
    if not path.exists():
        raise ComparisonError(f"--compare {name}: no such file or folder")
    if path.is_dir():
        files = tuple(sorted((p for p in path.iterdir() if p.suffix.lower() in EARLIER_SUFFIXES
                              and not p.name.startswith(NOT_PART_PREFIXES)), key=lambda p: natural_key(p.name)))
        if not files:
            raise ComparisonError(f"--compare {name}: the folder holds no JSON Lines parts "
                                  f"({', '.join(EARLIER_SUFFIXES)})")
    else:
        files = (path,)
    count = 0
    knowledge_bases: dict[str, dict[str, str]] = {}
    for _path, where, record in _lines(name, files):
        count += 1
        _check_record(where, record, count)
        if record["status"] == "ok":
            provenance = record["result"].get("knowledge_base")
            if isinstance(provenance, dict):
                knowledge_bases[json.dumps(provenance, sort_keys=True)] = provenance
    if count != rows:
        raise ComparisonError(f"--compare {name}: holds {count} rows but the input has {rows}; "
                              "it is not an output of the same input")
    if len(knowledge_bases) > 1:
        raise ComparisonError(f"--compare {name}: its rows were screened by "
                              f"{len(knowledge_bases)} knowledge bases; it is not one batch output")
    return EarlierOutput(name, files, count, next(iter(knowledge_bases.values()), None))


def _check_record(where: str, record: Any, expected_row: int) -> None:
    if not isinstance(record, dict) or any(key not in record for key in RECORD_KEYS):
        raise ComparisonError(f"{where}: not a record of a JSON Lines batch output (one with "
                              f"{', '.join(RECORD_KEYS)}); --compare reads an earlier output of lbp batch")
    if record["row"] != expected_row:
        raise ComparisonError(f"{where}: is row {shown(record['row'])}, expected row {expected_row}; "
                              "rows must be in order from 1 (it is not an output of the same input)")
    if record["status"] not in ("ok", "error"):
        raise ComparisonError(f"{where}: status {shown(record['status'])} is neither ok nor error")
    if (record["status"] == "ok") != isinstance(record["result"], dict):
        raise ComparisonError(f"{where}: an {record['status']} row "
                              + ("without a result" if record["status"] == "ok" else "with a result"))


class BatchComparison:
    """Compares a run's records, as they are screened, with an earlier output's, and
    writes the rows that changed; counts each kind of change."""

    def __init__(self, kb: KnowledgeBase, earlier: EarlierOutput, output: str | os.PathLike):
        self.kb = kb
        self.earlier = earlier
        self.path = check_writable(changes_path(output))
        self.kinds = {**{c.key: c.heading for c in kb.comparisons},
                      **{kind: kind for kind in ENGINE_CHANGES}}  # kind -> heading
        self.counts = dict.fromkeys(self.kinds, 0)
        self.rows = 0
        self.changed = 0

    @contextlib.contextmanager
    def writing(self) -> Iterator[Callable[[list[dict]], None]]:
        """The observer to give each chunk of records to, in order; the changed rows are
        saved when the block ends without an error (and every earlier row was compared)."""
        earlier = self.earlier.records()
        with atomic_path(self.path) as temporary, open(temporary, "w", encoding="utf-8") as out:
            def observe(chunk: list[dict]) -> None:
                for record in chunk:
                    line = self._compare(next(earlier), record)
                    if line is not None:
                        out.write(json_line(line) + "\n")
            yield observe
            if self.rows != self.earlier.rows:  # the run ended early: an error was raised
                raise ComparisonError(f"--compare {self.earlier.name}: {self.rows} of "
                                      f"{self.earlier.rows} rows compared")

    def _compare(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any] | None:
        self.rows += 1
        if old["row"] != new["row"] or old["case_id"] != new["case_id"]:
            # ids are not echoed: an id may itself identify someone
            raise ComparisonError(f"--compare {self.earlier.name}: row {new['row']} has another "
                                  "case id there; it is not an output of the same input")
        changes: list[str] = []
        if old["status"] != new["status"]:
            changes = ["status"]
        elif new["status"] == "ok":
            changes = [c.key for c in self.kb.comparisons
                       if self._value(c.key, old, c.value) != c.value(new["result"])]
        elif old["errors"] != new["errors"]:
            changes = ["errors"]
        if not changes:
            return None
        self.changed += 1
        for kind in changes:
            self.counts[kind] += 1
        return {"row": new["row"], "case_id": new["case_id"], "changes": changes,
                "old": self._side(old, changes), "new": self._side(new, changes),
                "knowledge_base": {"old": self.earlier.knowledge_base, "new": self.kb.provenance}}

    def _value(self, key: str, old: Mapping[str, Any], value: Callable[[Mapping[str, Any]], Any]) -> Any:
        try:
            return value(old["result"])
        except (KeyError, TypeError, AttributeError):
            raise ComparisonError(f"--compare {self.earlier.name}: row {old['row']}'s result has no "
                                  f"readable {self.kinds[key]}; it is not a result of this kind of "
                                  "knowledge base") from None

    def _side(self, record: Mapping[str, Any], changes: list[str]) -> dict[str, Any]:
        """What one run said about a changed row: its status, then the changed values (every
        compared value when the status itself changed), or its errors."""
        side: dict[str, Any] = {"status": record["status"]}
        if record["status"] != "ok":
            side["errors"] = record["errors"]
            return side
        for c in self.kb.comparisons:
            if c.key in changes or "status" in changes:
                side[c.key] = self._value(c.key, record, c.value)
        return side

    def text(self) -> str:
        """The counts, for people: how many rows changed, and how many of each kind."""
        def named(provenance: Mapping[str, str] | None) -> str:
            if provenance is None:
                return "(no row screened)"
            return f"{provenance.get('version')} {str(provenance.get('digest'))[:DIGEST_SHOWN]}"
        counts = ", ".join(f"{self.kinds[kind]} {count}" for kind, count in self.counts.items())
        return (f"compared {self.rows} rows with {self.earlier.name} (knowledge base "
                f"{named(self.earlier.knowledge_base)} -> {named(self.kb.provenance)}): "
                f"{self.changed} changed\n  changes: {counts}\n"
                f"wrote the changed rows to {self.path}")
