"""The vectorised batch path raises exactly the signals of the per-patient path."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.science.signals import (
    DEFAULT_CONFIG,
    Checkins,
    Scale,
    Signal,
    SignalConfig,
    Trajectory,
    detect_batch,
    detect_history,
)

SCALE = Scale(minimum=0, maximum=10, reliability=0.8, sd=2.0)
SERIES = [("patient", "goal"), ("patient", "bond"), ("therapist", "goal")]
#: The rules the batch path covers (goals, tasks, attendance and outcome are per patient).
BATCH_RULES = frozenset(
    {
        "reliable_drop",
        "dip_1sd",
        "dip_2sd",
        "sudden_loss",
        "ceiling_drop",
        "low_level",
        "tension",
        "discrepancy",
        "safety",
    }
)
CONFIG = replace(DEFAULT_CONFIG, enabled_rules=BATCH_RULES)


def random_clinic(seed: int, patients: int, missing: float) -> Checkins:
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 15, size=patients)
    patient = np.repeat(np.arange(patients), lengths)
    n = patient.size
    scores = {}
    for key in SERIES:
        level = rng.uniform(3, 10, size=patients)[patient]
        values = np.clip(np.round(level + rng.normal(0, 1.5, n)), 0, 10)
        values[rng.random(n) < missing] = np.nan
        scores[key] = values
    tension = np.where(rng.random(n) < 0.2, 1.0, 0.0)
    intensity = rng.integers(0, 11, n).astype(float)
    talked = np.where(rng.random(n) < 0.5, 1.0, 0.0)
    safety = np.where(rng.random(n) < 0.05, 1.0, 0.0)
    return Checkins(patient, scores, tension, intensity, talked, safety)


def per_patient(
    checkins: Checkins, scale: Scale, config: SignalConfig = CONFIG
) -> list[tuple[int, Signal]]:
    found: list[tuple[int, Signal]] = []
    for code in np.unique(checkins.patient):
        rows = checkins.patient == code
        trajectory = Trajectory(
            sessions=np.arange(rows.sum(), dtype=float),
            scores={key: values[rows] for key, values in checkins.scores.items()},
            tension=None if checkins.tension is None else checkins.tension[rows],
            tension_intensity=None
            if checkins.tension_intensity is None
            else checkins.tension_intensity[rows],
            talked_through=None
            if checkins.talked_through is None
            else checkins.talked_through[rows],
            safety=None if checkins.safety is None else checkins.safety[rows],
        )
        found.extend((int(code), s) for s in detect_history(trajectory, scale, config))
    return found


def comparable(pairs: list[tuple[int, Signal]]) -> list[tuple[object, ...]]:
    return sorted(
        (
            code,
            s.rule,
            s.dimension,
            s.respondent,
            s.session,
            s.detected_at,
            s.severity,
            round(s.magnitude, 9),
        )
        for code, s in pairs
    )


@pytest.mark.parametrize(("seed", "missing"), [(1, 0.0), (2, 0.15), (3, 0.4)])
def test_batch_and_per_patient_paths_agree(seed: int, missing: float) -> None:
    checkins = random_clinic(seed, patients=60, missing=missing)
    batch = detect_batch(checkins, SCALE, CONFIG).to_signals(checkins)
    assert comparable(batch) == comparable(per_patient(checkins, SCALE))
    assert len(batch) > 50  # the comparison is not vacuous


def test_batch_and_per_patient_agree_with_a_cutoff_and_a_scale_per_dimension() -> None:
    checkins = random_clinic(4, patients=30, missing=0.1)
    scales = {
        "goal": replace(SCALE, low_cutoff=5.0),
        "bond": Scale(minimum=0, maximum=10, reliability=0.6, sd=1.5, within_sd=1.2),
    }
    batch = detect_batch(checkins, scales, CONFIG).to_signals(checkins)
    found: list[tuple[int, Signal]] = []
    for code in np.unique(checkins.patient):
        rows = checkins.patient == code
        trajectory = Trajectory(
            sessions=np.arange(rows.sum(), dtype=float),
            scores={key: values[rows] for key, values in checkins.scores.items()},
        )
        found.extend((int(code), s) for s in detect_history(trajectory, scales, CONFIG))
    without_checkin_rules = [pair for pair in batch if pair[1].rule not in {"tension", "safety"}]
    assert comparable(without_checkin_rules) == comparable(found)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.floats(min_value=0.0, max_value=0.6))
def test_paths_agree_on_any_random_clinic(seed: int, missing: float) -> None:
    checkins = random_clinic(seed, patients=8, missing=missing)
    batch = detect_batch(checkins, SCALE, CONFIG).to_signals(checkins)
    assert comparable(batch) == comparable(per_patient(checkins, SCALE))


def test_rows_must_be_grouped_by_patient() -> None:
    with pytest.raises(ValueError, match="grouped"):
        Checkins(patient=np.array([0, 1, 0]))


def test_an_empty_clinic_gives_no_signals() -> None:
    checkins = Checkins(patient=np.zeros(0, dtype=np.int64), scores={SERIES[0]: np.zeros(0)})
    assert len(detect_batch(checkins, SCALE)) == 0


def test_paths_agree_when_drops_are_judged_from_the_previous_score() -> None:
    config = replace(CONFIG, reliable_drop_from="previous")
    checkins = random_clinic(9, patients=40, missing=0.2)
    batch = detect_batch(checkins, SCALE, config).to_signals(checkins)
    assert comparable(batch) == comparable(per_patient(checkins, SCALE, config))
