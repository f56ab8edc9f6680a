"""Validation of raw cases: accepted spellings, not-known, and errors that name everything."""
import math

import re

import pytest

from lbp_screen.engine.vocabulary import CaseError
from lbp_screen.knowledge.vocabulary import VOCABULARY


def validate(raw, label=None):
    return VOCABULARY.validate(raw, label)


@pytest.mark.parametrize("spelling", ["yes", "YES", " y ", "true", "True", "1", True, 1, 1.0])
def test_yes_spellings(spelling):
    assert validate({"saddle_numbness": spelling}).answers == {"saddle_numbness": "yes"}


@pytest.mark.parametrize("spelling", ["no", "N", "false", "0", False, 0])
def test_no_spellings(spelling):
    assert validate({"fever": spelling}).answers == {"fever": "no"}


@pytest.mark.parametrize("spelling,value", [("worse", "worse"), ("Better", "better"),
                                            ("same", "no_change"), ("no change", "no_change"),
                                            (" NO_CHANGE ", "no_change")])
def test_effect_spellings(spelling, value):
    assert validate({"sitting": spelling}).answers == {"sitting": value}


@pytest.mark.parametrize("blank", [None, "", "   ", "unknown", "UNKNOWN"])
def test_blank_and_unknown_are_not_known_never_no(blank):
    case = validate({"fever": blank, "sitting": blank})
    assert case.answers == {}
    assert "fever" in case.not_known and "sitting" in case.not_known


def test_numbers_accept_plain_decimals_and_keep_whole_numbers_whole():
    case = validate({"age": "40", "duration_weeks": "2.5", "morning_stiffness_minutes": 45.0})
    assert case.answers == {"age": 40, "duration_weeks": 2.5, "morning_stiffness_minutes": 45}
    assert isinstance(case.answers["age"], int)


@pytest.mark.parametrize("value", [121, -1, "140", "40.5", "forty", "1e2", math.nan, math.inf, True])
def test_bad_age_is_an_error_never_a_clamp(value):
    with pytest.raises(CaseError) as caught:
        validate({"case_id": "c-1", "age": value})
    problem, = caught.value.problems
    assert problem.field == "age"
    # a non-finite number is shown as its name: standard JSON has no NaN or Infinity
    assert problem.value == (repr(value) if isinstance(value, float) and not math.isfinite(value) else value)
    assert "0 to 120" in problem.expected
    assert "c-1" in str(caught.value)


def test_misspelt_field_gets_a_did_you_mean():
    with pytest.raises(CaseError) as caught:
        validate({"siting": "worse"})
    problem, = caught.value.problems
    assert problem.field == "siting" and problem.suggestion == "sitting"
    assert "did you mean 'sitting'" in str(caught.value)


def test_misspelt_value_gets_a_did_you_mean():
    with pytest.raises(CaseError) as caught:
        validate({"walking": "wrose"})
    assert caught.value.problems[0].suggestion == "worse"


def test_every_problem_of_a_case_is_reported_together_in_field_order():
    with pytest.raises(CaseError) as caught:
        validate({"zzz": 1, "age": 500, "sitting": "sometimes", "fever": "maybe"}, label="row 7")
    fields = [p.field for p in caught.value.problems]
    assert fields == ["fever", "sitting", "age", "zzz"]
    assert str(caught.value).startswith("row 7: 4 problems")


def test_case_id_with_an_email_or_phone_number_is_refused_without_echoing_it():
    for bad in ("jane.doe@example.org", "07700 900123", "+44 20 7946 0958", "5551234567"):
        with pytest.raises(CaseError) as caught:
            validate({"case_id": bad}, label="row 3")
        assert bad not in str(caught.value)
        assert caught.value.problems[0].field == "case_id"


@pytest.mark.parametrize("good", ["demo-001", "clinic-2024-0001", "A17", 17])
def test_ordinary_case_ids_are_accepted(good):
    assert validate({"case_id": good}).case_id == str(good)


def test_case_id_longer_than_64_characters_is_refused():
    with pytest.raises(CaseError):
        validate({"case_id": "x" * 65})


def test_a_case_that_is_not_a_mapping_is_refused():
    with pytest.raises(CaseError) as caught:
        validate(["sitting", "worse"], label="case.json")
    assert "JSON object" in str(caught.value)


def test_field_order_does_not_matter():
    a = validate({"sitting": "worse", "age": 40, "fever": "no"})
    b = validate({"fever": "no", "age": 40, "sitting": "worse"})
    assert a == b and list(a.answers) == list(b.answers)


def test_leg_pain_accepts_its_values_and_spaced_spellings():
    assert validate({"leg_pain": "One leg"}).answers == {"leg_pain": "one_leg"}
    with pytest.raises(CaseError) as caught:
        validate({"leg_pain": "left"})
    assert "none, one_leg, both_legs" in caught.value.problems[0].expected


def test_null_as_text_is_not_known():
    assert validate({"fever": "NULL", "age": "null"}).answers == {}


@pytest.mark.parametrize("lookalike", ["NA", "n/a", "None", "nan", "-"])
def test_regression_missing_lookalikes_are_refused_never_suggested_as_no(lookalike):
    """Found in review: 'NA' got "did you mean 'n'?" and 'None' "did you mean 'no'?",
    inviting a user to turn a missing answer into a negative one."""
    with pytest.raises(CaseError) as caught:
        validate({"fever": lookalike, "age": lookalike})
    for problem in caught.value.problems:
        assert problem.suggestion is None
        assert "leave it blank or write unknown" in problem.expected


def test_none_is_still_a_real_answer_where_the_field_allows_it():
    assert validate({"leg_pain": "none"}).answers == {"leg_pain": "none"}


def test_numbers_must_use_ascii_digits():
    with pytest.raises(CaseError):
        validate({"age": "٤٠"})


def test_regression_a_huge_integer_is_refused_not_an_overflow_error():
    """Found in hardening: a 400-digit integer for a number or a yes/no field raised
    OverflowError (int too large to convert to float) through to the user."""
    from lbp_screen.knowledge.vocabulary import VOCABULARY
    huge = 10 ** 400
    for field in ("age", "fever"):
        with pytest.raises(CaseError) as refused:
            VOCABULARY.validate({field: huge})
        assert refused.value.problems[0].field == field
    with pytest.raises(CaseError):
        VOCABULARY.validate({"fever": float("inf")})
    assert VOCABULARY.validate({"fever": 1.0}).answers == {"fever": "yes"}
    assert VOCABULARY.validate({"fever": 0}).answers == {"fever": "no"}


@pytest.mark.parametrize("text,why", [
    ('{"age": NaN}', "NaN is not a number in standard JSON"),
    ('{"age": -Infinity}', "-Infinity is not a number in standard JSON"),
    ('{"age": 1' + "0" * 5000 + "}", "a number has too many digits"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"age": 4', "not valid JSON (line 1"),
])
def test_regression_json_that_is_not_standard_or_not_usable_is_refused_clearly(text, why):
    """Found in hardening: NaN in a JSON value was read as not known, a 5,000-digit integer
    and deep nesting ended in tracebacks.  One reader refuses each with its reason."""
    from lbp_screen.engine.vocabulary import InvalidJSON, parse_json
    with pytest.raises(InvalidJSON, match=re.escape(why)):
        parse_json(text)


def test_regression_nan_in_a_json_lines_batch_refuses_the_file(tmp_path):
    from click.testing import CliRunner
    from lbp_screen.main import lbp
    source = tmp_path / "in.jsonl"
    source.write_text('{"case_id": "c-1", "age": 40}\n{"case_id": "c-2", "age": NaN}\n')
    done = CliRunner().invoke(lbp, ["batch", str(source), "-o", str(tmp_path / "out.jsonl")],
                              catch_exceptions=False)
    assert done.exit_code == 1 and "line 2: NaN is not a number in standard JSON" in done.output
    assert not (tmp_path / "out.jsonl").exists()


def test_regression_an_identifier_typed_into_an_answer_is_withheld_from_the_error():
    """Found in hardening: an e-mail address or phone number typed into `sitting` (or as an
    unknown field's value) was echoed in stderr and in the batch's error row."""
    from lbp_screen.knowledge.vocabulary import VOCABULARY
    for value in ("john.smith@example.org", "07700 900123"):
        with pytest.raises(CaseError) as refused:
            VOCABULARY.validate({"sitting": value, "patient_email": value})
        message = str(refused.value)
        assert value not in message and "withheld" in message
        assert all(value not in str(p.as_dict()) for p in refused.value.problems)


def test_regression_a_huge_cell_is_echoed_as_a_short_marked_prefix():
    from lbp_screen.knowledge.vocabulary import VOCABULARY
    with pytest.raises(CaseError) as refused:
        VOCABULARY.validate({"sitting": "x" * 10_000_000})
    message = str(refused.value)
    assert len(message) < 300 and "10,000,000 characters" in message
