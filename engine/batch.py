"""Batch screening: rows of cases in, one record per row out, in input order.

``screen_rows`` turns each row into exactly one record (status ``ok`` with the contract's
result, or ``error`` with every problem of the row); ``screened_chunks`` does it in this
process or in worker processes, each building its own engine from the knowledge base's
``import_path`` (experta engines do not pickle), and gives the chunks back in input order
whatever the number of workers.  A lost worker stops the run (``WorkerLost``); workers
ignore terminal signals and end with their parent (see "worker processes" below).
``BatchSummary`` counts what the knowledge base declares (``KnowledgeBase.summary_counts``),
never an id.  Reading and writing files is engine/tables.py.
"""
from __future__ import annotations

import collections
import contextlib
import dataclasses
import importlib
import os
import pathlib
import pickle
import queue
import selectors
import signal
import struct
import subprocess
import sys
import threading
import traceback
from typing import IO, TYPE_CHECKING, Any, Callable, Generator, Iterable, Iterator, Mapping, NoReturn

from lbp_screen import engine
from lbp_screen.engine.errors import ScreeningError
from lbp_screen.engine.privacy import shown
from lbp_screen.engine.result import build_result
from lbp_screen.engine.rulebook import KnowledgeBase
from lbp_screen.engine.runner import screener_for
from lbp_screen.engine.tables import CHUNK_ROWS, BatchInput, check_output, write_output
from lbp_screen.engine.vocabulary import CaseError, Problem

if TYPE_CHECKING:
    from lbp_screen.engine.dask_batch import DaskTarget

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


def _missing_id(id_field: str, raw: Any) -> Problem:
    given = raw.get(id_field) if isinstance(raw, Mapping) else None
    return Problem(id_field, shown(given) if given is not None else "",
                   "an anonymised case id: every row of a batch file needs one")


def load_knowledge_base(import_path: str) -> KnowledgeBase:
    """The knowledge base a ``module:attribute`` path names (how a worker gets its own)."""
    module, _, attribute = import_path.partition(":")
    kb = getattr(importlib.import_module(module), attribute)
    if not isinstance(kb, KnowledgeBase):
        raise TypeError(f"{import_path} is not a KnowledgeBase")
    return kb


def screened_chunks(kb: KnowledgeBase, chunks: Iterable[list[tuple[int, dict]]],
                    jobs: int) -> Generator[list[dict], None, None]:
    """Screen chunks in ``jobs`` worker processes (1: in this process), in input order.
    At most a few chunks per worker are in flight, so memory does not grow with the file.

    Whatever ends the run early (a lost worker, an exception here or in the consumer, the
    generator closed), every worker is ended and reaped before this generator is done; a
    consumer that stops early closes it (``contextlib.closing``) so that happens at once.
    A lost worker is a ``WorkerLost`` error."""
    if jobs <= 1:
        for chunk in chunks:
            yield screen_rows(kb, chunk)
        return
    if not kb.import_path:
        raise ValueError(f"knowledge base {kb.name!r} has no import_path: workers cannot load it")
    workers = _start_workers(kb.import_path, jobs)
    try:
        yield from _in_order(workers, chunks, jobs * CHUNKS_IN_FLIGHT_PER_WORKER)
        for worker in workers:
            worker.finish()
    finally:
        for worker in workers:
            worker.end()


# ---------------------------------------------------------------- worker processes
#
# Why not multiprocessing.Pool or concurrent.futures.ProcessPoolExecutor: a Pool silently
# replaces a dead worker and the chunk it held never completes (the run hangs), its
# terminate() can deadlock on a worker that died holding a queue lock, and on POSIX every
# "spawn" process starts multiprocessing's resource tracker, which outlives a parent killed
# with kill -9 and then prints warnings.  ProcessPoolExecutor does notice a dead worker,
# but its workers hold both ends of their queue's pipe, so they do not notice a dead parent
# without a watchdog of their own.  So a worker here is a plain ``python -c`` child with
# two pipes: its stdin brings pickled chunks, its stdout takes the records back.
#
# - A lost worker (killed by the out-of-memory killer, crashed) is the end of its stdout:
#   the run stops at once with ``WorkerLost``.  The chunk is not run again: the same chunk
#   would most likely be killed again for the same memory, a chunk that crashes the
#   interpreter would loop forever, and re-running would hide a real problem; the user
#   learns what happened and can run again (with fewer workers if memory is short).
# - A dead parent is the end of the worker's stdin (the kernel closes a dead process's
#   pipes, kill -9 too): a thread of the worker that only reads its stdin then ends the
#   worker at once, silently (os._exit: no traceback, no BrokenPipeError, no clean-up
#   noise), even in the middle of a chunk.  That works on every POSIX system, unlike
#   prctl(PR_SET_PDEATHSIG), and needs no polling of os.getppid().
# - Signals from the terminal or the process group (SIGINT, SIGTERM, SIGHUP) are ignored by
#   the workers: the parent alone decides, ends every worker (SIGKILL: they hold no file)
#   and removes its temporary output.  The signals are blocked while a worker starts, so
#   one arriving then neither kills a half-started interpreter with a KeyboardInterrupt
#   traceback nor is lost for the parent (it is delivered once they are unblocked).

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                     if hasattr(signal, name))
_FRAME = struct.Struct("!Q")  # the length of the pickle that follows
FINISH_SECONDS = 5.0  # a worker told to finish that is still alive then is killed
# The worker's own start: the parent's import path first (so a knowledge base importable
# here is importable there, and no module in the working folder shadows one), then the
# knowledge base.  argv: -c, the knowledge base's import path, the parent's sys.path.
_WORKER_START = ("import sys; sys.path[:] = sys.argv[2:]; "
                 "from lbp_screen.engine.batch import _worker_main; _worker_main(sys.argv[1])")


class WorkerLost(ScreeningError):
    """A worker process ended before it returned its chunk: the run was stopped."""

    kind = "worker"


class ClusterError(ScreeningError):
    """The Dask cluster cannot be used (engine/dask_batch.py): Dask missing, no scheduler at
    the address, a worker that cannot run the screening, or the scheduler lost mid-run."""

    kind = "cluster"


def _start_workers(import_path: str, jobs: int) -> list["_Worker"]:
    if not sys.executable:
        raise RuntimeError("no Python interpreter (sys.executable) to start workers with")
    command = [sys.executable, "-c", _WORKER_START, import_path, *sys.path]
    workers: list[_Worker] = []
    try:
        with signals_blocked():
            for number in range(1, jobs + 1):
                process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                           bufsize=0, close_fds=True)
                workers.append(_Worker(number, process))
    except BaseException:
        for worker in workers:
            worker.end()
        raise
    return workers


@contextlib.contextmanager
def signals_blocked() -> Iterator[None]:
    """Hold back the stop signals (a child inherits the mask); delivered when unblocked."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class _Worker:
    """One worker process as the parent sees it: the chunks it holds, in the order sent."""

    def __init__(self, number: int, process: subprocess.Popen):
        assert process.stdin is not None and process.stdout is not None
        self.number = number
        self.process = process
        self.chunks: IO[bytes] = process.stdin  # to the worker
        self.records: IO[bytes] = process.stdout  # from the worker
        self.held: collections.deque[int] = collections.deque()

    def send(self, index: int, chunk: list[tuple[int, dict]]) -> None:
        try:
            _write_frame(self.chunks.fileno(), chunk)
        except (BrokenPipeError, ConnectionResetError):
            raise self.lost() from None
        self.held.append(index)

    def receive(self) -> tuple[int, list[dict]]:
        """The index and records of the oldest chunk it holds (its reply is ready)."""
        try:
            reply = _read_frame(self.records.fileno())
        except EOFError:
            reply = None
        if reply is None:
            raise self.lost()
        index = self.held.popleft()
        if reply[0] == "error":
            _status, error, remote = reply
            raise error from _RemoteTraceback(remote)
        return index, reply[1]

    def lost(self) -> WorkerLost:
        try:
            status = self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:  # it closed its pipe and lives on: no use now
            self.process.kill()
            status = self.process.wait()
        if status < 0:
            try:
                name = signal.Signals(-status).name
            except ValueError:
                name = f"signal {-status}"
            how = f"killed by {name}"
            if -status == getattr(signal, "SIGKILL", None):
                how += ", as when the system runs out of memory"
        else:
            how = f"exit status {status}"
        return WorkerLost(f"worker process {self.number} of the batch ended unexpectedly ({how}), "
                          "so the run was stopped")

    def finish(self) -> None:
        """Every chunk is back: close its stdin, which ends it; kill it if it lingers."""
        with contextlib.suppress(OSError):
            self.chunks.close()
        try:
            self.process.wait(timeout=FINISH_SECONDS)
        except subprocess.TimeoutExpired:
            pass  # end() kills it

    def end(self) -> None:
        """Kill it if it still runs, reap it and close its pipes; quietly, whatever happens."""
        process = self.process
        if process.poll() is None:
            with contextlib.suppress(OSError):
                process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=FINISH_SECONDS)
        for pipe in (self.chunks, self.records):
            with contextlib.suppress(OSError):
                pipe.close()


def _in_order(workers: list[_Worker], chunks: Iterable[list[tuple[int, dict]]],
              limit: int) -> Iterator[list[dict]]:
    """Send chunks to the least busy worker, at most ``limit`` not yet given back (sent or
    done out of order), and give the records back in input order."""
    source = iter(chunks)
    done: dict[int, list[dict]] = {}
    sent = given = 0
    exhausted = False
    with selectors.DefaultSelector() as selector:
        for worker in workers:
            selector.register(worker.records, selectors.EVENT_READ, worker)
        while True:
            while not exhausted and sent - given < limit:
                chunk = next(source, None)
                if chunk is None:
                    exhausted = True
                    break
                min(workers, key=lambda w: len(w.held)).send(sent, chunk)
                sent += 1
            if given in done:
                yield done.pop(given)
                given += 1
                continue
            if exhausted and given == sent:
                return
            for key, _events in selector.select():
                index, records = key.data.receive()
                done[index] = records


class _RemoteTraceback(Exception):
    """The traceback of an exception raised in a worker, as the worker printed it."""

    def __str__(self) -> str:
        return self.args[0]


def _frame(message: Any) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _FRAME.pack(len(data)) + data


def _write_frame(fd: int, message: Any) -> None:
    _write_all(fd, _frame(message))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _read_exactly(fd: int, size: int) -> bytes | None:
    """``size`` bytes, None at the end of the pipe before the first (EOFError after it)."""
    parts, wanted = [], size
    while wanted:
        part = os.read(fd, min(wanted, 1 << 20))
        if not part:
            if wanted == size:
                return None
            raise EOFError("the pipe ended within a message")
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def _read_frame(fd: int) -> Any:
    """The next message, None at the end of the pipe."""
    head = _read_exactly(fd, _FRAME.size)
    if head is None:
        return None
    body = _read_exactly(fd, _FRAME.unpack(head)[0])
    if body is None:
        raise EOFError("the pipe ended within a message")
    return pickle.loads(body)


def _worker_main(import_path: str) -> NoReturn:
    """A worker: screen every chunk its stdin brings, write the records to its stdout.
    It never prints and never returns; it ends when its stdin ends (the parent is done
    or gone) or when it is killed."""
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)  # a pending one is discarded
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    # The pipes move to fds of their own; stray output of any library goes to /dev/null.
    inbox, outbox = os.dup(0), os.dup(1)
    quiet = os.open(os.devnull, os.O_RDWR)
    os.dup2(quiet, 0)
    os.dup2(quiet, 1)
    try:
        chunks: queue.SimpleQueue = queue.SimpleQueue()
        threading.Thread(target=_worker_inbox, args=(inbox, chunks), daemon=True).start()
        kb: KnowledgeBase | None = None
        failure: Exception | None = None
        try:
            kb = load_knowledge_base(import_path)
            screener_for(kb)  # build the engine before the first chunk arrives
        except Exception as error:
            failure = error  # told in reply to the first chunk
        while True:
            chunk = chunks.get()
            try:
                if kb is None:
                    raise failure or RuntimeError("no knowledge base")
                reply = _frame(("ok", screen_rows(kb, chunk)))
            except Exception as error:
                reply = _frame(("error", *_picklable(error)))
            _write_all(outbox, reply)
    except BaseException:
        pass  # the parent is gone (a broken pipe) or the worker cannot go on: it has lost it
    os._exit(1)


def _worker_inbox(inbox: int, chunks: queue.SimpleQueue) -> NoReturn:
    """Read chunks as they come, so the parent never blocks writing one; at the end of the
    pipe (the parent is done or gone), end the worker at once."""
    try:
        while (chunk := _read_frame(inbox)) is not None:
            chunks.put(chunk)
    except BaseException:
        pass
    os._exit(0)


def _picklable(error: Exception) -> tuple[Exception, str]:
    remote = "".join(traceback.format_exception(error))
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        error = RuntimeError(f"{type(error).__name__}: {error}")
    return error, remote


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


def run_batch(kb: KnowledgeBase, batch: BatchInput, output: str | os.PathLike, jobs: int = 1,
              progress: Callable[[int], None] | None = None, output_format: str | None = None,
              observe: Callable[[list[dict]], None] | None = None,
              dask: DaskTarget | None = None) -> BatchOutcome:
    """Screen every row of a checked input and write the records to ``output`` (a file, or
    a folder of parts for a folder input), in ``output_format`` or the one its name says.
    With ``dask``, the chunks run on that Dask cluster instead of ``jobs`` worker processes
    (engine/dask_batch.py); the output is the same.

    ``observe`` is given each chunk of records, in order, before it is written; ``progress``
    is called with the number of rows of each chunk as it is written, and with 0 once every
    row is, before the output is saved; an exception either raises (such as a
    KeyboardInterrupt) stops the run with nothing written."""
    output = pathlib.Path(output)
    out_fmt = check_output(batch, output, output_format)
    summary = BatchSummary(kb)
    chunk_count = -(-batch.rows // CHUNK_ROWS)
    jobs = max(1, min(jobs, chunk_count))  # a worker with nothing to do only costs start-up

    def counted(chunks):
        for chunk in chunks:
            for record in chunk:
                summary.add(record)
            if observe:
                observe(chunk)
            if progress:
                progress(len(chunk))
            yield chunk
        if progress:
            progress(0)  # every row is screened: the last point to stop before the file is kept

    existed = output.exists()
    try:
        if dask is None:
            with contextlib.closing(screened_chunks(kb, batch.chunks(), jobs)) as screened:
                write_output(batch, output, out_fmt, kb.table, kb.version, counted(screened))
        else:
            from lbp_screen.engine import dask_batch  # Dask is imported only when asked for

            with dask_batch.cluster(dask, most_workers=chunk_count) as client, \
                    contextlib.closing(dask_batch.screened_on(client, kb, batch.chunks(),
                                                              dask.described())) as screened:
                write_output(batch, output, out_fmt, kb.table, kb.version, counted(screened))
    except (WorkerLost, ClusterError) as error:
        kept = f"{output.name} left as it was" if existed else f"{output.name} not created"
        raise type(error)(f"{error}; nothing written, {kept}") from None
    return BatchOutcome(summary=summary)
