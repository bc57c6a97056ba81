"""CSV exports are safe to open in a spreadsheet (OWASP "CSV injection"), in one place."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest

from alliance.science.csv_export import csv_text, safe_cell, write_csv

ALLIANCE = Path(__file__).resolve().parents[2] / "alliance"


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("+33 6 12", "'+33 6 12"),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-", "'-"),
        ("-inf", "'-inf"),
        # Real numbers stay numbers.
        ("-3", "-3"),
        ("-0.5", "-0.5"),
        ("+2", "+2"),
        ("-1,5", "-1,5"),
        ("-.5", "-.5"),
        ("-1e-05", "-1e-05"),
        # Anything that does not begin with a trigger is untouched.
        ("8", "8"),
        ("", ""),
        ("a=b", "a=b"),
        (" =1", " =1"),
    ],
)
def test_text_that_a_spreadsheet_would_run_gets_a_quote(cell: str, safe: str) -> None:
    assert safe_cell(cell) == safe


def test_values_that_are_not_text_are_untouched() -> None:
    assert [safe_cell(value) for value in (-3, -0.5, 0, None)] == [-3, -0.5, 0, None]


def test_the_header_and_every_row_are_made_safe_unless_raw() -> None:
    header, rows = ["name", "=x"], [["@me", "-2"], ["ok", "-"]]
    assert csv_text(header, rows) == "name,'=x\n'@me,-2\nok,'-\n"
    assert csv_text(header, rows, raw=True) == "name,=x\n@me,-2\nok,-\n"
    stream = io.StringIO()
    write_csv(stream, header, rows, delimiter=";")
    assert stream.getvalue() == "name;'=x\n'@me;-2\nok;'-\n"


def _csv_writer_calls(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "csv"
        and node.attr in {"writer", "DictWriter"}
    ]


def test_every_csv_writer_of_alliance_is_the_safe_one() -> None:
    """One escaping function: a CSV written elsewhere would skip it."""
    writers = {
        str(path.relative_to(ALLIANCE)): lines
        for path in ALLIANCE.rglob("*.py")
        if (lines := _csv_writer_calls(path))
    }
    assert list(writers) == ["science/csv_export.py"], writers
