"""Tasks: in-session exercises, discussions and homework, each serving a goal."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import User
from alliance.care.actions.common import audit, require_open_episode, require_text
from alliance.care.models import (
    Goal,
    GoalStatus,
    Session,
    Task,
    TaskKind,
    TaskStatus,
)
from alliance.errors import ActionRefused


def _check_task_target(goal: Goal, session: Session | None) -> None:
    require_open_episode(goal.episode)
    if goal.status not in (GoalStatus.PROPOSED, GoalStatus.AGREED):
        raise ActionRefused(
            _("This goal is closed. Link the task to a goal that is still being worked on."),
            code="goal_closed",
        )
    if session is not None and session.episode_id != goal.episode_id:
        raise ActionRefused(
            _("This session belongs to another episode of care. Choose one of this episode."),
            code="other_episode",
        )


@transaction.atomic
def create_task(
    *,
    goal: Goal,
    kind: TaskKind,
    title: str,
    description: str = "",
    due_on: date | None = None,
    session: Session | None = None,
    by: User,
) -> Task:
    _check_task_target(goal, session)
    task = Task.objects.create(
        goal=goal,
        kind=kind,
        title=require_text(title, _("Give the task a short title."), "no_title"),
        description=description.strip(),
        due_on=due_on,
        session=session,
        created_by=by,
    )
    audit(
        "task_created",
        by=by,
        target=task,
        patient=goal.episode.patient,
        data={"goal": str(goal.uuid), "kind": kind},
    )
    return task


@transaction.atomic
def update_task(
    *,
    task: Task,
    goal: Goal,
    kind: TaskKind,
    title: str,
    description: str,
    due_on: date | None,
    by: User,
) -> None:
    """Edit a task; it may move to another goal of the same episode only."""
    if goal.episode_id != task.goal.episode_id:
        raise ActionRefused(
            _("This goal belongs to another episode of care. Choose a goal of this patient."),
            code="other_goal",
        )
    if goal.pk != task.goal_id:
        _check_task_target(goal, None)
    require_open_episode(task.goal.episode)
    task.goal, task.kind, task.due_on = goal, kind, due_on
    task.title = require_text(title, _("Give the task a short title."), "no_title")
    task.description = description.strip()
    task.save(update_fields=["goal", "kind", "title", "description", "due_on"])
    audit(
        "task_updated",
        by=by,
        target=task,
        patient=goal.episode.patient,
        data={"goal": str(goal.uuid), "kind": kind},
    )


def end_task(task: Task, status: TaskStatus, *, reason: str, by: User) -> None:
    """Close a task; runs inside the calling action's transaction."""
    task.status, task.ended_at, task.ended_by, task.end_reason = (
        status,
        timezone.now(),
        by,
        reason,
    )
    task.save(update_fields=["status", "ended_at", "ended_by", "end_reason"])
    audit(
        f"task_{status}",
        by=by,
        target=task,
        patient=task.goal.episode.patient,
        data={"goal": str(task.goal.uuid)},
    )


def _require_open_task(task: Task) -> None:
    require_open_episode(task.goal.episode)
    if task.status != TaskStatus.OPEN:
        raise ActionRefused(
            _("This task is already closed. Create a new task if the work continues."),
            code="task_closed",
        )


@transaction.atomic
def complete_task(*, task: Task, by: User) -> None:
    _require_open_task(task)
    end_task(task, TaskStatus.DONE, reason="", by=by)


@transaction.atomic
def drop_task(*, task: Task, reason: str, by: User) -> None:
    """Drop a task (for instance because the patient said it does not fit them)."""
    _require_open_task(task)
    reason = require_text(
        reason, _("Say why the task is dropped, so that you both remember."), "no_reason"
    )
    end_task(task, TaskStatus.DROPPED, reason=reason, by=by)
