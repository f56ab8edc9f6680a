"""Turning a raw case (a mapping of field -> value) into validated answers.

Generic: the fields, their kinds and their accepted spellings come from the knowledge
base's vocabulary (data).  Nothing here knows what a field means clinically.

Rules of the contract implemented here:
- a field that is absent, blank, ``unknown`` or null is *not known* and is left out of
  the answers (never turned into ``no``);
- any other value that is not an accepted spelling is an error naming the case, the
  field, the bad value and what was expected; misspelt field names get a did-you-mean;
- every problem of a case is reported together, in field order.
"""
from __future__ import annotations

import difflib
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping

from lbp_screen.engine.conditions import AnswerCondition, Truth
from lbp_screen.engine.errors import InputError, ScreeningError
from lbp_screen.engine.privacy import (
    ECHO_LIMIT, WITHHELD, identifier_reason, normalised, shown, valid_unicode,
)

# Spellings that mean "not known" for every field (compared after strip + lower-case);
# "null" is the contract's word for it, as text in a spreadsheet cell.
NOT_KNOWN_SPELLINGS = frozenset({"", "unknown", "null"})
# Other ways people write "missing".  They are refused (not guessed to mean not known), and
# never answered with a did-you-mean that would turn them into a real answer such as "no".
MISSING_LOOKALIKES = frozenset({"na", "n/a", "n.a.", "none", "nan", "-", "--", "?", "missing",
                                "not known", "not applicable"})
MISSING_HINT = "; for not known, leave it blank or write unknown"


class CaseError(ScreeningError, ValueError):
    """A case that cannot be screened, with every problem found in it."""

    kind = "case"

    def __init__(self, case_id: str | None, label: str | None, problems: list["Problem"]):
        self.case_id = case_id
        self.label = label
        self.problems = problems
        super().__init__(self.message())

    def where(self) -> str:
        """Names the case: where it came from (file, row) and its id when it has a valid one."""
        named = f"case {self.case_id!r}" if self.case_id else ""
        if self.label and named:
            return f"{self.label} ({named})"
        return self.label or named or "case"

    def message(self) -> str:
        where = self.where()
        lines = [p.describe() for p in self.problems]
        if len(lines) == 1:
            return f"{where}: {lines[0]}"
        return f"{where}: {len(lines)} problems:\n" + "\n".join(f"  - {line}" for line in lines)

    def as_dicts(self) -> list[dict]:
        return [p.as_dict() for p in self.problems]

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.kind, "message": self.message(), "case": self.where(),
                "problems": self.as_dicts()}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field of a case."""

    field: str
    value: Any
    expected: str
    suggestion: str | None = None
    conflicts_with: Mapping[str, Any] | None = None  # the other answers a contradiction involves

    def describe(self) -> str:
        text = f"field {self.field!r}: got {self.value!r}, expected {self.expected}"
        if self.suggestion:
            text += f" (did you mean {self.suggestion!r}?)"
        return text

    def as_dict(self) -> dict:
        value = self.value if isinstance(self.value, (str, int, float, bool, type(None))) else repr(self.value)
        document: dict[str, Any] = {"field": self.field, "value": value,
                                    "expected": self.expected, "suggestion": self.suggestion}
        if self.conflicts_with is not None:
            document["conflicts_with"] = dict(self.conflicts_with)
        return document


class DuplicateField(InputError, ValueError):
    """A JSON object names a field twice (refused: keeping either value would be a guess)."""


class InvalidJSON(InputError, ValueError):
    """Text that is not standard JSON, or JSON this tool refuses to guess about: the
    message says why (without the offending value, which may be an identifier)."""


def _refuse_constant(name: str):
    raise InvalidJSON(f"{name} is not a number in standard JSON")


def parse_json(text: str) -> Any:
    """Standard JSON only: no NaN or Infinity, no field named twice in one object; a
    number too long for Python or nesting too deep for it is refused, never a crash."""
    try:
        return json.loads(text, object_pairs_hook=refuse_duplicate_keys,
                          parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise InvalidJSON(f"not valid JSON (line {error.lineno}, column {error.colno}: "
                          f"{error.msg})") from None
    except RecursionError:
        raise InvalidJSON("not usable JSON: nested too deeply") from None
    except (InvalidJSON, DuplicateField):
        raise
    except ValueError:  # Python's limit on the digits of an integer
        raise InvalidJSON("not usable JSON: a number has too many digits") from None


def refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    """``object_pairs_hook`` for ``json.loads`` that refuses a field named twice."""
    seen: dict = {}
    for key, value in pairs:
        if key in seen:
            raise DuplicateField(f"field {key!r} appears twice in one JSON object")
        seen[key] = value
    return seen


class Invalid(Exception):
    """Raised by a kind's parser; carries what was expected and an optional suggestion."""

    def __init__(self, expected: str, suggestion: str | None = None):
        super().__init__(expected)
        self.expected = expected
        self.suggestion = suggestion


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_WORD_BREAK = re.compile(r"[\s_/-]+")  # between the words of a spelling such as no_change


@dataclass(frozen=True)
class Choice:
    """A kind whose answer is one of a few values, each with accepted spellings."""

    name: str
    values: tuple[str, ...]
    spellings: Mapping[str, str]  # accepted spelling (lower case) -> canonical value
    booleans: Mapping[bool, str] = field(default_factory=dict)  # JSON true/false, if accepted
    numbers: Mapping[int, str] = field(default_factory=dict)  # spreadsheet 1/0, if accepted

    def expected(self) -> str:
        return f"{self.name}: one of " + ", ".join(self.values)

    def parse(self, value: Any) -> str:
        if isinstance(value, bool):
            if value in self.booleans:
                return self.booleans[value]
            raise Invalid(self.expected())
        if _is_number(value):
            # a huge integer or float is simply not one of the accepted numbers (no float
            # conversion, which would overflow)
            if value in self.numbers and not isinstance(value, float) or (
                    isinstance(value, float) and math.isfinite(value) and value.is_integer()
                    and int(value) in self.numbers):
                return self.numbers[int(value)]
            raise Invalid(self.expected())
        if isinstance(value, str):
            spelling = value.strip().lower()
            if spelling in self.spellings:
                return self.spellings[spelling]
            if spelling in MISSING_LOOKALIKES:
                raise Invalid(self.expected() + MISSING_HINT)
            if len(spelling) > ECHO_LIMIT:  # no spelling is that long; matching it would be slow
                raise Invalid(self.expected())
            raise Invalid(self.expected(), self._suggestion(spelling))
        raise Invalid(self.expected())

    def _suggestion(self, typed: str) -> str | None:
        """The did-you-mean for a refused spelling (never a missing look-alike, refused
        before): the one value that the typed text begins or is a whole word of (counting
        its spellings: "no" -> no_change among worse / better / no_change), else the
        closest spelling."""
        named = {value for spelling, value in [*self.spellings.items(), *((v, v) for v in self.values)]
                 if typed and (spelling.startswith(typed) or typed in _WORD_BREAK.split(spelling))}
        if len(named) == 1:
            return named.pop()
        close = difflib.get_close_matches(typed, list(self.spellings), n=1, cutoff=0.6)
        return close[0] if close else None

    def allowed(self) -> list[str]:
        return list(self.values)

    ordered = False  # answers cannot be compared with >= or <

    def choices(self) -> tuple[str, ...]:
        """Every answer the kind allows, when they can be listed."""
        return self.values

    def constant_problem(self, name: str, value: Any) -> str | None:
        """Why a rule cannot compare this field with ``value``, or None."""
        return None if value in self.values else f"{name} has no value {value!r}"


@dataclass(frozen=True)
class Number:
    """A number with plausibility bounds (inclusive); out of range is an error, never a clamp."""

    minimum: float
    maximum: float
    whole: bool
    unit: str

    def expected(self) -> str:
        what = "a whole number" if self.whole else "a number"
        low = int(self.minimum) if float(self.minimum).is_integer() else self.minimum
        high = int(self.maximum) if float(self.maximum).is_integer() else self.maximum
        return f"{what} of {self.unit} from {low} to {high}"

    def parse(self, value: Any) -> int | float:
        if _is_number(value):
            number = value
        elif isinstance(value, str) and _PLAIN_DECIMAL.fullmatch(value.strip()):
            number = float(value.strip())
        elif isinstance(value, str) and value.strip().lower() in MISSING_LOOKALIKES:
            raise Invalid(self.expected() + MISSING_HINT)
        else:
            raise Invalid(self.expected())
        # compared before any float conversion, so a 400-digit integer cannot overflow
        if isinstance(number, float) and not math.isfinite(number):
            raise Invalid(self.expected())
        if not self.minimum <= number <= self.maximum:
            raise Invalid(self.expected())
        if self.whole:
            if number != int(number):
                raise Invalid(self.expected())
            return int(number)
        return int(number) if float(number).is_integer() else float(number)

    def allowed(self) -> list[str]:
        return [self.expected()]

    ordered = True

    def choices(self) -> tuple[str, ...]:
        return ()

    def constant_problem(self, name: str, value: Any) -> str | None:
        if _is_number(value) and self.minimum <= value <= self.maximum:
            return None
        return f"{name} threshold {value!r} outside its range"


_PLAIN_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")  # ASCII digits only


@dataclass(frozen=True)
class Text:
    """Free text with a length limit and patterns it must not contain (each with its reason)."""

    max_length: int
    forbidden: tuple[tuple[re.Pattern, str], ...] = ()

    def expected(self) -> str:
        return f"text of at most {self.max_length} characters"

    def parse(self, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise Invalid(self.expected())
        if isinstance(value, int) and value.bit_length() > 4 * self.max_length:
            raise Invalid(self.expected())  # far too long, and never converted to text
        text = str(value).strip()
        if not valid_unicode(text):
            raise Invalid(f"{self.expected()} in valid Unicode")
        if any(unicodedata.category(ch) == "Cc" for ch in text):  # newlines, escapes
            raise Invalid(f"{self.expected()} without control characters")
        if len(text) > self.max_length:
            raise Invalid(self.expected())
        probe = normalised(text)
        for pattern, reason in self.forbidden:
            if pattern.search(probe):
                raise Invalid(f"{self.expected()} that {reason}")
        return text

    def allowed(self) -> list[str]:
        return [self.expected()]

    ordered = False

    def choices(self) -> tuple[str, ...]:
        return ()

    def constant_problem(self, name: str, value: Any) -> str | None:
        return None  # any text a rule names is a possible answer


Kind = Choice | Number | Text


@dataclass(frozen=True)
class FieldSpec:
    """One field of the input contract: its kind, what it means and how to ask for it."""

    name: str
    kind: Kind
    meaning: str
    question: str
    help: str
    group: str
    sensitive_value: bool = False  # value must never be echoed in an error (e.g. an identifier)
    premise: "Premise | None" = None  # the question is asked only when this holds


@dataclass(frozen=True)
class Premise:
    """A question depends on another: it is asked only when ``condition`` (on other fields)
    holds.  An answer in ``presumed_by`` takes the premise for granted (a "yes" to "is the
    weakness getting worse?" presumes a weakness), so giving it while the premise was
    answered the other way is a contradiction; other answers (a "no") stay consistent."""

    condition: AnswerCondition
    presumed_by: tuple[str, ...]
    wording: str  # the premise in plain words, for errors and the vocabulary listing

    def denied(self, answers: Mapping[str, Any]) -> bool:
        """Whether the answers given rule the premise out (unknown never does)."""
        return self.condition.evaluate(answers, None) is Truth.FAILED


@dataclass(frozen=True)
class ValidCase:
    """A case whose answers passed validation.  ``answers`` holds known answers only."""

    case_id: str | None
    answers: Mapping[str, Any]
    not_known: tuple[str, ...]


class Vocabulary:
    """The fields a case may carry, in the order the knowledge base lists them."""

    def __init__(self, fields: Iterable[FieldSpec], id_field: str):
        self.fields: dict[str, FieldSpec] = {f.name: f for f in fields}
        self.id_field = id_field
        if id_field not in self.fields:
            raise ValueError(f"the id field {id_field!r} is not in the vocabulary")
        self._premised = [(spec, spec.premise) for spec in self.fields.values()
                          if spec.premise is not None]
        # what the id field refuses (e-mail addresses, phone numbers) is withheld wherever
        # a bad value would otherwise be echoed
        id_kind = self.fields[id_field].kind
        self._identifier_patterns = tuple(pattern for pattern, _ in getattr(id_kind, "forbidden", ()))
        for spec, premise in self._premised:
            unknown = sorted(set(premise.condition.fields()) - set(self.fields))
            if unknown or spec.name in premise.condition.fields():
                raise ValueError(f"the premise of {spec.name!r} reads unknown fields or itself: {unknown}")
            if not isinstance(spec.kind, Choice) or not set(premise.presumed_by) <= set(spec.kind.values):
                raise ValueError(f"the premise of {spec.name!r} is presumed by answers it does not have")

    def __iter__(self):
        return iter(self.fields.values())

    def __getitem__(self, name: str) -> FieldSpec:
        return self.fields[name]

    def __contains__(self, name: str) -> bool:
        return name in self.fields

    def answer_fields(self) -> list[FieldSpec]:
        return [f for f in self.fields.values() if f.name != self.id_field]

    def suggest_field(self, name: str) -> str | None:
        if len(str(name)) > ECHO_LIMIT:  # no field name is that long
            return None
        close = difflib.get_close_matches(str(name).strip().lower(), list(self.fields), n=1, cutoff=0.6)
        return close[0] if close else None

    def validate(self, raw: Mapping[str, Any], label: str | None = None) -> ValidCase:
        """Validate one raw case; raise CaseError listing every problem found.

        ``label`` names the case in errors when it has no usable id (e.g. "row 12").
        """
        if not isinstance(raw, Mapping):
            raise CaseError(None, label, [Problem("(case)", type(raw).__name__,
                                            "a mapping of field names to values (a JSON object)")])
        problems: list[Problem] = []
        parsed: dict[str, Any] = {}
        for key in raw:
            if not isinstance(key, str) or key not in self.fields:
                # a field named like an identifier (email, patient_name) keeps its value to itself
                value = WITHHELD if identifier_reason(str(key)) else shown(raw[key], self._identifier_patterns)
                problems.append(Problem(shown(str(key), self._identifier_patterns), value,
                                        "a field of the vocabulary (see `lbp vocabulary`)",
                                        self.suggest_field(str(key))))
                continue
            value = raw[key]
            if value is None or (isinstance(value, str) and value.strip().lower() in NOT_KNOWN_SPELLINGS):
                continue
            spec = self.fields[key]
            try:
                parsed[key] = spec.kind.parse(value)
            except Invalid as bad:
                echoed = WITHHELD if spec.sensitive_value else shown(value, self._identifier_patterns)
                problems.append(Problem(key, echoed, bad.expected, bad.suggestion))
        case_id = parsed.pop(self.id_field, None)
        problems.extend(self.contradictions(parsed))
        if problems:
            problems.sort(key=lambda p: self._order(p.field))
            raise CaseError(case_id, label, problems)
        answers = {name: parsed[name] for name in self.fields if name in parsed}
        not_known = tuple(f.name for f in self.answer_fields() if f.name not in answers)
        return ValidCase(case_id=case_id, answers=answers, not_known=not_known)

    def contradictions(self, answers: Mapping[str, Any]) -> list[Problem]:
        """Answers that presume a premise the other answers deny (see ``Premise``)."""
        problems = []
        for spec, premise in self._contradicting(answers):
            denied_by = {name: answers[name] for name in sorted(premise.condition.fields(),
                                                                 key=self._order)
                         if name in answers}
            given = ", ".join(f"{name} is {value!r}" for name, value in denied_by.items())
            problems.append(Problem(
                spec.name, answers[spec.name],
                f"an answer other than {answers[spec.name]!r} while {given} (the question "
                f"is asked only when {premise.wording})",
                conflicts_with=denied_by))
        return problems

    def consistent(self, answers: Mapping[str, Any]) -> bool:
        return next(self._contradicting(answers), None) is None

    def _contradicting(self, answers: Mapping[str, Any]) -> Iterator[tuple[FieldSpec, "Premise"]]:
        """The fields whose answer presumes a premise the other answers deny."""
        for spec, premise in self._premised:
            if answers.get(spec.name) in premise.presumed_by and premise.denied(answers):
                yield spec, premise

    def premise_denied(self, name: str, answers: Mapping[str, Any]) -> bool:
        """Whether ``name`` is a question whose premise the answers rule out (not to be asked)."""
        premise = self.fields[name].premise
        return premise is not None and premise.denied(answers)

    def still_possible(self, name: str, values: Iterable[Any], answers: Mapping[str, Any]) -> list[Any]:
        """Of ``values``, the answers ``name`` can still take: none that presumes a premise
        the answers deny."""
        values = list(values)
        premise = self.fields[name].premise
        if premise is None or not premise.denied(answers):
            return values
        return [v for v in values if v not in premise.presumed_by]

    def _order(self, name: str) -> tuple[int, str]:
        names = list(self.fields)
        return (names.index(name), name) if name in self.fields else (len(names), name)
