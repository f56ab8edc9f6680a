"""The condition language rules are written in, and its three-valued reading.

A condition is either about the case's answers (``Answer``, ``AnyOf``, ``AtLeastOf``) or
about what other rules have concluded (``Concluded``, ``NotConcluded``).  Each condition
can (1) compile itself to experta patterns, so experta does the matching and firing;
(2) evaluate itself against a case afterwards as HELD, FAILED or UNKNOWN, which the
explanation layer uses for "why not"; (3) describe itself in plain words for the rulebook.

Unknown is not no: an answer condition on a field the case did not answer is UNKNOWN,
and experta never matches it (a missing key fails every field test).

Code that treats kinds of condition differently (compiling to experta patterns, the
matcher, the explanation layer) does so through ``accept(visitor)``: each condition calls
the visitor's method for its kind, so no caller tests classes, and a new kind of condition
must say what it is.  Labels are structured (field, relation, values), never a joined string.
"""
from __future__ import annotations

import enum
import operator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Generic, Iterable, Mapping, TypeVar

from lbp_screen.engine.experta_compat import EXISTS, NOT, Fact, L, P, W

if TYPE_CHECKING:
    from lbp_screen.engine.vocabulary import Vocabulary

T = TypeVar("T")


class Truth(enum.Enum):
    HELD = "held"
    FAILED = "failed"
    UNKNOWN = "unknown"


def all_of(truths: Iterable[Truth]) -> Truth:
    """Kleene conjunction: one failure fails it; otherwise any unknown leaves it unknown."""
    truths = list(truths)
    if Truth.FAILED in truths:
        return Truth.FAILED
    return Truth.UNKNOWN if Truth.UNKNOWN in truths else Truth.HELD


def at_least_held(n: int, truths: Iterable[Truth]) -> Truth:
    truths = list(truths)
    held = truths.count(Truth.HELD)
    if held >= n:
        return Truth.HELD
    return Truth.UNKNOWN if held + truths.count(Truth.UNKNOWN) >= n else Truth.FAILED


class ConditionVisitor(Generic[T]):
    """One method per kind of condition.  The three kinds of answer condition fall back
    to ``answers``, so a visitor that treats them alike defines that one method."""

    def leaf(self, condition: "Answer | OneOf", *args: Any) -> T:
        return self.answers(condition, *args)

    def group(self, condition: "AnyOf | AtLeastOf", *args: Any) -> T:
        return self.answers(condition, *args)

    def exemption(self, condition: "Unless", *args: Any) -> T:
        return self.answers(condition, *args)

    def answers(self, condition: "AnswerCondition", *args: Any) -> T:
        raise NotImplementedError(f"{type(self).__name__} has no answer-condition case")

    def concluded(self, condition: "Concluded", *args: Any) -> T:
        raise NotImplementedError

    def not_concluded(self, condition: "NotConcluded", *args: Any) -> T:
        raise NotImplementedError

    def not_answered(self, condition: "NotAnswered", *args: Any) -> T:
        raise NotImplementedError


class Condition:
    """Base of every condition."""

    on_answers = False  # holds or fails on the case's answers alone

    def fields(self) -> set[str]:
        """Case fields this condition reads (directly)."""
        return set()

    def children(self) -> tuple["Condition", ...]:
        """The conditions this one is made of (none for a leaf)."""
        return ()

    def evaluate(self, answers: Mapping[str, Any], concluded: "ConclusionIndex | None" = None) -> Truth:
        raise NotImplementedError

    def describe(self, labels: "Labels") -> str:
        raise NotImplementedError

    def accept(self, visitor: ConditionVisitor[T], *args: Any) -> T:
        raise NotImplementedError

    def named_values(self) -> dict[str, set]:
        """The values this condition compares each field with (the interview's
        representative answers are built from them)."""
        named: dict[str, set] = {}
        for child in self.children():
            for name, values in child.named_values().items():
                named.setdefault(name, set()).update(values)
        return named

    def problems(self, vocabulary: "Vocabulary") -> list[str]:
        """What is wrong with this condition against a vocabulary (unknown fields or values)."""
        return [problem for child in self.children() for problem in child.problems(vocabulary)]

    def open_exemption(self, answers: Mapping[str, Any]) -> bool:
        """Whether this is an exemption an unanswered question could still grant."""
        return False

    def settled(self, answers: Mapping[str, Any]) -> bool:
        """Holds, and no further answer can undo that: it holds and holds no exemption that
        an unanswered question could still grant (answers otherwise only add)."""
        return (self.evaluate(answers) is Truth.HELD
                and not any(c.open_exemption(answers) for c in self._walk()))

    def _walk(self) -> Iterable["Condition"]:
        yield self
        for child in self.children():
            yield from child._walk()


class AnswerCondition(Condition):
    """A condition on case answers alone (can be tested inside one experta field test).

    Besides testing, an answer condition can search for answers to the unanswered
    questions that would make it hold (``witness``), or that show a question's answer
    could make it hold where leaving that question unknown does not (``raising_witness``).
    ``values(field)`` gives the candidate answers of an unanswered field.  Siblings are
    searched one at a time, so the witness found is checked by the caller."""

    on_answers = True

    def test(self, answers: Mapping[str, Any]) -> bool:
        return self.evaluate(answers, None) is Truth.HELD

    def experta_test(self):
        """The experta field test of a single-field condition (others are TESTs of their own)."""
        raise TypeError(f"not a single-field condition: {self!r}")

    def witness(self, answers: Mapping[str, Any], values: "CandidateValues") -> dict | None:
        raise NotImplementedError

    def raising_witness(self, answers: Mapping[str, Any], name: str,
                        values: "CandidateValues") -> tuple[dict, Any] | None:
        raise NotImplementedError

    def defeating_witness(self, answers: Mapping[str, Any], values: "CandidateValues") -> dict | None:
        """Answers to unanswered questions under which this condition fails, or None."""
        raise NotImplementedError


CandidateValues = Callable[[str], Iterable[Any]]


def _merge(*assignments: dict | None) -> dict | None:
    """One assignment from several, or None when any is missing or two disagree."""
    merged: dict = {}
    for assignment in assignments:
        if assignment is None:
            return None
        for key, value in assignment.items():
            if merged.setdefault(key, value) != value:
                return None
    return merged


class _Leaf(AnswerCondition):
    """An answer condition on one field."""

    field: str

    def accept(self, visitor, *args):
        return visitor.leaf(self, *args)

    def constants(self) -> tuple:
        raise NotImplementedError

    def named_values(self) -> dict[str, set]:
        return {self.field: set(self.constants())}

    def equality(self) -> tuple[str, Any] | None:
        """(field, value) when this is a plain "field is value" test."""
        return None

    def problems(self, vocabulary):
        if self.field not in vocabulary:
            return [f"condition on unknown field {self.field!r}"]
        kind = vocabulary[self.field].kind
        found = [problem for value in self.constants()
                 if (problem := kind.constant_problem(self.field, value)) is not None]
        return found + self._operator_problems(kind)

    def _operator_problems(self, kind) -> list[str]:
        return []

    def witness(self, answers, values):
        if self.field in answers:
            return {} if self.evaluate(answers) is Truth.HELD else None
        for value in values(self.field):
            if self.evaluate({self.field: value}) is Truth.HELD:
                return {self.field: value}
        return None

    def raising_witness(self, answers, name, values):
        if self.field != name or name in answers:
            return None
        found = self.witness(answers, values)
        return ({}, found[name]) if found else None

    def defeating_witness(self, answers, values):
        if self.field in answers:
            return {} if self.evaluate(answers) is Truth.FAILED else None
        for value in values(self.field):
            if self.evaluate({self.field: value}) is Truth.FAILED:
                return {self.field: value}
        return None


_COMPARISONS: dict[str, tuple[Callable[[Any, Any], bool], str]] = {
    "==": (operator.eq, "is"),
    ">=": (operator.ge, "is at least"),
    ">": (operator.gt, "is more than"),
    "<": (operator.lt, "is below"),
}


@dataclass(frozen=True)
class Answer(_Leaf):
    """``field`` was answered and its answer compares to ``value`` (``==``, ``>=`` or ``<``)."""

    field: str
    value: Any
    op: str = "=="

    def fields(self) -> set[str]:
        return {self.field}

    def holds_for(self, answer: Any) -> bool:
        return _COMPARISONS[self.op][0](answer, self.value)

    def evaluate(self, answers, concluded=None) -> Truth:
        if self.field not in answers:
            return Truth.UNKNOWN
        return Truth.HELD if self.holds_for(answers[self.field]) else Truth.FAILED

    def describe(self, labels: "Labels") -> str:
        return labels.answer(self.field, _COMPARISONS[self.op][1], (self.value,))

    def constants(self) -> tuple:
        return (self.value,)

    def equality(self):
        return (self.field, self.value) if self.op == "==" else None

    def experta_test(self):
        return L(self.value) if self.op == "==" else P(self.holds_for)

    def _operator_problems(self, kind):
        if self.op != "==" and not kind.ordered:
            return [f"{self.op} needs a number field, not {self.field!r}"]
        return []


@dataclass(frozen=True)
class OneOf(_Leaf):
    """``field`` was answered with one of ``values``."""

    field: str
    values: tuple

    def fields(self) -> set[str]:
        return {self.field}

    def evaluate(self, answers, concluded=None) -> Truth:
        if self.field not in answers:
            return Truth.UNKNOWN
        return Truth.HELD if answers[self.field] in self.values else Truth.FAILED

    def describe(self, labels: "Labels") -> str:
        return labels.answer(self.field, "is one of", tuple(self.values))

    def constants(self) -> tuple:
        return tuple(self.values)

    def experta_test(self):
        allowed = frozenset(self.values)
        return P(lambda value: value in allowed)


@dataclass(frozen=True)
class AnyOf(AnswerCondition):
    """At least one of several answer conditions holds."""

    options: tuple[AnswerCondition, ...]

    def fields(self) -> set[str]:
        return set().union(*(o.fields() for o in self.options))

    def children(self) -> tuple[Condition, ...]:
        return self.options

    needed = 1  # options that must hold

    def accept(self, visitor, *args):
        return visitor.group(self, *args)

    def evaluate(self, answers, concluded=None) -> Truth:
        return at_least_held(1, [o.evaluate(answers, concluded) for o in self.options])

    def describe(self, labels: "Labels") -> str:
        return "any of: " + "; ".join(o.describe(labels) for o in self.options)

    def witness(self, answers, values):
        for option in self.options:
            found = option.witness(answers, values)
            if found is not None:
                return found
        return None

    def raising_witness(self, answers, name, values):
        if any(o.settled(answers) for o in self.options):
            return None  # it holds already, whatever the question's answer
        # an option that holds only while an exemption is not granted does not settle it:
        # the witness then also answers the other options so that they fail (granting
        # their exemptions), and this question's option is what makes it hold
        for option in self.options:
            found = option.raising_witness(answers, name, values)
            if found is None:
                continue
            completion: dict | None = found[0]
            for other in self.options:
                if other is option or completion is None:
                    continue
                if other.evaluate({**answers, **completion}) is not Truth.FAILED and name not in other.fields():
                    completion = _merge(completion, other.defeating_witness({**answers, **completion}, values))
            if completion is not None:
                return completion, found[1]
            return found  # unchecked: the caller checks it and searches further if it fails
        return None

    def defeating_witness(self, answers, values):
        merged: dict | None = {}
        for option in self.options:
            if merged is None:
                return None
            merged = _merge(merged, option.defeating_witness({**answers, **merged}, values))
        return merged


@dataclass(frozen=True)
class AtLeastOf(AnswerCondition):
    """At least ``n`` of several answer conditions hold."""

    n: int
    options: tuple[AnswerCondition, ...]

    def fields(self) -> set[str]:
        return set().union(*(o.fields() for o in self.options))

    def children(self) -> tuple[Condition, ...]:
        return self.options

    @property
    def needed(self) -> int:
        return self.n

    def accept(self, visitor, *args):
        return visitor.group(self, *args)

    def evaluate(self, answers, concluded=None) -> Truth:
        return at_least_held(self.n, [o.evaluate(answers, concluded) for o in self.options])

    def describe(self, labels: "Labels") -> str:
        return f"at least {self.n} of: " + "; ".join(o.describe(labels) for o in self.options)

    def _complete(self, answers, values, start: dict, needed: int, skip=()) -> dict | None:
        """Extend ``start`` with witnesses of options not yet held until ``needed`` more hold;
        options that do not read the field being asked about come first."""
        chosen, merged = 0, dict(start)
        for option in self.options:
            if chosen == needed:
                break
            if option in skip or option.evaluate(answers) is Truth.HELD:
                continue
            extended = _merge(merged, option.witness(answers, values))
            if extended is not None:
                merged, chosen = extended, chosen + 1
        return merged if chosen == needed else None

    def witness(self, answers, values):
        held = sum(o.evaluate(answers) is Truth.HELD for o in self.options)
        return self._complete(answers, values, {}, max(0, self.n - held))

    def raising_witness(self, answers, name, values):
        if sum(o.settled(answers) for o in self.options) >= self.n:
            return None  # it holds already, whatever the question's answer
        readers = [o for o in self.options if name in o.fields()]
        for option in readers:
            found = option.raising_witness(answers, name, values)
            if found is None:
                continue
            # the option the answer is to make hold is not counted as held already (it may
            # hold only while an exemption is not granted)
            held = sum(o.evaluate(answers) is Truth.HELD for o in self.options if o is not option)
            rest = self._complete(answers, values, found[0], max(0, self.n - held - 1), skip=readers)
            if rest is not None:
                return rest, found[1]
        return None

    def defeating_witness(self, answers, values):
        """Fail enough options that fewer than ``n`` can still hold."""
        merged: dict | None = {}
        for option in self.options:
            current = {**answers, **(merged or {})}
            possible = sum(o.evaluate(current) is not Truth.FAILED for o in self.options)
            if possible < self.n:
                return merged
            if option.evaluate(current) is Truth.FAILED:
                continue
            extended = _merge(merged, option.defeating_witness(current, values))
            if extended is not None:  # an option that cannot be failed may be left holding
                merged = extended
        current = {**answers, **(merged or {})}
        return merged if sum(o.evaluate(current) is not Truth.FAILED for o in self.options) < self.n else None


@dataclass(frozen=True)
class AllOf(AtLeastOf):
    """Every one of several answer conditions holds (to nest an "and" inside an "any of")."""

    def describe(self, labels: "Labels") -> str:
        return "all of: " + "; ".join(o.describe(labels) for o in self.options)


@dataclass(frozen=True)
class Unless(AnswerCondition):
    """Holds unless the inner answer condition holds: an exemption that only an explicit
    answer grants.  Left unknown, the exemption is not granted (the rule still fires), so
    a missing answer never lowers a warning; it is never evidence *for* a conclusion,
    which the rule's other conditions must supply."""

    inner: AnswerCondition

    def fields(self) -> set[str]:
        return self.inner.fields()

    def children(self) -> tuple[Condition, ...]:
        return (self.inner,)

    def accept(self, visitor, *args):
        return visitor.exemption(self, *args)

    def open_exemption(self, answers):
        return self.inner.evaluate(answers, None) is Truth.UNKNOWN

    def evaluate(self, answers, concluded=None) -> Truth:
        return Truth.FAILED if self.inner.evaluate(answers, concluded) is Truth.HELD else Truth.HELD

    def describe(self, labels: "Labels") -> str:
        return "unless " + self.inner.describe(labels)

    def witness(self, answers, values):
        # leaving the exemption's questions unanswered keeps it from being granted
        return {} if self.evaluate(answers) is Truth.HELD else None

    def raising_witness(self, answers, name, values):
        return None  # an answer can only grant the exemption, never make this hold

    def defeating_witness(self, answers, values):
        return self.inner.witness(answers, values)  # the answers that grant the exemption


@dataclass(frozen=True)
class Threshold:
    """A test on a concluded fact's field: at least / below a number, or one of some values."""

    op: str
    value: Any

    def holds_for(self, actual: Any) -> bool:
        if self.op == "in":
            return actual in self.value
        if not isinstance(actual, (int, float)) or isinstance(actual, bool):
            return False
        return actual >= self.value if self.op == ">=" else actual < self.value

    def describe(self) -> str:
        if self.op == "in":
            return "one of " + " / ".join(map(str, self.value))
        return ("at least " if self.op == ">=" else "below ") + str(self.value)


def _value_test(expected: Any):
    return P(expected.holds_for) if isinstance(expected, Threshold) else L(expected)


def value_holds(expected: Any, actual: Any) -> bool:
    """Whether ``actual`` passes ``expected``: a Threshold test, or equality."""
    return expected.holds_for(actual) if isinstance(expected, Threshold) else actual == expected


def _fact_matches(fact_type: type[Any], values: tuple[tuple[str, Any], ...], fact: Fact) -> bool:
    if type(fact) is not fact_type:
        return False
    for key, expected in values:
        if key not in fact or not value_holds(expected, fact[key]):
            return False
    return True


@dataclass(frozen=True)
class Concluded(Condition):
    """Some rule has concluded a fact of ``fact_type`` whose fields pass these tests.

    Compiled to experta's EXISTS, so a rule fires once however many facts support it."""

    fact_type: type[Any]
    values: tuple[tuple[str, Any], ...]

    def pattern(self):
        return EXISTS(self.fact_type(**{k: _value_test(v) for k, v in self.values}))

    def accept(self, visitor, *args):
        return visitor.concluded(self, *args)

    def matches(self, fact: Fact) -> bool:
        return _fact_matches(self.fact_type, self.values, fact)

    def evaluate(self, answers, concluded: "ConclusionIndex | None" = None) -> Truth:
        if concluded is None:
            raise ValueError("a condition on conclusions needs the conclusions")
        return Truth.HELD if concluded.supporting(self) else Truth.FAILED

    def describe(self, labels: "Labels") -> str:
        return labels.conclusion(self.fact_type, dict(self.values))


@dataclass(frozen=True)
class NotConcluded(Condition):
    """No rule has concluded such a fact (closed world: the rule runs in a later phase
    than every rule that could conclude it)."""

    fact_type: type[Any]
    values: tuple[tuple[str, Any], ...]

    def pattern(self):
        return NOT(self.fact_type(**{k: _value_test(v) for k, v in self.values}))

    def accept(self, visitor, *args):
        return visitor.not_concluded(self, *args)

    def matches(self, fact: Fact) -> bool:
        return _fact_matches(self.fact_type, self.values, fact)

    def evaluate(self, answers, concluded: "ConclusionIndex | None" = None) -> Truth:
        if concluded is None:
            raise ValueError("a condition on conclusions needs the conclusions")
        return Truth.FAILED if concluded.supporting(self) else Truth.HELD

    def describe(self, labels: "Labels") -> str:
        return "no conclusion that " + labels.conclusion(self.fact_type, dict(self.values))


@dataclass(frozen=True)
class NotAnswered(Condition):
    """The case did not answer ``field``.  Used only to *say* something is missing (for
    example a warning), never as evidence for a clinical conclusion."""

    field: str

    def fields(self) -> set[str]:
        return {self.field}

    def pattern(self, case_type: type):
        return NOT(case_type(**{self.field: W()}))

    def accept(self, visitor, *args):
        return visitor.not_answered(self, *args)

    def problems(self, vocabulary):
        return [] if self.field in vocabulary else [f"condition on unknown field {self.field!r}"]

    def evaluate(self, answers, concluded=None) -> Truth:
        return Truth.FAILED if self.field in answers else Truth.HELD

    def describe(self, labels: "Labels") -> str:
        return labels.not_answered(self.field)


# Short constructors the rulebook is written with.
def answer(field: str, value: Any) -> Answer:
    return Answer(field, value, "==")


def at_least_value(field: str, value: float) -> Answer:
    return Answer(field, value, ">=")


def above_value(field: str, value: float) -> Answer:
    return Answer(field, value, ">")


def below_value(field: str, value: float) -> Answer:
    return Answer(field, value, "<")


def one_of(field: str, *values: Any) -> OneOf:
    return OneOf(field, tuple(values))


def any_of(*options: AnswerCondition) -> AnyOf:
    return AnyOf(tuple(options))


def at_least_of(n: int, *options: AnswerCondition) -> AtLeastOf:
    return AtLeastOf(n, tuple(options))


def all_of_these(*options: AnswerCondition) -> AllOf:
    return AllOf(len(options), tuple(options))


def unless(condition: AnswerCondition) -> Unless:
    return Unless(condition)


def concluded(fact_type: type, **values: Any) -> Concluded:
    return Concluded(fact_type, tuple(sorted(values.items())))


def not_concluded(fact_type: type, **values: Any) -> NotConcluded:
    return NotConcluded(fact_type, tuple(sorted(values.items())))


def not_answered(field: str) -> NotAnswered:
    return NotAnswered(field)


def at_least(n: float) -> Threshold:
    """Value test for ``concluded``: the field is a number of at least ``n``."""
    return Threshold(">=", n)


def below(n: float) -> Threshold:
    """Value test for ``concluded``: the field is a number below ``n``."""
    return Threshold("<", n)


def among(*values: Any) -> Threshold:
    """Value test for ``concluded``: the field is one of ``values``."""
    return Threshold("in", tuple(values))


class ConclusionIndex:
    """The facts in working memory after a run, for evaluating conditions afterwards."""

    def __init__(self, facts: Iterable[Fact]):
        self._facts = list(facts)

    def supporting(self, condition: "Concluded | NotConcluded") -> list[Fact]:
        """The facts that satisfy (or, for NotConcluded, defeat) the condition."""
        return [f for f in self._facts if condition.matches(f)]


class Labels:
    """How conditions are put into words; the knowledge base supplies the wording."""

    def __init__(self, field_label: Callable[[str], str], conclusion_label: Callable[[type, dict], str]):
        self._field_label = field_label
        self._conclusion_label = conclusion_label

    def answer(self, field: str, relation: str, values: tuple) -> str:
        """A condition on an answer: the field, the relation ("is", "is one of", "is at
        least", ...) and the value or values it compares with."""
        return f"{self._field_label(field)} {relation} {' / '.join(map(str, values))}"

    def conclusion(self, fact_type: type, values: dict) -> str:
        shown = {k: v.describe() if isinstance(v, Threshold) else v for k, v in values.items()}
        return self._conclusion_label(fact_type, shown)

    def not_answered(self, field: str) -> str:
        return f"{self._field_label(field)} was not answered"


def case_pattern_constraints(conditions: Iterable["Answer | OneOf"]) -> dict[str, Any]:
    """experta field tests for the single-field answer conditions of a rule.

    Conditions on the same field are joined with ``&``; a missing key fails every test,
    which is how "not known" never matches.
    """
    by_field: dict[str, list] = {}
    for condition in conditions:
        test = condition.experta_test()  # only a single-field condition has one
        by_field.setdefault(condition.field, []).append(test)
    constraints = {}
    for name, tests in by_field.items():
        combined = tests[0]
        for extra in tests[1:]:
            combined = combined & extra
        constraints[name] = combined
    return constraints
