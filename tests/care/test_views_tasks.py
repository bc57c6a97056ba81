from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import User
from alliance.care.models import Episode, Goal, Task, TaskStatus
from tests.care.factories import make_goal, make_patient, make_task, open_episode_of

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_new_task_preselects_the_goal(
    therapist_client: Client, episode: Episode, goal: Goal
) -> None:
    page = therapist_client.get(
        reverse("care:new_task", args=[episode.uuid]) + f"?goal={goal.uuid}"
    )
    assert f'value="{goal.uuid}" selected' in page.text
    response = therapist_client.post(
        reverse("care:new_task", args=[episode.uuid]),
        {"goal": str(goal.uuid), "kind": "homework", "title": "Sleep diary", "due_on": ""},
    )
    assert response.status_code == 302
    assert Task.objects.get().goal == goal


def test_new_task_refuses_a_goal_of_another_patient(
    therapist: User, therapist_client: Client, episode: Episode
) -> None:
    foreign = make_goal(episode=open_episode_of(make_patient(therapist=therapist)))
    response = therapist_client.post(
        reverse("care:new_task", args=[episode.uuid]),
        {"goal": str(foreign.uuid), "kind": "homework", "title": "x"},
    )
    assert response.status_code == 200
    assert not Task.objects.exists()


def test_edit_task(therapist_client: Client, goal: Goal) -> None:
    task = make_task(goal=goal)
    response = therapist_client.post(
        reverse("care:edit_task", args=[task.uuid]),
        {"goal": str(goal.uuid), "kind": "discussion", "title": "Talk it over"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.title == "Talk it over"


def test_complete_task_full_page(therapist_client: Client, goal: Goal) -> None:
    task = make_task(goal=goal)
    response = therapist_client.post(reverse("care:complete_task", args=[task.uuid]))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_complete_task_htmx(therapist_client: Client, goal: Goal) -> None:
    task = make_task(goal=goal)
    response = therapist_client.post(
        reverse("care:complete_task", args=[task.uuid]),
        **HTMX,  # type: ignore[arg-type]
    )
    assert response.status_code == 200
    assert response.text.startswith("<li")
    assert "<html" not in response.text
    assert "Done" in response.text


def test_complete_task_twice_htmx_shows_why(therapist_client: Client, goal: Goal) -> None:
    task = make_task(goal=goal)
    url = reverse("care:complete_task", args=[task.uuid])
    therapist_client.post(url)
    response = therapist_client.post(url, **HTMX)  # type: ignore[arg-type]
    assert "This task is already closed." in response.text


def test_drop_task(therapist_client: Client, goal: Goal) -> None:
    task = make_task(goal=goal)
    url = reverse("care:drop_task", args=[task.uuid])
    assert therapist_client.post(url, {"reason": ""}).status_code == 200
    response = therapist_client.post(url, {"reason": "The patient says it does not fit them"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DROPPED


def test_overdue_task_says_since_when(therapist_client: Client, goal: Goal) -> None:
    import datetime

    make_task(goal=goal, title="Walk", due_on=datetime.date(2020, 7, 29))
    url = reverse("care:patient_detail", args=[goal.episode.patient.uuid])
    html = therapist_client.get(url).content.decode()
    assert "Overdue since July 29, 2020" in html
    assert "Overdue due" not in html
    assert "due July 29, 2020" not in html
    french = therapist_client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "En retard depuis le 29 juillet 2020" in french
