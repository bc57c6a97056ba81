"""The list of the clinic's waiting-room tablets, and unpairing one."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.checkins.access import kiosk_for_token
from tests.checkins.factories import make_kiosk

pytestmark = pytest.mark.django_db
LIST = reverse("checkins:kiosk_devices")


def test_the_clinics_tablets_are_listed(
    therapist_client: Client, colleague: User, outsider: User
) -> None:
    make_kiosk(by=colleague, name="Salle d'attente")
    make_kiosk(by=outsider, name="Other clinic's tablet")
    response = therapist_client.get(LIST)
    assert response.status_code == 200
    assert "Salle d&#x27;attente" in response.text
    assert "Other clinic" not in response.text


def test_unpairing_stops_the_tablet_at_once(therapist_client: Client, colleague: User) -> None:
    device, token = make_kiosk(by=colleague)
    response = therapist_client.post(reverse("checkins:kiosk_unpair", args=[device.uuid]))
    assert response["Location"] == LIST
    assert kiosk_for_token(token) is None
    assert AuditEvent.objects.filter(action="checkins.kiosk_unpaired").exists()


def test_another_clinic_cannot_unpair(outsider_client: Client, colleague: User) -> None:
    device, token = make_kiosk(by=colleague)
    url = reverse("checkins:kiosk_unpair", args=[device.uuid])
    assert outsider_client.post(url).status_code == 404
    assert kiosk_for_token(token) is not None


def test_unpairing_needs_a_post(therapist_client: Client, colleague: User) -> None:
    device, _ = make_kiosk(by=colleague)
    assert (
        therapist_client.get(reverse("checkins:kiosk_unpair", args=[device.uuid])).status_code
        == 405
    )


def test_supervisors_and_visitors_are_refused(supervisor_client: Client, client: Client) -> None:
    assert supervisor_client.get(LIST).status_code == 403
    assert client.get(LIST).status_code == 302
