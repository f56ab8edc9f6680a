"""A topic's rules as a decision table: the fields its rules read as columns, then the
concluded facts they test, one row per rule, each cell what that rule requires of that
column, and the rule's conclusion (generic: the wording of conclusions comes from the
knowledge base's labels, values are the vocabulary's own).

Built from the rules' conditions through the condition visitor.  The table stays exact:

- conditions joined by the rule's own "and" (its ``when`` list, and an "all of" at the top)
  each go into their column's cell;
- an "any of" on one field becomes one cell ("worse or no_change"); an exemption on one
  field ("unless X") becomes the answers that keep it from being granted, "unknown" among
  them ("no or unknown");
- any other group (an "any of" or "at least n of" over several fields, an exemption over
  several, or groups nested in groups) gets a letter: each of its conditions goes into its
  field's cell marked with that letter ("yes [A]"), and the row's groups cell says how the
  marked conditions combine ("A: at least one of the 3 conditions marked A"; for nested
  groups, the group in full words, as ``lbp rules`` prints it).

So every rule is exactly one row, and every field it reads has a non-empty cell.
"""
from __future__ import annotations

from typing import Any

from lbp_screen.engine.conditions import (
    Answer, AnswerCondition, AnyOf, AtLeastOf, Concluded, Condition, ConditionVisitor, Labels,
    NotAnswered, NotConcluded, OneOf, Unless,
)
from lbp_screen.engine.rulebook import KnowledgeBase, RuleSpec
from lbp_screen.engine.vocabulary import Number, Vocabulary

NO_CONDITION = "—"  # how a face shows an empty cell: the rule sets no condition on that column
UNKNOWN = "unknown"
NOT_ANSWERED = "not answered"

LEGEND = (
    "One row per rule; the rule fires when every cell of its row holds (a row with no "
    "condition fires once the earlier phases have run).",
    f"A cell says what the rule requires of that column's answer or conclusion; "
    f"{NO_CONDITION} means it sets no condition there.",
    "Only an explicit answer satisfies a cell, except where it says 'unknown' (an exemption "
    "that only an explicit answer grants) or 'not answered' (a rule that notes a missing answer).",
    "Cells marked with a letter, such as [A], belong to one group of conditions on several "
    "answers (any of, at least n of, unless); the groups column says how they combine.",
)

# the inverse of each comparison ``Labels.answer`` is given, for "unless" cells
_INVERSE = {"is at least": "below", "is more than": "at most", "is below": "at least"}


def _value(value: Any) -> str:
    return format(value, "g") if isinstance(value, (int, float)) and not isinstance(value, bool) \
        else str(value)


class _CellWords(Labels):
    """A condition on one answer in a cell's few words: the value or values it needs
    ("worse", "worse or no_change", "at least 50 years"), the field being the column."""

    def __init__(self, vocabulary: Vocabulary):
        super().__init__(str, lambda fact_type, values: fact_type.__name__)
        self._vocabulary = vocabulary

    def _unit(self, field: str) -> str:
        kind = self._vocabulary[field].kind
        return f" {kind.unit}" if isinstance(kind, Number) and kind.unit else ""

    def answer(self, field: str, relation: str, values: tuple) -> str:
        if relation in ("is", "is one of"):
            return " or ".join(map(_value, values))
        (value,) = values
        return f"{relation.removeprefix('is ')} {_value(value)}{self._unit(field)}"


class _ExemptionWords(_CellWords):
    """The answers that keep "unless <condition>" from being granted: every other value,
    or the inverse comparison, and unknown (only an explicit answer grants an exemption)."""

    def answer(self, field: str, relation: str, values: tuple) -> str:
        if relation in ("is", "is one of"):
            others = [v for v in self._vocabulary[field].kind.choices() if v not in values]
            kept = " or ".join(map(_value, others)) if others else \
                "anything but " + " or ".join(map(_value, values))
        elif relation in _INVERSE:
            (value,) = values
            kept = f"{_INVERSE[relation]} {_value(value)}{self._unit(field)}"
        else:
            raise ValueError(f"no inverse for the comparison {relation!r} of {field!r}")
        return f"{kept} or {UNKNOWN}"


def _mark(number: int) -> str:
    """A, B, ... Z, AA, AB, ..."""
    letters = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _is_leaf(condition: Condition) -> bool:
    return not condition.children()


def _combination(needed: int, count: int) -> str:
    """How many of a flat group's ``count`` conditions must hold ({mark} left to fill)."""
    if needed >= count:
        return "both conditions marked {mark}" if count == 2 else f"all {count} conditions marked {{mark}}"
    if needed == 1:
        return f"at least one of the {count} conditions marked {{mark}}"
    return f"at least {needed} of the {count} conditions marked {{mark}}"


class _Shape(ConditionVisitor["tuple[int, int] | None"]):
    """A group's (conditions needed, conditions in it); None for anything else."""

    def group(self, condition: "AnyOf | AtLeastOf", *args: Any) -> "tuple[int, int] | None":
        return condition.needed, len(condition.options)

    def answers(self, condition: AnswerCondition, *args: Any) -> "tuple[int, int] | None":
        return None


Column = tuple[str, Any]  # ("answer", field) or ("concluded", fact type)


class _Row(ConditionVisitor[None]):
    """Visits one rule's conditions and collects its cells: column -> parts, and groups."""

    def __init__(self, kb: KnowledgeBase):
        self._labels = kb.labels
        self._words = _CellWords(kb.vocabulary)
        self._exempt = _ExemptionWords(kb.vocabulary)
        self.cells: dict[Column, list[str]] = {}
        self.groups: list[str] = []

    def _add(self, column: Column, text: str, mark: str | None) -> None:
        self.cells.setdefault(column, []).append(f"{text} [{mark}]" if mark else text)

    def _new_mark(self, condition: Condition, how: str) -> str:
        """A letter for a group and its groups-cell text: ``how`` the marked conditions
        combine when they are all plain answers, else the group in full words."""
        mark = _mark(len(self.groups))
        self.groups.append(f"{mark}: " + (how.format(mark=mark) if how else condition.describe(self._labels)))
        return mark

    def leaf(self, condition: "Answer | OneOf", mark: str | None = None,
             words: Labels | None = None) -> None:
        self._add(("answer", condition.field), condition.describe(words or self._words), mark)

    def group(self, condition: "AnyOf | AtLeastOf", mark: str | None = None,
              words: Labels | None = None) -> None:
        options, needed = condition.options, condition.needed
        flat = all(_is_leaf(option) for option in options)
        if mark is None and needed >= len(options):  # "all of" at the top: the row's own "and"
            for option in options:
                option.accept(self)
            return
        if mark is None and needed == 1 and flat and len(condition.fields()) == 1:
            (field,) = condition.fields()
            self._add(("answer", field), " or ".join(o.describe(self._words) for o in options), None)
            return
        if mark is None:
            mark = self._new_mark(condition, _combination(needed, len(options)) if flat else "")
        for option in options:
            option.accept(self, mark)

    def exemption(self, condition: Unless, mark: str | None = None,
                  words: Labels | None = None) -> None:
        inner = condition.inner
        if mark is None and _is_leaf(inner):
            inner.accept(self, None, self._exempt)
            return
        if mark is None:
            shape = inner.accept(_Shape())  # a group of plain answers is counted, else worded
            how = ""
            if shape is not None and all(_is_leaf(child) for child in inner.children()):
                how = f"the rule holds unless {_combination(*shape)} " + ("hold" if shape[0] > 1 else "holds")
            mark = self._new_mark(condition, how)
        inner.accept(self, mark)

    def concluded(self, condition: Concluded, mark: str | None = None,
                  words: Labels | None = None) -> None:
        self._add(("concluded", condition.fact_type), condition.describe(self._labels), mark)

    def not_concluded(self, condition: NotConcluded, mark: str | None = None,
                      words: Labels | None = None) -> None:
        self._add(("concluded", condition.fact_type), condition.describe(self._labels), mark)

    def not_answered(self, condition: NotAnswered, mark: str | None = None,
                     words: Labels | None = None) -> None:
        self._add(("answer", condition.field), NOT_ANSWERED, mark)


def decision_table(kb: KnowledgeBase, rules: list[RuleSpec]) -> dict[str, Any]:
    """The decision table of ``rules`` (one topic's, in rulebook order): ``columns``, each
    ``{"kind", "field", "label"}`` (kind ``answer`` with the field's name, ``concluded`` with
    the conclusion's name, then ``groups`` when a row has any, then ``conclusion``), and
    ``rows``, each ``{"rule", "title", "cells"}`` with one list of parts per column (an
    empty list: no condition there)."""
    visited = []
    for rule in rules:
        row = _Row(kb)
        for condition in rule.when:
            condition.accept(row)
        visited.append((rule, row))
    used = {column for _, row in visited for column in row.cells}
    fields = [spec.name for spec in kb.vocabulary if ("answer", spec.name) in used]
    concluded = list(dict.fromkeys(column for _, row in visited for column in row.cells
                                   if column[0] == "concluded"))
    columns: list[dict[str, Any]] = [{"kind": "answer", "field": name, "label": name} for name in fields]
    columns += [{"kind": "concluded", "field": None, "label": kb.labels.conclusion(fact_type, {})}
                for _, fact_type in concluded]
    grouped = any(row.groups for _, row in visited)
    if grouped:
        columns.append({"kind": "groups", "field": None, "label": "groups"})
    columns.append({"kind": "conclusion", "field": None, "label": "concludes"})
    keys: list[Column] = [("answer", name) for name in fields] + concluded
    rows = []
    for rule, row in visited:
        cells = [list(row.cells.get(key, [])) for key in keys]
        if grouped:
            cells.append(list(row.groups))
        cells.append([action.describe(kb.labels) for action in rule.then])
        rows.append({"rule": rule.id, "title": rule.title, "cells": cells})
    return {"columns": columns, "rows": rows}
