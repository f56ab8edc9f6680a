"""``lbp interview``: walk through a case question by question.

The questions, their order and wording come from the vocabulary; which ones are worth
asking is decided by the rulebook (engine/interview.py).  Answers are read one line at a
time from stdin, so the same command serves a person at a terminal and a script piping
answers in.  Nothing typed can crash it: a bad answer is asked again, and the end of
input leaves the remaining questions unknown.
"""
from __future__ import annotations

import json
import os
import pathlib
import sys
import tempfile
import textwrap

import click

import engine
from cli import render
from cli.main import library_errors, lbp
from engine.explain import explain
from engine.interview import InterviewPlan, InterviewSession
from engine.vocabulary import Choice, FieldSpec, Invalid
from knowledge.vocabulary import GROUPS

WIDTH = render.WIDTH
INDENT = "    "
EMERGENCY = "emergency"  # the contract's most pressing urgency: stop asking and say where to go


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


def _screen(kb, session: InterviewSession, case_id: str | None, label: str):
    result, run = engine.screen_with_run(session.case(case_id), label, kb)
    return run, result


def _explanation_text(kb, run, label: str) -> str:
    """Each conclusion of the result, the rule that reached it with its reason, and the
    answers its reasoning rests on (from the explanation layer's derivations; an answers
    line the previous conclusion already showed is not repeated)."""
    lines = ["Why (each conclusion, the rule that reached it, and the answers behind it):"]
    shown_answers = None
    for conclusion in explain(kb, run, label).conclusions():
        lines.append(f"  {_heading(conclusion)}")
        for step in conclusion.steps:
            lines.append(f"    {step.rule.id}: {step.rule.title}")
            lines.append(textwrap.fill(step.rule.rationale, WIDTH, initial_indent="      ",
                                       subsequent_indent="      "))
            used = _answers_used(step)
            if used and used != shown_answers:
                lines.append(textwrap.fill("from the answers: " + ", ".join(
                    f"{name} = {value}" for name, value in used.items()), WIDTH,
                    initial_indent="      ", subsequent_indent="        "))
                shown_answers = used
    return "\n".join(lines)


def _heading(conclusion) -> str:
    """``kind value`` and any other short word the conclusion carries, e.g. its advice."""
    key_value = conclusion.target.value
    extra = [str(v) for _k, v in sorted(conclusion.values.items())
             if isinstance(v, str) and v != key_value and len(v) <= 16]
    return f"{conclusion.target.kind.replace('_', ' ')} {key_value}" + (
        f" ({', '.join(extra)})" if extra else "")


def _answers_used(step, seen=None) -> dict:
    """The answers anywhere in a derivation, in the order the reasoning met them."""
    seen = set() if seen is None else seen
    used: dict = {}
    if id(step) in seen:
        return used
    seen.add(id(step))
    for condition in step.conditions:
        used.update(condition.answers)
    for ground in step.grounds():
        used.update(_answers_used(ground, seen))
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


def _write_case(path: pathlib.Path, case: dict, force: bool) -> None:
    """Write atomically: a temporary file beside the target, then linked or renamed into
    place (linking fails if the target appeared meanwhile, so nothing is overwritten
    without --force)."""
    text = json.dumps(case, indent=2, ensure_ascii=False) + "\n"
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if force:
            os.replace(temporary, path)
        else:
            try:
                os.link(temporary, path)
            except FileExistsError:
                raise click.ClickException(f"--save {path}: appeared while the interview ran; "
                                           "nothing written (use --force to replace it)") from None
            os.unlink(temporary)
    except OSError as error:
        raise click.ClickException(f"--save {path}: cannot be written ({error.strerror})") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _emergency_advice(result: dict) -> None:
    click.echo()
    click.echo("STOP: that answer is an emergency warning sign. No more questions.")
    for flag in result["red_flags"]:
        if flag["urgency"] == EMERGENCY:
            click.echo(f"  RED FLAG {flag['condition']}: {flag['id']}")
    _say(result["professional_assessment"]["text"], "  ")


@lbp.command()
@click.option("--save", metavar="FILE",
              help="Write the answers as a JSON case file (lbp screen FILE gives the same result).")
@click.option("--force", is_flag=True, help="With --save: replace FILE if it exists.")
@click.option("--case-id", metavar="ID", help="Anonymised label for the case (saved with it).")
def interview(save, force, case_id):
    """Ask a case question by question and screen it.

    Warning signs come first, then the pain pattern, then history and lifestyle.  A
    question is left out when no answer to it could change the result, and the interview
    stops at once, with direct advice, when an answer is an emergency warning sign.
    Answer ? (or skip, or nothing) when not known.  Answers may be piped in, one a line;
    the end of input leaves the remaining questions unknown.
    """
    if force and not save:
        raise click.UsageError("--force only applies with --save")
    path = _check_save_target(save, force)
    kb = engine.load_knowledge_base()
    if case_id is not None:
        with library_errors():
            case_id = kb.vocabulary.validate({kb.vocabulary.id_field: case_id}, "--case-id").case_id
    label = save or "interview"
    session = InterviewSession(InterviewPlan(kb, list(GROUPS)))

    click.echo("Screening interview (a teaching and screening aid, not a diagnosis).")
    click.echo("Type ? if an answer is not known. Questions that could not change the result are left out.")
    group = None
    number = 0
    stopped = False
    ended = False
    while (spec := session.next_question()) is not None:
        if spec.group != group:
            group = spec.group
            click.echo()
            click.echo(f"-- {GROUPS.get(group, group)}")
        number += 1
        try:
            _ask(session, spec, number)
        except EndOfAnswers:
            ended = True
            break
        if spec.name in session.answers:
            _, result = _screen(kb, session, case_id, label)
            if result["urgency"] == EMERGENCY:
                _emergency_advice(result)
                stopped = True
                break

    click.echo()
    if ended:
        _say(f"End of answers: the {len(session.remaining())} question(s) not reached are left "
             "unknown.")
    if stopped and session.remaining():
        _say(f"The other {len(session.remaining())} question(s) were not asked: the emergency "
             "comes first.")
    if session.not_asked:
        _say("Not asked (no answer could have changed the result): " + ", ".join(session.not_asked))
    if session.not_known:
        _say("Answered as not known: " + ", ".join(session.not_known))
    with library_errors():
        run, result = _screen(kb, session, case_id, label)
    click.echo()
    click.echo(render.result_text(kb, label, result))
    click.echo()
    click.echo(_explanation_text(kb, run, label))
    click.echo()
    if path is None:
        click.echo("(With --save FILE the answers are kept; `lbp explain FILE` then shows every step.)")
        return
    _write_case(path, session.case(case_id), force)
    click.echo(f"Saved {len(session.answers)} answer(s) to {save}: `lbp screen {save}` gives this "
               f"result, `lbp explain {save}` every step of it.")
