"""The one family of errors the engine raises for things a user can fix.

Every face (the command line, the web app, a program calling the library) catches
``ScreeningError`` in one place and shows ``str(error)`` or serves ``error.to_dict()``.
A document names the case (its label, and its id when valid), and per problem the field,
the value as it may be shown (or "withheld"), what was expected and a did-you-mean.
"""
from __future__ import annotations

from typing import Any


class ScreeningError(Exception):
    """Input (a case, a file, an option, an output path) that cannot be used as given."""

    kind = "input"  # what the error is about, for programs reading ``to_dict``

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.kind, "message": str(self), "case": None, "problems": []}


class InputError(ScreeningError):
    """A file, document or option the user gave cannot be used."""


class OutputError(ScreeningError):
    """A file the tool was asked to write cannot be written (the reason is named)."""

    kind = "output"
