"""Deployment checks of Alliance's own settings, run by ``manage.py check --deploy``.

Django checks its own security settings; these add what only Alliance knows:
emailed links (invitations, check-ins, password resets) are built from
``SITE_URL``, so a production server left on the development default sends
patients and colleagues links to ``http://127.0.0.1:8000``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})


@register(Tags.security, deploy=True)
def check_site_url(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    address = urlsplit(settings.SITE_URL)
    if address.hostname is None or address.hostname in LOCAL_HOSTS:
        return [
            Error(
                f"SITE_URL is {settings.SITE_URL!r}: emailed links (invitations, check-ins, "
                "password resets) would point at this machine, not at your server.",
                hint="Set SITE_URL to the public address, e.g. https://alliance.example.org.",
                id="alliance.E001",
            )
        ]
    if address.scheme != "https":
        return [
            Warning(
                f"SITE_URL {settings.SITE_URL!r} is not https: emailed links would send "
                "patients and colleagues to an unencrypted address.",
                hint="Serve Alliance over TLS and set SITE_URL to its https:// address.",
                id="alliance.W002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_allowed_hosts(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if set(settings.ALLOWED_HOSTS) <= LOCAL_HOSTS | {"testserver"}:
        return [
            Warning(
                "ALLOWED_HOSTS only lists this machine: nobody can reach Alliance by its "
                "public name.",
                hint="Set ALLOWED_HOSTS to the host names people type, comma-separated.",
                id="alliance.W003",
            )
        ]
    return []
