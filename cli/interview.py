"""``lbp interview``: walk through a case question by question.

The questions, their order and wording come from the vocabulary; which ones are worth
asking is decided by the rulebook (engine/interview.py).  Answers are read one line at a
time from stdin, so the same command serves a person at a terminal and a script piping
answers in.  Nothing typed can crash it: a bad answer is asked again, and the end of
input leaves the remaining questions unknown.
"""
from __future__ import annotations

import pathlib
import sys
import textwrap
from typing import Any

import click

from cli.main import library_errors, lbp, service
from engine.interview import InterviewSession
from engine.service import ScreeningService, write_json
from engine.vocabulary import Choice, FieldSpec, Invalid

WIDTH = 88
INDENT = "    "


class EndOfAnswers(Exception):
    """stdin ended (Ctrl-D at a terminal, or the last line of piped answers was read)."""


def _say(text: str, indent: str = "", first: str | None = None) -> None:
    click.echo(textwrap.fill(text, WIDTH, initial_indent=indent if first is None else first,
                             subsequent_indent=indent))


def _read_line(prompt: str) -> str | None:
    """One answer line; None when the bytes typed are not text in stdin's encoding."""
    click.echo(prompt, nl=False)
    # Read bytes and decode each line alone, so one undecodable line loses only itself.
    raw = sys.stdin.buffer.readline()
    if not raw:
        click.echo()
        raise EndOfAnswers
    try:
        line = raw.decode(sys.stdin.encoding or "utf-8")
    except UnicodeDecodeError:
        click.echo()
        return None
    answer = line.rstrip("\r\n").lstrip("\ufeff")  # a byte-order mark from a saved answers file
    if not sys.stdin.isatty():
        click.echo(answer)  # a terminal echoes what is typed; piped answers are shown so the transcript reads
    return answer


def _allowed(spec: FieldSpec) -> str:
    kind = spec.kind
    shown = " / ".join(kind.values) if isinstance(kind, Choice) else kind.expected()
    return f"{shown}, or ? if not known"


def _ask(session: InterviewSession, spec: FieldSpec, number: int) -> None:
    _say(spec.question, INDENT, first=f"{number:>2}. ")
    _say(f"({spec.help})", INDENT)
    prompt = f"{INDENT}[{_allowed(spec)}] > "
    while True:
        text = _read_line(prompt)
        if text is None:
            _say("That answer could not be read as text; please type it again.", INDENT)
            continue
        try:
            session.record(spec, text)
            return
        except Invalid as bad:
            hint = f" (did you mean {bad.suggestion!r}?)" if bad.suggestion else ""
            shown = "that" if spec.sensitive_value else repr(text.strip())
            _say(f"Not an answer here: {shown}. Expected {bad.expected}{hint}; "
                 "type ? if not known.", INDENT)


def _screen(screening: ScreeningService, session: InterviewSession, case_id: str | None,
            label: str) -> dict[str, Any]:
    return screening.screen(session.case(case_id), label)


def _explanation_text(document: dict[str, Any]) -> str:
    """Each conclusion of the result, the rule that reached it with its reason, and the
    answers its reasoning rests on (from the explanation document's derivations; an
    answers line the previous conclusion already showed is not repeated)."""
    lines = ["Why (each conclusion, the rule that reached it, and the answers behind it):"]
    shown_answers = None
    for conclusion in document["how"]:
        lines.append(f"  {_heading(conclusion)}")
        for step in conclusion["derivation"]:
            lines.append(f"    {step['rule']}: {step['title']}")
            lines.append(textwrap.fill(step["rationale"], WIDTH, initial_indent="      ",
                                       subsequent_indent="      "))
            used = _answers_used(step)
            if used and used != shown_answers:
                lines.append(textwrap.fill("from the answers: " + ", ".join(
                    f"{name} = {value}" for name, value in used.items()), WIDTH,
                    initial_indent="      ", subsequent_indent="        "))
                shown_answers = used
    return "\n".join(lines)


def _heading(conclusion: dict[str, Any]) -> str:
    """``kind value`` and any other short word the conclusion carries, e.g. its advice."""
    key_value = conclusion["value"]
    extra = [str(v) for _k, v in sorted(conclusion["values"].items())
             if isinstance(v, str) and v != key_value and len(v) <= 16]
    return f"{conclusion['kind'].replace('_', ' ')} {key_value}" + (
        f" ({', '.join(extra)})" if extra else "")


def _answers_used(step: dict[str, Any]) -> dict[str, Any]:
    """The answers anywhere in a derivation, in the order the reasoning met them."""
    used: dict[str, Any] = {}
    for condition in step["conditions"]:
        used.update(condition["answers"])
        for ground in condition["supported_by"]:
            used.update(_answers_used(ground))
    for counted in step["counted"]:
        used.update(_answers_used(counted))
    return used


def _check_save_target(save: str | None, force: bool) -> pathlib.Path | None:
    """Refuse an unusable --save path before any question is asked."""
    if save is None:
        return None
    path = pathlib.Path(save)
    if path.is_dir():
        raise click.UsageError(f"--save {save}: is a folder; give a file name")
    if path.exists() and not force:
        raise click.UsageError(f"--save {save}: already exists; use --force to replace it")
    if not path.parent.is_dir():
        raise click.UsageError(f"--save {save}: folder {str(path.parent)!r} does not exist")
    return path


def _interview_help() -> str:
    groups = "; ".join(service().kb.question_groups.values())
    return f"""Ask a case question by question and screen it.

    Questions come in groups, in this order: {groups}.  A question is left out when no answer to it
    could change the result, and the interview stops at once, with direct advice, when
    the knowledge base says an answer must be acted on now.  Answer ? (or skip, or
    nothing) when not known.  Answers may be piped in, one a line; the end of input
    leaves the remaining questions unknown.
    """


@lbp.command(help=_interview_help())
@click.option("--save", metavar="FILE",
              help="Write the answers as a JSON case file (lbp screen FILE gives the same result).")
@click.option("--force", is_flag=True, help="With --save: replace FILE if it exists.")
@click.option("--case-id", metavar="ID", help="Anonymised label for the case (saved with it).")
def interview(save, force, case_id):
    if force and not save:
        raise click.UsageError("--force only applies with --save")
    path = _check_save_target(save, force)
    screening = service()
    if case_id is not None:
        with library_errors():
            case_id = screening.case_id(case_id, "--case-id")
    label = save or "interview"
    session = screening.interview()

    click.echo(f"Screening interview. {screening.kb.notice}".rstrip())
    click.echo("Type ? if an answer is not known. Questions that could not change the result are left out.")
    group = None
    number = 0
    stopped = False
    ended = False
    while (spec := session.next_question()) is not None:
        if spec.group != group:
            group = spec.group
            click.echo()
            click.echo(f"-- {screening.question_group(group)}")
        number += 1
        try:
            _ask(session, spec, number)
        except EndOfAnswers:
            ended = True
            break
        if spec.name in session.answers:
            stop = screening.interview_stop(_screen(screening, session, case_id, label))
            if stop is not None:
                click.echo()
                for line in stop:
                    click.echo(line)
                stopped = True
                break

    click.echo()
    if ended:
        _say(f"End of answers: the {len(session.remaining())} question(s) not reached are left "
             "unknown.")
    if stopped and session.remaining():
        _say(f"The other {len(session.remaining())} question(s) were not asked: acting on "
             "that answer comes first.")
    if session.not_asked:
        _say("Not asked (no answer could have changed the result): " + ", ".join(session.not_asked))
    if session.not_known:
        _say("Answered as not known: " + ", ".join(session.not_known))
    with library_errors():
        document = screening.explanation(session.case(case_id), label)
    click.echo()
    click.echo(screening.result_text(document["result"], label))
    click.echo()
    click.echo(_explanation_text(document))
    click.echo()
    if path is None:
        click.echo("(With --save FILE the answers are kept; `lbp explain FILE` then shows every step.)")
        return
    with library_errors():
        write_json(path, session.case(case_id), replace=force)
    click.echo(f"Saved {len(session.answers)} answer(s) to {save}: `lbp screen {save}` gives this "
               f"result, `lbp explain {save}` every step of it.")
