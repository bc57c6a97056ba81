from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.care import actions
from alliance.care.models import Episode, Goal, GoalStatus, TaskKind, TaskStatus
from alliance.errors import ActionRefused
from tests.care.factories import make_goal, make_patient, make_session, make_task, open_episode_of

pytestmark = pytest.mark.django_db


def test_create_task(therapist: User, goal: Goal, episode: Episode) -> None:
    session = make_session(episode=episode)
    task = actions.create_task(
        goal=goal,
        kind=TaskKind.HOMEWORK,
        title=" Sleep diary ",
        due_on=timezone.localdate() + timedelta(days=7),
        session=session,
        by=therapist,
    )
    assert task.title == "Sleep diary"
    assert task.status == TaskStatus.OPEN
    event = AuditEvent.objects.get(action="care.task_created")
    assert event.data == {
        "patient": str(episode.patient.uuid),
        "goal": str(goal.uuid),
        "kind": "homework",
    }


def test_no_task_for_a_closed_goal(therapist: User, episode: Episode) -> None:
    goal = make_goal(episode=episode, status=GoalStatus.ACHIEVED)
    with pytest.raises(ActionRefused) as refusal:
        actions.create_task(goal=goal, kind=TaskKind.EXERCISE, title="x", by=therapist)
    assert refusal.value.code == "goal_closed"


def test_no_task_with_a_session_of_another_episode(
    therapist: User, goal: Goal, colleague: User
) -> None:
    other = open_episode_of(make_patient(therapist=therapist))
    with pytest.raises(ActionRefused) as refusal:
        actions.create_task(
            goal=goal,
            kind=TaskKind.EXERCISE,
            title="x",
            session=make_session(episode=other),
            by=therapist,
        )
    assert refusal.value.code == "other_episode"


def test_a_task_needs_a_title(therapist: User, goal: Goal) -> None:
    with pytest.raises(ActionRefused):
        actions.create_task(goal=goal, kind=TaskKind.DISCUSSION, title="  ", by=therapist)


def test_update_task_moves_it_to_another_goal_of_the_episode(
    therapist: User, goal: Goal, episode: Episode
) -> None:
    task = make_task(goal=goal)
    other_goal = make_goal(episode=episode, patient_wording="Other")
    actions.update_task(
        task=task,
        goal=other_goal,
        kind=TaskKind.DISCUSSION,
        title="Talk about it",
        description="",
        due_on=None,
        by=therapist,
    )
    task.refresh_from_db()
    assert task.goal == other_goal
    assert task.kind == TaskKind.DISCUSSION


def test_update_task_refuses_a_goal_of_another_patient(therapist: User, goal: Goal) -> None:
    task = make_task(goal=goal, title="Mine")
    foreign_goal = make_goal(episode=open_episode_of(make_patient(therapist=therapist)))
    with pytest.raises(ActionRefused) as refusal:
        actions.update_task(
            task=task,
            goal=foreign_goal,
            kind=TaskKind.HOMEWORK,
            title="Changed",
            description="",
            due_on=None,
            by=therapist,
        )
    assert refusal.value.code == "other_goal"
    task.refresh_from_db()
    assert (task.goal, task.title) == (goal, "Mine")


def test_complete_and_drop(therapist: User, goal: Goal) -> None:
    done, dropped = make_task(goal=goal), make_task(goal=goal)
    actions.complete_task(task=done, by=therapist)
    actions.drop_task(task=dropped, reason="Does not fit the patient's evenings", by=therapist)
    done.refresh_from_db()
    dropped.refresh_from_db()
    assert done.status == TaskStatus.DONE
    assert done.ended_by == therapist
    assert dropped.end_reason == "Does not fit the patient's evenings"
    actions_logged = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"care.task_done", "care.task_dropped"} <= actions_logged
    assert "evenings" not in str(list(AuditEvent.objects.values_list("data", flat=True)))


def test_a_closed_task_cannot_be_completed_or_dropped(therapist: User, goal: Goal) -> None:
    task = make_task(goal=goal)
    actions.complete_task(task=task, by=therapist)
    with pytest.raises(ActionRefused):
        actions.complete_task(task=task, by=therapist)
    with pytest.raises(ActionRefused):
        actions.drop_task(task=task, reason="x", by=therapist)


def test_drop_task_needs_a_reason(therapist: User, goal: Goal) -> None:
    task = make_task(goal=goal)
    with pytest.raises(ActionRefused) as refusal:
        actions.drop_task(task=task, reason="", by=therapist)
    assert refusal.value.code == "no_reason"
