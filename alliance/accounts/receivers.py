"""Sign-ins, sign-outs and failed attempts go to the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from alliance.accounts.models import User
from alliance.audit.log import record


@receiver(user_logged_in)
def record_sign_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    record("accounts.signed_in", by=user, target=user, clinic_id=user.clinic.uuid)


@receiver(user_logged_out)
def record_sign_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None and user.is_authenticated:
        record("accounts.signed_out", by=user, target=user, clinic_id=user.clinic.uuid)


@receiver(user_login_failed)
def record_failed_sign_in(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    # The attempted address is kept as it was typed, whether or not it exists:
    # this trail is for the clinic's security, never shown to the person.
    record(
        "accounts.sign_in_failed",
        by=None,
        data={"email": str(credentials.get("username", ""))[:254]},
    )
