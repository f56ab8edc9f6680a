"""Asking a case question by question, and only the questions that still matter.

Generic: the questions, their order and their wording come from the knowledge base's
vocabulary; whether a question is worth asking is decided from the rulebook itself, never
from a list of clinical follow-ups.

A question is worth asking when its answer could still change whether some rule fires:
there is a rule that reads the field and some way the questions still to come could be
answered under which that rule's answer conditions hold for one answer to this question
(or for leaving it unknown) and not for another.  Conditions on what other rules concluded
count as possibly true: those rules read answers of their own and are judged on them.

The search is exact over each rule's own fields.  Each field contributes a few
representative answers (every value of a choice; for a number, one value in each interval
its rules' thresholds cut out) plus "not known"; a rule whose fields would need more than
``MAX_COMBINATIONS`` combinations is taken to be worth asking about, so the planner may
ask a question that turns out not to matter but never skips one that could.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence, cast

from lbp_screen.engine.conditions import AllOf, AnswerCondition, Truth
from lbp_screen.engine.errors import ScreeningError
from lbp_screen.engine.rulebook import KnowledgeBase, RuleSpec
from lbp_screen.engine.vocabulary import NOT_KNOWN_SPELLINGS, Choice, FieldSpec, Invalid, Number, Vocabulary

# Spellings an interviewee types for "I don't know" (besides the contract's blank and
# "unknown"); compared after strip + lower-case.
NOT_KNOWN_ANSWERS = NOT_KNOWN_SPELLINGS | {"?", "skip"}

# Beyond this many answer combinations for one rule, stop searching and ask the question.
MAX_COMBINATIONS = 20_000
# Open-question searches remembered per plan (keyed by a rule and the answers it can see;
# batches repeat the same few patterns, and the bound keeps memory flat on any input).
OPEN_CACHE_SIZE = 20_000
_NOT_KNOWN_KEY = "\0not known"

_NOT_KNOWN = object()  # a representative answer meaning "left unknown"


def is_not_known(text: str) -> bool:
    return text.strip().lower() in NOT_KNOWN_ANSWERS


class CommandClash(ScreeningError, ValueError):
    """A question would accept, as an answer, a word a face reserves for a command."""

    kind = "knowledge_base"


def command_clashes(questions: Iterable[FieldSpec], words: Iterable[str]) -> list[tuple[str, str]]:
    """(field, word) for each question that accepts one of ``words`` as an answer (a
    spelling of a choice, any text for a text question): such a word could not be told
    from an answer, so a face typing commands must not use it."""
    words = list(words)
    clashes = []
    for spec in questions:
        for word in words:
            try:
                spec.kind.parse(word)
            except Invalid:
                continue
            clashes.append((spec.name, word))
    return clashes


def question_order(kb: KnowledgeBase, group_order: Sequence[str]) -> list[FieldSpec]:
    """The answer fields in interview order: by group (``group_order``; any other group
    after them), then in vocabulary order within a group.  The id field is not a question."""
    rank = {group: i for i, group in enumerate(group_order)}
    fields = kb.vocabulary.answer_fields()
    return sorted(fields, key=lambda spec: rank.get(spec.group, len(rank)))


def _representatives(spec: FieldSpec, constants: set) -> list[Any]:
    """A few answers that between them behave like every possible answer to ``spec``
    (as far as the rulebook's conditions on it can tell), plus "not known"."""
    kind = spec.kind
    if isinstance(kind, Choice):
        values: list[Any] = list(kind.values)
    elif isinstance(kind, Number):
        # The conditions compare with ==, >= and <, so the thresholds, the bounds and one
        # point strictly between each pair of neighbours meet every case those can tell apart.
        points = sorted({kind.minimum, kind.maximum,
                         *(c for c in constants if kind.minimum <= c <= kind.maximum)})
        values = [*points, *((a + b) / 2 for a, b in zip(points, points[1:]))]
    else:
        # Text: each value a rule names, and one it does not.
        other = "".join(sorted(map(str, constants))) + "~"
        values = [*sorted(constants, key=str), other]
    return [*values, _NOT_KNOWN]


def _follow_ups(vocabulary: Vocabulary) -> dict[str, list[str]]:
    """Field -> the follow-up questions whose premise reads it."""
    dependents: dict[str, list[str]] = {}
    for spec in vocabulary:
        if spec.premise is not None:
            for read in spec.premise.condition.fields():
                dependents.setdefault(read, []).append(spec.name)
    return dependents


def _premise_closure(vocabulary: Vocabulary, names: Iterable[str],
                     dependents: Mapping[str, list[str]]) -> tuple[str, ...]:
    """``names``, the fields their premises read, and the follow-up questions that presume
    them (``dependents``: an answered follow-up rules out answers that would deny its
    premise), transitively, sorted."""
    scope: set[str] = set()
    pending = [name for name in names if name in vocabulary]
    while pending:
        name = pending.pop()
        if name in scope:
            continue
        scope.add(name)
        premise = vocabulary[name].premise
        if premise is not None:
            pending.extend(premise.condition.fields())
        pending.extend(dependents.get(name, ()))
    return tuple(sorted(scope))


def _answer_part_holds(rule: RuleSpec, answers: Mapping[str, Any]) -> bool:
    """Whether the rule's conditions on answers all hold (conclusion conditions, which
    read no field, are taken as possibly true)."""
    return all(c.evaluate(answers, None) is Truth.HELD for c in rule.when if c.fields())


class InterviewPlan:
    """The questions of one knowledge base, in order, and which of them still matter."""

    def __init__(self, kb: KnowledgeBase, group_order: Sequence[str]):
        self.kb = kb
        self.questions = question_order(kb, group_order)
        names = {spec.name for spec in self.questions}
        self.readers: dict[str, list[RuleSpec]] = {name: [] for name in names}
        constants: dict[str, set] = {name: set() for name in names}
        for rule in kb.rules:
            for name in rule.answer_fields() & names:
                self.readers[name].append(rule)
            for condition in rule.when:
                for name, values in condition.named_values().items():
                    if name in constants:
                        constants[name].update(values)
        self.representatives = {spec.name: _representatives(spec, constants[spec.name])
                                for spec in self.questions}
        # The answers a rule's search can see: its own fields and, through them, the
        # premises of those fields (a denied premise rules some of their answers out).
        follow_ups = _follow_ups(kb.vocabulary)
        self._scope = {rule.id: _premise_closure(kb.vocabulary, rule.answer_fields(), follow_ups)
                       for rule in kb.rules}
        self._open_cache: dict[tuple, tuple[str, ...]] = {}

    def worth_asking(self, name: str, answers: Mapping[str, Any], open_fields: Iterable[str]) -> bool:
        """Whether the answer to ``name`` could change which rules fire.

        ``answers``: the known answers so far; ``open_fields``: the questions that may
        still be asked later (every other field not in ``answers`` stays unknown).  A
        question whose premise the answers deny is never worth asking."""
        if self.kb.vocabulary.premise_denied(name, answers):
            return False
        still_open = set(open_fields) - {name}
        return any(self._matters_to(rule, name, answers, still_open) for rule in self.readers[name])

    def open_questions(self, answers: Mapping[str, Any],
                       rules: Iterable[RuleSpec]) -> dict[str, list[RuleSpec]]:
        """The unanswered questions whose answer could still make one of ``rules`` fire
        (every other unanswered question left open): for each such field, those rules, in
        vocabulary order of the fields."""
        found: dict[str, list[RuleSpec]] = {}
        for rule in rules:
            key = (rule.id, tuple((name, answers.get(name, _NOT_KNOWN_KEY))
                                  for name in self._scope[rule.id]))
            raised_by = self._open_cache.get(key)
            if raised_by is None:
                # a rule an answer already rules out can be raised by no other answer
                # (answers only ever settle more): no search needed
                ruled_out = any(c.evaluate(answers, None) is Truth.FAILED
                                for c in rule.when if c.on_answers)
                raised_by = () if ruled_out else tuple(
                    name for name in sorted(rule.answer_fields())
                    if name not in answers and name in self.readers
                    and self.raising_witness(rule, name, answers) is not None)
                if len(self._open_cache) < OPEN_CACHE_SIZE:
                    self._open_cache[key] = raised_by
            for name in raised_by:
                found.setdefault(name, []).append(rule)
        # A follow-up question is asked only after its premise: an unanswered premise
        # question inherits what its follow-up could raise.
        for name in list(found):
            for premise_field in self._premise_fields(name):
                if premise_field not in answers:
                    inherited = found.setdefault(premise_field, [])
                    inherited.extend(r for r in found[name] if r not in inherited)
        order = {name: i for i, name in enumerate(self.kb.vocabulary.fields)}
        return {name: found[name] for name in sorted(found, key=order.__getitem__)}

    def _premise_fields(self, name: str) -> tuple[str, ...]:
        premise = self.kb.vocabulary[name].premise
        return tuple(sorted(premise.condition.fields())) if premise is not None else ()

    def raising_witness(self, rule: RuleSpec, name: str,
                        answers: Mapping[str, Any]) -> tuple[dict, Any] | None:
        """Answers to other unanswered questions, and an answer to ``name``, under which the
        rule's answer conditions hold while leaving ``name`` unknown they do not; None when
        there are none.  The witness is searched condition by condition and then checked;
        should the check fail (sibling conditions that read the same question), an
        exhaustive search decides, which on a rule too large to search answers with an
        empty witness (the question is taken to matter: over-warning is the safe side)."""
        vocabulary = self.kb.vocabulary
        if name in answers or vocabulary.premise_denied(name, answers):
            return None
        premise = vocabulary[name].premise
        premise_fields = premise.condition.fields() if premise is not None else set()
        conditions = tuple(cast(AnswerCondition, c) for c in rule.when if c.on_answers)

        def candidates(field_name: str) -> list[Any]:
            # only answers the case can still give: none contradicting an answer given, and
            # none denying the premise of the question asked about
            return [v for v in self.representatives[field_name] if v is not _NOT_KNOWN
                    and vocabulary.consistent({**answers, field_name: v})
                    and not (field_name in premise_fields and premise is not None
                             and premise.denied({**answers, field_name: v}))]

        found = AllOf(len(conditions), conditions).raising_witness(answers, name, candidates)
        if found is None:
            return None
        completion, value = found
        base = {**answers, **completion}
        trial = {**base, name: value}
        if (vocabulary.consistent(trial) and _answer_part_holds(rule, trial)
                and not _answer_part_holds(rule, base)):
            return found
        open_fields = {f for f in self.readers if f not in answers and f != name}
        return self._search(rule, name, answers, open_fields, raising_only=True)

    def _combinations(self, name: str, later: Iterable[str]) -> int:
        combinations = len(self.representatives[name])
        for field_name in later:
            combinations *= len(self.representatives[field_name])
        return combinations

    def search_is_too_large(self, rule: RuleSpec, name: str, answers: Mapping[str, Any]) -> bool:
        """Whether the exhaustive search for ``name`` on ``rule`` is beyond its bound (the
        question is then taken to matter, without a witness)."""
        still_open = {f for f in self.readers if f not in answers and f != name}
        return self._combinations(name, rule.answer_fields() & still_open) > MAX_COMBINATIONS

    def _matters_to(self, rule: RuleSpec, name: str, answers: Mapping[str, Any],
                    still_open: set[str]) -> bool:
        """Whether some answer to ``name`` decides the rule's answer conditions for some way
        of answering the questions in ``still_open``."""
        return self._search(rule, name, answers, still_open) is not None

    def _search(self, rule: RuleSpec, name: str, answers: Mapping[str, Any],
                still_open: set[str], raising_only: bool = False) -> tuple[dict, Any] | None:
        """Answers to the questions in ``still_open`` and an answer to ``name`` under which
        that answer decides the rule's answer conditions, or None when there are none; with
        ``raising_only``, an answer that makes them hold where leaving ``name`` unknown does
        not (an answer that could only withdraw a conclusion, such as an exemption, does not
        count).  Too many combinations to search: ``({}, None)``, taken to matter."""
        read = rule.answer_fields()
        settled = read - still_open - {name}
        fixed = {k: answers[k] for k in settled if k in answers}
        # A condition on settled fields alone that does not hold now never will.
        for condition in rule.when:
            fields = condition.fields()
            if fields and fields <= settled and condition.evaluate(fixed, None) is not Truth.HELD:
                return None
        later = sorted(read & still_open)
        choices = [self.representatives[k] for k in later]
        if self._combinations(name, later) > MAX_COMBINATIONS:
            return {}, None
        vocabulary = self.kb.vocabulary
        known = {k: answers[k] for k in self._scope[rule.id] if k in answers}
        for combination in itertools.product(*choices):
            case = dict(fixed)
            case.update((k, v) for k, v in zip(later, combination) if v is not _NOT_KNOWN)
            # answers only ever add contradictions, so an inconsistent case stays so
            if not vocabulary.consistent({**known, **case}):
                continue
            held_unknown = _answer_part_holds(rule, case)
            completion = {k: v for k, v in zip(later, combination) if v is not _NOT_KNOWN}
            for value in self.representatives[name]:
                if value is _NOT_KNOWN:
                    continue
                trial = {**case, name: value}
                if not vocabulary.consistent({**known, **trial}):
                    continue  # no case could give these answers together
                held = _answer_part_holds(rule, trial)
                if held != held_unknown and (held or not raising_only):
                    return completion, value
        return None


def open_question_finder(kb: KnowledgeBase, answers: Mapping[str, Any], fired: Iterable[str] = ()):
    """``finder(fact_type, tests)``: the unanswered questions whose answer could still make a
    rule (that has not fired) conclude such a fact: field -> those rules."""
    plan = question_plan(kb)
    fired = set(fired)

    def finder(fact_type: type, tests: Mapping[str, Any]) -> dict[str, list[RuleSpec]]:
        rules = [r for r in kb.rules_concluding(fact_type, tests) if r.id not in fired]
        return plan.open_questions(answers, rules)
    return finder


def question_plan(kb: KnowledgeBase) -> InterviewPlan:
    """The knowledge base's plan, questions in its group order, built once per knowledge
    base: the interview asks by it, and results ask it which questions still matter
    (those answers are in vocabulary order whatever the group order)."""
    plan = kb.cached.get("question_plan")
    if plan is None:
        plan = kb.cached.setdefault("question_plan", InterviewPlan(kb, list(kb.question_groups)))
    return plan


@dataclass
class InterviewSession:
    """One interview in progress: the answers given, and what was asked and passed over.

    ``next_question`` walks the plan's order once; a question found not worth asking is
    recorded in ``not_asked`` and is not reconsidered (answers only ever settle more)
    unless ``undo`` takes back the answer it was judged on."""

    plan: InterviewPlan
    answers: dict[str, Any] = field(default_factory=dict)
    not_known: list[str] = field(default_factory=list)  # asked, and the answer was "not known"
    not_asked: list[str] = field(default_factory=list)  # could not change the result when reached
    _position: int = 0
    # per answer recorded, in order: where it was asked and how long not_known and
    # not_asked were then (what ``undo`` restores)
    _history: list[tuple[int, str, int, int]] = field(default_factory=list)

    def next_question(self) -> FieldSpec | None:
        questions = self.plan.questions
        while self._position < len(questions):
            spec = questions[self._position]
            open_fields = [q.name for q in questions[self._position + 1:]]
            if self.plan.worth_asking(spec.name, self.answers, open_fields):
                return spec
            self.not_asked.append(spec.name)
            self._position += 1
        return None

    def record(self, spec: FieldSpec, text: str) -> Any:
        """Record the answer typed for the current question and move on.

        Returns the canonical answer, or None for "not known".  A bad answer raises the
        kind's ``Invalid`` (with what was expected and any did-you-mean) and records nothing."""
        self._check_current(spec)
        mark = (self._position, spec.name, len(self.not_known), len(self.not_asked))
        if is_not_known(text):
            value = None
            self.not_known.append(spec.name)
        else:
            value = spec.kind.parse(text)
            self.answers[spec.name] = value
        self._history.append(mark)
        self._position += 1
        return value

    def undo(self) -> str | None:
        """Take back the last answer recorded (a "not known" too): the interview is where
        it was when that question was asked, and ``next_question`` asks it again (the
        questions left out since are judged again).  Returns its field, or None when no
        answer has been recorded."""
        if not self._history:
            return None
        position, name, not_known, not_asked = self._history.pop()
        self.answers.pop(name, None)
        del self.not_known[not_known:]
        del self.not_asked[not_asked:]
        self._position = position
        return name

    def progress(self) -> tuple[int, int]:
        """(the current question's number, about how many questions the interview will have
        asked in all).  The estimate is from above and cheap: the answers recorded, plus
        the questions from the current one on that are not yet out of the question, that
        is whose premise the answers do not deny and which some rule reads that no answer
        rules out.  It never grows as answers come (answers only settle more), and the
        planner asks no question it leaves out; it shrinks as answers rule questions out."""
        done = len(self._history)
        still = sum(1 for spec in self.plan.questions[self._position:] if self._may_matter(spec))
        return done + 1, done + max(still, 1)

    def _may_matter(self, spec: FieldSpec) -> bool:
        if self.plan.kb.vocabulary.premise_denied(spec.name, self.answers):
            return False
        return any(not any(c.evaluate(self.answers, None) is Truth.FAILED
                           for c in rule.when if c.on_answers)
                   for rule in self.plan.readers[spec.name])

    def refuse_command_answers(self, words: Iterable[str]) -> None:
        """Refuse (``CommandClash``) when a question would accept one of the ``words`` a
        face reserves for its commands: typed, it could not be told from an answer."""
        clashes = command_clashes(self.plan.questions, words)
        if clashes:
            by_word: dict[str, list[str]] = {}
            for name, word in clashes:
                by_word.setdefault(word, []).append(name)
            raise CommandClash("the interview cannot tell its commands from answers: " + "; ".join(
                f"{word!r} is an answer to {', '.join(names[:3])}"
                + (f" and {len(names) - 3} more" if len(names) > 3 else "")
                for word, names in by_word.items()))

    def remaining(self) -> list[str]:
        """The questions not yet reached (when the interview ends early)."""
        return [q.name for q in self.plan.questions[self._position:]]

    def case(self, case_id: str | None = None) -> dict[str, Any]:
        """The answers as a raw case: only the answered fields, canonical values, in
        vocabulary order (the id first when given)."""
        case: dict[str, Any] = {}
        if case_id is not None:
            case[self.plan.kb.vocabulary.id_field] = case_id
        case.update((spec.name, self.answers[spec.name]) for spec in self.plan.kb.vocabulary
                    if spec.name in self.answers)
        return case

    def _check_current(self, spec: FieldSpec) -> None:
        questions = self.plan.questions
        if self._position >= len(questions) or questions[self._position].name != spec.name:
            raise ValueError(f"{spec.name!r} is not the question being asked")
