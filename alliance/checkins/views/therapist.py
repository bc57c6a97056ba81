"""The therapist's pages: a session's check-in, invitations, the mirror rating,
the "not answered yet" list, safety alerts and the monitoring plan."""

from __future__ import annotations

import uuid
from typing import Any

import segno
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.accounts.access import requesting_user, therapist_required
from alliance.audit.log import record
from alliance.care import access as care_access
from alliance.care.models import Goal, GoalStatus, Session
from alliance.checkins import access, actions, mail
from alliance.checkins.answers import patient_answers
from alliance.checkins.forms import PlanForm
from alliance.checkins.instrument_ids import PATIENT_INSTRUMENT, THERAPIST_INSTRUMENT
from alliance.checkins.models import (
    Channel,
    Checkin,
    CheckinScore,
    Respondent,
    SafetyAlert,
    TaskObjection,
)
from alliance.checkins.views.common import private
from alliance.errors import ActionRefused
from alliance.science.instruments import get_instrument, localize


def _to_session(session: Session) -> HttpResponseBase:
    return redirect("checkins:session", session_uuid=session.uuid)


def _mirror_fields(checkin: Checkin | None, language: str) -> list[dict[str, Any]]:
    instrument = get_instrument(THERAPIST_INSTRUMENT)
    saved = {r.item_id: r.answer for r in checkin.responses.all()} if checkin else {}
    fields = []
    for item in instrument.items:
        current = saved.get(item.id)
        current_str = f"{current:g}" if isinstance(current, float) else (current or "")
        if item.options:
            options = [(f"{o.value:g}", localize(o.label, language)) for o in item.options]
        elif item.response.value == "yes_no":
            options = [("1", str(_("Yes"))), ("0", str(_("No")))]
        else:
            options = [(str(v), str(v)) for v in range(11)]
        fields.append(
            {
                "id": item.id,
                "text": localize(item.text, language),
                "free_text": not item.response.is_numeric,
                "options": [(v, label, v == current_str) for v, label in options],
                "current": current_str,
                "conditional": item.enable_when is not None,
            }
        )
    return fields


def _scores(session: Session) -> dict[str, CheckinScore | None]:
    rows = CheckinScore.objects.filter(
        checkin__session=session,
        subject_uuid__isnull=True,
        instrument_id__in=[PATIENT_INSTRUMENT, THERAPIST_INSTRUMENT],
    ).select_related("checkin")
    found: dict[str, CheckinScore | None] = {"patient": None, "therapist": None}
    for row in rows:
        found[row.checkin.respondent] = row
    return found


@therapist_required
@require_GET
def session_page(request: HttpRequest, session_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    session = care_access.session_for(user, session_uuid)
    patient = session.episode.patient
    checkins = {c.respondent: c for c in session.checkins.prefetch_related("responses")}
    scores = _scores(session)
    comparison = [
        (label, getattr(scores["patient"], key, None), getattr(scores["therapist"], key, None))
        for key, label in (
            ("goal", _("Goals")),
            ("task", _("Tasks")),
            ("bond", _("Bond")),
            ("overall", _("Overall")),
        )
    ]
    sent = access.sent_answers_for(user, session)
    context = {
        "session": session,
        "patient": patient,
        "answers": patient_answers(sent, request.LANGUAGE_CODE) if sent else None,
        "links": list(
            session.checkin_links.select_related("device", "patient").order_by("-created_at")
        ),
        "patient_checkin": checkins.get(Respondent.PATIENT),
        "mirror": checkins.get(Respondent.THERAPIST),
        "mirror_fields": _mirror_fields(checkins.get(Respondent.THERAPIST), request.LANGUAGE_CODE),
        "comparison": comparison,
        "alerts": list(SafetyAlert.objects.filter(checkin__session=session)),
        "kiosks": list(access.kiosks_for(user)),
        "proposed_goals": list(
            Goal.objects.filter(
                episode=session.episode, status=GoalStatus.PROPOSED, proposed_by="patient"
            )
        ),
        "objections": list(
            TaskObjection.objects.filter(task__goal__episode=session.episode).select_related("task")
        ),
        "has_email": bool(patient.contact_email),
    }
    return render(request, "checkins/therapist/session.html", context)


@therapist_required
@require_POST
def send_invitation(request: HttpRequest, session_uuid: uuid.UUID) -> HttpResponseBase:
    session = care_access.session_for(requesting_user(request), session_uuid)
    try:
        result = actions.invite_by_email(session=session, by=requesting_user(request))
    except ActionRefused as refusal:
        messages.error(request, str(refusal.message))
        return _to_session(session)
    if result.sent:
        messages.success(request, _("The check-in invitation was sent by email."))
    else:
        messages.error(
            request,
            _(
                "The mail server refused the patient's email address. Check the address in "
                "their record, or show them the QR code to answer in the room."
            ),
        )
    return _to_session(session)


@therapist_required
@require_POST
def show_qr(request: HttpRequest, session_uuid: uuid.UUID) -> HttpResponseBase:
    """A new link shown once as a QR code, to answer on the patient's phone in the room."""
    session = care_access.session_for(requesting_user(request), session_uuid)
    try:
        link, token = actions.create_link(
            session=session, channel=Channel.QR, by=requesting_user(request)
        )
    except ActionRefused as refusal:
        messages.error(request, str(refusal.message))
        return _to_session(session)
    url = mail.link_url(token)
    svg = segno.make(url, error="m").svg_inline(scale=5, title=str(_("Check-in QR code")))
    context = {"session": session, "link": link, "qr_svg": mark_safe(svg), "url": url}
    return private(render(request, "checkins/therapist/qr.html", context))


@therapist_required
@require_POST
def send_to_kiosk(request: HttpRequest, session_uuid: uuid.UUID) -> HttpResponseBase:
    user = requesting_user(request)
    session = care_access.session_for(user, session_uuid)
    try:
        device = access.kiosk_for(user, uuid.UUID(request.POST.get("device", "")))
    except ValueError:
        messages.error(request, _("Choose a tablet, then send the check-in to it."))
        return _to_session(session)
    try:
        actions.send_to_kiosk(session=session, device=device, by=user)
    except ActionRefused as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("The check-in will open on the tablet in a few seconds."))
    return _to_session(session)


@therapist_required
@require_POST
def revoke_link(request: HttpRequest, link_uuid: uuid.UUID) -> HttpResponseBase:
    user = requesting_user(request)
    link = access.link_for(user, link_uuid)
    actions.revoke_link(link=link, by=user)
    messages.success(request, _("The link was withdrawn: it no longer opens anything."))
    return _to_session(link.session)


@therapist_required
@require_POST
def rate_session(request: HttpRequest, session_uuid: uuid.UUID) -> HttpResponseBase:
    user = requesting_user(request)
    session = care_access.session_for(user, session_uuid)
    try:
        actions.rate_session(session=session, answers=request.POST, by=user)
    except ActionRefused as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("Your rating of the session is saved."))
    return _to_session(session)


@therapist_required
@require_GET
def not_answered(request: HttpRequest) -> HttpResponse:
    user = requesting_user(request)
    newest_per_session: dict[int, Any] = {}
    for link in access.not_answered_for(user):
        newest_per_session.setdefault(link.session_id, link)
    links = list(newest_per_session.values())
    record(
        "checkins.not_answered_listed",
        by=user,
        clinic_id=user.clinic.uuid,
        data={"count": len(links)},
    )
    return render(request, "checkins/therapist/not_answered.html", {"links": links})


@therapist_required
@require_POST
def acknowledge_alert(request: HttpRequest, alert_uuid: uuid.UUID) -> HttpResponseBase:
    user = requesting_user(request)
    alert = access.alert_for(user, alert_uuid)
    actions.acknowledge_alert(alert=alert, by=user)
    messages.success(request, _("The safety alert is acknowledged."))
    return _to_session(alert.checkin.session)


@therapist_required
@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest, patient_uuid: uuid.UUID) -> HttpResponse | HttpResponseBase:
    user = requesting_user(request)
    patient = care_access.patient_for(user, patient_uuid)
    current = actions.plan_for(patient)
    form = PlanForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        actions.update_plan(
            patient=patient,
            by=user,
            **{name: form.cleaned_data[name] for name in PlanForm.Meta.fields},
        )
        messages.success(request, _("The check-in schedule is saved."))
        return redirect("checkins:plan", patient_uuid=patient.uuid)
    return render(request, "checkins/therapist/plan.html", {"form": form, "patient": patient})
