"""Reading and writing the files of the instruments core, with errors that name the file.

Outputs are written atomically: a temporary file in the same directory, then
one rename, so that an interrupted run never leaves half a file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from alliance.science.errors import InputError, Location


def read_text_file(path: str | Path) -> str:
    """The text of a UTF-8 file (a byte-order mark, as spreadsheets write, is ignored)."""
    where = Location(file=str(path))
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("No such file.", code="file_unreadable", location=where) from None
    except UnicodeDecodeError:
        raise InputError(
            "The file is not UTF-8 text; save it as UTF-8 (in a spreadsheet: CSV UTF-8).",
            code="file_unreadable",
            location=where,
        ) from None
    except OSError as error:
        raise InputError(
            f"Cannot read the file: {error.strerror}.", code="file_unreadable", location=where
        ) from error


def write_text_atomically(path: str | Path, text: str) -> None:
    """Write ``text`` so that ``path`` holds either its old content or all of the new one."""
    target = Path(path)
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
