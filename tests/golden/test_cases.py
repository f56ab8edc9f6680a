"""Golden cases: every annotated case in cases/ meets the outcome a clinician wrote beside it."""
import json

import pytest

from tests import bundled
from tests.conftest import CASES_DIR

CASE_FILES = sorted(CASES_DIR.glob("*.json"))


def test_the_bundle_has_cases_with_expected_outcomes():
    assert len(CASE_FILES) >= 25
    for path in CASE_FILES:
        document = json.loads(path.read_text(encoding="utf-8"))
        assert set(document) <= {"case", "expected", "note"}, path.name
        assert document.get("expected"), f"{path.name} has no expected outcome"
        assert document.get("note", "").strip(), f"{path.name} has no clinician's note"


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_golden_case(path):
    document = json.loads(path.read_text(encoding="utf-8"))
    result = bundled.screen(document["case"], label=path.name)
    assert bundled.SERVICE.check(document["expected"], result) == []
