"""Batch screening on a Dask cluster (``lbp batch --dask``): the same chunks as
engine/batch.py's worker processes, run as tasks of a ``dask.distributed`` scheduler.

- ``DaskTarget.parse`` reads ``--dask``: a scheduler's address, or ``local`` / ``local:N``
  for a local cluster of N worker processes (one thread each) started for the run and
  closed after it, however the run ends.
- ``cluster`` connects (within ``CONNECT_SECONDS``) or starts the local cluster; an
  address that cannot be reached is a ``ClusterError`` before anything is written.
- ``screened_on`` sends chunks in input order, at most a window of them in flight (so
  memory does not grow with the file), and gives the records back in input order.  The
  client writes them with the one writer of ``--jobs 1``, so the output is the same bytes.
- A task carries only the knowledge base's ``import_path``, the client's provenance and
  the chunk's rows: each worker imports the knowledge base itself and builds its engine
  once per thread (engine/runner.py ``screener_for``); experta engines are never pickled.
  A worker whose engine or knowledge base differs from the client's refuses the task
  (its results would not be those of ``--jobs 1``).
- A worker lost mid-run: the scheduler runs its chunks again on another worker (up to
  its ``distributed.scheduler.allowed-failures``, 3 by default); past that the run stops
  with ``WorkerLost`` and nothing is written.

Dask is imported only when a cluster is used, so the package works without the extra.
"""
from __future__ import annotations

import collections
import contextlib
import dataclasses
import difflib
import importlib.util
import logging
import multiprocessing.resource_tracker
import os
from typing import TYPE_CHECKING, Any, Generator, Iterable, Iterator

from lbp_screen import engine
from lbp_screen.engine.batch import (CHUNKS_IN_FLIGHT_PER_WORKER, ClusterError, WorkerLost,
                                     signals_blocked, default_jobs, load_knowledge_base,
                                     screen_rows)
from lbp_screen.engine.errors import InputError
from lbp_screen.engine.rulebook import KnowledgeBase

if TYPE_CHECKING:
    from distributed import Client

LOCAL = "local"
INSTALL_HINT = "pip install 'lbp-screen[dask]'"
# A scheduler that has not answered by then is taken as unreachable (Dask's own default is
# 30 s; a scheduler on a working network answers in well under a second).
CONNECT_SECONDS = 10.0
# At most this many chunks in flight, however many threads the cluster has: each holds its
# rows and then its records (a few MB) in the client until it is written.
MAX_CHUNKS_IN_FLIGHT = 64
# A local cluster's worker processes get at most this long to start (a start that fails,
# e.g. for want of memory, is reported instead of waited for).
LOCAL_START_SECONDS = 60.0
QUIET_WORKERS_VARIABLE = "DASK_LOGGING__DISTRIBUTED"  # Dask's log level for its "distributed" logs
# Dask keeps each connection's last messages for debugging (1,000 by default), a chunk's
# rows (about 1 MB) in each: this client's, and a local cluster's scheduler's (it runs
# here), would grow by a GB each.  A few are kept.
RECENT_MESSAGES_KEPT = 10


@dataclasses.dataclass(frozen=True)
class DaskTarget:
    """Where ``--dask`` runs the batch: a scheduler's ``address``, or (address None) a
    local cluster of ``workers`` processes (None: one per available core)."""

    address: str | None = None
    workers: int | None = None

    @classmethod
    def parse(cls, text: str) -> "DaskTarget":
        """``local``, ``local:N`` or a scheduler address (``tcp://HOST:PORT``, ``HOST:PORT``);
        anything else is an ``InputError`` saying what is expected."""
        given = text.strip()
        expected = (f"expected a scheduler address (tcp://HOST:PORT or HOST:PORT), {LOCAL!r} "
                    f"or {LOCAL}:N for N local worker processes")
        name, colon, count = given.partition(":")
        if name.lower() == LOCAL:
            if not colon:
                return cls()
            if not count.isdigit() or int(count) < 1:
                raise InputError(f"{given!r}: the number of local workers must be a whole "
                                 f"number of at least 1 ({LOCAL}:2); {expected}")
            return cls(workers=int(count))
        host_port = given.split("://", 1)[-1]
        if not given or any(c.isspace() for c in given) or ":" not in host_port \
                or not host_port.rpartition(":")[2].isdigit():
            close = difflib.get_close_matches(name.lower(), [LOCAL], n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise InputError(f"{given!r} is not a scheduler address{hint}; {expected}")
        return cls(address=given)

    def described(self) -> str:
        if self.address is not None:
            return f"the Dask scheduler at {self.address}"
        return "the local Dask cluster"


def require_dask() -> None:
    """Refuse, before any work, to use a cluster without Dask installed."""
    missing = [name for name in ("dask", "distributed") if importlib.util.find_spec(name) is None]
    if missing:
        raise ClusterError(f"--dask needs {' and '.join(missing)}, which "
                           f"{'is' if len(missing) == 1 else 'are'} not installed: {INSTALL_HINT}")


@contextlib.contextmanager
def _quiet_dask_logs() -> Iterator[None]:
    """Dask logs lost workers, restarts and closing connections as they happen; every one
    that matters to the run ends up as an error raised here, so its lines are held back."""
    logger = logging.getLogger("distributed")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


@contextlib.contextmanager
def _quiet_local_workers() -> Iterator[None]:
    """The same for a local cluster's worker processes, which would print on this run's
    stderr: Dask reads its log levels from the environment when a worker starts, so the
    setting stays while the cluster lives (a lost worker's replacement starts later)."""
    previous = os.environ.get(QUIET_WORKERS_VARIABLE)
    os.environ[QUIET_WORKERS_VARIABLE] = "critical"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(QUIET_WORKERS_VARIABLE, None)
        else:
            os.environ[QUIET_WORKERS_VARIABLE] = previous


@contextlib.contextmanager
def cluster(target: DaskTarget, most_workers: int | None = None) -> Iterator[Client]:
    """A client of the target's scheduler, closed on leaving (a local cluster too, with
    every worker process).  ``most_workers`` caps a local cluster (a worker with no chunk
    to screen only costs its start-up)."""
    require_dask()
    import dask
    import distributed  # sets its log levels: held back after it

    with _quiet_dask_logs(), dask.config.set({"distributed.admin.low-level-log-length":
                                              RECENT_MESSAGES_KEPT}):
        local: distributed.LocalCluster | None = None
        client: distributed.Client | None = None
        with contextlib.ExitStack() as stack:
            try:
                if target.address is None:
                    workers = target.workers or default_jobs()
                    if most_workers is not None:
                        workers = max(1, min(workers, most_workers))
                    stack.enter_context(_quiet_local_workers())
                    local, client = _start_local(distributed, workers)
                else:
                    client = _connect(distributed, target.address)
                yield client
            finally:
                if client is not None:
                    with contextlib.suppress(Exception):
                        client.close()
                if local is not None:
                    local.close()


def _start_local(distributed: Any, workers: int) -> tuple[Any, Any]:
    """A local cluster whose worker processes, like ``--jobs`` workers, leave terminal
    signals to this process alone: it closes them.  They are spawned by Dask's event-loop
    thread and inherit its signal mask, so the stop signals are blocked while that thread
    is created.  multiprocessing's resource tracker is started first because starting it
    unblocks SIGINT and SIGTERM in whichever thread starts it."""
    multiprocessing.resource_tracker.ensure_running()
    try:
        with signals_blocked():
            local = distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address=None, silence_logs=logging.CRITICAL,
                # no dashboard; the scheduler's health endpoint on a free port of this
                # machine (not 8787, which another cluster may hold)
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                timeout=LOCAL_START_SECONDS)
            try:
                client = distributed.Client(local, set_as_default=False)
            except BaseException:
                local.close()
                raise
    except Exception as error:
        raise ClusterError(f"a local Dask cluster of {workers} worker process(es) could not "
                           f"start: {type(error).__name__}: {error}") from None
    return local, client


def _connect(distributed: Any, address: str) -> Any:
    """A client of the scheduler at ``address`` that has a worker (tasks sent to a cluster
    without one would wait for ever)."""
    try:
        client = distributed.Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise ClusterError(f"cannot reach the Dask scheduler at {address} within "
                           f"{CONNECT_SECONDS:g} s ({type(error).__name__}: {error}); start one "
                           f"(dask scheduler) or give its address, or use --dask {LOCAL}") from None
    try:
        client.wait_for_workers(1, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError) as error:
        client.close()
        raise ClusterError(f"the Dask scheduler at {address} has no worker, and none joined "
                           f"within {CONNECT_SECONDS:g} s ({type(error).__name__}); start one "
                           f"(dask worker {address} --nthreads 1)") from None
    return client


def window(client: Client) -> int:
    """Chunks in flight: a few per worker thread, so every thread stays busy."""
    threads = sum(client.nthreads().values())
    return max(CHUNKS_IN_FLIGHT_PER_WORKER, min(MAX_CHUNKS_IN_FLIGHT,
                                                CHUNKS_IN_FLIGHT_PER_WORKER * threads))


def screened_on(client: Client, kb: KnowledgeBase, chunks: Iterable[list[tuple[int, dict]]],
                where: str) -> Generator[list[dict], None, None]:
    """Screen chunks as tasks on the client's cluster, giving the records back in input
    order.  Closed early (an error, an interrupt), it cancels the chunks still in flight."""
    if not kb.import_path:
        raise ValueError(f"knowledge base {kb.name!r} has no import_path: workers cannot load it")
    import distributed

    provenance = _provenance(kb)
    limit = window(client)
    in_flight: collections.deque = collections.deque()
    source = iter(chunks)
    try:
        while True:
            while len(in_flight) < limit and (chunk := next(source, None)) is not None:
                in_flight.append(client.submit(_screen_chunk, kb.import_path, provenance, chunk,
                                               pure=False))
            if not in_flight:
                return
            future = in_flight.popleft()
            try:
                records = future.result()
            except distributed.KilledWorker as error:
                raise WorkerLost(f"Dask workers of {where} ended unexpectedly while screening "
                                 f"one chunk, each time it was run ({error}), so the run was "
                                 "stopped") from None
            except distributed.CancelledError:
                raise ClusterError(f"{where} was lost or cancelled the run mid-way") from None
            except ImportError as error:
                raise ClusterError(f"a Dask worker of {where} cannot import what the screening "
                                   f"needs ({error}): install this lbp-screen on every worker "
                                   f"({INSTALL_HINT} in the workers' environment)") from None
            yield records
    finally:
        if in_flight:
            with contextlib.suppress(Exception):
                client.cancel(list(in_flight))


def _provenance(kb: KnowledgeBase) -> dict[str, Any]:
    return {"engine": engine.provenance(), "knowledge_base": kb.provenance}


# ---------------------------------------------------------------- on the workers

def _screen_chunk(import_path: str, provenance: dict[str, Any],
                  chunk: list[tuple[int, dict]]) -> list[dict]:
    """A task: screen one chunk with this worker's own engine (``screen_rows`` builds it on
    the thread's first chunk and keeps it for the next)."""
    kb = load_knowledge_base(import_path)  # imported once per process, then from sys.modules
    here = _provenance(kb)
    if here != provenance:
        raise ClusterError(
            f"a Dask worker runs engine {here['engine']['version']} ({here['engine']['digest']}) "
            f"with knowledge base {here['knowledge_base']['version']} "
            f"({here['knowledge_base']['digest']}), but this client runs engine "
            f"{provenance['engine']['version']} ({provenance['engine']['digest']}) with "
            f"knowledge base {provenance['knowledge_base']['version']} "
            f"({provenance['knowledge_base']['digest']}): install the same lbp-screen on "
            "every worker")
    return screen_rows(kb, chunk)

