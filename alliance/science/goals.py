"""Goal Attainment Scaling (Kiresuk & Sherman 1968; clinical reference, section 3).

Each goal is scored −2 … +2 (0 = the expected outcome), with a weight wᵢ, and
the goals are summarised as a T-score with mean 50 and standard deviation 10
under the assumption that goal scores correlate ρ = 0.3:

    T = 50 + 10·Σwᵢxᵢ / √((1 − ρ)·Σwᵢ² + ρ·(Σwᵢ)²)

Hand-worked: three goals at +1, 0, −1 with equal weights give Σwx = 0 and
T = 50; two goals at +2 and +2 with weights 1 give
T = 50 + 10·4 / √(0.7·2 + 0.3·4) = 50 + 40/√2.6 ≈ 74.81.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from alliance.science.errors import InputError, Location

#: Correlation between goal scores assumed by Kiresuk & Sherman [V].
DEFAULT_RHO = 0.3
ATTAINMENT_LEVELS = (-2, -1, 0, 1, 2)


def gas_t_score(
    attainments: Sequence[float], weights: Sequence[float] | None = None, rho: float = DEFAULT_RHO
) -> float:
    """The GAS T-score of one patient's goals (equal weights when ``weights`` is None)."""
    return float(gas_t_scores(np.asarray([attainments], dtype=float), weights, rho)[0])


def gas_t_scores(
    attainments: NDArray[Any], weights: Sequence[float] | None = None, rho: float = DEFAULT_RHO
) -> NDArray[np.float64]:
    """GAS T-scores of many patients at once: one row per patient, one column per goal."""
    levels = np.asarray(attainments, dtype=float)
    if levels.ndim != 2 or levels.shape[1] == 0:
        raise InputError("Give at least one goal score per patient.", code="no_goals")
    w = np.ones(levels.shape[1]) if weights is None else np.asarray(weights, dtype=float)
    _check(levels, w, rho)
    spread = np.sqrt((1.0 - rho) * np.sum(w**2) + rho * np.sum(w) ** 2)
    return np.asarray(50.0 + 10.0 * (levels @ w) / spread, dtype=np.float64)


def _check(levels: NDArray[np.float64], weights: NDArray[np.float64], rho: float) -> None:
    if not np.isin(levels, ATTAINMENT_LEVELS).all():
        raise InputError(
            "Goal attainment scores must be whole numbers from −2 to +2.",
            code="answer_out_of_range",
            location=Location(field="attainments"),
            params={"minimum": -2, "maximum": 2},
        )
    if weights.shape != (levels.shape[1],) or (weights <= 0).any():
        raise InputError(
            "Give one positive weight per goal.",
            code="invalid_value",
            location=Location(field="weights"),
        )
    if not 0.0 <= rho < 1.0:
        raise InputError(
            "ρ must be at least 0 and less than 1.",
            code="invalid_value",
            location=Location(field="rho"),
        )
