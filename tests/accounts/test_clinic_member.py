"""An administrator changes a colleague's roles, or stops them signing in."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import Role, User
from alliance.audit.models import AuditEvent
from tests.accounts.helpers import database_snapshot, french, messages_of, page_text


def url(member: User | uuid.UUID) -> str:
    member_uuid = member.uuid if isinstance(member, User) else member
    return reverse("accounts:clinic_member", args=[member_uuid])


def test_it_shows_the_colleague(administrator_client: Client, therapist: User) -> None:
    response = administrator_client.get(url(therapist))
    assert response.status_code == 200
    assert therapist.email in page_text(response)
    assert response.context["form"]["roles"].value() == [Role.THERAPIST]


def test_it_changes_roles(administrator_client: Client, therapist: User) -> None:
    response = administrator_client.post(
        url(therapist), {"roles": ["therapist", "supervisor"], "is_active": "on"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:clinic_members")
    assert messages_of(response) == ["Changes saved."]
    therapist.refresh_from_db()
    assert therapist.roles == [Role.SUPERVISOR, Role.THERAPIST]
    event = AuditEvent.objects.get(action="accounts.member_updated")
    assert event.target_id == str(therapist.uuid)
    assert event.data == {
        "before": {"roles": ["therapist"], "is_active": True},
        "after": {"roles": ["supervisor", "therapist"], "is_active": True},
    }


def test_deactivating_signs_the_colleague_out(
    administrator_client: Client, therapist: User, therapist_client: Client
) -> None:
    administrator_client.post(url(therapist), {"roles": ["therapist"]})
    therapist.refresh_from_db()
    assert not therapist.is_active
    assert therapist_client.get(reverse("accounts:profile")).status_code == 302


def test_an_administrator_cannot_demote_themselves(
    administrator_client: Client, administrator: User
) -> None:
    before = database_snapshot()
    response = administrator_client.post(
        url(administrator), {"roles": ["therapist"], "is_active": "on"}
    )
    assert response.status_code == 200
    message = "You cannot remove your own administrator role or deactivate yourself."
    assert message in page_text(response)
    assert database_snapshot() == before
    french_response = administrator_client.post(
        url(administrator), {"roles": ["therapist"]}, headers={"accept-language": "fr"}
    )
    assert french(message) in page_text(french_response)


def test_at_least_one_role_is_needed(administrator_client: Client, therapist: User) -> None:
    before = database_snapshot()
    response = administrator_client.post(url(therapist), {"is_active": "on"})
    assert response.status_code == 200
    assert "roles" in response.context["form"].errors
    assert database_snapshot() == before


def test_another_clinics_member_is_not_found(administrator_client: Client, outsider: User) -> None:
    before = database_snapshot()
    assert administrator_client.get(url(outsider)).status_code == 404
    assert administrator_client.post(url(outsider), {"roles": ["supervisor"]}).status_code == 404
    assert database_snapshot() == before


def test_an_unknown_id_is_not_found(administrator_client: Client) -> None:
    assert administrator_client.get(url(uuid.uuid4())).status_code == 404


def test_a_malformed_id_is_not_found(administrator_client: Client) -> None:
    assert administrator_client.get("/accounts/clinic/members/42/").status_code == 404


def test_it_requires_sign_in(client: Client, therapist: User) -> None:
    response = client.get(url(therapist))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["therapist_client", "supervisor_client"])
def test_it_is_for_administrators_only(
    persona: str, request: pytest.FixtureRequest, colleague: User
) -> None:
    client = request.getfixturevalue(persona)
    assert client.get(url(colleague)).status_code == 403
    assert client.post(url(colleague), {"roles": ["administrator"]}).status_code == 403
    colleague.refresh_from_db()
    assert colleague.roles == [Role.THERAPIST]


def test_it_rejects_other_methods(administrator_client: Client, therapist: User) -> None:
    assert administrator_client.delete(url(therapist)).status_code == 405
