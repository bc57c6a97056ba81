"""Calibrate a scale on the clinic's own data, when it has enough.

The reliable drop needs the reliability r_xx and the spread SD₁ of the
instrument. The project's check-in is new and not validated, so its
reliability must come from the clinic's data; a licensed instrument brings a
published value that we use until the clinic has enough data of its own.

**Estimate (our choice, documented).** Within a patient, consecutive check-ins
are treated as test and retest. The session-to-session measurement variance is
estimated by half the mean squared successive difference (von Neumann's
estimator), which, unlike the within-patient variance, is hardly affected by
the slow growth of the alliance over therapy::

    σ²_within = Σ (x_{t+1} − x_t)² / (2 · number of consecutive pairs)
    SD₁²       = variance of all scores
    r_xx       = 1 − σ²_within / SD₁²

so that SE = SD₁·√(1 − r_xx) = σ_within. Ruptures in the data inflate
σ_within slightly, which makes the reliable drop more conservative, not less.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from alliance.science.signals.config import Scale

#: Heuristic: patients, each with at least MIN_SESSIONS observed scores, needed
#: before the clinic's own estimate replaces the instrument's default.
MIN_PATIENTS = 20
MIN_SESSIONS = 3
_MAX_RELIABILITY = 0.99


def successive_difference_variance(patients: ArrayLike, scores: ArrayLike) -> tuple[float, int]:
    """Half the mean squared difference between consecutive observed scores.

    Rows must be grouped by patient and in session order. Returns the
    estimate and the number of consecutive pairs it rests on.
    """
    patient = np.asarray(patients)
    score = np.asarray(scores, dtype=float)
    observed = ~np.isnan(score)
    patient, score = patient[observed], score[observed]
    same_patient = patient[1:] == patient[:-1]
    differences = np.diff(score)[same_patient]
    if differences.size == 0:
        return float("nan"), 0
    return float(np.mean(differences**2) / 2.0), int(differences.size)


def calibrate_scale(
    patients: ArrayLike,
    scores: ArrayLike,
    default: Scale,
    *,
    min_patients: int = MIN_PATIENTS,
) -> Scale:
    """The clinic's own ``reliability``, ``sd`` and ``within_sd`` when it has enough data.

    ``default`` is returned unchanged (with its own ``source``) otherwise.
    """
    patient = np.asarray(patients)
    score = np.asarray(scores, dtype=float)
    observed = ~np.isnan(score)
    codes, counts = np.unique(patient[observed], return_counts=True)
    eligible = int((counts >= MIN_SESSIONS).sum())
    if eligible < min_patients:
        return default
    within_variance, _pairs = successive_difference_variance(patient, score)
    total_variance = float(np.var(score[observed], ddof=1))
    if not total_variance > 0 or math.isnan(within_variance):
        return default
    reliability = min(max(1.0 - within_variance / total_variance, 0.0), _MAX_RELIABILITY)
    return Scale(
        minimum=default.minimum,
        maximum=default.maximum,
        reliability=reliability,
        sd=math.sqrt(total_variance),
        within_sd=math.sqrt(within_variance),
        low_cutoff=default.low_cutoff,
        source=f"estimated from {eligible} patients of this clinic ({codes.size} in all)",
    )
