"""Makes the current request's address and user known to the audit trail."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.ipv6 import clean_ipv6_address

from alliance.audit import context


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, from the headers the deployment says to trust."""
    for header in settings.AXES_IPWARE_META_PRECEDENCE_ORDER:
        value = request.META.get(header)
        if value:
            # X-Forwarded-For lists the client first, then each proxy.
            address = normalised_ip(str(value).split(",")[0].strip())
            if address is not None:
                return address
    return None


def normalised_ip(candidate: str) -> str | None:
    """``candidate`` as the database stores it, or None if it is no address.

    The audit hash covers the address: it must be written exactly as it will
    be read back (``2001:0DB8::0001`` is stored as ``2001:db8::1``), and a
    forged header must not make the insert fail.
    """
    try:
        address = ipaddress.ip_address(candidate)
        return clean_ipv6_address(candidate) if address.version == 6 else str(address)
    except (ValueError, ValidationError):
        return None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = context.bind(ip_address=client_ip(request))
        try:
            return self.get_response(request)
        finally:
            context.reset(token)
