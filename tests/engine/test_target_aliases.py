"""Why-not targets on the toy knowledge base (issue 14, item 6): any letter case and
spaces, aliases standing for one value (or refused, naming each, for several), and the
nearest target suggested for a typo in the kind or the value."""
from __future__ import annotations

import pytest

from lbp_screen.engine.explain import Target, UnknownTarget
from lbp_screen.engine.rulebook import RulebookError, check_rulebook
from lbp_screen.engine.service import ScreeningService
from tests.engine.toy_kb import RULES, toy_kb

ALIASES = {"verdict": {"fever_sign": ("alarm",), "Chills_Sign": ("shiver",),
                       "either_sign": ("alarm", "shiver")}}
SERVICE = ScreeningService(toy_kb(RULES, target_aliases=ALIASES))


@pytest.mark.parametrize("text", ["verdict=alarm", "VERDICT=ALARM", "  Verdict =  Alarm ",
                                  "verdict=fever_sign", "verdict = FEVER_SIGN"])
def test_a_target_in_any_letter_case_or_by_an_alias_is_its_value(text):
    assert SERVICE.target(text) == Target("verdict", "alarm")


def test_an_alias_spelt_in_capitals_by_the_knowledge_base_is_found_in_any_case():
    assert SERVICE.target("verdict=chills_sign") == Target("verdict", "shiver")


def test_an_alias_of_several_values_is_refused_naming_each():
    with pytest.raises(UnknownTarget, match="verdict=either_sign stands for 2 targets; ask "
                                            "about each of them: verdict=alarm, verdict=shiver"):
        SERVICE.target("verdict=Either_Sign")


@pytest.mark.parametrize("text,nearest", [
    ("verdict=ala", "'verdict=alarm'"),                       # the beginning of a value
    ("verdict=unknown", "'verdict=age_unknown'"),             # a whole word of a value
    ("verdict=fever", "'verdict=fever_sign'"),                # the beginning of an alias
    ("verdict=alrm", "'verdict=alarm'"),                      # a typo
    ("verdicts=alarm", "'verdict=alarm'"),                    # a typo in the kind
    ("verdit=alrm", "'verdict=alarm'"),                       # in both
    ("mood=fever_sign", "'verdict=fever_sign'"),              # a value under a wrong kind
])
def test_regression_a_misspelt_target_named_no_nearest_target(text, nearest):
    with pytest.raises(UnknownTarget) as refused:
        SERVICE.target(text)
    assert f"(did you mean {nearest}?)" in str(refused.value)


def test_a_value_nothing_is_near_lists_the_values_and_counts_the_aliases():
    with pytest.raises(UnknownTarget) as refused:
        SERVICE.target("verdict=zzz")
    message = str(refused.value)
    assert "did you mean" not in message
    assert "valid values: alarm, shiver, up, age_unknown, none" in message
    assert "also accepted: 3 other names standing for them (e.g. fever_sign)" in message


def test_an_identifier_shaped_target_is_withheld_from_the_refusal():
    with pytest.raises(UnknownTarget) as refused:
        SERVICE.target("verdict=jane.doe@example.org")
    assert "jane" not in str(refused.value) and "withheld" in str(refused.value)


@pytest.mark.parametrize("aliases,words", [
    ({"mood": {"x": ("alarm",)}}, "unknown kind 'mood'"),
    ({"verdict": {"x": ("nope",)}}, "unknown: ['nope']"),
    ({"verdict": {"x": ()}}, "verdict=x"),
    ({"verdict": {"ALARM": ("shiver",)}}, "verdict=ALARM"),
    ({"verdict": {"x": ("alarm",), "X": ("shiver",)}}, "differ only in letter case"),
])
def test_check_rulebook_refuses_aliases_that_could_not_be_asked(aliases, words):
    with pytest.raises(RulebookError, match=words.replace("[", r"\[").replace("]", r"\]")):
        check_rulebook(toy_kb(RULES, target_aliases=aliases))
