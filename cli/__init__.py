"""lbp-screen: rule-based screening of low back pain, with its reasoning explained.

Screening and teaching software, not a diagnosis: every result recommends a professional
assessment.  The Python API (documented in the README, stable from 0.2)::

    import lbp_screen
    result = lbp_screen.screen({"sitting": "worse", "standing": "better"})
    result["responder"]["type"]                 # 'extension'
    lbp_screen.explain(case, why_not=["responder=flexion"])
    lbp_screen.rulebook(), lbp_screen.vocabulary()
    lbp_screen.screen_frame(data_frame)         # one row out per row in, in order

Bad cases raise ``CaseError`` (a ``ScreeningError``; ``error.to_dict()`` names the case, the
field, the value or "withheld", what was expected and a did-you-mean).

Installed, this folder (cli/, the faces) is the package ``lbp_screen`` itself; the engine is
``lbp_screen.engine`` and the knowledge base ``lbp_screen.knowledge`` (pyproject maps them).
The knowledge base, click and pandas are imported on first use, not here, so that
``import lbp_screen.engine`` stays free of all three.
"""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from lbp_screen.engine import __version__
from lbp_screen.engine.errors import InputError, OutputError, ScreeningError
from lbp_screen.engine.vocabulary import CaseError

if TYPE_CHECKING:  # only for the annotations: pandas is imported by screen_frame's engine side
    import pandas

    from lbp_screen.engine.service import ScreeningService

__all__ = ["CaseError", "InputError", "OutputError", "ScreeningError", "__version__", "explain",
           "rulebook", "screen", "screen_frame", "service", "vocabulary"]


@functools.cache
def service() -> ScreeningService:
    """The screening service over the bundled knowledge base, loaded on first use.  It is
    thread-safe; the command line, the web app and these functions all go through it."""
    from lbp_screen.engine.service import ScreeningService
    from lbp_screen.knowledge import KNOWLEDGE_BASE
    return ScreeningService(KNOWLEDGE_BASE)


def screen(case: Mapping[str, Any], label: str | None = None) -> dict[str, Any]:
    """The contract's result for one case: a mapping of field to answer, as ``lbp screen``
    reads a JSON case.  ``label`` names the case in error messages (e.g. a file and row).
    Raises ``CaseError`` listing every problem of the case."""
    return service().screen(case, label)


def explain(case: Mapping[str, Any], why_not: Iterable[str] = (),
            label: str | None = None) -> dict[str, Any]:
    """The explanation document of one case, as ``lbp explain --format json`` prints it: the
    result, the rules that fired in order, how each conclusion was reached, why each
    ``why_not`` target (``kind=value``, e.g. ``"responder=flexion"``) was or was not, and the
    unanswered questions that could still change the result.  Raises ``CaseError``, or
    ``ScreeningError`` for an unknown target (with the valid ones)."""
    return service().explanation(case, label, list(why_not))


def rulebook(topics: Iterable[str] | None = None) -> dict[str, Any]:
    """The rulebook as a document: the knowledge base's name, version and digest, and every
    rule (or those of ``topics``) with its conditions, conclusion, rationale and source."""
    return service().rulebook(topics)


def vocabulary() -> list[dict[str, Any]]:
    """Every field a case may carry: its kind, allowed values and accepted spellings,
    meaning, question, help, group and the question it depends on."""
    return service().vocabulary()


def screen_frame(frame: pandas.DataFrame, drop_identifiers: bool = False,
                 ignore_columns: Iterable[str] = ()) -> pandas.DataFrame:
    """Screen every row of a data frame whose columns are vocabulary fields (headers matched
    as ``lbp batch`` matches them).  Returns one row per input row, in order, with the batch's
    table columns typed as its Parquet output (lists for multi-valued columns, missing values
    as nulls); a row that cannot be screened is an ``error`` row, never left out.  Columns
    that look like identifiers are refused unless ``drop_identifiers``; ``ignore_columns``
    are left out entirely.  Raises ``InputError`` for a frame that cannot be used at all.
    Works as ``dask.dataframe.map_partitions(lbp_screen.screen_frame)``."""
    return service().screen_frame(frame, drop_identifiers=drop_identifiers,
                                  ignore_columns=tuple(ignore_columns))
