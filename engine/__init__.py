"""lbp-screen's engine: validates cases, runs a knowledge base on them with experta, and
explains the runs.  Nothing in this package is clinical and nothing here imports the
knowledge base: a face (the command line, the web app, a program) loads one and hands it
to ``engine.service.ScreeningService``, the one door every face goes through."""
from __future__ import annotations

import functools
import pathlib

__version__ = "0.2.0"

_PACKAGE = pathlib.Path(__file__).resolve().parent


@functools.cache
def provenance() -> dict[str, str]:
    """The engine's package version and a digest of its source files, so a result shows
    which engine produced it even when the version was not bumped (as rcpchgrowth does)."""
    from lbp_screen.engine.rulebook import files_digest
    return {"version": __version__, "digest": files_digest(sorted(_PACKAGE.glob("*.py")))}
