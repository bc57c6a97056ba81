"""A factory per model: the smallest valid object, overridable by keyword."""

from __future__ import annotations

import itertools
from typing import Any

from alliance.accounts.models import Clinic, Invitation, Role, User, hash_token

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


def make_clinic(**fields: Any) -> Clinic:
    fields.setdefault("name", f"Clinic {next(_numbers)}")
    return Clinic.objects.create(**fields)


def make_user(*, clinic: Clinic | None = None, roles: tuple[Role, ...] = (Role.THERAPIST,), **fields: Any) -> User:
    number = next(_numbers)
    fields.setdefault("email", f"person{number}@example.org")
    fields.setdefault("full_name", f"Person {number}")
    return User.objects.create_user(
        password=fields.pop("password", PASSWORD),
        clinic=clinic or make_clinic(),
        is_clinic_administrator=Role.ADMINISTRATOR in roles,
        is_supervisor=Role.SUPERVISOR in roles,
        is_therapist=Role.THERAPIST in roles,
        **fields,
    )


def make_invitation(*, clinic: Clinic, by: User, token: str = "invitation-token", **fields: Any) -> Invitation:
    fields.setdefault("email", f"invitee{next(_numbers)}@example.org")
    return Invitation.objects.create(clinic=clinic, created_by=by, token_hash=hash_token(token), **fields)
