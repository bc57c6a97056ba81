"""The repair half of rupture–repair, repair statistics, and calibration."""

from __future__ import annotations

import math

import numpy as np
import pytest

from alliance.science.signals import (
    RuptureRecord,
    Scale,
    Signal,
    Trajectory,
    calibrate_scale,
    detect_history,
    detect_signals,
    fit_expected_trajectory,
    is_repaired,
    repair_statistics,
    repaired_at,
)
from alliance.science.signals.calibration import successive_difference_variance

SCALE = Scale(minimum=0, maximum=10, reliability=0.8, sd=2.0)


def bond(
    *scores: float, talked: list[float] | None = None, tension: list[float] | None = None
) -> Trajectory:
    return Trajectory(
        sessions=np.arange(len(scores), dtype=float),
        scores={("patient", "bond"): np.array(scores, dtype=float)},
        talked_through=None if talked is None else np.array(talked, dtype=float),
        tension=None if tension is None else np.array(tension, dtype=float),
    )


def first(signals: list[Signal], rule: str) -> Signal:
    return next(s for s in signals if s.rule == rule)


def test_a_v_shaped_dip_is_repaired_when_the_score_returns_to_baseline() -> None:
    # Baseline 7, 8, 7, 8 (mean 7.5, pooled SD 0.775): repaired at ≥ 7.5 − 0.775 = 6.73.
    trajectory = bond(7, 8, 7, 8, 4, 6, 7)
    dip = first(detect_history(trajectory, SCALE), "dip_2sd")
    assert dip.session == 4
    assert repaired_at(dip, trajectory, SCALE) == 6
    assert not is_repaired(dip, trajectory, SCALE, at=5)
    assert is_repaired(dip, trajectory, SCALE, at=6)


def test_a_dip_that_does_not_recover_stays_open() -> None:
    trajectory = bond(7, 8, 7, 8, 4, 5, 5)
    dip = first(detect_history(trajectory, SCALE), "dip_2sd")
    assert repaired_at(dip, trajectory, SCALE) is None


def test_talked_through_at_the_next_checkin_repairs() -> None:
    trajectory = bond(7, 8, 7, 8, 4, 5, talked=[0, 0, 0, 0, 0, 1])
    dip = first(detect_history(trajectory, SCALE), "dip_2sd")
    assert repaired_at(dip, trajectory, SCALE) == 5


def test_tension_talked_through_in_the_same_session_is_repaired_there() -> None:
    trajectory = bond(8, 8, tension=[0, 1], talked=[0, 1])
    tension = first(detect_signals(trajectory, SCALE).signals, "tension")
    assert repaired_at(tension, trajectory, SCALE) == 1


def test_tension_is_repaired_when_the_overall_score_recovers_or_no_tension_follows() -> None:
    trajectory = bond(8, 8, 8, tension=[0, 1, 0])
    tension = first(detect_history(trajectory, SCALE), "tension")
    assert tension.dimension == "overall"
    assert repaired_at(tension, trajectory, SCALE) == 2


def test_repair_statistics_rate_and_kaplan_meier_median() -> None:
    records = [
        RuptureRecord(opened=0, repaired=1, followed_until=10),
        RuptureRecord(opened=0, repaired=2, followed_until=10),
        RuptureRecord(opened=0, repaired=4, followed_until=10),
        RuptureRecord(opened=0, repaired=None, followed_until=3),
    ]
    stats = repair_statistics(records)
    assert (stats.ruptures, stats.repaired, stats.unrepaired) == (4, 3, 1)
    assert stats.repair_rate == 0.75
    # Kaplan–Meier: S(1) = 3/4, S(2) = 3/4·2/3 = 1/2 → median 2.
    assert stats.median_time_to_repair == 2.0
    assert stats.mean_time_to_repair_if_repaired == pytest.approx(7 / 3)


def test_repair_statistics_of_nothing_and_of_never_repaired() -> None:
    assert repair_statistics([]).ruptures == 0
    never = repair_statistics([RuptureRecord(0, None, 5)])
    assert never.repair_rate == 0.0
    assert math.isnan(never.median_time_to_repair)


def test_calibration_recovers_the_session_to_session_noise() -> None:
    rng = np.random.default_rng(3)
    patients = np.repeat(np.arange(200), 10)
    levels = rng.normal(6, 1.5, 200)[patients]
    scores = levels + rng.normal(0, 0.8, patients.size)
    scale = calibrate_scale(patients, scores, SCALE)
    assert scale.within_sd == pytest.approx(0.8, abs=0.05)
    assert scale.measurement_error == pytest.approx(0.8, abs=0.05)
    assert scale.reliability == pytest.approx(1 - 0.64 / (2.25 + 0.64), abs=0.05)
    assert "200 patients" in scale.source


def test_calibration_keeps_the_default_with_too_few_patients() -> None:
    patients = np.repeat(np.arange(5), 10)
    assert calibrate_scale(patients, np.ones(50), SCALE) is SCALE


def test_successive_differences_ignore_the_jump_between_patients() -> None:
    variance, pairs = successive_difference_variance([0, 0, 1, 1], [1.0, 3.0, 9.0, 9.0])
    assert (variance, pairs) == (1.0, 2)  # (2² + 0²) / (2·2)


def test_expected_trajectory_needs_enough_patients() -> None:
    assert fit_expected_trajectory([0, 0, 0], [1, 2, 3], [10, 9, 8]) is None


def test_expected_trajectory_recovers_the_curve() -> None:
    rng = np.random.default_rng(11)
    rows = [
        (p, s, intake - 2.0 * math.log(s) + (rng.normal(0, 1) if s > 1 else 0))
        for p, intake in enumerate(rng.uniform(8, 20, 100))
        for s in range(1, 11)
    ]
    patients, sessions, scores = zip(*rows, strict=True)
    model = fit_expected_trajectory(patients, sessions, scores)
    assert model is not None
    assert model.log_session_slope == pytest.approx(-2.0, abs=0.2)
    assert model.intake_slope == pytest.approx(1.0, abs=0.05)
    assert model.spread(5) == pytest.approx(1.0, abs=0.15)
    lower, expected, upper = model.band(15, 5, coverage=0.8)
    assert lower < expected < upper


def test_tension_at_the_first_session_is_repaired_by_a_calm_checkin() -> None:
    trajectory = Trajectory(
        sessions=np.arange(3.0),
        scores={("patient", "overall"): np.array([7.0, 8.0, 8.0])},
        tension=np.array([1.0, 1.0, 0.0]),
    )
    tension = first(detect_history(trajectory, SCALE), "tension")
    assert tension.session == 0
    assert repaired_at(tension, trajectory, SCALE) == 2


def test_tension_is_not_repaired_while_the_overall_score_stays_low() -> None:
    trajectory = Trajectory(
        sessions=np.arange(6.0),
        scores={("patient", "overall"): np.array([8.0, 8.0, 8.0, 8.0, 3.0, 3.0])},
        tension=np.array([0.0, 0.0, 0.0, 0.0, 1.0, 0.0]),
    )
    tension = next(s for s in detect_history(trajectory, SCALE) if s.rule == "tension")
    assert repaired_at(tension, trajectory, SCALE) is None
