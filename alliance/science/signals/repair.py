"""The repair half of the rupture–repair sequence, and repair statistics.

A rupture is repaired at the first later check-in where either

- the patient says it was talked through (the check-in's "was it talked
  through?" answer), or
- the ratings that showed it are back: a score within ``repair_tolerance_sd``
  pooled SDs of the level it had before the rupture (the second half of
  Stiles' V), above the cut-off for a low level, or the disagreement gone.

The tolerance is heuristic (default 1 SD: "no longer a 1-SD dip").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from alliance.science.signals import rules
from alliance.science.signals.config import DEFAULT_CONFIG, SCORE_RULES, SignalConfig
from alliance.science.signals.engine import BOTH_RESPONDENTS, Scales, scale_for
from alliance.science.signals.model import FloatArray, Respondent, Signal, Trajectory

#: "Has the rupture recovered at check-in j?"
_Test = Callable[[int], bool]


def repaired_at(
    rupture: Signal,
    trajectory: Trajectory,
    scales: Scales,
    config: SignalConfig = DEFAULT_CONFIG,
    *,
    until: int | None = None,
) -> int | None:
    """Position of the check-in at which ``rupture`` was repaired, or None (not yet)."""
    last = len(trajectory) - 1 if until is None else until
    recovered = _recovery_test(rupture, trajectory, scales, config)
    talked = trajectory.talked_through
    if rupture.rule == "tension" and talked is not None and talked[rupture.session] == 1.0:
        return rupture.session  # talked through in the very session it happened
    for j in range(rupture.session + 1, last + 1):
        if (talked is not None and talked[j] == 1.0) or recovered(j):
            return j
    return None


def is_repaired(
    rupture: Signal,
    trajectory: Trajectory,
    scales: Scales,
    config: SignalConfig = DEFAULT_CONFIG,
    *,
    at: int,
) -> bool:
    """Has ``rupture`` been repaired by the check-in at position ``at``?"""
    return repaired_at(rupture, trajectory, scales, config, until=at) is not None


def _recovery_test(
    rupture: Signal, trajectory: Trajectory, scales: Scales, config: SignalConfig
) -> _Test:
    if rupture.rule == "tension":
        return _tension_recovery(rupture, trajectory, scales, config)
    if rupture.rule in SCORE_RULES:
        return _score_recovery(rupture, trajectory, scales, config)
    if rupture.rule == "discrepancy":
        return _agreement_recovery(rupture, trajectory, scales, config)
    if rupture.rule == "goal_not_owned" and trajectory.goal_ownership is not None:
        ratings = trajectory.goal_ownership[:, int(rupture.evidence["goal"])]
        return lambda j: bool(ratings[j] > config.goal_ownership_max)
    if rupture.rule == "task_not_relevant":
        return _task_recovery(rupture, trajectory, config)
    return lambda j: False


def _series_of(rupture: Signal, trajectory: Trajectory) -> FloatArray | None:
    respondent = (
        Respondent.PATIENT if rupture.respondent == BOTH_RESPONDENTS else rupture.respondent
    )
    return trajectory.scores.get((respondent, rupture.dimension))


def _tension_recovery(
    rupture: Signal, trajectory: Trajectory, scales: Scales, config: SignalConfig
) -> _Test:
    """No tension reported any more, and the overall score (if rated) back to its level."""
    tension = trajectory.tension
    score_back = _back_to_level(rupture, trajectory, scales, config)

    def recovered(j: int) -> bool:
        no_tension = tension is not None and bool(tension[j] == 0.0)
        return no_tension and (score_back is None or score_back(j))

    return recovered


def _score_recovery(
    rupture: Signal, trajectory: Trajectory, scales: Scales, config: SignalConfig
) -> _Test:
    back = _back_to_level(rupture, trajectory, scales, config)
    return back if back is not None else (lambda j: False)


def _back_to_level(
    rupture: Signal, trajectory: Trajectory, scales: Scales, config: SignalConfig
) -> _Test | None:
    """Is the score back within ``repair_tolerance_sd`` pooled SDs of its earlier level
    (or above the cut-off, for a low level)? None when there is no level to come back to."""
    series = _series_of(rupture, trajectory)
    if series is None:
        return None
    scale = scale_for(scales, rupture.dimension)
    if rupture.rule == "low_level" and scale.low_cutoff is not None:
        cutoff = scale.low_cutoff
        return lambda j: bool(series[j] >= cutoff)
    prior = rules.observed_before(series, rupture.session)
    if prior.size == 0:
        return None
    level = rules.baseline(prior, scale, config)
    floor = level.mean - config.repair_tolerance_sd * level.pooled_sd
    return lambda j: bool(series[j] >= floor)


def _agreement_recovery(
    rupture: Signal, trajectory: Trajectory, scales: Scales, config: SignalConfig
) -> _Test:
    patient = trajectory.scores[(Respondent.PATIENT, rupture.dimension)]
    therapist = trajectory.scores[(Respondent.THERAPIST, rupture.dimension)]
    limit = config.discrepancy_share * scale_for(scales, rupture.dimension).width
    return lambda j: bool(abs(patient[j] - therapist[j]) < limit)


def _task_recovery(rupture: Signal, trajectory: Trajectory, config: SignalConfig) -> _Test:
    task = int(rupture.evidence["task"])
    relevance = trajectory.task_relevance
    done = trajectory.task_done

    def recovered(j: int) -> bool:
        relevant = relevance is None or relevance[j, task] > config.task_relevance_max
        was_done = done is None or done[j, task] == 1.0
        rated = (relevance is not None and not math.isnan(relevance[j, task])) or (
            done is not None and not math.isnan(done[j, task])
        )
        return rated and relevant and was_done

    return recovered


# --------------------------------------------------------------------------- #
# Statistics over many ruptures
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class RuptureRecord:
    """One rupture for statistics. Times in sessions or days, as long as all agree.

    ``followed_until`` is the last time the patient was seen: an unrepaired
    rupture is *censored* there (it might still be repaired later).
    """

    opened: float
    repaired: float | None
    followed_until: float


@dataclass(frozen=True)
class RepairStatistics:
    ruptures: int
    repaired: int
    unrepaired: int
    repair_rate: float
    #: Kaplan–Meier median time to repair, counting unrepaired ruptures as
    #: censored; NaN when fewer than half are ever repaired.
    median_time_to_repair: float
    mean_time_to_repair_if_repaired: float


def repair_statistics(records: Sequence[RuptureRecord]) -> RepairStatistics:
    """Repair rate, time to repair and unrepaired ruptures over a list of ruptures."""
    total = len(records)
    if total == 0:
        return RepairStatistics(0, 0, 0, float("nan"), float("nan"), float("nan"))
    durations = np.array(
        [(r.repaired if r.repaired is not None else r.followed_until) - r.opened for r in records]
    )
    events = np.array([r.repaired is not None for r in records])
    repaired = int(events.sum())
    mean_repaired = float(durations[events].mean()) if repaired else float("nan")
    return RepairStatistics(
        ruptures=total,
        repaired=repaired,
        unrepaired=total - repaired,
        repair_rate=repaired / total,
        median_time_to_repair=kaplan_meier_median(durations, events),
        mean_time_to_repair_if_repaired=mean_repaired,
    )


def kaplan_meier_median(durations: FloatArray, events: np.ndarray) -> float:
    """Smallest time at which the Kaplan–Meier "still unrepaired" curve reaches ≤ 0.5."""
    survival = 1.0
    at_risk = durations.size
    for time in np.unique(durations):
        at_time = durations == time
        repaired_now = int((at_time & events).sum())
        if at_risk > 0 and repaired_now:
            survival *= 1.0 - repaired_now / at_risk
        if survival <= 0.5:
            return float(time)
        at_risk -= int(at_time.sum())
    return float("nan")
