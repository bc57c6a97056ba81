from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import User
from alliance.care import actions
from alliance.care.models import Attendance, Episode, Session
from tests.care.factories import make_session

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_add_session(therapist_client: Client, episode: Episode) -> None:
    response = therapist_client.post(
        reverse("care:add_session", args=[episode.uuid]),
        {
            "starts_at": _local(timezone.now() - timedelta(hours=1)),
            "duration_minutes": 45,
            "attendance": "attended",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#sessions")
    session = Session.objects.get()
    assert (session.duration_minutes, session.attendance) == (45, Attendance.ATTENDED)


def test_add_session_refuses_a_future_attended_session(
    therapist_client: Client, episode: Episode
) -> None:
    response = therapist_client.post(
        reverse("care:add_session", args=[episode.uuid]),
        {
            "starts_at": _local(timezone.now() + timedelta(days=2)),
            "duration_minutes": 50,
            "attendance": "attended",
        },
    )
    assert response.status_code == 200
    assert "cannot be marked attended or missed yet" in response.text
    assert not Session.objects.exists()


def test_add_session_with_invalid_input(therapist_client: Client, episode: Episode) -> None:
    response = therapist_client.post(
        reverse("care:add_session", args=[episode.uuid]),
        {"starts_at": "soon", "duration_minutes": 2, "attendance": "maybe"},
    )
    assert response.status_code == 200
    assert not Session.objects.exists()


def test_edit_session(therapist_client: Client, episode: Episode) -> None:
    session = make_session(episode=episode)
    page = therapist_client.get(reverse("care:edit_session", args=[session.uuid]))
    assert page.status_code == 200
    moment = timezone.now().replace(second=0, microsecond=0) - timedelta(days=3)
    response = therapist_client.post(
        reverse("care:edit_session", args=[session.uuid]),
        {"starts_at": _local(moment), "duration_minutes": 60},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.starts_at == moment
    assert session.duration_minutes == 60


def test_set_attendance_full_page(therapist_client: Client, episode: Episode) -> None:
    session = make_session(episode=episode)
    response = therapist_client.post(
        reverse("care:set_attendance", args=[session.uuid]), {"attendance": "missed"}
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.attendance == Attendance.MISSED


def test_set_attendance_htmx_swaps_the_row(therapist_client: Client, episode: Episode) -> None:
    session = make_session(episode=episode)
    response = therapist_client.post(
        reverse("care:set_attendance", args=[session.uuid]),
        {"attendance": "cancelled"},
        **HTMX,  # type: ignore[arg-type]
    )
    assert response.status_code == 200
    assert response.text.startswith("<tr")
    assert f"session-{session.uuid}" in response.text
    assert "Cancelled" in response.text
    assert "<html" not in response.text


def test_set_attendance_htmx_shows_a_refusal(therapist_client: Client, episode: Episode) -> None:
    session = make_session(
        episode=episode, starts_at=timezone.now() + timedelta(days=1), attendance="planned"
    )
    response = therapist_client.post(
        reverse("care:set_attendance", args=[session.uuid]),
        {"attendance": "attended"},
        **HTMX,  # type: ignore[arg-type]
    )
    assert 'role="alert"' in response.text
    session.refresh_from_db()
    assert session.attendance == Attendance.PLANNED


def test_set_attendance_with_a_bad_choice(therapist_client: Client, episode: Episode) -> None:
    session = make_session(episode=episode)
    response = therapist_client.post(
        reverse("care:set_attendance", args=[session.uuid]), {"attendance": "teleported"}
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.attendance == Attendance.ATTENDED


def test_no_attendance_change_in_a_closed_episode(
    therapist: User, therapist_client: Client, episode: Episode
) -> None:
    session = make_session(episode=episode)
    actions.close_episode(episode=episode, ended_on=timezone.localdate(), by=therapist)
    therapist_client.post(
        reverse("care:set_attendance", args=[session.uuid]), {"attendance": "missed"}
    )
    session.refresh_from_db()
    assert session.attendance == Attendance.ATTENDED
