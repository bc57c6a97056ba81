"""The vectorised signal engine, for a whole clinic or a research data set at once.

Same rules and thresholds as :mod:`alliance.science.signals.rules`, computed
with NumPy over long arrays (one row per patient and session, grouped by
patient and in session order). ``tests/science/signals`` checks that both
paths raise exactly the same signals.

Covered here: the score rules (reliable drop, dips, sudden loss, small drop
from a high level, low level), patient-reported tension, therapist–patient
discrepancy and the safety item. Goals, tasks, attendance and the outcome
trajectory need per-patient structures and stay in the per-patient engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from alliance.science.change import SUDDEN_CHANGE_WINDOW, sudden_change_critical_value
from alliance.science.signals.config import DEFAULT_CONFIG, RULES, Scale, SignalConfig
from alliance.science.signals.engine import (
    BOTH_RESPONDENTS,
    CHECKIN_DIMENSION,
    OUTCOME_DIMENSION,
    Scales,
    scale_for,
)
from alliance.science.signals.model import FloatArray, Respondent, SeriesKey, Severity, Signal

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

SEVERITIES = (Severity.INFO, Severity.WARNING, Severity.URGENT)
_SEVERITY_CODE = {severity: code for code, severity in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Checkins:
    """Check-ins of many patients in long format, grouped by patient, in session order.

    ``patient`` holds integer codes (use ``numpy.unique(..., return_inverse=True)``
    on identifiers); the other arrays are aligned with it, NaN where missing.
    """

    patient: IntArray
    scores: Mapping[SeriesKey, FloatArray] = field(default_factory=dict)
    tension: FloatArray | None = None
    tension_intensity: FloatArray | None = None
    talked_through: FloatArray | None = None
    safety: FloatArray | None = None

    def __post_init__(self) -> None:
        starts = np.flatnonzero(_group_starts(self.patient))
        if np.unique(self.patient[starts]).size != starts.size:
            raise ValueError("rows must be grouped by patient")

    @property
    def position(self) -> IntArray:
        """Each row's position within its patient's trajectory (0-based)."""
        return _position_in_group(self.patient)


@dataclass
class SignalTable:
    """Signals as columns: cheap for millions of rows, easy to write to CSV."""

    rule: list[str] = field(default_factory=list)
    dimension: list[str] = field(default_factory=list)
    respondent: list[str] = field(default_factory=list)
    row: list[IntArray] = field(default_factory=list)  # row of the session concerned
    detected_row: list[IntArray] = field(default_factory=list)
    severity: list[IntArray] = field(default_factory=list)  # index into SEVERITIES
    magnitude: list[FloatArray] = field(default_factory=list)

    def add(
        self,
        rule: str,
        dimension: str,
        respondent: str,
        rows: IntArray,
        magnitude: FloatArray,
        severity: IntArray | Severity,
        detected_rows: IntArray | None = None,
    ) -> None:
        if rows.size == 0:
            return
        self.rule.append(rule)
        self.dimension.append(dimension)
        self.respondent.append(respondent)
        self.row.append(rows)
        self.detected_row.append(rows if detected_rows is None else detected_rows)
        if isinstance(severity, Severity):
            severity = np.full(rows.size, _SEVERITY_CODE[severity], dtype=np.int64)
        self.severity.append(severity)
        self.magnitude.append(magnitude)

    def __len__(self) -> int:
        return int(sum(rows.size for rows in self.row))

    def to_signals(self, checkins: Checkins) -> list[tuple[int, Signal]]:
        """``(patient code, Signal)`` pairs; slow, for tests and small data only.

        The batch engine keeps no evidence (``evidence`` is empty): recompute a
        patient's signals with the per-patient engine to explain them.
        """
        position = checkins.position
        found = []
        for index, rule in enumerate(self.rule):
            info = RULES[rule]
            for k in range(self.row[index].size):
                row, detected = int(self.row[index][k]), int(self.detected_row[index][k])
                signal = Signal(
                    rule=rule,
                    dimension=self.dimension[index],
                    respondent=self.respondent[index],
                    session=int(position[row]),
                    detected_at=int(position[detected]),
                    severity=SEVERITIES[int(self.severity[index][k])],
                    magnitude=float(self.magnitude[index][k]),
                    evidence={},
                    source=info.source,
                    heuristic=info.heuristic,
                    is_rupture=info.is_rupture,
                )
                found.append((int(checkins.patient[row]), signal))
        return found


def _group_starts(groups: IntArray) -> BoolArray:
    """True on the first row of each group."""
    if groups.size == 0:
        return np.zeros(0, dtype=bool)
    starts: BoolArray = np.r_[True, groups[1:] != groups[:-1]]
    return starts


def _position_in_group(groups: IntArray) -> IntArray:
    starts = _group_starts(groups)
    indices = np.arange(groups.size)
    first = np.maximum.accumulate(np.where(starts, indices, 0))
    return (indices - first).astype(np.int64)


def detect_batch(
    checkins: Checkins, scales: Scales, config: SignalConfig = DEFAULT_CONFIG
) -> SignalTable:
    """Every signal of every patient, as the per-patient engine would raise them."""
    table = SignalTable()
    for (respondent, dimension), values in checkins.scores.items():
        scale = scale_for(scales, dimension)
        _score_rules(table, checkins.patient, values, scale, config, respondent, dimension)
    _discrepancies(table, checkins, scales, config)
    _tension(table, checkins, config)
    if checkins.safety is not None and "safety" in config.enabled_rules:
        rows = np.flatnonzero(checkins.safety == 1.0)
        table.add(
            "safety",
            OUTCOME_DIMENSION,
            Respondent.PATIENT,
            rows,
            np.ones(rows.size),
            Severity.URGENT,
        )
    _apply_info_only(table, config)
    return table


def _apply_info_only(table: SignalTable, config: SignalConfig) -> None:
    """A clinic may demote any rule to "info", as the per-patient engine does."""
    for index, rule in enumerate(table.rule):
        if rule in config.info_only_rules:
            table.severity[index][:] = _SEVERITY_CODE[Severity.INFO]


# --------------------------------------------------------------------------- #
# Score rules on one series
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class _Observed:
    """The observed values of a series, compressed, with their place in the patient."""

    rows: IntArray  # row in the full table
    values: FloatArray
    prior_count: IntArray  # observed values of the same patient before this one


def _observed(patient: IntArray, values: FloatArray) -> _Observed:
    rows = np.flatnonzero(~np.isnan(values))
    return _Observed(rows, values[rows], _position_in_group(patient[rows]))


def _score_rules(
    table: SignalTable,
    patient: IntArray,
    values: FloatArray,
    scale: Scale,
    config: SignalConfig,
    respondent: str,
    dimension: str,
) -> None:
    observed = _observed(patient, values)
    enabled = config.enabled_rules

    def add(rule: str, where: BoolArray, magnitude: FloatArray) -> None:
        if rule in enabled:
            severity = config.severity(rule, Severity.WARNING)
            table.add(rule, dimension, respondent, observed.rows[where], magnitude[where], severity)

    previous = np.r_[np.nan, observed.values[:-1]]
    drop_from_previous = previous - observed.values
    has_previous = observed.prior_count >= config.min_prior_for_drop
    if "reliable_drop" in enabled:
        drop, threshold = _reliable_drop(observed, previous, scale, config)
        add("reliable_drop", has_previous & (drop >= threshold), drop)
    high = scale.minimum + config.ceiling_high_share * scale.width
    small = config.ceiling_min_drop_share * scale.width
    add(
        "ceiling_drop",
        has_previous & (previous >= high) & (drop_from_previous >= small - 1e-9),
        drop_from_previous,
    )
    if scale.low_cutoff is not None:
        add("low_level", observed.values < scale.low_cutoff, scale.low_cutoff - observed.values)
    if "dip_1sd" in enabled or "dip_2sd" in enabled:
        depth, below = _dip_depth(observed, scale, config)
        add("dip_1sd", depth >= config.dip_1sd, below)
        add("dip_2sd", depth >= config.dip_2sd, below)
    if "sudden_loss" in enabled:
        _sudden_losses(table, patient, values, scale, config, respondent, dimension)


@dataclass(frozen=True)
class _Baseline:
    """Per observed score: the patient's last ``baseline_window`` observed scores before it."""

    count: IntArray
    mean: FloatArray  # NaN where count is 0
    squared_deviations: FloatArray  # Σ (x − mean)² over the window


def _baselines(observed: _Observed, scale: Scale, config: SignalConfig) -> _Baseline:
    """Window sums from running totals: O(n) for any window length.

    Scores are centred on the middle of the scale first, which keeps the
    running sums of squares small and their differences exact enough.
    """
    centre = (scale.minimum + scale.maximum) / 2.0
    centred = observed.values - centre
    sums = np.r_[0.0, np.cumsum(centred)]
    squares = np.r_[0.0, np.cumsum(centred**2)]
    index = np.arange(centred.size)
    count = np.minimum(observed.prior_count, config.baseline_window)
    window_sum = sums[index] - sums[index - count]
    window_squares = squares[index] - squares[index - count]
    with np.errstate(invalid="ignore", divide="ignore"):
        centred_mean = window_sum / count
    deviations = np.maximum(window_squares - count * centred_mean**2, 0.0)
    return _Baseline(count, centred_mean + centre, deviations)


def _reliable_drop(
    observed: _Observed, previous: FloatArray, scale: Scale, config: SignalConfig
) -> tuple[FloatArray, FloatArray]:
    """Drop from the reference (previous score or level) and its reliable-change cut-off."""
    z = config.reliable_change_z
    if config.reliable_drop_from == "previous":
        return previous - observed.values, np.full(previous.size, scale.reliable_change(z))
    baseline = _baselines(observed, scale, config)
    with np.errstate(invalid="ignore", divide="ignore"):
        threshold = z * scale.measurement_error * np.sqrt(1.0 + 1.0 / baseline.count)
    return baseline.mean - observed.values, threshold


def _dip_depth(
    observed: _Observed, scale: Scale, config: SignalConfig
) -> tuple[FloatArray, FloatArray]:
    """Depth (in pooled SDs) and size (in points) of each score below the patient's level;
    NaN where the baseline is shorter than ``min_baseline``."""
    baseline = _baselines(observed, scale, config)
    degrees = np.maximum(baseline.count - 1, 0)
    weight = config.clinic_sd_weight
    pooled = np.sqrt(
        (baseline.squared_deviations + weight * scale.typical_within_sd**2) / (degrees + weight)
    )
    below = baseline.mean - observed.values
    with np.errstate(invalid="ignore"):
        depth = np.where(baseline.count >= config.min_baseline, below / pooled, np.nan)
    return depth, below


def _sudden_losses(
    table: SignalTable,
    patient: IntArray,
    values: FloatArray,
    scale: Scale,
    config: SignalConfig,
    respondent: str,
    dimension: str,
) -> None:
    """Tang & DeRubeis for the change between rows t−3 and t−2, detected at row t."""
    # Rows with at least five earlier rows of the same patient.
    candidates = np.flatnonzero(_position_in_group(patient) >= 2 * SUDDEN_CHANGE_WINDOW - 1)
    before = np.column_stack([values[candidates - lag] for lag in (5, 4, 3)])
    after = np.column_stack([values[candidates - lag] for lag in (2, 1, 0)])
    loss = before[:, -1] - after[:, 0]
    with np.errstate(invalid="ignore"):
        first_two = (loss >= scale.reliable_change(config.reliable_change_z)) & (
            loss >= config.sudden_min_share * np.abs(before[:, -1])
        )
    keep = np.flatnonzero(first_two)
    passed = _mean_shift_test(before[keep], after[keep], config.sudden_alpha)
    rows = candidates[keep][passed]
    severity = config.severity("sudden_loss", Severity.WARNING)
    table.add("sudden_loss", dimension, respondent, rows - 2, loss[keep][passed], severity, rows)


def _mean_shift_test(before: FloatArray, after: FloatArray, alpha: float) -> BoolArray:
    """Criterion 3 as in ``suddengains``: mean drop > t_crit(n₁ + n₂ − 2) × pooled SD."""
    n_before = np.sum(~np.isnan(before), axis=1)
    n_after = np.sum(~np.isnan(after), axis=1)
    enough = (n_before >= 2) & (n_after >= 2)
    result = np.zeros(before.shape[0], dtype=bool)
    if not enough.any():
        return result
    b, a, nb, na = before[enough], after[enough], n_before[enough], n_after[enough]
    mean_b, mean_a = np.nanmean(b, axis=1), np.nanmean(a, axis=1)
    squares = np.nansum((b - mean_b[:, None]) ** 2, axis=1) + np.nansum(
        (a - mean_a[:, None]) ** 2, axis=1
    )
    pooled_sd = np.sqrt(squares / (nb + na - 2))
    lookup = np.zeros((4, 4))
    for x in (2, 3):
        for y in (2, 3):
            lookup[x, y] = sudden_change_critical_value(x, y, alpha)
    result[enough] = (mean_b - mean_a) > lookup[nb, na] * pooled_sd
    return result


# --------------------------------------------------------------------------- #
# Other check-in rules
# --------------------------------------------------------------------------- #


def _discrepancies(
    table: SignalTable, checkins: Checkins, scales: Scales, config: SignalConfig
) -> None:
    if "discrepancy" not in config.enabled_rules:
        return
    for (respondent, dimension), patient_scores in checkins.scores.items():
        therapist_scores = checkins.scores.get((Respondent.THERAPIST, dimension))
        if respondent != Respondent.PATIENT or therapist_scores is None:
            continue
        limit = config.discrepancy_share * scale_for(scales, dimension).width
        difference = patient_scores - therapist_scores
        with np.errstate(invalid="ignore"):
            rows = np.flatnonzero(np.abs(difference) >= limit)
        codes = np.where(
            difference[rows] < 0, _SEVERITY_CODE[Severity.WARNING], _SEVERITY_CODE[Severity.INFO]
        ).astype(np.int64)
        table.add("discrepancy", dimension, BOTH_RESPONDENTS, rows, np.abs(difference[rows]), codes)


def _tension(table: SignalTable, checkins: Checkins, config: SignalConfig) -> None:
    if checkins.tension is None or "tension" not in config.enabled_rules:
        return
    rows = np.flatnonzero(checkins.tension == 1.0)
    intensity = _column_or_nan(checkins.tension_intensity, rows)
    talked = _column_or_nan(checkins.talked_through, rows)
    codes = np.full(rows.size, _SEVERITY_CODE[Severity.WARNING], dtype=np.int64)
    codes[talked == 1.0] = _SEVERITY_CODE[Severity.INFO]
    with np.errstate(invalid="ignore"):
        codes[intensity >= config.tension_urgent_intensity] = _SEVERITY_CODE[Severity.URGENT]
    magnitude = np.where(np.isnan(intensity), 1.0, intensity)
    table.add("tension", CHECKIN_DIMENSION, Respondent.PATIENT, rows, magnitude, codes)


def _column_or_nan(values: FloatArray | None, rows: IntArray) -> FloatArray:
    return np.full(rows.size, np.nan) if values is None else values[rows]
