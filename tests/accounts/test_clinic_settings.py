"""Clinic-wide settings, among them mandatory two-factor authentication."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import Clinic, User
from alliance.audit.models import AuditEvent
from tests.accounts.helpers import database_snapshot, messages_of

URL = reverse("accounts:clinic_settings")


def test_it_shows_the_clinic(administrator_client: Client, clinic: Clinic) -> None:
    response = administrator_client.get(URL)
    assert response.status_code == 200
    assert response.context["form"].instance == clinic


def test_it_saves_and_records_what_changed(administrator_client: Client, clinic: Clinic) -> None:
    response = administrator_client.post(
        URL, {"name": clinic.name, "country": "BE", "require_two_factor": "on"}
    )
    assert response.status_code == 302
    assert messages_of(response) == ["Clinic settings saved."]
    clinic.refresh_from_db()
    assert clinic.country == "BE"
    assert clinic.require_two_factor
    event = AuditEvent.objects.get(action="accounts.clinic_updated")
    assert event.data == {"country": "BE", "require_two_factor": True}
    assert event.clinic_id == clinic.uuid


def test_an_empty_name_is_refused(administrator_client: Client) -> None:
    before = database_snapshot()
    response = administrator_client.post(URL, {"name": "", "country": "FR"})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert database_snapshot() == before


def test_it_changes_only_the_administrators_clinic(
    administrator_client: Client, other_clinic: Clinic
) -> None:
    administrator_client.post(URL, {"name": "Renamed", "country": "FR"})
    other_clinic.refresh_from_db()
    assert other_clinic.name == "Centre Montagne"


def test_it_requires_sign_in(client: Client, db: None) -> None:
    assert client.get(URL)["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["therapist_client", "supervisor_client"])
def test_it_is_for_administrators_only(
    persona: str, request: pytest.FixtureRequest, clinic: Clinic, administrator: User
) -> None:
    client = request.getfixturevalue(persona)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"name": "Hijacked", "country": "FR"}).status_code == 403
    clinic.refresh_from_db()
    assert clinic.name == "Cabinet Rivière"


def test_it_rejects_other_methods(administrator_client: Client) -> None:
    assert administrator_client.delete(URL).status_code == 405
