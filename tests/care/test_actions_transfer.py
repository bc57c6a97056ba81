"""An administrator transfers a departing therapist's patients to a colleague."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.http import Http404

from alliance.accounts.models import Clinic, Role, User
from alliance.audit.models import AuditEvent
from alliance.care import access, actions
from alliance.care.models import CareTeamMember, CareTeamRole, Patient
from alliance.errors import ActionRefused
from tests.care.factories import make_care_team_member, make_patient
from tests.factories import make_user


def care_teams() -> list[tuple[int, int, str]]:
    return sorted(CareTeamMember.objects.values_list("patient_id", "therapist_id", "role"))


def lead_of(patient: Patient) -> User:
    return patient.care_team.get(role=CareTeamRole.LEAD).therapist


@pytest.fixture
def caseload(therapist: User) -> list[Patient]:
    return [make_patient(therapist=therapist) for _ in range(2)]


def test_the_colleague_becomes_lead_and_the_therapist_leaves(
    caseload: list[Patient], therapist: User, colleague: User, administrator: User
) -> None:
    moved = actions.transfer_lead_patients(
        departing=therapist, successor=colleague, by=administrator
    )
    assert moved == 2
    for patient in caseload:
        assert lead_of(patient) == colleague
        assert not patient.care_team.filter(therapist=therapist).exists()
        assert access.patient_for(colleague, patient.uuid) == patient
        with pytest.raises(Http404):
            access.patient_for(therapist, patient.uuid)
    new_lead = CareTeamMember.objects.get(patient=caseload[0], therapist=colleague)
    assert new_lead.added_by == administrator


def test_each_patient_is_audited_without_names(
    caseload: list[Patient], therapist: User, colleague: User, administrator: User
) -> None:
    actions.transfer_lead_patients(departing=therapist, successor=colleague, by=administrator)
    events = AuditEvent.objects.filter(action="care.lead_therapist_transferred")
    assert sorted(event.target_id for event in events) == sorted(str(p.uuid) for p in caseload)
    for event in events:
        assert event.actor_id == administrator.uuid
        assert event.clinic_id == therapist.clinic.uuid
        assert event.data == {
            "patient": event.target_id,
            "from": str(therapist.uuid),
            "to": str(colleague.uuid),
            "was_shared": False,
        }
    text = str([event.data for event in events])
    assert all(p.display_name not in text for p in caseload)
    assert therapist.full_name not in text


def test_a_colleague_who_shared_the_patient_is_promoted(
    caseload: list[Patient], therapist: User, colleague: User, administrator: User
) -> None:
    make_care_team_member(patient=caseload[0], therapist=colleague)
    third = make_user(clinic=therapist.clinic, email="tiers@riviere.example")
    make_care_team_member(patient=caseload[0], therapist=third)
    actions.transfer_lead_patients(departing=therapist, successor=colleague, by=administrator)
    assert list(caseload[0].care_team.values_list("therapist", "role")) == [
        (colleague.pk, CareTeamRole.LEAD),
        (third.pk, CareTeamRole.SHARED),
    ]
    event = AuditEvent.objects.get(target_id=str(caseload[0].uuid))
    assert event.data["was_shared"] is True


def test_patients_led_by_others_are_not_touched(
    therapist: User, colleague: User, administrator: User
) -> None:
    theirs = make_patient(therapist=administrator)
    make_care_team_member(patient=theirs, therapist=therapist)
    before = care_teams()
    assert (
        actions.transfer_lead_patients(departing=therapist, successor=colleague, by=administrator)
        == 0
    )
    assert care_teams() == before


def test_a_second_submission_changes_nothing(
    caseload: list[Patient], therapist: User, colleague: User, administrator: User
) -> None:
    actions.transfer_lead_patients(departing=therapist, successor=colleague, by=administrator)
    before, records = care_teams(), AuditEvent.objects.count()
    again = actions.transfer_lead_patients(
        departing=therapist, successor=colleague, by=administrator
    )
    assert again == 0
    assert care_teams() == before
    assert AuditEvent.objects.count() == records


def test_it_works_for_a_deactivated_therapist_or_one_without_the_role(
    caseload: list[Patient], therapist: User, colleague: User, administrator: User
) -> None:
    therapist.is_active = False
    therapist.is_therapist = False
    therapist.save()
    assert (
        actions.transfer_lead_patients(departing=therapist, successor=colleague, by=administrator)
        == 2
    )


def test_it_is_one_transaction(
    caseload: list[Patient], therapist: User, colleague: User, administrator: User
) -> None:
    before, records = care_teams(), AuditEvent.objects.count()
    from alliance.care.actions import common

    calls = {"n": 0}
    real = common.record

    def fail_on_the_second(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    with mock.patch.object(common, "record", fail_on_the_second), pytest.raises(RuntimeError):
        actions.transfer_lead_patients(departing=therapist, successor=colleague, by=administrator)
    assert care_teams() == before
    assert AuditEvent.objects.count() == records


def _successor(kind: str, therapist: User, outsider: User, supervisor: User) -> User:
    if kind == "self":
        return therapist
    if kind == "other_clinic":
        return outsider
    if kind == "not_therapist":
        return supervisor
    inactive = make_user(clinic=therapist.clinic, email="parti@riviere.example")
    inactive.is_active = False
    inactive.save()
    return inactive


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("self", "same_therapist"),
        ("other_clinic", "not_active_therapist"),
        ("not_therapist", "not_active_therapist"),
        ("inactive", "not_active_therapist"),
    ],
)
def test_the_successor_must_be_an_active_therapist_of_the_clinic(
    caseload: list[Patient],
    therapist: User,
    outsider: User,
    supervisor: User,
    administrator: User,
    kind: str,
    code: str,
) -> None:
    before, records = care_teams(), AuditEvent.objects.count()
    successor = _successor(kind, therapist, outsider, supervisor)
    with pytest.raises(ActionRefused) as refusal:
        actions.transfer_lead_patients(departing=therapist, successor=successor, by=administrator)
    assert refusal.value.code == code
    assert str(refusal.value.message).endswith(".")
    assert care_teams() == before
    assert AuditEvent.objects.count() == records


def test_only_an_administrator_of_the_clinic_may_transfer(
    caseload: list[Patient], therapist: User, colleague: User, other_clinic: Clinic
) -> None:
    foreign_admin = make_user(
        clinic=other_clinic, email="admin@montagne.example", roles=(Role.ADMINISTRATOR,)
    )
    before = care_teams()
    for by in (colleague, foreign_admin):
        with pytest.raises(ActionRefused) as refusal:
            actions.transfer_lead_patients(departing=therapist, successor=colleague, by=by)
        assert refusal.value.code == "not_administrator"
    assert care_teams() == before
