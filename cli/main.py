"""The ``lbp`` command: parse arguments, call the screening service, format output.

It screens through the library's service over the bundled knowledge base
(``lbp_screen.service()``, the one place a face loads it).  The library's errors become
``click.ClickException`` in one place (``library_errors``), so bad input prints
``Error: ...`` on stderr with exit status 1 and never a traceback; usage errors are
click's (exit status 2).  ``--format`` choices come from the one format registry.
"""
from __future__ import annotations

import contextlib
import logging
import signal
import textwrap
from importlib import metadata

import click

import lbp_screen
from lbp_screen import inputs
from lbp_screen.engine.formats import formats
from lbp_screen.engine.rulebook_render import vocabulary_text
from lbp_screen.engine.service import ScreeningError, json_text, shown

FIELD_TEXT_WIDTH = 88  # the width the other text outputs wrap at


# The screening service over the bundled knowledge base: the library's own, one per process.
service = lbp_screen.service


@contextlib.contextmanager
def library_errors():
    """Turn the library's errors into click errors (exit status 1, no traceback)."""
    try:
        yield
    except ScreeningError as error:
        raise click.ClickException(str(error)) from error


def output_format(*choices: str, default: str = "text"):
    """The one shared ``--format`` option; each command names the registry's formats it supports."""
    return click.option("--format", "fmt", type=click.Choice(formats(*choices)), default=default,
                        show_default=True, help="Output format.")


def refuse_together(**flags):
    """Refuse incompatible flags before doing any work."""
    given = [name for name, value in flags.items() if value]
    if len(given) > 1:
        raise click.UsageError(f"{' and '.join('--' + g.replace('_', '-') for g in given)} "
                               "cannot be used together")


def one_case_source(files, facts) -> None:
    """FILES and --fact answers are two ways to give cases: exactly one of them is needed."""
    if files and facts:
        raise click.UsageError("give FILES or --fact answers, not both")
    if not files and not facts:
        raise click.UsageError("give FILES (or - for stdin) or at least one --fact FIELD=VALUE")


def _version_text() -> str:
    provenance = service().provenance
    try:
        package = metadata.version("lbp-screen")
    except metadata.PackageNotFoundError:  # running from a source tree
        package = "(not installed)"
    kb, engine = provenance["knowledge_base"], provenance["engine"]
    return (f"lbp-screen {package}\nknowledge base {kb['version']} {kb['digest']}\n"
            f"engine {engine['version']} {engine['digest']}")


def _print_version(ctx, _param, value):
    if value and not ctx.resilient_parsing:
        click.echo(_version_text())
        ctx.exit()


def fact_option():
    """The ``--fact FIELD=VALUE`` option, with the knowledge base's own example."""
    example = service().kb.example_answer
    return click.option("--fact", "facts", multiple=True, metavar="FIELD=VALUE",
                        help=f"One answer, e.g. --fact {example} (repeatable; a quick case of its own).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, help=service().kb.description)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the package, knowledge-base and engine versions and exit.")
def lbp():
    # experta calls logging.basicConfig() on import; keep its log lines away from users.
    logging.basicConfig(level=logging.WARNING, force=True, handlers=[logging.NullHandler()])
    # Over a file-size limit the system's default is to kill the process; ignored, the
    # write fails with EFBIG instead and is reported as an error naming the file.
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


@lbp.command()
@click.argument("files", nargs=-1, type=click.Path(allow_dash=True))
@fact_option()
@click.option("--check", is_flag=True,
              help="Compare each annotated case with the outcome written beside it: one line "
                   "per case and a verdict; exit 1 on a mismatch.")
@click.option("--full", is_flag=True,
              help="With --check: print the full results too (the check lines and the verdict "
                   "then go to stderr).")
@output_format("text", "json")
def screen(files, facts, check, full, fmt):
    """Screen cases from FILES (JSON object, list, or annotated case; a folder; - for stdin).

    Without FILES, the --fact answers form one case.
    """
    one_case_source(files, facts)
    if check and facts:
        raise click.UsageError("--check needs annotated case files")
    if full and not check:
        raise click.UsageError("--full goes with --check (without it, the full results are "
                               "what lbp screen prints)")
    screening = service()
    with library_errors():
        loaded = inputs.facts_case(facts) if facts else inputs.load_cases(files, screening)
        if check:
            unannotated = [item.label for item in loaded if item.expected is None]
            if unannotated:
                raise click.ClickException(f"{unannotated[0]}: no expected outcome to check "
                                           "against" + (f" (nor {len(unannotated) - 1} other "
                                                        "case(s))" if len(unannotated) > 1 else ""))
        results = [screening.screen(item.case, label=item.label) for item in loaded]
    if not check or full:
        if fmt == "json":
            payload = results if inputs.is_listing(loaded) else results[0]
            click.echo(json_text(payload), nl=False)
        else:
            click.echo("\n\n".join(screening.result_text(result, item.label)
                                   for item, result in zip(loaded, results)))
    if check:
        _report_check(screening, loaded, results, as_json=fmt == "json" and not full,
                      to_stderr=full)


def _report_check(screening, loaded, results, as_json: bool, to_stderr: bool) -> None:
    """One line per case (pass, or FAIL and its differences) and the verdict, or the same as
    one JSON document; a mismatch anywhere ends with exit status 1."""
    checked = [{"label": item.label, "case_id": result["case_id"],
                "differences": screening.check(item.expected, result)}
               for item, result in zip(loaded, results)]
    failed = sum(1 for case in checked if case["differences"])
    verdict = (f"checked {len(checked)} case(s): every expected outcome met" if not failed else
               f"expected outcomes not met in {failed} of {len(checked)} case(s)")
    if as_json:
        click.echo(json_text({"checked": len(checked), "failed": failed,
                              "cases": [{"label": case["label"], "case_id": case["case_id"],
                                         "passed": not case["differences"],
                                         "differences": case["differences"]}
                                        for case in checked]}), nl=False)
    else:
        for case in checked:
            head = case["label"] + (f" [{case['case_id']}]" if case["case_id"] else "")
            status = ("FAIL: " + "; ".join(case["differences"])) if case["differences"] else "pass"
            click.echo(f"{head}: {status}", err=to_stderr)
        if not failed:
            click.echo(verdict, err=to_stderr)
    if failed:
        raise click.ClickException(verdict)


@lbp.command()
@click.argument("field_name", required=False, metavar="[FIELD]")
@output_format("text", "json")
def vocabulary(field_name, fmt):
    """List every field a case may carry: kind, allowed values and meaning.

    With FIELD, show that one field with every accepted spelling of each value, its
    question, help, group and the question it depends on.
    """
    fields = service().vocabulary()
    if field_name is not None:
        entry = _one_field(fields, field_name)
        if fmt == "json":
            click.echo(json_text(entry), nl=False)
        else:
            click.echo(_field_text(entry))
    elif fmt == "json":
        click.echo(json_text(fields), nl=False)
    else:
        click.echo(vocabulary_text(fields))


def _one_field(fields, name: str) -> dict:
    """The vocabulary entry of a field named in any letter case, or a usage error with the
    nearest field (a field name is no identifier, but a long argument is cut when echoed)."""
    by_name = {entry["field"]: entry for entry in fields}
    wanted = name.strip().lower()
    if wanted in by_name:
        return by_name[wanted]
    close = service().kb.vocabulary.suggest_field(wanted)
    hint = f" (did you mean {close!r}?)" if close else ""
    raise click.BadParameter(f"no field {shown(name, quoted=True)}{hint}; `lbp vocabulary` "
                             "lists every field", param_hint="FIELD")


def _field_text(entry: dict) -> str:
    """One field for a terminal: every value with each spelling accepted for it."""
    kind = service().kb.vocabulary[entry["field"]].kind
    lines = [f"{entry['field']}  ({entry['kind']})", _indented(entry["meaning"]),
             _indented("Ask: " + entry["question"])]
    if entry["help"]:
        lines.append(_indented("Help: " + entry["help"]))
    lines.append(_indented(f"Group: {service().question_group(entry['group'])} "
                           f"[{entry['group']}]"))
    if entry["spellings"] is None:
        refused = [reason for _, reason in getattr(kind, "forbidden", ())]
        lines.append(_indented("Accepted: " + "; ".join(entry["allowed"])
                               + (" that " + " and ".join(refused) if refused else "")
                               + (", as a JSON number or the same digits as text"
                                  if getattr(kind, "ordered", False) else "")))
    else:
        lines.append("    Accepted (any letter case, surrounding spaces ignored):")
        for value in entry["allowed"]:
            spellings = [s for s, v in entry["spellings"].items() if v == value]
            # JSON's own true / false and numbers, where the kind takes them
            typed = [f"JSON {str(b).lower()}" for b, v in getattr(kind, "booleans", {}).items()
                     if v == value]
            typed += [f"JSON {n}" for n, v in getattr(kind, "numbers", {}).items() if v == value]
            lines.append(_indented(f"{value}: " + ", ".join([*spellings, *typed]), "      "))
    lines.append(_indented("Not known: blank, unknown or null (no answer at all, never the "
                           "same as any value above)."))
    if entry["asked_only_when"]:
        lines.append(_indented(f"Asked only when {entry['asked_only_when']}; answering "
                               f"{' or '.join(entry['presumed_by'])} otherwise is refused as a "
                               "contradiction."))
    return "\n".join(lines)


def _indented(text: str, indent: str = "    ") -> str:
    return textwrap.fill(text, FIELD_TEXT_WIDTH, initial_indent=indent, subsequent_indent=indent + "  ")


def main():  # console-script entry point
    lbp()


# Commands that live in their own modules register themselves on the group here.
from lbp_screen import rules  # noqa: E402,F401  (lbp rules)
from lbp_screen import interview  # noqa: E402,F401  (lbp interview)
# (lbp explain's module is not named explain: lbp_screen.explain is the library's function)
from lbp_screen import explain_command  # noqa: E402,F401  (lbp explain)
from lbp_screen import batch  # noqa: E402,F401  (lbp batch, lbp bench)
from lbp_screen import serve  # noqa: E402,F401  (lbp serve)
