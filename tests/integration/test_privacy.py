"""Direct identifiers never get through and are never echoed: the one detector
(engine/privacy.py) against the shapes people write phone numbers and e-mail addresses
in, the headers that name identifier columns, and every place a bad value is shown."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, strategies as st

from lbp_screen.engine.privacy import identifier_in_value, identifier_reason
from lbp_screen.engine.vocabulary import WITHHELD, CaseError
from tests import bundled
from tests.cli.conftest import invoke_lbp

SEPARATORS = st.sampled_from([" ", "  ", "-", "–", "—", ".", "/", "(", ")", " – ", "", "\u00a0"])
DIGITS = st.text(alphabet="0123456789", min_size=2, max_size=5)


@st.composite
def phone_numbers(draw):
    """Nine to fifteen digits in groups, with the separators people type (some Unicode)."""
    groups = draw(st.lists(DIGITS, min_size=2, max_size=5))
    digits = sum(len(g) for g in groups)
    if digits < 9:
        groups.append("0" * (9 - digits))
    text = draw(st.sampled_from(["", "+", "(", "00"]))
    for group in groups:
        text += group + draw(SEPARATORS)
    if draw(st.booleans()):  # full-width digits look the same
        text = text.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    return text.strip()


@st.composite
def email_addresses(draw):
    name = draw(st.from_regex(r"[a-z][a-z0-9._]{0,8}", fullmatch=True))
    host = draw(st.from_regex(r"[a-z][a-z0-9-]{0,8}(\.[a-z]{2,4})?", fullmatch=True))
    at = draw(st.sampled_from(["@", "＠", "﹫"]))  # the at sign and its look-alikes
    return f"{name}{at}{host}"


@given(st.one_of(phone_numbers(), email_addresses()))
def test_every_phone_or_email_shape_is_refused_as_a_case_id_and_withheld(value):
    assert identifier_in_value(value)
    with pytest.raises(CaseError) as raised:
        bundled.screen({"case_id": value, "sitting": "worse"})
    assert raised.value.to_dict()["problems"][0]["value"] == WITHHELD
    assert value not in str(raised.value)


@pytest.mark.parametrize("value", ["(0161) 496 0000", "07700  900123", "07700/900123",
                                   "07700 – 900123", "john.smith@x", "j.smith＠x.org", "0001234"])
def test_regression_these_case_ids_were_accepted_and_echoed(value):
    with pytest.raises(CaseError) as raised:
        bundled.screen({"case_id": value})
    assert value not in str(raised.value)


@pytest.mark.parametrize("value", ["clinic-2024-0001", "ext-01", "case 12", "A-123456"])
def test_anonymised_codes_stay_valid_case_ids(value):
    assert bundled.screen({"case_id": value})["case_id"] == value


@pytest.mark.parametrize("header", ["NI number", "Hospital No", "patient_id", "NHS No.", "Patient Num",
                                    "MRN", "hospital_nbr", "E-mail"])
def test_regression_identifier_headers_with_abbreviations_were_missed(header, tmp_path):
    assert identifier_reason(header)
    path = tmp_path / "in.csv"
    path.write_text(f"case_id,sitting,{header}\nc-1,worse,secret\n", encoding="utf-8")
    refused = invoke_lbp(["batch", str(path), "-o", str(tmp_path / "out.csv")])
    assert refused.exit_code == 1 and "look like direct identifiers" in refused.stderr
    dropped = invoke_lbp(["batch", str(path), "-o", str(tmp_path / "out.jsonl"), "--drop-identifiers"])
    assert dropped.exit_code == 0
    assert "secret" not in (tmp_path / "out.jsonl").read_text()


@pytest.mark.parametrize("header", ["case_id", "sitting", "female", "leg_pain", "pain_below_knee"])
def test_ordinary_headers_are_not_taken_for_identifiers(header):
    assert identifier_reason(header) is None


@pytest.mark.parametrize("field,value", [("email", "a.person@example.org"), ("patient_name", "Jo Bloggs"),
                                         ("sitting", "07700 900123"), ("sitting", "jo＠example.org")])
def test_regression_identifier_like_values_were_echoed_by_lbp_screen(field, value):
    result = invoke_lbp(["screen", "-"], input=json.dumps({"case_id": "c-1", field: value}))
    assert result.exit_code == 1
    assert value not in result.output + result.stderr and "withheld" in result.stderr


def test_regression_lbp_explain_listed_identifier_like_case_ids_to_pick_from(tmp_path):
    path = tmp_path / "cases.json"
    path.write_text(json.dumps([{"case_id": "jo@example.org"}, {"case_id": "c-2"}]), encoding="utf-8")
    result = invoke_lbp(["explain", str(path)])
    assert result.exit_code == 1 and "jo@example.org" not in result.stderr
    assert "c-2" in result.stderr


# ---- from the second hostile review

@pytest.mark.parametrize("value", [447700900123, 7700900123.0, b"john.smith@example.com",
                                   __import__("datetime").date(1980, 5, 17)])
def test_regression_identifier_shaped_values_that_are_not_text_were_echoed(value):
    with pytest.raises(CaseError) as raised:
        bundled.screen({"case_id": "c-1", "age": value})
    (problem,) = raised.value.to_dict()["problems"]
    assert problem["value"] in (WITHHELD, "(a value of type bytes, not shown)",
                                "(a value of type date, not shown)")
    json.dumps(raised.value.to_dict(), allow_nan=False)


@pytest.mark.parametrize("value", ["john.smith @example.com", "john\u00a0@\u00a0example.com",
                                   "07700\u200b900\u200b123", "07700\u2060900123"])
def test_regression_spaced_and_invisibly_joined_identifiers_passed_as_case_ids(value):
    with pytest.raises(CaseError):
        bundled.screen({"case_id": value})


def test_regression_identifier_shaped_headers_were_echoed_in_file_errors(tmp_path):
    path = tmp_path / "no_header.csv"
    path.write_text("john.smith@example.com,yes\nc2,no\n", encoding="utf-8")
    result = invoke_lbp(["batch", str(path), "-o", str(tmp_path / "out.csv")])
    assert result.exit_code == 1 and "john.smith" not in result.stderr and WITHHELD in result.stderr


def test_regression_drop_identifiers_named_the_dropped_columns(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("case_id,sitting,email john.smith@nhs.net\nc-1,worse,x\n", encoding="utf-8")
    result = invoke_lbp(["batch", str(path), "-o", str(tmp_path / "out.csv"), "--drop-identifiers"])
    assert result.exit_code == 0 and "left out 1 identifier column(s)" in result.stderr
    assert "john.smith" not in result.stderr


def test_regression_explain_listed_a_long_case_id_hiding_an_address(tmp_path):
    path = tmp_path / "cases.json"
    path.write_text(json.dumps([{"case_id": "x" * 201 + " jo@example.org"}, {"case_id": "c-2"}]))
    result = invoke_lbp(["explain", str(path)])
    assert result.exit_code == 1 and "jo@example.org" not in result.stderr


@pytest.mark.parametrize("raw", [{"case_id": "a\udcff"}, {"case_id": "b", "fever": "\ud800"},
                                 {"case_id": "c", "\udcff": "yes"}, {"case_id": "line\nbreak"},
                                 {"case_id": 10 ** 5000}, {"case_id": "d", "age": 10 ** 5000}])
def test_regression_unpaired_surrogates_control_characters_and_huge_numbers_crashed(raw):
    with pytest.raises(CaseError) as raised:
        bundled.screen(raw)
    json.dumps(raised.value.to_dict(), allow_nan=False).encode("utf-8")
    str(raised.value).encode("utf-8")


def test_regression_a_row_that_is_not_a_mapping_crashed_screen_rows():
    (record,) = bundled.SERVICE.screen_rows([None])
    assert record["status"] == "error"


@pytest.mark.parametrize("text", ['{"case_id":"a\\udcff"}\n', '{"case_id":"b","fever":"\\ud800"}\n'])
def test_regression_a_surrogate_in_a_json_lines_batch_crashed_the_writer(tmp_path, text):
    path = tmp_path / "in.jsonl"
    path.write_text(text, encoding="utf-8")
    result = invoke_lbp(["batch", str(path), "-o", str(tmp_path / "out.jsonl"), "--jobs", "1"])
    assert result.exit_code == 3
    (tmp_path / "out.jsonl").read_text(encoding="utf-8")  # valid UTF-8 throughout
