"""Plans, check-in links, email invitations, reminders and automatic invitations."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import User
from alliance.care.models import Attendance, Patient, Session
from alliance.checkins import mail
from alliance.checkins.actions._common import _audit, _require_open_episode
from alliance.checkins.models import (
    KIOSK_LINK_VALIDITY,
    NO_ADDRESS,
    Channel,
    Checkin,
    CheckinLink,
    CheckinStatus,
    EmailStatus,
    KioskDevice,
    LinkState,
    MonitoringPlan,
    Respondent,
    Response,
    hash_token,
    new_token,
)
from alliance.errors import ActionRefused

# --- Monitoring plan ------------------------------------------------------------


def plan_for(patient: Patient) -> MonitoringPlan:
    """The patient's plan, or the defaults (not saved) when none was chosen."""
    plan = MonitoringPlan.objects.filter(patient=patient).first()
    return plan if plan is not None else MonitoringPlan(patient=patient)


@transaction.atomic
def update_plan(
    *,
    patient: Patient,
    phq9_every_sessions: int,
    gad7_every_sessions: int,
    auto_invite_after_minutes: int | None,
    reminder_after_hours: int,
    by: User,
) -> MonitoringPlan:
    plan, _created = MonitoringPlan.objects.update_or_create(
        patient=patient,
        defaults={
            "phq9_every_sessions": phq9_every_sessions,
            "gad7_every_sessions": gad7_every_sessions,
            "auto_invite_after_minutes": auto_invite_after_minutes,
            "reminder_after_hours": reminder_after_hours,
            "updated_at": timezone.now(),
            "updated_by": by,
        },
    )
    _audit("plan_updated", by=by, target=patient, patient=patient)
    return plan


def measures_due(patient: Patient, plan: MonitoringPlan) -> list[str]:
    """Outcome measures this patient's next check-in asks, by their schedule.

    A measure every N sessions is due when none of the patient's last N − 1
    sent check-ins included it (so the first check-in always does).
    """
    due = []
    for instrument_id, every in plan.measure_every().items():
        recent = Checkin.objects.filter(
            patient=patient, respondent=Respondent.PATIENT, status=CheckinStatus.SUBMITTED
        ).order_by("-submitted_at")[: every - 1]
        answered = Response.objects.filter(
            checkin__in=list(recent), instrument_id=instrument_id
        ).exists()
        if every == 1 or not answered:
            due.append(instrument_id)
    return due


# --- Links ----------------------------------------------------------------------


def _refuse_if_answered(session: Session) -> None:
    if Checkin.objects.filter(
        session=session, respondent=Respondent.PATIENT, status=CheckinStatus.SUBMITTED
    ).exists():
        raise ActionRefused(
            _(
                "The patient has already sent their check-in for this session: "
                "there is nothing more to send."
            ),
            code="already_answered",
        )


@transaction.atomic
def create_link(
    *,
    session: Session,
    channel: Channel,
    by: User | None,
    device: KioskDevice | None = None,
) -> tuple[CheckinLink, str]:
    """A new link to ``session``'s check-in, and its token (shown or sent once, never stored)."""
    _require_open_episode(session)
    if session.is_in_the_future:
        raise ActionRefused(
            _("This session has not started yet. Send the check-in after the session."),
            code="session_in_future",
        )
    if session.attendance in (Attendance.CANCELLED, Attendance.MISSED):
        raise ActionRefused(
            _("This session did not take place, so there is nothing to check in about."),
            code="session_not_held",
        )
    _refuse_if_answered(session)
    token = new_token()
    link = CheckinLink.objects.create(
        patient=session.episode.patient,
        session=session,
        channel=channel,
        token_hash=None if channel == Channel.KIOSK else hash_token(token),
        created_by=by,
        device=device,
        **({"expires_at": timezone.now() + KIOSK_LINK_VALIDITY} if device else {}),
    )
    _audit(
        "link_created",
        by=by,
        target=link,
        patient=link.patient,
        data={
            "session": str(session.uuid),
            "channel": channel,
            "via": "therapist" if by else "worker",
        },
    )
    return link, token


@transaction.atomic
def revoke_link(*, link: CheckinLink, by: User) -> None:
    if link.revoked_at is None:
        link.revoked_at, link.revoked_by = timezone.now(), by
        link.save(update_fields=["revoked_at", "revoked_by"])
        _audit("link_revoked", by=by, target=link, patient=link.patient)


@dataclass(frozen=True)
class InvitationResult:
    link: CheckinLink
    sent: bool
    error: str = ""


def _no_email_address(session: Session) -> None:
    if not session.episode.patient.contact_email:
        raise ActionRefused(
            _(
                "This patient has no email address. Add one to their record, "
                "or show them the QR code."
            ),
            code="no_email",
        )


def invite_by_email(
    *, session: Session, by: User | None, channel: Channel = Channel.EMAIL
) -> InvitationResult:
    """Create a link and email it; the email goes out after the link is saved.

    A refused address (the SMTP server answers 5xx) is recorded on the link,
    and the therapist is told to check it or to use the QR code.
    """
    _refuse_if_answered(session)
    _no_email_address(session)
    link, token = create_link(session=session, channel=channel, by=by)
    return _email_link(link, token)


def _email_link(link: CheckinLink, token: str) -> InvitationResult:
    error = mail.send_checkin_email(link, token, reminder=False)
    record_email_result(link=link, error=error, reminder=False)
    if not error:
        from alliance.checkins.tasks import schedule_reminder

        schedule_reminder(link)
    return InvitationResult(link=link, sent=not error, error=error or "")


@transaction.atomic
def record_email_result(*, link: CheckinLink, error: str | None, reminder: bool) -> None:
    """Record whether the email went out; never "sent" for a patient without an address."""
    if not error and not link.patient.contact_email:
        error = NO_ADDRESS
    now = timezone.now()
    if reminder:
        link.reminder_sent_at = now
        fields = ["reminder_sent_at"]
    else:
        link.emailed_at = now if not error else None
        fields = ["emailed_at"]
    link.email_status = EmailStatus.FAILED if error else EmailStatus.SENT
    link.email_error = error or ""
    if link.email_status == EmailStatus.SENT and link.emailed_at is None:
        link.emailed_at = now
    link.save(update_fields=[*fields, "email_status", "email_error", "emailed_at"])
    _audit(
        "reminder_emailed" if reminder else "link_emailed",
        by=None,
        target=link,
        patient=link.patient,
        data={"status": link.email_status, "error": link.email_error, "via": "mailer"},
    )


def _reminder_due_at(link: CheckinLink) -> datetime | None:
    plan = plan_for(link.patient)
    if not plan.reminder_after_hours or link.emailed_at is None:
        return None
    return link.emailed_at + timedelta(hours=plan.reminder_after_hours)


def send_reminder_if_due(*, link: CheckinLink, now: datetime | None = None) -> bool:
    """Email one reminder, at most, if the check-in is still not sent when it is due.

    It works wherever the patient stopped: the reminder carries a new token
    to the same link, and the link resumes the same check-in.
    """
    now = now or timezone.now()
    due_at = _reminder_due_at(link)
    if due_at is None or now < due_at or link.reminder_sent_at is not None:
        return False
    if link.state != LinkState.USABLE or not link.session.episode.is_open:
        return False
    if not link.patient.contact_email:  # removed since the invitation: nowhere to send it
        return False
    if Checkin.objects.filter(
        session=link.session, respondent=Respondent.PATIENT, status=CheckinStatus.SUBMITTED
    ).exists():
        return False
    token = _add_reminder_token(link)
    error = mail.send_checkin_email(link, token, reminder=True)
    record_email_result(link=link, error=error, reminder=True)
    return not error


@transaction.atomic
def _add_reminder_token(link: CheckinLink) -> str:
    token = new_token()
    link.reminder_token_hash = hash_token(token)
    link.save(update_fields=["reminder_token_hash"])
    return token


def auto_invite_if_due(*, session: Session, now: datetime | None = None) -> InvitationResult | None:
    """The automatic invitation: only when every condition still holds when it runs."""
    now = now or timezone.now()
    plan = plan_for(session.episode.patient)
    if plan.auto_invite_after_minutes is None or not session.episode.is_open:
        return None
    ends_at = session.starts_at + timedelta(minutes=session.duration_minutes)
    if now < ends_at + timedelta(minutes=plan.auto_invite_after_minutes):
        return None
    if session.attendance in (Attendance.CANCELLED, Attendance.MISSED):
        return None
    if not session.episode.patient.contact_email:
        return None
    with transaction.atomic():
        # Locked, so that two runs of the task (two saves of the session) send one email.
        Session.objects.select_for_update().filter(pk=session.pk).first()
        if (
            session.checkin_links.exists()
            or session.checkins.filter(respondent=Respondent.PATIENT).exists()
        ):
            return None
        link, token = create_link(session=session, channel=Channel.AUTOMATIC, by=None)
    return _email_link(link, token)


def smtp_error_code(error: Exception) -> str:
    """A short code for a mail failure, without the server's text (it may quote the address)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return f"smtp_{codes[0]}" if codes else "smtp_refused"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"smtp_{error.smtp_code}"
    return "mail_unreachable"
