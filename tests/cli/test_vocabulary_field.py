"""`lbp vocabulary FIELD`: one field with every accepted spelling (issue 14, item 6)."""
import json

import pytest

from lbp_screen.engine.vocabulary import Choice, NOT_KNOWN_SPELLINGS
from tests.bundled import KB
from tests.cli.conftest import invoke_lbp

FIELDS = list(KB.vocabulary.fields)


@pytest.mark.parametrize("name", FIELDS)
def test_every_field_shows_its_question_group_and_every_accepted_spelling(name):
    spec = KB.vocabulary[name]
    result = invoke_lbp(["vocabulary", name])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())  # wrapped at any word
    assert text.startswith(f"{name} (")
    for part in (spec.meaning, spec.question, spec.help, KB.question_groups[spec.group]):
        assert " ".join(part.split()) in text
    if isinstance(spec.kind, Choice):
        lines = {line.strip().split(": ", 1)[0]: line for line in _value_lines(result.output)}
        assert list(lines) == list(spec.kind.values)
        for spelling, value in spec.kind.spellings.items():
            assert spelling in [s.strip() for s in lines[value].split(": ", 1)[1].split(",")], spelling
        for boolean, value in spec.kind.booleans.items():
            assert f"JSON {str(boolean).lower()}" in lines[value]
    else:
        assert spec.kind.expected() in text
    assert "blank, unknown or null" in text and set(NOT_KNOWN_SPELLINGS) == {"", "unknown", "null"}
    if spec.premise:
        assert f"Asked only when {spec.premise.wording}" in text


def _value_lines(output):
    """The value lines under "Accepted", joined back where they wrap."""
    lines, inside = [], False
    for line in output.splitlines():
        if line.startswith("    Accepted ("):
            inside = True
        elif inside and line.startswith("        "):
            lines[-1] += " " + line.strip()
        elif inside and line.startswith("      "):
            lines.append(line.strip())
        elif inside:
            break
    return lines


def test_one_field_as_json_is_its_entry_of_the_whole_vocabulary():
    whole = json.loads(invoke_lbp(["vocabulary", "--format", "json"]).output)
    one = json.loads(invoke_lbp(["vocabulary", "leg_symptoms_course", "--format", "json"]).output)
    assert one == next(entry for entry in whole if entry["field"] == "leg_symptoms_course")
    assert one["spellings"]["unchanged"] == "stable"


def test_a_field_named_in_any_letter_case_with_spaces_is_found():
    assert invoke_lbp(["vocabulary", "  Saddle_Numbness "]).output.startswith("saddle_numbness  (yes/no)")


@pytest.mark.parametrize("typed,nearest", [("sittin", "sitting"), ("Bending_Forwards", "bending_forward")])
def test_regression_vocabulary_could_not_show_one_field_and_an_unknown_one_gets_a_did_you_mean(typed, nearest):
    result = invoke_lbp(["vocabulary", typed])
    assert result.exit_code == 2
    assert f"no field {typed!r} (did you mean {nearest!r}?)" in result.output


def test_an_unknown_field_shaped_like_an_identifier_is_not_echoed():
    result = invoke_lbp(["vocabulary", "jane.doe@example.org"])
    assert result.exit_code == 2
    assert "jane.doe" not in result.output and "withheld" in result.output
