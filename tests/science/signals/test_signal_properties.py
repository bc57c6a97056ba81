"""Properties every trajectory must satisfy, whatever its scores."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.science.signals import (
    DEFAULT_CONFIG,
    Scale,
    SignalConfig,
    Trajectory,
    detect_history,
)

SCALE = Scale(minimum=0, maximum=100, reliability=0.8, sd=10.0)
SCORE_RULES = frozenset({"reliable_drop", "dip_1sd", "dip_2sd", "sudden_loss"})
CONFIG = replace(DEFAULT_CONFIG, enabled_rules=SCORE_RULES)

scores = st.lists(
    st.one_of(st.none(), st.integers(min_value=20, max_value=80)), min_size=0, max_size=25
).map(lambda values: np.array([np.nan if v is None else float(v) for v in values]))


def trajectory(values: np.ndarray) -> Trajectory:
    return Trajectory(
        sessions=np.arange(values.size, dtype=float), scores={("patient", "bond"): values}
    )


def found(values: np.ndarray, config: SignalConfig = CONFIG) -> set[tuple[str, int]]:
    return {(s.rule, s.session) for s in detect_history(trajectory(values), SCALE, config)}


@given(st.integers(min_value=0, max_value=100), st.integers(min_value=0, max_value=30))
def test_a_constant_trajectory_raises_nothing(level: int, length: int) -> None:
    assert found(np.full(length, float(level))) == set()


@settings(max_examples=60, deadline=None)
@given(scores, st.integers(min_value=-20, max_value=20))
def test_shifting_every_score_changes_no_drop_or_dip(values: np.ndarray, shift: int) -> None:
    # Drops and dips are about the patient's own level, not about where the scale sits.
    # (Sudden losses are excluded: their 25 % criterion depends on the level.)
    config = replace(CONFIG, enabled_rules=SCORE_RULES - {"sudden_loss"})
    assert found(values, config) == found(values + shift, config)


@settings(max_examples=60, deadline=None)
@given(scores)
def test_rising_scores_never_raise_a_drop(values: np.ndarray) -> None:
    rising = np.sort(values)  # NaN sorts last: a rising series, then missing check-ins
    assert found(rising) == set()


@settings(max_examples=60, deadline=None)
@given(scores, st.floats(min_value=0.0, max_value=2.0))
def test_a_stricter_threshold_never_raises_more(values: np.ndarray, extra: float) -> None:
    strict = replace(CONFIG, reliable_change_z=1.96 + extra, dip_2sd=2.0 + extra)
    assert found(values, strict) <= found(values)


@settings(max_examples=60, deadline=None)
@given(scores)
def test_no_score_signal_before_enough_checkins(values: np.ndarray) -> None:
    observed_positions = np.flatnonzero(~np.isnan(values))
    for _rule, session in found(values):
        assert np.sum(observed_positions < session) >= 2
