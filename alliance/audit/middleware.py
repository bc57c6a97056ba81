"""Makes the current request's address and user known to the audit trail."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from alliance.audit import context


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, from the headers the deployment says to trust."""
    for header in settings.AXES_IPWARE_META_PRECEDENCE_ORDER:
        value = request.META.get(header)
        if value:
            # X-Forwarded-For lists the client first, then each proxy.
            return str(value).split(",")[0].strip() or None
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
