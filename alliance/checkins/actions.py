"""Every change made by check-ins: links, answers, submission, mirror ratings,
safety alerts, monitoring plans, kiosks, and what patients say from their link.

Keyword-only arguments, an explicit actor (``by=`` a clinic member, or
``link=`` for a patient), one transaction, and the audit record in it: UUIDs
and codes only, never a name or free text.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import Clinic, User
from alliance.audit.log import record
from alliance.care import actions as care_actions
from alliance.care.models import Attendance, FrameVersion, Goal, Patient, Session, Task
from alliance.checkins import flow, mail
from alliance.checkins.models import (
    KIOSK_LINK_VALIDITY,
    Channel,
    Checkin,
    CheckinLink,
    CheckinScore,
    CheckinStatus,
    EmailStatus,
    KioskDevice,
    LinkState,
    MonitoringPlan,
    Respondent,
    Response,
    SafetyAlert,
    TaskObjection,
    hash_token,
    new_token,
)
from alliance.errors import ActionRefused
from alliance.science.instruments import get_instrument

logger = logging.getLogger(__name__)

PATIENT_LINK = "patient_link"
THERAPIST_INSTRUMENT = "alliance-checkin-therapist"


def _audit(
    action: str,
    *,
    by: User | None,
    target: Any,
    patient: Patient,
    data: Mapping[str, Any] | None = None,
) -> None:
    via = {} if by is not None else {"via": PATIENT_LINK}
    record(
        f"checkins.{action}",
        by=by,
        target=target,
        clinic_id=patient.clinic.uuid,
        data={"patient": str(patient.uuid), **via, **(data or {})},
    )


def _require_open_episode(session: Session) -> None:
    if not session.episode.is_open:
        raise ActionRefused(
            _("This episode of care is closed, so it takes no more check-ins."),
            code="episode_closed",
        )


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


def _refuse_unusable(link: CheckinLink) -> None:
    messages = {
        LinkState.REVOKED: _(
            "This link was withdrawn by your therapist. Ask them for a new one if you need it."
        ),
        LinkState.EXPIRED: _("This link has expired. Ask your therapist for a new one."),
    }
    if link.state in messages:
        raise ActionRefused(messages[link.state], code=link.state)


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
        if session.checkin_links.exists():
            return None
        link, token = create_link(session=session, channel=Channel.AUTOMATIC, by=None)
    return _email_link(link, token)


# --- The patient's check-in -------------------------------------------------------


@transaction.atomic
def start_checkin(*, link: CheckinLink) -> Checkin:
    """The session's patient check-in, started on first use of any of its links."""
    existing = Checkin.objects.filter(session=link.session, respondent=Respondent.PATIENT).first()
    if existing is not None:
        return existing
    _refuse_unusable(link)
    _require_open_episode(link.session)
    plan = plan_for(link.patient)
    try:
        with transaction.atomic():
            checkin = Checkin.objects.create(
                patient=link.patient,
                session=link.session,
                respondent=Respondent.PATIENT,
                link=link,
                language=link.patient.preferred_language,
                measures=measures_due(link.patient, plan),
            )
    except IntegrityError:  # another tab started it at the same moment
        return Checkin.objects.get(session=link.session, respondent=Respondent.PATIENT)
    _audit("checkin_started", by=None, target=checkin, patient=link.patient)
    return checkin


@dataclass
class SaveResult:
    saved: list[str] = field(default_factory=list)
    errors: dict[str, str | Promise] = field(default_factory=dict)
    alerts: list[SafetyAlert] = field(default_factory=list)


def _refuse_if_submitted(checkin: Checkin) -> None:
    if checkin.is_submitted:
        raise ActionRefused(
            _("You have already sent this check-in. Thank you: nothing more is needed."),
            code="already_submitted",
        )


def _upsert(checkin: Checkin, step: flow.Step, item_id: str, answer: float | str | None) -> None:
    lookup: dict[str, Any] = {
        "checkin": checkin,
        "instrument_id": step.instrument_id,
        "subject_uuid": step.subject_uuid,
        "item_id": item_id,
    }
    if answer is None:
        Response.objects.filter(**lookup).delete()
        return
    Response.objects.update_or_create(
        **lookup,
        defaults={
            "instrument_version": step.instrument.version,
            "value": answer if isinstance(answer, float) else None,
            "text": answer if isinstance(answer, str) else "",
            "answered_at": timezone.now(),
        },
    )


def _parse_step(step: flow.Step, raw: Mapping[str, str], result: SaveResult) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for item in step.items:
        value = raw.get(item.id)
        if value is None or (value == "" and item.response.is_numeric):
            continue
        try:
            parsed[item.id] = flow.parse_answer(item, value)
        except flow.InvalidAnswerError as problem:
            result.errors[item.id] = problem.message
    return parsed


def _store_step(checkin: Checkin, step: flow.Step, parsed: dict[str, Any]) -> list[str]:
    saved = flow.step_answers(step, flow.answers_of(checkin))
    merged = {**saved, **parsed}
    for item in step.items:
        if item.id in parsed:
            _upsert(checkin, step, item.id, parsed[item.id] if parsed[item.id] != "" else None)
        if not flow.is_enabled(item, merged) and item.id in saved:
            _upsert(checkin, step, item.id, None)  # "no tension" clears its follow-ups
    return list(parsed)


@transaction.atomic
def save_answers(
    *, checkin: Checkin, step: flow.Step, answers: Mapping[str, str], link: CheckinLink
) -> SaveResult:
    """Save what the patient answered on one step (every autosave and every "Next").

    Valid answers are kept even when another answer on the step is invalid,
    so no answer is lost; a safety item is checked as soon as it is saved.
    """
    checkin = Checkin.objects.select_for_update().get(pk=checkin.pk)
    _refuse_if_submitted(checkin)
    _refuse_unusable(link)
    _require_open_episode(checkin.session)
    result = SaveResult()
    if step.instrument_id:
        parsed = _parse_step(step, answers, result)
        result.saved = _store_step(checkin, step, parsed)
    checkin.last_step = step.key
    checkin.save(update_fields=["last_step"])
    result.alerts = _raise_safety_alerts(checkin, step)
    _audit(
        "answers_saved",
        by=None,
        target=checkin,
        patient=checkin.patient,
        data={"step": step.kind, "instrument": step.instrument_id, "count": len(result.saved)},
    )
    return result


def _raise_safety_alerts(checkin: Checkin, step: flow.Step) -> list[SafetyAlert]:
    if not step.instrument_id or not step.instrument.safety:
        return []
    saved = flow.step_answers(step, flow.answers_of(checkin))
    alerts = []
    for rule in step.instrument.safety:
        value = saved.get(rule.item)
        if isinstance(value, float) and value > rule.above:
            alerts.append(_raise_alert(checkin, step.instrument_id, rule.id, value))
    return alerts


def _raise_alert(checkin: Checkin, instrument_id: str, rule_id: str, value: float) -> SafetyAlert:
    alert, created = SafetyAlert.objects.get_or_create(
        checkin=checkin,
        instrument_id=instrument_id,
        rule_id=rule_id,
        defaults={"patient": checkin.patient, "value": value},
    )
    if created:
        _audit(
            "safety_alert_raised",
            by=None,
            target=alert,
            patient=checkin.patient,
            data={"instrument": instrument_id, "rule": rule_id},
        )
        from alliance.checkins.tasks import email_safety_alert

        alert_uuid = str(alert.uuid)
        transaction.on_commit(lambda: email_safety_alert.enqueue(alert_uuid))
    return alert


def first_unanswered(checkin: Checkin, steps: list[flow.Step]) -> flow.Step:
    saved = flow.answers_of(checkin)
    for step in steps:
        if step.instrument_id and flow.missing_in(step, flow.step_answers(step, saved)):
            return step
    return steps[-1]


@transaction.atomic
def submit_checkin(*, checkin: Checkin, link: CheckinLink) -> Checkin:
    """Send the check-in: scores are stored; a second submit changes nothing.

    The row is locked so that two submissions racing each other record one
    check-in; the second one finds it sent and returns it as it is.
    """
    checkin = (
        Checkin.objects.select_for_update().select_related("session__episode").get(pk=checkin.pk)
    )
    if checkin.is_submitted:
        return checkin
    _refuse_unusable(link)
    _require_open_episode(checkin.session)
    steps = flow.steps_for(checkin)
    missing = first_unanswered(checkin, steps)
    if missing.key != flow.SEND:
        raise ActionRefused(
            _("A few questions still need an answer. We took you back to the first one."),
            code=f"missing:{missing.key}",
        )
    _store_scores(checkin, steps)
    checkin.status, checkin.submitted_at = CheckinStatus.SUBMITTED, timezone.now()
    checkin.save(update_fields=["status", "submitted_at"])
    if link.is_kiosk:
        # A tablet's link is used once: nothing of the patient stays reachable on it.
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    _audit("checkin_submitted", by=None, target=checkin, patient=checkin.patient)
    _refresh_signals_after_commit(checkin)
    return checkin


def _refresh_signals_after_commit(checkin: Checkin) -> None:
    """Update the patient's signals and repairs from the scores just stored.

    After the commit, and robustly: an error in the signal engine is logged
    and can never lose or block the answers that were just sent.
    """
    from alliance.monitoring.actions import refresh_patient_signals  # monitoring reads checkins

    transaction.on_commit(
        lambda: refresh_patient_signals(patient=checkin.patient, at_checkin=checkin), robust=True
    )


PILLAR_COLUMNS = ("goal", "task", "bond", "overall")


def _score_row(checkin: Checkin, instrument_id: str, subject: Any, answers: dict[str, Any]) -> None:
    instrument = get_instrument(instrument_id)
    score = instrument.score(answers)
    pillars = {p: score.subscales.get(p) for p in PILLAR_COLUMNS if p in score.subscales}
    if instrument_id in (flow.GOAL_RATING, flow.TASK_RATING):
        pillars = {"goal" if instrument_id == flow.GOAL_RATING else "task": score.total}
    tension = answers.get("tension")
    CheckinScore.objects.update_or_create(
        checkin=checkin,
        instrument_id=instrument_id,
        subject_uuid=subject,
        defaults={
            "instrument_version": instrument.version,
            "total": score.total,
            **pillars,
            "tension": tension if isinstance(tension, float) else None,
            "tension_intensity": answers.get("tension_intensity"),
            "subscales": dict(score.subscales.items()),
            "band": score.band.id if score.band else "",
            "problem": score.problem.code if score.problem else "",
            "scored_at": timezone.now(),
        },
    )


def _store_scores(checkin: Checkin, steps: list[flow.Step]) -> None:
    grouped: dict[tuple[str, Any], dict[str, Any]] = {}
    for response in checkin.responses.all():
        if response.value is not None:
            key = (response.instrument_id, response.subject_uuid)
            grouped.setdefault(key, {})[response.item_id] = response.value
    for (instrument_id, subject), answers in grouped.items():
        _score_row(checkin, instrument_id, subject, answers)


# --- The therapist's mirror rating ---------------------------------------------


@transaction.atomic
def rate_session(*, session: Session, answers: Mapping[str, str], by: User) -> Checkin:
    """The therapist's own rating of the same session; rating again replaces it."""
    _require_open_episode(session)
    instrument = get_instrument(THERAPIST_INSTRUMENT)
    checkin, created = Checkin.objects.select_for_update().get_or_create(
        session=session,
        respondent=Respondent.THERAPIST,
        defaults={"patient": session.episode.patient, "by": by, "language": "en"},
    )
    step = flow.Step(
        "mirror", "mirror", THERAPIST_INSTRUMENT, tuple(i.id for i in instrument.items)
    )
    result = SaveResult()
    parsed = _parse_step(step, answers, result)
    missing = [i.id for i in instrument.items if i.response.is_numeric and i.id not in parsed]
    missing = [m for m in missing if flow.is_enabled(instrument.item(m), parsed)]
    if result.errors or missing:
        raise ActionRefused(
            _("Rate each line from 0 to 10 and say whether there was tension, then save."),
            code="incomplete",
        )
    for item in instrument.items:
        value = parsed.get(item.id)
        enabled = flow.is_enabled(item, parsed)
        _upsert(checkin, step, item.id, value if enabled and value != "" else None)
    checkin.by = by
    checkin.status, checkin.submitted_at = CheckinStatus.SUBMITTED, timezone.now()
    checkin.save(update_fields=["by", "status", "submitted_at"])
    _store_scores(checkin, [step])
    _refresh_signals_after_commit(checkin)
    _audit(
        "mirror_rated" if created else "mirror_rerated",
        by=by,
        target=checkin,
        patient=session.episode.patient,
    )
    return checkin


# --- Safety alerts ----------------------------------------------------------------


@transaction.atomic
def acknowledge_alert(*, alert: SafetyAlert, by: User) -> None:
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = timezone.now(), by
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        _audit("safety_alert_acknowledged", by=by, target=alert, patient=alert.patient)


@transaction.atomic
def mark_alert_emailed(*, alert: SafetyAlert) -> None:
    alert.email_sent_at = timezone.now()
    alert.save(update_fields=["email_sent_at"])
    record(
        "checkins.safety_alert_emailed",
        by=None,
        target=alert,
        clinic_id=alert.patient.clinic.uuid,
        data={"patient": str(alert.patient.uuid), "via": "mailer"},
    )


# --- From the patient's own space ----------------------------------------------


@transaction.atomic
def record_patient_view(*, link: CheckinLink, page: str) -> None:
    """A patient opened a page of their own data through their link: audited like any read."""
    link.last_opened_at = timezone.now()
    link.save(update_fields=["last_opened_at"])
    _audit("patient_page_viewed", by=None, target=link, patient=link.patient, data={"page": page})


@transaction.atomic
def propose_goal(*, link: CheckinLink, wording: str) -> Goal:
    _refuse_unusable(link)
    return care_actions.propose_goal_as_patient(
        episode=link.session.episode, patient_wording=wording, access_link_uuid=link.uuid
    )


@transaction.atomic
def acknowledge_frame(*, link: CheckinLink, frame_version: FrameVersion) -> None:
    _refuse_unusable(link)
    care_actions.acknowledge_frame(frame_version=frame_version, access_link_uuid=link.uuid)


@transaction.atomic
def object_to_task(*, link: CheckinLink, task: Task, reason: str) -> TaskObjection:
    """The patient says a task does not fit them, with a reason (required)."""
    _refuse_unusable(link)
    _require_open_episode(link.session)
    reason = reason.strip()
    if not reason:
        raise ActionRefused(
            _("Say in a few words why this task does not fit you, then send it."),
            code="no_reason",
        )
    if len(reason) > 2000:
        raise ActionRefused(
            _("Your text is too long. Shorten it to %(limit)s characters or fewer.")
            % {"limit": 2000},
            code="too_long",
        )
    objection = TaskObjection.objects.create(task=task, link=link, reason=reason)
    _audit("task_objection", by=None, target=task, patient=link.patient)
    return objection


# --- Kiosks -----------------------------------------------------------------------


@transaction.atomic
def pair_kiosk(*, clinic: Clinic, name: str, by: User) -> tuple[KioskDevice, str]:
    name = name.strip()
    if not name:
        raise ActionRefused(_("Give the tablet a name, such as “Waiting room”."), code="no_name")
    token = new_token()
    device = KioskDevice.objects.create(
        clinic=clinic, name=name[:80], token_hash=hash_token(token), paired_by=by
    )
    record("checkins.kiosk_paired", by=by, target=device, clinic_id=clinic.uuid)
    return device, token


@transaction.atomic
def unpair_kiosk(*, device: KioskDevice, by: User) -> None:
    if device.revoked_at is None:
        device.revoked_at, device.revoked_by = timezone.now(), by
        device.save(update_fields=["revoked_at", "revoked_by"])
        device.links.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        record("checkins.kiosk_unpaired", by=by, target=device, clinic_id=device.clinic.uuid)


@transaction.atomic
def send_to_kiosk(*, session: Session, device: KioskDevice, by: User) -> CheckinLink:
    """Queue this session's check-in for the tablet; it opens at the tablet's next poll."""
    if not device.is_active or device.clinic_id != session.episode.patient.clinic_id:
        raise ActionRefused(
            _("This tablet is no longer paired. Pair it again from the tablet."),
            code="kiosk_unpaired",
        )
    now = timezone.now()
    device.links.filter(claimed_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    link, _token = create_link(session=session, channel=Channel.KIOSK, by=by, device=device)
    return link


@transaction.atomic
def claim_kiosk_link(*, device: KioskDevice) -> str | None:
    """The tablet takes the check-in waiting for it, if any: its token exists only now."""
    now = timezone.now()
    KioskDevice.objects.filter(pk=device.pk).update(last_seen_at=now)
    link = (
        device.links.select_for_update()
        .filter(claimed_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    if link is None:
        return None
    token = new_token()
    link.token_hash, link.claimed_at = hash_token(token), now
    link.save(update_fields=["token_hash", "claimed_at"])
    _audit("kiosk_link_claimed", by=None, target=link, patient=link.patient, data={"via": "kiosk"})
    return token


def smtp_error_code(error: Exception) -> str:
    """A short code for a mail failure, without the server's text (it may quote the address)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return f"smtp_{codes[0]}" if codes else "smtp_refused"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"smtp_{error.smtp_code}"
    return "mail_unreachable"


@transaction.atomic
def move_to(*, checkin: Checkin, step_key: str) -> None:
    """Remember which screen the patient goes to, so reopening the link resumes there.

    Not audited on its own: it only follows an audited save of the same step.
    """
    Checkin.objects.filter(pk=checkin.pk, status=CheckinStatus.IN_PROGRESS).update(
        last_step=step_key
    )
