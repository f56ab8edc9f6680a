"""``lbp batch`` and ``lbp bench``: screening case tables, and measuring how fast.

Exit status of ``lbp batch``: 0 every row screened; 3 the output was written but some
rows had errors (each one is an ``error`` row of the output); 1 the input could not be
used at all, or a worker process (or the Dask cluster) was lost, and nothing was written;
2 a usage error; 128 + N stopped by signal N (130 SIGINT, 143 SIGTERM, 129 SIGHUP), nothing written.
"""
from __future__ import annotations

import contextlib
import pathlib
import signal
import sys
import threading
from typing import Iterator

import click

from lbp_screen.main import lbp, library_errors, output_format, refuse_together, service
from lbp_screen.engine import bench as bench_engine
from lbp_screen.engine.batch import default_jobs
from lbp_screen.engine.dask_batch import DaskTarget, require_dask
from lbp_screen.engine.formats import BATCH_INPUT_FORMATS, BATCH_OUTPUT_FORMATS
from lbp_screen.engine.service import InputError, changes_path, check_writable, json_text, write_json

EXIT_ROWS_WITH_ERRORS = 3  # the output is complete, but some rows are error rows


# Ctrl-C, `kill`/`timeout`/systemd/`docker stop`, and a closed terminal: each stops a batch
# the same way, with the shell's status for a signal, 128 + its number.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                     if hasattr(signal, name))


@contextlib.contextmanager
def _signals_as_interrupt() -> Iterator[list[int]]:
    """SIGINT, SIGTERM and SIGHUP each stop the run as Ctrl-C does: the first raises
    KeyboardInterrupt, so the run ends its workers and removes its temporary file; any
    later one is ignored, so that clean-up is never cut short.  Yields the signals got."""
    got: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield got  # only the main thread may handle signals
        return

    def interrupt(signum, _frame):
        got.append(signum)
        if len(got) == 1:
            raise KeyboardInterrupt

    previous = {signum: signal.signal(signum, interrupt) for signum in STOP_SIGNALS}
    try:
        yield got
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _stopping(got: list[int], advance):
    """The run's progress callback, and the safe point where a stop signal always stops it.
    The signal handler's KeyboardInterrupt can be lost: raised while C code of a library
    runs Python code (a ``__hash__``, a ``__del__``) that clears any error, it vanishes.
    Then the run stops here, after the chunk being written (or, after the last chunk,
    before the output is saved)."""
    def progress(rows: int) -> None:
        if got:
            raise KeyboardInterrupt
        if advance is not None:
            advance(rows)
    return progress


def _file_state(path: pathlib.Path | None):
    """What tells whether a file was written meanwhile (None: it does not exist)."""
    try:
        stat = path.stat() if path is not None else None
    except OSError:
        return None
    return stat and (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def _interrupted(signum: int, paths: dict[pathlib.Path, object]) -> str:
    """The one line an interrupted run prints: which files it wrote, which it did not."""
    try:
        name = signal.Signals(signum).name
    except ValueError:
        name = f"signal {signum}"
    written = [p.name for p, before in paths.items() if _file_state(p) != before]
    untouched = [f"{p.name} left as it was" if before is not None else f"{p.name} not created"
                 for p, before in paths.items() if _file_state(p) == before]
    if not written:
        return f"interrupted ({name}); nothing written, " + ", ".join(untouched)
    return (f"interrupted ({name}) after writing " + ", ".join(written)
            + ("; " + ", ".join(untouched) if untouched else ""))


@contextlib.contextmanager
def _progress(total: int):
    """A progress bar on stderr when stderr is a terminal; silence otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=total, label="screening", file=sys.stderr,
                           show_pos=True, show_eta=True) as bar:
        yield bar.update


def _refuse_clashing_paths(input_path, output, summary_path, coverage_path, compare_path,
                           changes) -> None:
    """Two roles naming one file would lose one of them: a usage error, before any work.
    --compare may name the output it replaces: the earlier output is read while the new
    one is written beside it, and replaced only at the end."""
    named = [("INPUT", input_path), ("--output", output), ("--summary", summary_path),
             ("--coverage", coverage_path), ("the changes file of --compare", changes),
             ("--compare", compare_path)]
    seen: dict[pathlib.Path, str] = {}
    for role, path in named:
        if path is None:
            continue
        key = path.resolve()
        if key in seen and not (role == "--compare" and seen[key] == "--output"):
            raise click.UsageError(f"{role} and {seen[key]} name the same file {path.name!r}")
        seen.setdefault(key, role)


def _ignored_columns(values: tuple[str, ...]) -> tuple[str, ...]:
    """--ignore-columns A,B (repeatable): the names, each stripped; an empty one is refused."""
    names = tuple(name.strip() for value in values for name in value.split(","))
    if any(not name for name in names):
        raise click.UsageError("--ignore-columns: an empty column name (write A,B without "
                               "a comma at the start or end, or two in a row)")
    return names


STDIN = pathlib.Path("-")  # INPUT "-": standard input, as for lbp screen


def _workers(jobs: int | None) -> int:
    available = default_jobs()
    if jobs is not None and jobs > available:
        click.echo(f"--jobs {jobs}: capped to the {available} core(s) available", err=True)
    return min(jobs or available, available)


def _dask_target(_ctx, _param, value: str | None) -> DaskTarget | None:
    if value is None:
        return None
    try:
        return DaskTarget.parse(value)
    except InputError as error:
        raise click.BadParameter(str(error)) from None


def _local_workers(target: DaskTarget | None) -> DaskTarget | None:
    """A local cluster's workers capped to the cores, as --jobs is."""
    available = default_jobs()
    if target is None or target.workers is None or target.workers <= available:
        return target
    click.echo(f"--dask local:{target.workers}: capped to the {available} core(s) available",
               err=True)
    return DaskTarget(workers=available)


@lbp.command("batch")
@click.argument("input_path", metavar="INPUT", type=click.Path(allow_dash=True, path_type=pathlib.Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=pathlib.Path),
              help="Where to write the results; the extension picks the format "
                   "(.csv, .jsonl, .xlsx, .parquet).  For a folder INPUT, a new (or empty) "
                   "folder that gets one output part per input part.")
@click.option("--format", "out_format", type=click.Choice(BATCH_OUTPUT_FORMATS),
              help="Write this format [default: the output's extension; for a folder output "
                   "without one, the parts' own format].")
@click.option("--input-format", type=click.Choice(BATCH_INPUT_FORMATS),
              help="Read INPUT as this format instead of guessing from its extension "
                   "(needed when INPUT is -, standard input).")
@click.option("--ignore-columns", "ignore_columns", multiple=True, metavar="A,B",
              help="Columns (not fields of the vocabulary) to leave out entirely: never read, "
                   "never written.  Matched as headers are (any case, spaces ignored); a name no "
                   "column has is refused.  Identifier columns still need --drop-identifiers.")
@click.option("--drop-identifiers", is_flag=True,
              help="Leave columns that look like direct identifiers (names, e-mail, phone, "
                   "address, date of birth, health-service or social-security numbers) out of "
                   "processing and "
                   "output, instead of refusing the file.")
@click.option("--summary", "summary_path", type=click.Path(dir_okay=False, path_type=pathlib.Path),
              help="Also write the summary counts to this JSON file.")
@click.option("--coverage", "coverage_path", type=click.Path(dir_okay=False, path_type=pathlib.Path),
              help="Write how many cases fired each rule, and which rules never fired, to this JSON file.")
@click.option("--compare", "compare_path", type=click.Path(path_type=pathlib.Path),
              help="An earlier JSON Lines output of the same input (a file or a folder of parts): "
                   "write the rows whose results changed to OUTPUT's name with .changes.jsonl, "
                   "and print how many of each kind of change.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes [default: every available core; more than the cores available "
                   "is capped to them, since extra workers only cost memory]; the output is the same "
                   "for any number.")
@click.option("--dask", "dask_target", metavar="ADDRESS|local[:N]", callback=_dask_target,
              help="Run the chunks on a Dask cluster instead of --jobs worker processes: the "
                   "address of a running scheduler (tcp://HOST:PORT), or local[:N] for a local "
                   "cluster of N worker processes [N default: every available core], closed "
                   "afterwards.  Needs the dask extra (pip install 'lbp-screen[dask]'); the "
                   "output is the same.")
def batch(input_path, output, out_format, input_format, ignore_columns, drop_identifiers,
          summary_path, coverage_path, compare_path, jobs, dask_target):
    """Screen every row of INPUT (CSV, TSV, JSON list, JSON Lines, Excel or Parquet; one
    case per row, a case_id column required) and write one result row per input row.
    INPUT may be - (standard input, with --input-format) or a folder of part files.

    The file is checked before any work: unreadable files, unknown columns, identifier
    columns and repeated case ids are refused.  Rows with bad answers become error rows
    naming the row, field, value and what was expected.  A summary goes to stderr.
    Exit status: 0 all rows ok, 3 some rows had errors, 1 the input could not be used
    (or a worker process was lost), 2 a usage error.  Stopped by a signal, the run ends
    every worker, writes nothing (an earlier output stays as it was) and exits with the
    shell's 128 + the signal's number: 130 Ctrl-C (SIGINT), 143 SIGTERM, 129 SIGHUP.
    """
    refuse_together(dask=dask_target is not None, jobs=jobs is not None)
    from_stdin = input_path == STDIN
    if from_stdin and input_format is None:
        raise click.UsageError("INPUT - (standard input) needs --input-format: "
                               + ", ".join(BATCH_INPUT_FORMATS))
    ignored = _ignored_columns(ignore_columns)
    changes = changes_path(output) if compare_path is not None else None
    _refuse_clashing_paths(None if from_stdin else input_path, output, summary_path, coverage_path,
                           compare_path, changes)
    screening = service()
    written = [p for p in (output, summary_path, coverage_path, changes) if p is not None]
    before = {path: _file_state(path) for path in written}
    with _signals_as_interrupt() as got:
        try:
            with library_errors():
                if dask_target is not None:
                    require_dask()
                # every place a file will be written is checked before any work (a folder
                # of output parts when the run screens it, before any row)
                folder = not from_stdin and input_path.is_dir()
                for path in written:
                    if not (folder and path == output):
                        check_writable(path)
                if from_stdin:
                    if sys.stdin is None:
                        raise InputError("-: standard input is closed; give a file or pipe the cases in")
                    checked = screening.open_batch(sys.stdin.buffer, input_format, drop_identifiers,
                                                   "stdin", ignored)
                else:
                    checked = screening.open_batch(input_path, input_format, drop_identifiers,
                                                   ignore_columns=ignored)
                comparison = (screening.compare_batch(compare_path, checked, output)
                              if compare_path is not None else None)
                if checked.dropped:
                    # named nowhere: a header row can itself hold a person's data
                    click.echo(f"left out {len(checked.dropped)} identifier column(s)", err=True)
                if got:  # a signal whose KeyboardInterrupt was lost on the way
                    raise KeyboardInterrupt
                with _progress(checked.rows) as advance:
                    outcome = screening.run_batch(checked, output, _workers(jobs),
                                                  progress=_stopping(got, advance),
                                                  output_format=out_format, compare=comparison,
                                                  dask=_local_workers(dask_target))
                summary = outcome.summary
                if summary_path is not None:
                    write_json(summary_path, summary.as_dict())
                if coverage_path is not None:
                    write_json(coverage_path, summary.coverage())
                if got:  # a signal whose KeyboardInterrupt was lost on the way
                    raise KeyboardInterrupt
        except KeyboardInterrupt:
            signum = got[0] if got else signal.SIGINT
            with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
                click.echo(f"Error: {_interrupted(signum, before)}", err=True)
            raise click.exceptions.Exit(128 + signum) from None
    click.echo(summary.text(), err=True)
    parts = f" in {len(checked.parts)} part(s)" if checked.folder else ""
    click.echo(f"wrote {summary.rows} rows{parts} to {output}", err=True)
    if comparison is not None:
        click.echo(comparison.text(), err=True)
    if not outcome.all_ok:
        raise click.exceptions.Exit(EXIT_ROWS_WITH_ERRORS)


@lbp.command("bench")
@click.option("--cases", "sizes", type=click.IntRange(1, bench_engine.MAX_CASES), multiple=True,
              help=f"Number of synthetic cases (repeatable; at most {bench_engine.MAX_CASES:,}) "
                   "[default: 1000 and 10000].")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Workers for the parallel run [default: every available core].")
@click.option("--seed", type=int, default=bench_engine.DEFAULT_SEED, show_default=True,
              help="Seed for the synthetic cases: the same seed gives the same cases.")
@click.option("--baseline-cases", type=click.IntRange(1, 5000), default=bench_engine.BASELINE_CASES,
              show_default=True, help="Cases for the fresh-engine-per-case baseline (it is slow).")
@output_format("text", "json")
def bench(sizes, jobs, seed, baseline_cases, fmt):
    """Measure screening speed and peak memory on seeded synthetic cases.

    Each measurement runs in a fresh process: the batch pipeline (validation, screening
    with the full trace, flattening) with one worker and with --jobs workers, and, as a
    baseline, a fresh experta engine built for every case.
    """
    jobs = jobs or default_jobs()
    try:
        report = bench_engine.run_benchmark(service().kb, sizes or bench_engine.DEFAULT_SIZES, jobs,
                                            seed, baseline_cases,
                                            progress=lambda line: click.echo(line, err=True))
    except bench_engine.BenchError as error:
        raise click.ClickException(str(error)) from error
    if fmt == "json":
        click.echo(json_text(report), nl=False)
    else:
        click.echo(bench_engine.report_text(report))
