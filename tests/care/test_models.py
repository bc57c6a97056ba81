"""The database refuses inconsistent states even if code tried to write them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from alliance.accounts.models import User
from alliance.care.models import (
    Attendance,
    CareTeamRole,
    Episode,
    Goal,
    GoalEventKind,
    GoalStatus,
    Patient,
    TaskStatus,
)
from tests.care.factories import (
    make_care_team_member,
    make_episode,
    make_goal,
    make_goal_event,
    make_session,
    make_task,
)

pytestmark = pytest.mark.django_db


def _refused(build: object) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        build()  # type: ignore[operator]


def test_one_open_episode_per_patient(patient: Patient) -> None:
    _refused(lambda: make_episode(patient=patient))


def test_episode_cannot_end_before_it_starts(patient: Patient) -> None:
    _refused(
        lambda: make_episode(
            patient=patient,
            started_on=timezone.localdate(),
            ended_on=timezone.localdate() - timedelta(days=1),
        )
    )


def test_one_lead_per_patient(patient: Patient, colleague: User) -> None:
    _refused(
        lambda: make_care_team_member(patient=patient, therapist=colleague, role=CareTeamRole.LEAD)
    )


def test_attendance_needs_who_recorded_it(episode: Episode) -> None:
    _refused(
        lambda: make_session(
            episode=episode,
            attendance=Attendance.MISSED,
            attendance_recorded_at=None,
            attendance_recorded_by=None,
        )
    )


def test_goal_needs_a_wording(episode: Episode) -> None:
    _refused(lambda: make_goal(episode=episode, patient_wording="", therapist_wording=""))


def test_achieved_goal_needs_an_end(episode: Episode) -> None:
    _refused(lambda: make_goal(episode=episode, status=GoalStatus.ACHIEVED, ended_at=None))


def test_patient_event_names_no_member(goal: Goal, therapist: User) -> None:
    _refused(
        lambda: make_goal_event(
            goal=goal, kind=GoalEventKind.PROPOSED, author="patient", by=therapist
        )
    )


def test_done_task_needs_an_end(goal: Goal) -> None:
    _refused(lambda: make_task(goal=goal, status=TaskStatus.DONE))


def test_task_is_overdue(goal: Goal) -> None:
    task = make_task(goal=goal, due_on=timezone.localdate() - timedelta(days=1))
    assert task.is_overdue


def test_gas_levels_read_in_order(goal: Goal) -> None:
    goal.gas_expected = "expected"
    assert goal.gas_descriptions()[2] == (0, "expected")
    assert not goal.has_attainment_scale
