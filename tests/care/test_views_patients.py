from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.care import actions
from alliance.care.models import Episode, Goal, GoalStatus, Patient
from tests.care.factories import (
    make_acknowledgement,
    make_frame_version,
    make_goal,
    make_patient,
    make_session,
    make_task,
)
from tests.query_counts import steady_queries

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "patient-results"}


def test_patient_list_shows_my_patients_only(
    therapist_client: Client, patient: Patient, colleague: User
) -> None:
    make_patient(therapist=colleague, display_name="Not mine")
    response = therapist_client.get(reverse("care:patient_list"))
    assert response.status_code == 200
    assert "A. L." in response.text
    assert "Not mine" not in response.text
    assert "<html" in response.text


def test_patient_list_search_full_page_and_htmx(therapist_client: Client, therapist: User) -> None:
    make_patient(therapist=therapist, display_name="Zoé K.")
    make_patient(therapist=therapist, display_name="Marc D.")
    url = reverse("care:patient_list") + "?q=zo"
    full = therapist_client.get(url)
    assert "Zoé K." in full.text
    assert "Marc D." not in full.text
    assert "<html" in full.text
    partial = therapist_client.get(url, **HTMX)  # type: ignore[arg-type]
    assert "Zoé K." in partial.text
    assert "<html" not in partial.text


def test_patient_list_empty_states(therapist_client: Client, patient: Patient) -> None:
    response = therapist_client.get(reverse("care:patient_list") + "?q=nobody")
    assert "None of your patients matches" in response.text


def _queries_for(client: Client, url: str) -> int:
    return steady_queries(client, url)


def test_patient_list_query_count(
    therapist_client: Client,
    therapist: User,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    url = reverse("care:patient_list")
    make_patient(therapist=therapist, display_name="First")
    with_one = _queries_for(therapist_client, url)
    for number in range(12):
        make_patient(therapist=therapist, display_name=f"P{number}")
    # Session, user, two-factor devices and the audit record take about ten;
    # the list itself two (patients, then their open episodes).
    with django_assert_max_num_queries(20):
        response = therapist_client.get(url)
    assert response.text.count("/patients/") >= 13
    assert _queries_for(therapist_client, url) == with_one


def _busy_record(therapist: User, patient: Patient, episode: Episode) -> None:
    for week in range(10):
        make_session(episode=episode, starts_at=timezone.now() - timedelta(weeks=week))
    version = make_frame_version(episode=episode)
    make_acknowledgement(frame_version=version)
    for number in range(4):
        goal = make_goal(episode=episode, patient_wording=f"Goal {number}")
        actions.revise_goal(
            goal=goal,
            patient_wording=f"Goal {number} revised",
            therapist_wording="x",
            reason="because",
            by=therapist,
        )
        for _ in range(3):
            make_task(goal=goal)
    make_goal(episode=episode, status=GoalStatus.PROPOSED, patient_wording="A proposal")
    make_goal(episode=episode, status=GoalStatus.DROPPED, patient_wording="Dropped one")


def test_patient_page_shows_the_record(
    therapist: User, therapist_client: Client, patient: Patient, episode: Episode
) -> None:
    _busy_record(therapist, patient, episode)
    response = therapist_client.get(reverse("care:patient_detail", args=[patient.uuid]))
    assert response.status_code == 200
    text = response.text
    assert "Goal 2 revised" in text
    assert "because" in text
    assert "A proposal" in text
    assert "Dropped one" in text
    assert "Acknowledged by the patient" in text
    assert "Théo Thérapeute" in text


def test_patient_page_says_when_the_frame_is_not_acknowledged(
    therapist_client: Client, patient: Patient, episode: Episode
) -> None:
    make_frame_version(episode=episode)
    response = therapist_client.get(reverse("care:patient_detail", args=[patient.uuid]))
    assert "Not yet acknowledged by the patient" in response.text


def test_patient_page_query_count_does_not_grow(
    therapist: User,
    therapist_client: Client,
    patient: Patient,
    episode: Episode,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    url = reverse("care:patient_detail", args=[patient.uuid])
    # One goal with one task: every prefetch already runs once.
    make_task(goal=make_goal(episode=episode))
    with_little = _queries_for(therapist_client, url)
    _busy_record(therapist, patient, episode)
    with django_assert_max_num_queries(26):
        therapist_client.get(url)
    assert _queries_for(therapist_client, url) == with_little


def test_patient_page_audits_the_read(
    therapist_client: Client, therapist: User, patient: Patient
) -> None:
    therapist_client.get(reverse("care:patient_detail", args=[patient.uuid]))
    event = AuditEvent.objects.get(action="care.patient_read")
    assert event.actor_id == therapist.uuid
    assert event.target_id == str(patient.uuid)


def test_patient_page_of_a_closed_episode_is_read_only(
    therapist: User, therapist_client: Client, patient: Patient, episode: Episode, goal: Goal
) -> None:
    make_task(goal=goal)
    actions.close_episode(episode=episode, ended_on=timezone.localdate(), by=therapist)
    response = therapist_client.get(reverse("care:patient_detail", args=[patient.uuid]))
    assert "Open a new episode of care" in response.text
    assert reverse("care:revise_goal", args=[goal.uuid]) not in response.text


def test_create_patient(therapist_client: Client, therapist: User) -> None:
    response = therapist_client.post(
        reverse("care:create_patient"),
        {
            "display_name": "J. B.",
            "preferred_language": "en",
            "contact_email": "",
            "country": "ca",
            "started_on": timezone.localdate().isoformat(),
            "approach": "humanistic",
            "modality": "video",
        },
    )
    patient = Patient.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("care:patient_detail", args=[patient.uuid])
    assert patient.country == "CA"
    assert patient.care_team.get().therapist == therapist


def test_create_patient_with_bad_input_changes_nothing(therapist_client: Client) -> None:
    response = therapist_client.post(
        reverse("care:create_patient"),
        {"display_name": "", "country": "F1", "started_on": "yesterday"},
    )
    assert response.status_code == 200
    assert "Write the country as two letters" in response.text
    assert not Patient.objects.exists()


def test_edit_patient(therapist_client: Client, patient: Patient) -> None:
    response = therapist_client.post(
        reverse("care:edit_patient", args=[patient.uuid]),
        {"display_name": "A. L. B.", "preferred_language": "fr", "country": ""},
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.display_name == "A. L. B."
    assert patient.country == "FR"


def test_share_patient(
    therapist_client: Client, colleague_client: Client, patient: Patient, colleague: User
) -> None:
    page = therapist_client.get(reverse("care:share_patient", args=[patient.uuid]))
    assert "Colette Collègue" in page.text
    response = therapist_client.post(
        reverse("care:share_patient", args=[patient.uuid]), {"colleague": str(colleague.uuid)}
    )
    assert response.status_code == 302
    assert (
        colleague_client.get(reverse("care:patient_detail", args=[patient.uuid])).status_code == 200
    )


def test_share_with_another_clinic_is_refused(
    therapist_client: Client, patient: Patient, outsider: User
) -> None:
    response = therapist_client.post(
        reverse("care:share_patient", args=[patient.uuid]), {"colleague": str(outsider.uuid)}
    )
    assert response.status_code == 200
    assert "Choose a therapist of your clinic from the list." in response.text
    assert patient.care_team.count() == 1


def test_close_and_open_episode(
    therapist_client: Client, patient: Patient, episode: Episode
) -> None:
    today = timezone.localdate().isoformat()
    response = therapist_client.post(
        reverse("care:close_episode", args=[episode.uuid]), {"ended_on": today}
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert not episode.is_open
    response = therapist_client.post(
        reverse("care:open_episode", args=[patient.uuid]),
        {"started_on": today, "approach": "cbt", "modality": "mixed"},
    )
    assert response.status_code == 302
    assert patient.episodes.filter(closed_at__isnull=True).count() == 1


def test_close_episode_with_a_date_before_its_start(
    therapist_client: Client, episode: Episode
) -> None:
    before = (episode.started_on - timedelta(days=1)).isoformat()
    response = therapist_client.post(
        reverse("care:close_episode", args=[episode.uuid]), {"ended_on": before}
    )
    assert response.status_code == 200
    assert "The end date is before the start of the episode." in response.text
    episode.refresh_from_db()
    assert episode.is_open


def test_open_episode_while_one_is_open(therapist_client: Client, patient: Patient) -> None:
    response = therapist_client.post(
        reverse("care:open_episode", args=[patient.uuid]),
        {"started_on": timezone.localdate().isoformat(), "approach": "cbt", "modality": "mixed"},
    )
    assert "already has an open episode" in response.text
    assert patient.episodes.count() == 1
