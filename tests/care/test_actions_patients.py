from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.care import actions
from alliance.care.models import Approach, CareTeamRole, Episode, Modality, Patient
from alliance.errors import ActionRefused
from tests.care.conftest import audit_actions
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _create(by: User, **overrides: object) -> Patient:
    values: dict[str, object] = {
        "display_name": "  M. D.  ",
        "preferred_language": "en",
        "contact_email": " MD@Example.org ",
        "country": "",
        "started_on": timezone.localdate(),
        "approach": Approach.CBT,
        "modality": Modality.VIDEO,
        **overrides,
    }
    return actions.create_patient(by=by, **values)  # type: ignore[arg-type]


def test_create_patient_makes_the_therapist_lead_and_opens_an_episode(therapist: User) -> None:
    patient = _create(therapist)
    assert patient.display_name == "M. D."
    assert patient.contact_email == "md@example.org"
    assert patient.country == therapist.clinic.country
    member = patient.care_team.get()
    assert (member.therapist, member.role) == (therapist, CareTeamRole.LEAD)
    assert patient.episodes.get().is_open
    assert audit_actions() == ["care.patient_created", "care.episode_opened"]


def test_create_patient_audit_holds_no_name(therapist: User) -> None:
    patient = _create(therapist)
    for event in AuditEvent.objects.all():
        assert "M. D." not in str(event.data)
        assert event.data["patient"] == str(patient.uuid)
        assert event.actor_id == therapist.uuid


def test_create_patient_refuses_a_blank_name_and_changes_nothing(therapist: User) -> None:
    with pytest.raises(ActionRefused) as refusal:
        _create(therapist, display_name="   ")
    assert refusal.value.code == "no_name"
    assert not Patient.objects.exists()
    assert not AuditEvent.objects.exists()


def test_create_patient_refuses_someone_who_is_not_a_therapist(supervisor: User) -> None:
    with pytest.raises(ActionRefused):
        _create(supervisor)
    assert not Patient.objects.exists()


def test_update_patient_audits_field_names_only(therapist: User, patient: Patient) -> None:
    actions.update_patient(
        patient=patient,
        display_name="Secret Name",
        preferred_language="en",
        contact_email="",
        country="be",
        by=therapist,
    )
    patient.refresh_from_db()
    assert (patient.display_name, patient.country) == ("Secret Name", "BE")
    event = AuditEvent.objects.get(action="care.patient_updated")
    assert set(event.data["fields"]) == {"display_name", "preferred_language", "country"}
    assert "Secret" not in str(event.data)


def test_share_patient_adds_the_colleague(
    therapist: User, colleague: User, patient: Patient
) -> None:
    actions.share_patient(patient=patient, colleague=colleague, by=therapist)
    assert patient.care_team.get(therapist=colleague).role == CareTeamRole.SHARED
    event = AuditEvent.objects.get(action="care.patient_shared")
    assert event.data["colleague"] == str(colleague.uuid)


@pytest.mark.parametrize("who", ["outsider", "supervisor", "inactive", "therapist"])
def test_share_patient_refuses_bad_colleagues(
    request: pytest.FixtureRequest, who: str, therapist: User, patient: Patient
) -> None:
    if who == "inactive":
        colleague = make_user(clinic=therapist.clinic, is_active=False)
    else:
        colleague = request.getfixturevalue(who)
    with pytest.raises(ActionRefused):
        actions.share_patient(patient=patient, colleague=colleague, by=therapist)
    assert patient.care_team.count() == 1
    assert not AuditEvent.objects.filter(action="care.patient_shared").exists()


def test_open_episode_refuses_a_second_open_episode(therapist: User, patient: Patient) -> None:
    with pytest.raises(ActionRefused) as refusal:
        actions.open_episode(
            patient=patient,
            started_on=timezone.localdate(),
            approach=Approach.CBT,
            modality=Modality.PHONE,
            by=therapist,
        )
    assert refusal.value.code == "episode_open"
    assert patient.episodes.count() == 1


def test_close_then_open_episode(therapist: User, patient: Patient, episode: Episode) -> None:
    actions.close_episode(episode=episode, ended_on=timezone.localdate(), by=therapist)
    episode.refresh_from_db()
    assert not episode.is_open
    assert episode.closed_by == therapist
    actions.open_episode(
        patient=patient,
        started_on=timezone.localdate(),
        approach=Approach.SYSTEMIC,
        modality=Modality.IN_PERSON,
        by=therapist,
    )
    assert patient.episodes.filter(closed_at__isnull=True).count() == 1
    assert "care.episode_closed" in audit_actions()


@pytest.mark.parametrize(("days", "code"), [(-1000, "ends_before_start"), (3, "ends_in_future")])
def test_close_episode_refuses_bad_dates(
    therapist: User, episode: Episode, days: int, code: str
) -> None:
    with pytest.raises(ActionRefused) as refusal:
        actions.close_episode(
            episode=episode, ended_on=timezone.localdate() + timedelta(days=days), by=therapist
        )
    assert refusal.value.code == code
    episode.refresh_from_db()
    assert episode.is_open


def test_close_episode_twice_is_refused(therapist: User, episode: Episode) -> None:
    actions.close_episode(episode=episode, ended_on=timezone.localdate(), by=therapist)
    with pytest.raises(ActionRefused) as refusal:
        actions.close_episode(episode=episode, ended_on=timezone.localdate(), by=therapist)
    assert refusal.value.code == "episode_closed"
