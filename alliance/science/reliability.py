"""Internal consistency: Cronbach's α and McDonald's ω, with confidence intervals.

The check-in written for Alliance is not validated; these numbers, computed on
the clinic's own answers, let people judge it (clinical reference, section 1).

- **Cronbach's α** = k/(k − 1) · (1 − Σ item variances / variance of the sum),
  with Feldt's (1965) exact interval: (1 − α)/(1 − α̂) follows an F
  distribution with n − 1 and (n − 1)(k − 1) degrees of freedom.
- **McDonald's ω** (total) = (Σλ)² / ((Σλ)² + Σψ), where λ are the loadings
  and ψ the unique variances of a one-factor model fitted by maximum
  likelihood to the item covariances (EM algorithm, Rubin & Thayer 1982). Its
  interval is a percentile bootstrap over respondents, all resamples fitted at
  once as one batch of small matrices.

Rows with any missing item are left out (listwise deletion); the number of
rows used is reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from alliance.science.instruments.model import Instrument
from alliance.science.scoring import TOTAL, reverse_scored

FloatArray = NDArray[np.float64]

EM_TOLERANCE = 1e-9
EM_MAX_ITERATIONS = 10_000


@dataclass(frozen=True)
class Estimate:
    """A reliability coefficient with its confidence interval."""

    value: float
    lower: float
    upper: float
    method: str  # how the interval was computed


@dataclass(frozen=True)
class ScaleReliability:
    """α and ω for one scale; ``None`` with a ``problem`` when they cannot be computed."""

    scale: str
    n_items: int
    n_rows: int  # complete rows used
    alpha: Estimate | None
    omega: Estimate | None
    problem: str | None = None


# ---------------------------------------------------------------------------
# Cronbach's alpha
# ---------------------------------------------------------------------------


def cronbach_alpha(answers: NDArray[Any]) -> float:
    """Cronbach's α of a complete matrix (rows = respondents, columns = items)."""
    matrix = _complete_rows(answers)
    k = matrix.shape[1]
    item_variances = matrix.var(axis=0, ddof=1).sum()
    total_variance = matrix.sum(axis=1).var(ddof=1)
    return float(k / (k - 1) * (1.0 - item_variances / total_variance))


def alpha_interval(
    alpha: float, n_rows: int, n_items: int, level: float = 0.95
) -> tuple[float, float]:
    """Feldt's (1965) confidence interval for Cronbach's α."""
    tail = (1.0 - level) / 2.0
    df_rows, df_error = n_rows - 1, (n_rows - 1) * (n_items - 1)
    lower = 1.0 - (1.0 - alpha) * stats.f.ppf(1.0 - tail, df_rows, df_error)
    upper = 1.0 - (1.0 - alpha) * stats.f.ppf(tail, df_rows, df_error)
    return float(lower), float(upper)


# ---------------------------------------------------------------------------
# McDonald's omega
# ---------------------------------------------------------------------------


def one_factor_model(covariances: NDArray[Any]) -> tuple[FloatArray, FloatArray]:
    """Loadings λ and unique variances ψ of a one-factor model, by maximum likelihood.

    ``covariances`` is one k × k matrix or a batch (b × k × k); the EM
    algorithm runs on the whole batch at once. For one factor, Σ⁻¹ needs no
    matrix inverse: with c = Σ λ²/ψ, λᵀΣ⁻¹ = (λ/ψ)ᵀ / (1 + c) (Woodbury).
    """
    batch = np.asarray(covariances, dtype=np.float64)
    single = batch.ndim == 2
    batch = batch[None] if single else batch
    variances = np.einsum("bii->bi", batch)
    loadings, uniques = _initial_model(batch, variances)
    floor = 1e-6 * variances  # keeps ψ positive in Heywood cases
    for _ in range(EM_MAX_ITERATIONS):
        weights = loadings / uniques
        beta = weights / (1.0 + (loadings * weights).sum(axis=1, keepdims=True))
        s_beta = np.einsum("bij,bj->bi", batch, beta)
        factor_variance = 1.0 - (beta * loadings).sum(axis=1) + (beta * s_beta).sum(axis=1)
        new_loadings = s_beta / factor_variance[:, None]
        new_uniques = np.maximum(variances - new_loadings * s_beta, floor)
        change = max(np.abs(new_loadings - loadings).max(), np.abs(new_uniques - uniques).max())
        loadings, uniques = new_loadings, new_uniques
        if change < EM_TOLERANCE:
            break
    # The sign of a factor is arbitrary: make the loadings mostly positive.
    loadings *= np.where(loadings.sum(axis=1, keepdims=True) < 0, -1.0, 1.0)
    return (loadings[0], uniques[0]) if single else (loadings, uniques)


def _initial_model(batch: FloatArray, variances: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Start from the first principal component, halved between common and unique variance."""
    eigenvalues, eigenvectors = np.linalg.eigh(batch)
    first = eigenvectors[:, :, -1] * np.sqrt(np.maximum(eigenvalues[:, -1:], 0.0) / 2.0)
    return first, np.maximum(variances - first**2, 0.05 * variances)


def omega_from_model(loadings: NDArray[Any], uniques: NDArray[Any]) -> FloatArray | float:
    """McDonald's ω total from a one-factor model (one model or a batch)."""
    common = np.asarray(loadings).sum(axis=-1) ** 2
    result = common / (common + np.asarray(uniques).sum(axis=-1))
    return float(result) if np.ndim(result) == 0 else result


def mcdonald_omega(answers: NDArray[Any]) -> float:
    """McDonald's ω total of a complete matrix (rows = respondents, columns = items)."""
    matrix = _complete_rows(answers)
    loadings, uniques = one_factor_model(np.cov(matrix, rowvar=False))
    return float(omega_from_model(loadings, uniques))


def omega_interval(
    answers: NDArray[Any], level: float = 0.95, n_bootstrap: int = 1000, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval for ω: resample respondents, refit, take quantiles."""
    matrix = _complete_rows(answers)
    rng = np.random.default_rng(seed)
    samples = matrix[rng.integers(0, len(matrix), size=(n_bootstrap, len(matrix)))]
    centred = samples - samples.mean(axis=1, keepdims=True)
    covariances = np.einsum("bni,bnj->bij", centred, centred) / (len(matrix) - 1)
    omegas = np.asarray(omega_from_model(*one_factor_model(covariances)))
    tail = (1.0 - level) / 2.0
    lower, upper = np.quantile(omegas, [tail, 1.0 - tail])
    return float(lower), float(upper)


# ---------------------------------------------------------------------------
# Per scale of an instrument
# ---------------------------------------------------------------------------


def scale_reliability(
    answers: NDArray[Any],
    scale: str = TOTAL,
    level: float = 0.95,
    n_bootstrap: int = 1000,
    seed: int = 0,
) -> ScaleReliability:
    """α and ω with their intervals for one scale's item matrix."""
    matrix = _complete_rows(answers)
    n_rows, n_items = matrix.shape
    problem = _why_not_computable(matrix)
    if problem:
        return ScaleReliability(scale, n_items, n_rows, None, None, problem)
    alpha = cronbach_alpha(matrix)
    omega = None
    if n_items >= 3:  # a one-factor model of two items is not identified
        omega = Estimate(
            mcdonald_omega(matrix),
            *omega_interval(matrix, level, n_bootstrap, seed),
            method=f"percentile bootstrap, {n_bootstrap} resamples",
        )
    return ScaleReliability(
        scale,
        n_items,
        n_rows,
        alpha=Estimate(alpha, *alpha_interval(alpha, n_rows, n_items, level), method="Feldt"),
        omega=omega,
        problem=None if omega else "ω needs at least 3 items.",
    )


def instrument_reliability(
    instrument: Instrument,
    answers: NDArray[Any],
    level: float = 0.95,
    n_bootstrap: int = 1000,
    seed: int = 0,
) -> list[ScaleReliability]:
    """α and ω for the total and every subscale, after reverse scoring.

    ``answers`` is the scoring matrix (one column per numeric item, see
    :func:`alliance.science.scoring.score_table`).
    """
    values = reverse_scored(instrument, answers)
    position = {item.id: index for index, item in enumerate(instrument.numeric_items)}
    scales: list[tuple[str, Sequence[str]]] = [(TOTAL, instrument.scoring.total_items)]
    scales += [(subscale.id, subscale.items) for subscale in instrument.subscales]
    return [
        scale_reliability(
            values[:, [position[item_id] for item_id in item_ids]], scale, level, n_bootstrap, seed
        )
        for scale, item_ids in scales
    ]


def _complete_rows(answers: NDArray[Any]) -> FloatArray:
    matrix = np.asarray(answers, dtype=np.float64)
    return matrix[~np.isnan(matrix).any(axis=1)]


def _why_not_computable(matrix: FloatArray) -> str | None:
    n_rows, n_items = matrix.shape
    if n_items < 2:
        return "Reliability needs at least 2 items."
    if n_rows < 3:
        return f"Reliability needs at least 3 complete rows; {n_rows} found."
    if matrix.sum(axis=1).var() == 0 or (matrix.var(axis=0) == 0).any():
        return "An item or the total does not vary; reliability is undefined."
    return None
