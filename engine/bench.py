"""``lbp bench``: how fast the batch pipeline screens, and how much memory it holds.

Cases are synthetic and seeded (the same seed gives the same cases): every answer field
is left blank about a third of the time, otherwise given a random valid value, as a
spreadsheet would hold it (text).  Each measurement runs in a fresh process so its peak
memory is its own:
- ``pipeline``: what ``lbp batch`` does per row minus file reading and writing
  (validation, screening with the full trace, the contract result, the flattened
  row), with one worker and with N workers;
- ``fresh engine``: a new experta engine built for every case, the usual way of
  running experta and the baseline the reused engine is compared with.
"""
from __future__ import annotations

import multiprocessing
import queue
import random
import resource
import sys
import time
from typing import Callable, Iterator

from lbp_screen.engine.batch import load_knowledge_base, screened_chunks
from lbp_screen.engine.result import build_result
from lbp_screen.engine.rulebook import KnowledgeBase
from lbp_screen.engine.runner import screener_for
from lbp_screen.engine.tables import CHUNK_ROWS, table_row
from lbp_screen.engine.vocabulary import Choice, Number

MAX_CASES = 100_000
DEFAULT_SIZES = (1_000, 10_000)
DEFAULT_SEED = 2024
BASELINE_CASES = 200        # a fresh engine per case is slow; a few hundred cases tell its rate
BLANK_SHARE = 1 / 3         # share of answers left blank ("not known")


def synthetic_rows(kb: KnowledgeBase, count: int, seed: int) -> Iterator[tuple[int, dict]]:
    """(row number, raw case) pairs, generated lazily so they take no memory."""
    vocabulary = kb.vocabulary
    fields = vocabulary.answer_fields()
    rng = random.Random(seed)
    for number in range(1, count + 1):
        raw = {vocabulary.id_field: f"synthetic-{number}"}
        for spec in fields:
            kind = spec.kind
            if rng.random() < BLANK_SHARE:
                raw[spec.name] = ""
            elif isinstance(kind, Choice):
                value = rng.choice(kind.values)
                # a real case never contradicts itself: an answer presuming a premise the
                # answers so far deny is left blank (premises come before their questions)
                premise = spec.premise
                denied = (premise is not None and value in premise.presumed_by
                          and premise.denied({k: v for k, v in raw.items() if v != ""}))
                raw[spec.name] = "" if denied else value
            elif isinstance(kind, Number):
                raw[spec.name] = str(rng.randint(int(kind.minimum), int(kind.maximum)))
        yield number, raw


def _chunked(rows: Iterator[tuple[int, dict]], size: int) -> Iterator[list[tuple[int, dict]]]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _peak_rss_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest finished child (MB)."""
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KB elsewhere
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale / 2**20
    return round(own, 1), round(child, 1)


def _pipeline(import_path: str, count: int, jobs: int, seed: int) -> dict:
    kb = load_knowledge_base(import_path)
    start = time.perf_counter()
    screened = 0
    for chunk in screened_chunks(kb, _chunked(synthetic_rows(kb, count, seed), CHUNK_ROWS), jobs):
        for record in chunk:
            table_row(kb.table, kb.version, record)
            screened += 1
    seconds = time.perf_counter() - start
    own, worker = _peak_rss_mb()
    return {"way": "pipeline", "cases": screened, "jobs": jobs, "seconds": round(seconds, 3),
            "cases_per_second": round(screened / seconds, 1),
            "peak_rss_mb": own, "peak_worker_rss_mb": worker if jobs > 1 else None}


def _fresh_engine(import_path: str, count: int, seed: int) -> dict:
    kb = load_knowledge_base(import_path)
    screener = screener_for(kb)
    start = time.perf_counter()
    for _number, raw in synthetic_rows(kb, count, seed):
        build_result(kb, screener.run_on_fresh_engine(screener.validate(raw)))
    seconds = time.perf_counter() - start
    own, _worker = _peak_rss_mb()
    return {"way": "fresh engine per case", "cases": count, "jobs": 1, "seconds": round(seconds, 3),
            "cases_per_second": round(count / seconds, 1), "peak_rss_mb": own,
            "peak_worker_rss_mb": None}


def _in_child(target, args, results) -> None:
    results.put(target(*args))


class BenchError(Exception):
    """A measurement process failed before reporting."""


def _measure(target: Callable[..., dict], *args) -> dict:
    """Run one measurement in a fresh process (its peak memory is its own)."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(target=_in_child, args=(target, args, results))
    process.start()
    try:
        while True:
            try:
                return results.get(timeout=1)
            except queue.Empty:
                if not process.is_alive():
                    try:  # it may have reported just before it ended
                        return results.get(timeout=1)
                    except queue.Empty:
                        raise BenchError(f"the measurement process ended with status "
                                         f"{process.exitcode} without a result") from None
    finally:
        process.join()


def run_benchmark(kb: KnowledgeBase, sizes: tuple[int, ...], jobs: int, seed: int,
                  baseline_cases: int, progress: Callable[[str], None] = lambda line: None) -> dict:
    """Each measurement in a fresh process that loads the knowledge base by its import path."""
    runs = []
    for count in sorted(set(sizes)):
        for workers in sorted({1, jobs}):
            progress(f"pipeline: {count:,} cases, {workers} worker(s)...")
            runs.append(_measure(_pipeline, kb.import_path, count, workers, seed))
    progress(f"baseline: a fresh experta engine for each of {baseline_cases:,} cases...")
    runs.append(_measure(_fresh_engine, kb.import_path, baseline_cases, seed))
    return {"knowledge_base": kb.provenance,
            "rules": len(kb.rules), "seed": seed, "chunk_rows": CHUNK_ROWS, "runs": runs}


def report_text(report: dict) -> str:
    lines = [f"knowledge base {report['knowledge_base']['version']} ({report['rules']} rules), "
             f"seed {report['seed']}",
             f"{'way':<24}{'cases':>8}{'jobs':>6}{'seconds':>10}{'cases/s':>10}"
             f"{'peak MB':>10}{'worker MB':>11}"]
    for run in report["runs"]:
        worker = "" if run["peak_worker_rss_mb"] is None else f"{run['peak_worker_rss_mb']:.1f}"
        lines.append(f"{run['way']:<24}{run['cases']:>8,}{run['jobs']:>6}{run['seconds']:>10.2f}"
                     f"{run['cases_per_second']:>10,.0f}{run['peak_rss_mb']:>10.1f}{worker:>11}")
    return "\n".join(lines)
