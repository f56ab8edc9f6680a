"""The kinds of fact in working memory.

One ``Case`` fact carries the validated answers (only the answered fields: a missing key
is how "not known" looks to experta, and no rule can match it).  Every other fact is a
conclusion and records, in ``rule``, the id of the rule that concluded it.
"""
from lbp_screen.engine.experta_compat import Fact


class Case(Fact):
    """The case's known answers, one field per answered question."""


class ResponderEvidence(Fact):
    """One finding that points to a direction: ``direction`` is extension or flexion."""


class ResponderTally(Fact):
    """How many findings point each way: fields ``extension`` and ``flexion``."""


class Responder(Fact):
    """The responder type: ``type`` is extension, flexion, mixed or undetermined."""


class PossibleCause(Fact):
    """A cause worth discussing with a clinician: ``cause`` is a cause id."""


class RedFlag(Fact):
    """A warning sign of serious pathology: ``flag`` names the sign found, ``condition``
    the condition it may point to, and ``urgency`` how fast to act."""


class OpenQuestion(Fact):
    """Given before any rule fires: the unanswered questions (``fields``, comma-separated)
    whose answer could still raise a red flag of ``urgency`` (urgent or emergency), derived
    from the red-flag rules."""


class Urgency(Fact):
    """The result's urgency: ``level`` is emergency, urgent or routine."""


class ExerciseAdviceWithheld(Fact):
    """Exercise advice must not be given for this case: ``reason`` says why."""


class LoadVeto(Fact):
    """A veto of ``knowledge/vetoes.py`` that the case raises: ``veto`` is its id."""


class ExerciseAdvice(Fact):
    """Advice about one exercise: ``exercise`` id, ``advice`` (recommended, avoid or
    caution) and, for avoid and caution, the ``reason``."""


class ScreeningWarning(Fact):
    """A caveat on the whole result: ``code`` names it (the case lies outside the
    population the rules were written for, or a safety question was not answered)."""


class SelfCareAdvice(Fact):
    """One item of the self-care advice for everyone: ``item`` is its id."""


class StartBackScore(Fact):
    """One STarT Back item's contribution: ``item`` (its field) and ``count``, which of the
    four counts it adds to (total or psychosocial, points or possible points)."""


class StartBackTally(Fact):
    """The four STarT Back counts: total_points, total_possible, psychosocial_points and
    psychosocial_possible."""


class PsychosocialRisk(Fact):
    """The STarT Back group: ``group`` is low, medium, high or not_assessed."""


class Assessment(Fact):
    """The professional-assessment advice: ``level`` matches the urgency."""
