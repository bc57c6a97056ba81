"""The invitation actions, called directly as other code (the demo, a command) would."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance.accounts import actions
from alliance.accounts.models import Invitation, Role, User, hash_token
from alliance.audit.models import AuditEvent
from alliance.errors import ActionRefused
from tests.factories import PASSWORD


def invite(by: User, email: str = "nina@riviere.example") -> tuple[Invitation, str]:
    return actions.invite(clinic=by.clinic, email=email, role=Role.THERAPIST, language="fr", by=by)


def accept(token: str, **fields: str) -> User:
    return actions.accept_invitation(
        token=token,
        full_name=fields.get("full_name", "Nina"),
        password=PASSWORD,
        language=fields.get("language", ""),
    )


def test_invite_stores_only_the_hash_of_the_token(administrator: User) -> None:
    invitation, token = invite(administrator)
    assert invitation.token_hash == hash_token(token) != token
    assert len(token) >= 40
    event = AuditEvent.objects.get(action="accounts.invitation_created")
    assert event.actor_id == administrator.uuid
    assert event.data == {"role": "therapist"}
    assert token not in str(event.data)


def test_each_invitation_gets_its_own_token(administrator: User) -> None:
    _, first = invite(administrator, "a@riviere.example")
    _, second = invite(administrator, "b@riviere.example")
    assert first != second


def test_a_token_works_once(administrator: User) -> None:
    _, token = invite(administrator)
    user = accept(token)
    assert user.clinic == administrator.clinic
    with pytest.raises(ActionRefused) as refusal:
        accept(token, full_name="Someone else")
    assert refusal.value.code == "accepted"
    assert User.objects.filter(email="nina@riviere.example").count() == 1


def test_an_expired_token_is_refused(administrator: User) -> None:
    invitation, token = invite(administrator)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(1))
    with pytest.raises(ActionRefused) as refusal:
        accept(token)
    assert refusal.value.code == "expired"
    assert not User.objects.filter(email="nina@riviere.example").exists()


def test_only_the_newest_link_works(administrator: User) -> None:
    _, old_token = invite(administrator)
    _, new_token = invite(administrator)
    with pytest.raises(ActionRefused) as refusal:
        accept(old_token)
    assert refusal.value.code == "revoked"
    assert accept(new_token).email == "nina@riviere.example"


def test_check_invitation_changes_nothing(administrator: User) -> None:
    invitation, token = invite(administrator)
    assert actions.check_invitation(token) == invitation
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.PENDING


def test_a_withdrawn_invitation_cannot_be_withdrawn_again(administrator: User) -> None:
    invitation, _ = invite(administrator)
    actions.revoke_invitation(invitation=invitation, by=administrator)
    with pytest.raises(ActionRefused):
        actions.revoke_invitation(invitation=invitation, by=administrator)
    assert AuditEvent.objects.filter(action="accounts.invitation_revoked").count() == 1


def test_inviting_again_records_that_the_previous_link_was_withdrawn(
    administrator: User,
) -> None:
    previous, _ = invite(administrator)
    invite(administrator)
    event = AuditEvent.objects.get(action="accounts.invitation_revoked")
    assert event.target_id == str(previous.uuid)
    assert event.actor_id == administrator.uuid
    assert event.data == {"replaced": True}
