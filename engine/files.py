"""The one way the tool writes a file: into a temporary file beside the target, renamed
over it only when everything was written, so a reader never sees half a file and an
interrupted or failing write leaves the earlier file as it was.  A folder of output parts
is written the same way: into a temporary folder beside the target, renamed into place
only when every part is written (``atomic_folder``).

A write that the system refuses (read-only file system, no permission, disk full, file
too large) is an ``OutputError`` naming the file and the reason, never a traceback; the
temporary file is removed whatever happens.  A replaced file keeps its permission bits
(a private 0600 result stays private); a new file follows the umask.
"""
from __future__ import annotations

import contextlib
import json
import os
import pathlib
import secrets
import shutil
import stat
from typing import Any, Iterator

from lbp_screen.engine.errors import OutputError


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


def _refuse_no_place(path: pathlib.Path) -> None:
    """A file cannot be written where its folder is missing, or where a folder is."""
    if not path.parent.is_dir():
        raise OutputError(f"cannot write {path}: its folder does not exist")
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder")


def check_writable(path: str | os.PathLike) -> pathlib.Path:
    """Refuse, before any work, a place a file cannot be written: a missing folder, a
    folder, or a folder the user may not write to (or a read-only file system)."""
    path = pathlib.Path(path)
    _refuse_no_place(path)
    _refuse_unwritable_parent(path)
    return path


def _refuse_unwritable_parent(path: pathlib.Path) -> None:
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write {path}: no permission to write in its folder "
                          "(or the file system is read-only)")


def _temporary_beside(path: pathlib.Path) -> pathlib.Path:
    """A hidden name in ``path``'s folder, so that the final rename stays on one file system."""
    return path.parent / f".{path.name}.{secrets.token_hex(6)}.partial"


def _keep_mode(temporary: pathlib.Path, path: pathlib.Path) -> None:
    """What replaces ``path`` keeps its permissions (nothing to keep if it does not exist)."""
    with contextlib.suppress(FileNotFoundError):
        os.chmod(temporary, stat.S_IMODE(os.stat(path).st_mode))


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, *, replace: bool = True) -> Iterator[pathlib.Path]:
    """A temporary path beside ``path`` to write to; on success it becomes ``path``.

    ``replace=False`` refuses to overwrite a file that exists by the time the write ends
    (linking fails on an existing name, so a file that appeared meanwhile is kept)."""
    path = pathlib.Path(path)
    _refuse_no_place(path)
    temporary = _temporary_beside(path)
    try:
        # an ordinary new file (the umask applies), never opened over an existing one
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except OSError as error:
        raise OutputError(f"cannot write {path}: {_reason(error)}") from None
    try:
        yield temporary
        _keep_mode(temporary, path)
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)
            temporary.unlink()
    except FileExistsError:
        raise OutputError(f"cannot write {path}: it appeared while the work ran; "
                          "nothing was overwritten") from None
    except OSError as error:
        raise OutputError(f"cannot write {path}: {_reason(error)}") from None
    finally:
        temporary.unlink(missing_ok=True)


def check_writable_folder(path: str | os.PathLike) -> pathlib.Path:
    """Refuse, before any work, a place a folder of parts cannot be written: a missing or
    unwritable parent folder, a file there, or a folder that already holds files (a folder
    output never merges into nor replaces files it did not write)."""
    path = pathlib.Path(path)
    if not path.parent.is_dir():
        raise OutputError(f"cannot write {path}: its folder does not exist")
    if path.exists() and not path.is_dir():
        raise OutputError(f"cannot write the folder {path}: a file of that name exists")
    if path.is_dir() and any(path.iterdir()):
        raise OutputError(f"cannot write the folder {path}: it exists and is not empty; "
                          "remove it or name a new folder")
    _refuse_unwritable_parent(path)
    return path


@contextlib.contextmanager
def atomic_folder(path: str | os.PathLike) -> Iterator[pathlib.Path]:
    """A temporary folder beside ``path`` to write into; on success it is renamed to
    ``path`` (which may be an empty folder: rename replaces one in a single step), and
    whatever happens the temporary folder is gone afterwards."""
    path = check_writable_folder(path)
    temporary = _temporary_beside(path)
    try:
        os.mkdir(temporary)
    except OSError as error:
        raise OutputError(f"cannot write {path}: {_reason(error)}") from None
    try:
        yield temporary
        _keep_mode(temporary, path)
        os.rename(temporary, path)
    except OSError as error:
        raise OutputError(f"cannot write {path}: {_reason(error)}") from None
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def write_text(path: str | os.PathLike, text: str, *, replace: bool = True) -> None:
    with atomic_path(path, replace=replace) as temporary:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())


def json_text(data: Any) -> str:
    """Standard JSON only (no NaN or Infinity), readable, one trailing newline."""
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_json(path: str | os.PathLike, data: Any, *, replace: bool = True) -> None:
    write_text(path, json_text(data), replace=replace)
