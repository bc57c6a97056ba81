"""``alliance transcripts code | summary | evaluate``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from alliance.cli.main import main

FRENCH_SET = Path(__file__).resolve().parents[3] / "research" / "transcripts" / "french_eval.csv"

SESSION_VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Dr. Martin>What brings you here today?</v>

00:00:04.500 --> 00:00:09.000
<v Sam>I drink too much, and my wife is worried.</v>

00:00:09.000 --> 00:00:12.000
<v Dr. Martin>So your drinking worries the people you love.</v>

00:00:11.500 --> 00:00:15.000
<v Sam>Yes. I want to cut down.</v>
"""


@pytest.fixture
def session_file(tmp_path: Path) -> Path:
    path = tmp_path / "session.vtt"
    path.write_text(SESSION_VTT, encoding="utf-8")
    return path


def test_code_writes_one_row_per_turn(
    session_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "coded.csv"
    assert main(["transcripts", "code", str(session_file), "-o", str(output)]) == 0
    rows = list(csv.DictReader(output.open(encoding="utf-8")))
    assert [row["speaker"] for row in rows] == ["therapist", "client", "therapist", "client"]
    assert rows[0]["behaviour"] == "question"
    assert rows[0]["miti"] in {"question_open", "question_closed"}
    assert rows[1]["client_talk"] in {"change", "neutral", "sustain"}
    assert rows[1]["miti"] == ""
    question = float(rows[0]["p_miti_question_open"]) + float(rows[0]["p_miti_question_closed"])
    assert question == pytest.approx(float(rows[0]["p_behaviour_question"]), abs=1e-3)
    assert len(rows[0]) == len(set(rows[0]))  # no duplicate column names
    assert "Dr. Martin" in capsys.readouterr().err  # the suggested therapist is announced


def test_code_a_role_csv_keeps_its_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "in.csv"
    path.write_text(
        "conversation,utterance,speaker,text\nA,7,therapist,How are you?\nA,8,client,Fine.\n"
    )
    assert main(["transcripts", "code", str(path)]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert [(r["conversation"], r["utterance"], r["speaker"]) for r in rows] == [
        ("A", "7", "therapist"),
        ("A", "8", "client"),
    ]


def test_summary_prints_indicators(session_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["transcripts", "summary", str(session_file), "--therapist", "Dr. Martin"]) == 0
    summary = json.loads(capsys.readouterr().out)
    indicators = summary["indicators"]
    assert summary["language"] == "en"
    assert indicators["reflection_to_question"]["reference"]["good"] == 2.0
    assert indicators["overlaps"]["value"] == 1
    assert indicators["therapist_share_of_time"]["value"] is not None


def test_evaluate_the_french_set(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["transcripts", "evaluate", str(FRENCH_SET), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["language"] == "fr"
    assert set(report) >= {"behaviour", "miti", "client_talk"}


def test_bad_input_exits_with_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.5")
    assert main(["transcripts", "code", str(path)]) == 2
    assert "not supported" in capsys.readouterr().err
    assert main(["transcripts", "summary", str(tmp_path / "missing.vtt")]) == 2
    assert main(["transcripts", "code", str(tmp_path / "scan.pdf"), "--therapist", "X"]) == 2
