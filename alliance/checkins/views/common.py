"""What every check-in view shares: the patient link decorator and private headers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_htmx.http import HttpResponseClientRedirect

from alliance.accounts import languages
from alliance.checkins import access, actions
from alliance.checkins.models import CheckinLink, LinkState

KIOSK_COOKIE = "alliance_kiosk"
#: How often a tablet asks whether a check-in was sent to it.
KIOSK_POLL_SECONDS = 3

PatientView = Callable[..., HttpResponseBase]


def private(response: HttpResponseBase) -> HttpResponseBase:
    """Headers of every page reached with a patient's token."""
    response["Cache-Control"] = "no-store"
    # Not "no-referrer": under it, browsers send "Origin: null" with form posts
    # (Fetch standard, "serialize a request origin"), which Django's CSRF check
    # rightly refuses. "same-origin" still never sends the token elsewhere.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def link_problem(request: HttpRequest, message: Any, status: int) -> HttpResponse:
    return render(
        request, "checkins/patient/link_problem.html", {"message": message}, status=status
    )


def _activate_language(request: HttpRequest, link: CheckinLink) -> None:
    # The patient's own choice on this device wins; otherwise their preferred language.
    if languages.cookie_language(request) is None:
        languages.speak(request, link.patient.preferred_language)


UNUSABLE = {
    LinkState.EXPIRED: _("This link has expired. Ask your therapist for a new one."),
    LinkState.REVOKED: _(
        "This link was withdrawn by your therapist. Ask them for a new one if you need it."
    ),
}


def patient_page(view: PatientView) -> PatientView:
    """Resolve the token to its link, refuse unusable links clearly, add private headers.

    The view receives the link: everything it shows must start from it.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
        link = _find(token)
        if link is None:
            message = _(
                "This link is not valid. Check that you opened the whole link from your "
                "email, or ask your therapist for a new one."
            )
            return private(link_problem(request, message, 404))
        _activate_language(request, link)
        if link.is_kiosk and link.is_idle():
            # Left unfinished on the tablet: closed now, whatever the stale page asks.
            actions.close_idle_kiosk_link(link=link)
        if link.is_kiosk and link.state != LinkState.USABLE:
            return private(to_kiosk_home(request))
        if link.state in UNUSABLE:
            return private(link_problem(request, UNUSABLE[LinkState(link.state)], 410))
        if not link.session.episode.is_open:
            message = _(
                "Your therapist has closed this follow-up, so this link no longer takes "
                "answers. Thank you for everything you shared."
            )
            return private(link_problem(request, message, 410))
        return private(view(request, link, token, *args, **kwargs))

    return wrapped


def to_kiosk_home(request: HttpRequest) -> HttpResponseBase:
    """Back to the tablet's neutral screen, from a page or from an htmx request.

    An htmx request (an autosave) would follow a plain redirect inside the page
    and show the neutral screen in the save status: it gets HX-Redirect instead.
    """
    if request.headers.get("HX-Request"):
        return HttpResponseClientRedirect(reverse("checkins:kiosk_home"))
    return redirect("checkins:kiosk_home")


def _find(token: str) -> CheckinLink | None:
    from django.http import Http404

    try:
        return access.link_for_token(token)
    except Http404:
        return None
