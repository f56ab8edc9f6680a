"""One voice (issue 14, item 6): every sentence the tool says about a case speaks to the
person screened, as "you", and never about them as "the person" or "the patient" (README,
"One voice").  Covers the result in words and as JSON, the interview's questions, help
and groups, the wording of conditions, and the rulebook's titles and rationales."""
import json
import re

import pytest

from lbp_screen.engine.vocabulary import Choice
from tests import bundled
from tests.conftest import CASES_DIR

# Words that talk about the person screened instead of to them.  Study cohorts in the
# evidence lines and the titles of cited papers are not the tool speaking, so not read.
ABOUT_THEM = re.compile(r"\b(the person|this person|the patient|patients?|the client|"
                        r"he|she|his|hers?|him|himself|herself)\b", re.I)
TO_YOU = re.compile(r"\b(you|your|yours|yourself)\b", re.I)


def mixed_or_about_them(text: str) -> list[str]:
    """The phrases of ``text`` that speak about the person instead of to them."""
    return ABOUT_THEM.findall(text)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _cases():
    """The bundled cases, and one case per field and value (every answer on its own)."""
    for path in sorted(CASES_DIR.glob("*.json")):
        yield path.stem, json.loads(path.read_text(encoding="utf-8"))["case"]
    for spec in bundled.KB.vocabulary.answer_fields():
        if isinstance(spec.kind, Choice) and spec.premise is None:
            for value in spec.kind.values:
                yield f"{spec.name}={value}", {spec.name: value}


def test_the_checker_catches_a_mixed_voice():
    assert mixed_or_about_them("Phone your GP; the person should not wait.") == ["the person"]
    assert mixed_or_about_them("Ask whether the patient has a fever.") == ["the patient"]
    assert mixed_or_about_them("Phone your GP today; do not wait.") == []


@pytest.mark.parametrize("label,case", list(_cases()), ids=lambda v: v if isinstance(v, str) else "")
def test_regression_result_text_spoke_both_to_and_about_the_person(label, case):
    result = bundled.screen(case)
    text = bundled.SERVICE.result_text(result, label)
    assert TO_YOU.search(text), "the result speaks to the person"
    for sentence in [text, *_strings(result)]:
        assert not mixed_or_about_them(sentence), sentence


def test_the_interview_asks_you_and_helps_you():
    for spec in bundled.KB.vocabulary:
        for text in (spec.question, spec.help, spec.meaning):
            assert not mixed_or_about_them(text), (spec.name, text)
    for heading in bundled.KB.question_groups.values():
        assert not mixed_or_about_them(heading), heading
    asked = [spec.question for spec in bundled.KB.vocabulary.answer_fields()]
    # most questions address the person directly; the rest are voice-free ("Is that
    # weakness getting worse?"), never about them
    assert sum(bool(TO_YOU.search(q)) for q in asked) >= 0.8 * len(asked)


def test_the_rulebook_words_conditions_titles_and_rationales_in_the_same_voice():
    document = bundled.SERVICE.rulebook()
    for topic in document["topics"]:
        for rule in topic["rules"]:
            for text in (rule["title"], rule["rationale"], *rule["when"], *rule["then"]):
                assert not mixed_or_about_them(text), (rule["id"], text)
    for catalogue in document["catalogues"]:
        for entry in catalogue["entries"]:
            for key in ("name", "description"):
                assert not mixed_or_about_them(str(entry.get(key, ""))), entry
