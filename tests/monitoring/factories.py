"""Check-ins written directly as rows (scores included), for the monitoring tests.

The check-ins app computes scores on submission; here the stored rows are
built as it would store them, so that these tests do not depend on its flow.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from alliance.accounts.models import User
from alliance.care.models import Attendance, Patient, Session
from alliance.checkins.models import (
    Checkin,
    CheckinScore,
    CheckinStatus,
    Respondent,
    Response,
    SafetyAlert,
)
from tests.care.factories import make_session, open_episode_of


def _score(checkin: Checkin, instrument: str, subject: Any = None, **values: Any) -> CheckinScore:
    return CheckinScore.objects.create(
        checkin=checkin,
        instrument_id=instrument,
        instrument_version="1.0",
        subject_uuid=subject,
        **values,
    )


def _answer(
    checkin: Checkin,
    instrument: str,
    item: str,
    value: Any = None,
    *,
    subject: Any = None,
    text: str = "",
) -> None:
    Response.objects.create(
        checkin=checkin,
        instrument_id=instrument,
        instrument_version="1.0",
        subject_uuid=subject,
        item_id=item,
        value=value,
        text=text,
    )


def add_session(
    patient: Patient, *, days_ago: float, attendance: str = Attendance.ATTENDED
) -> Session:
    return make_session(
        episode=open_episode_of(patient),
        starts_at=timezone.now() - timedelta(days=days_ago),
        attendance=attendance,
    )


def add_checkin(
    patient: Patient,
    *,
    days_ago: float,
    goal: float = 8,
    task: float = 8,
    bond: float = 8,
    overall: float | None = None,
    tension: float = 0,
    intensity: float | None = None,
    talked: float | None = None,
    words: str = "",
    therapist: User | None = None,
    mirror: dict[str, float] | None = None,
    goals: dict[Any, float] | None = None,
    phq9: float | None = None,
    safety: bool = False,
    session: Session | None = None,
) -> Checkin:
    """A submitted patient check-in (and the therapist's mirror, if ``mirror``)."""
    session = session or add_session(patient, days_ago=days_ago)
    at = session.starts_at + timedelta(hours=2)
    checkin = Checkin.objects.create(
        patient=patient,
        session=session,
        respondent=Respondent.PATIENT,
        status=CheckinStatus.SUBMITTED,
        submitted_at=at,
    )
    overall = overall if overall is not None else round((goal + task + bond) / 3)
    _score(
        checkin,
        "alliance-checkin",
        total=(goal + task + bond) / 3,
        goal=goal,
        task=task,
        bond=bond,
        overall=overall,
        tension=float(tension),
        tension_intensity=intensity,
    )
    if talked is not None:
        _answer(checkin, "alliance-checkin", "tension_discussed", talked)
    if words:
        _answer(checkin, "alliance-checkin", "change_request", text=words)
    for goal_uuid, still_mine in (goals or {}).items():
        _score(checkin, "goal-rating", goal_uuid, total=5.0, goal=5.0)
        _answer(checkin, "goal-rating", "still_my_goal", still_mine, subject=goal_uuid)
        _answer(checkin, "goal-rating", "progress", 5.0, subject=goal_uuid)
    if phq9 is not None:
        _score(checkin, "phq-9", total=phq9)
        if safety:
            SafetyAlert.objects.create(
                patient=patient,
                checkin=checkin,
                instrument_id="phq-9",
                rule_id="self_harm",
                value=1,
            )
    if mirror is not None:
        assert therapist is not None
        rated = Checkin.objects.create(
            patient=patient,
            session=session,
            respondent=Respondent.THERAPIST,
            by=therapist,
            status=CheckinStatus.SUBMITTED,
            submitted_at=at,
        )
        _score(
            rated,
            "alliance-checkin-therapist",
            total=sum(mirror.values()) / len(mirror),
            **mirror,
        )
    return checkin


def steady_history(
    patient: Patient, *, count: int = 6, start_days_ago: int = 70, level: float = 8
) -> None:
    """``count`` weekly check-ins with the same ratings on every pillar."""
    for i in range(count):
        add_checkin(patient, days_ago=start_days_ago - 7 * i, goal=level, task=level, bond=level)
