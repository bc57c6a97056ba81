"""Assertions shared by the accounts, audit and web tests."""

from __future__ import annotations

import html
import re
from typing import Any

from django.contrib.messages import get_messages
from django.http import HttpResponseBase
from django.utils import translation
from django.utils.translation import gettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.accounts.models import Clinic, Installation, Invitation, User
from alliance.audit.models import AuditEvent


def french(message: str) -> str:
    """The French catalogue's translation of ``message``; fails if there is none."""
    with translation.override("fr"):
        translated = gettext(message)
    assert translated != message, f"No French translation (is the catalogue compiled?): {message!r}"
    return translated


def page_text(response: HttpResponseBase) -> str:
    """The response body with HTML entities decoded, as a person reads it."""
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


def comparable_page(response: HttpResponseBase) -> str:
    """The page without what differs on every request (CSRF tokens, CSP nonces)."""
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "CSRF", page_text(response))
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", text)
    return re.sub(r'nonce="[^"]+"', "NONCE", text)


def messages_of(response: HttpResponseBase) -> list[str]:
    """The flash messages queued by the request, as text."""
    return [str(message) for message in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def actions_recorded() -> list[str]:
    return list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True))


def database_snapshot(*, audit: bool = True) -> dict[str, Any]:
    """What "nothing changed" compares: people, clinics, invitations, devices, audit.

    ``audit=False`` leaves the audit trail out, for refusals that are themselves
    worth recording (a failed sign-in).
    """
    snapshot: dict[str, Any] = {
        "users": list(User.objects.order_by("pk").values()),
        "clinics": list(Clinic.objects.order_by("pk").values()),
        "invitations": list(Invitation.objects.order_by("pk").values()),
        "installations": Installation.objects.count(),
        "devices": list(TOTPDevice.objects.order_by("pk").values()),
    }
    if audit:
        snapshot["audit"] = AuditEvent.objects.count()
    return snapshot
