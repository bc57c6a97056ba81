"""Pages that belong to no domain: home, language choice and error pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from alliance.accounts import actions, languages
from alliance.accounts.access import requesting_user, safe_next_url
from alliance.accounts.models import Installation, User


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        if not Installation.is_set_up():
            return redirect("accounts:setup")
        return redirect("accounts:login")
    user = requesting_user(request)
    # Each person starts where their work is: therapists on their caseload,
    # supervisors on the clinic's figures, administrators on the clinic.
    if user.is_therapist:
        return redirect("monitoring:caseload")
    if user.is_supervisor:
        return redirect("monitoring:clinic")
    return _administration_home(request, user)


def _administration_home(request: HttpRequest, user: User) -> HttpResponse:
    colleagues = User.objects.filter(clinic=user.clinic, is_active=True).exclude(pk=user.pk)
    return render(request, "web/home.html", {"colleague_count": colleagues.count()})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; an unknown one changes nothing."""
    language = request.POST.get("language", "")
    next_url = safe_next_url(request) or "/"
    if language not in dict(settings.LANGUAGES):
        messages.error(request, _("This language is not available. Choose English or French."))
        return redirect(next_url)
    if request.user.is_authenticated:
        actions.set_language(user=requesting_user(request), language=language)
    translation.activate(language)
    response = redirect(next_url)
    languages.remember(response, language)
    return response


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)


@require_safe  # load balancers often probe with HEAD
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers: answers without touching the session or the database."""
    return HttpResponse("ok", content_type="text/plain")
