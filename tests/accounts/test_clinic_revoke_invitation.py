"""An administrator withdraws a pending invitation."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import Invitation, User
from tests.accounts.helpers import actions_recorded, database_snapshot, messages_of
from tests.factories import make_invitation


def url(invitation: Invitation | uuid.UUID) -> str:
    key = invitation.uuid if isinstance(invitation, Invitation) else invitation
    return reverse("accounts:clinic_revoke_invitation", args=[key])


@pytest.fixture
def invitation(administrator: User) -> Invitation:
    return make_invitation(clinic=administrator.clinic, by=administrator)


def test_it_withdraws_the_invitation(
    administrator_client: Client, administrator: User, invitation: Invitation
) -> None:
    response = administrator_client.post(url(invitation))
    assert response.status_code == 302
    assert messages_of(response) == ["The invitation was withdrawn."]
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.REVOKED
    assert invitation.revoked_by == administrator
    assert actions_recorded()[-1] == "accounts.invitation_revoked"


def test_an_accepted_invitation_cannot_be_withdrawn(
    administrator_client: Client, invitation: Invitation, therapist: User
) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(
        accepted_at=timezone.now(), accepted_by=therapist
    )
    before = database_snapshot()
    response = administrator_client.post(url(invitation))
    assert messages_of(response) == ["Only a pending invitation can be withdrawn."]
    assert database_snapshot() == before


def test_another_clinics_invitation_is_not_found(
    administrator_client: Client, outsider: User
) -> None:
    elsewhere = make_invitation(clinic=outsider.clinic, by=outsider, token="elsewhere")
    assert administrator_client.post(url(elsewhere)).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.state == Invitation.State.PENDING


def test_an_unknown_id_is_not_found(administrator_client: Client) -> None:
    assert administrator_client.post(url(uuid.uuid4())).status_code == 404


def test_it_requires_sign_in(client: Client, invitation: Invitation) -> None:
    response = client.post(url(invitation))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.PENDING


def test_it_is_for_administrators_only(therapist_client: Client, invitation: Invitation) -> None:
    assert therapist_client.post(url(invitation)).status_code == 403
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.PENDING


def test_it_needs_a_post(administrator_client: Client, invitation: Invitation) -> None:
    assert administrator_client.get(url(invitation)).status_code == 405
