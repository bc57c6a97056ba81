"""Who may see what: patients through their link, therapists through the care team.

A patient's link only ever shows its own patient: every query of a patient
page starts from the link. Therapist pages find sessions through the care
app's helpers, which answer 404 for anyone outside the care team.
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from alliance.accounts.models import User
from alliance.care.access import within_care_team
from alliance.care.models import Goal, GoalStatus, Task, TaskStatus
from alliance.checkins.models import (
    Channel,
    Checkin,
    CheckinLink,
    CheckinStatus,
    KioskDevice,
    Respondent,
    SafetyAlert,
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


def kiosk_for_token(token: str | None) -> KioskDevice | None:
    if not token or len(token) > 100:
        return None
    return KioskDevice.objects.filter(token_hash=hash_token(token), revoked_at__isnull=True).first()


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
