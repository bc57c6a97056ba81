"""The rules, one small function each, written for one session at a time.

This is the readable reference: each function looks at a patient's data *up to
and including* session ``t`` (never after: a signal must be raisable when the
check-in arrives) and returns a :class:`Finding` or ``None``. The vectorised
batch path (:mod:`alliance.science.signals.batch`) computes the same thing for
millions of check-ins at once and is tested against these functions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from alliance.science.change import SUDDEN_CHANGE_WINDOW, sudden_change_criteria
from alliance.science.signals.config import Scale, SignalConfig
from alliance.science.signals.model import Attendance, FloatArray, Severity


@dataclass(frozen=True)
class Finding:
    """A rule's verdict before the engine attaches dimension, respondent and source."""

    rule: str
    session: int
    severity: Severity
    magnitude: float
    evidence: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Missing:
    """The rule needs more observations than the patient has so far."""

    rule: str
    available: int
    needed: int


Outcome = Finding | Missing | None


def observed_before(series: FloatArray, t: int) -> FloatArray:
    """The patient's observed scores before session ``t``, oldest first."""
    earlier = series[:t]
    return earlier[~np.isnan(earlier)]


# --------------------------------------------------------------------------- #
# Rules on an alliance score series (one respondent, one dimension)
# --------------------------------------------------------------------------- #


def reliable_drop(series: FloatArray, t: int, scale: Scale, config: SignalConfig) -> Outcome:
    """A fall below the patient's level at least as large as the reliable change.

    Jacobson & Truax compare two single scores: S_diff = √2·SE. We compare the
    score with the mean x̄ of the last n observed scores (``reliable_drop_from
    = "level"``, default), whose own error is SE/√n, so that::

        drop = x̄ − x_t;   signal when drop ≥ z · SE · √(1 + 1/n)

    which is exactly Jacobson & Truax when n = 1 (``reliable_drop_from =
    "previous"`` compares with the last score only).
    """
    current = series[t]
    prior = observed_before(series, t)
    if prior.size < config.min_prior_for_drop:
        return Missing("reliable_drop", int(prior.size), config.min_prior_for_drop)
    if math.isnan(current):
        return None
    reference = (
        prior[-1:] if config.reliable_drop_from == "previous" else prior[-config.baseline_window :]
    )
    level = float(reference.mean())
    threshold = scale.reliable_change_from_mean(reference.size, config.reliable_change_z)
    drop = level - float(current)
    if drop < threshold:
        return None
    evidence = {
        "reference": level,
        "reference_sessions": float(reference.size),
        "current": float(current),
        "threshold": threshold,
    }
    return Finding("reliable_drop", t, Severity.WARNING, drop, evidence)


@dataclass(frozen=True)
class Baseline:
    """The patient's own level before a session, and the SD that judges a dip."""

    mean: float
    patient_sd: float
    pooled_sd: float
    count: int


def baseline(prior: FloatArray, scale: Scale, config: SignalConfig) -> Baseline:
    """Mean of the last ``baseline_window`` observed scores and a pooled SD.

    The patient's own SD is pooled with the clinic's within-patient SD,
    weighted by degrees of freedom: ``s² = (df·s_patient² + k·s_clinic²) / (df + k)``.
    Gumz et al. (2012) recommend combining within- and between-patient
    information; pooling also keeps a patient who always answers 10 (SD 0) from
    turning every 1-point change into a "dip".
    """
    window = prior[-config.baseline_window :]
    degrees = window.size - 1
    patient_variance = float(np.var(window, ddof=1)) if degrees > 0 else 0.0
    clinic_variance = scale.typical_within_sd**2
    weight = config.clinic_sd_weight
    pooled = math.sqrt((degrees * patient_variance + weight * clinic_variance) / (degrees + weight))
    return Baseline(float(window.mean()), math.sqrt(patient_variance), pooled, int(window.size))


def dip(
    series: FloatArray, t: int, scale: Scale, config: SignalConfig, *, depth: float, rule: str
) -> Outcome:
    """The session falls ``depth`` pooled SDs or more below the patient's own level.

    The first half of Stiles' V: the repair half is checked later by
    :func:`alliance.science.signals.repair.repaired_at`.
    """
    prior = observed_before(series, t)
    if prior.size < config.min_baseline:
        return Missing(rule, int(prior.size), config.min_baseline)
    current = series[t]
    if math.isnan(current):
        return None
    level = baseline(prior, scale, config)
    depth_found = (level.mean - float(current)) / level.pooled_sd
    if depth_found < depth:
        return None
    evidence = {
        "baseline_mean": level.mean,
        "pooled_sd": level.pooled_sd,
        "patient_sd": level.patient_sd,
        "current": float(current),
        "depth_sd": depth_found,
        "baseline_sessions": float(level.count),
    }
    return Finding(rule, t, Severity.WARNING, level.mean - float(current), evidence)


def dip_1sd(series: FloatArray, t: int, scale: Scale, config: SignalConfig) -> Outcome:
    """Strauss et al. (2006): 1 pooled SD below the patient's level."""
    return dip(series, t, scale, config, depth=config.dip_1sd, rule="dip_1sd")


def dip_2sd(series: FloatArray, t: int, scale: Scale, config: SignalConfig) -> Outcome:
    """Stiles et al. (2004): 2 pooled SDs below the patient's level."""
    return dip(series, t, scale, config, depth=config.dip_2sd, rule="dip_2sd")


def sudden_loss(series: FloatArray, t: int, scale: Scale, config: SignalConfig) -> Outcome:
    """Tang & DeRubeis' three criteria for the change from session t−3 to t−2.

    Criterion 3 compares up to three sessions on each side, so a loss is known
    only once the third session after it has arrived: at ``t``.
    """
    needed = 2 * SUDDEN_CHANGE_WINDOW
    if t + 1 < needed:
        return Missing("sudden_loss", t + 1, needed)
    pre_change = t - SUDDEN_CHANGE_WINDOW
    window = series[pre_change - SUDDEN_CHANGE_WINDOW + 1 : t + 1]
    criteria = sudden_change_criteria(
        window,
        scale.reliable_change(config.reliable_change_z),
        direction="decrease",
        min_share=config.sudden_min_share,
        alpha=config.sudden_alpha,
    )
    position = SUDDEN_CHANGE_WINDOW - 1  # the pre-change session inside the window
    if not criteria.is_sudden[position]:
        return None
    before = window[:SUDDEN_CHANGE_WINDOW]
    after = window[SUDDEN_CHANGE_WINDOW:]
    loss = -float(criteria.change[position])
    evidence = {
        "pre_change": float(window[position]),
        "post_change": float(window[position + 1]),
        "mean_before": float(np.nanmean(before)),
        "mean_after": float(np.nanmean(after)),
    }
    return Finding("sudden_loss", pre_change + 1, Severity.WARNING, loss, evidence)


def ceiling_drop(series: FloatArray, t: int, scale: Scale, config: SignalConfig) -> Outcome:
    """A small drop from a high level (OpenFIT: ≥ 1 point below the last SRS, on 0–40).

    Ceiling effects make large drops impossible near the top of a scale, so a
    small one is shown, as information.
    """
    prior = observed_before(series, t)
    if prior.size < config.min_prior_for_drop:
        return Missing("ceiling_drop", int(prior.size), config.min_prior_for_drop)
    current = series[t]
    if math.isnan(current):
        return None
    previous = float(prior[-1])
    high = scale.minimum + config.ceiling_high_share * scale.width
    small = config.ceiling_min_drop_share * scale.width
    drop = previous - float(current)
    if previous < high or drop < small - 1e-9:
        return None
    evidence = {"previous": previous, "current": float(current), "high_level": high}
    return Finding("ceiling_drop", t, Severity.WARNING, drop, evidence)


def low_level(series: FloatArray, t: int, scale: Scale, config: SignalConfig) -> Outcome:
    """Below the instrument's published cut-off (only where one exists)."""
    current = series[t]
    if scale.low_cutoff is None or math.isnan(current) or current >= scale.low_cutoff:
        return None
    evidence = {"current": float(current), "cutoff": scale.low_cutoff}
    return Finding("low_level", t, Severity.WARNING, scale.low_cutoff - float(current), evidence)


# --------------------------------------------------------------------------- #
# Rules on the rest of the check-in
# --------------------------------------------------------------------------- #


def _answer(values: FloatArray | None, t: int) -> float:
    return float("nan") if values is None else float(values[t])


def tension(
    reported: FloatArray,
    intensity: FloatArray | None,
    talked: FloatArray | None,
    t: int,
    config: SignalConfig,
) -> Finding | None:
    """The patient said there was a moment of tension or misunderstanding."""
    if reported[t] != 1.0:
        return None
    strength = _answer(intensity, t)
    talked_through = _answer(talked, t)
    severity = Severity.WARNING
    if strength >= config.tension_urgent_intensity:
        severity = Severity.URGENT
    elif talked_through == 1.0:
        severity = Severity.INFO
    evidence = {"intensity": strength, "talked_through": talked_through}
    return Finding("tension", t, severity, 1.0 if math.isnan(strength) else strength, evidence)


def discrepancy(
    patient: FloatArray, therapist: FloatArray, t: int, scale: Scale, config: SignalConfig
) -> Finding | None:
    """Patient and therapist rate the same session far apart.

    A patient lower than the therapist is a warning (the therapist may not
    have seen a strain); the usual direction (patients rate higher, Tryon
    2007) is information.
    """
    difference = float(patient[t] - therapist[t])
    if math.isnan(difference) or abs(difference) < config.discrepancy_share * scale.width:
        return None
    severity = Severity.WARNING if difference < 0 else Severity.INFO
    evidence = {
        "patient": float(patient[t]),
        "therapist": float(therapist[t]),
        "difference": difference,
    }
    return Finding("discrepancy", t, severity, abs(difference), evidence)


def _last_observed_row(ratings: FloatArray, t: int, column: int) -> float:
    earlier = observed_before(ratings[:, column], t)
    return float(earlier[-1]) if earlier.size else float("nan")


def goals_not_owned(ratings: FloatArray, t: int, config: SignalConfig) -> list[Finding]:
    """A goal the patient now rates as hardly theirs, the first time it happens.

    Raised on the crossing only, so that the same goal does not alarm again at
    every check-in while its repair is open.
    """
    findings = []
    for goal in range(ratings.shape[1]):
        rating = float(ratings[t, goal])
        if math.isnan(rating) or rating > config.goal_ownership_max:
            continue
        previous = _last_observed_row(ratings, t, goal)
        if not math.isnan(previous) and previous <= config.goal_ownership_max:
            continue
        evidence = {"goal": float(goal), "rating": rating, "previous": previous}
        findings.append(Finding("goal_not_owned", t, Severity.WARNING, rating, evidence))
    return findings


def _task_problems(
    relevance: FloatArray | None, done: FloatArray | None, task: int, config: SignalConfig
) -> FloatArray:
    """Per session: 1.0 when the task was judged irrelevant or its homework not done,
    0.0 when it was rated and fine, NaN when it was not rated."""
    length = len(relevance) if relevance is not None else len(done) if done is not None else 0
    problem = np.full(length, np.nan)
    if relevance is not None:
        rating = relevance[:, task]
        problem[~np.isnan(rating)] = 0.0
        problem[rating <= config.task_relevance_max] = 1.0
    if done is not None:
        homework = done[:, task]
        problem[(homework == 1.0) & np.isnan(problem)] = 0.0
        problem[homework == 0.0] = 1.0
    return problem


def tasks_not_relevant(
    relevance: FloatArray | None, done: FloatArray | None, t: int, config: SignalConfig
) -> list[Finding]:
    """A task judged irrelevant (relevance ≤ threshold) or not done in ``task_repeat`` of
    its last ``task_window`` ratings; raised when the count first reaches the threshold."""
    reference = relevance if relevance is not None else done
    if reference is None:
        return []
    findings = []
    for task in range(reference.shape[1]):
        problems = _task_problems(relevance, done, task, config)[: t + 1]
        if problems[t] != 1.0:
            continue
        rated = problems[~np.isnan(problems)]
        count_now = float(rated[-config.task_window :].sum())
        count_before = float(rated[:-1][-config.task_window :].sum())
        if count_now >= config.task_repeat > count_before:
            evidence = {"task": float(task), "times": count_now, "window": config.task_window}
            findings.append(Finding("task_not_relevant", t, Severity.WARNING, count_now, evidence))
    return findings


def safety(flags: FloatArray, t: int) -> Finding | None:
    """The safety item was endorsed: urgent, whatever else the check-in says."""
    if flags[t] != 1.0:
        return None
    return Finding("safety", t, Severity.URGENT, 1.0, {"safety_item": 1.0})


def missed_checkins(
    answered: np.ndarray, attendance: tuple[Attendance, ...] | None, t: int, config: SignalConfig
) -> Finding | None:
    """``missed_checkins_in_a_row`` attended sessions in a row without a check-in.

    ``answered[i]`` says whether the patient answered anything at session i.
    Raised once, when the run reaches the threshold.
    """
    run = 0
    for i in range(t, -1, -1):
        if attendance is not None and attendance[i] != Attendance.ATTENDED:
            continue  # a cancelled session has no check-in to miss
        if answered[i]:
            break
        run += 1
    if run != config.missed_checkins_in_a_row or (
        attendance is not None and attendance[t] != Attendance.ATTENDED
    ):
        return None
    return Finding("missed_checkins", t, Severity.WARNING, float(run), {"in_a_row": float(run)})


def cancellations(
    attendance: tuple[Attendance, ...], t: int, config: SignalConfig
) -> Finding | None:
    """A cancellation or no-show that makes ``cancellations_count`` in the last
    ``cancellations_window`` scheduled sessions."""
    if attendance[t] == Attendance.ATTENDED:
        return None
    window = attendance[max(0, t - config.cancellations_window + 1) : t + 1]
    count = sum(1 for status in window if status != Attendance.ATTENDED)
    if count < config.cancellations_count:
        return None
    evidence = {"count": float(count), "window": float(len(window))}
    return Finding("cancellations", t, Severity.WARNING, float(count), evidence)
