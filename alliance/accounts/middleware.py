"""Session safety and personal preferences applied on every request."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_htmx.http import HttpResponseClientRedirect
from django_otp import user_has_device

from alliance.accounts import languages

Handler = Callable[[HttpRequest], HttpResponse]
LAST_ACTIVITY_KEY = "alliance_last_activity"
# Activity is recorded to the minute, so that the session is not rewritten on
# every request of a busy page.
ACTIVITY_RESOLUTION_SECONDS = 60


class IdleTimeoutMiddleware:
    """Sign out a person who left their screen for longer than the timeout."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY, now)
            if now - last > settings.SESSION_IDLE_TIMEOUT_SECONDS:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after %(minutes)d minutes without activity.")
                    % {"minutes": settings.SESSION_IDLE_TIMEOUT_SECONDS // 60},
                )
                return _to_sign_in(request)
            if (
                now - last >= ACTIVITY_RESOLUTION_SECONDS
                or LAST_ACTIVITY_KEY not in request.session
            ):
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


def _to_sign_in(request: HttpRequest) -> HttpResponse:
    login_url = reverse("accounts:login")
    target = f"{login_url}?{urlencode({'next': request.get_full_path()})}"
    if request.headers.get("HX-Request") == "true":
        # A fragment request must not swap the sign-in page into a fragment:
        # htmx follows HX-Redirect with a full page load.
        return HttpResponseClientRedirect(target)
    return redirect(target)


class UserLanguageMiddleware:
    """A signed-in person's chosen language wins over their browser's."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = getattr(request.user, "language", "")
        if language:
            languages.speak(request, language)
        return self.get_response(request)


# Pages a half-signed-in person (password given, second factor not yet) may see.
TWO_FACTOR_EXEMPT = {
    "accounts:two_factor_verify",
    "accounts:two_factor_setup",
    "accounts:logout",
    "web:set_language",
}


class TwoFactorMiddleware:
    """Ask for the second factor, or for enrolment where the clinic requires it."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], *args: Any
    ) -> HttpResponseBase | None:
        user = request.user
        if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]
            return None
        match = request.resolver_match
        if match is None or match.view_name in TWO_FACTOR_EXEMPT:
            return None
        next_query = urlencode({"next": request.get_full_path()})
        if user_has_device(user, confirmed=True):
            return redirect(f"{reverse('accounts:two_factor_verify')}?{next_query}")
        if user.clinic.require_two_factor:
            messages.info(
                request,
                _("Your clinic requires two-factor authentication. Set it up to continue."),
            )
            return redirect("accounts:two_factor_setup")
        return None
