"""The public interface every face relies on, pinned: the façade's methods and their
parameters, the result's keys in order, provenance on every result, and the one error
family with ``to_dict``.  A change here is a change of contract: update the README with it."""
from __future__ import annotations

import inspect
import json
import pathlib
import shutil

import pytest

from lbp_screen import engine
from lbp_screen.engine.errors import InputError, OutputError, ScreeningError
from lbp_screen.engine.explain import UnknownTarget
from lbp_screen.engine.rulebook import files_digest
from lbp_screen.engine.service import ScreeningService
from lbp_screen.engine.tables import BatchInputError
from lbp_screen.engine.vocabulary import WITHHELD, CaseError, DuplicateField, InvalidJSON
from tests import bundled

FACADE = {
    "validate": ["raw", "label"],
    "screen": ["raw", "label"],
    "screen_with_run": ["raw", "label"],
    "explain": ["raw", "label"],
    "explanation": ["raw", "label", "why_not"],
    "target": ["text"],
    "targets": [],
    "result_text": ["result", "label"],
    "rule_title": ["rule_id"],
    "check_expectations": ["where", "expected"],
    "check": ["expected", "result"],
    "rulebook": ["topics"],
    "topic": ["text"],
    "vocabulary": [],
    "interview": [],
    "question_group": ["group"],
    "interview_stop": ["result"],
    "case_id": ["text", "label"],
    "open_batch": ["source", "input_format", "drop_identifiers", "name", "ignore_columns"],
    "run_batch": ["batch", "output", "jobs", "progress", "output_format", "compare", "dask"],
    "compare_batch": ["earlier", "batch", "output"],
    "screen_frame": ["frame", "drop_identifiers", "ignore_columns"],
    "screen_rows": ["rows"],
}

RESULT_KEYS = ("case_id", "knowledge_base", "engine", "responder", "possible_causes", "red_flags",
               "red_flag_conditions", "urgency", "exercises", "self_care", "psychosocial_risk",
               "professional_assessment", "fired_rules", "warnings", "open_questions")


def test_the_facade_has_exactly_the_documented_methods_and_parameters():
    public = {name: [p for p in inspect.signature(member).parameters if p != "self"]
              for name, member in inspect.getmembers(ScreeningService, inspect.isfunction)
              if not name.startswith("_")}
    assert public == FACADE
    assert isinstance(inspect.getattr_static(ScreeningService, "provenance"), property)


def test_every_result_has_the_contract_keys_in_order_with_provenance():
    result = bundled.SERVICE.screen({"case_id": "c-1", "sitting": "worse"})
    assert tuple(result) == RESULT_KEYS == bundled.KB.result_keys
    assert result["knowledge_base"] == {"version": bundled.KB.version, "digest": bundled.KB.digest}
    assert result["engine"] == engine.provenance() == bundled.SERVICE.provenance["engine"]
    assert result["engine"]["version"] == engine.__version__
    assert result["engine"]["digest"].startswith("sha256:") and len(result["engine"]["digest"]) == 71


def test_the_engine_digest_changes_when_an_engine_file_changes(tmp_path):
    source = pathlib.Path(engine.__file__).parent
    copy = tmp_path / "engine"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = files_digest(sorted(copy.glob("*.py")))
    assert before == engine.provenance()["digest"]
    (copy / "strategy.py").write_text((copy / "strategy.py").read_text() + "\n# changed\n")
    assert files_digest(sorted(copy.glob("*.py"))) != before


def test_the_batch_summary_and_coverage_name_the_engine_too(tmp_path):
    path = tmp_path / "cases.jsonl"
    path.write_text('{"case_id": "a", "sitting": "worse"}\n', encoding="utf-8")
    outcome = bundled.SERVICE.run_batch(bundled.SERVICE.open_batch(path), tmp_path / "out.jsonl")
    assert outcome.summary.as_dict()["engine"] == engine.provenance()
    assert outcome.summary.coverage()["engine"] == engine.provenance()


@pytest.mark.parametrize("error_type", [CaseError, InputError, OutputError, BatchInputError,
                                        UnknownTarget, DuplicateField, InvalidJSON])
def test_every_library_error_is_a_screening_error(error_type):
    assert issubclass(error_type, ScreeningError)


def test_a_case_error_as_a_document_names_case_field_value_expected_and_suggestion():
    with pytest.raises(CaseError) as raised:
        bundled.SERVICE.screen({"case_id": "c-2", "siting": "worse", "age": "old"}, label="row 4")
    document = raised.value.to_dict()
    assert set(document) == {"error", "message", "case", "problems"}
    assert document["error"] == "case" and document["case"] == "row 4 (case 'c-2')"
    by_field = {p["field"]: p for p in document["problems"]}
    assert by_field["siting"]["suggestion"] == "sitting"
    assert by_field["age"]["value"] == "old" and "number" in by_field["age"]["expected"]
    json.dumps(document, allow_nan=False)  # standard JSON


def test_a_value_that_looks_like_an_identifier_is_withheld_in_the_document():
    with pytest.raises(CaseError) as raised:
        bundled.SERVICE.screen({"case_id": "c-3", "sitting": "john.smith@example.org"})
    (problem,) = raised.value.to_dict()["problems"]
    assert problem["value"] == WITHHELD
    assert "john.smith" not in json.dumps(raised.value.to_dict())


def test_other_errors_as_documents_carry_their_kind_and_message(tmp_path):
    with pytest.raises(BatchInputError) as raised:
        bundled.SERVICE.open_batch(tmp_path / "missing.csv")
    assert raised.value.to_dict() == {"error": "input", "message": "missing.csv: no such file",
                                      "case": None, "problems": []}
    assert OutputError("x").to_dict()["error"] == "output"
