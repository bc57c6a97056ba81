from __future__ import annotations

import uuid

import pytest
from django.http import Http404

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.care import access, actions
from alliance.care.models import Episode, Goal, Patient
from tests.care.factories import make_patient, make_session, make_task

pytestmark = pytest.mark.django_db


def test_therapists_see_only_their_own_patients(
    therapist: User, colleague: User, patient: Patient
) -> None:
    make_patient(therapist=colleague, display_name="Colette's")
    assert list(access.patients_for(therapist)) == [patient]


def test_a_shared_patient_is_seen_by_both(
    therapist: User, colleague: User, patient: Patient
) -> None:
    actions.share_patient(patient=patient, colleague=colleague, by=therapist)
    assert list(access.patients_for(colleague)) == [patient]
    assert access.patient_for(colleague, patient.uuid) == patient


def test_a_member_moved_to_another_clinic_loses_access(
    therapist: User, patient: Patient, other_clinic: object
) -> None:
    therapist.clinic = other_clinic  # type: ignore[assignment]
    therapist.save()
    assert not access.patients_for(therapist).exists()


def test_list_patients_searches_and_audits(therapist: User, patient: Patient) -> None:
    make_patient(therapist=therapist, display_name="Zoé K.")
    assert [p.display_name for p in access.list_patients(therapist, search="zo")] == ["Zoé K."]
    event = AuditEvent.objects.get(action="care.patients_listed")
    assert event.data == {"count": 1, "searched": True}


def test_patient_for_audits_the_read(therapist: User, patient: Patient) -> None:
    access.patient_for(therapist, patient.uuid)
    event = AuditEvent.objects.get(action="care.patient_read")
    assert event.target_id == str(patient.uuid)
    assert event.actor_id == therapist.uuid


@pytest.mark.parametrize("who", ["colleague", "outsider", "supervisor"])
def test_everything_is_404_outside_the_care_team(
    request: pytest.FixtureRequest, who: str, episode: Episode, goal: Goal
) -> None:
    user = request.getfixturevalue(who)
    patient = episode.patient
    session, task = make_session(episode=episode), make_task(goal=goal)
    lookups = [
        (access.patient_for, patient.uuid),
        (access.episode_for, episode.uuid),
        (access.session_for, session.uuid),
        (access.goal_for, goal.uuid),
        (access.task_for, task.uuid),
    ]
    for lookup, key in lookups:
        with pytest.raises(Http404):
            lookup(user, key)
    assert not AuditEvent.objects.filter(action="care.patient_read").exists()


def test_unknown_uuid_is_404(therapist: User) -> None:
    with pytest.raises(Http404):
        access.goal_for(therapist, uuid.uuid4())


def test_each_lookup_audits_with_the_patient(therapist: User, episode: Episode, goal: Goal) -> None:
    task = make_task(goal=goal)
    assert access.task_for(therapist, task.uuid) == task
    event = AuditEvent.objects.get(action="care.patient_read")
    assert event.target_id == str(episode.patient.uuid)
    assert event.data == {"what": "task", "object": str(task.uuid)}
