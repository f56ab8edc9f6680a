"""Provenance: the engine's version and a sha256 digest of its source files, and the
knowledge base's version and the digest of its files, on every result and every document
made from results (explanation, batch summary, coverage, rulebook, result table)."""
from __future__ import annotations

import io
import pathlib
import re

import pandas as pd

from lbp_screen import engine
from lbp_screen.engine.batch import BatchSummary
from lbp_screen.engine.rulebook import files_digest
from lbp_screen.engine.service import ScreeningService
from tests.engine import toy_kb as toy_module
from tests.engine.toy_kb import RULES, TOY_KB, toy_kb

SERVICE = ScreeningService(TOY_KB)
DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


def test_the_engine_names_its_version_and_a_digest_of_its_source_files():
    provenance = engine.provenance()
    assert set(provenance) == {"version", "digest"}
    assert provenance["version"] == engine.__version__
    assert DIGEST.fullmatch(provenance["digest"])
    # computed again here (the cached value was taken when first asked for)
    sources = sorted(pathlib.Path(engine.__file__).parent.glob("*.py"))
    assert engine.provenance.__wrapped__()["digest"] == files_digest(sources)


def test_the_knowledge_base_digest_covers_its_files():
    assert TOY_KB.provenance == {"version": "0.0.1", "digest": files_digest([pathlib.Path(toy_module.__file__)])}
    assert DIGEST.fullmatch(TOY_KB.digest)
    assert toy_kb(RULES).digest != TOY_KB.digest  # no files: the digest of nothing


def test_every_result_carries_the_engine_and_the_knowledge_base():
    result = SERVICE.screen({"fever": "yes"})
    assert result["engine"] == engine.provenance()
    assert result["knowledge_base"] == TOY_KB.provenance
    assert SERVICE.provenance == {"knowledge_base": TOY_KB.provenance, "engine": engine.provenance()}


def test_documents_made_from_results_carry_them_too(tmp_path):
    assert SERVICE.explanation({"fever": "yes"})["result"]["engine"] == engine.provenance()
    rulebook = SERVICE.rulebook()
    assert (rulebook["engine"], rulebook["knowledge_base"]) == (engine.provenance(), TOY_KB.provenance)
    summary = BatchSummary(TOY_KB)
    for record in SERVICE.screen_rows([{"case_id": "p-1", "fever": "yes"}, {"case_id": "p-2", "age": "x"}]):
        summary.add(record)
    for document in (summary.as_dict(), summary.coverage()):
        assert (document["engine"], document["knowledge_base"]) == (engine.provenance(), TOY_KB.provenance)
    out = tmp_path / "out.csv"
    SERVICE.run_batch(SERVICE.open_batch(io.BytesIO(b"case_id,age\np-1,40\np-2,x\n"), name="in.csv"), out)
    assert list(pd.read_csv(out, dtype=str)["knowledge_base_version"]) == ["0.0.1", "0.0.1"]
