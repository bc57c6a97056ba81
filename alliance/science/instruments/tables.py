"""Read a CSV of answers into a scoring matrix, and write results atomically.

The CSV has one row per administration, a header, one column per item named
by the item's id (``self_harm``) or its number in the instrument (``9``), and
any other columns (``respondent``, dates, …), which are carried through.
Rows are numbered as lines of the file (the header is row 1), the way a
spreadsheet shows them.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from alliance.science.csv_export import csv_text
from alliance.science.errors import InputError, Location
from alliance.science.instruments.files import read_text_file, write_text_atomically
from alliance.science.instruments.model import Instrument, Item

MISSING_MARKERS = frozenset({"", "na", "n/a", "nan", ".", "-"})
WORD_VALUES = {"yes": 1.0, "no": 0.0, "oui": 1.0, "non": 0.0, "true": 1.0, "false": 0.0}


@dataclass(frozen=True)
class AnswerTable:
    """A CSV of answers: its header and cells as read, and the scoring matrix built from them."""

    file: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_numbers: tuple[int, ...]  # line of each row in the file
    columns: dict[str, int]  # item id → column index in the CSV
    matrix: np.ndarray  # rows × instrument.numeric_items, NaN when unanswered
    delimiter: str
    # rows × instrument.numeric_items: True where a cell was not a number (read as NaN);
    # only ever True when the table was read with ``keep_unreadable=True``.
    unreadable: np.ndarray


def read_answer_table(
    instrument: Instrument, path: str | Path, *, keep_unreadable: bool = False
) -> AnswerTable:
    """Read ``path`` and build the matrix of numeric answers for ``instrument``.

    A cell that is not a number raises :class:`InputError`, unless
    ``keep_unreadable``: then it is read as NaN and marked in ``unreadable``, so
    that the caller can leave its row unscored with a reason.
    """
    file = str(path)
    text = read_text_file(file)
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header, records = _read_records(reader, file)
    columns = map_columns(instrument, header, file)
    numeric = instrument.numeric_items
    matrix = np.full((len(records), len(numeric)), np.nan)
    unreadable = np.zeros((len(records), len(numeric)), dtype=bool)
    for position, item in enumerate(numeric):
        if item.id in columns:
            matrix[:, position], unreadable[:, position] = _parse_column(
                records, columns[item.id], delimiter, header, file, keep_unreadable
            )
    return AnswerTable(
        file=file,
        header=tuple(header),
        rows=tuple(tuple(cells) for _, cells in records),
        row_numbers=tuple(line for line, _ in records),
        columns=columns,
        matrix=matrix,
        delimiter=delimiter,
        unreadable=unreadable,
    )


def _sniff_delimiter(text: str) -> str:
    """Comma, semicolon (French spreadsheets) or tab, whichever the header uses most."""
    first_line = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=first_line.count)


def _read_records(
    reader: Iterator[list[str]], file: str
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    records: list[tuple[int, list[str]]] = []
    try:
        header = [name.strip() for name in next(reader, [])]
        if not any(header):
            raise InputError(
                "The file is empty: expected a header row.",
                code="csv_malformed",
                location=Location(file=file),
            )
        for cells in reader:
            line = reader.line_num  # type: ignore[attr-defined]
            if not any(cell.strip() for cell in cells):
                continue  # blank lines are common at the end of exported files
            if len(cells) != len(header):
                raise InputError(
                    f"This row has {len(cells)} fields; the header has {len(header)}.",
                    code="csv_malformed",
                    location=Location(file=file, row=line),
                    params={"found": len(cells), "expected": len(header)},
                )
            records.append((line, cells))
    except csv.Error as error:
        raise InputError(
            f"This is not valid CSV: {error}.",
            code="csv_malformed",
            location=Location(file=file, row=getattr(reader, "line_num", None)),
        ) from error
    return header, records


def map_columns(
    instrument: Instrument, header: Sequence[str], file: str | None = None
) -> dict[str, int]:
    """Which CSV column holds which item: ``{item id: column index}``.

    A column named like an item id or a number (``"3"``) is an item column;
    any other column is carried through. Every item that a score or a safety
    rule needs must have a column.
    """
    by_number = {str(item.number): item for item in instrument.items}
    by_id = {item.id: item for item in instrument.items}
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        item = _column_item(name, by_id, by_number, instrument, file)
        if item is None:
            continue
        if item.id in columns:
            raise InputError(
                f"Item '{item.id}' has two columns: '{header[columns[item.id]]}' and '{name}'.",
                code="duplicate_column",
                location=Location(file=file, field=name),
                params={"item": item.id},
            )
        columns[item.id] = index
    _require_columns(instrument, columns, file)
    return columns


def _column_item(
    name: str,
    by_id: dict[str, Item],
    by_number: dict[str, Item],
    instrument: Instrument,
    file: str | None,
) -> Item | None:
    if name in by_id:
        return by_id[name]
    if name.isdigit():
        if name not in by_number:
            raise InputError(
                f"Column '{name}' names item number {name}, but '{instrument.id}' has "
                f"{len(instrument.items)} items.",
                code="unknown_item",
                location=Location(file=file, field=name),
                params={"item": name, "instrument": instrument.id},
            )
        return by_number[name]
    return None


def _require_columns(instrument: Instrument, columns: dict[str, int], file: str | None) -> None:
    needed = list(instrument.scoring.total_items)
    needed += [item for subscale in instrument.subscales for item in subscale.items]
    needed += [rule.item for rule in instrument.safety]
    absent = [item_id for item_id in dict.fromkeys(needed) if item_id not in columns]
    if absent:
        numbers = [str(instrument.item(item_id).number) for item_id in absent]
        raise InputError(
            f"No column for item(s) {', '.join(absent)} (numbers {', '.join(numbers)}); "
            "name each item column by its id or its number.",
            code="missing_column",
            location=Location(file=file),
            params={"items": absent},
        )


def _parse_column(
    records: Sequence[tuple[int, list[str]]],
    column: int,
    delimiter: str,
    header: Sequence[str],
    file: str,
    keep_unreadable: bool = False,
) -> tuple[list[float], list[bool]]:
    values: list[float] = []
    unreadable: list[bool] = []
    for line, cells in records:
        try:
            values.append(parse_cell(cells[column], delimiter))
            unreadable.append(False)
        except ValueError:
            if keep_unreadable:
                values.append(math.nan)
                unreadable.append(True)
                continue
            raise InputError(
                f"Expected a number, got '{cells[column]}'.",
                code="not_a_number",
                location=Location(file=file, row=line, field=header[column]),
                params={"value": cells[column]},
            ) from None
    return values, unreadable


def parse_cell(cell: str, delimiter: str = ",") -> float:
    """One CSV cell as a number; NaN when empty or marked missing (``NA``).

    Raises ``ValueError`` for anything else that is not a number.
    """
    try:
        return float(cell)  # the common case, first: a plain number
    except ValueError:
        pass
    # A leading quote marks a cell as text in spreadsheets, and Alliance's own
    # CSV exports add one before "-" or "-x" (see alliance.science.csv_export).
    text = cell.strip().removeprefix("'").strip().lower()
    if text in MISSING_MARKERS:
        return math.nan
    if text in WORD_VALUES:
        return WORD_VALUES[text]
    if delimiter != ",":
        text = text.replace(",", ".")  # decimal comma in semicolon-separated files
    return float(text)


def write_csv_atomically(
    path: str | Path,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    delimiter: str = ",",
    *,
    raw: bool = False,
) -> None:
    """Write a CSV atomically (see :func:`write_text_atomically`).

    Cells that a spreadsheet would run as a formula are made safe (see
    :mod:`alliance.science.csv_export`), unless ``raw``.
    """
    write_text_atomically(path, csv_text(header, rows, delimiter=delimiter, raw=raw))
