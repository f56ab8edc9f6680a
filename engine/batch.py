"""Batch screening: rows of cases in, one record per row out, in input order.

``screen_rows`` turns each row into exactly one record (status ``ok`` with the contract's
result, or ``error`` with every problem of the row); ``screened_chunks`` does it in this
process or in a pool of worker processes, each building its own engine from the knowledge
base's ``import_path`` (experta engines do not pickle), and gives the chunks back in input
order whatever the number of workers.  ``BatchSummary`` counts what the knowledge base
declares (``KnowledgeBase.summary_counts``), never an id.  Reading and writing files is
engine/tables.py.
"""
from __future__ import annotations

import collections
import dataclasses
import importlib
import multiprocessing
import os
import pathlib
import signal
from typing import Any, Callable, Iterable, Iterator, Mapping

import engine
from engine.formats import BATCH_OUTPUT_FORMATS, format_of
from engine.errors import InputError
from engine.files import check_writable
from engine.result import build_result
from engine.rulebook import KnowledgeBase
from engine.runner import screener_for
from engine.tables import CHUNK_ROWS, EXCEL_MAX_ROWS, BatchInput, BatchInputError, write_records
from engine.vocabulary import CaseError, Problem

# Chunks in flight per worker: keeps every worker busy while the reader waits.
CHUNKS_IN_FLIGHT_PER_WORKER = 2
SHOWN_ERRORS = 5  # error messages repeated in the stderr summary

Rows = Iterable[tuple[int, Mapping[str, Any]]]


def screen_rows(kb: KnowledgeBase, rows: Rows) -> list[dict]:
    """One record per row: ``{"row", "case_id", "status", "result", "errors"}`` (and
    ``message`` for an error row)."""
    screener = screener_for(kb)
    id_field = kb.vocabulary.id_field
    records: list[dict[str, Any]] = []
    for number, raw in rows:
        label = f"row {number}"
        try:
            case = screener.validate(raw, label)
            if case.case_id is None:
                raise CaseError(None, label, [_missing_id(id_field, raw)])
            result = build_result(kb, screener.run(case))
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


def _missing_id(id_field: str, raw: Mapping[str, Any]) -> Problem:
    return Problem(id_field, raw.get(id_field) if raw.get(id_field) is not None else "",
                   "an anonymised case id: every row of a batch file needs one")


def load_knowledge_base(import_path: str) -> KnowledgeBase:
    """The knowledge base a ``module:attribute`` path names (how a worker gets its own)."""
    module, _, attribute = import_path.partition(":")
    kb = getattr(importlib.import_module(module), attribute)
    if not isinstance(kb, KnowledgeBase):
        raise TypeError(f"{import_path} is not a KnowledgeBase")
    return kb


_worker_kb: KnowledgeBase | None = None


def _start_worker(import_path: str) -> None:
    global _worker_kb
    # Ctrl-C reaches every process of the group; the parent alone stops the run.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_kb = load_knowledge_base(import_path)
    screener_for(_worker_kb)  # build the engine before the first chunk arrives


def _screen_in_worker(rows: list[tuple[int, dict]]) -> list[dict]:
    if _worker_kb is None:
        raise RuntimeError("worker started without a knowledge base")
    return screen_rows(_worker_kb, rows)


def screened_chunks(kb: KnowledgeBase, chunks: Iterable[list[tuple[int, dict]]],
                    jobs: int) -> Iterator[list[dict]]:
    """Screen chunks in ``jobs`` worker processes (1: in this process), in input order.
    At most a few chunks per worker are in flight, so memory does not grow with the file."""
    if jobs <= 1:
        for chunk in chunks:
            yield screen_rows(kb, chunk)
        return
    if not kb.import_path:
        raise ValueError(f"knowledge base {kb.name!r} has no import_path: workers cannot load it")
    context = multiprocessing.get_context("spawn")  # a clean interpreter: no inherited experta state
    with context.Pool(jobs, initializer=_start_worker, initargs=(kb.import_path,)) as pool:
        pending: collections.deque = collections.deque()
        for chunk in chunks:
            pending.append(pool.apply_async(_screen_in_worker, (chunk,)))
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

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.rows = 0
        self.ok = 0
        self.errors = 0
        self.counts: dict[str, collections.Counter] = {
            c.key: collections.Counter() for c in kb.summary_counts}
        self.error_fields: collections.Counter = collections.Counter()
        self.rules_fired: collections.Counter = collections.Counter()
        self.first_errors: list[str] = []  # a few messages as examples; the output has all

    def add(self, record: Mapping[str, Any]) -> None:
        self.rows += 1
        if record["status"] != "ok":
            self.errors += 1
            self.error_fields.update({p["field"] for p in record["errors"]})
            if len(self.first_errors) < SHOWN_ERRORS:
                self.first_errors.append(record["message"])
            return
        self.ok += 1
        result = record["result"]
        for count in self.kb.summary_counts:
            self.counts[count.key].update(count.values(result))
        self.rules_fired.update(set(result["fired_rules"]))

    def as_dict(self) -> dict[str, Any]:
        return {
            "knowledge_base": self.kb.provenance,
            "engine": engine.provenance(),
            "rows": self.rows, "ok": self.ok, "errors": self.errors,
            **{key: _sorted_counts(counter) for key, counter in self.counts.items()},
            "error_fields": _sorted_counts(self.error_fields),
        }

    def text(self) -> str:
        data = self.as_dict()
        lines = [f"{data['rows']} rows: {data['ok']} ok, {data['errors']} with errors"]
        headings = [(c.key, c.heading) for c in self.kb.summary_counts]
        for key, heading in [*headings, ("error_fields", "fields with errors")]:
            counts = data[key]
            shown = ", ".join(f"{name} {count}" for name, count in counts.items()) or "none"
            lines.append(f"  {heading}: {shown}")
        if self.first_errors:
            more = " (all are in the output)" if self.errors > len(self.first_errors) else ""
            lines.append(f"first rows with errors{more}:")
            lines.extend("  " + message.replace("\n", "\n  ") for message in self.first_errors)
        return "\n".join(lines)

    def coverage(self) -> dict[str, Any]:
        """How many screened cases fired each rule, in rulebook order, and which never fired."""
        rules = [{"id": rule.id, "title": rule.title, "topic": rule.topic,
                  "cases": self.rules_fired[rule.id],
                  "share": round(self.rules_fired[rule.id] / self.ok, 4) if self.ok else 0.0}
                 for rule in self.kb.rules]
        never = [r["id"] for r in rules if r["cases"] == 0]
        return {"knowledge_base": self.kb.provenance, "engine": engine.provenance(),
                "cases_screened": self.ok, "rules": len(rules),
                "rules_fired": len(rules) - len(never), "never_fired": never, "by_rule": rules}


def _sorted_counts(counter: collections.Counter) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


# ---------------------------------------------------------------- the whole batch

@dataclasses.dataclass
class BatchOutcome:
    summary: BatchSummary

    @property
    def all_ok(self) -> bool:
        return self.summary.errors == 0


def output_format(output: str | os.PathLike) -> str:
    """The batch output format an output name means (its extension), or a clear refusal."""
    try:
        return format_of(output, None, BATCH_OUTPUT_FORMATS, "output")
    except InputError as error:
        raise BatchInputError(str(error)) from None


def run_batch(kb: KnowledgeBase, batch: BatchInput, output: str | os.PathLike, jobs: int = 1,
              progress: Callable[[int], None] | None = None) -> BatchOutcome:
    """Screen every row of a checked input and write the records to ``output``."""
    output = pathlib.Path(output)
    out_fmt = output_format(output)
    if batch.path is not None and output.resolve() == batch.path.resolve():
        raise BatchInputError(f"{output.name}: the output would overwrite the input")
    check_writable(output)
    if out_fmt == "xlsx" and batch.rows + 1 > EXCEL_MAX_ROWS:
        raise BatchInputError(f"{batch.rows} rows do not fit in one Excel sheet; "
                              "write .csv, .jsonl or .parquet")
    summary = BatchSummary(kb)
    chunk_count = -(-batch.rows // CHUNK_ROWS)
    jobs = max(1, min(jobs, chunk_count))  # a worker with nothing to do only costs start-up

    def counted(chunks):
        for chunk in chunks:
            for record in chunk:
                summary.add(record)
            if progress:
                progress(len(chunk))
            yield chunk

    write_records(output, out_fmt, kb.table, kb.version,
                  counted(screened_chunks(kb, batch.chunks(), jobs)))
    return BatchOutcome(summary=summary)
