"""Expected outcome trajectory and the "not on track" rule.

Lambert's method (Finch, Lambert & Schaalje 2001) fits a mixed model of the
outcome on log(session) conditional on intake severity, and flags a patient
whose score falls outside a tolerance band around the expected curve. We
re-fit it on the clinic's own data, as the clinical reference (section 7) asks::

    score ~ intake + log(session) + (log(session) | patient)

**What we do, exactly** (a documented approximation, not full REML):

1. Fixed effects by ordinary least squares on every observation after intake.
   With a random intercept and slope, OLS is unbiased for the fixed effects;
   it is only less efficient than generalised least squares.
2. The random part matters to a *new* patient through the marginal variance of
   a score at session s, ``v(L) = τ₀² + 2τ₀₁·L + τ₁²·L² + σ²`` with ``L = log s``.
   We estimate this quadratic in L directly by regressing the squared OLS
   residuals on (1, L, L²) — a method-of-moments estimate of the same
   variance function — floored at a small positive value.
3. The band is ``expected ± z·√v(L)``; z for the two-sided 80 % band (our
   choice, within the 80–90 % the reference allows; configurable).

When the clinic has fewer than ``min_patients`` patients with enough sessions,
no model is returned and the rule falls back to reliable deterioration from
intake (Jacobson & Truax 1991).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from alliance.science.signals.config import SignalConfig
from alliance.science.signals.model import FloatArray, Severity
from alliance.science.signals.rules import Finding, Missing, Outcome

#: Heuristic: patients (each with ≥ MIN_SESSIONS_PER_PATIENT scores) needed to fit.
MIN_PATIENTS = 30
MIN_SESSIONS_PER_PATIENT = 3
_VARIANCE_FLOOR = 1e-6


@dataclass(frozen=True)
class ExpectedTrajectory:
    """A fitted expected-trajectory model: score at session s given intake."""

    intercept: float
    intake_slope: float
    log_session_slope: float
    variance_coefficients: tuple[float, float, float]  # v(L) = c0 + c1·L + c2·L²
    n_patients: int
    n_observations: int

    def expected(self, intake: float, session_number: float) -> float:
        log_session = math.log(session_number)
        return self.intercept + self.intake_slope * intake + self.log_session_slope * log_session

    def spread(self, session_number: float) -> float:
        log_session = math.log(session_number)
        c0, c1, c2 = self.variance_coefficients
        return math.sqrt(max(c0 + c1 * log_session + c2 * log_session**2, _VARIANCE_FLOOR))

    def band(
        self, intake: float, session_number: float, coverage: float = 0.80
    ) -> tuple[float, float, float]:
        """(lower, expected, upper) of the two-sided ``coverage`` prediction band."""
        z = float(stats.norm.ppf(0.5 + coverage / 2.0))
        centre = self.expected(intake, session_number)
        half_width = z * self.spread(session_number)
        return centre - half_width, centre, centre + half_width


def fit_expected_trajectory(
    patients: ArrayLike,
    session_numbers: ArrayLike,
    scores: ArrayLike,
    *,
    min_patients: int = MIN_PATIENTS,
) -> ExpectedTrajectory | None:
    """Fit on long data (one row per patient and session; session numbers from 1).

    Returns ``None`` when there are too few patients: the caller then falls
    back to reliable deterioration.
    """
    patient = np.asarray(patients)
    session = np.asarray(session_numbers, dtype=float)
    score = np.asarray(scores, dtype=float)
    keep = ~np.isnan(score)
    patient, session, score = patient[keep], session[keep], score[keep]
    order = np.lexsort((session, patient))
    patient, session, score = patient[order], session[order], score[order]
    starts = np.r_[True, patient[1:] != patient[:-1]]
    group = np.cumsum(starts) - 1
    counts = np.bincount(group)
    eligible = counts[group] >= MIN_SESSIONS_PER_PATIENT
    if int((counts >= MIN_SESSIONS_PER_PATIENT).sum()) < min_patients:
        return None
    intake = score[starts][group]
    # Rows after intake only: at intake the score *is* the predictor.
    rows = eligible & ~starts
    log_session = np.log(np.maximum(session[rows] - session[starts][group][rows] + 1.0, 1.0))
    design = np.column_stack([np.ones(rows.sum()), intake[rows], log_session])
    coefficients, *_ = np.linalg.lstsq(design, score[rows], rcond=None)
    residuals = score[rows] - design @ coefficients
    variance_design = np.column_stack([np.ones(rows.sum()), log_session, log_session**2])
    variance, *_ = np.linalg.lstsq(variance_design, residuals**2, rcond=None)
    return ExpectedTrajectory(
        intercept=float(coefficients[0]),
        intake_slope=float(coefficients[1]),
        log_session_slope=float(coefficients[2]),
        variance_coefficients=(float(variance[0]), float(variance[1]), float(variance[2])),
        n_patients=int((counts >= MIN_SESSIONS_PER_PATIENT).sum()),
        n_observations=int(rows.sum()),
    )


def not_on_track(
    outcome: FloatArray, t: int, model: ExpectedTrajectory | None, config: SignalConfig
) -> Outcome:
    """Outcome at session ``t`` worse than the band, or reliably worse than intake.

    The session number used by the model is the position in the episode
    (``t + 1``), not the calendar date.
    """
    observed = np.flatnonzero(~np.isnan(outcome[: t + 1]))
    if observed.size < 2:
        return Missing("not_on_track", int(observed.size), 2)
    current = float(outcome[t])
    if math.isnan(current):
        return None
    intake = float(outcome[observed[0]])
    worse = 1.0 if not config.outcome_higher_is_better else -1.0
    if model is not None:
        session_number = t - int(observed[0]) + 1
        lower, expected, upper = model.band(intake, session_number, config.not_on_track_band)
        boundary = upper if worse > 0 else lower
        excess = worse * (current - boundary)
        if excess <= 0:
            return None
        evidence = {
            "intake": intake,
            "current": current,
            "expected": expected,
            "boundary": boundary,
            "band": config.not_on_track_band,
        }
        return Finding("not_on_track", t, Severity.WARNING, excess, evidence)
    if config.outcome_reliable_change is None:
        return Missing("not_on_track", int(observed.size), 2)
    deterioration = worse * (current - intake)
    if deterioration < config.outcome_reliable_change:
        return None
    evidence = {
        "intake": intake,
        "current": current,
        "reliable_change": config.outcome_reliable_change,
    }
    return Finding("not_on_track", t, Severity.WARNING, deterioration, evidence)
