from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.care import actions
from alliance.care.models import Attendance, Episode, Session
from alliance.errors import ActionRefused
from tests.care.factories import make_session

pytestmark = pytest.mark.django_db


def test_add_session_records_attendance(therapist: User, episode: Episode) -> None:
    starts_at = timezone.now() - timedelta(hours=2)
    session = actions.add_session(
        episode=episode, starts_at=starts_at, attendance=Attendance.ATTENDED, by=therapist
    )
    assert session.attendance_recorded_by == therapist
    event = AuditEvent.objects.get(action="care.session_added")
    assert event.data == {"patient": str(episode.patient.uuid), "attendance": "attended"}


def test_add_planned_session_in_the_future(therapist: User, episode: Episode) -> None:
    session = actions.add_session(
        episode=episode, starts_at=timezone.now() + timedelta(days=7), by=therapist
    )
    assert session.attendance == Attendance.PLANNED
    assert session.attendance_recorded_at is None


@pytest.mark.parametrize("attendance", [Attendance.ATTENDED, Attendance.MISSED])
def test_a_future_session_cannot_be_attended_or_missed(
    therapist: User, episode: Episode, attendance: Attendance
) -> None:
    with pytest.raises(ActionRefused) as refusal:
        actions.add_session(
            episode=episode,
            starts_at=timezone.now() + timedelta(days=1),
            attendance=attendance,
            by=therapist,
        )
    assert refusal.value.code == "future_session"
    assert not Session.objects.exists()


def test_a_session_before_the_episode_is_refused(therapist: User, episode: Episode) -> None:
    with pytest.raises(ActionRefused) as refusal:
        actions.add_session(
            episode=episode, starts_at=timezone.now() - timedelta(days=1000), by=therapist
        )
    assert refusal.value.code == "before_episode"


def test_no_session_in_a_closed_episode(therapist: User, episode: Episode) -> None:
    actions.close_episode(episode=episode, ended_on=timezone.localdate(), by=therapist)
    with pytest.raises(ActionRefused) as refusal:
        actions.add_session(episode=episode, starts_at=timezone.now(), by=therapist)
    assert refusal.value.code == "episode_closed"


def test_set_attendance_audits_before_and_after(therapist: User, episode: Episode) -> None:
    session = make_session(episode=episode)
    actions.set_attendance(session=session, attendance=Attendance.CANCELLED, by=therapist)
    session.refresh_from_db()
    assert session.attendance == Attendance.CANCELLED
    event = AuditEvent.objects.get(action="care.session_attendance_set")
    assert (event.data["before"], event.data["after"]) == ("attended", "cancelled")


def test_set_attendance_back_to_planned_clears_who_recorded(
    therapist: User, episode: Episode
) -> None:
    session = make_session(episode=episode)
    actions.set_attendance(session=session, attendance=Attendance.PLANNED, by=therapist)
    session.refresh_from_db()
    assert session.attendance_recorded_at is None
    assert session.attendance_recorded_by is None


def test_update_session(therapist: User, episode: Episode) -> None:
    session = make_session(episode=episode)
    new_time = timezone.now() - timedelta(days=2)
    actions.update_session(session=session, starts_at=new_time, duration_minutes=90, by=therapist)
    session.refresh_from_db()
    assert (session.starts_at, session.duration_minutes) == (new_time, 90)
    assert AuditEvent.objects.filter(action="care.session_updated").count() == 1


def test_moving_an_attended_session_into_the_future_is_refused(
    therapist: User, episode: Episode
) -> None:
    session = make_session(episode=episode)
    with pytest.raises(ActionRefused):
        actions.update_session(
            session=session,
            starts_at=timezone.now() + timedelta(days=2),
            duration_minutes=50,
            by=therapist,
        )
