"""How the rulebook's conditions read in plain words (``lbp rules``, explanations).

The engine describes a condition as (field, relation, value); this module turns that into
a sentence from the vocabulary's ``WORDING``: "sitting makes the pain worse", "age is at
least 50 years", "answered no to whether the leg pain reaches below the knee".  A "no"
condition is worded as an explicit answer because only an explicit "no" satisfies it: a
question left unanswered satisfies neither "yes" nor "no".
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from lbp_screen.engine.conditions import Labels
from lbp_screen.engine.vocabulary import Number, Vocabulary
from lbp_screen.knowledge.vocabulary import EFFECT, YES_NO

EFFECT_WORDING = {
    "worse": "{subject} makes the pain worse",
    "better": "{subject} eases the pain",
    "no_change": "{subject} leaves the pain unchanged",
}


class ClinicalLabels(Labels):
    """Labels that word each condition from the vocabulary's per-field wording."""

    def __init__(self, vocabulary: Vocabulary, wording: Mapping[str, Any],
                 field_label: Callable[[str], str], conclusion_label: Callable[[type, dict], str]):
        super().__init__(field_label, conclusion_label)
        self._vocabulary = vocabulary
        self._wording = wording

    def answer(self, field: str, relation: str, values: tuple) -> str:
        if relation == "is one of":
            return " or ".join(self.answer(field, "is", (one,)) for one in values)
        (value,) = values
        kind = self._vocabulary[field].kind
        wording = self._wording[field]
        if isinstance(kind, Number):
            return f"{wording} {relation} {value:g} {kind.unit}".rstrip()
        if isinstance(wording, Mapping):  # a statement per value
            return wording[value]
        if kind == YES_NO:
            return wording if value == "yes" else f"answered no to whether {wording}"
        if kind == EFFECT:
            return EFFECT_WORDING[value].format(subject=wording)
        raise KeyError(f"no wording for {field}={value!r}: add it to knowledge.vocabulary.WORDING")

    def not_answered(self, field: str) -> str:
        return f"no answer was given for {self._field_label(field)}"
