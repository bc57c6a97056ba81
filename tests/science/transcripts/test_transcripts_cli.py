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


def test_an_unwritable_output_is_a_clean_error(
    session_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "missing" / "dir" / "coded.csv"
    assert main(["transcripts", "code", str(session_file), "-o", str(output)]) == 2
    error = capsys.readouterr().err
    assert "alliance: error:" in error
    assert str(output) in error
    assert "Traceback" not in error


def test_output_onto_a_directory_leaves_no_temporary_file(
    session_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "inside").write_text("x")  # a non-empty directory cannot be replaced
    assert main(["transcripts", "code", str(session_file), "-o", str(target)]) == 2
    assert "alliance: error:" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["session.vtt", "taken"]


def test_evaluate_names_the_real_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("speaker,text\ntherapist,Hello.\n")
    assert main(["transcripts", "evaluate", str(path)]) == 2
    error = capsys.readouterr().err
    assert "bad.csv" in error
    assert "labelled.csv" not in error


def test_the_size_limit_is_said_in_megabytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from alliance.science.transcripts.parsing import MAX_TRANSCRIPT_BYTES

    path = tmp_path / "big.txt"
    with path.open("wb") as file:
        file.truncate(MAX_TRANSCRIPT_BYTES + 1)  # sparse: no 10 MB written
    assert main(["transcripts", "code", str(path)]) == 2
    error = capsys.readouterr().err
    assert "10 MB" in error
    assert "kB" not in error


@pytest.mark.parametrize("action", ["code", "summary"])
def test_one_speaker_is_refused(
    action: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "monologue.txt"
    path.write_text("Anna: I have been thinking.\nAnna: About my drinking.\n")
    assert main(["transcripts", action, str(path)]) == 2
    assert "Only one speaker was found (Anna)" in capsys.readouterr().err
    assert main(["transcripts", action, str(path), "--therapist", "Anna"]) == 2


@pytest.mark.parametrize("action", ["code", "summary"])
def test_a_role_csv_with_one_role_is_refused(
    action: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "in.csv"
    path.write_text("speaker,text\ntherapist,How are you?\nTherapist,And work?\n")
    assert main(["transcripts", action, str(path)]) == 2
    assert "Only one speaker was found (therapist)" in capsys.readouterr().err


ASR_SESSION = "\n".join(
    line
    for _ in range(6)
    for line in (
        "Counsellor: so what brings you here today",
        "Client: well my wife says i drink too much",
        "Counsellor: and what do you think about that",
        "Client: i dont know maybe she is right",
    )
)


def test_summary_warns_about_missing_punctuation(
    session_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["transcripts", "summary", str(session_file)]) == 0
    assert json.loads(capsys.readouterr().out)["warnings"] == []
    path = tmp_path / "asr.txt"
    path.write_text(ASR_SESSION)
    assert main(["transcripts", "summary", str(path)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["warnings"] == ["no_punctuation"]
    assert "punctuation" in captured.err


def test_coded_utterances_are_safe_to_open_in_a_spreadsheet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "in.csv"
    path.write_text(
        "conversation,utterance,speaker,text\n"
        '=A,7,therapist,"=HYPERLINK(""http://evil.example"") how are you?"\n'
        "=A,8,client,- fine.\n"
    )
    assert main(["transcripts", "code", str(path)]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert [(row["conversation"], row["text"][:2]) for row in rows] == [
        ("'=A", "'="),
        ("'=A", "'-"),
    ]
