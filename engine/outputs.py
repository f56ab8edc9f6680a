"""What a knowledge base declares about its outputs, so the engine can produce them
without knowing what they mean: the order of the result's keys, the columns of a result
table, the counts of a batch summary, the expectations an annotated case may state, and
the kinds of change ``lbp batch --compare`` reports between two outputs.

The engine fills the keys every knowledge base shares (``ENGINE_RESULT_KEYS``) and the
generic table columns (``ENGINE_COLUMNS``); the knowledge base names and fills the rest.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

# Result keys the engine fills for every knowledge base: which case, which knowledge base
# and engine produced it (provenance), and the rules fired in firing order.
ENGINE_RESULT_KEYS = ("case_id", "knowledge_base", "engine", "fired_rules")
# Table columns the engine fills: the row, its id and status, the rules it fired, its
# errors, and the knowledge-base version every row (error rows too) was checked against.
ENGINE_COLUMNS = ("row", "case_id", "status", "fired_rules", "errors", "knowledge_base_version")

COLUMN_KINDS = ("text", "ids", "sentences")
LIST_SEPARATOR = "; "      # joins ids in a text cell
TEXT_SEPARATOR = " | "     # joins sentences (warnings, errors) in a text cell


class OutputShapeError(Exception):
    """A knowledge base's output declarations do not fit together (a programming error)."""


@dataclass(frozen=True)
class Column:
    """One column of a result table: ``text`` (one value), ``ids`` or ``sentences`` (lists)."""

    name: str
    kind: str = "text"


@dataclass(frozen=True)
class TableLayout:
    """The columns of the tabular outputs, in order, and how a result fills the
    knowledge base's own columns (``flatten``: result -> {column: str or list of str})."""

    columns: tuple[Column, ...]
    flatten: Callable[[Mapping[str, Any]], Mapping[str, Any]]

    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def own_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.name not in ENGINE_COLUMNS)

    def check(self) -> None:
        names = self.names()
        missing = [c for c in ENGINE_COLUMNS if c not in names]
        repeated = sorted({n for n in names if names.count(n) > 1})
        bad_kind = [c.name for c in self.columns if c.kind not in COLUMN_KINDS]
        if missing or repeated or bad_kind:
            raise OutputShapeError(f"table columns: missing engine columns {missing}, "
                                   f"repeated {repeated}, unknown kinds {bad_kind}")


@dataclass(frozen=True)
class SummaryCount:
    """One count of a batch summary: how many ok rows had each value ``values`` gives."""

    key: str
    heading: str
    values: Callable[[Mapping[str, Any]], Iterable[str]]


@dataclass(frozen=True)
class Expectation:
    """What an annotated case may state about its result.

    ``equals``: the value (text) must be the result's; ``same_set``: the ids must be exactly
    the result's; ``includes`` / ``excludes``: each id must be (or must not be) among the
    result's.  ``failure`` words a mismatch of the last two ("rules expected to fire did not")."""

    key: str
    how: str
    actual: Callable[[Mapping[str, Any]], Any]
    failure: str = ""
    rule_ids: bool = False  # the ids are rule ids: one the rulebook lacks is an error

    @property
    def json_type(self) -> type:
        return str if self.how == "equals" else list

    def mismatch(self, wanted: Any, result: Mapping[str, Any]) -> str | None:
        got = self.actual(result)
        if self.how == "equals":
            return None if got == wanted else f"{self.key}: expected {wanted}, got {got}"
        if self.how == "same_set":
            want, have = sorted(wanted), sorted(got)
            return None if want == have else f"{self.key}: expected {want}, got {have}"
        present = set(got)
        wrong = [item for item in wanted if (item in present) != (self.how == "includes")]
        return f"{self.failure}: {wrong}" if wrong else None


EXPECTATION_HOWS = ("equals", "same_set", "includes", "excludes")

# Expectations every knowledge base has: about the rules that fired.
ENGINE_EXPECTATIONS = (
    Expectation("rules_fired", "includes", lambda r: r["fired_rules"],
                "rules expected to fire did not", rule_ids=True),
    Expectation("rules_not_fired", "excludes", lambda r: r["fired_rules"],
                "rules expected not to fire did", rule_ids=True),
)


@dataclass(frozen=True)
class Comparison:
    """One kind of change between a result and an earlier result of the same case, as
    ``lbp batch --compare`` reports it: ``value`` gives what is compared, JSON-ready (a
    set as a sorted list, so an order that changed is no change)."""

    key: str
    heading: str
    value: Callable[[Mapping[str, Any]], Any]


# Kinds of change the engine reports for every knowledge base: a row that was screened
# once and refused the other time (status), or refused both times for other reasons.
ENGINE_CHANGES = ("status", "errors")
