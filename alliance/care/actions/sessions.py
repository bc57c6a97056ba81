"""Sessions: added, moved, and marked attended, cancelled or missed."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import User
from alliance.care.actions.common import audit, require_open_episode
from alliance.care.models import (
    Attendance,
    Episode,
    Session,
)
from alliance.errors import ActionRefused


def _check_session_time(episode: Episode, starts_at: datetime) -> None:
    if timezone.localdate(starts_at) < episode.started_on:
        raise ActionRefused(
            _("This date is before the start of the episode of care. Check the date."),
            code="before_episode",
        )


def _check_attendance(starts_at: datetime, attendance: Attendance) -> None:
    if attendance in (Attendance.ATTENDED, Attendance.MISSED) and starts_at > timezone.now():
        raise ActionRefused(
            _(
                "A session in the future cannot be marked attended or missed yet. "
                "Mark it after it has taken place."
            ),
            code="future_session",
        )


@transaction.atomic
def add_session(
    *,
    episode: Episode,
    starts_at: datetime,
    duration_minutes: int = 50,
    attendance: Attendance = Attendance.PLANNED,
    by: User,
) -> Session:
    require_open_episode(episode)
    _check_session_time(episode, starts_at)
    _check_attendance(starts_at, attendance)
    recorded = attendance != Attendance.PLANNED
    session = Session.objects.create(
        episode=episode,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        attendance=attendance,
        attendance_recorded_at=timezone.now() if recorded else None,
        attendance_recorded_by=by if recorded else None,
        created_by=by,
    )
    audit(
        "session_added",
        by=by,
        target=session,
        patient=episode.patient,
        data={"attendance": attendance},
    )
    return session


@transaction.atomic
def update_session(
    *, session: Session, starts_at: datetime, duration_minutes: int, by: User
) -> None:
    require_open_episode(session.episode)
    _check_session_time(session.episode, starts_at)
    _check_attendance(starts_at, Attendance(session.attendance))
    session.starts_at, session.duration_minutes = starts_at, duration_minutes
    session.save(update_fields=["starts_at", "duration_minutes"])
    audit("session_updated", by=by, target=session, patient=session.episode.patient)


@transaction.atomic
def set_attendance(*, session: Session, attendance: Attendance, by: User) -> None:
    """Mark a session attended, cancelled or missed (or planned again)."""
    require_open_episode(session.episode)
    _check_attendance(session.starts_at, attendance)
    before = session.attendance
    recorded = attendance != Attendance.PLANNED
    session.attendance = attendance
    session.attendance_recorded_at = timezone.now() if recorded else None
    session.attendance_recorded_by = by if recorded else None
    session.save(update_fields=["attendance", "attendance_recorded_at", "attendance_recorded_by"])
    audit(
        "session_attendance_set",
        by=by,
        target=session,
        patient=session.episode.patient,
        data={"before": before, "after": attendance},
    )
