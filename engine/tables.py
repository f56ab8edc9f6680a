"""Batch files: reading and checking a table of cases, and writing a table of results.

The flow is check first, then work:
1. ``open_batch`` reads the input once without screening anything: its structure (every
   row as wide as the header, valid UTF-8, the right JSON shape), its columns (a case-id
   column, no unknown columns, no columns that look like direct identifiers, no two
   headers meaning one field) and its case ids (no two rows with the same one).  An input
   that fails is refused with ``BatchInputError`` before any output exists.  The input is
   a path, an open binary file (an upload, standard input: one that cannot seek is held
   once, spilling to an unnamed temporary file when large), or a folder of part files.
2. ``BatchInput.chunks`` streams the rows again in chunks of (row number, raw case), part
   by part, the row numbers continuing across parts.
3. ``write_output`` writes result records through the one atomic writer (engine/files.py),
   in the columns the knowledge base declares (engine/outputs.py): one file, or a folder
   with one output part per input part, renamed into place only when every part is written.

Headers are matched to fields ignoring case, surrounding spaces, and spaces or
underscores between words (``Bending Forward`` is ``bending_forward``).  Cells of text
formats are read as text and never converted by the reader: a blank cell is "not known",
and the vocabulary alone decides what a value means.  ``frame_rows`` and ``records_frame``
do the same for a pandas DataFrame.  This is the one module of the engine that uses
pandas, pyarrow and openpyxl.
"""
from __future__ import annotations

import codecs
import contextlib
import csv
import dataclasses
import difflib
import hashlib
import io
import json
import os
import pathlib
import re
import shutil
import tempfile
import unicodedata
from typing import IO, TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Sequence

from lbp_screen.engine.errors import InputError
from lbp_screen.engine.files import atomic_folder, atomic_path, check_writable, check_writable_folder
from lbp_screen.engine.formats import (
    BATCH_INPUT_FORMATS, BATCH_OUTPUT_FORMATS, FORMATS, by_suffix, format_of,
)
from lbp_screen.engine.outputs import LIST_SEPARATOR, TEXT_SEPARATOR, Column, TableLayout
from lbp_screen.engine.privacy import identifier_reason, shown
from lbp_screen.engine.vocabulary import DuplicateField, InvalidJSON, Problem, Vocabulary, parse_json

if TYPE_CHECKING:
    from pandas import DataFrame, Index

# Delimiters a CSV file may use; the header line decides (it holds only field names).
CSV_DELIMITERS = (",", ";", "\t", "|")
# Rows per chunk: large enough that handing a chunk to a worker costs little next to
# screening it, small enough that memory holds only a few chunks at a time.
CHUNK_ROWS = 500
EXCEL_MAX_ROWS = 1_048_576  # one header row plus this many minus one result rows
# An upload or standard input that cannot seek is held in memory up to this size, and
# beyond it in an unnamed temporary file (removed by the system when closed).
SPOOL_BYTES = 64 * 2**20
# Files in a folder of parts whose names start with these are not parts: Hadoop, Spark
# and Dask write markers and metadata so (_SUCCESS, _metadata, .part.crc).
NOT_PART_PREFIXES = (".", "_")


class BatchInputError(InputError):
    """The input (or the output path) cannot be used at all; nothing was screened."""


class _Source:
    """A batch input file: a path, or an open binary file (spooled if it cannot seek)."""

    def __init__(self, source: str | os.PathLike | IO[bytes], name: str | None = None):
        self.path: pathlib.Path | None = None
        self._file: IO[bytes] | None = None
        if isinstance(source, (str, os.PathLike)):
            self.path = pathlib.Path(source)
            self.name = name or self.path.name
        else:
            if source.seekable():
                self._file = source
            else:
                spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
                shutil.copyfileobj(source, spool)
                self._file = spool
            self.name = name or pathlib.PurePath(str(getattr(source, "name", "") or "input")).name

    @contextlib.contextmanager
    def binary(self) -> Iterator[IO[bytes]]:
        if self._file is None:
            with open(self.path or "", "rb") as handle:
                yield handle
        else:
            self._file.seek(0)
            yield self._file

    @contextlib.contextmanager
    def text(self) -> Iterator[io.TextIOWrapper]:
        """UTF-8 text with any byte-order mark dropped; the caller's file stays open."""
        with self.binary() as handle:
            wrapper = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
            try:
                yield wrapper
            finally:
                wrapper.detach()


# ---------------------------------------------------------------- headers and fields

def field_key(header: str) -> str:
    """A header as it is matched to a field: look-alike characters folded (NFKC), case
    and surrounding spaces ignored, spaces and underscores between words one underscore."""
    return re.sub(r"[\s_]+", "_", unicodedata.normalize("NFKC", header).strip().lower())


def _header(column: Any) -> str:
    """A column header as a message may show it: a header row can hold a person's data
    (a file without one), so an identifier-shaped header is withheld like any value."""
    echoed = shown(str(column))
    return echoed if echoed != column else repr(column)


@dataclasses.dataclass(frozen=True)
class _Reading:
    """How the cells of one part reach the engine: ``fields`` maps each header read to its
    field; ``skip`` are the headers left out (identifiers dropped, columns ignored).  In a
    JSON part (``keys_per_row``) each row has its own keys: a key neither mapped nor
    skipped reaches the engine as written, so its row is an error row naming it."""

    fields: dict[str, str]
    skip: frozenset[str] = frozenset()
    keys_per_row: bool = False

    def row(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        if not self.keys_per_row:
            return {field: raw[header] for header, field in self.fields.items()}
        return {self.fields.get(key, key): value for key, value in raw.items() if key not in self.skip}


@dataclasses.dataclass(frozen=True)
class _ColumnCheck:
    reading: _Reading
    dropped: tuple[str, ...]  # identifier headers left out (with drop_identifiers)


def _check_columns(name: str, header: Sequence[str], vocabulary: Vocabulary, drop_identifiers: bool,
                   ignore_columns: Sequence[str], keys_per_row: bool = False) -> _ColumnCheck:
    """Match the headers to fields, or refuse the input naming every problem at once.

    In a JSON input (``keys_per_row``, ``header`` the union of its rows' keys) an unknown
    key is no refusal (its rows are error rows), and two keys meaning one field are
    checked row by row (``_refuse_keys_meaning_one_field``)."""
    by_key = {field_key(spec.name): spec.name for spec in vocabulary}
    known = {column: by_key[field_key(column)] for column in header if field_key(column) in by_key}
    problems = []
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        problems.append("columns appear more than once: " + ", ".join(map(_header, repeated)))
    if not keys_per_row:
        meaning: dict[str, list[str]] = {}
        for column, field in known.items():
            meaning.setdefault(field, []).append(column)
        for field, columns in meaning.items():
            if len(columns) > 1:
                problems.append(f"columns {' and '.join(map(_header, columns))} both mean the field "
                                f"{field!r} (headers are matched ignoring case and spaces); keep one")
    if vocabulary.id_field not in known.values():
        problems.append(f"no {vocabulary.id_field!r} column: every batch row needs an anonymised case id")
    others = [c for c in header if c not in known]
    ignored, ignore_problems = _ignored(others, ignore_columns, by_key)
    problems.extend(ignore_problems)
    identifiers = [(c, identifier_reason(c)) for c in others if identifier_reason(c)]
    if identifiers and not drop_identifiers:
        covered = any(c in ignored for c, _reason in identifiers)
        problems.append(
            "columns that look like direct identifiers: "
            + ", ".join(f"{_header(c)} ({reason})" for c, reason in identifiers)
            + "; remove them from the file, or pass --drop-identifiers to leave them out "
              "of processing and output"
            + (" (--ignore-columns does not cover identifier columns)" if covered else ""))
    unknown = [c for c in others if c not in ignored and not identifier_reason(c)]
    if unknown and not keys_per_row:
        described = []
        for column in unknown:
            suggestion = vocabulary.suggest_field(field_key(column))
            described.append(_header(column) + (f" (did you mean {suggestion!r}?)" if suggestion else ""))
        nameable = [c for c in unknown if shown(c) == c and "," not in c]
        hint = f", or leave them out with --ignore-columns {','.join(nameable)}" if nameable else ""
        problems.append("unknown columns: " + ", ".join(described)
                        + "; see `lbp vocabulary` for the fields a case may carry" + hint)
    if problems:
        raise BatchInputError(f"{name}: " + "; ".join(problems) if len(problems) == 1
                              else f"{name}:\n" + "\n".join(f"  - {p}" for p in problems))
    dropped = tuple(c for c, _reason in identifiers)
    return _ColumnCheck(_Reading(known, frozenset(ignored) | frozenset(dropped), keys_per_row), dropped)


def _ignored(others: Sequence[str], ignore_columns: Sequence[str],
             by_key: Mapping[str, str]) -> tuple[set[str], list[str]]:
    """The headers ``ignore_columns`` name (matched as headers are), and the problems of
    names that are a field of the vocabulary (ignoring one would silently turn its
    answers into "not known") or that no column of the input has."""
    ignored: set[str] = set()
    problems = []
    for name in ignore_columns:
        key = field_key(str(name))
        if not key:
            problems.append("--ignore-columns names an empty column")
        elif key in by_key:
            problems.append(f"--ignore-columns {_header(name)} is the field {by_key[key]!r} of the "
                            "vocabulary; only columns the vocabulary does not know can be ignored "
                            "(remove the column from the file to leave its answers out)")
        else:
            matched = {c for c in others if field_key(c) == key}
            if matched:
                ignored |= matched
            else:
                close = difflib.get_close_matches(key, [field_key(c) for c in others], n=1)
                hint = next((f" (did you mean {_header(c)}?)" for c in others
                             if close and field_key(c) == close[0]), "")
                problems.append(f"--ignore-columns {_header(name)}: no column of the input has "
                                f"that name{hint}")
    return ignored, problems


def _refuse_keys_meaning_one_field(name: str, where: str, keys: Iterable[str],
                                   vocabulary: Vocabulary) -> None:
    """In a JSON row, two keys meaning one field are as a key given twice: refused."""
    seen: dict[str, str] = {}
    for key in keys:
        matched = field_key(key)
        if matched in vocabulary:
            if matched in seen:
                raise BatchInputError(f"{name}: {where}: keys {_header(seen[matched])} and "
                                      f"{_header(key)} both mean the field {matched!r} (keys are "
                                      "matched ignoring case and spaces); keep one")
            seen[matched] = key


# ---------------------------------------------------------------- reading and checking

@dataclasses.dataclass
class _Part:
    """One checked file of a batch: a whole input file, or one part file of a folder."""

    source: _Source
    fmt: str
    rows: int
    header: list[str]           # the file's headers (in JSON, every key of its rows)
    reading: _Reading
    delimiter: str = ","
    # JSON lists and Excel sheets cannot be read in pieces; a single file's are held once
    # here, a part's are read again when screened (a folder may hold many).
    loaded: list[dict] | None = dataclasses.field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.source.name

    def records(self, size: int) -> Iterator[list[dict]]:
        """The part's raw cases, keyed by field, in chunks of at most ``size``."""
        if self.fmt in ("json", "xlsx"):
            rows = self.loaded if self.loaded is not None else (
                _read_excel(self.source)[1] if self.fmt == "xlsx" else _check_json(self.source))
            for start in range(0, len(rows), size):
                yield [self.reading.row(raw) for raw in rows[start:start + size]]
            return
        if self.fmt == "parquet":
            import pyarrow.parquet as pq
            with self.source.binary() as handle:
                for batch in pq.ParquetFile(handle).iter_batches(batch_size=size,
                                                                 columns=list(self.reading.fields)):
                    yield [self.reading.row(raw) for raw in batch.to_pylist()]
            return
        chunk: list[dict] = []
        for raw in self._streamed():
            chunk.append(raw)
            if len(chunk) == size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def _streamed(self) -> Iterator[dict]:
        if self.fmt == "jsonl":
            for _line_number, raw in _jsonl_objects(self.source):
                yield self.reading.row(raw)
            return
        with _csv_records(self.source, self.fmt) as (header, _delimiter, records):
            places = [(field, header.index(column)) for column, field in self.reading.fields.items()]
            for record in records:
                yield {field: record[i] for field, i in places}


@dataclasses.dataclass
class BatchInput:
    """A checked input: a file, or a folder of part files (``folder``), its format, the
    columns screened, and how many rows it has."""

    name: str
    path: pathlib.Path | None
    fmt: str
    parts: list[_Part]
    dropped: list[str]          # identifier columns left out (with --drop-identifiers)
    folder: bool = False

    @property
    def rows(self) -> int:
        return sum(part.rows for part in self.parts)

    @property
    def columns(self) -> list[str]:
        """The fields read (and, in JSON, the unknown keys passed on), in input order."""
        seen: dict[str, None] = {}
        for part in self.parts:
            reading = part.reading
            if reading.keys_per_row:  # unknown keys reach the engine too
                seen.update(dict.fromkeys(reading.fields.get(k, k) for k in part.header
                                          if k not in reading.skip))
            else:
                seen.update(dict.fromkeys(reading.fields.values()))
        return list(seen)

    def part_rows(self) -> list[tuple[str, int]]:
        """Each part's file name and row count, in order (a file is its one part)."""
        return [(part.source.path.name if part.source.path else part.name, part.rows)
                for part in self.parts]

    def chunks(self, size: int | None = None) -> Iterator[list[tuple[int, dict]]]:
        """(row number, raw case) pairs in input order; row numbers count data rows from 1,
        continuing across parts; a chunk never holds rows of two parts."""
        number = 0
        for part in self.parts:
            first = number
            try:
                for records in part.records(size or CHUNK_ROWS):
                    chunk = []
                    for raw in records:
                        number += 1
                        chunk.append((number, raw))
                    yield chunk
            except (ValueError, OSError) as error:  # e.g. the file changed since it was checked
                raise BatchInputError(f"{part.name}: reading stopped after row {number}: {error}") from error
            if number - first != part.rows:  # the check pass and the read disagree: never lose a row
                raise BatchInputError(f"{part.name}: read {number - first} rows, but the file "
                                      f"check counted {part.rows}; the file changed or is malformed")


def open_batch(source: str | os.PathLike | IO[bytes], vocabulary: Vocabulary,
               input_format: str | None = None, drop_identifiers: bool = False,
               name: str | None = None, ignore_columns: Sequence[str] = ()) -> BatchInput:
    """Check a batch input (a path to a file or a folder of part files, or an open binary
    file named ``name``) before any work; raise BatchInputError naming what is wrong."""
    checked = _Source(source, name)
    path = checked.path
    if path is not None and not path.exists():
        raise BatchInputError(f"{checked.name}: no such file")
    if path is not None and path.is_dir():
        return _open_folder(path, vocabulary, input_format, drop_identifiers, ignore_columns)
    if path is not None and not path.is_file():
        raise BatchInputError(f"{checked.name}: not a file")
    try:
        fmt = format_of(checked.name, input_format, BATCH_INPUT_FORMATS, "input")
    except InputError as error:
        raise BatchInputError(str(error)) from None
    part, dropped, ids = _check_part(checked, fmt, vocabulary, drop_identifiers, ignore_columns, True)
    _check_unique_ids(checked.name, ids, vocabulary.id_field)
    return BatchInput(name=checked.name, path=path, fmt=fmt, parts=[part], dropped=list(dropped))


def natural_key(name: str) -> list:
    """A name's sort key, numbers compared as numbers: part.2 before part.10 (Dask and
    Spark number their parts without leading zeros)."""
    return [(0, int(piece), "") if piece.isdigit() else (1, 0, piece)
            for piece in re.split(r"(\d+)", name) if piece]


def _open_folder(folder: pathlib.Path, vocabulary: Vocabulary, input_format: str | None,
                 drop_identifiers: bool, ignore_columns: Sequence[str]) -> BatchInput:
    """A folder of part files of one format, in name order, checked part by part; case
    ids must be unique across the parts, since they are one batch."""
    entries = sorted((e for e in folder.iterdir() if not e.name.startswith(NOT_PART_PREFIXES)),
                     key=lambda e: natural_key(e.name))
    not_files = [e.name for e in entries if not e.is_file()]
    if not_files:
        raise BatchInputError(f"{folder.name}: a folder of parts holds part files only, not "
                              + ", ".join(map(_header, not_files)))
    if not entries:
        raise BatchInputError(f"{folder.name}: holds no part files (names starting with "
                              f"{' or '.join(NOT_PART_PREFIXES)} are not parts)")
    if input_format:
        fmt = input_format
    else:
        formats = {e.name: by_suffix(e, BATCH_INPUT_FORMATS) for e in entries}
        unknown = [n for n, f in formats.items() if f is None]
        if unknown:
            raise BatchInputError(f"{folder.name}: cannot tell the format of "
                                  + ", ".join(map(_header, unknown[:5]))
                                  + (f" (and {len(unknown) - 5} more)" if len(unknown) > 5 else "")
                                  + "; name parts by their format or use --input-format")
        counts: dict[str, int] = {}
        for found in formats.values():
            counts[str(found)] = counts.get(str(found), 0) + 1
        if len(counts) > 1:
            raise BatchInputError(f"{folder.name}: holds parts of more than one format ("
                                  + ", ".join(f"{n} {f}" for f, n in sorted(counts.items()))
                                  + "); a folder of parts holds one format")
        fmt = next(iter(counts))
    parts: list[_Part] = []
    dropped: dict[str, None] = {}
    all_ids: list[Iterable] = []
    for entry in entries:
        source = _Source(entry, f"{folder.name}/{entry.name}")
        part, part_dropped, ids = _check_part(source, fmt, vocabulary, drop_identifiers,
                                              ignore_columns, False)
        parts.append(part)
        dropped.update(dict.fromkeys(part_dropped))
        all_ids.append(ids)
    if not sum(part.rows for part in parts):
        raise BatchInputError(f"{folder.name}: no rows to screen (every part is empty)")
    _check_unique_ids(folder.name, (i for ids in all_ids for i in ids), vocabulary.id_field)
    return BatchInput(name=folder.name, path=folder, fmt=fmt, parts=parts, dropped=list(dropped),
                      folder=True)


def _check_part(source: _Source, fmt: str, vocabulary: Vocabulary, drop_identifiers: bool,
                ignore_columns: Sequence[str], whole_input: bool) -> tuple[_Part, tuple[str, ...], list]:
    """Check one file (the whole input, or a part of a folder, which may be empty): its
    structure and its columns; its part, dropped columns and raw case ids."""
    if fmt in ("csv", "tsv", "json", "jsonl"):
        _refuse_utf16(source)
    id_field = vocabulary.id_field
    try:
        delimiter, loaded = ",", None
        if fmt in ("csv", "tsv"):
            header, ids, rows, delimiter = _check_csv(source, fmt, id_field)
        elif fmt == "parquet":
            header, ids, rows = _check_parquet(source, id_field)
        elif fmt == "jsonl":
            header, ids, rows = _check_jsonl(source, vocabulary)
        else:
            if fmt == "xlsx":
                header, loaded = _read_excel(source)
                ids = [_id_cell(raw, id_field) for raw in loaded]
            else:
                loaded = _check_json(source)
                header, ids = _keys(source.name, loaded, vocabulary)
            rows = len(loaded)
    except UnicodeDecodeError as error:
        raise BatchInputError(f"{source.name}: not UTF-8 text (it holds the byte "
                              f"{error.object[error.start]:#04x}); save the file as UTF-8") from error
    except BatchInputError:
        raise
    except Exception as error:  # the format's own reader refused the file
        raise BatchInputError(f"{source.name}: cannot be read as {fmt}: {error}") from error
    keys_per_row = fmt in ("json", "jsonl")
    if rows == 0 and whole_input:
        raise BatchInputError(f"{source.name}: no rows to screen (the file is empty or has a header only)")
    if rows == 0 and keys_per_row:  # an empty JSON part: no keys to check
        check = _ColumnCheck(_Reading({}, keys_per_row=True), ())
    else:
        check = _check_columns(source.name, header, vocabulary, drop_identifiers, ignore_columns,
                               keys_per_row)
    part = _Part(source=source, fmt=fmt, rows=rows, header=header, reading=check.reading,
                 delimiter=delimiter, loaded=loaded if whole_input else None)
    return part, check.dropped, ids


def _id_cell(raw: Mapping[str, Any], id_field: str) -> Any:
    """A row's case id: the cell of the header that means the id field (the column check
    refuses two such headers)."""
    return next((value for key, value in raw.items() if field_key(str(key)) == id_field), None)


def _refuse_utf16(source: _Source) -> None:
    with source.binary() as handle:
        start = handle.read(2)
    if start in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        raise BatchInputError(f"{source.name}: is UTF-16 text; save the file as UTF-8")


def _blank(record: list[str]) -> bool:
    """A line with nothing but spaces is not a row (as an empty line is not)."""
    return len(record) <= 1 and not "".join(record).strip()


@contextlib.contextmanager
def _csv_records(source: _Source, fmt: str) -> Iterator[tuple[list[str], str, Iterator[list[str]]]]:
    """The header, the delimiter and the rows of a CSV or TSV file: the one reader the
    check and the screening both use, so they always count the same rows."""
    with source.text() as handle:
        first = handle.readline()
        while first and not first.strip():  # blank lines before the header are not rows
            first = handle.readline()
        if "\x00" in first:
            raise BatchInputError(f"{source.name}: looks like UTF-16 text (it holds zero bytes); "
                                  "save the file as UTF-8")
        if not first.strip():
            raise BatchInputError(f"{source.name}: empty file (no header line)")
        delimiter = "\t" if fmt == "tsv" else max(CSV_DELIMITERS, key=first.count)
        handle.seek(0)  # the utf-8-sig decoder drops a BOM again after the seek
        # strict: a quote left open is an error, never rows silently merged into one cell
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        header = next(record for record in reader if not _blank(record))

        def records() -> Iterator[list[str]]:
            for record in reader:
                if _blank(record):
                    continue
                if len(record) != len(header):
                    raise BatchInputError(
                        f"{source.name}: line {reader.line_num} has {len(record)} fields but the "
                        f"header has {len(header)} (delimiter {delimiter!r}); every row must have "
                        "one cell per column")
                yield record

        yield header, delimiter, records()


def _check_csv(source: _Source, fmt: str, id_field: str) -> tuple[list[str], list, int, str]:
    with _csv_records(source, fmt) as (header, delimiter, records):
        id_index = next((i for i, c in enumerate(header) if field_key(c) == id_field), None)
        ids, rows = [], 0
        for record in records:
            rows += 1
            if id_index is not None:
                ids.append(record[id_index])
    return header, ids, rows, delimiter


def _read_excel(source: _Source) -> tuple[list[str], list[dict]]:
    """The first sheet's header as written (pandas would rename a repeated "fever" to
    "fever.1") and its rows, every cell as text."""
    import pandas as pd
    from openpyxl import load_workbook
    with source.binary() as handle:
        workbook = load_workbook(handle, read_only=True)
        try:
            first = next(workbook.worksheets[0].iter_rows(max_row=1, values_only=True), ())
        finally:
            workbook.close()
    written = ["" if cell is None else str(cell) for cell in first]
    with source.binary() as handle:
        frame = pd.read_excel(handle, sheet_name=0, dtype=str, keep_default_na=False, na_filter=False)
    header = [str(c) for c in frame.columns]
    if len(set(written)) < len(written):
        header = written  # the column check names the repeated header
    return header, frame.to_dict("records")


def _check_parquet(source: _Source, id_field: str) -> tuple[list[str], list, int]:
    import pyarrow.parquet as pq
    with source.binary() as handle:
        parquet = pq.ParquetFile(handle)
        header = list(parquet.schema_arrow.names)
        ids: list = []
        id_column = next((c for c in header if field_key(c) == id_field), None)
        if id_column is not None and header.count(id_column) == 1:
            for batch in parquet.iter_batches(columns=[id_column]):
                ids.extend(batch.column(0).to_pylist())
        return header, ids, parquet.metadata.num_rows


def _check_json(source: _Source) -> list[dict]:
    with source.text() as handle:
        text = handle.read()
    if not text.strip():
        raise BatchInputError(f"{source.name}: empty file")
    try:
        data = parse_json(text)
    except (DuplicateField, InvalidJSON) as error:
        raise BatchInputError(f"{source.name}: {error}") from None
    if not isinstance(data, list):
        raise BatchInputError(f"{source.name}: expected a JSON list of case objects, "
                              f"got a JSON {_json_kind(data)}")
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise BatchInputError(f"{source.name}: item {index} of the list is a JSON "
                                  f"{_json_kind(item)}, expected a case object")
    return data


def _jsonl_objects(source: _Source) -> Iterator[tuple[int, dict]]:
    with source.text() as text:
        for line_number, line in enumerate(text, start=1):
            if not line.strip():
                continue
            try:
                item = parse_json(line)
            except (DuplicateField, InvalidJSON) as error:
                raise BatchInputError(f"{source.name}: line {line_number}: {error}") from None
            if not isinstance(item, dict):
                raise BatchInputError(f"{source.name}: line {line_number} is a JSON "
                                      f"{_json_kind(item)}, expected a case object")
            yield line_number, item


def _check_jsonl(source: _Source, vocabulary: Vocabulary) -> tuple[list[str], list, int]:
    keys: dict[str, None] = {}
    ids, rows = [], 0
    for line_number, item in _jsonl_objects(source):
        rows += 1
        _refuse_keys_meaning_one_field(source.name, f"line {line_number}", item, vocabulary)
        keys.update(dict.fromkeys(item))
        ids.append(_id_cell(item, vocabulary.id_field))
    return list(keys), ids, rows


def _keys(name: str, rows: list[dict], vocabulary: Vocabulary) -> tuple[list[str], list]:
    """The keys of a JSON list's rows, in the order first seen, and the rows' case ids."""
    keys: dict[str, None] = {}
    for index, raw in enumerate(rows, start=1):
        _refuse_keys_meaning_one_field(name, f"item {index} of the list", raw, vocabulary)
        keys.update(dict.fromkeys(raw))
    return list(keys), [_id_cell(raw, vocabulary.id_field) for raw in rows]


def _json_kind(value: Any) -> str:
    return {dict: "object", list: "list", str: "string", bool: "true/false",
            type(None): "null"}.get(type(value), "number")


def _check_unique_ids(name: str, ids: Iterable, id_field: str) -> None:
    """Refuse repeated case ids, naming rows only (an id may itself be identifying).
    Ids are compared as the vocabulary reads them (surrounding spaces ignored); the check
    keeps an 8-byte digest per row, not the ids themselves."""
    first_row: dict[bytes, int] = {}
    repeats: list[tuple[int, int]] = []
    for row, value in enumerate(ids, start=1):
        if value is None or isinstance(value, (bool, float, dict, list)):
            continue  # not an id at all: the row itself will say so
        text = str(value).strip()
        if not text or text.lower() == "unknown":
            continue
        digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
        if digest in first_row:
            repeats.append((first_row[digest], row))
        else:
            first_row[digest] = row
    if repeats:
        shown = ", ".join(f"row {b} repeats row {a}" for a, b in repeats[:5])
        more = f" (and {len(repeats) - 5} more)" if len(repeats) > 5 else ""
        raise BatchInputError(f"{name}: {id_field} must be unique, but {shown}{more}")


# ---------------------------------------------------------------- data frames

def frame_rows(frame: "DataFrame", vocabulary: Vocabulary, drop_identifiers: bool = False,
               ignore_columns: Sequence[str] = (), name: str = "data frame") -> list[tuple[int, dict]]:
    """A DataFrame's rows as (row number, raw case), checked as ``open_batch`` checks a
    file (its headers, identifier columns, ignored columns and case ids).  Cells are
    handed on as Python values, as a Parquet file's are; pandas' missing values (None,
    NaN, NA, NaT) are not known."""
    import pandas as pd
    if not isinstance(frame, pd.DataFrame):
        raise BatchInputError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    header = list(frame.columns)
    not_text = [c for c in header if not isinstance(c, str)]
    if not_text:
        raise BatchInputError(f"{name}: column labels must be field names (text), not "
                              + ", ".join(f"{_header(c)} (of type {type(c).__name__})" for c in not_text))
    check = _check_columns(name, header, vocabulary, drop_identifiers, ignore_columns)
    fields = list(check.reading.fields.items())
    columns = [[_frame_cell(v) for v in frame.iloc[:, header.index(h)].tolist()] for h, _f in fields]
    rows = [(number, {field: column[i] for (_h, field), column in zip(fields, columns)})
            for i, number in enumerate(range(1, len(frame) + 1))]
    _check_unique_ids(name, (raw.get(vocabulary.id_field) for _n, raw in rows), vocabulary.id_field)
    return rows


def _frame_cell(value: Any) -> Any:
    """A cell as a Parquet reader gives it: a Python value, or None where pandas marks a
    value missing."""
    import pandas as pd
    if isinstance(value, (str, bool, int)):
        return value
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    item = getattr(value, "item", None)  # a numpy scalar
    return item() if callable(item) and type(value).__module__ == "numpy" else value


def records_frame(layout: TableLayout, kb_version: str, records: Iterable[Mapping[str, Any]],
                  index: "Index | None" = None) -> "DataFrame":
    """Records as a DataFrame of the table's columns, typed as the Parquet output: ``row``
    int64, every other column of Python objects (text or None, lists of text or None)."""
    import pandas as pd
    rows = [typed_row(layout, kb_version, record) for record in records]
    data = {column.name: pd.Series([row[column.name] for row in rows], index=index,
                                   dtype="int64" if column.name == "row" else object)
            for column in layout.columns}
    return pd.DataFrame(data, index=index, columns=list(layout.names()))


# ---------------------------------------------------------------- writing

def typed_row(layout: TableLayout, kb_version: str, record: Mapping[str, Any]) -> dict[str, Any]:
    """A record as one row of the tables, typed (the Parquet output, ``screen_frame``):
    ``row`` an int, a text column text or None, an ``ids`` or ``sentences`` column a list
    of text or None.  The engine fills its columns, the knowledge base its own from its
    ``flatten``; an error row has no result, so every column a result fills is None."""
    result = record["result"]
    own = layout.flatten(result) if result is not None else {}
    values = {
        "row": record["row"],
        "case_id": record["case_id"],
        "status": record["status"],
        "fired_rules": list(result["fired_rules"]) if result is not None else None,
        "errors": [Problem(**p).describe() for p in record["errors"]],
        # every row, error rows too, names the knowledge base it was checked against
        "knowledge_base_version": kb_version,
    }
    row = {}
    for column in layout.columns:
        value = values[column.name] if column.name in values else own.get(column.name)
        row[column.name] = list(value) if value is not None and column.kind != "text" else value
    return row


def _text_cell(column: Column, value: Any) -> Any:
    """A typed cell as CSV and Excel hold it: a list joined into one text, None kept."""
    if value is None or column.kind == "text":
        return value
    return (TEXT_SEPARATOR if column.kind == "sentences" else LIST_SEPARATOR).join(value)


def table_row(layout: TableLayout, kb_version: str, record: Mapping[str, Any]) -> dict[str, Any]:
    """A record flattened for CSV and Excel: every list joined into one text cell
    (None where the row has no value: a blank cell)."""
    typed = typed_row(layout, kb_version, record)
    return {column.name: _text_cell(column, typed[column.name]) for column in layout.columns}


# Characters that many line readers (Python's str.splitlines among them) take for a line
# end, though JSON lets a string hold them raw: escaped, a record is always one line.
_LINE_BREAKING = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_line(value: Any) -> str:
    """Standard JSON on one line for any reader: no NaN, no raw line-breaking character
    (outside strings JSON has none, so only string contents are escaped)."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    for raw, escaped in _LINE_BREAKING.items():
        text = text.replace(raw, escaped)
    return text


def jsonl_line(record: Mapping[str, Any]) -> str:
    """A record as one JSON Lines row: the full contract result, or the row's errors."""
    return json_line({k: record[k] for k in ("row", "case_id", "status", "result", "errors")})


def output_format(output: pathlib.Path, given: str | None, batch: BatchInput | None = None) -> str:
    """The batch output format: ``given`` (an output name's extension must agree with it),
    else the output name's extension; for a folder of parts, else the parts' own format."""
    named = by_suffix(output, BATCH_OUTPUT_FORMATS)
    if given is not None:
        if named is not None and named != given:
            raise BatchInputError(f"{output.name}: the name says {named} but the format asked "
                                  f"for is {given}; make them agree")
        return given
    if batch is not None and batch.folder:
        if named is not None:
            return named
        if batch.fmt not in BATCH_OUTPUT_FORMATS:
            raise BatchInputError(f"{output.name}: parts cannot be written as {batch.fmt}; "
                                  "choose the output format with --format "
                                  + "|".join(BATCH_OUTPUT_FORMATS))
        return batch.fmt
    try:
        return format_of(output, None, BATCH_OUTPUT_FORMATS, "output")
    except InputError as error:
        raise BatchInputError(str(error)) from None


def output_parts(batch: BatchInput, fmt: str) -> list[tuple[str, int]]:
    """Each output part's file name (its input part's, with the format's extension) and
    row count, in order."""
    suffix = FORMATS[fmt].suffixes[0]
    return [(pathlib.PurePath(name).stem + suffix, rows) for name, rows in batch.part_rows()]


def check_output(batch: BatchInput, output: str | os.PathLike, fmt: str | None = None) -> str:
    """Refuse, before any work, an output the batch cannot be written to; its format.
    A file input writes one file; a folder input a folder that does not exist yet (or
    is empty), one part per input part."""
    output = pathlib.Path(output)
    out_fmt = output_format(output, fmt, batch)
    if batch.path is not None and output.resolve() == batch.path.resolve():
        raise BatchInputError(f"{output.name}: the output would overwrite the input")
    if not batch.folder:
        check_writable(output)
        if out_fmt == "xlsx" and batch.rows + 1 > EXCEL_MAX_ROWS:
            raise BatchInputError(f"{batch.rows} rows do not fit in one Excel sheet; "
                                  "write .csv, .jsonl or .parquet")
        return out_fmt
    if batch.path is not None and output.resolve() in batch.path.resolve().parents:
        raise BatchInputError(f"{output.name}: the output folder would hold the input folder")
    check_writable_folder(output)
    parts = output_parts(batch, out_fmt)
    names = [name for name, _rows in parts]
    clashing = sorted({n for n in names if names.count(n) > 1})
    if clashing:
        raise BatchInputError(f"{batch.name}: parts would give output parts of the same name: "
                              + ", ".join(map(_header, clashing)))
    too_long = [name for name, rows in parts if rows + 1 > EXCEL_MAX_ROWS]
    if out_fmt == "xlsx" and too_long:
        raise BatchInputError(f"{batch.name}: parts {', '.join(map(_header, too_long))} do not fit "
                              "in one Excel sheet; write csv, jsonl or parquet")
    return out_fmt


def write_output(batch: BatchInput, output: str | os.PathLike, fmt: str, layout: TableLayout,
                 kb_version: str, chunks: Iterable[list[dict]]) -> None:
    """Write the record chunks of ``batch`` to ``output`` (checked by ``check_output``):
    one file; or, for a folder input, a folder written as a hidden sibling and renamed
    into place only once every part is written (each part holds its input part's rows)."""
    if not batch.folder:
        write_records(output, fmt, layout, kb_version, chunks)
        return
    records = _Records(iter(chunks))
    with atomic_folder(output) as folder:
        for name, rows in output_parts(batch, fmt):
            write_records(folder / name, fmt, layout, kb_version, records.take(rows))
        if records.left():  # never: the parts hold every row the batch screened
            raise BatchInputError(f"{batch.name}: more rows were screened than the parts hold")


class _Records:
    """A stream of record chunks cut at part boundaries (a chunk may hold rows of two)."""

    def __init__(self, chunks: Iterator[list[dict]]):
        self._chunks = chunks
        self._held: list[dict] = []

    def take(self, rows: int) -> Iterator[list[dict]]:
        """The next ``rows`` records, in chunks."""
        wanted = rows
        while wanted:
            if not self._held:
                chunk = next(self._chunks, None)
                if chunk is None:
                    raise BatchInputError(f"the batch ended {wanted} rows before its last part")
                self._held = chunk
            given, self._held = self._held[:wanted], self._held[wanted:]
            wanted -= len(given)
            yield given

    def left(self) -> bool:
        return bool(self._held) or next(self._chunks, None) is not None


def write_records(path: str | os.PathLike, fmt: str, layout: TableLayout, kb_version: str,
                  chunks: Iterable[list[dict]]) -> None:
    """Write record chunks to ``path`` in ``fmt`` through the atomic writer."""
    with atomic_path(path) as temporary:
        if fmt == "jsonl":
            _write_jsonl(temporary, chunks)
        elif fmt == "parquet":
            _write_parquet(temporary, layout, ([typed_row(layout, kb_version, r) for r in chunk]
                                               for chunk in chunks))
        else:
            {"csv": _write_csv, "xlsx": _write_xlsx}[fmt](
                temporary, layout.names(), ([table_row(layout, kb_version, r) for r in chunk]
                                            for chunk in chunks))


# A spreadsheet reads a cell starting with one of these as a formula (CSV injection): such
# a text cell is written with a leading apostrophe, which spreadsheets show as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _not_a_formula(value: Any) -> Any:
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def _write_csv(path: pathlib.Path, columns: tuple[str, ...], chunks: Iterable[list[dict]]) -> None:
    import pandas as pd
    with open(path, "w", encoding="utf-8", newline="") as handle:
        header = True
        for chunk in chunks:
            guarded = [{k: _not_a_formula(v) for k, v in row.items()} for row in chunk]
            pd.DataFrame(guarded, columns=list(columns)).to_csv(handle, header=header, index=False)
            header = False
        if header:  # no rows at all: still a valid file with its header
            pd.DataFrame(columns=list(columns)).to_csv(handle, index=False)


def _write_jsonl(path: pathlib.Path, chunks: Iterable[list[dict]]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for chunk in chunks:
            handle.write("".join(jsonl_line(r) + "\n" for r in chunk))


def _excel_column(number: int) -> str:
    """Excel's letters for a 1-based column number (1 A, 27 AA)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _write_xlsx(path: pathlib.Path, columns: tuple[str, ...], chunks: Iterable[list[dict]]) -> None:
    """One sheet: the header row frozen (it stays in view when scrolling) and an
    autofilter over every column and row."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("results")
    sheet.freeze_panes = "A2"  # before the first row: a write-only sheet writes its views first
    rows = 0
    try:
        sheet.append(list(columns))
        for chunk in chunks:
            for row in chunk:
                cells: list[Any] = []
                for value in row.values():
                    if isinstance(value, str):
                        cell = WriteOnlyCell(sheet, value=value)
                        cell.data_type = "s"  # text stays text: a value starting with "=" is no formula
                        cells.append(cell)
                    else:
                        cells.append(value)  # a number, or None: an empty cell
                sheet.append(cells)
                rows += 1
    except BaseException:  # interrupted, or a chunk failed
        _abandon(sheet)
        raise
    sheet.auto_filter.ref = f"A1:{_excel_column(len(columns))}{rows + 1}"
    workbook.save(path)
    _fix_times(path)


def _abandon(sheet) -> None:
    """Close an unfinished write-only sheet now and remove its temporary file.  Left to
    the garbage collector, openpyxl's row generator would write to its closed file and
    Python would print ``Exception ignored in: ... WriteOnlyWorksheet._write_rows``."""
    with contextlib.suppress(Exception):
        sheet.close()
    writer = getattr(sheet, "_writer", None)  # openpyxl's own, holding the temporary file
    with contextlib.suppress(Exception):
        if writer is not None:
            writer.cleanup()


# Decided openly: an Excel file carries no time of its own (fixed document times, zip
# members dated zip's earliest date), so the same rows give the same bytes; the file
# system's modification time still says when it was written.
XLSX_DOCUMENT_TIME = b"2000-01-01T00:00:00Z"
_DOCUMENT_TIMES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)")


def _fix_times(path: pathlib.Path) -> None:
    import zipfile
    with zipfile.ZipFile(path) as original:
        members = [(info, original.read(info)) for info in original.infolist()]
    with zipfile.ZipFile(path, "w") as fixed:
        for info, data in members:
            if info.filename == "docProps/core.xml":
                data = _DOCUMENT_TIMES.sub(rb"\g<1>" + XLSX_DOCUMENT_TIME + rb"\g<2>", data)
            dated = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            dated.compress_type = info.compress_type
            dated.external_attr = info.external_attr
            fixed.writestr(dated, data)


def _write_parquet(path: pathlib.Path, layout: TableLayout, chunks: Iterable[list[dict]]) -> None:
    """Typed columns: ``row`` int64, text columns string, ``ids`` and ``sentences``
    columns list<string>; a missing value is a null, never an empty text."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    kinds = {"text": pa.string(), "ids": pa.list_(pa.string()), "sentences": pa.list_(pa.string())}
    schema = pa.schema([(c.name, pa.int64() if c.name == "row" else kinds[c.kind]) for c in layout.columns])
    with pq.ParquetWriter(path, schema) as writer:
        for chunk in chunks:
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
