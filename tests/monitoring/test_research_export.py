"""``manage.py export_checkins``: the clinic's check-ins, de-identified, for research."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.care.models import Patient
from alliance.cli.main import main as alliance_main
from tests.care.factories import make_patient
from tests.monitoring.factories import add_checkin


def _export(tmp_path: Path, by: User) -> list[dict[str, str]]:
    output = tmp_path / "checkins.csv"
    call_command("export_checkins", by=by.email, output=str(output))
    with output.open(newline="") as file:
        return list(csv.DictReader(file))


@pytest.fixture
def histories(patient: Patient, other_patient: Patient, therapist: User, colleague: User) -> None:
    for days_ago in (30, 20, 10):
        add_checkin(
            patient,
            days_ago=days_ago,
            bond=7,
            words='=HYPERLINK("http://evil.example") my sister Anna',
            therapist=therapist,
            mirror={"goal": 6, "task": 6, "bond": 6, "overall": 6},
        )
    add_checkin(other_patient, days_ago=5, goal=9, task=9, bond=9)
    make_patient(therapist=therapist)  # no check-in: not in the export


@pytest.mark.usefixtures("histories")
def test_the_export_is_long_format_and_de_identified(
    tmp_path: Path, administrator: User, patient: Patient, therapist: User
) -> None:
    rows = _export(tmp_path, administrator)
    assert len(rows) == 7  # 3 sessions × 2 respondents + 1
    assert {row["patient"] for row in rows} == {"P001", "P002"}
    assert {row["therapist"] for row in rows} == {"T01", "T02"}
    mine = [row for row in rows if row["respondent"] == "therapist"]
    assert [row["session"] for row in mine] == ["1", "2", "3"]
    assert mine[0]["bond"] == "6"
    text = (tmp_path / "checkins.csv").read_text()
    for identifying in (
        patient.display_name,
        str(patient.uuid),
        therapist.full_name,
        therapist.email,
        "Anna",
        "HYPERLINK",
        "20",  # no dates: neither years nor days
    ):
        assert identifying not in text
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())


@pytest.mark.usefixtures("histories")
def test_the_export_is_audited_with_who_made_it(tmp_path: Path, administrator: User) -> None:
    _export(tmp_path, administrator)
    event = AuditEvent.objects.get(action="research.checkins_exported")
    assert event.actor_id == administrator.uuid
    assert event.clinic_id == administrator.clinic.uuid
    assert event.data == {"rows": 7, "patients": 2}


@pytest.mark.usefixtures("histories")
def test_the_alliance_command_reads_the_export(tmp_path: Path, administrator: User) -> None:
    _export(tmp_path, administrator)
    events = tmp_path / "events.csv"
    code = alliance_main(
        [
            "ruptures",
            str(tmp_path / "checkins.csv"),
            "-o",
            str(events),
            "--range",
            "0",
            "10",
            "--reliability",
            "0.8",
        ]
    )
    assert code == 0
    assert events.read_text().startswith("patient,session,dimension,rule")


@pytest.mark.django_db
def test_only_an_administrator_may_export(
    tmp_path: Path, supervisor: User, therapist: User
) -> None:
    for person in (supervisor, therapist):
        with pytest.raises(CommandError, match="not an active clinic administrator"):
            call_command("export_checkins", by=person.email, output=str(tmp_path / "x.csv"))
    assert not (tmp_path / "x.csv").exists()
    assert not AuditEvent.objects.filter(action="research.checkins_exported").exists()


def test_another_clinic_is_not_exported(tmp_path: Path, outsider: User, histories: None) -> None:
    outsider.is_clinic_administrator = True
    outsider.save()
    assert _export(tmp_path, outsider) == []


def test_the_export_goes_through_the_safe_csv_writer(
    tmp_path: Path, administrator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever a future column holds, the file never makes a spreadsheet run a formula."""
    from alliance.monitoring.management.commands import export_checkins as command
    from alliance.monitoring.research import COLUMNS

    row = ["=cmd", "-2", *["@x"] * (len(COLUMNS) - 2)]
    monkeypatch.setattr(command, "export_checkins", lambda **_: [row])
    rows = _export(tmp_path, administrator)
    assert [rows[0][column] for column in COLUMNS[:3]] == ["'=cmd", "-2", "'@x"]
