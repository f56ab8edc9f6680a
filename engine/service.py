"""The screening service: the one façade every face (the command line, the web app, a
program, a Dask worker) goes through.  Built over a ``KnowledgeBase`` the face loads and
hands over; it returns plain JSON-ready documents and raises only ``ScreeningError``s
(each with ``to_dict()``), so a face parses, calls and formats, and nothing more.

Thread-safe: every call builds its own working state, and experta's stateful engine is one
per thread (engine/runner.py ``screener_for``), so screening from many threads at once
gives exactly the sequential results.
"""
from __future__ import annotations

import difflib
import os
from typing import IO, TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping

from lbp_screen import engine
from lbp_screen.engine.batch import BatchOutcome, run_batch, screen_rows
from lbp_screen.engine.dask_batch import DaskTarget
from lbp_screen.engine.errors import InputError, OutputError, ScreeningError
from lbp_screen.engine.explain import Explanation, Target, UnknownTarget
from lbp_screen.engine.files import check_writable, json_text, write_json, write_text
from lbp_screen.engine.interview import InterviewSession, question_plan
from lbp_screen.engine.privacy import identifier_in_value, shown
from lbp_screen.engine.result import build_result
from lbp_screen.engine.rulebook import KnowledgeBase
from lbp_screen.engine.rulebook_doc import rulebook_document
from lbp_screen.engine.runner import Run, screener_for
from lbp_screen.engine.compare import BatchComparison, changes_path, open_earlier
from lbp_screen.engine.tables import BatchInput, BatchInputError, frame_rows, open_batch, records_frame
from lbp_screen.engine.vocabulary import CaseError, Choice, ValidCase, parse_json

if TYPE_CHECKING:
    from lbp_screen.engine.tables import DataFrame

__all__ = ["BatchInputError", "CaseError", "InputError", "OutputError", "ScreeningError",
           "ScreeningService", "Target", "UnknownTarget", "changes_path", "check_writable",
           "identifier_in_value",
           "json_text", "parse_json", "shown", "write_json", "write_text"]


class ScreeningService:
    """Screen, explain, the rulebook, the vocabulary, the interview and batches, for one
    knowledge base."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb

    @property
    def provenance(self) -> dict[str, dict[str, str]]:
        """Which knowledge base and which engine produce this service's results."""
        return {"knowledge_base": self.kb.provenance, "engine": engine.provenance()}

    # ---- one case
    def validate(self, raw: Mapping[str, Any], label: str | None = None) -> ValidCase:
        return self.kb.vocabulary.validate(raw, label)

    def screen(self, raw: Mapping[str, Any], label: str | None = None) -> dict[str, Any]:
        """The contract's result for one raw case (raises CaseError)."""
        return self.screen_with_run(raw, label)[0]

    def screen_with_run(self, raw: Mapping[str, Any],
                        label: str | None = None) -> tuple[dict[str, Any], Run]:
        """The result and the run itself (its trace: ``run.firings``)."""
        screener = screener_for(self.kb)
        run = screener.run(screener.validate(raw, label))
        return build_result(self.kb, run), run

    def explain(self, raw: Mapping[str, Any], label: str | None = None) -> Explanation:
        result, run = self.screen_with_run(raw, label)
        return Explanation(self.kb, run, result, label)

    def explanation(self, raw: Mapping[str, Any], label: str | None = None,
                    why_not: Iterable[Target | str] = ()) -> dict[str, Any]:
        """The explanation document (how, why-not for each target, what would change it,
        the trace and the graph) that every renderer and the JSON format show."""
        targets = [t if isinstance(t, Target) else self.target(t) for t in why_not]
        return self.explain(raw, label).to_dict(list(dict.fromkeys(targets)))

    def target(self, text: str) -> Target:
        """A why-not target ``kind=value``, in any letter case, or by an alias of the
        knowledge base (raises UnknownTarget with the nearest and the valid ones)."""
        return Target.parse(self.kb, text)

    def targets(self) -> dict[str, list[str]]:
        return {kind: list(self.kb.target_values(kind)) for kind in self.kb.targets}

    def result_text(self, result: Mapping[str, Any], label: str) -> str:
        """A result in words for people, headed by where the case came from."""
        head = f"== {label}" + (f" [{result['case_id']}]" if result["case_id"] else "")
        if self.kb.result_text is None:
            return head + "\n" + json_text(result)
        return head + "\n" + self.kb.result_text(result, self.rule_title)

    def rule_title(self, rule_id: str) -> str:
        return self.kb.rule(rule_id).title if self.kb.has_rule(rule_id) else "(not in this rulebook)"

    # ---- annotated cases
    def check_expectations(self, where: str, expected: Any) -> None:
        """Refuse an annotated case's expectations that are not the knowledge base's."""
        if not isinstance(expected, dict):
            raise InputError(f"{where}: 'expected' must be an object of expectations, "
                             f"got {type(expected).__name__}")
        known = {e.key: e for e in self.kb.all_expectations()}
        for key, value in expected.items():
            expectation = known.get(key)
            if expectation is None:
                close = difflib.get_close_matches(key, list(known), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise InputError(f"{where}: unknown expectation {key!r}{hint}; known: "
                                 + ", ".join(known))
            kind = expectation.json_type
            if not isinstance(value, kind) or (isinstance(value, list)
                                               and not all(isinstance(v, str) for v in value)):
                shape = "a list of ids" if kind is list else "an id"
                raise InputError(f"{where}: expectation {key!r} must be {shape}, got {value!r}")

    def check(self, expected: Mapping[str, Any], result: Mapping[str, Any]) -> list[str]:
        """Differences between an annotated case's expected outcome and its result; an
        expectation naming a rule the rulebook lacks is one too (it would test nothing)."""
        known = {e.key: e for e in self.kb.all_expectations()}
        problems = []
        for key in (e.key for e in self.kb.all_expectations() if e.rule_ids):
            unknown = [r for r in expected.get(key, []) if not self.kb.has_rule(r)]
            if unknown:
                problems.append(f"{key} names rules this rulebook does not have: {unknown}")
        for key, wanted in expected.items():
            if key not in known:
                problems.append(f"unknown expectation {key!r} (known: {', '.join(known)})")
                continue
            mismatch = known[key].mismatch(wanted, result)
            if mismatch:
                problems.append(mismatch)
        return problems

    # ---- the rulebook and the vocabulary
    def rulebook(self, topics: Iterable[str] | None = None) -> dict[str, Any]:
        return rulebook_document(self.kb, topics, engine.provenance())

    def topic(self, text: str) -> str:
        """A topic key as given, or a refusal with a did-you-mean and the topics."""
        topics = list(self.kb.topics)
        if text in topics:
            return text
        close = difflib.get_close_matches(text.strip().lower(), topics, n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise InputError(f"no topic {text!r}{hint}; topics are: {', '.join(topics)}")

    def vocabulary(self) -> list[dict[str, Any]]:
        """Every field a case may carry: kind, allowed values, meaning, question, help,
        group and the question's dependency."""
        fields = []
        for spec in self.kb.vocabulary:
            kind = spec.kind
            fields.append({
                "field": spec.name,
                "kind": kind.name if isinstance(kind, Choice) else type(kind).__name__.lower(),
                "allowed": kind.allowed(),
                "spellings": dict(kind.spellings) if isinstance(kind, Choice) else None,
                "meaning": spec.meaning,
                "question": spec.question,
                "help": spec.help,
                "group": spec.group,
                # asked only when this holds; the answers that presume it
                "asked_only_when": spec.premise.wording if spec.premise else None,
                "presumed_by": list(spec.premise.presumed_by) if spec.premise else None,
            })
        return fields

    # ---- the interview
    def interview(self) -> InterviewSession:
        """A new interview: questions by group in the knowledge base's order."""
        return InterviewSession(question_plan(self.kb))

    def question_group(self, group: str) -> str:
        return self.kb.question_groups.get(group, group)

    def interview_stop(self, result: Mapping[str, Any]) -> list[str] | None:
        """The knowledge base's policy: the lines to show if the interview must stop now."""
        return self.kb.interview_stop(result)

    def case_id(self, text: str, label: str) -> str | None:
        """A case id as the vocabulary reads it (raises CaseError)."""
        return self.validate({self.kb.vocabulary.id_field: text}, label).case_id

    # ---- batches
    def open_batch(self, source: str | os.PathLike | IO[bytes], input_format: str | None = None,
                   drop_identifiers: bool = False, name: str | None = None,
                   ignore_columns: Iterable[str] = ()) -> BatchInput:
        """Check a batch input (a file or a folder of part files, or an open binary file)
        before any work; ``ignore_columns`` are left out entirely."""
        return open_batch(source, self.kb.vocabulary, input_format, drop_identifiers, name,
                          tuple(ignore_columns))

    def run_batch(self, batch: BatchInput, output: str | os.PathLike, jobs: int = 1,
                  progress: Callable[[int], None] | None = None, output_format: str | None = None,
                  compare: BatchComparison | None = None,
                  dask: DaskTarget | None = None) -> BatchOutcome:
        """Screen a checked input into ``output`` (in ``output_format``, or the one its name
        or the parts say); with ``compare`` (``compare_batch``), the changed rows too; with
        ``dask`` (``DaskTarget.parse("local:2")``), on that Dask cluster instead of ``jobs``
        worker processes, with the same output."""
        if compare is None:
            return run_batch(self.kb, batch, output, jobs, progress, output_format, dask=dask)
        with compare.writing() as observe:
            return run_batch(self.kb, batch, output, jobs, progress, output_format, observe,
                             dask=dask)

    def compare_batch(self, earlier: str | os.PathLike, batch: BatchInput,
                      output: str | os.PathLike) -> BatchComparison:
        """Check an earlier JSON Lines output of the same input (a file or a folder of
        parts) before any work, for ``run_batch(..., compare=...)``, which writes the rows
        that changed beside ``output`` (``compare.path``)."""
        return BatchComparison(self.kb, open_earlier(earlier, batch.rows), output)

    def screen_frame(self, frame: DataFrame, drop_identifiers: bool = False,
                     ignore_columns: Iterable[str] = ()) -> DataFrame:
        """A pandas DataFrame of cases in, one row per input row out, in order and on the
        input's index, with the batch's table columns typed as its Parquet output (lists,
        None); a row that cannot be screened is an error row.  Its columns are checked as
        a batch file's are (raises BatchInputError)."""
        rows = frame_rows(frame, self.kb.vocabulary, drop_identifiers, tuple(ignore_columns))
        return records_frame(self.kb.table, self.kb.version, screen_rows(self.kb, rows), frame.index)

    def screen_rows(self, rows: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
        """One record per row of an iterable of raw cases, numbered from 1, in order."""
        for number, raw in enumerate(rows, start=1):
            yield from screen_rows(self.kb, [(number, raw)])
