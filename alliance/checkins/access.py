"""Who may see what: patients through their link, therapists through the care team.

A patient's link only ever shows its own patient: every query of a patient
page starts from the link. Therapist pages find sessions through the care
app's helpers, which answer 404 for anyone outside the care team.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.log import record
from alliance.care.access import within_care_team
from alliance.care.models import Goal, GoalStatus, Session, Task, TaskStatus
from alliance.checkins.models import (
    Channel,
    Checkin,
    CheckinLink,
    CheckinStatus,
    KioskDevice,
    Respondent,
    SafetyAlert,
    TaskObjection,
    hash_token,
)


def link_for_token(token: str) -> CheckinLink:
    """The link a token opens, whatever its state; 404 for a token nobody issued."""
    if not token or len(token) > 100:
        raise Http404
    link = (
        CheckinLink.objects.for_token(token)
        .select_related("patient__clinic", "session__episode")
        .first()
    )
    if link is None:
        raise Http404
    return link


def patient_checkin(link: CheckinLink) -> Checkin | None:
    return Checkin.objects.filter(session_id=link.session_id, respondent=Respondent.PATIENT).first()


def goals_of(link: CheckinLink) -> QuerySet[Goal]:
    """The goals of the link's episode that the patient may see (not dropped ones)."""
    return link.session.episode.goals.exclude(status=GoalStatus.DROPPED).order_by("proposed_at")


def task_of(link: CheckinLink, task_uuid: uuid.UUID) -> Task:
    task = Task.objects.filter(
        goal__episode_id=link.session.episode_id, status=TaskStatus.OPEN, uuid=task_uuid
    ).first()
    if task is None:
        raise Http404
    return task


def pending_objections_of(link: CheckinLink) -> dict[int, datetime]:
    """When the patient last said each task of the link's episode does not fit them.

    Only objections the therapist has not marked as seen yet: until then, a
    second one would say the same thing again.
    """
    dates: dict[int, datetime] = {}
    for task_id, created_at in TaskObjection.objects.filter(
        task__goal__episode_id=link.session.episode_id, seen_at__isnull=True
    ).values_list("task_id", "created_at"):
        dates[task_id] = max(created_at, dates.get(task_id, created_at))
    return dates


def kiosk_for_token(token: str | None) -> KioskDevice | None:
    if not token or len(token) > 100:
        return None
    return KioskDevice.objects.filter(token_hash=hash_token(token), revoked_at__isnull=True).first()


def kiosk_link_waiting(device: KioskDevice) -> bool:
    """Whether a check-in sent to this tablet waits to be opened (a read, without claiming it)."""
    return device.links.filter(
        claimed_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).exists()


def kiosk_checkin_idle(device: KioskDevice) -> bool:
    """Whether a check-in open on this tablet went too long without an answer or a tap (a read)."""
    return CheckinLink.objects.idle_on_tablet(timezone.now()).filter(device=device).exists()


def kiosks_for(user: User) -> QuerySet[KioskDevice]:
    return KioskDevice.objects.filter(clinic_id=user.clinic_id, revoked_at__isnull=True)


def kiosk_for(user: User, device_uuid: uuid.UUID) -> KioskDevice:
    device = kiosks_for(user).filter(uuid=device_uuid).first()
    if device is None:
        raise Http404
    return device


def links_of_user(user: User) -> QuerySet[CheckinLink]:
    return within_care_team(CheckinLink.objects.all(), user)


@transaction.atomic
def link_for(user: User, link_uuid: uuid.UUID) -> CheckinLink:
    link = (
        links_of_user(user)
        .select_related("patient__clinic", "session")
        .filter(uuid=link_uuid)
        .first()
    )
    if link is None:
        raise Http404
    return link


def alerts_for(user: User) -> QuerySet[SafetyAlert]:
    """Unacknowledged safety alerts of the patients ``user`` cares for."""
    return within_care_team(SafetyAlert.objects.filter(acknowledged_at__isnull=True), user)


def alert_for(user: User, alert_uuid: uuid.UUID) -> SafetyAlert:
    alert = (
        within_care_team(SafetyAlert.objects.filter(uuid=alert_uuid), user)
        .select_related("patient__clinic", "checkin__session")
        .first()
    )
    if alert is None:
        raise Http404
    return alert


def not_answered_for(user: User) -> QuerySet[CheckinLink]:
    """Links sent to the patients ``user`` cares for whose check-in is not sent yet."""
    answered = Checkin.objects.filter(
        respondent=Respondent.PATIENT, status=CheckinStatus.SUBMITTED
    ).values("session_id")
    return (
        links_of_user(user)
        .filter(revoked_at__isnull=True, session__episode__closed_at__isnull=True)
        .exclude(channel=Channel.KIOSK)
        .exclude(session_id__in=answered)
        .select_related("patient", "session")
        .order_by("-created_at")
    )


@transaction.atomic
def sent_answers_for(user: User, session: Session) -> Checkin | None:
    """The patient's sent check-in of ``session``, with its answers and scores; the read is audited.

    Answers of a check-in still in progress stay with the patient until they send them.
    """
    checkin = (
        within_care_team(
            Checkin.objects.filter(
                session=session, respondent=Respondent.PATIENT, status=CheckinStatus.SUBMITTED
            ),
            user,
        )
        .prefetch_related("responses", "scores")
        .first()
    )
    if checkin is not None:
        record(
            "checkins.answers_read",
            by=user,
            target=checkin,
            clinic_id=user.clinic.uuid,
            data={"patient": str(session.episode.patient.uuid), "session": str(session.uuid)},
        )
    return checkin
