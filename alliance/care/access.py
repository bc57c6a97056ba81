"""Who may see which patient: the members of the patient's care team, nobody else.

Views never look up patient data by id directly. They call these helpers,
which search only the requesting therapist's own patients (and those shared
with them), answer 404 for anything else — so nobody can even learn that a
record exists — and write the read to the audit trail.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models, transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from alliance.accounts.models import User
from alliance.audit.log import record
from alliance.care.models import (
    Episode,
    FrameVersion,
    Goal,
    GoalStatus,
    Patient,
    PatientQuerySet,
    Session,
    Task,
)


def within_care_team[Rows: QuerySet[Any]](
    queryset: Rows, user: User, *, patient: str = "patient"
) -> Rows:
    """The rows whose patient has ``user`` on their care team, in ``user``'s clinic.

    ``patient`` is the lookup path from the rows to their patient
    (``"episode__patient"`` for sessions; ``""`` for patients themselves).
    This is the one rule of who sees what: every app scopes its clinical rows
    through it.
    """
    prefix = f"{patient}__" if patient else ""
    return queryset.filter(
        **{f"{prefix}clinic_id": user.clinic_id, f"{prefix}care_team__therapist": user}
    )


def patients_for(user: User) -> PatientQuerySet:
    """Every patient ``user`` may see; no audit (callers audit what they show)."""
    return within_care_team(Patient.objects.all(), user, patient="")


def _audit_read(user: User, patient: Patient, target: object, what: str) -> None:
    record(
        "care.patient_read",
        by=user,
        target=patient,
        clinic_id=user.clinic.uuid,
        data={"what": what, "object": str(getattr(target, "uuid", ""))},
    )


@transaction.atomic
def list_patients(user: User, *, search: str = "") -> list[Patient]:
    """The patients ``user`` follows, optionally filtered by name; the listing is audited."""
    patients = list(
        patients_for(user)
        .search(search)
        .prefetch_related(
            Prefetch(
                "episodes",
                queryset=Episode.objects.filter(closed_at__isnull=True),
                to_attr="open_episodes",
            )
        )
    )
    record(
        "care.patients_listed",
        by=user,
        clinic_id=user.clinic.uuid,
        data={"count": len(patients), "searched": bool(search.strip())},
    )
    return patients


def _get_or_404[Model: models.Model](queryset: QuerySet[Model], **lookup: object) -> Model:
    found = queryset.filter(**lookup).first()
    if found is None:
        raise Http404
    return found


@transaction.atomic
def patient_for(user: User, patient_uuid: uuid.UUID) -> Patient:
    patient = _get_or_404(patients_for(user).select_related("clinic"), uuid=patient_uuid)
    _audit_read(user, patient, patient, "patient")
    return patient


def _patient_of_episode(user: User) -> QuerySet[Episode]:
    return within_care_team(Episode.objects.all(), user).select_related("patient__clinic")


@transaction.atomic
def episode_for(user: User, episode_uuid: uuid.UUID) -> Episode:
    episode = _get_or_404(_patient_of_episode(user), uuid=episode_uuid)
    _audit_read(user, episode.patient, episode, "episode")
    return episode


@transaction.atomic
def session_for(user: User, session_uuid: uuid.UUID) -> Session:
    session = _get_or_404(
        within_care_team(Session.objects.all(), user, patient="episode__patient").select_related(
            "episode__patient__clinic"
        ),
        uuid=session_uuid,
    )
    _audit_read(user, session.episode.patient, session, "session")
    return session


@transaction.atomic
def goal_for(user: User, goal_uuid: uuid.UUID) -> Goal:
    goal = _get_or_404(
        within_care_team(Goal.objects.all(), user, patient="episode__patient").select_related(
            "episode__patient__clinic"
        ),
        uuid=goal_uuid,
    )
    _audit_read(user, goal.episode.patient, goal, "goal")
    return goal


@transaction.atomic
def task_for(user: User, task_uuid: uuid.UUID) -> Task:
    task = _get_or_404(
        within_care_team(Task.objects.all(), user, patient="goal__episode__patient").select_related(
            "goal__episode__patient__clinic"
        ),
        uuid=task_uuid,
    )
    _audit_read(user, task.goal.episode.patient, task, "task")
    return task


def goals_open_for_tasks(episode: Episode) -> QuerySet[Goal]:
    """The goals a task of ``episode`` may serve."""
    return episode.goals.filter(status__in=[GoalStatus.PROPOSED, GoalStatus.AGREED])


def frame_for_display(episode: Episode) -> FrameVersion | None:
    """The current frame version of an episode, with its acknowledgement if any."""
    return (
        episode.frame_versions.select_related("acknowledgement", "created_by")
        .order_by("-number")
        .first()
    )
