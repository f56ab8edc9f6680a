"""A matcher for compiled rulebooks, plugged into experta through ``__matcher__``.

experta separates *matching* (which rules are satisfied by working memory) from the rest
of the engine (agenda, strategy, firing, fact list).  Its RETE matcher is general, and in
pure Python it was where nearly all the time went: about 210 alpha tests and 320 token
copies per case on the 101-rule rulebook.  Rules compiled from ``engine.rulebook`` have a
fixed shape: tests on the one case fact (field tests, a composite test), ``NOT`` of an
unanswered field, and ``EXISTS`` / ``NOT`` over conclusion facts.  For that shape a rule is
satisfied exactly when

    the case fact is present and passes every answer condition, and
    every ``Concluded`` condition matches at least one fact, and
    every ``NotConcluded`` condition matches none,

so this matcher keeps, per rule, whether the case passes and a count of matching facts per
conclusion condition, updating only the rules that read the type of a fact that changed.
It hands experta the same activations the RETE network would (same rule, same matched
facts: the case, plus experta's InitialFact when the rule has an EXISTS), and
experta's agenda, our ``StableStrategy`` and experta's firing do the rest.
``tests/engine/test_matcher.py`` checks, over generated and bundled cases, that the trace
is identical to the one experta's own RETE matcher produces.
"""
from __future__ import annotations

from lbp_screen.engine.conditions import AnswerCondition, Concluded, ConditionVisitor, NotConcluded
from lbp_screen.engine.experta_compat import Activation, InitialFact, Matcher


_MISSING = object()


class _CompiledRule:
    __slots__ = ("rule", "equal_answers", "other_answer_conditions", "missing_fields",
                 "concluded", "not_concluded", "needs_initial_fact", "concluded_keys",
                 "not_concluded_keys")

    def __init__(self, rule, index: int):
        spec = rule._wrapped.rule_spec
        self.rule = rule
        # "field is value" tests, the commonest, checked first as plain look-ups
        self.equal_answers: list[tuple[str, object]] = []
        self.other_answer_conditions: list[AnswerCondition] = []
        self.missing_fields: list[str] = []
        self.concluded: list[Concluded] = []
        self.not_concluded: list[NotConcluded] = []
        for condition in spec.when:
            condition.accept(_Sorter(), self)
        # experta builds EXISTS as a NOT of a NOT joined on its InitialFact, so that fact is
        # among the matched facts of a rule with an EXISTS; a plain NOT adds nothing.
        self.needs_initial_fact = bool(self.concluded)
        # keys of the matcher's per-condition counts, computed once
        self.concluded_keys = tuple((index, p) for p in range(len(self.concluded)))
        self.not_concluded_keys = tuple((index, p) for p in range(len(self.not_concluded)))

    def case_passes(self, answers) -> bool:
        for field, value in self.equal_answers:
            if answers.get(field, _MISSING) != value:
                return False
        return (all(c.test(answers) for c in self.other_answer_conditions)
                and not any(name in answers for name in self.missing_fields))


class _Sorter(ConditionVisitor[None]):
    """Files each condition of a rule where the matcher tests it."""

    def leaf(self, condition, compiled):
        equality = condition.equality()
        if equality is None:
            compiled.other_answer_conditions.append(condition)
        else:
            compiled.equal_answers.append(equality)

    def answers(self, condition, compiled):
        compiled.other_answer_conditions.append(condition)

    def not_answered(self, condition, compiled):
        compiled.missing_fields.append(condition.field)

    def concluded(self, condition, compiled):
        compiled.concluded.append(condition)

    def not_concluded(self, condition, compiled):
        compiled.not_concluded.append(condition)


class CompiledRulebookMatcher(Matcher):
    def __init__(self, engine):
        super().__init__(engine)
        self.case_type = engine.case_fact_type
        # experta's Rule objects, unbound from the engine instance as RETE's copies are.
        self._rules = [_CompiledRule(rule.new_conditions(*rule), index)
                       for index, rule in enumerate(engine.get_rules())]
        # fact type -> each distinct condition on it -> the (rule, position, is EXISTS)
        # places it stands in; many rules share a condition, which is then tested once.
        readers: dict[type, dict] = {}
        for index, compiled in enumerate(self._rules):
            for is_concluded, conditions in ((True, compiled.concluded),
                                             (False, compiled.not_concluded)):
                for position, condition in enumerate(conditions):
                    places = readers.setdefault(condition.fact_type, {}).setdefault(condition, [])
                    places.append((index, position, is_concluded))
        self._readers = {fact_type: list(by_condition.items())
                         for fact_type, by_condition in readers.items()}
        self._with_initial_fact = [i for i, r in enumerate(self._rules) if r.needs_initial_fact]
        self._without_concluded = {i for i, r in enumerate(self._rules) if not r.concluded}
        # Rules grouped by their first "field is value" test: a case only needs the groups
        # whose first test it passes, plus the rules without such a test.
        self._by_first_equal: dict[tuple, list[int]] = {}
        self._without_equal: list[int] = []
        self._without_answer_conditions: set[int] = set()  # they pass whatever the case
        for index, compiled in enumerate(self._rules):
            if compiled.equal_answers:
                self._by_first_equal.setdefault(compiled.equal_answers[0], []).append(index)
            elif compiled.other_answer_conditions or compiled.missing_fields:
                self._without_equal.append(index)
            else:
                self._without_answer_conditions.add(index)
        self.reset()

    def reset(self):
        self._case = None
        self._initial = None
        self._passing: set[int] = set()  # rules whose answer conditions the case passes
        # (rule index, condition position) -> how many facts match it; absent means none
        self._concluded_counts: dict[tuple[int, int], int] = {}
        self._not_concluded_counts: dict[tuple[int, int], int] = {}
        self._active: dict[int, Activation] = {}

    def _rules_passing(self, answers) -> set[int]:
        candidates = list(self._without_equal)
        for (field, value), indices in self._by_first_equal.items():
            if answers.get(field, _MISSING) == value:
                candidates.extend(indices)
        return self._without_answer_conditions | {
            i for i in candidates if self._rules[i].case_passes(answers)}

    def changes(self, adding=None, deleting=None):
        dirty: set[int] = set()
        for fact, step in [(f, -1) for f in deleting or ()] + [(f, 1) for f in adding or ()]:
            fact_type = type(fact)
            if fact_type is self.case_type:
                self._case = fact if step > 0 else None
                self._passing = self._rules_passing(fact) if step > 0 else set()
                # With no conclusion counted yet (the usual case: the case is declared
                # right after reset), a rule needing a conclusion cannot be satisfied.
                dirty.update(self._passing if self._concluded_counts
                             else self._passing & self._without_concluded)
                dirty.update(self._active)
            elif fact_type is InitialFact:
                self._initial = fact if step > 0 else None
                dirty.update(i for i in self._with_initial_fact if i in self._passing)
            for condition, places in self._readers.get(fact_type, ()):
                if not condition.matches(fact):
                    continue
                for index, position, is_concluded in places:
                    counts = self._concluded_counts if is_concluded else self._not_concluded_counts
                    key = (index, position)
                    counts[key] = counts.get(key, 0) + step
                    dirty.add(index)
        added, removed = [], []
        for index in dirty:  # any order: the strategy orders the agenda by its own key
            satisfied = self._satisfied(index)
            active = self._active.get(index)
            if satisfied and active is None:
                self._active[index] = activation = self._activation(index)
                added.append(activation)
            elif not satisfied and active is not None:
                removed.append(self._active.pop(index))
        return added, removed

    def _satisfied(self, index: int) -> bool:
        if index not in self._passing:
            return False
        compiled = self._rules[index]
        if compiled.needs_initial_fact and self._initial is None:
            return False
        counts = self._concluded_counts
        for key in compiled.concluded_keys:
            if not counts.get(key):
                return False
        counts = self._not_concluded_counts
        for key in compiled.not_concluded_keys:
            if counts.get(key):
                return False
        return True

    def _activation(self, index: int) -> Activation:
        compiled = self._rules[index]
        facts = [self._initial, self._case] if compiled.needs_initial_fact else [self._case]
        return Activation(compiled.rule, facts)
