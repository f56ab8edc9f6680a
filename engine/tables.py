"""Batch files: reading and checking a table of cases, and writing a table of results.

The flow is check first, then work:
1. ``open_batch`` reads the file once without screening anything: its structure (every
   row as wide as the header, valid UTF-8, the right JSON shape), its columns (a case-id
   column, no unknown columns, no columns that look like direct identifiers) and its case
   ids (no two rows with the same one).  A file that fails is refused with
   ``BatchInputError`` before any output exists.  The input is a path or an open binary
   file (an upload): a file that cannot seek is held in memory once.
2. ``BatchInput.chunks`` streams the rows again in chunks of (row number, raw case).
3. ``write_records`` writes result records through the one atomic writer
   (engine/files.py), in the columns the knowledge base declares (engine/outputs.py).

Cells of text formats are read as text and never converted by the reader: a blank cell
is "not known", and the vocabulary alone decides what a value means.  This is the one
module of the engine that uses pandas, pyarrow and openpyxl.
"""
from __future__ import annotations

import codecs
import contextlib
import csv
import dataclasses
import hashlib
import io
import json
import os
import pathlib
import re
from typing import IO, Any, Iterable, Iterator, Mapping

from lbp_screen.engine.errors import InputError
from lbp_screen.engine.files import atomic_path, check_writable
from lbp_screen.engine.formats import BATCH_INPUT_FORMATS, BATCH_OUTPUT_FORMATS, by_suffix, format_of
from lbp_screen.engine.outputs import LIST_SEPARATOR, TEXT_SEPARATOR, TableLayout
from lbp_screen.engine.privacy import identifier_reason, shown
from lbp_screen.engine.vocabulary import DuplicateField, InvalidJSON, Problem, Vocabulary, parse_json

# Delimiters a CSV file may use; the header line decides (it holds only field names).
CSV_DELIMITERS = (",", ";", "\t", "|")
# Rows per chunk: large enough that handing a chunk to a worker costs little next to
# screening it, small enough that memory holds only a few chunks at a time.
CHUNK_ROWS = 500
EXCEL_MAX_ROWS = 1_048_576  # one header row plus this many minus one result rows


class BatchInputError(InputError):
    """The input file (or the output path) cannot be used at all; nothing was screened."""


class _Source:
    """A batch input: a path, or an open binary file (held in memory if it cannot seek)."""

    def __init__(self, source: str | os.PathLike | IO[bytes], name: str | None = None):
        self.path: pathlib.Path | None = None
        self._file: IO[bytes] | None = None
        if isinstance(source, (str, os.PathLike)):
            self.path = pathlib.Path(source)
            self.name = name or self.path.name
        else:
            self._file = source if source.seekable() else io.BytesIO(source.read())
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


# ---------------------------------------------------------------- reading and checking

@dataclasses.dataclass
class BatchInput:
    """A checked input file: its format, the columns screened, and how many rows it has."""

    source: _Source
    fmt: str
    columns: list[str]          # columns passed to the engine, in file order
    dropped: list[str]          # identifier columns left out (with --drop-identifiers)
    rows: int
    delimiter: str = ","
    # JSON lists and Excel sheets cannot be read in pieces; they are held once, here.
    _loaded: list[dict] | None = dataclasses.field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def path(self) -> pathlib.Path | None:
        return self.source.path

    def chunks(self, size: int | None = None) -> Iterator[list[tuple[int, dict]]]:
        """(row number, raw case) pairs in input order; row numbers count data rows from 1."""
        number = 0
        try:
            for records in self._record_chunks(size or CHUNK_ROWS):
                chunk = []
                for raw in records:
                    number += 1
                    chunk.append((number, raw))
                yield chunk
        except (ValueError, OSError) as error:  # e.g. the file changed since it was checked
            raise BatchInputError(f"{self.name}: reading stopped after row {number}: {error}") from error
        if number != self.rows:  # the check pass and the read disagree: never lose a row
            raise BatchInputError(f"{self.name}: read {number} rows, but the file "
                                  f"check counted {self.rows}; the file changed or is malformed")

    def _record_chunks(self, size: int) -> Iterator[list[dict]]:
        keep = set(self.columns)
        if self.fmt in ("csv", "tsv"):
            with _csv_records(self.source, self.fmt) as (header, _delimiter, records):
                places = [(name, header.index(name)) for name in self.columns]
                chunk: list[dict] = []
                for record in records:
                    chunk.append({name: record[i] for name, i in places})
                    if len(chunk) == size:
                        yield chunk
                        chunk = []
                if chunk:
                    yield chunk
        elif self.fmt == "parquet":
            import pyarrow.parquet as pq
            with self.source.binary() as handle:
                for batch in pq.ParquetFile(handle).iter_batches(batch_size=size, columns=self.columns):
                    yield batch.to_pylist()
        elif self.fmt in ("json", "xlsx"):
            rows = self._loaded or []
            for start in range(0, len(rows), size):
                yield [{k: v for k, v in raw.items() if k in keep} for raw in rows[start:start + size]]
        else:  # jsonl
            chunk = []
            for _line_number, raw in _jsonl_objects(self.source):
                chunk.append({k: v for k, v in raw.items() if k in keep})
                if len(chunk) == size:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk


def open_batch(source: str | os.PathLike | IO[bytes], vocabulary: Vocabulary,
               input_format: str | None = None, drop_identifiers: bool = False,
               name: str | None = None) -> BatchInput:
    """Check a batch file (a path, or an open binary file named ``name``) before any work;
    raise BatchInputError naming what is wrong."""
    checked = _Source(source, name)
    path = checked.path
    if path is not None and not path.exists():
        raise BatchInputError(f"{checked.name}: no such file")
    if path is not None and path.is_dir():
        raise BatchInputError(f"{checked.name}: is a folder; give one batch file")
    if path is not None and not path.is_file():
        raise BatchInputError(f"{checked.name}: not a file")
    try:
        fmt = format_of(checked.name, input_format, BATCH_INPUT_FORMATS, "input")
    except InputError as error:
        raise BatchInputError(str(error)) from None
    if fmt in ("csv", "tsv", "json", "jsonl"):
        _refuse_utf16(checked)
    try:
        delimiter, loaded = ",", None
        if fmt in ("csv", "tsv"):
            header, ids, rows, delimiter = _check_csv(checked, fmt, vocabulary.id_field)
        elif fmt == "parquet":
            header, ids, rows = _check_parquet(checked, vocabulary.id_field)
        elif fmt == "jsonl":
            header, ids, rows = _check_jsonl(checked, vocabulary.id_field)
        else:
            if fmt == "xlsx":
                header, loaded = _read_excel(checked)
            else:
                loaded = _check_json(checked)
                header = _keys(loaded)
            ids, rows = [raw.get(vocabulary.id_field) for raw in loaded], len(loaded)
    except UnicodeDecodeError as error:
        raise BatchInputError(f"{checked.name}: not UTF-8 text (it holds the byte "
                              f"{error.object[error.start]:#04x}); save the file as UTF-8") from error
    except BatchInputError:
        raise
    except Exception as error:  # the format's own reader refused the file
        raise BatchInputError(f"{checked.name}: cannot be read as {fmt}: {error}") from error
    if rows == 0:
        raise BatchInputError(f"{checked.name}: no rows to screen (the file is empty or has a header only)")
    columns, dropped = _check_columns(checked.name, header, vocabulary, drop_identifiers)
    _check_unique_ids(checked.name, ids, vocabulary.id_field)
    return BatchInput(source=checked, fmt=fmt, columns=columns, dropped=dropped, rows=rows,
                      delimiter=delimiter, _loaded=loaded)


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
        id_index = header.index(id_field) if id_field in header else None
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
        if id_field in header:
            for batch in parquet.iter_batches(columns=[id_field]):
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


def _check_jsonl(source: _Source, id_field: str) -> tuple[list[str], list, int]:
    keys: dict[str, None] = {}
    ids, rows = [], 0
    for _line_number, item in _jsonl_objects(source):
        rows += 1
        keys.update(dict.fromkeys(item))
        ids.append(item.get(id_field))
    return list(keys), ids, rows


def _keys(rows: list[dict]) -> list[str]:
    keys: dict[str, None] = {}
    for raw in rows:
        keys.update(dict.fromkeys(raw))
    return list(keys)


def _json_kind(value: Any) -> str:
    return {dict: "object", list: "list", str: "string", bool: "true/false",
            type(None): "null"}.get(type(value), "number")


def _header(column: str) -> str:
    """A column header as a message may show it: a header row can hold a person's data
    (a file without one), so an identifier-shaped header is withheld like any value."""
    echoed = shown(str(column))
    return echoed if echoed != column else repr(column)


def _check_columns(name: str, header: list[str], vocabulary: Vocabulary,
                   drop_identifiers: bool) -> tuple[list[str], list[str]]:
    problems = []
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        problems.append("columns appear more than once: " + ", ".join(map(_header, repeated)))
    if vocabulary.id_field not in header:
        problems.append(f"no {vocabulary.id_field!r} column: every batch row needs an anonymised case id")
    identifiers = [(c, identifier_reason(c)) for c in header
                   if c not in vocabulary and identifier_reason(c)]
    if identifiers and not drop_identifiers:
        problems.append(
            "columns that look like direct identifiers: "
            + ", ".join(f"{_header(c)} ({reason})" for c, reason in identifiers)
            + "; remove them from the file, or pass --drop-identifiers to leave them out "
              "of processing and output")
    unknown = [c for c in header if c not in vocabulary and not identifier_reason(c)]
    if unknown:
        described = []
        for column in unknown:
            suggestion = vocabulary.suggest_field(column)
            described.append(_header(column) + (f" (did you mean {suggestion!r}?)" if suggestion else ""))
        problems.append("unknown columns: " + ", ".join(described)
                        + "; see `lbp vocabulary` for the fields a case may carry")
    if problems:
        raise BatchInputError(f"{name}: " + "; ".join(problems) if len(problems) == 1
                              else f"{name}:\n" + "\n".join(f"  - {p}" for p in problems))
    dropped = [c for c, _reason in identifiers]
    return [c for c in header if c not in dropped], dropped


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




# ---------------------------------------------------------------- writing

def table_row(layout: TableLayout, kb_version: str, record: Mapping[str, Any]) -> dict[str, Any]:
    """A record flattened for CSV, Excel and Parquet: the engine's columns, and the
    knowledge base's own from its ``flatten`` (an error row leaves those blank)."""
    result = record["result"]
    own = layout.flatten(result) if result is not None else {}
    values = {
        "row": record["row"],
        "case_id": record["case_id"] or "",
        "status": record["status"],
        "fired_rules": result["fired_rules"] if result is not None else [],
        "errors": [Problem(**p).describe() for p in record["errors"]],
        # every row, error rows too, names the knowledge base it was checked against
        "knowledge_base_version": kb_version,
    }
    row = {}
    for column in layout.columns:
        value = values[column.name] if column.name in values else own.get(column.name, "")
        if column.kind != "text":
            separator = TEXT_SEPARATOR if column.kind == "sentences" else LIST_SEPARATOR
            value = separator.join(value or [])
        row[column.name] = value
    return row


def jsonl_line(record: Mapping[str, Any]) -> str:
    """A record as one JSON Lines row: the full contract result, or the row's errors."""
    shown = {k: record[k] for k in ("row", "case_id", "status", "result", "errors")}
    return json.dumps(shown, ensure_ascii=False, allow_nan=False)


def output_format(output: pathlib.Path, given: str | None) -> str:
    """The batch output format: ``given`` (an output name's extension must agree with it),
    else the output name's extension; a clear refusal otherwise."""
    named = by_suffix(output, BATCH_OUTPUT_FORMATS)
    if given is not None:
        if named is not None and named != given:
            raise BatchInputError(f"{output.name}: the name says {named} but the format asked "
                                  f"for is {given}; make them agree")
        return given
    try:
        return format_of(output, None, BATCH_OUTPUT_FORMATS, "output")
    except InputError as error:
        raise BatchInputError(str(error)) from None


def check_output(batch: BatchInput, output: str | os.PathLike, fmt: str | None = None) -> str:
    """Refuse, before any work, an output the batch cannot be written to; its format."""
    output = pathlib.Path(output)
    out_fmt = output_format(output, fmt)
    if batch.path is not None and output.resolve() == batch.path.resolve():
        raise BatchInputError(f"{output.name}: the output would overwrite the input")
    check_writable(output)
    if out_fmt == "xlsx" and batch.rows + 1 > EXCEL_MAX_ROWS:
        raise BatchInputError(f"{batch.rows} rows do not fit in one Excel sheet; "
                              "write .csv, .jsonl or .parquet")
    return out_fmt


def write_output(batch: BatchInput, output: str | os.PathLike, fmt: str, layout: TableLayout,
                 kb_version: str, chunks: Iterable[list[dict]]) -> None:
    """Write the record chunks of ``batch`` to ``output`` (checked by ``check_output``)."""
    write_records(output, fmt, layout, kb_version, chunks)


def write_records(path: str | os.PathLike, fmt: str, layout: TableLayout, kb_version: str,
                  chunks: Iterable[list[dict]]) -> None:
    """Write record chunks to ``path`` in ``fmt`` through the atomic writer."""
    def rows(chunk):
        return [table_row(layout, kb_version, r) for r in chunk]

    with atomic_path(path) as temporary:
        if fmt == "jsonl":
            _write_jsonl(temporary, chunks)
        else:
            {"csv": _write_csv, "xlsx": _write_xlsx, "parquet": _write_parquet}[fmt](
                temporary, layout.names(), (rows(chunk) for chunk in chunks))


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


def _write_xlsx(path: pathlib.Path, columns: tuple[str, ...], chunks: Iterable[list[dict]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("results")
    try:
        sheet.append(list(columns))
        for chunk in chunks:
            for row in chunk:
                cells = []
                for value in row.values():
                    cell = WriteOnlyCell(sheet, value=value)
                    if isinstance(value, str):
                        cell.data_type = "s"  # text stays text: a value starting with "=" is no formula
                    cells.append(cell)
                sheet.append(cells)
    except BaseException:  # interrupted, or a chunk failed
        _abandon(sheet)
        raise
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


def _write_parquet(path: pathlib.Path, columns: tuple[str, ...], chunks: Iterable[list[dict]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    schema = pa.schema([(c, pa.int64() if c == "row" else pa.string()) for c in columns])
    with pq.ParquetWriter(path, schema) as writer:
        for chunk in chunks:
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
