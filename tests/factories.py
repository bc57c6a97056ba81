"""A factory per model: the smallest valid object, overridable by keyword."""

from __future__ import annotations

import itertools
from typing import Any

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.accounts.models import Clinic, Installation, Invitation, Role, User, hash_token

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


def make_clinic(**fields: Any) -> Clinic:
    fields.setdefault("name", f"Clinic {next(_numbers)}")
    return Clinic.objects.create(**fields)


def make_installation() -> Installation:
    """The row that says the first administrator exists (first-run page closed)."""
    installation, _ = Installation.objects.get_or_create(pk=1)
    return installation


def make_user(
    *, clinic: Clinic | None = None, roles: tuple[Role, ...] = (Role.THERAPIST,), **fields: Any
) -> User:
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


def make_invitation(
    *, clinic: Clinic, by: User, token: str = "invitation-token", **fields: Any
) -> Invitation:
    fields.setdefault("email", f"invitee{next(_numbers)}@example.org")
    return Invitation.objects.create(
        clinic=clinic, created_by=by, token_hash=hash_token(token), **fields
    )


def make_totp_device(*, user: User, confirmed: bool = True, **fields: Any) -> TOTPDevice:
    fields.setdefault("name", "authenticator")
    device: TOTPDevice = TOTPDevice.objects.create(user=user, confirmed=confirmed, **fields)
    return device


def totp_code(device: TOTPDevice, *, drift: int = 0) -> str:
    """The real code an authenticator app shows now (``drift`` steps away) for ``device``."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return str(code).zfill(device.digits)


def wrong_totp_code(device: TOTPDevice) -> str:
    """A well-formed code that no nearby time step of ``device`` accepts."""
    accepted = {totp_code(device, drift=drift) for drift in range(-3, 4)}
    return next(code for code in (f"{n:06d}" for n in range(1_000_000)) if code not in accepted)
