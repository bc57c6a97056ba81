"""Change statistics against hand-worked examples.

Each example cites the clinical reference (``clinical-reference.md``, section 4)
and shows the arithmetic, so that a reader can check it with a pencil.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance.science.change import (
    ChangeCategory,
    classify_change,
    clinical_cutoffs,
    reliable_change_index,
    reliable_change_threshold,
    standard_error_of_difference,
    standard_error_of_measurement,
    sudden_change_criteria,
    sudden_change_critical_value,
    sudden_changes,
)

# --------------------------------------------------------------------------- #
# Reliable change — reference §4, Jacobson & Truax 1991
# --------------------------------------------------------------------------- #


def test_standard_error_of_measurement_follows_jacobson_truax() -> None:
    # §4: SE = SD₁·√(1 − r_xx) = 10·√(1 − 0.84) = 10·0.4 = 4.
    assert standard_error_of_measurement(10.0, 0.84) == pytest.approx(4.0)


def test_standard_error_of_difference_is_root_two_times_se() -> None:
    # §4: S_diff = √2·SE = √2·4 = 5.657.
    assert standard_error_of_difference(10.0, 0.84) == pytest.approx(5.65685, abs=1e-5)


def test_reliable_change_threshold_is_196_times_s_diff() -> None:
    # §4: reliable if |RC| > 1.96, i.e. |Δ| > 1.96·5.657 = 11.087 points.
    assert reliable_change_threshold(10.0, 0.84) == pytest.approx(11.0874, abs=1e-4)


def test_reliable_change_index_of_a_twelve_point_drop() -> None:
    # §4: RC = (x₂ − x₁)/S_diff = (8 − 20)/5.657 = −2.121: reliable (|RC| > 1.96).
    index = reliable_change_index(20.0, 8.0, sd=10.0, reliability=0.84)
    assert float(index) == pytest.approx(-2.1213, abs=1e-4)


def test_reliable_change_index_is_vectorised_and_keeps_missing_values() -> None:
    index = reliable_change_index([20.0, np.nan], [8.0, 5.0], sd=10.0, reliability=0.84)
    assert index[0] == pytest.approx(-2.1213, abs=1e-4)
    assert np.isnan(index[1])


@pytest.mark.parametrize("reliability", [-0.1, 1.0, 1.5])
def test_reliability_outside_zero_one_is_refused(reliability: float) -> None:
    with pytest.raises(ValueError, match="reliability"):
        standard_error_of_measurement(10.0, reliability)


# --------------------------------------------------------------------------- #
# Clinical significance — reference §4, Jacobson & Truax 1991
# --------------------------------------------------------------------------- #


def test_clinical_cutoffs_a_b_c() -> None:
    # §4: a = M_clin − 2SD_clin = 20 − 10 = 10; b = M_norm + 2SD_norm = 5 + 8 = 13;
    # c = (SD_clin·M_norm + SD_norm·M_clin)/(SD_clin + SD_norm) = (5·5 + 4·20)/9 = 11.667.
    cutoffs = clinical_cutoffs(mean_clinical=20, sd_clinical=5, mean_normal=5, sd_normal=4)
    assert cutoffs.a == pytest.approx(10.0)
    assert cutoffs.b == pytest.approx(13.0)
    assert cutoffs.c == pytest.approx(105 / 9)


def test_cutoff_a_alone_without_norms() -> None:
    cutoffs = clinical_cutoffs(mean_clinical=20, sd_clinical=5)
    assert (cutoffs.a, cutoffs.b, cutoffs.c) == (10.0, None, None)


def test_recovered_means_reliable_improvement_and_crossing_c() -> None:
    # §4: SD 5, r .84 → SE 2, S_diff 2.828; 22 → 8 gives RC = −4.95 (reliable
    # improvement on a symptom scale) and crosses c = 11.667: recovered.
    c = 105 / 9
    assert classify_change(22, 8, 5, 0.84, c) == ChangeCategory.RECOVERED


def test_reliable_improvement_that_stays_above_c_is_improved() -> None:
    # 22 → 14: RC = −2.83 (reliable) but 14 > c = 11.667: improved, not recovered.
    assert classify_change(22, 14, 5, 0.84, 105 / 9) == ChangeCategory.IMPROVED


def test_small_change_is_not_reliable_and_rise_is_deterioration() -> None:
    # 22 → 20: RC = −0.71. 10 → 16: RC = +2.12 on a symptom scale: deteriorated.
    assert classify_change(22, 20, 5, 0.84) == ChangeCategory.NO_RELIABLE_CHANGE
    assert classify_change(10, 16, 5, 0.84) == ChangeCategory.DETERIORATED


def test_higher_is_better_mirrors_the_categories() -> None:
    # An alliance score 20 → 14 with the same SE: RC = −2.12, a reliable loss.
    assert classify_change(20, 14, 5, 0.84, higher_is_better=True) == ChangeCategory.DETERIORATED
    assert classify_change(8, 22, 5, 0.84, 12.0, higher_is_better=True) == (
        ChangeCategory.RECOVERED
    )


# --------------------------------------------------------------------------- #
# Sudden gains and losses — reference §4, Tang & DeRubeis 1999, suddengains
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("n_before", "n_after", "expected"),
    [(3, 3, 2.776), (2, 3, 3.182), (3, 2, 3.182), (2, 2, 4.303)],
)
def test_critical_value_depends_on_available_sessions(
    n_before: int, n_after: int, expected: float
) -> None:
    # §4: "t > 2.776 for 3+3; critical value depends on the n available".
    assert sudden_change_critical_value(n_before, n_after) == pytest.approx(expected, abs=1e-3)


def test_sudden_gain_from_the_suddengains_documentation() -> None:
    # suddengains' check_interval example: pre 32, 31, 33; post 5, 6, 7; cut-off 7.
    # (1) 33 − 5 = 28 ≥ 7; (2) 28 ≥ 0.25·33 = 8.25; (3) means 32 vs 6, pooled SD 1,
    # 26 > 2.776·1. The gain is between positions 2 and 3.
    scores = [32, 31, 33, 5, 6, 7]
    assert sudden_changes(scores, 7, direction="decrease").tolist() == [2]


def test_sudden_loss_with_a_missing_session_uses_the_adjusted_critical_value() -> None:
    # suddengains' example: pre 5, NA, 7; post 16, 12, 14; a rise of 9 ≥ 7 and ≥ 1.75.
    # (3) 2 + 3 sessions: t(0.975, 3) = 3.182; means 6 vs 14; pooled variance
    # (1·2 + 2·4)/3 = 3.33, SD 1.826; 8 > 3.182·1.826 = 5.81.
    criteria = sudden_change_criteria([5, np.nan, 7, 16, 12, 14], 7, direction="increase")
    assert criteria.criterion_3[2] == 1.0
    assert criteria.is_sudden.tolist() == [False, False, True, False, False, False]


def test_criterion_two_rejects_a_change_small_relative_to_the_level() -> None:
    # A fall of 8 from 40 is ≥ the cut-off 7 but < 25 % of 40 = 10.
    criteria = sudden_change_criteria([40, 40, 40, 32, 32, 32], 7, direction="decrease")
    assert bool(criteria.criterion_1[2]) is True
    assert bool(criteria.criterion_2[2]) is False
    assert not criteria.is_sudden.any()


def test_criterion_three_needs_two_sessions_on_each_side() -> None:
    criteria = sudden_change_criteria([np.nan, np.nan, 33, 5, 6, 7], 7, direction="decrease")
    assert math.isnan(criteria.criterion_3[2])
    assert not criteria.is_sudden.any()


def test_a_change_that_reverses_at_once_is_not_sudden() -> None:
    # The drop 9 → 2 is followed by a return to 9: the means do not differ (criterion 3).
    assert sudden_changes([9, 9, 9, 2, 9, 9], 3, direction="decrease").size == 0


# --------------------------------------------------------------------------- #
# Properties
# --------------------------------------------------------------------------- #

scores_strategy = st.floats(min_value=0, max_value=40, allow_nan=False)
sd_strategy = st.floats(min_value=0.5, max_value=20)
reliability_strategy = st.floats(min_value=0.0, max_value=0.99)


@given(scores_strategy, scores_strategy, sd_strategy, reliability_strategy)
def test_reliable_change_index_is_antisymmetric(
    before: float, after: float, sd: float, reliability: float
) -> None:
    forward = float(reliable_change_index(before, after, sd, reliability))
    backward = float(reliable_change_index(after, before, sd, reliability))
    assert forward == pytest.approx(-backward)


@given(sd_strategy, reliability_strategy, reliability_strategy)
def test_more_reliable_instruments_detect_smaller_changes(
    sd: float, first: float, second: float
) -> None:
    low, high = sorted((first, second))
    assert reliable_change_threshold(sd, high) <= reliable_change_threshold(sd, low) + 1e-12


@given(
    st.floats(min_value=10, max_value=40),
    sd_strategy,
    st.floats(min_value=0, max_value=9),
    sd_strategy,
)
def test_cutoff_c_lies_between_the_two_means(
    mean_clinical: float, sd_clinical: float, mean_normal: float, sd_normal: float
) -> None:
    c = clinical_cutoffs(mean_clinical, sd_clinical, mean_normal, sd_normal).c
    assert c is not None
    assert mean_normal - 1e-9 <= c <= mean_clinical + 1e-9


series_strategy = st.lists(
    st.one_of(st.none(), st.integers(min_value=0, max_value=40)), min_size=0, max_size=20
).map(lambda values: [np.nan if v is None else float(v) for v in values])


@given(series_strategy, st.floats(min_value=0.5, max_value=10), st.floats(min_value=0, max_value=5))
def test_a_higher_cutoff_never_finds_more_sudden_changes(
    scores: list[float], cutoff: float, extra: float
) -> None:
    lenient = set(sudden_changes(scores, cutoff, direction="decrease").tolist())
    strict = set(sudden_changes(scores, cutoff + extra, direction="decrease").tolist())
    assert strict <= lenient


@given(series_strategy, st.floats(min_value=0.5, max_value=10))
def test_every_sudden_loss_is_at_least_the_cutoff(scores: list[float], cutoff: float) -> None:
    for position in sudden_changes(scores, cutoff, direction="decrease"):
        assert scores[position] - scores[position + 1] >= cutoff
