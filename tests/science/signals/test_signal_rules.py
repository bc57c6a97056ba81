"""Every rule of the signal engine on hand-built trajectories.

The scale used throughout is the project's 0–10 check-in item with SD₁ = 2 and
r_xx = 0.8, so that SE = 2·√0.2 = 0.894 and the reliable-change cut-off is
1.96·√2·0.894 = 2.48 points (clinical reference §4).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from alliance.science.signals import (
    DEFAULT_CONFIG,
    Attendance,
    Scale,
    Severity,
    Signal,
    Trajectory,
    detect_history,
    detect_signals,
    fit_expected_trajectory,
)

SCALE = Scale(minimum=0, maximum=10, reliability=0.8, sd=2.0)
NAN = float("nan")


def patient_bond(*scores: float, **extra: object) -> Trajectory:
    values = np.array(scores, dtype=float)
    arrays = {k: np.asarray(v, dtype=float) if k != "attendance" else v for k, v in extra.items()}
    return Trajectory(
        sessions=np.arange(1, len(values) + 1, dtype=float),
        scores={("patient", "bond"): values},
        **arrays,  # type: ignore[arg-type]
    )


def rules_of(signals: list[Signal]) -> set[tuple[str, int]]:
    return {(signal.rule, signal.session) for signal in signals}


def test_the_reliable_change_cutoff_used_in_these_tests() -> None:
    assert SCALE.reliable_change() == pytest.approx(2.479, abs=1e-3)


# --- not enough data ------------------------------------------------------- #


@pytest.mark.parametrize("scores", [(8.0,), (8.0, 1.0), (NAN, 1.0), (9.0, 0.0)])
def test_one_or_two_sessions_never_raise_a_score_alarm(scores: tuple[float, ...]) -> None:
    detection = detect_signals(patient_bond(*scores), SCALE)
    assert detection.signals == []
    waiting = {entry.rule for entry in detection.not_enough_data}
    assert {"reliable_drop", "dip_1sd", "dip_2sd", "sudden_loss", "ceiling_drop"} <= waiting


def test_not_enough_data_says_how_much_is_needed() -> None:
    detection = detect_signals(patient_bond(8, 8), SCALE)
    dip = next(entry for entry in detection.not_enough_data if entry.rule == "dip_2sd")
    assert (dip.available, dip.needed, dip.dimension, dip.respondent) == (1, 3, "bond", "patient")


def test_empty_trajectory_gives_nothing() -> None:
    detection = detect_signals(Trajectory(sessions=np.zeros(0)), SCALE)
    assert detection.signals == []
    assert detection.not_enough_data == []


# --- reliable drop ---------------------------------------------------------- #


def test_reliable_drop_fires_on_a_drop_from_the_patients_level() -> None:
    # Level = mean(8, 8) = 8 over n = 2 sessions; cut-off z·SE·√(1 + 1/n) =
    # 1.96·0.894·√1.5 = 2.147 points. 8 → 5 is a drop of 3.
    signals = detect_signals(patient_bond(8, 8, 5), SCALE).signals
    drop = next(s for s in signals if s.rule == "reliable_drop")
    assert drop.magnitude == 3.0
    assert drop.evidence["threshold"] == pytest.approx(2.147, abs=1e-3)
    assert drop.evidence["reference_sessions"] == 2.0
    assert drop.severity == Severity.WARNING
    assert drop.heuristic is False
    assert "Jacobson" in drop.source


def test_reliable_drop_from_the_previous_score_is_jacobson_truax() -> None:
    # With one reference score the cut-off is z·√2·SE = 2.479 (reference §4):
    # 9, 6, 4 is a drop of 2 from the previous score (not reliable) but of 3.5
    # from the level 7.5 (reliable, cut-off 2.147).
    config = replace(DEFAULT_CONFIG, reliable_drop_from="previous")
    previous = detect_signals(patient_bond(9, 6, 4), SCALE, config).signals
    assert "reliable_drop" not in {s.rule for s in previous}
    assert detect_signals(patient_bond(8, 8, 5), SCALE, config).signals[0].evidence[
        "threshold"
    ] == pytest.approx(2.479, abs=1e-3)
    level = detect_signals(patient_bond(9, 6, 4), SCALE).signals
    assert "reliable_drop" in {s.rule for s in level}


def test_reliable_drop_ignores_a_drop_below_the_cutoff() -> None:
    signals = detect_signals(patient_bond(8, 8, 6), SCALE).signals
    assert "reliable_drop" not in {s.rule for s in signals}


def test_reliable_drop_compares_with_the_last_observed_score_across_a_missing_item() -> None:
    signals = detect_signals(patient_bond(8, 8, NAN, 5), SCALE).signals
    assert ("reliable_drop", 3) in rules_of(signals)


def test_a_missing_item_raises_nothing() -> None:
    assert detect_signals(patient_bond(8, 8, 8, NAN), SCALE).signals == []


# --- dips below the patient's own level -------------------------------------- #


def test_dips_of_one_and_two_pooled_sds() -> None:
    # Baseline 7, 8, 7, 8: mean 7.5, patient variance 1/3 (3 df); clinic SD = SE = 0.894
    # (variance 0.8, weight 4): pooled SD = √((3·1/3 + 4·0.8)/7) = √0.6 = 0.775.
    # A 5 is (7.5 − 5)/0.775 = 3.23 SD below: both dips. A 6.5 is 1.29 SD: only 1 SD.
    deep = detect_signals(patient_bond(7, 8, 7, 8, 5), SCALE).signals
    dip = next(s for s in deep if s.rule == "dip_2sd")
    assert dip.evidence["pooled_sd"] == pytest.approx(0.7746, abs=1e-4)
    assert dip.evidence["depth_sd"] == pytest.approx(3.227, abs=1e-3)
    assert {"dip_1sd", "dip_2sd"} <= {s.rule for s in deep}
    shallow = {s.rule for s in detect_signals(patient_bond(7, 8, 7, 8, 6.5), SCALE).signals}
    assert "dip_1sd" in shallow
    assert "dip_2sd" not in shallow


def test_one_sd_dip_is_information_only_by_default() -> None:
    signals = detect_signals(patient_bond(7, 8, 7, 8, 6.5), SCALE).signals
    assert next(s for s in signals if s.rule == "dip_1sd").severity == Severity.INFO


def test_dips_need_three_earlier_sessions() -> None:
    assert "dip_2sd" not in {s.rule for s in detect_signals(patient_bond(8, 8, 2), SCALE).signals}


def test_a_patient_always_at_ten_is_not_alarmed_by_a_one_point_dip() -> None:
    # Patient SD is 0, but the clinic SD keeps the pooled SD at √(4·0.8/(7+4)) = 0.54:
    # a 9 is 1.85 SD below 10, under the 2-SD rule.
    signals = detect_signals(patient_bond(10, 10, 10, 10, 10, 10, 10, 10, 9), SCALE).signals
    assert "dip_2sd" not in {s.rule for s in signals}


# --- sudden loss -------------------------------------------------------------- #


def test_sudden_loss_is_detected_when_the_third_session_after_it_arrives() -> None:
    # 8, 8, 8 → 4, 4, 4: loss of 4 ≥ 2.48 and ≥ 25 % of 8, means 8 vs 4 with SD 0.
    trajectory = patient_bond(8, 8, 8, 4, 4, 4)
    loss = next(s for s in detect_signals(trajectory, SCALE).signals if s.rule == "sudden_loss")
    assert (loss.session, loss.detected_at, loss.magnitude) == (3, 5, 4.0)
    before = detect_signals(trajectory, SCALE, at=4).signals
    assert "sudden_loss" not in {s.rule for s in before}


def test_a_drop_that_recovers_at_once_is_not_a_sudden_loss() -> None:
    history = detect_history(patient_bond(8, 8, 8, 4, 8, 8), SCALE)
    assert "sudden_loss" not in {s.rule for s in history}


# --- small drop from a high level --------------------------------------------- #


def test_ceiling_drop_on_a_one_point_fall_from_the_top() -> None:
    # High level: ≥ 0 + 0.9·10 = 9. Small drop: ≥ 10/40 = 0.25 point.
    signals = detect_signals(patient_bond(10, 10, 9), SCALE).signals
    drop = next(s for s in signals if s.rule == "ceiling_drop")
    assert drop.heuristic is True
    assert drop.severity == Severity.INFO
    low = detect_signals(patient_bond(8, 8, 7), SCALE).signals
    assert "ceiling_drop" not in {s.rule for s in low}


# --- low level ------------------------------------------------------------------ #


def test_low_level_needs_a_cutoff_and_fires_from_the_first_session() -> None:
    srs = Scale(minimum=0, maximum=40, reliability=0.9, sd=5.0, low_cutoff=36)
    signals = detect_signals(patient_bond(34), srs).signals
    assert [(s.rule, s.magnitude) for s in signals] == [("low_level", 2.0)]
    assert detect_signals(patient_bond(4), SCALE).signals == []


# --- patient-reported tension ------------------------------------------------------ #


def test_tension_warning_urgent_and_talked_through() -> None:
    plain = detect_signals(patient_bond(8, tension=[1.0]), SCALE).signals
    assert [(s.rule, s.severity) for s in plain] == [("tension", Severity.WARNING)]
    strong = detect_signals(patient_bond(8, tension=[1.0], tension_intensity=[9.0]), SCALE)
    assert strong.signals[0].severity == Severity.URGENT
    talked = detect_signals(patient_bond(8, tension=[1.0], talked_through=[1.0]), SCALE)
    assert talked.signals[0].severity == Severity.INFO


def test_no_tension_or_unanswered_tension_raises_nothing() -> None:
    assert detect_signals(patient_bond(8, 8, tension=[1.0, 0.0]), SCALE).signals == []
    assert detect_signals(patient_bond(8, 8, tension=[1.0, NAN]), SCALE).signals == []


# --- therapist–patient discrepancy -------------------------------------------------- #


def both_views(patient: list[float], therapist: list[float]) -> Trajectory:
    return Trajectory(
        sessions=np.arange(len(patient), dtype=float),
        scores={
            ("patient", "goal"): np.array(patient, dtype=float),
            ("therapist", "goal"): np.array(therapist, dtype=float),
        },
    )


def test_discrepancy_patient_lower_is_a_warning_higher_is_information() -> None:
    # Threshold: a quarter of the range, 2.5 points.
    lower = detect_signals(both_views([5], [8]), SCALE).signals
    assert [(s.rule, s.respondent, s.severity) for s in lower] == [
        ("discrepancy", "both", Severity.WARNING)
    ]
    higher = detect_signals(both_views([9], [6]), SCALE).signals
    assert higher[0].severity == Severity.INFO
    assert detect_signals(both_views([8], [6]), SCALE).signals == []
    assert detect_signals(both_views([8], [NAN]), SCALE).signals == []


def test_therapist_ratings_get_their_own_score_signals() -> None:
    signals = detect_signals(both_views([8, 8, 8], [8, 8, 5]), SCALE).signals
    assert {(s.rule, s.respondent) for s in signals} >= {("reliable_drop", "therapist")}


# --- goals and tasks ------------------------------------------------------------------ #


def test_goal_no_longer_the_patients_raises_once_on_the_crossing() -> None:
    ownership = np.array([[8, 9], [3, 9], [2, 9], [7, 4]], dtype=float)
    history = detect_history(patient_bond(8, 8, 8, 8, goal_ownership=ownership), SCALE)
    goals = [(s.session, s.evidence["goal"]) for s in history if s.rule == "goal_not_owned"]
    assert goals == [(1, 0.0), (3, 1.0)]
    assert all(s.dimension == "goal" for s in history if s.rule == "goal_not_owned")


def test_task_irrelevant_or_not_done_repeatedly() -> None:
    # Task 0: relevance 2 (≤ 3) at sessions 1 and 3, fine at 2: second problem in
    # the last three ratings at session 3. Task 1: homework not done twice in a row.
    relevance = np.array([[8, 8], [2, 8], [7, 8], [2, 8]], dtype=float)
    done = np.array([[1, 1], [1, 0], [1, 0], [1, 1]], dtype=float)
    history = detect_history(
        patient_bond(8, 8, 8, 8, task_relevance=relevance, task_done=done), SCALE
    )
    tasks = [(s.session, s.evidence["task"]) for s in history if s.rule == "task_not_relevant"]
    assert tasks == [(2, 1.0), (3, 0.0)]


# --- outcome, safety, attendance --------------------------------------------------------- #


def test_safety_item_is_urgent_even_at_the_first_session() -> None:
    signals = detect_signals(patient_bond(8, safety=[1.0]), SCALE).signals
    assert [(s.rule, s.severity, s.is_rupture) for s in signals] == [
        ("safety", Severity.URGENT, False)
    ]


def test_not_on_track_falls_back_to_reliable_deterioration() -> None:
    config = replace(DEFAULT_CONFIG, outcome_reliable_change=6.0)  # PHQ-9, NHS TT rule
    worse = detect_signals(patient_bond(8, 8, outcome=[10, 16]), SCALE, config).signals
    assert [(s.rule, s.magnitude) for s in worse] == [("not_on_track", 6.0)]
    assert detect_signals(patient_bond(8, 8, outcome=[10, 15]), SCALE, config).signals == []
    unknown = detect_signals(patient_bond(8, 8, outcome=[10, 20]), SCALE)
    assert "not_on_track" in {entry.rule for entry in unknown.not_enough_data}


def test_not_on_track_against_the_clinics_expected_trajectory() -> None:
    rng = np.random.default_rng(7)
    patients, sessions, scores = [], [], []
    for patient in range(60):
        intake = rng.uniform(10, 22)
        for session in range(1, 9):
            expected = intake - 3.0 * np.log(session)
            patients.append(patient)
            sessions.append(session)
            scores.append(expected + (rng.normal(0, 1.5) if session > 1 else 0.0))
    model = fit_expected_trajectory(patients, sessions, scores)
    assert model is not None
    # Intake 20, session 5: expected ≈ 20 − 3·log 5 = 15.2; a 20 is far above the band.
    on_track = patient_bond(8, 8, 8, 8, 8, outcome=[20, 18, 17, 16, 15])
    off_track = patient_bond(8, 8, 8, 8, 8, outcome=[20, 20, 20, 20, 20])
    assert detect_signals(on_track, SCALE, expected_outcome=model).signals == []
    signal = detect_signals(off_track, SCALE, expected_outcome=model).signals[0]
    assert signal.rule == "not_on_track"
    assert signal.evidence["expected"] == pytest.approx(15.2, abs=0.6)


def test_missed_checkins_in_a_row() -> None:
    history = detect_history(patient_bond(8, NAN, NAN, NAN), SCALE)
    assert [s.session for s in history if s.rule == "missed_checkins"] == [2]


def test_a_cancelled_session_is_not_a_missed_checkin_but_cancellations_add_up() -> None:
    attendance = (
        Attendance.ATTENDED,
        Attendance.CANCELLED,
        Attendance.ATTENDED,
        Attendance.NO_SHOW,
    )
    history = detect_history(patient_bond(8, NAN, 8, NAN, attendance=attendance), SCALE)
    assert [(s.rule, s.session) for s in history] == [("cancellations", 3)]


# --- dates, configuration --------------------------------------------------------------- #


def test_irregular_dates_give_the_same_signals_as_session_numbers() -> None:
    scores = np.array([7, 8, 7, 8, 5, 8, 8, 8], dtype=float)
    regular = Trajectory(sessions=np.arange(8.0), scores={("patient", "bond"): scores})
    days = np.array([0, 7, 9, 40, 41, 90, 97, 200], dtype=float)
    irregular = Trajectory(sessions=days, scores={("patient", "bond"): scores})
    assert detect_history(regular, SCALE) == detect_history(irregular, SCALE)


def test_sessions_out_of_order_are_refused() -> None:
    with pytest.raises(ValueError, match="chronological"):
        Trajectory(sessions=np.array([2.0, 1.0]))


def test_every_rule_can_be_switched_off() -> None:
    config = replace(DEFAULT_CONFIG, enabled_rules=frozenset({"tension"}))
    signals = detect_signals(patient_bond(8, 8, 8, 8, 1, tension=[0, 0, 0, 0, 1]), SCALE, config)
    assert {s.rule for s in signals.signals} == {"tension"}


def test_a_clinic_can_change_a_threshold() -> None:
    strict = replace(DEFAULT_CONFIG, reliable_change_z=3.0)  # cut-off 3.79 points
    signals = detect_signals(patient_bond(8, 8, 5), SCALE, strict).signals
    assert "reliable_drop" not in {s.rule for s in signals}
