"""Sign-in, two-factor authentication, invitations and personal settings.

Views parse the request, check who is asking, call an action and render.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.accounts import actions, languages
from alliance.accounts.access import invitation_language, requesting_user, safe_next_url
from alliance.accounts.forms import (
    AcceptInvitationForm,
    FirstAdministratorForm,
    ProfileForm,
    SignInForm,
    TokenForm,
)
from alliance.accounts.models import Installation, User
from alliance.accounts.tasks import send_password_reset_email
from alliance.audit.log import record
from alliance.errors import ActionRefused

BACKEND = "django.contrib.auth.backends.ModelBackend"


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("You are signed out."))
    return redirect("accounts:login")


@require_http_methods(["GET", "POST"])
def set_up(request: HttpRequest) -> HttpResponse:
    """First-run page: creates the clinic and its first administrator, once."""
    if Installation.is_set_up():
        return render(request, "accounts/already_set_up.html", status=409)
    form = FirstAdministratorForm(request.POST or None, initial={"language": get_language()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = actions.set_up_first_administrator(
                clinic_name=data["clinic_name"],
                full_name=data["full_name"],
                email=data["email"],
                password=data["password2"],
                language=data["language"],
            )
        except ActionRefused:
            return render(request, "accounts/already_set_up.html", status=409)
        login(request, user, backend=BACKEND)
        messages.success(request, _("Welcome to Alliance. Your clinic is ready."))
        return redirect("web:home")
    return render(request, "accounts/set_up.html", {"form": form})


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    # Every page of the flow speaks the same language, from the link to the
    # welcome message: the person's choice, else the invitation email's.
    languages.speak(request, _invitation_page_language(request, token))
    try:
        invitation = actions.check_invitation(token)
    except ActionRefused as refusal:
        return _invitation_refused(request, refusal)
    form = AcceptInvitationForm(
        request.POST or None, email=invitation.email, initial={"language": get_language()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.accept_invitation(
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password2"],
                language=form.cleaned_data["language"],
            )
        except ActionRefused as refusal:
            return _invitation_refused(request, refusal)
        login(request, user, backend=BACKEND)
        return _welcome(request, user)
    return render(
        request, "accounts/accept_invitation.html", {"form": form, "invitation": invitation}
    )


def _invitation_page_language(request: HttpRequest, token: str) -> str:
    """The language chosen in the form, else with the language switch, else the email's."""
    posted = request.POST.get("language")
    if posted == "":  # "Same as my browser"
        return languages.browser_language(request)
    if languages.is_available(posted):
        return str(posted)
    return (
        languages.cookie_language(request)
        or invitation_language(token)
        or languages.browser_language(request)
    )


def _invitation_refused(request: HttpRequest, refusal: ActionRefused) -> HttpResponse:
    return render(
        request, "accounts/invitation_invalid.html", {"reason": refusal.message}, status=410
    )


def _welcome(request: HttpRequest, user: User) -> HttpResponse:
    """Greet the new colleague in the language they chose, which the next pages speak too."""
    language = user.language or languages.browser_language(request)
    languages.speak(request, language)
    messages.success(request, _("Welcome to %(clinic)s.") % {"clinic": user.clinic.name})
    response = redirect("web:home")
    if user.language:
        languages.remember(response, user.language)
    return response


class PasswordResetView(auth_views.PasswordResetView):
    """Queues the email and always answers the same way, at the same speed."""

    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        send_password_reset_email.enqueue(
            form.cleaned_data["email"],
            # The configured address, like every emailed link, never the
            # request's Host header (which a sender could choose).
            urlsplit(settings.SITE_URL).netloc,
            urlsplit(settings.SITE_URL).scheme == "https",
            get_language(),
        )
        return redirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    @transaction.atomic  # the new password and its audit record, or neither
    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.user
        record("accounts.password_reset", by=user, target=user, clinic_id=user.clinic.uuid)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:security")

    @transaction.atomic  # the new password and its audit record, or neither
    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.user
        record("accounts.password_changed", by=user, target=user, clinic_id=user.clinic.uuid)
        messages.success(self.request, _("Your password was changed."))
        return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = requesting_user(request)
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        actions.update_profile(
            user=user,
            full_name=form.cleaned_data["full_name"],
            language=form.cleaned_data["language"],
        )
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_GET
def security(request: HttpRequest) -> HttpResponse:
    user = requesting_user(request)
    context = {
        "has_two_factor": user_has_device(user, confirmed=True),
        "two_factor_required": user.clinic.require_two_factor,
        "remove_form": TokenForm(),
    }
    return render(request, "accounts/security.html", context)


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    actions.sign_out_everywhere(user=requesting_user(request))
    logout(request)
    messages.success(request, _("You are signed out on every device, including this one."))
    return redirect("accounts:login")


def _qr_code_svg(device: TOTPDevice) -> str:
    return str(segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#1f2a37"))


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = requesting_user(request)
    if user_has_device(user, confirmed=True):
        messages.info(request, _("Two-factor authentication is already on."))
        return redirect("accounts:security")
    device = actions.start_totp_enrolment(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            actions.confirm_totp_device(user=user, device=device)
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is on."))
            return redirect("accounts:security")
        form.add_error("token", _("This code is not right. Check your app's clock and try again."))
    context = {
        "form": form,
        "qr_code": _qr_code_svg(device),
        "secret": _grouped_secret(device),
    }
    return render(request, "accounts/two_factor_setup.html", context)


def _grouped_secret(device: TOTPDevice) -> str:
    """The secret in base 32 and groups of four, for typing it by hand."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponseBase:
    user = requesting_user(request)
    if user.is_verified() or not user_has_device(user, confirmed=True):  # type: ignore[attr-defined]
        return redirect("web:home")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            record("accounts.two_factor_verified", by=user, target=user, clinic_id=user.clinic.uuid)
            return redirect(safe_next_url(request) or settings.LOGIN_REDIRECT_URL)
        record("accounts.two_factor_failed", by=user, target=user, clinic_id=user.clinic.uuid)
        form.add_error(
            "token", _("This code is not right. Wait for a new code in your app and try again.")
        )
    return render(request, "accounts/two_factor_verify.html", {"form": form})


@login_required
@require_POST
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    user = requesting_user(request)
    form = TokenForm(request.POST)
    if not form.is_valid() or match_token(user, form.cleaned_data["token"]) is None:
        messages.error(request, _("This code is not right. Two-factor authentication is still on."))
        return redirect("accounts:security")
    try:
        actions.remove_two_factor(user=user)
    except ActionRefused as refusal:
        messages.error(request, str(refusal.message))
        return redirect("accounts:security")
    update_session_auth_hash(request, user)
    messages.success(request, _("Two-factor authentication is off."))
    return redirect("accounts:security")
