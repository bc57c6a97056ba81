"""Change statistics: reliable change, clinical significance, sudden gains and losses.

Every formula here is the one written in the clinical reference
(``clinical-reference.md``, section 4), with its source:

- **Reliable change** (Jacobson & Truax 1991)::

      SE     = SD₁ · √(1 − r_xx)        standard error of measurement
      S_diff = √2 · SE                 standard error of a difference
      RC     = (x₂ − x₁) / S_diff      reliable when |RC| > 1.96

- **Clinical significance** (Jacobson & Truax 1991)::

      a = M_clin − 2·SD_clin
      b = M_norm + 2·SD_norm
      c = (SD_clin·M_norm + SD_norm·M_clin) / (SD_clin + SD_norm)

  *Recovered* means a reliable improvement that also crosses ``c``.

- **Sudden gains and losses** (Tang & DeRubeis 1999, as implemented in the R
  package ``suddengains``, Wiedemann et al. 2020): a change between two
  consecutive sessions counts when (1) its size reaches the reliable-change
  cut-off, (2) it is at least 25 % of the pre-change score, and (3) the mean of
  up to three sessions before differs from the mean of up to three sessions
  after by more than a t critical value times their pooled SD. The critical
  value depends on how many of those six sessions are available (2.776 for
  3 + 3, 3.182 for 2 + 3, 4.303 for 2 + 2); at least two on each side are needed.

The functions accept scalars or NumPy arrays and broadcast, so that a whole
table of patients is scored in one call.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Final, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

#: Two-sided 95 % critical value of the standard normal used by Jacobson & Truax.
RELIABLE_CHANGE_Z: Final = 1.96

#: Criterion 2 of Tang & DeRubeis (1999): the change is at least this share of the
#: pre-change score.
SUDDEN_CHANGE_MIN_SHARE: Final = 0.25

#: Sessions compared before and after a candidate sudden change (Tang & DeRubeis).
SUDDEN_CHANGE_WINDOW: Final = 3

#: Fewest available sessions on each side for criterion 3 (``suddengains``).
SUDDEN_CHANGE_MIN_SIDE: Final = 2

FloatArray = NDArray[np.float64]
Direction = Literal["increase", "decrease"]


# --------------------------------------------------------------------------- #
# Reliable change (Jacobson & Truax 1991)
# --------------------------------------------------------------------------- #


def _check_reliability(reliability: float) -> None:
    if not 0.0 <= reliability < 1.0:
        raise ValueError(f"reliability must be in [0, 1), got {reliability!r}")


def _check_sd(sd: float) -> None:
    if not sd > 0.0:
        raise ValueError(f"a standard deviation must be positive, got {sd!r}")


def standard_error_of_measurement(sd: float, reliability: float) -> float:
    """SE = SD₁ · √(1 − r_xx) (Jacobson & Truax 1991)."""
    _check_sd(sd)
    _check_reliability(reliability)
    return sd * math.sqrt(1.0 - reliability)


def standard_error_of_difference(sd: float, reliability: float) -> float:
    """S_diff = √2 · SE: the spread of a difference between two fallible scores."""
    return math.sqrt(2.0) * standard_error_of_measurement(sd, reliability)


def reliable_change_threshold(sd: float, reliability: float, z: float = RELIABLE_CHANGE_Z) -> float:
    """Smallest change, in score points, that counts as reliable: z · S_diff."""
    return z * standard_error_of_difference(sd, reliability)


def reliable_change_index(
    before: ArrayLike, after: ArrayLike, sd: float, reliability: float
) -> FloatArray:
    """RC = (x₂ − x₁) / S_diff, element-wise; NaN where a score is missing."""
    difference = np.asarray(after, dtype=float) - np.asarray(before, dtype=float)
    index: FloatArray = difference / standard_error_of_difference(sd, reliability)
    return index


class ChangeCategory(StrEnum):
    """Jacobson & Truax's categories, in the direction of the patient's benefit."""

    RECOVERED = "recovered"
    IMPROVED = "improved"
    NO_RELIABLE_CHANGE = "no_reliable_change"
    DETERIORATED = "deteriorated"


@dataclass(frozen=True)
class ClinicalCutoffs:
    """The three cut-offs of Jacobson & Truax; ``b`` and ``c`` need norms."""

    a: float
    b: float | None
    c: float | None


def clinical_cutoffs(
    mean_clinical: float,
    sd_clinical: float,
    mean_normal: float | None = None,
    sd_normal: float | None = None,
) -> ClinicalCutoffs:
    """a = M_clin − 2SD_clin; b = M_norm + 2SD_norm; c weights both means by the other SD.

    The formulas for ``a`` and ``b`` are written for a scale on which the
    clinical group scores *higher* than the normal one (symptoms); for a scale
    where higher is better, use :func:`classify_change` with
    ``higher_is_better=True``, which mirrors the comparison with ``c``.
    """
    _check_sd(sd_clinical)
    a = mean_clinical - 2.0 * sd_clinical
    if mean_normal is None or sd_normal is None:
        return ClinicalCutoffs(a=a, b=None, c=None)
    _check_sd(sd_normal)
    b = mean_normal + 2.0 * sd_normal
    c = (sd_clinical * mean_normal + sd_normal * mean_clinical) / (sd_clinical + sd_normal)
    return ClinicalCutoffs(a=a, b=b, c=c)


def classify_change(
    before: float,
    after: float,
    sd: float,
    reliability: float,
    cutoff: float | None = None,
    *,
    higher_is_better: bool = False,
) -> ChangeCategory:
    """Jacobson & Truax's category for one patient's change from ``before`` to ``after``.

    ``cutoff`` is usually ``c`` from :func:`clinical_cutoffs`. Recovered means a
    reliable improvement that ends on the healthy side of the cut-off, having
    started on the other side.
    """
    index = float(reliable_change_index(before, after, sd, reliability))
    benefit = index if higher_is_better else -index
    if benefit < -RELIABLE_CHANGE_Z:
        return ChangeCategory.DETERIORATED
    if benefit <= RELIABLE_CHANGE_Z:
        return ChangeCategory.NO_RELIABLE_CHANGE
    if cutoff is not None and _crosses(before, after, cutoff, higher_is_better=higher_is_better):
        return ChangeCategory.RECOVERED
    return ChangeCategory.IMPROVED


def _crosses(before: float, after: float, cutoff: float, *, higher_is_better: bool) -> bool:
    if higher_is_better:
        return before < cutoff <= after
    return before > cutoff >= after


# --------------------------------------------------------------------------- #
# Sudden gains and losses (Tang & DeRubeis 1999; suddengains)
# --------------------------------------------------------------------------- #


@lru_cache(maxsize=64)
def sudden_change_critical_value(n_before: int, n_after: int, alpha: float = 0.05) -> float:
    """Two-tailed t critical value for ``n_before + n_after − 2`` degrees of freedom.

    This is ``suddengains``' adjustment for missing sessions (Lutz et al. 2013):
    2.776 for 3 + 3 sessions, 3.182 for 2 + 3 and 4.303 for 2 + 2.
    """
    degrees_of_freedom = n_before + n_after - 2
    if degrees_of_freedom < 1:
        raise ValueError("criterion 3 needs at least three sessions around the change")
    return float(stats.t.ppf(1.0 - alpha / 2.0, degrees_of_freedom))


@dataclass(frozen=True)
class SuddenChangeCriteria:
    """Each criterion per candidate interval, so that a researcher can see why.

    Arrays are aligned with the *pre-change* session ``n`` (the change is from
    ``n`` to ``n + 1``); the last position is always False. ``criterion_3`` is
    NaN where fewer than two sessions are available on a side.
    """

    change: FloatArray
    criterion_1: NDArray[np.bool_]
    criterion_2: NDArray[np.bool_]
    criterion_3: FloatArray
    is_sudden: NDArray[np.bool_]


def _windows(scores: FloatArray, offsets: range) -> FloatArray:
    """Stack ``scores[n + offset]`` for each offset as columns, NaN past either end."""
    padded = np.concatenate(
        [np.full(SUDDEN_CHANGE_WINDOW, np.nan), scores, np.full(SUDDEN_CHANGE_WINDOW, np.nan)]
    )
    start = SUDDEN_CHANGE_WINDOW
    n = scores.size
    return np.column_stack([padded[start + offset : start + offset + n] for offset in offsets])


def sudden_change_criteria(
    scores: ArrayLike,
    cutoff: float,
    *,
    direction: Direction,
    min_share: float | None = SUDDEN_CHANGE_MIN_SHARE,
    alpha: float = 0.05,
) -> SuddenChangeCriteria:
    """Tang & DeRubeis criteria for every consecutive pair of one patient's sessions.

    ``scores`` is one patient's series in session order, NaN for a missed
    session. ``direction`` is the direction of the change sought: for a symptom
    measure a sudden *gain* is a ``"decrease"``; for an alliance score a sudden
    *loss* is a ``"decrease"``. ``cutoff`` is the reliable-change cut-off in
    points (see :func:`reliable_change_threshold`).
    """
    series = np.asarray(scores, dtype=float)
    sign = -1.0 if direction == "decrease" else 1.0
    before = _windows(series, range(-SUDDEN_CHANGE_WINDOW + 1, 1))  # n-2, n-1, n
    after = _windows(series, range(1, SUDDEN_CHANGE_WINDOW + 1))  # n+1, n+2, n+3
    change = after[:, 0] - before[:, -1]
    toward = sign * change  # positive when the change goes the sought way
    with np.errstate(invalid="ignore"):
        criterion_1 = toward >= cutoff
        criterion_2 = (
            np.ones_like(criterion_1)
            if min_share is None
            else toward >= min_share * np.abs(before[:, -1])
        )
    criterion_3 = _criterion_3(before, after, sign, alpha)
    is_sudden = criterion_1 & criterion_2 & (criterion_3 == 1.0)
    return SuddenChangeCriteria(change, criterion_1, criterion_2, criterion_3, is_sudden)


def _criterion_3(before: FloatArray, after: FloatArray, sign: float, alpha: float) -> FloatArray:
    """Mean difference beyond ``t_crit × pooled SD``, exactly as ``suddengains`` tests it.

    Note: ``suddengains`` multiplies the critical value by the pooled SD itself,
    not by its standard error; we follow it so that results can be compared.
    """
    n_before = np.sum(~np.isnan(before), axis=1)
    n_after = np.sum(~np.isnan(after), axis=1)
    enough = (n_before >= SUDDEN_CHANGE_MIN_SIDE) & (n_after >= SUDDEN_CHANGE_MIN_SIDE)
    result = np.full(before.shape[0], np.nan)
    if not enough.any():
        return result
    b, a = before[enough], after[enough]
    nb, na = n_before[enough], n_after[enough]
    pooled_variance = (
        np.nanvar(b, axis=1, ddof=1) * (nb - 1) + np.nanvar(a, axis=1, ddof=1) * (na - 1)
    ) / (nb + na - 2)
    critical = np.array(
        [sudden_change_critical_value(int(x), int(y), alpha) for x, y in zip(nb, na, strict=True)]
    )
    mean_shift = sign * (np.nanmean(a, axis=1) - np.nanmean(b, axis=1))
    result[enough] = (mean_shift > critical * np.sqrt(pooled_variance)).astype(float)
    return result


def sudden_changes(
    scores: ArrayLike,
    cutoff: float,
    *,
    direction: Direction,
    min_share: float | None = SUDDEN_CHANGE_MIN_SHARE,
    alpha: float = 0.05,
) -> NDArray[np.intp]:
    """Positions ``n`` of the sudden changes (from session ``n`` to ``n + 1``)."""
    criteria = sudden_change_criteria(
        scores, cutoff, direction=direction, min_share=min_share, alpha=alpha
    )
    return np.flatnonzero(criteria.is_sudden)
