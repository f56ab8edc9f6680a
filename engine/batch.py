"""Batch screening: a table of cases in, one result row per case out.

The flow is check first, then work:
1. ``open_batch`` reads the file once without screening anything: its structure (every
   row as wide as the header, valid UTF-8, the right JSON shape), its columns (a
   ``case_id`` column, no unknown columns, no columns that look like direct identifiers)
   and its case ids (no two rows with the same one).  A file that fails is refused with
   ``BatchInputError`` before any output exists.
2. ``BatchInput.chunks`` streams the rows again in chunks; ``screen_rows`` turns each
   row into exactly one record (status ``ok`` with the contract's result, or ``error``
   with every problem of the row), in one process or in a pool of worker processes
   (experta keeps process-wide state, so never threads).  Chunks come back in input
   order whatever the number of workers.
3. ``write_records`` writes the records through a temporary file that is renamed over
   the output only when every row has been written.

Cells of text formats are read as text and never converted by the reader: a blank cell
is "not known", and the vocabulary alone decides what a value means.
"""
from __future__ import annotations

import collections
import contextlib
import csv
import dataclasses
import hashlib
import json
import multiprocessing
import os
import pathlib
import re
import secrets
import signal
from typing import Any, Callable, Iterable, Iterator, Mapping

import engine
from engine.result import build_result
from engine.vocabulary import (
    CaseError, DuplicateField, InvalidJSON, Problem, Vocabulary, parse_json,
)

INPUT_FORMATS = ("csv", "tsv", "json", "jsonl", "xlsx", "parquet")
OUTPUT_FORMATS = ("csv", "jsonl", "xlsx", "parquet")
EXTENSION_FORMATS = {
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".json": "json", ".jsonl": "jsonl",
    ".ndjson": "jsonl", ".xlsx": "xlsx", ".parquet": "parquet",
}
# Delimiters a CSV file may use; the header line decides (it holds only field names).
CSV_DELIMITERS = (",", ";", "\t", "|")
# Rows per chunk: large enough that handing a chunk to a worker costs little next to
# screening it, small enough that memory holds only a few chunks at a time.
CHUNK_ROWS = 500
# Chunks in flight per worker: keeps every worker busy while the reader waits.
CHUNKS_IN_FLIGHT_PER_WORKER = 2
SHOWN_ERRORS = 5  # error messages repeated in the stderr summary
EXCEL_MAX_ROWS = 1_048_576  # one header row plus this many minus one result rows

# Column headers that look like direct identifiers, matched on the header in lower case
# with everything but letters and digits removed ("E-mail" -> "email").  Each pattern
# says why a column so named must not reach the engine or the output.
IDENTIFIER_COLUMNS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"name$|^(sur|fore|given|family|first|last|full)name|^initials$"),
     "a person's name"),
    (re.compile(r"email|^mail"), "an e-mail address"),
    (re.compile(r"phone|mobile|^tel$|^telephone|^cell$|^fax$"), "a telephone number"),
    (re.compile(r"address|street|^city$|^town$|postcode|postalcode|^zip(code)?$"), "a postal address"),
    (re.compile(r"^dob$|birth|^born$"), "a date of birth"),
    (re.compile(r"nhs|^chi(number)?$|healthnumber|healthcard|medicare|medicaid"),
     "a health-service number"),
    (re.compile(r"^ssn$|socialsecurity|nationalinsurance|^nino$|insurancenumber|passport"),
     "a social-security or national-insurance number"),
    (re.compile(r"^mrn$|medicalrecord|hospitalnumber|patientnumber"), "a medical record number"),
)

# Output columns of the tabular formats (CSV, Excel, Parquet), in order.  Lists are
# joined with LIST_SEPARATOR; sentences (warnings, errors) with TEXT_SEPARATOR.
TABLE_COLUMNS = ("row", "case_id", "status", "responder", "urgency", "possible_causes",
                 "red_flags", "recommended", "avoid", "caution", "fired_rules", "warnings",
                 "errors", "knowledge_base_version")
LIST_SEPARATOR = "; "
TEXT_SEPARATOR = " | "


class BatchInputError(Exception):
    """The input file (or the output path) cannot be used at all; nothing was screened."""


def identifier_reason(column: str) -> str | None:
    """Why ``column`` looks like a direct identifier, or None."""
    compact = re.sub(r"[^a-z0-9]", "", str(column).lower())
    for pattern, reason in IDENTIFIER_COLUMNS:
        if pattern.search(compact):
            return reason
    return None


def format_of(path: pathlib.Path, given: str | None, formats: tuple[str, ...], role: str) -> str:
    if given:
        return given
    fmt = EXTENSION_FORMATS.get(path.suffix.lower())
    if fmt not in formats:
        raise BatchInputError(
            f"{role} {path.name!r}: cannot tell the format from the extension "
            f"{path.suffix or '(none)'!r}; use one of "
            + ", ".join(f".{f}" for f in formats)
            + (" or --input-format" if role == "input" else ""))
    return fmt


# ---------------------------------------------------------------- reading and checking

@dataclasses.dataclass
class BatchInput:
    """A checked input file: its format, the columns screened, and how many rows it has."""

    path: pathlib.Path
    fmt: str
    columns: list[str]          # columns passed to the engine, in file order
    dropped: list[str]          # identifier columns left out (with --drop-identifiers)
    rows: int
    delimiter: str = ","
    # JSON lists and Excel sheets cannot be read in pieces; they are held once, here.
    _loaded: list[dict] | None = dataclasses.field(default=None, repr=False)

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
            raise BatchInputError(f"{self.path.name}: reading stopped after row {number}: {error}") from error
        if number != self.rows:  # the check pass and the read disagree: never lose a row
            raise BatchInputError(f"{self.path.name}: read {number} rows, but the file "
                                  f"check counted {self.rows}; the file changed or is malformed")

    def _record_chunks(self, size: int) -> Iterator[list[dict]]:
        keep = set(self.columns)
        if self.fmt in ("csv", "tsv"):
            import pandas as pd
            reader = pd.read_csv(self.path, sep=self.delimiter, dtype=str, keep_default_na=False,
                                 na_filter=False, encoding="utf-8-sig", usecols=self.columns,
                                 chunksize=size, engine="c")
            with reader:
                for frame in reader:
                    yield frame[self.columns].to_dict("records")
        elif self.fmt == "parquet":
            import pyarrow.parquet as pq
            for batch in pq.ParquetFile(self.path).iter_batches(batch_size=size, columns=self.columns):
                yield batch.to_pylist()
        elif self.fmt in ("json", "xlsx"):
            rows = self._loaded or []
            for start in range(0, len(rows), size):
                yield [{k: v for k, v in raw.items() if k in keep} for raw in rows[start:start + size]]
        else:  # jsonl
            chunk = []
            for _line_number, raw in _jsonl_objects(self.path):
                chunk.append({k: v for k, v in raw.items() if k in keep})
                if len(chunk) == size:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk


def open_batch(path: str | os.PathLike, vocabulary: Vocabulary, input_format: str | None = None,
               drop_identifiers: bool = False) -> BatchInput:
    """Check a batch file before any work; raise BatchInputError naming what is wrong."""
    path = pathlib.Path(path)
    if not path.exists():
        raise BatchInputError(f"{path.name}: no such file")
    if not path.is_file():
        raise BatchInputError(f"{path.name}: not a file")
    fmt = format_of(path, input_format, INPUT_FORMATS, "input")
    try:
        delimiter, loaded = ",", None
        if fmt in ("csv", "tsv"):
            header, ids, rows, delimiter = _check_csv(path, fmt, vocabulary.id_field)
        elif fmt == "parquet":
            header, ids, rows = _check_parquet(path, vocabulary.id_field)
        elif fmt == "jsonl":
            header, ids, rows = _check_jsonl(path, vocabulary.id_field)
        else:
            if fmt == "xlsx":
                frame = _read_excel(path)
                header, loaded = [str(c) for c in frame.columns], frame.to_dict("records")
            else:
                loaded = _check_json(path)
                header = _keys(loaded)
            ids, rows = [raw.get(vocabulary.id_field) for raw in loaded], len(loaded)
    except UnicodeDecodeError as error:
        raise BatchInputError(f"{path.name}: not UTF-8 text (it holds the byte "
                              f"{error.object[error.start]:#04x}); save the file as UTF-8") from error
    except BatchInputError:
        raise
    except Exception as error:  # the format's own reader refused the file
        raise BatchInputError(f"{path.name}: cannot be read as {fmt}: {error}") from error
    if rows == 0:
        raise BatchInputError(f"{path.name}: no rows to screen (the file is empty or has a header only)")
    columns, dropped = _check_columns(path.name, header, vocabulary, drop_identifiers)
    _check_unique_ids(path.name, ids, vocabulary.id_field)
    return BatchInput(path=path, fmt=fmt, columns=columns, dropped=dropped, rows=rows,
                      delimiter=delimiter, _loaded=loaded)


def _check_csv(path: pathlib.Path, fmt: str, id_field: str) -> tuple[list[str], list, int, str]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
        if not first.strip():
            raise BatchInputError(f"{path.name}: empty file (no header line)")
        delimiter = "\t" if fmt == "tsv" else max(CSV_DELIMITERS, key=first.count)
        handle.seek(0)  # the utf-8-sig decoder drops a BOM again after the seek
        reader = csv.reader(handle, delimiter=delimiter)
        header = next(reader)
        id_index = header.index(id_field) if id_field in header else None
        ids, rows = [], 0
        for record in reader:
            if not record:  # a blank line is not a row (pandas skips it too)
                continue
            rows += 1
            if len(record) != len(header):
                raise BatchInputError(
                    f"{path.name}: line {reader.line_num} has {len(record)} fields but the header "
                    f"has {len(header)} (delimiter {delimiter!r}); every row must have one cell per column")
            if id_index is not None:
                ids.append(record[id_index])
    return header, ids, rows, delimiter


def _read_excel(path: pathlib.Path):
    import pandas as pd
    return pd.read_excel(path, sheet_name=0, dtype=str, keep_default_na=False, na_filter=False)


def _check_parquet(path: pathlib.Path, id_field: str) -> tuple[list[str], list, int]:
    import pyarrow.parquet as pq
    parquet = pq.ParquetFile(path)
    header = list(parquet.schema_arrow.names)
    ids: list = []
    if id_field in header:
        for batch in parquet.iter_batches(columns=[id_field]):
            ids.extend(batch.column(0).to_pylist())
    return header, ids, parquet.metadata.num_rows


def _check_json(path: pathlib.Path) -> list[dict]:
    with open(path, encoding="utf-8-sig") as handle:
        text = handle.read()
    if not text.strip():
        raise BatchInputError(f"{path.name}: empty file")
    try:
        data = parse_json(text)
    except (DuplicateField, InvalidJSON) as error:
        raise BatchInputError(f"{path.name}: {error}") from None
    if not isinstance(data, list):
        raise BatchInputError(f"{path.name}: expected a JSON list of case objects, "
                              f"got a JSON {_json_kind(data)}")
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise BatchInputError(f"{path.name}: item {index} of the list is a JSON "
                                  f"{_json_kind(item)}, expected a case object")
    return data


def _jsonl_objects(path: pathlib.Path) -> Iterator[tuple[int, dict]]:
    with open(path, encoding="utf-8-sig") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = parse_json(line)
            except (DuplicateField, InvalidJSON) as error:
                raise BatchInputError(f"{path.name}: line {line_number}: {error}") from None
            if not isinstance(item, dict):
                raise BatchInputError(f"{path.name}: line {line_number} is a JSON "
                                      f"{_json_kind(item)}, expected a case object")
            yield line_number, item


def _check_jsonl(path: pathlib.Path, id_field: str) -> tuple[list[str], list, int]:
    keys: dict[str, None] = {}
    ids, rows = [], 0
    for _line_number, item in _jsonl_objects(path):
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


def _check_columns(name: str, header: list[str], vocabulary: Vocabulary,
                   drop_identifiers: bool) -> tuple[list[str], list[str]]:
    problems = []
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        problems.append("columns appear more than once: " + ", ".join(map(repr, repeated)))
    if vocabulary.id_field not in header:
        problems.append(f"no {vocabulary.id_field!r} column: every batch row needs an anonymised case id")
    identifiers = [(c, identifier_reason(c)) for c in header
                   if c not in vocabulary and identifier_reason(c)]
    if identifiers and not drop_identifiers:
        problems.append(
            "columns that look like direct identifiers: "
            + ", ".join(f"{c!r} ({reason})" for c, reason in identifiers)
            + "; remove them from the file, or pass --drop-identifiers to leave them out "
              "of processing and output")
    unknown = [c for c in header if c not in vocabulary and not identifier_reason(c)]
    if unknown:
        described = []
        for column in unknown:
            suggestion = vocabulary.suggest_field(column)
            described.append(f"{column!r}" + (f" (did you mean {suggestion!r}?)" if suggestion else ""))
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
        digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
        if digest in first_row:
            repeats.append((first_row[digest], row))
        else:
            first_row[digest] = row
    if repeats:
        shown = ", ".join(f"row {b} repeats row {a}" for a, b in repeats[:5])
        more = f" (and {len(repeats) - 5} more)" if len(repeats) > 5 else ""
        raise BatchInputError(f"{name}: {id_field} must be unique, but {shown}{more}")


# ---------------------------------------------------------------- screening

def screen_rows(rows: list[tuple[int, dict]]) -> list[dict]:
    """One record per row: ``{"row", "case_id", "status", "result", "errors"}``."""
    screener = engine.screener_for()
    id_field = screener.kb.vocabulary.id_field
    records = []
    for number, raw in rows:
        label = f"row {number}"
        raw = {k: _cell(v) for k, v in raw.items()}
        try:
            case = screener.validate(raw, label)
            if case.case_id is None:
                raise CaseError(None, label, [_missing_id(id_field, raw)])
            result = build_result(screener.kb, screener.run(case))
        except CaseError as error:
            problems = list(error.problems)
            if error.case_id is None and not any(p.field == id_field for p in problems):
                problems.insert(0, _missing_id(id_field, raw))
            error = CaseError(error.case_id, label, problems)
            records.append({"row": number, "case_id": error.case_id, "status": "error",
                            "result": None, "errors": error.as_dicts(), "message": error.message()})
        else:
            records.append({"row": number, "case_id": result["case_id"], "status": "ok",
                            "result": result, "errors": []})
    return records


def _cell(value: Any) -> Any:
    """A reader's missing value (None, NaN) is a blank cell: not known."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value


def _missing_id(id_field: str, raw: Mapping[str, Any]) -> Problem:
    return Problem(id_field, raw.get(id_field) if raw.get(id_field) is not None else "",
                   "an anonymised case id: every row of a batch file needs one")


def _start_worker() -> None:
    # Ctrl-C reaches every process of the group; the parent alone stops the run.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    engine.screener_for()  # build the engine before the first chunk arrives


def screened_chunks(chunks: Iterable[list[tuple[int, dict]]], jobs: int) -> Iterator[list[dict]]:
    """Screen chunks in ``jobs`` worker processes (1: in this process), in input order.
    At most a few chunks per worker are in flight, so memory does not grow with the file."""
    if jobs <= 1:
        for chunk in chunks:
            yield screen_rows(chunk)
        return
    context = multiprocessing.get_context("spawn")  # a clean interpreter: no inherited experta state
    with context.Pool(jobs, initializer=_start_worker) as pool:
        pending: collections.deque = collections.deque()
        for chunk in chunks:
            pending.append(pool.apply_async(screen_rows, (chunk,)))
            if len(pending) >= jobs * CHUNKS_IN_FLIGHT_PER_WORKER:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# ---------------------------------------------------------------- summary and coverage

class BatchSummary:
    """Counts over a batch, built one record at a time (no identifiers: ids are never kept)."""

    def __init__(self, kb):
        self.kb = kb
        self.rows = 0
        self.ok = 0
        self.errors = 0
        self.responder: collections.Counter = collections.Counter()
        self.urgency: collections.Counter = collections.Counter()
        self.causes: collections.Counter = collections.Counter()
        self.red_flags: collections.Counter = collections.Counter()
        self.error_fields: collections.Counter = collections.Counter()
        self.rules_fired: collections.Counter = collections.Counter()
        self.first_errors: list[str] = []  # a few messages as examples; the output has all

    def add(self, record: dict) -> None:
        self.rows += 1
        if record["status"] != "ok":
            self.errors += 1
            self.error_fields.update({p["field"] for p in record["errors"]})
            if len(self.first_errors) < SHOWN_ERRORS:
                self.first_errors.append(record["message"])
            return
        self.ok += 1
        result = record["result"]
        self.responder[result["responder"]["type"]] += 1
        self.urgency[result["urgency"]] += 1
        self.causes.update(c["id"] for c in result["possible_causes"])
        self.red_flags.update({f["condition"] for f in result["red_flags"]})
        self.rules_fired.update(set(result["fired_rules"]))

    def as_dict(self) -> dict:
        return {
            "knowledge_base": {"version": self.kb.version, "digest": self.kb.digest},
            "rows": self.rows, "ok": self.ok, "errors": self.errors,
            "responder": _sorted_counts(self.responder),
            "urgency": _sorted_counts(self.urgency),
            "possible_causes": _sorted_counts(self.causes),
            "red_flags": _sorted_counts(self.red_flags),
            "error_fields": _sorted_counts(self.error_fields),
        }

    def text(self) -> str:
        data = self.as_dict()
        lines = [f"{data['rows']} rows: {data['ok']} ok, {data['errors']} with errors"]
        for key, heading in (("responder", "responder"), ("urgency", "urgency"),
                             ("possible_causes", "possible causes"), ("red_flags", "red flags"),
                             ("error_fields", "fields with errors")):
            counts = data[key]
            shown = ", ".join(f"{name} {count}" for name, count in counts.items()) or "none"
            lines.append(f"  {heading}: {shown}")
        if self.first_errors:
            more = " (all are in the output)" if self.errors > len(self.first_errors) else ""
            lines.append(f"first rows with errors{more}:")
            lines.extend("  " + message.replace("\n", "\n  ") for message in self.first_errors)
        return "\n".join(lines)

    def coverage(self) -> dict:
        """How many screened cases fired each rule, in rulebook order, and which never fired."""
        rules = [{"id": rule.id, "title": rule.title, "topic": rule.topic,
                  "cases": self.rules_fired[rule.id],
                  "share": round(self.rules_fired[rule.id] / self.ok, 4) if self.ok else 0.0}
                 for rule in self.kb.rules]
        never = [r["id"] for r in rules if r["cases"] == 0]
        return {"knowledge_base": {"version": self.kb.version, "digest": self.kb.digest},
                "cases_screened": self.ok, "rules": len(rules),
                "rules_fired": len(rules) - len(never), "never_fired": never, "by_rule": rules}


def _sorted_counts(counter: collections.Counter) -> dict:
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


# ---------------------------------------------------------------- writing

def table_row(record: dict) -> dict:
    """A record flattened for CSV, Excel and Parquet (see TABLE_COLUMNS)."""
    result = record["result"] or {}
    exercises = result.get("exercises", {})
    return {
        "row": record["row"],
        "case_id": record["case_id"] or "",
        "status": record["status"],
        "responder": result.get("responder", {}).get("type", ""),
        "urgency": result.get("urgency", ""),
        "possible_causes": _ids(result.get("possible_causes", []), "id"),
        "red_flags": _ids(result.get("red_flags", []), "condition"),
        "recommended": _ids(exercises.get("recommended", []), "id"),
        "avoid": _ids(exercises.get("avoid", []), "id"),
        "caution": _ids(exercises.get("caution", []), "id"),
        "fired_rules": LIST_SEPARATOR.join(result.get("fired_rules", [])),
        "warnings": TEXT_SEPARATOR.join(result.get("warnings", [])),
        "errors": TEXT_SEPARATOR.join(Problem(**p).describe() for p in record["errors"]),
        # every row, error rows too, names the knowledge base it was checked against
        "knowledge_base_version": engine.load_knowledge_base().version,
    }


def _ids(entries: list[dict], key: str) -> str:
    return LIST_SEPARATOR.join(dict.fromkeys(entry[key] for entry in entries))


def jsonl_line(record: dict) -> str:
    """A record as one JSON Lines row: the full contract result, or the row's errors."""
    shown = {k: record[k] for k in ("row", "case_id", "status", "result", "errors")}
    return json.dumps(shown, ensure_ascii=False, allow_nan=False)


@contextlib.contextmanager
def atomic_path(path: pathlib.Path) -> Iterator[pathlib.Path]:
    """A temporary path beside ``path``, renamed over it only if the block completes;
    on any interruption the temporary file is removed and ``path`` is left as it was."""
    directory = path.parent
    if not directory.is_dir():
        raise BatchInputError(f"cannot write {path.name}: its folder does not exist")
    temporary = directory / f".{path.name}.{secrets.token_hex(6)}.partial"
    # created as an ordinary file (the umask applies), and never over an existing one
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        yield temporary
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_json(path: pathlib.Path, data: Any) -> None:
    with atomic_path(path) as temporary:
        temporary.write_text(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n",
                              encoding="utf-8")


def write_records(path: pathlib.Path, fmt: str, chunks: Iterable[list[dict]]) -> None:
    """Write record chunks to ``path`` in ``fmt`` atomically."""
    with atomic_path(path) as temporary:
        {"csv": _write_csv, "jsonl": _write_jsonl, "xlsx": _write_xlsx,
         "parquet": _write_parquet}[fmt](temporary, chunks)


def _write_csv(path: pathlib.Path, chunks: Iterable[list[dict]]) -> None:
    import pandas as pd
    with open(path, "w", encoding="utf-8", newline="") as handle:
        header = True
        for chunk in chunks:
            frame = pd.DataFrame([table_row(r) for r in chunk], columns=list(TABLE_COLUMNS))
            frame.to_csv(handle, header=header, index=False)
            header = False
        if header:  # no rows at all: still a valid file with its header
            pd.DataFrame(columns=list(TABLE_COLUMNS)).to_csv(handle, index=False)


def _write_jsonl(path: pathlib.Path, chunks: Iterable[list[dict]]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for chunk in chunks:
            handle.write("".join(jsonl_line(r) + "\n" for r in chunk))


def _write_xlsx(path: pathlib.Path, chunks: Iterable[list[dict]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("results")
    sheet.append(list(TABLE_COLUMNS))
    for chunk in chunks:
        for record in chunk:
            cells = []
            for value in table_row(record).values():
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text: a value starting with "=" is no formula
                cells.append(cell)
            sheet.append(cells)
    workbook.save(path)


def _write_parquet(path: pathlib.Path, chunks: Iterable[list[dict]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    schema = pa.schema([("row", pa.int64())] + [(c, pa.string()) for c in TABLE_COLUMNS[1:]])
    with pq.ParquetWriter(path, schema) as writer:
        for chunk in chunks:
            rows = [table_row(r) for r in chunk]
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))


# ---------------------------------------------------------------- the whole batch

@dataclasses.dataclass
class BatchOutcome:
    summary: BatchSummary

    @property
    def all_ok(self) -> bool:
        return self.summary.errors == 0


def run_batch(batch: BatchInput, output: str | os.PathLike, jobs: int = 1,
              progress: Callable[[int], None] | None = None) -> BatchOutcome:
    """Screen every row of a checked input and write the records to ``output``."""
    output = pathlib.Path(output)
    out_fmt = format_of(output, None, OUTPUT_FORMATS, "output")
    if output.resolve() == batch.path.resolve():
        raise BatchInputError(f"{output.name}: the output would overwrite the input")
    if out_fmt == "xlsx" and batch.rows + 1 > EXCEL_MAX_ROWS:
        raise BatchInputError(f"{batch.rows} rows do not fit in one Excel sheet; "
                              "write .csv, .jsonl or .parquet")
    summary = BatchSummary(engine.load_knowledge_base())
    chunk_count = -(-batch.rows // CHUNK_ROWS)
    jobs = max(1, min(jobs, chunk_count))  # a worker with nothing to do only costs start-up

    def counted(chunks):
        for chunk in chunks:
            for record in chunk:
                summary.add(record)
            if progress:
                progress(len(chunk))
            yield chunk

    write_records(output, out_fmt, counted(screened_chunks(batch.chunks(), jobs)))
    return BatchOutcome(summary=summary)
