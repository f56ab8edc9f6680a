"""Why-not targets of the bundled knowledge base (issue 14, item 6): a red-flag sign id is
a target for the condition it raises, in any letter case; typos get the nearest target."""
import json

import pytest

from lbp_screen.engine.explain import Target, UnknownTarget
from lbp_screen.knowledge.facts import RedFlag
from tests import bundled
from tests.conftest import CASES_DIR

SERVICE = bundled.SERVICE
SIGNS = sorted({(values["flag"], values["condition"]) for rule in bundled.KB.rules
                for action in rule.then if (values := action.declared(RedFlag)) is not None})


def test_the_signs_are_read_from_the_red_flag_rules():
    assert len(SIGNS) >= 20
    assert {sign for sign, _ in SIGNS} == set(bundled.KB.target_aliases["red_flag"])


@pytest.mark.parametrize("sign,condition", SIGNS)
def test_regression_a_red_flag_sign_id_was_refused_as_a_why_not_target(sign, condition):
    assert SERVICE.target(f"red_flag={sign}") == Target("red_flag", condition)
    assert SERVICE.target(f"  Red_Flag = {sign.upper()} ") == Target("red_flag", condition)


def test_every_sign_a_bundled_case_raises_is_a_target_for_its_condition():
    seen = 0
    for path in sorted(CASES_DIR.glob("*.json")):
        result = bundled.screen(json.loads(path.read_text(encoding="utf-8"))["case"])
        for flag in result["red_flags"]:
            seen += 1
            assert SERVICE.target(f"red_flag={flag['id']}") == Target("red_flag", flag["condition"])
    assert seen > 0


def test_why_not_for_a_sign_answers_for_its_condition():
    document = SERVICE.explanation({"saddle_numbness": "yes"}, "case", ["red_flag=saddle_numbness"])
    assert [(w["target"], w["concluded"]) for w in document["why_not"]] == [("red_flag=cauda_equina", True)]


@pytest.mark.parametrize("text,nearest", [
    ("red_flag=cauda", "red_flag=cauda_equina"),
    ("redflag=cauda_equina", "red_flag=cauda_equina"),
    ("red_flag=saddle", "red_flag=saddle_numbness"),
    ("cause=fracture", "red_flag=fracture"),
    ("exercise=cobr", "exercise=cobra"),
    ("Responder=Extensoin", "responder=extension"),
])
def test_regression_a_misspelt_target_got_no_nearest_target(text, nearest):
    with pytest.raises(UnknownTarget, match=f"did you mean '{nearest}'"):
        SERVICE.target(text)
