"""Sessions: add, edit, and mark attended, cancelled or missed."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from alliance.accounts.access import requesting_user, therapist_required
from alliance.care import access, actions
from alliance.care.forms import AttendanceForm, NewSessionForm, SessionForm
from alliance.care.models import Attendance
from alliance.care.views.common import (
    flash_refusal,
    form_page,
    show_refusal,
    to_patient,
)
from alliance.errors import ActionRefused
from alliance.web.htmx import HtmxHttpRequest


@therapist_required
@require_http_methods(["GET", "POST"])
def add_session(request: HttpRequest, episode_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    episode = access.episode_for(user, episode_uuid)
    form = NewSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_session(
                episode=episode,
                starts_at=form.cleaned_data["starts_at"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                attendance=Attendance(form.cleaned_data["attendance"]),
                by=user,
            )
        except ActionRefused as refusal:
            show_refusal(request, form, refusal)
        else:
            messages.success(request, _("The session was added."))
            return to_patient(episode.patient, "sessions")
    return form_page(
        request, form=form, patient=episode.patient, title=_("Add a session"), submit=_("Add")
    )


@therapist_required
@require_http_methods(["GET", "POST"])
def edit_session(request: HttpRequest, session_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    session = access.session_for(user, session_uuid)
    initial = {"starts_at": session.starts_at, "duration_minutes": session.duration_minutes}
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_session(
                session=session,
                starts_at=form.cleaned_data["starts_at"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                by=user,
            )
        except ActionRefused as refusal:
            show_refusal(request, form, refusal)
        else:
            messages.success(request, _("The session was changed."))
            return to_patient(session.episode.patient, "sessions")
    return form_page(
        request,
        form=form,
        patient=session.episode.patient,
        title=_("Change the session"),
        submit=_("Save"),
    )


@therapist_required
@require_POST
def set_attendance(request: HtmxHttpRequest, session_uuid: uuid.UUID) -> HttpResponse:
    """One click in the sessions table; htmx swaps the row, without htmx the page reloads."""
    user = requesting_user(request)
    session = access.session_for(user, session_uuid)
    form = AttendanceForm(request.POST)
    refusal: ActionRefused | None = None
    if not form.is_valid():
        refusal = ActionRefused(_("Choose attended, cancelled or missed."), code="bad_choice")
    else:
        try:
            actions.set_attendance(
                session=session, attendance=Attendance(form.cleaned_data["attendance"]), by=user
            )
        except ActionRefused as error:
            refusal = error
    if request.htmx:
        context = {"session": session, "episode": session.episode, "refusal": refusal}
        return render(request, "care/session_row.htmx.html", context)
    if refusal is not None:
        flash_refusal(request, refusal)
    return to_patient(session.episode.patient, "sessions")
