"""The therapist's side of the repair loop: plan, record, close, share."""

from __future__ import annotations

import pytest

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.care.models import Patient
from alliance.errors import ActionRefused
from alliance.monitoring import actions
from alliance.monitoring.models import Repair, RepairStatus, Resolution, Strategy
from alliance.monitoring.reading import changes_to_share
from tests.monitoring.factories import add_checkin, add_session, steady_history


@pytest.fixture
def repair(patient: Patient) -> Repair:
    steady_history(patient)
    add_checkin(patient, days_ago=20, bond=2)
    actions.refresh_patient_signals(patient=patient)
    return Repair.objects.get()


def test_plan_then_address(repair: Repair, therapist: User, patient: Patient) -> None:
    actions.plan_repair(
        repair=repair, strategy=Strategy.METACOMMUNICATION, note=" Ask ", by=therapist
    )
    repair.refresh_from_db()
    assert repair.status == RepairStatus.PLANNED
    assert repair.note == "Ask"
    session = add_session(patient, days_ago=13)
    actions.record_addressed(repair=repair, session=session, by=therapist)
    repair.refresh_from_db()
    assert repair.status == RepairStatus.ADDRESSED
    assert repair.addressed_session == session
    actions_logged = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"monitoring.repair_planned", "monitoring.repair_addressed"} <= actions_logged


def test_addressing_needs_a_plan(repair: Repair, therapist: User, patient: Patient) -> None:
    with pytest.raises(ActionRefused) as refusal:
        actions.record_addressed(
            repair=repair, session=add_session(patient, days_ago=13), by=therapist
        )
    assert refusal.value.code == "repair_not_planned"


def test_addressing_needs_a_later_session_of_the_patient(
    repair: Repair, therapist: User, patient: Patient, other_patient: Patient
) -> None:
    actions.plan_repair(repair=repair, strategy=Strategy.VALIDATE, note="", by=therapist)
    with pytest.raises(ActionRefused):
        actions.record_addressed(
            repair=repair, session=add_session(patient, days_ago=60), by=therapist
        )
    with pytest.raises(ActionRefused):
        actions.record_addressed(
            repair=repair, session=add_session(other_patient, days_ago=1), by=therapist
        )


def test_close_needs_a_reason(repair: Repair, therapist: User) -> None:
    with pytest.raises(ActionRefused):
        actions.close_repair(repair=repair, reason="  ", by=therapist)
    actions.close_repair(repair=repair, reason="False alarm: a bad day.", by=therapist)
    repair.refresh_from_db()
    assert repair.resolution == Resolution.CLOSED
    assert repair.resolved_by == therapist
    with pytest.raises(ActionRefused):
        actions.plan_repair(repair=repair, strategy=Strategy.OTHER, note="", by=therapist)


def test_a_closed_repair_is_not_reopened_by_the_engine(
    repair: Repair, therapist: User, patient: Patient
) -> None:
    actions.close_repair(repair=repair, reason="False alarm.", by=therapist)
    actions.refresh_patient_signals(patient=patient)
    repair.refresh_from_db()
    assert repair.resolution == Resolution.CLOSED


def test_share_you_said_we_changed(repair: Repair, therapist: User, patient: Patient) -> None:
    assert changes_to_share(patient) == []
    with pytest.raises(ActionRefused):
        actions.share_change(
            repair=repair, you_said="Too fast", we_changed="", share=True, by=therapist
        )
    actions.share_change(
        repair=repair,
        you_said="The exercises went too fast.",
        we_changed="We take one exercise per session.",
        share=True,
        by=therapist,
    )
    assert changes_to_share(patient) == [
        {
            "you_said": "The exercises went too fast.",
            "we_changed": "We take one exercise per session.",
        }
    ]
    actions.share_change(repair=repair, you_said="x", we_changed="y", share=False, by=therapist)
    assert changes_to_share(patient) == []
