"""``alliance ruptures``: long CSV in, one row per event out."""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import pytest

from alliance.cli import ruptures
from alliance.science.errors import InputError

HEADER = "patient,session,goal,task,bond,tension,respondent\n"
STABLE_THEN_DIP = [
    "a,2025-01-06,8,8,8,0,patient",
    "a,2025-01-13,8,7,8,0,patient",
    "a,2025-01-20,8,8,7,0,patient",
    "a,2025-01-27,8,8,8,0,patient",
    "a,2025-02-03,8,8,3,1,patient",
    "a,2025-02-24,8,8,8,0,patient",
]


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="alliance")
    ruptures.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["ruptures", *argv])
    result: int = args.handler(args)
    return result


def write(tmp_path: Path, lines: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "checkins.csv"
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def read_events(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def test_events_with_dates_and_repair(tmp_path: Path) -> None:
    source = write(tmp_path, STABLE_THEN_DIP)
    output = tmp_path / "events.csv"
    assert run(str(source), "-o", str(output), "--range", "0", "10", "--reliability", "0.8") == 0
    events = read_events(output)
    assert list(events[0])[:6] == [
        "patient",
        "session",
        "dimension",
        "rule",
        "magnitude",
        "repaired_session",
    ]
    found = {(e["session"], e["dimension"], e["rule"], e["repaired_session"]) for e in events}
    assert ("2025-02-03", "bond", "reliable_drop", "2025-02-24") in found
    assert ("2025-02-03", "bond", "dip_2sd", "2025-02-24") in found
    assert ("2025-02-03", "overall", "tension", "2025-02-24") in found
    assert not list(tmp_path.glob(".events.csv.*"))  # no temporary file left behind


def test_score_column_and_numbered_sessions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [f"p1,{n},{score}" for n, score in enumerate([30, 31, 30, 31, 20, 31], start=1)]
    source = write(tmp_path, lines, header="patient,session,score\n")
    assert run(str(source), "--range", "0", "40", "--reliability", "0.9", "--rules", "default") == 0
    out = capsys.readouterr().out
    assert "p1,5,score,reliable_drop,10.5,6,patient,warning,5" in out
    assert "dip_1sd" not in out  # not in the default set


def test_two_sessions_give_no_events(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write(tmp_path, ["a,1,9,9,9,0,patient", "a,2,1,1,1,0,patient"])
    assert run(str(source), "--range", "0", "10", "--reliability", "0.8") == 0
    assert capsys.readouterr().out.strip().splitlines() == [",".join(ruptures.EVENT_COLUMNS)]


def test_missing_items_are_allowed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = ["a,1,8,,8,,patient", "a,2,8,8,,0,patient", "a,3,,8,8,0,patient", "a,4,8,8,2,0,patient"]
    assert run(str(write(tmp_path, lines)), "--range", "0", "10", "--reliability", "0.8") == 0
    assert "a,4,bond,reliable_drop,6" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("line", "code", "field"),
    [
        ("a,1,8,8,x,0,patient", "invalid_number", "bond"),
        ("a,soon,8,8,8,0,patient", "invalid_session", "session"),
        ("a,1,8,8,8,maybe,patient", "invalid_yes_no", "tension"),
        ("a,1,8,8,8,0,mother", "invalid_respondent", "respondent"),
        (",1,8,8,8,0,patient", "missing_value", "patient"),
    ],
)
def test_bad_values_name_the_row_and_field(
    tmp_path: Path, line: str, code: str, field: str
) -> None:
    source = write(tmp_path, ["a,1,8,8,8,0,patient", line])
    with pytest.raises(InputError) as error:
        run(str(source), "--range", "0", "10", "--reliability", "0.8")
    assert error.value.code == code
    assert (error.value.location.row, error.value.location.field) == (3, field)
    assert str(source) in str(error.value)


def test_duplicate_session_is_refused(tmp_path: Path) -> None:
    source = write(tmp_path, ["a,1,8,8,8,0,patient", "a,1,7,7,7,0,patient"])
    with pytest.raises(InputError) as error:
        run(str(source), "--range", "0", "10", "--reliability", "0.8")
    assert error.value.code == "duplicate_session"


def test_out_of_range_scores_are_refused(tmp_path: Path) -> None:
    source = write(tmp_path, ["a,1,8,8,12,0,patient"])
    with pytest.raises(InputError) as error:
        run(str(source), "--range", "0", "10", "--reliability", "0.8")
    assert error.value.code == "out_of_range"
    assert error.value.params["value"] == 12.0


def test_missing_columns_and_options(tmp_path: Path) -> None:
    no_scores = write(tmp_path, ["a,1"], header="patient,session\n")
    with pytest.raises(InputError) as error:
        run(str(no_scores), "--range", "0", "10", "--reliability", "0.8")
    assert error.value.code == "missing_column"
    source = write(tmp_path, STABLE_THEN_DIP)
    with pytest.raises(InputError) as error:
        run(str(source), "--reliability", "0.8")
    assert error.value.code == "missing_range"
    with pytest.raises(InputError) as error:
        run(str(source), "--range", "0", "10")
    assert error.value.code == "missing_reliability"
    with pytest.raises(InputError) as error:
        run(str(tmp_path / "nowhere.csv"), "--range", "0", "10")
    assert error.value.code == "file_not_found"


def test_unknown_rule_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        run(
            str(write(tmp_path, STABLE_THEN_DIP)),
            "--range",
            "0",
            "10",
            "--reliability",
            "0.8",
            "--rules",
            "reliable_drop,vibes",
        )
    assert error.value.params == {"rule": "vibes"}


def test_reliability_is_estimated_from_the_data_when_there_are_enough_patients(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [f"p{p},{s},{7 + (s + p) % 2}" for p in range(25) for s in range(1, 7)]
    source = write(tmp_path, lines, header="patient,session,score\n")
    assert run(str(source), "--range", "0", "10") == 0  # no --reliability needed
    assert capsys.readouterr().out.startswith("patient,session")


def test_instrument_gives_the_range(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("alliance.science.instruments")
    source = write(tmp_path, STABLE_THEN_DIP)
    assert run(str(source), "--instrument", "alliance-checkin", "--reliability", "0.8") == 0
    assert "2025-02-03,bond,dip_2sd" in capsys.readouterr().out


def test_a_clear_error_when_instruments_are_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "alliance.science.instruments", None)  # import fails
    with pytest.raises(InputError) as error:
        run(str(write(tmp_path, STABLE_THEN_DIP)), "--instrument", "srs")
    assert error.value.code == "instruments_unavailable"


def test_events_are_safe_to_open_in_a_spreadsheet(tmp_path: Path) -> None:
    """Patient codes come from the input: never a formula in the output."""
    lines = [line.replace("a,", "=a,", 1) for line in STABLE_THEN_DIP]
    output = tmp_path / "events.csv"
    assert (
        run(
            str(write(tmp_path, lines)),
            "-o",
            str(output),
            "--range",
            "0",
            "10",
            "--reliability",
            "0.8",
        )
        == 0
    )
    events = read_events(output)
    assert events
    assert {event["patient"] for event in events} == {"'=a"}
