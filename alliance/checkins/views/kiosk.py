"""The waiting-room tablet (kiosk mode).

A therapist signed in on the tablet pairs it: that signs them out of the
tablet and leaves a device cookie (a random token; only its hash is stored).
The tablet then shows a neutral screen that looks, every few seconds, for a
check-in a therapist sent to it, opens it, and comes back to the neutral
screen when it is sent. A kiosk link works once: after sending, the page and
the back button lead only to the neutral screen.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.accounts import languages
from alliance.accounts.access import requesting_user, therapist_required
from alliance.checkins import access, actions
from alliance.checkins.forms import KioskPairForm
from alliance.checkins.models import KioskDevice
from alliance.checkins.views.common import (
    KIOSK_COOKIE,
    KIOSK_POLL_SECONDS,
    private,
    to_kiosk_home,
)
from alliance.errors import ActionRefused


@therapist_required
@require_http_methods(["GET", "POST"])
def pair(request: HttpRequest) -> HttpResponseBase:
    user = requesting_user(request)
    form = KioskPairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _device, token = actions.pair_kiosk(
                clinic=user.clinic, name=form.cleaned_data["name"], by=user
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal.message))
        else:
            logout(request)  # nobody's account stays open on a shared tablet
            response = redirect("checkins:kiosk_home")
            response.set_cookie(
                KIOSK_COOKIE,
                token,
                max_age=365 * 24 * 3600,
                httponly=True,
                samesite="Strict",
                secure=settings.SESSION_COOKIE_SECURE,
            )
            return response
    return render(request, "checkins/kiosk/pair.html", {"form": form})


def _neutral(request: HttpRequest, template: str) -> HttpResponseBase:
    device = access.kiosk_for_token(request.COOKIES.get(KIOSK_COOKIE))
    context = {
        "paired": device is not None,
        "poll_url": reverse("checkins:kiosk_poll"),
        "seconds": KIOSK_POLL_SECONDS,
    }
    return private(render(request, template, context))


@require_GET
def home(request: HttpRequest) -> HttpResponseBase:
    return _neutral(request, "checkins/kiosk/home.html")


@require_GET
def done(request: HttpRequest) -> HttpResponseBase:
    """Thank the patient in the language they answered in, then forget that language.

    The language is the only thing the page gets from the check-in; the next
    patient starts in their own (see :func:`poll`).
    """
    language = request.GET.get("language", "")
    if languages.is_available(language):
        languages.speak(request, language)
    return _forget_language(_neutral(request, "checkins/kiosk/done.html"))


def _forget_language(response: HttpResponseBase) -> HttpResponseBase:
    """A language chosen on the tablet was one patient's choice, not the next one's."""
    response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, samesite="Lax")
    return response


@require_GET
def poll(request: HttpRequest) -> HttpResponseBase:
    """Open the check-in waiting for this tablet, if any; else stay on the neutral screen.

    htmx polls it from the neutral screen (204: nothing yet), and from a
    check-in on the tablet, so that a check-in the therapist sends replaces one
    left unfinished; without JavaScript, the "Look for my check-in" link gets a
    plain redirect.
    """
    device = access.kiosk_for_token(request.COOKIES.get(KIOSK_COOKIE))
    if _left_idle(request, device):
        return private(to_kiosk_home(request))
    token = _claim(request, device)
    home_url = reverse("checkins:kiosk_home")
    target = reverse("checkins:start", kwargs={"token": token}) if token else home_url
    if not request.headers.get("HX-Request"):
        response: HttpResponseBase = redirect(target)
    elif token or request.GET.get("from") == "done":
        response = HttpResponse(status=204, headers={"HX-Redirect": target})
    else:
        response = HttpResponse(status=204)
    # The patient whose check-in opens speaks their own language, not the previous one's.
    return private(_forget_language(response) if token else response)


def _left_idle(request: HttpRequest, device: KioskDevice | None) -> bool:
    """Close the check-in on screen if it went too long without an answer or a tap.

    The page's own timer normally takes the tablet home first; this is for a
    page whose script did not run. Only a read unless there is one to close.
    """
    if device is None or request.GET.get("from") != "checkin":
        return False
    if not access.kiosk_checkin_idle(device):
        return False
    actions.close_idle_kiosk_links(device=device)
    return True


def _claim(request: HttpRequest, device: KioskDevice | None) -> str | None:
    """The token of the check-in waiting for this tablet, claimed now; None if there is none.

    From a check-in on screen, most polls find nothing: they only read, and
    leave the patient's own saves the only writes.
    """
    if device is None:
        return None
    if request.GET.get("from") == "checkin" and not access.kiosk_link_waiting(device):
        return None
    return actions.claim_kiosk_link(device=device)


@therapist_required
@require_GET
def devices(request: HttpRequest) -> HttpResponse:
    """The clinic's paired tablets, so that a lost or replaced one can be unpaired."""
    user = requesting_user(request)
    tablets = access.kiosks_for(user).select_related("paired_by").order_by("name")
    return render(request, "checkins/kiosk/devices.html", {"tablets": tablets})


@therapist_required
@require_POST
def unpair(request: HttpRequest, device_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    device = access.kiosk_for(user, device_uuid)
    actions.unpair_kiosk(device=device, by=user)
    messages.success(
        request,
        _("The tablet %(name)s is unpaired: it no longer opens anything.") % {"name": device.name},
    )
    return redirect("checkins:kiosk_devices")
