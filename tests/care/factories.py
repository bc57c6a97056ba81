"""A factory per care model: the smallest valid object, overridable by keyword.

Factories write rows directly (no actions, no audit) so that tests can build
any state, including ones the actions would refuse to reach.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from alliance.accounts.models import User
from alliance.care.models import (
    Approach,
    Attendance,
    Author,
    CareTeamMember,
    CareTeamRole,
    Episode,
    FrameAcknowledgement,
    FrameVersion,
    Goal,
    GoalEvent,
    GoalEventKind,
    GoalStatus,
    Modality,
    Patient,
    Session,
    Task,
    TaskKind,
)

_numbers = itertools.count(1)


def make_patient(*, therapist: User, episode: bool = True, **fields: Any) -> Patient:
    """A patient whose lead therapist is ``therapist``, with an open episode by default."""
    fields.setdefault("display_name", f"Patient {next(_numbers)}")
    fields.setdefault("country", "FR")
    patient = Patient.objects.create(clinic=therapist.clinic, created_by=therapist, **fields)
    make_care_team_member(patient=patient, therapist=therapist, role=CareTeamRole.LEAD)
    if episode:
        make_episode(patient=patient, by=therapist)
    return patient


def make_care_team_member(
    *, patient: Patient, therapist: User, role: CareTeamRole = CareTeamRole.SHARED
) -> CareTeamMember:
    return CareTeamMember.objects.create(
        patient=patient, therapist=therapist, role=role, added_by=therapist
    )


def make_episode(*, patient: Patient, by: User | None = None, **fields: Any) -> Episode:
    fields.setdefault("started_on", timezone.localdate() - timedelta(days=90))
    fields.setdefault("approach", Approach.CBT)
    fields.setdefault("modality", Modality.IN_PERSON)
    if fields.get("ended_on"):
        fields.setdefault("closed_at", timezone.now())
        fields.setdefault("closed_by", by or patient.created_by)
    return Episode.objects.create(patient=patient, created_by=by or patient.created_by, **fields)


def make_closed_episode(*, patient: Patient, ended_on: date | None = None) -> Episode:
    return make_episode(
        patient=patient,
        started_on=timezone.localdate() - timedelta(days=400),
        ended_on=ended_on or timezone.localdate() - timedelta(days=200),
    )


def open_episode_of(patient: Patient) -> Episode:
    return patient.episodes.get(closed_at__isnull=True)


def make_session(*, episode: Episode, **fields: Any) -> Session:
    by = fields.pop("by", episode.created_by)
    fields.setdefault("starts_at", timezone.now() - timedelta(days=7))
    fields.setdefault("attendance", Attendance.ATTENDED)
    if fields["attendance"] != Attendance.PLANNED:
        fields.setdefault("attendance_recorded_at", timezone.now())
        fields.setdefault("attendance_recorded_by", by)
    return Session.objects.create(episode=episode, created_by=by, **fields)


def make_frame_version(*, episode: Episode, **fields: Any) -> FrameVersion:
    latest = episode.frame_versions.order_by("-number").first()
    fields.setdefault("number", (latest.number if latest else 0) + 1)
    for name in FrameVersion.SECTIONS:
        fields.setdefault(name, f"{name} text")
    return FrameVersion.objects.create(episode=episode, created_by=episode.created_by, **fields)


def make_acknowledgement(*, frame_version: FrameVersion, **fields: Any) -> FrameAcknowledgement:
    return FrameAcknowledgement.objects.create(frame_version=frame_version, **fields)


def make_goal(*, episode: Episode, status: GoalStatus = GoalStatus.AGREED, **fields: Any) -> Goal:
    by = episode.created_by
    fields.setdefault("patient_wording", "Sleep better")
    fields.setdefault("therapist_wording", "Restore a regular sleep pattern")
    fields.setdefault("proposed_by", Author.THERAPIST)
    if status in (GoalStatus.AGREED, GoalStatus.ACHIEVED):
        fields.setdefault("agreed_at", timezone.now())
        fields.setdefault("agreed_by", by)
    if status in (GoalStatus.ACHIEVED, GoalStatus.DROPPED):
        fields.setdefault("ended_at", timezone.now())
        fields.setdefault("ended_by", by)
    goal = Goal.objects.create(episode=episode, status=status, **fields)
    make_goal_event(goal=goal, kind=GoalEventKind.PROPOSED)
    return goal


def make_goal_event(*, goal: Goal, kind: GoalEventKind, **fields: Any) -> GoalEvent:
    fields.setdefault("author", Author.THERAPIST)
    if fields["author"] == Author.THERAPIST:
        fields.setdefault("by", goal.episode.created_by)
    return GoalEvent.objects.create(
        goal=goal,
        kind=kind,
        patient_wording=goal.patient_wording,
        therapist_wording=goal.therapist_wording,
        status=goal.status,
        **fields,
    )


def make_task(*, goal: Goal, **fields: Any) -> Task:
    fields.setdefault("kind", TaskKind.HOMEWORK)
    fields.setdefault("title", f"Task {next(_numbers)}")
    return Task.objects.create(goal=goal, created_by=goal.episode.created_by, **fields)
