"""Clinic administration: members, invitations and clinic-wide settings."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.accounts import actions
from alliance.accounts.access import colleague_for, invitation_for, requesting_user, role_required
from alliance.accounts.forms import ClinicForm, InvitationForm, MemberForm
from alliance.accounts.handover import pending_handovers
from alliance.accounts.models import Invitation, Role, User
from alliance.errors import ActionRefused


@role_required(Role.ADMINISTRATOR)
@require_GET
def members(request: HttpRequest) -> HttpResponse:
    clinic = requesting_user(request).clinic
    context = {
        "members": User.objects.filter(clinic=clinic).order_by("-is_active", "full_name"),
        "invitations": Invitation.objects.filter(clinic=clinic).pending(),
        "form": InvitationForm(initial={"language": get_language()}),
    }
    return render(request, "accounts/clinic_members.html", context)


@role_required(Role.ADMINISTRATOR)
@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    user = requesting_user(request)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("accounts:clinic_members")
    try:
        invitation, token = actions.invite(
            clinic=user.clinic,
            email=form.cleaned_data["email"],
            role=Role(form.cleaned_data["role"]),
            language=form.cleaned_data["language"],
            by=user,
        )
    except ActionRefused as refusal:
        messages.error(request, str(refusal.message))
        return redirect("accounts:clinic_members")
    if actions.send_invitation_email(invitation, token):
        messages.success(
            request, _("The invitation was sent to %(email)s.") % {"email": invitation.email}
        )
    else:
        messages.warning(
            request,
            _(
                "The invitation was created but the email could not be sent. "
                "Give this link to %(email)s yourself: %(url)s"
            )
            % {"email": invitation.email, "url": actions.invitation_url(token)},
        )
    return redirect("accounts:clinic_members")


@role_required(Role.ADMINISTRATOR)
@require_POST
def revoke_invitation(request: HttpRequest, invitation_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    invitation = invitation_for(user, invitation_uuid)
    try:
        actions.revoke_invitation(invitation=invitation, by=user)
    except ActionRefused as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("The invitation was withdrawn."))
    return redirect("accounts:clinic_members")


@role_required(Role.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def member(request: HttpRequest, member_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    colleague = colleague_for(user, member_uuid)
    initial = {"roles": colleague.roles, "is_active": colleague.is_active}
    form = MemberForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_member(
                member=colleague,
                roles={Role(role) for role in form.cleaned_data["roles"]},
                is_active=form.cleaned_data["is_active"],
                by=user,
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal.message))
        else:
            messages.success(request, _("Changes saved."))
            can_still_work = colleague.is_active and colleague.has_role(Role.THERAPIST)
            if not can_still_work and pending_handovers(colleague):
                # Stay on the page that says what they still hold, and links to the handover.
                return redirect("accounts:clinic_member", member_uuid=colleague.uuid)
            return redirect("accounts:clinic_members")
    context = {
        "form": form,
        "colleague": colleague,
        "handovers": pending_handovers(colleague),
    }
    return render(request, "accounts/clinic_member.html", context)


@role_required(Role.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def clinic_settings(request: HttpRequest) -> HttpResponse:
    user = requesting_user(request)
    form = ClinicForm(request.POST or None, instance=user.clinic)
    if request.method == "POST" and form.is_valid():
        actions.update_clinic(
            clinic=user.clinic,
            name=form.cleaned_data["name"],
            country=form.cleaned_data["country"],
            require_two_factor=form.cleaned_data["require_two_factor"],
            by=user,
        )
        messages.success(request, _("Clinic settings saved."))
        return redirect("accounts:clinic_settings")
    return render(request, "accounts/clinic_settings.html", {"form": form})
