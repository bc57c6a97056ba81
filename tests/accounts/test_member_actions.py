"""update_member: roles and deactivation, never locking a clinic out."""

from __future__ import annotations

import pytest

from alliance.accounts import actions
from alliance.accounts.models import Role, User
from alliance.errors import ActionRefused


def test_deactivation_ends_the_persons_sessions(therapist: User, administrator: User) -> None:
    epoch = therapist.session_epoch
    actions.update_member(
        member=therapist, roles={Role.THERAPIST}, is_active=False, by=administrator
    )
    therapist.refresh_from_db()
    assert not therapist.is_active
    assert therapist.session_epoch != epoch


def test_an_administrator_may_make_a_colleague_administrator(
    therapist: User, administrator: User
) -> None:
    actions.update_member(
        member=therapist,
        roles={Role.ADMINISTRATOR, Role.THERAPIST},
        is_active=True,
        by=administrator,
    )
    therapist.refresh_from_db()
    assert therapist.roles == [Role.ADMINISTRATOR, Role.THERAPIST]


@pytest.mark.parametrize(
    ("roles", "is_active"), [({Role.THERAPIST}, True), ({Role.ADMINISTRATOR}, False)]
)
def test_an_administrator_cannot_lock_themselves_out(
    administrator: User, roles: set[Role], is_active: bool
) -> None:
    with pytest.raises(ActionRefused) as refusal:
        actions.update_member(
            member=administrator, roles=roles, is_active=is_active, by=administrator
        )
    assert refusal.value.code == "self"
    administrator.refresh_from_db()
    assert administrator.is_active
    assert administrator.is_clinic_administrator


def test_a_person_needs_a_role(therapist: User, administrator: User) -> None:
    with pytest.raises(ActionRefused) as refusal:
        actions.update_member(member=therapist, roles=set(), is_active=True, by=administrator)
    assert refusal.value.code == "no_role"
