"""Cronbach's α, McDonald's ω and the GAS T-score against hand-worked and independent values."""

from __future__ import annotations

import statistics

import numpy as np
import pytest
from scipy import stats
from sklearn.decomposition import FactorAnalysis

from alliance.science.errors import InputError
from alliance.science.goals import gas_t_score, gas_t_scores
from alliance.science.instruments import get_instrument, get_scoring_key
from alliance.science.reliability import (
    alpha_interval,
    cronbach_alpha,
    instrument_reliability,
    mcdonald_omega,
    omega_interval,
    scale_reliability,
)


def one_factor_data(n: int, loadings: list[float], noise: float, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    factor = rng.normal(size=(n, 1))
    data: np.ndarray = factor * np.array(loadings) + rng.normal(size=(n, len(loadings))) * noise
    return data


def test_alpha_hand_worked() -> None:
    """Four people, three items: rows (1,2,2) (2,3,3) (3,3,4) (4,5,5).
    Item variances (n − 1): 5/3, 4.75/3, 5/3 → Σ = 14.75/3. Totals 5, 8, 10, 14 (mean 9.25),
    variance = (18.0625 + 1.5625 + 0.5625 + 22.5625)/3 = 42.75/3.
    α = 3/2 · (1 − 14.75/42.75) = 0.98246…"""
    matrix = np.array([[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 5]], dtype=float)
    assert cronbach_alpha(matrix) == pytest.approx(1.5 * (1 - 14.75 / 42.75))


def test_alpha_agrees_with_an_independent_pure_python_computation() -> None:
    matrix = one_factor_data(200, [0.9, 0.6, 0.7, 0.4, 0.8], noise=0.8)
    columns = [list(column) for column in matrix.T]
    totals = [sum(row) for row in matrix.tolist()]
    k = len(columns)
    expected = (
        k
        / (k - 1)
        * (1 - sum(statistics.variance(c) for c in columns) / statistics.variance(totals))
    )
    assert cronbach_alpha(matrix) == pytest.approx(expected, rel=1e-12)


def test_feldt_interval() -> None:
    """Feldt (1965): 1 − (1 − α)·F(1 − γ/2; n − 1, (n − 1)(k − 1)) … for α = .8, n = 101, k = 5."""
    lower, upper = alpha_interval(0.8, 101, 5)
    assert lower == pytest.approx(1 - 0.2 * stats.f.ppf(0.975, 100, 400))
    assert upper == pytest.approx(1 - 0.2 * stats.f.ppf(0.025, 100, 400))
    assert lower < 0.8 < upper


def test_omega_agrees_with_scikit_learn_factor_analysis() -> None:
    """Independent computation: sklearn's maximum-likelihood factor analysis (SVD-based)."""
    matrix = one_factor_data(800, [0.9, 0.8, 0.5, 0.7, 0.3, 0.6], noise=0.7)
    model = FactorAnalysis(n_components=1, tol=1e-12, max_iter=100_000).fit(matrix)
    loadings, uniques = model.components_[0], model.noise_variance_
    expected = loadings.sum() ** 2 / (loadings.sum() ** 2 + uniques.sum())
    assert mcdonald_omega(matrix) == pytest.approx(expected, abs=1e-5)


def test_omega_equals_alpha_for_tau_equivalent_items() -> None:
    """With equal loadings (τ-equivalence) α and ω estimate the same quantity."""
    matrix = one_factor_data(20_000, [0.7] * 5, noise=0.7)
    assert mcdonald_omega(matrix) == pytest.approx(cronbach_alpha(matrix), abs=0.005)


def test_omega_interval_is_reproducible_and_contains_the_estimate() -> None:
    matrix = one_factor_data(300, [0.8, 0.7, 0.6, 0.5], noise=0.7)
    interval = omega_interval(matrix, n_bootstrap=300, seed=1)
    assert interval == omega_interval(matrix, n_bootstrap=300, seed=1)
    assert interval[0] < mcdonald_omega(matrix) < interval[1]


def test_scale_reliability_explains_what_it_cannot_compute() -> None:
    two_items = scale_reliability(one_factor_data(50, [0.8, 0.8], noise=0.5))
    assert two_items.alpha is not None
    assert two_items.omega is None
    assert two_items.problem == "ω needs at least 3 items."
    constant = scale_reliability(np.ones((10, 3)))
    assert constant.alpha is None
    assert constant.problem is not None


def test_instrument_reliability_reverse_scores_and_drops_incomplete_rows() -> None:
    """CORE-10 items 2 and 3 are reversed (clinical reference §2): without reversing, α would
    be dragged down by the two negatively keyed items."""
    core = get_scoring_key("core-10")
    rng = np.random.default_rng(5)
    level = rng.normal(2, 0.8, size=(500, 1))
    answers = np.clip(np.rint(level + rng.normal(0, 0.6, size=(500, 10))), 0, 4)
    answers[:, [1, 2]] = 4 - answers[:, [1, 2]]  # negatively keyed, as on the paper form
    answers[0, 0] = np.nan
    [total] = instrument_reliability(core, answers, n_bootstrap=200)
    assert total.n_rows == 499
    assert total.alpha is not None
    assert total.alpha.value > 0.8
    assert total.omega is not None


def test_checkin_reliability_per_pillar() -> None:
    checkin = get_instrument("alliance-checkin")
    rng = np.random.default_rng(2)
    level = rng.normal(7, 1.5, size=(400, 1))
    answers = np.clip(
        np.rint(level + rng.normal(0, 1, size=(400, len(checkin.numeric_items)))), 0, 10
    )
    answers[:, 8] = np.nan  # tension_intensity, asked only after a tension: not in any scale
    results = {r.scale: r for r in instrument_reliability(checkin, answers, n_bootstrap=200)}
    assert set(results) == {"total", "goal", "task", "bond", "overall"}
    assert results["goal"].alpha is not None
    assert results["goal"].omega is None
    assert results["overall"].alpha is None


def test_gas_t_score_hand_worked() -> None:
    """Clinical reference §3: T = 50 + 10·Σwx / √((1 − ρ)Σw² + ρ(Σw)²), ρ = 0.3.
    +1, 0, −1 equal weights: T = 50. +2, +2: 50 + 40/√(1.4 + 1.2) = 74.8069…
    One goal at +1, weight 3: 50 + 30/√(0.7·9 + 0.3·9) = 60."""
    assert gas_t_score([1, 0, -1]) == 50
    assert gas_t_score([2, 2]) == pytest.approx(50 + 40 / 2.6**0.5)
    assert gas_t_score([1], [3]) == pytest.approx(60)
    assert gas_t_score([1, -2], [2, 1]) == pytest.approx(50 + 10 * 0 / (0.7 * 5 + 0.3 * 9) ** 0.5)
    np.testing.assert_allclose(
        gas_t_scores(np.array([[1, 0, -1], [2, 2, 2]])), [50, 50 + 60 / (0.7 * 3 + 0.3 * 9) ** 0.5]
    )


@pytest.mark.parametrize(
    ("attainments", "weights", "rho"),
    [([3], None, 0.3), ([0.5], None, 0.3), ([1, 1], [1], 0.3), ([1], [-1], 0.3), ([1], None, 1.0)],
)
def test_gas_refuses_impossible_input(
    attainments: list[float], weights: list[float] | None, rho: float
) -> None:
    with pytest.raises(InputError):
        gas_t_score(attainments, weights, rho)
