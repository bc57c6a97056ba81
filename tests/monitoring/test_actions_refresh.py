"""refresh_patient_signals: from check-ins to stored signals, repairs opened and resolved."""

from __future__ import annotations

from typing import Any

import pytest

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.care.models import Attendance, Patient
from alliance.monitoring import actions
from alliance.monitoring.models import Repair, Resolution, StoredSignal
from tests.care.factories import make_goal, open_episode_of
from tests.monitoring.factories import add_checkin, add_session, steady_history


def _rules(patient: Patient) -> set[tuple[str, str]]:
    return set(StoredSignal.objects.filter(patient=patient).values_list("rule", "dimension"))


def test_a_sharp_drop_on_the_bond_opens_one_repair(patient: Patient) -> None:
    steady_history(patient)
    add_checkin(patient, days_ago=20, bond=2)
    result = actions.refresh_patient_signals(patient=patient)
    assert {("reliable_drop", "bond"), ("dip_2sd", "bond")} <= _rules(patient)
    assert result.repairs_opened == 1
    repair = Repair.objects.get()
    assert repair.is_open
    assert repair.status == "detected"
    assert {s.dimension for s in repair.signals.all()} == {"bond", "overall"}
    # Information-only rules never join a repair.
    assert not repair.signals.filter(severity="info").exists()


def test_refreshing_again_changes_nothing(patient: Patient) -> None:
    steady_history(patient)
    add_checkin(patient, days_ago=20, bond=2)
    actions.refresh_patient_signals(patient=patient)
    before = list(StoredSignal.objects.order_by("pk").values_list("pk", "computed_at"))
    result = actions.refresh_patient_signals(patient=patient)
    assert (result.created, result.updated, result.removed, result.repairs_opened) == (0, 0, 0, 0)
    assert list(StoredSignal.objects.order_by("pk").values_list("pk", "computed_at")) == before
    assert Repair.objects.count() == 1


def test_a_steady_patient_raises_no_rupture(patient: Patient) -> None:
    steady_history(patient, count=8)
    actions.refresh_patient_signals(patient=patient)
    assert not StoredSignal.objects.filter(is_rupture=True).exclude(severity="info").exists()
    assert not Repair.objects.exists()


def test_the_next_good_checkin_resolves_it_ratings_back(patient: Patient) -> None:
    steady_history(patient)
    add_checkin(patient, days_ago=20, bond=2)
    actions.refresh_patient_signals(patient=patient)
    good = add_checkin(patient, days_ago=13)
    result = actions.refresh_patient_signals(patient=patient, at_checkin=good)
    assert result.repairs_resolved == 1
    repair = Repair.objects.get()
    assert repair.resolution == Resolution.RATINGS_BACK
    assert repair.resolved_checkin_id == good.pk
    assert repair.resolved_at == good.submitted_at


def test_still_low_stays_open(patient: Patient) -> None:
    steady_history(patient)
    add_checkin(patient, days_ago=20, bond=2)
    actions.refresh_patient_signals(patient=patient)
    low = add_checkin(patient, days_ago=13, bond=3)
    actions.refresh_patient_signals(patient=patient, at_checkin=low)
    assert Repair.objects.get().is_open


def test_talked_through_in_the_next_checkin_resolves_it(patient: Patient) -> None:
    steady_history(patient)
    add_checkin(patient, days_ago=20, tension=1, intensity=6)
    actions.refresh_patient_signals(patient=patient)
    assert ("tension", "overall") in _rules(patient)
    talked = add_checkin(patient, days_ago=13, tension=1, intensity=2, talked=2)
    actions.refresh_patient_signals(patient=patient, at_checkin=talked)
    assert Repair.objects.order_by("opened_at").first().resolution == Resolution.TALKED_THROUGH  # type: ignore[union-attr]


def test_partly_talked_through_is_not_a_repair(patient: Patient) -> None:
    steady_history(patient)
    add_checkin(patient, days_ago=20, tension=1, intensity=6, talked=1)
    actions.refresh_patient_signals(patient=patient)
    repair = Repair.objects.get()
    assert repair.is_open


def test_a_goal_no_longer_owned_names_its_goal(patient: Patient) -> None:
    goal = make_goal(episode=open_episode_of(patient))
    add_checkin(patient, days_ago=30, goals={goal.uuid: 9})
    add_checkin(patient, days_ago=23, goals={goal.uuid: 2})
    actions.refresh_patient_signals(patient=patient)
    signal = StoredSignal.objects.get(rule="goal_not_owned")
    assert signal.subject == str(goal.uuid)
    owned_again = add_checkin(patient, days_ago=16, goals={goal.uuid: 8})
    actions.refresh_patient_signals(patient=patient, at_checkin=owned_again)
    assert Repair.objects.get().resolution == Resolution.RATINGS_BACK


def test_discrepancy_safety_and_attendance(patient: Patient, therapist: User) -> None:
    add_checkin(
        patient,
        days_ago=30,
        goal=3,
        therapist=therapist,
        mirror={"goal": 9.0, "task": 8.0, "bond": 8.0, "overall": 8.0},
        phq9=14,
        safety=True,
    )
    add_session(patient, days_ago=23)
    add_session(patient, days_ago=16)
    actions.refresh_patient_signals(patient=patient)
    rules = _rules(patient)
    assert ("discrepancy", "goal") in rules
    assert ("safety", "outcome") in rules
    assert ("missed_checkins", "attendance") in rules
    discrepancy = StoredSignal.objects.get(rule="discrepancy")
    assert discrepancy.respondent == "both"
    assert discrepancy.severity == "warning"


def test_cancellations_are_counted(patient: Patient) -> None:
    add_checkin(patient, days_ago=30)
    add_session(patient, days_ago=23, attendance=Attendance.CANCELLED)
    add_session(patient, days_ago=16, attendance=Attendance.MISSED)
    actions.refresh_patient_signals(patient=patient)
    assert ("cancellations", "attendance") in _rules(patient)


def test_future_sessions_are_ignored(patient: Patient) -> None:
    steady_history(patient, count=3)
    add_session(patient, days_ago=-7, attendance=Attendance.PLANNED)
    actions.refresh_patient_signals(patient=patient)
    assert not StoredSignal.objects.filter(rule="missed_checkins").exists()


def test_no_checkin_no_signal(patient: Patient) -> None:
    result = actions.refresh_patient_signals(patient=patient)
    assert result.created == 0


def test_the_refresh_is_audited_without_names(patient: Patient) -> None:
    steady_history(patient, count=3)
    actions.refresh_patient_signals(patient=patient)
    event = AuditEvent.objects.filter(action="monitoring.signals_refreshed").get()
    assert event.data["patient"] == str(patient.uuid)
    assert patient.display_name not in str(event.data)


def test_stale_signals_go_unless_the_repair_was_worked_on(
    patient: Patient, therapist: User, clinic: Any
) -> None:
    steady_history(patient)
    add_checkin(patient, days_ago=20, bond=2)
    actions.refresh_patient_signals(patient=patient)
    # The clinic switches the score rules off: the unworked repair goes with them.
    from alliance.monitoring.trajectories import settings_of

    settings = settings_of(clinic)
    settings.overrides = {"enabled_rules": ["tension", "safety"]}
    settings.save()
    result = actions.refresh_patient_signals(patient=patient)
    assert result.removed >= 4
    assert not Repair.objects.exists()


def test_a_worked_on_repair_is_kept(patient: Patient, therapist: User, clinic: Any) -> None:
    steady_history(patient)
    add_checkin(patient, days_ago=20, bond=2)
    actions.refresh_patient_signals(patient=patient)
    repair = Repair.objects.get()
    actions.plan_repair(repair=repair, strategy="validate", note="", by=therapist)  # type: ignore[arg-type]
    from alliance.monitoring.trajectories import settings_of

    settings = settings_of(clinic)
    settings.overrides = {"enabled_rules": ["tension"]}
    settings.save()
    actions.refresh_patient_signals(patient=patient)
    assert Repair.objects.filter(pk=repair.pk).exists()
    assert repair.signals.exists()


@pytest.mark.parametrize("sessions", [4, 24])
def test_refresh_costs_a_fixed_number_of_queries(
    patient: Patient, sessions: int, django_assert_max_num_queries: Any
) -> None:
    steady_history(patient, count=sessions, start_days_ago=7 * sessions + 10)
    last = add_checkin(patient, days_ago=3, bond=2)
    actions.refresh_patient_signals(patient=patient)  # calibrates the clinic once
    with django_assert_max_num_queries(30):
        actions.refresh_patient_signals(patient=patient, at_checkin=last)


def test_a_whole_history_keeps_separate_ruptures_apart(patient: Patient) -> None:
    steady_history(patient, count=5, start_days_ago=120)
    add_checkin(patient, days_ago=85, bond=2)  # rupture 1
    for days in (78, 71, 64, 57):
        add_checkin(patient, days_ago=days)  # repaired at once
    add_checkin(patient, days_ago=50, task=2)  # rupture 2
    actions.refresh_patient_signals(patient=patient)
    repairs = list(Repair.objects.order_by("opened_at"))
    assert len(repairs) == 2
    assert not repairs[0].is_open
    assert repairs[1].is_open


def test_a_rupture_that_goes_on_stays_one_repair(patient: Patient) -> None:
    steady_history(patient)
    add_checkin(patient, days_ago=20, bond=2)
    add_checkin(patient, days_ago=13, bond=2, task=2)
    actions.refresh_patient_signals(patient=patient)
    assert Repair.objects.count() == 1
