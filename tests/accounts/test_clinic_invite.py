"""An administrator invites a colleague by an emailed link."""

from __future__ import annotations

import re
import smtplib

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import Invitation, Role, User, hash_token
from tests.accounts.helpers import actions_recorded, database_snapshot, french, messages_of

URL = reverse("accounts:clinic_invite")
MEMBERS = reverse("accounts:clinic_members")


def invite(client: Client, email: str = "nina@riviere.example", **extra: str):  # type: ignore[no-untyped-def]
    data = {"email": email, "role": "therapist", "language": "fr", **extra}
    return client.post(URL, data)


def link_in(message: mail.EmailMessage) -> str:
    match = re.search(r"https?://\S+/accounts/invitation/(\S+)/", str(message.body))
    assert match, message.body
    return match.group(1)


def test_it_emails_a_single_use_link(administrator_client: Client, administrator: User) -> None:
    response = invite(administrator_client, "Nina@Riviere.example")
    assert response.status_code == 302
    assert response["Location"] == MEMBERS
    invitation = Invitation.objects.get()
    assert invitation.email == "nina@riviere.example"
    assert invitation.clinic == administrator.clinic
    assert invitation.created_by == administrator
    assert invitation.state == Invitation.State.PENDING
    [message] = mail.outbox
    assert message.to == ["nina@riviere.example"]
    assert invitation.token_hash == hash_token(link_in(message))
    assert messages_of(response) == ["The invitation was sent to nina@riviere.example."]
    assert actions_recorded()[-1] == "accounts.invitation_created"


def test_the_email_is_in_the_language_chosen_for_the_invitee(administrator_client: Client) -> None:
    invite(administrator_client, language="fr")
    invite(administrator_client, "other@riviere.example", language="en")
    french_mail, english_mail = mail.outbox
    assert english_mail.subject == "You are invited to join Cabinet Rivière on Alliance"
    assert french_mail.subject == french("You are invited to join %(clinic)s on Alliance") % {
        "clinic": "Cabinet Rivière"
    }


def test_the_token_is_never_stored(administrator_client: Client) -> None:
    invite(administrator_client)
    token = link_in(mail.outbox[0])
    assert not Invitation.objects.filter(token_hash=token).exists()


def test_inviting_again_withdraws_the_previous_link(administrator_client: Client) -> None:
    invite(administrator_client)
    invite(administrator_client)
    first, second = Invitation.objects.order_by("created_at", "pk")
    assert first.state == Invitation.State.REVOKED
    assert second.state == Invitation.State.PENDING


def test_a_person_with_an_account_is_not_invited(
    administrator_client: Client, colleague: User
) -> None:
    before = database_snapshot()
    response = invite(administrator_client, colleague.email.upper())
    assert response.status_code == 302
    assert messages_of(response) == ["This person already has an Alliance account."]
    assert database_snapshot() == before
    assert not mail.outbox


def test_a_malformed_address_is_explained(administrator_client: Client) -> None:
    before = database_snapshot()
    response = invite(administrator_client, "not-an-address")
    assert messages_of(response) == ["Enter a valid email address."]
    assert database_snapshot() == before


def test_an_unknown_role_is_refused(administrator_client: Client) -> None:
    response = invite(administrator_client, role="owner")
    assert len(messages_of(response)) == 1
    assert not Invitation.objects.exists()


def test_an_unsent_email_shows_the_link_to_pass_on(
    administrator_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise smtplib.SMTPServerDisconnected("mail server down")

    monkeypatch.setattr("alliance.accounts.actions.send_mail", refuse)
    response = invite(administrator_client)
    [message] = messages_of(response)
    assert "the email could not be sent" in message
    assert "/accounts/invitation/" in message
    assert Invitation.objects.get().state == Invitation.State.PENDING


def test_it_requires_sign_in(client: Client, db: None) -> None:
    response = invite(client)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("persona", ["therapist_client", "supervisor_client"])
def test_it_is_for_administrators_only(persona: str, request: pytest.FixtureRequest) -> None:
    response = invite(request.getfixturevalue(persona))
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_it_invites_into_the_administrators_own_clinic_only(
    administrator_client: Client, administrator: User, other_clinic: object
) -> None:
    invite(administrator_client, clinic=str(getattr(other_clinic, "pk", "")))
    assert Invitation.objects.get().clinic == administrator.clinic


def test_it_needs_a_post(administrator_client: Client) -> None:
    assert administrator_client.get(URL).status_code == 405


def test_the_invited_role_is_kept(administrator_client: Client) -> None:
    invite(administrator_client, role="supervisor")
    assert Invitation.objects.get().role == Role.SUPERVISOR


def test_the_email_names_the_inviter_and_the_expiry(administrator_client: Client) -> None:
    invite(administrator_client, language="en")
    body = str(mail.outbox[0].body)
    assert "Adèle Admin invites you to join Cabinet Rivière on Alliance" in body
    assert "The link works once, until" in body
