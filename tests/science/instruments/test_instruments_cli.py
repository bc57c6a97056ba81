"""The ``alliance instruments``, ``score`` and ``reliability`` commands.

The parser is built from this module's ``register`` alone, the way
``alliance.cli.main`` builds it, so that these tests do not depend on the
other commands.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import numpy as np
import pytest

from alliance.cli import instruments as instruments_cli
from alliance.science.errors import InputError
from alliance.science.instruments import get_instrument


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="alliance")
    instruments_cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except InputError as error:  # what alliance.cli.main does
        print(f"alliance: error: {error}")
        return 2


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


PHQ9_CSV = """respondent,date,1,mood,3,4,5,6,7,8,self_harm,comment
p1,2026-01-05,1,2,1,1,0,1,1,0,1,first
p1,2026-02-02,0,0,,0,0,0,0,0,0,"missing, one"
p2,2026-01-07,3,3,3,3,3,3,3,3,0,
"""


def test_score_adds_scores_and_carries_every_input_column(tmp_path: Path) -> None:
    """Clinical reference §2: 1+2+1+1+0+1+1+0+1 = 8, mild, item 9 > 0 flags; 3×8 = 24, severe."""
    source = write(tmp_path / "phq.csv", PHQ9_CSV)
    output = tmp_path / "scored.csv"
    assert run("score", "phq-9", str(source), "-o", str(output)) == 0
    rows = read_rows(output)
    assert list(rows[0])[:12] == [
        "respondent",
        "date",
        "1",
        "mood",
        "3",
        "4",
        "5",
        "6",
        "7",
        "8",
        "self_harm",
        "comment",
    ]
    assert list(rows[0])[12:] == [
        "score_total",
        "band",
        "cutoff_probable_depression",
        "safety_self_harm",
        "reason",
    ]
    assert (rows[0]["score_total"], rows[0]["band"], rows[0]["safety_self_harm"]) == (
        "8",
        "mild",
        "1",
    )
    assert rows[1]["score_total"] == ""
    assert rows[1]["band"] == ""
    assert rows[1]["reason"] == "1 item(s) of the total unanswered; at most 0 allowed."
    assert rows[1]["comment"] == "missing, one"
    assert (rows[2]["score_total"], rows[2]["band"], rows[2]["cutoff_probable_depression"]) == (
        "24",
        "severe",
        "1",
    )


def test_score_prints_to_stdout_and_keeps_a_semicolon_delimiter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """French spreadsheets: ';' between fields and ',' as decimal mark (SRS lines, §1)."""
    source = write(tmp_path / "srs.csv", "patient;1;2;3;4\nA;9,5;8,7;9,1;8,6\n")
    assert run("score", "srs", str(source)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split(";") == [
        *["patient", "1", "2", "3", "4", "score_total", "score_bond", "score_goal", "score_task"],
        *["band", "cutoff_alliance_concern", "reason"],
    ]
    assert lines[1] == "A;9,5;8,7;9,1;8,6;35.9;9.5;8.7;9.1;;1;"


def test_score_checkin_by_item_ids(tmp_path: Path) -> None:
    header = "goal,goal_shared,task,task_useful,bond,bond_respect,overall,tension,change_request"
    source = write(tmp_path / "c.csv", f"{header}\n8,9,7,6,10,9,7,no,Rien\n")
    output = tmp_path / "out.csv"
    assert run("score", "alliance-checkin", str(source), "-o", str(output)) == 0
    [row] = read_rows(output)
    assert (row["score_total"], row["score_goal"], row["score_overall"]) == ("8.166667", "8.5", "7")


def test_out_of_range_answer_stops_with_file_row_and_field_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(
        tmp_path / "phq.csv", PHQ9_CSV.replace("p2,2026-01-07,3,3,3", "p2,2026-01-07,3,3,4")
    )
    output = tmp_path / "scored.csv"
    assert run("score", "phq-9", str(source), "-o", str(output)) == 2
    message = capsys.readouterr().out
    assert f"{source}, row 4, field '3'" in message
    assert "one of 0, 1, 2, 3" in message
    assert not output.exists()
    assert list(tmp_path.iterdir()) == [source]  # no temporary file left behind


def test_skip_invalid_leaves_the_row_unscored_with_a_reason(tmp_path: Path) -> None:
    source = write(
        tmp_path / "phq.csv", PHQ9_CSV.replace("p2,2026-01-07,3,3,3", "p2,2026-01-07,3,3,4")
    )
    output = tmp_path / "scored.csv"
    assert run("score", "phq-9", str(source), "-o", str(output), "--skip-invalid") == 0
    row = read_rows(output)[2]
    assert row["score_total"] == ""
    assert row["reason"] == "Impossible answer to item(s) sleep."


def test_skip_invalid_also_skips_a_cell_that_is_not_a_number(tmp_path: Path) -> None:
    source = write(
        tmp_path / "phq.csv", PHQ9_CSV.replace("p2,2026-01-07,3,3,3", "p2,2026-01-07,3,3,x")
    )
    output = tmp_path / "scored.csv"
    assert run("score", "phq-9", str(source), "-o", str(output), "--skip-invalid") == 0
    rows = read_rows(output)
    assert (rows[2]["score_total"], rows[2]["band"]) == ("", "")
    assert rows[2]["reason"] == "Impossible answer to item(s) sleep."
    assert rows[2]["3"] == "x"  # carried through as typed
    assert rows[0]["score_total"] == "8"  # the other rows are scored as before


def test_an_existing_output_is_untouched_when_the_input_is_bad(tmp_path: Path) -> None:
    output = write(tmp_path / "scored.csv", "previous results\n")
    source = write(tmp_path / "phq.csv", "1,2,3\n1,2\n")
    assert run("score", "phq-9", str(source), "-o", str(output)) == 2
    assert output.read_text(encoding="utf-8") == "previous results\n"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "The file is empty"),
        ("1,2,3,4,5,6,7,8,9\n1,2\n", "row 2: This row has 2 fields; the header has 9."),
        (
            "1,2,3,4,5,6,7,8,9,12\n0,0,0,0,0,0,0,0,0,0\n",
            "field '12': Column '12' names item number 12",
        ),
        ("1,2,3,4,5,6,7,8\n0,0,0,0,0,0,0,0\n", "No column for item(s) self_harm (numbers 9)"),
        ("1,2,3,4,5,6,7,8,9,self_harm\n0,0,0,0,0,0,0,0,0,0\n", "Item 'self_harm' has two columns"),
        (
            "1,2,3,4,5,6,7,8,9\n0,0,0,0,two,0,0,0,0\n",
            "row 2, field '5': Expected a number, got 'two'.",
        ),
    ],
)
def test_bad_csv_is_reported_precisely(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, expected: str
) -> None:
    source = write(tmp_path / "in.csv", content)
    assert run("score", "phq-9", str(source)) == 2
    assert expected in capsys.readouterr().out


def test_unknown_instrument(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write(tmp_path / "in.csv", "1\n1\n")
    assert run("score", "phq-99", str(source)) == 2
    assert "Unknown instrument 'phq-99'" in capsys.readouterr().out


def test_reliability_prints_alpha_and_omega_per_scale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    checkin = get_instrument("alliance-checkin")
    rng = np.random.default_rng(4)
    level = rng.normal(7, 1.5, size=(200, 1))
    values = np.clip(np.rint(level + rng.normal(0, 1, size=(200, 7))), 0, 10).astype(int)
    ids = [item.id for item in checkin.items[:7]]
    lines = [",".join(ids)] + [",".join(map(str, row)) for row in values]
    source = write(tmp_path / "checkins.csv", "\n".join(lines) + "\n")
    assert run("reliability", "alliance-checkin", str(source), "--bootstrap", "200") == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:4] == ["SCALE", "ITEMS", "ROWS", "ALPHA"]
    assert {line.split()[0] for line in out.splitlines()[1:6]} == {
        "total",
        "goal",
        "task",
        "bond",
        "overall",
    }
    assert "not a validated instrument" in out


def test_instruments_list_show_and_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("instruments", "list") == 0
    listing = capsys.readouterr().out
    for expected in ("phq-9", "alliance-checkin", "wai-sr", "scoring key"):
        assert expected in listing
    assert run("instruments", "show", "phq-9", "--language", "fr") == 0
    assert "Penser qu’il vaudrait mieux mourir" in capsys.readouterr().out
    assert run("instruments", "show", "wai-sr") == 0
    assert "(text not shipped)" in capsys.readouterr().out
    bad = write(tmp_path / "bad.yaml", "id: x\nversion: '1'\nvalidated: maybe\n")
    assert run("instruments", "validate", str(bad)) == 2
    assert "field 'title'" in capsys.readouterr().out


def test_export_then_import_fhir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    exported = tmp_path / "gad7.json"
    assert (
        run("instruments", "export-fhir", "gad-7", "--fhir-version", "R4B", "-o", str(exported))
        == 0
    )
    assert json.loads(exported.read_text(encoding="utf-8"))["resourceType"] == "Questionnaire"
    assert run("instruments", "validate", str(exported)) == 0
    assert "valid instrument 'gad-7'" in capsys.readouterr().out
    definition = tmp_path / "gad7.yaml"
    assert run("instruments", "import-fhir", str(exported), "-o", str(definition)) == 0
    assert run("instruments", "validate", str(definition)) == 0
    assert (
        run(
            "score",
            str(definition),
            str(write(tmp_path / "a.csv", "1,2,3,4,5,6,7\n3,2,2,1,1,1,0\n")),
        )
        == 0
    )
    assert capsys.readouterr().out.splitlines()[-1].startswith("3,2,2,1,1,1,0,10,moderate,1,")


def test_missing_and_non_utf8_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("score", "phq-9", str(tmp_path / "absent.csv")) == 2
    assert "absent.csv: No such file." in capsys.readouterr().out
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("patiente,1\nHélène,2\n".encode("latin-1"))
    assert run("score", "phq-9", str(latin1)) == 2
    assert "save it as UTF-8" in capsys.readouterr().out
    assert run("instruments", "validate", str(tmp_path / "absent.yaml")) == 2
    assert "No such file." in capsys.readouterr().out


INJECTION_CSV = """respondent,1,mood,3,4,5,6,7,8,self_harm,comment
=HYPERLINK("http://evil.example"),1,2,1,1,0,1,1,0,1,@SUM(A1)
-3,0,0,-,0,0,0,0,0,0,+33 6 12
"""


def test_score_output_is_safe_to_open_in_a_spreadsheet(tmp_path: Path) -> None:
    source = write(tmp_path / "phq.csv", INJECTION_CSV)
    output = tmp_path / "scored.csv"
    assert run("score", "phq-9", str(source), "-o", str(output)) == 0
    rows = read_rows(output)
    assert rows[0]["respondent"] == '\'=HYPERLINK("http://evil.example")'
    assert rows[0]["comment"] == "'@SUM(A1)"
    assert (rows[1]["respondent"], rows[1]["3"], rows[1]["comment"]) == ("-3", "'-", "'+33 6 12")
    assert rows[0]["score_total"] == "8"
    # Alliance reads its own safe output back: "'-" is still a missing answer.
    again = tmp_path / "again.csv"
    assert run("score", "phq-9", str(output), "-o", str(again)) == 0
    assert read_rows(again)[1]["reason"] == rows[1]["reason"] != ""


def test_score_to_stdout_is_safe_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write(tmp_path / "phq.csv", INJECTION_CSV)
    assert run("score", "phq-9", str(source)) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert rows[0]["respondent"].startswith("'=")


def test_score_raw_copies_every_cell_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path / "phq.csv", INJECTION_CSV)
    output = tmp_path / "scored.csv"
    assert run("score", "phq-9", str(source), "-o", str(output), "--raw") == 0
    rows = read_rows(output)
    assert rows[0]["respondent"] == '=HYPERLINK("http://evil.example")'
    assert (rows[1]["respondent"], rows[1]["3"], rows[1]["comment"]) == ("-3", "-", "+33 6 12")
    assert run("score", "phq-9", str(source), "--raw") == 0
    printed = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert printed[0]["respondent"].startswith("=HYPERLINK")
