"""Writing CSV files that are safe to open in a spreadsheet.

A CSV cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or a
carriage return, which some spreadsheets skip before reading a formula) is run
as a formula by Excel, LibreOffice and Google Sheets: a patient's free text or
a column carried through from someone else's file could then fetch a URL or
start a program on the researcher's computer ("CSV injection"). Following
OWASP, such a text cell gets a single quote in front (``'=1+1``), which
spreadsheets show as text. Real numbers (``-3``, ``-0.5``, ``+2``, ``-1,5``
with a decimal comma) are never changed: they stay numbers.

Every CSV that Alliance writes goes through :func:`safe_cell`, in one place.
``raw=True`` copies the cells unchanged, for a researcher who reads the file
with code rather than a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import TextIO

#: The first characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# A plain decimal number, with a point or a comma, and an optional exponent.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")

Cell = str | int | float | None


def safe_cell(value: Cell) -> Cell:
    """``value`` made safe to open in a spreadsheet: ``'`` before a text that looks like a formula.

    >>> safe_cell("=1+1")
    "'=1+1"
    >>> safe_cell("-3"), safe_cell("-0.5"), safe_cell(-2), safe_cell("well")
    ('-3', '-0.5', -2, 'well')
    >>> safe_cell("-"), safe_cell("@home")
    ("'-", "'@home")
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_TRIGGERS):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


def safe_row(cells: Iterable[Cell], *, raw: bool = False) -> list[Cell]:
    """Every cell of a row through :func:`safe_cell` (unchanged when ``raw``)."""
    return list(cells) if raw else [safe_cell(cell) for cell in cells]


def write_csv(
    stream: TextIO,
    header: Sequence[Cell],
    rows: Iterable[Sequence[Cell]],
    *,
    delimiter: str = ",",
    raw: bool = False,
) -> None:
    """Write ``header`` and ``rows`` to ``stream`` as CSV, every cell made safe unless ``raw``."""
    writer = csv.writer(stream, delimiter=delimiter, lineterminator="\n")
    writer.writerow(safe_row(header, raw=raw))
    writer.writerows(safe_row(row, raw=raw) for row in rows)


def csv_text(
    header: Sequence[Cell],
    rows: Iterable[Sequence[Cell]],
    *,
    delimiter: str = ",",
    raw: bool = False,
) -> str:
    """The CSV that :func:`write_csv` writes, as a string."""
    buffer = io.StringIO(newline="")
    write_csv(buffer, header, rows, delimiter=delimiter, raw=raw)
    return buffer.getvalue()
