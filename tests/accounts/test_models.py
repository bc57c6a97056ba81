"""Model behaviour: people, roles, sessions, invitations, the installation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from alliance.accounts.models import Clinic, Installation, Invitation, Role, User
from tests.factories import make_invitation, make_user


def test_addresses_are_stored_in_lower_case(clinic: Clinic) -> None:
    user = make_user(clinic=clinic, email="  Mixed.Case@Riviere.EXAMPLE ")
    assert user.email == "mixed.case@riviere.example"


def test_an_address_is_unique_whatever_its_case(therapist: User, clinic: Clinic) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("THEO@riviere.example", "x", clinic=clinic)


@pytest.mark.parametrize(
    ("flags", "roles"),
    [
        ({"is_therapist": True}, [Role.THERAPIST]),
        (
            {"is_clinic_administrator": True, "is_supervisor": True, "is_therapist": False},
            [Role.ADMINISTRATOR, Role.SUPERVISOR],
        ),
        ({"is_therapist": False}, []),
    ],
)
def test_roles_follow_the_flags(clinic: Clinic, flags: dict[str, bool], roles: list[Role]) -> None:
    user = User(clinic=clinic, email="x@example.org", **flags)
    assert user.roles == roles
    assert all(user.has_role(role) for role in roles)


def test_a_new_session_epoch_invalidates_the_session_hash(therapist: User) -> None:
    import uuid

    before = therapist.get_session_auth_hash()
    therapist.session_epoch = uuid.uuid4()
    assert therapist.get_session_auth_hash() != before


def test_a_new_password_invalidates_the_session_hash(therapist: User) -> None:
    before = therapist.get_session_auth_hash()
    therapist.set_password("another long passphrase")
    assert therapist.get_session_auth_hash() != before


def test_an_invitation_knows_its_state(administrator: User, therapist: User) -> None:
    invitation = make_invitation(clinic=administrator.clinic, by=administrator)
    states = [invitation.state]
    assert invitation.expires_at > timezone.now() + timedelta(days=6)
    invitation.expires_at = timezone.now()
    states.append(invitation.state)
    invitation.revoked_at = timezone.now()
    states.append(invitation.state)
    invitation.revoked_at, invitation.accepted_at = None, timezone.now()
    states.append(invitation.state)
    assert states == ["pending", "expired", "revoked", "accepted"]


def test_pending_leaves_out_used_withdrawn_and_expired_invitations(administrator: User) -> None:
    clinic = administrator.clinic
    pending = make_invitation(clinic=clinic, by=administrator, token="a")
    make_invitation(clinic=clinic, by=administrator, token="b", revoked_at=timezone.now())
    make_invitation(
        clinic=clinic, by=administrator, token="c", expires_at=timezone.now() - timedelta(1)
    )
    assert list(Invitation.objects.pending()) == [pending]


def test_an_invitation_cannot_be_both_accepted_and_withdrawn(administrator: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_invitation(
            clinic=administrator.clinic,
            by=administrator,
            accepted_at=timezone.now(),
            revoked_at=timezone.now(),
        )


def test_there_is_only_one_installation(db: None) -> None:
    assert not Installation.is_set_up()
    Installation.objects.create()
    assert Installation.is_set_up()
    with pytest.raises(IntegrityError), transaction.atomic():
        Installation.objects.create()
