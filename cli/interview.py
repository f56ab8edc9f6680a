"""``lbp interview``: walk through a case question by question.

The questions, their order and wording come from the vocabulary; which ones are worth
asking is decided by the rulebook (engine/interview.py).  Answers are read one line at a
time from stdin, so the same command serves a person at a terminal and a script piping
answers in.  Nothing typed can crash it and no answer given is lost: a bad, unreadable or
overlong answer is asked again; ``back``, ``help`` and ``quit`` are commands at every
question; the end of input (or ``quit``) leaves the remaining questions unknown; Ctrl-C
keeps the answers given (saved with --save, else printed as a case) and exits 130.
"""
from __future__ import annotations

import contextlib
import pathlib
import signal
import sys
import textwrap
from typing import Any, Iterator, NoReturn, Sequence

import click

from lbp_screen.main import library_errors, lbp, service
from lbp_screen.engine.interview import NOT_KNOWN_ANSWERS, InterviewSession
from lbp_screen.engine.service import OutputError, ScreeningService, check_writable, json_text, shown, write_json
from lbp_screen.engine.vocabulary import Choice, FieldSpec, Invalid, Text

WIDTH = 88
INDENT = "    "
INTERRUPTED = 130  # the shell's exit status for a program ended by Ctrl-C (128 + SIGINT)
# The longest answer line read, in bytes (or room for the longest text a question takes):
# no spelling is near it, and a longer line is refused unread, never echoed or searched.
ANSWER_LIMIT = 4096

# Words that are commands at every question, never answers: the interview refuses to start
# when a question would accept one as an answer (none of the bundled questions does, and
# the plain words are easier to type than a marked form such as ":back").
BACK, HELP, QUIT = "back", "help", "quit"
COMMANDS = {
    BACK: "undo the last answer and ask that question again",
    HELP: "show the question's help and the answers it takes again",
    QUIT: "stop asking and screen what is known, as when the input ends",
}


class EndOfAnswers(Exception):
    """stdin ended (Ctrl-D at a terminal, or the last line of piped answers was read), or
    could not be read any further (the reason is the message)."""


class Unusable(Exception):
    """A line that is no answer (not text, too long): the message says so; ask again."""


def _say(text: str, indent: str = "", first: str | None = None) -> None:
    # file names and commands are never broken across lines
    click.echo(textwrap.fill(text, WIDTH, initial_indent=indent if first is None else first,
                             subsequent_indent=indent, break_long_words=False,
                             break_on_hyphens=False))


def _cut(text: str) -> str:
    """An answer as it may be shown back: withheld when it looks like an identifier, a
    marked prefix when long."""
    return str(shown(text))


def _quoted(text: str) -> str:
    return shown(text, quoted=True)  # withheld when it looks like an identifier, cut when long


def _no_input() -> bool:
    """Whether there is no standard input at all (the program was started with it closed)."""
    return sys.stdin is None or sys.stdin.closed


def _read_line(prompt: str, limit: int = ANSWER_LIMIT) -> str:
    """One answer line.  Raises ``Unusable`` for a line that is not text in stdin's
    encoding or is longer than ``limit`` bytes (read past, never kept), and
    ``EndOfAnswers`` at the end of input or when it cannot be read."""
    click.echo(prompt, nl=False)
    stdin = sys.stdin
    try:
        # Read bytes and decode each line alone, so one undecodable line loses only itself.
        raw = stdin.buffer.readline(limit + 1)
        if len(raw) > limit and not raw.endswith(b"\n"):
            while (rest := stdin.buffer.readline(1 << 16)) and not rest.endswith(b"\n"):
                pass  # the rest of the overlong line, read in pieces and dropped
            click.echo()
            raise Unusable(f"That answer is too long to be one (over {limit:,} bytes); it was "
                           "not read. Please type it again.")
    except (OSError, ValueError) as error:  # a terminal gone (EIO), stdin closed under us
        click.echo()
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        raise EndOfAnswers(f"Input could not be read ({reason}).") from None
    if not raw:
        click.echo()
        raise EndOfAnswers()
    try:
        line = raw.decode(stdin.encoding or "utf-8")
    except UnicodeDecodeError:
        click.echo()
        raise Unusable("That answer could not be read as text; please type it again.") from None
    answer = line.rstrip("\r\n").lstrip("\ufeff")  # a byte-order mark from a saved answers file
    if not stdin.isatty():
        click.echo(_cut(answer))  # a terminal echoes what is typed; piped answers are shown so the transcript reads
    return answer


def _answer_limit(questions: Sequence[FieldSpec]) -> int:
    """ANSWER_LIMIT, or room for the longest text a question takes (UTF-8: at most 4
    bytes a character, and some spaces around it)."""
    return max([ANSWER_LIMIT, *(4 * spec.kind.max_length + 64 for spec in questions
                                if isinstance(spec.kind, Text))])


def _allowed(spec: FieldSpec) -> str:
    kind = spec.kind
    shown = " / ".join(kind.values) if isinstance(kind, Choice) else kind.expected()
    return f"{shown}, or ? if not known"


def _not_known_words() -> str:
    words = sorted(w for w in NOT_KNOWN_ANSWERS if w)
    return ", ".join(words) + " or nothing"


def _commands_line() -> str:
    return (f"At any question: {BACK} undoes the last answer, {HELP} shows the question's help "
            f"again, {QUIT} stops and screens what is known; Ctrl-C stops and keeps the answers.")


def _help(spec: FieldSpec) -> None:
    """The question's help, every answer it takes (with the other spellings accepted),
    and the commands."""
    _say(f"({spec.help})", INDENT)
    kind = spec.kind
    if isinstance(kind, Choice):
        shown = "; ".join(value + (f" (or {', '.join(others)})" if others else "")
                          for value in kind.values
                          for others in [[s for s, v in kind.spellings.items() if v == value and s != value]])
    else:
        shown = kind.expected()
    _say(f"Answers: {shown}. Not known: {_not_known_words()}.", INDENT)
    _say(_commands_line(), INDENT)


def _ask(session: InterviewSession, spec: FieldSpec, limit: int) -> str | None:
    """Ask ``spec`` until it is answered (None) or a command ends it (BACK or QUIT)."""
    number, about = session.progress()
    _say(spec.question, INDENT, first=f"{number:>2}. ")
    _say(f"({spec.help})", INDENT)
    prompt = f"{INDENT}[{_allowed(spec)}] (question {number} of about {about}) > "
    while True:
        try:
            text = _read_line(prompt, limit)
        except Unusable as why:
            _say(str(why), INDENT)
            continue
        word = text.strip().lower()
        if word == BACK:
            if number > 1:
                return BACK
            _say("Nothing to undo: this is the first question.", INDENT)
            continue
        if word == HELP:
            _help(spec)
            continue
        if word == QUIT:
            return QUIT
        try:
            session.record(spec, text)
            return None
        except Invalid as bad:
            hint = f" (did you mean {bad.suggestion!r}?)" if bad.suggestion else ""
            shown = "that" if spec.sensitive_value else _quoted(text.strip())
            _say(f"Not an answer here: {shown}. Expected {bad.expected}{hint}; "
                 "type ? if not known, help for help.", INDENT)


@contextlib.contextmanager
def _uninterrupted() -> Iterator[None]:
    """Ctrl-C ignored meanwhile (keeping the answers must not be cut short)."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: signals are not ours to handle
        previous = None
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


class _Interview:
    """One run of the command: the questions, the result, and keeping the answers."""

    def __init__(self, screening: ScreeningService, session: InterviewSession,
                 case_id: str | None, save: str | None, path: pathlib.Path | None, force: bool):
        self.screening = screening
        self.session = session
        self.case_id = case_id
        self.save_name = save
        self.path = path
        self.force = force
        self.label = save or "interview"
        self.saved = False
        self.limit = _answer_limit(session.plan.questions)

    def run(self) -> None:
        screening, session = self.screening, self.session
        click.echo(f"Screening interview. {screening.kb.notice}".rstrip())
        click.echo("Type ? if an answer is not known. Questions that could not change the result are left out.")
        _say(_commands_line())
        group = None
        stopped = False
        ended: str | None = None
        while (spec := session.next_question()) is not None:
            if spec.group != group:
                group = spec.group
                click.echo()
                click.echo(f"-- {screening.question_group(group)}")
            try:
                command = _ask(session, spec, self.limit)
            except EndOfAnswers as end:
                if str(end):
                    _say(str(end))
                ended = "End of answers"
                break
            if command == QUIT:
                ended = "Quit"
                break
            if command == BACK:
                session.undo()
                _say("The last answer is taken back; its question again:", INDENT)
                continue
            if spec.name in session.answers:
                stop = screening.interview_stop(self.screen())
                if stop is not None:
                    click.echo()
                    for line in stop:
                        click.echo(line)
                    stopped = True
                    break
        self.finish(ended, stopped)

    def screen(self) -> dict[str, Any]:
        return self.screening.screen(self.session.case(self.case_id), self.label)

    def finish(self, ended: str | None, stopped: bool) -> None:
        screening, session = self.screening, self.session
        click.echo()
        if ended:
            _say(f"{ended}: the {len(session.remaining())} question(s) not reached are left unknown.")
        if stopped and session.remaining():
            _say(f"The other {len(session.remaining())} question(s) were not asked: acting on "
                 "that answer comes first.")
        if session.not_asked:
            _say("Not asked (no answer could have changed the result): " + ", ".join(session.not_asked))
        if session.not_known:
            _say("Answered as not known: " + ", ".join(session.not_known))
        with library_errors():
            document = screening.explanation(session.case(self.case_id), self.label)
        click.echo()
        click.echo(screening.result_text(document["result"], self.label))
        click.echo()
        click.echo(_explanation_text(document))
        click.echo()
        if self.path is None:
            click.echo("(With --save FILE the answers are kept; `lbp explain FILE` then shows every step.)")
            return
        self.write()
        save = self.save_name
        click.echo(f"Saved {len(session.answers)} answer(s) to {save}: `lbp screen {save}` gives this "
                   f"result, `lbp explain {save}` every step of it.")

    def write(self) -> None:
        """Write the answers to the --save file; if that fails, print them (as the case
        the file would have held) before the error, so none is lost."""
        assert self.path is not None
        case = self.session.case(self.case_id)
        try:
            write_json(self.path, case, replace=self.force)
        except OutputError as error:
            click.echo("The answers could not be saved; here they are as the case the file "
                       "would have held, so none is lost:")
            click.echo(json_text(case), nl=False)
            with library_errors():
                raise error
        self.saved = True

    def interrupted(self) -> NoReturn:
        """Ctrl-C: keep the answers given (saved with --save, else printed as a case) and
        exit 130, without the result (the person asked to stop)."""
        with _uninterrupted():
            click.echo()
            count = len(self.session.answers)
            save = self.save_name
            if self.saved:
                _say(f"Interrupted: the answers were already saved to {save}.")
            elif self.path is not None:
                self.write()
                _say(f"Interrupted: saved the {count} answer(s) given so far to {save}. "
                     f"`lbp screen {save}` screens them, `lbp explain {save}` explains the result.")
            elif count == 0:
                _say("Interrupted: no answer had been given; nothing to keep.")
            else:
                _say(f"Interrupted: the {count} answer(s) given so far were not saved. Here "
                     "they are as a case: kept in a file, `lbp screen FILE` screens it and "
                     "`lbp explain FILE` explains the result.")
                click.echo(json_text(self.session.case(self.case_id)), nl=False)
        raise click.exceptions.Exit(INTERRUPTED)


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
    with library_errors():  # a folder the user may not write to, or a read-only file system
        check_writable(path)
    return path


def _interview_help() -> str:
    groups = "; ".join(service().kb.question_groups.values())
    commands = "".join(f"\n      {word}  {what}" for word, what in COMMANDS.items())
    return f"""Ask a case question by question and screen it.

    Questions come in groups, in this order: {groups}.  A question is left out when no answer to it
    could change the result, and the interview stops at once, with direct advice, when
    the knowledge base says an answer must be acted on now.  Each prompt shows how far
    along it is, as question N of about M: M counts the questions that may still matter,
    and shrinks as answers rule questions out.

    Answer ? (or skip, or nothing) when not known.  At any question, type:

    \b{commands}

    These words are commands, never answers: the interview refuses to start if a
    question would take one of them as an answer.  Answers may be piped in, one a line;
    the end of input leaves the remaining questions unknown.  A line longer than
    {ANSWER_LIMIT:,} bytes is refused unread.

    Ctrl-C stops the interview and keeps the answers given: with --save FILE they are
    written to FILE; without it they are printed as a JSON case (nothing is written
    without being asked), which `lbp screen` and `lbp explain` read once kept in a file.
    The exit status is then 130.
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
    if _no_input():
        raise click.ClickException("no input to read answers from: standard input is closed "
                                   "(pipe the answers in, one a line, or run it at a terminal)")
    screening = service()
    if case_id is not None:
        with library_errors():
            case_id = screening.case_id(case_id, "--case-id")
    session = screening.interview()
    with library_errors():
        session.refuse_command_answers(COMMANDS)
    run = _Interview(screening, session, case_id, save, path, force)
    try:
        run.run()
    except KeyboardInterrupt:
        run.interrupted()
