"""``manage.py createadmin``: the first administrator from the command line."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from alliance.accounts.models import Installation, User
from tests.accounts.helpers import actions_recorded, database_snapshot
from tests.factories import PASSWORD


@pytest.fixture
def password(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ALLIANCE_TEST_PASSWORD", PASSWORD)
    return PASSWORD


def create(email: str = "Ana@Clinique.example", **options: str) -> str:
    output = StringIO()
    call_command(
        "createadmin",
        clinic=options.get("clinic", "Clinique Ana"),
        name=options.get("name", "Ana Admin"),
        email=email,
        language=options.get("language", "fr"),
        password_from_env=options.get("password_from_env", "ALLIANCE_TEST_PASSWORD"),
        stdout=output,
    )
    return output.getvalue()


def test_it_creates_the_first_administrator(db: None, password: str) -> None:
    output = create()
    user = User.objects.get()
    assert user.email == "ana@clinique.example"
    assert user.is_clinic_administrator
    assert user.clinic.name == "Clinique Ana"
    assert user.language == "fr"
    assert user.check_password(password)
    assert "Created ana@clinique.example" in output
    assert Installation.is_set_up()
    assert actions_recorded() == ["accounts.installation_set_up"]


def test_a_second_administrator_is_refused(db: None, password: str) -> None:
    create()
    before = database_snapshot()
    with pytest.raises(CommandError, match="Alliance is already set up"):
        create(email="second@clinique.example", clinic="Another")
    assert database_snapshot() == before


def test_a_weak_password_is_refused(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEAK", "12345")
    with pytest.raises(CommandError, match="too short"):
        create(password_from_env="WEAK")
    assert not User.objects.exists()
    assert not Installation.is_set_up()


def test_a_missing_password_variable_is_refused(db: None) -> None:
    with pytest.raises(CommandError, match="ALLIANCE_UNSET_VARIABLE is empty or not set"):
        create(password_from_env="ALLIANCE_UNSET_VARIABLE")
    assert not User.objects.exists()


def test_it_asks_for_the_password_twice(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter([PASSWORD, "something else entirely"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    with pytest.raises(CommandError, match="differ"):
        create(password_from_env="")
    assert not User.objects.exists()


def test_an_unknown_language_is_refused(db: None, password: str) -> None:
    with pytest.raises(CommandError, match="invalid choice: 'de'"):
        call_command(
            "createadmin",
            "--clinic=Clinique",
            "--name=Ana",
            "--email=ana@clinique.example",
            "--language=de",
            "--password-from-env=ALLIANCE_TEST_PASSWORD",
        )
    assert not User.objects.exists()
    assert not Installation.is_set_up()
