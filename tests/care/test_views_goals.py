from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.care import actions
from alliance.care.models import Episode, FrameAcknowledgement, FrameVersion, Goal, GoalStatus
from tests.care.factories import make_frame_version, make_goal

pytestmark = pytest.mark.django_db

FRAME = {
    "goals": "Less worry.",
    "methods": "CBT.",
    "rhythm": "Weekly.",
    "fees": "60 €.",
    "confidentiality": "Confidential.",
    "data_use": "Stays here.",
}


def test_new_frame_version_starts_from_the_current_one(
    therapist_client: Client, episode: Episode
) -> None:
    make_frame_version(episode=episode, fees="55 € per session")
    page = therapist_client.get(reverse("care:new_frame", args=[episode.uuid]))
    assert "55 € per session" in page.text
    response = therapist_client.post(reverse("care:new_frame", args=[episode.uuid]), FRAME)
    assert response.status_code == 302
    assert actions.current_frame(episode).number == 2  # type: ignore[union-attr]


def test_new_frame_version_needs_every_section(therapist_client: Client, episode: Episode) -> None:
    response = therapist_client.post(
        reverse("care:new_frame", args=[episode.uuid]), {**FRAME, "fees": ""}
    )
    assert response.status_code == 200
    assert not FrameVersion.objects.exists()


def test_new_goal(therapist_client: Client, episode: Episode) -> None:
    response = therapist_client.post(
        reverse("care:new_goal", args=[episode.uuid]),
        {"patient_wording": "Get back to work", "therapist_wording": "", "agreed_in_session": "on"},
    )
    assert response.status_code == 302
    goal = Goal.objects.get()
    assert goal.status == GoalStatus.AGREED
    assert goal.patient_wording == "Get back to work"


def test_new_goal_without_wording(therapist_client: Client, episode: Episode) -> None:
    response = therapist_client.post(
        reverse("care:new_goal", args=[episode.uuid]),
        {"patient_wording": " ", "therapist_wording": ""},
    )
    assert response.status_code == 200
    assert "Write the goal in the patient&#x27;s words" in response.text
    assert not Goal.objects.exists()


def test_agree_on_a_patient_proposal(therapist_client: Client, episode: Episode) -> None:
    goal = actions.propose_goal_as_patient(episode=episode, patient_wording="Sleep again")
    page = therapist_client.get(reverse("care:agree_goal", args=[goal.uuid]))
    assert "Sleep again" in page.text
    response = therapist_client.post(
        reverse("care:agree_goal", args=[goal.uuid]),
        {"patient_wording": "Sleep again", "therapist_wording": "Treat the insomnia"},
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == GoalStatus.AGREED


def test_agree_on_an_agreed_goal_is_refused(therapist_client: Client, goal: Goal) -> None:
    response = therapist_client.post(
        reverse("care:agree_goal", args=[goal.uuid]),
        {"patient_wording": "x", "therapist_wording": "y"},
    )
    assert response.status_code == 200
    assert "Only a proposed goal can be agreed." in response.text


def test_revise_goal_needs_a_reason(therapist_client: Client, goal: Goal) -> None:
    url = reverse("care:revise_goal", args=[goal.uuid])
    response = therapist_client.post(url, {"patient_wording": "New", "therapist_wording": "New"})
    assert response.status_code == 200
    goal.refresh_from_db()
    assert goal.patient_wording == "Sleep better"
    response = therapist_client.post(
        url, {"patient_wording": "New", "therapist_wording": "New", "reason": "Clearer"}
    )
    assert response.status_code == 302
    assert goal.history.last().reason == "Clearer"  # type: ignore[union-attr]


def test_achieve_goal(therapist_client: Client, goal: Goal) -> None:
    response = therapist_client.post(reverse("care:achieve_goal", args=[goal.uuid]))
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ACHIEVED


def test_achieve_a_proposal_is_refused_with_a_message(
    therapist_client: Client, episode: Episode
) -> None:
    goal = make_goal(episode=episode, status=GoalStatus.PROPOSED)
    response = therapist_client.post(reverse("care:achieve_goal", args=[goal.uuid]), follow=True)
    assert "Only an agreed goal can be marked achieved." in response.text
    goal.refresh_from_db()
    assert goal.status == GoalStatus.PROPOSED


def test_drop_goal(therapist_client: Client, goal: Goal) -> None:
    response = therapist_client.post(
        reverse("care:drop_goal", args=[goal.uuid]), {"reason": "Not a priority now"}
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == GoalStatus.DROPPED


def test_goal_scale(therapist_client: Client, goal: Goal) -> None:
    levels = {"much_less": "a", "less": "b", "expected": "c", "more": "d", "much_more": "e"}
    response = therapist_client.post(
        reverse("care:goal_scale", args=[goal.uuid]), {**levels, "weight": 3, "attained": "-1"}
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.gas_weight, goal.gas_attained, goal.gas_expected) == (3, -1, "c")
    page = therapist_client.get(reverse("care:patient_detail", args=[goal.episode.patient.uuid]))
    assert "Attainment scale: level -1 reached, weight 3" in page.text


def test_goal_scale_incomplete(therapist_client: Client, goal: Goal) -> None:
    response = therapist_client.post(
        reverse("care:goal_scale", args=[goal.uuid]), {"expected": "c", "weight": 3}
    )
    assert response.status_code == 200
    assert "Describe all five levels" in response.text
    assert not AuditEvent.objects.filter(action="care.goal_scale_changed").exists()


def test_patient_page_shows_the_attainment_t_score(therapist_client: Client, goal: Goal) -> None:
    levels = {"much_less": "a", "less": "b", "expected": "c", "more": "d", "much_more": "e"}
    therapist_client.post(
        reverse("care:goal_scale", args=[goal.uuid]), {**levels, "weight": 1, "attained": "2"}
    )
    page = therapist_client.get(reverse("care:patient_detail", args=[goal.episode.patient.uuid]))
    # One goal at +2: T = 50 + 10·2 / √(0.7 + 0.3) = 70.
    assert "Goal Attainment Scaling T-score: 70.0, over 1 rated goal" in page.text


def test_record_an_acknowledgement_given_in_session(
    therapist: User, therapist_client: Client, episode: Episode
) -> None:
    version = make_frame_version(episode=episode)
    page = therapist_client.get(reverse("care:patient_detail", args=[episode.patient.uuid]))
    assert "The patient acknowledged it in session" in page.text
    response = therapist_client.post(reverse("care:record_acknowledgement", args=[episode.uuid]))
    assert response.status_code == 302
    assert version.acknowledgement.recorded_by == therapist


def test_record_an_acknowledgement_without_a_frame(
    therapist_client: Client, episode: Episode
) -> None:
    response = therapist_client.post(
        reverse("care:record_acknowledgement", args=[episode.uuid]), follow=True
    )
    assert "There is no therapy frame to acknowledge yet." in response.text
    assert not FrameAcknowledgement.objects.exists()


def test_goal_history_shows_the_wording_before_and_after_a_revision(
    therapist_client: Client, goal: Goal
) -> None:
    therapist_client.post(
        reverse("care:revise_goal", args=[goal.uuid]),
        {"patient_wording": "Sleep 7 hours", "therapist_wording": "Same", "reason": "Clearer"},
    )
    response = therapist_client.get(
        reverse("care:patient_detail", args=[goal.episode.patient.uuid])
    )
    html = response.content.decode()
    assert "Patient's words: “Sleep better” became “Sleep 7 hours”" in html
    assert "“Restore a regular sleep pattern” became “Same”" in html
