"""Every catalogued thing a result lists carries its name beside its id (issue 14, item 6)."""
import json

import pytest

from lbp_screen.knowledge.exercises import EXERCISES
from tests import bundled
from tests.conftest import CASES_DIR

CASE_FILES = sorted(CASES_DIR.glob("*.json"))


def _results():
    for path in CASE_FILES:
        yield path.stem, bundled.screen(json.loads(path.read_text(encoding="utf-8"))["case"])


def test_regression_exercise_entries_carried_no_name_while_causes_did():
    listed = 0
    for stem, result in _results():
        for section, entries in result["exercises"].items():
            for entry in entries:
                listed += 1
                assert entry["name"] == EXERCISES[entry["id"]].name, (stem, section, entry["id"])
                # the name sits beside the id; the keys that were there keep their places
                assert list(entry)[:2] == ["id", "name"] and list(entry)[-1] == "rules"
    assert listed > 0


@pytest.mark.parametrize("section", ["recommended", "avoid", "caution"])
def test_every_exercise_section_appears_with_names_in_the_bundled_cases(section):
    names = {entry["name"] for _, result in _results() for entry in result["exercises"][section]}
    assert names and names <= {exercise.name for exercise in EXERCISES.values()}


def test_result_text_lists_exercises_by_name_and_id():
    result = bundled.screen({"sitting": "worse", "bending_forward": "worse", "standing": "better",
                             "walking": "better", "age": 40})
    text = bundled.SERVICE.result_text(result, "case")
    for entry in result["exercises"]["recommended"]:
        assert f"  - {entry['name']} [{entry['id']}]" in text
