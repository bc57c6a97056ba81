"""The per-patient signal engine: what does this check-in tell the therapist?

:func:`detect_signals` looks at one patient's trajectory as it stands when a
check-in arrives (session ``at``, by default the last) and returns the signals
that this check-in makes detectable. Every rule only uses data up to ``at``,
so calling it once per session (:func:`detect_history`) gives exactly the
signals a therapist would have received in real time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from alliance.science.signals import rules
from alliance.science.signals.config import DEFAULT_CONFIG, RULES, Scale, SignalConfig
from alliance.science.signals.model import (
    Detection,
    FloatArray,
    NotEnoughData,
    Respondent,
    Signal,
    Trajectory,
)
from alliance.science.signals.rules import Finding, Missing, Outcome
from alliance.science.signals.trajectory import ExpectedTrajectory, not_on_track

Scales = Scale | Mapping[str, Scale]
ScoreRule = Callable[[FloatArray, int, Scale, SignalConfig], Outcome]

#: Dimension and respondent of the signals that are not about one score series.
CHECKIN_DIMENSION = "overall"
OUTCOME_DIMENSION = "outcome"
ATTENDANCE_DIMENSION = "attendance"
BOTH_RESPONDENTS = "both"


#: The rules computed on every alliance score series, by id.
SCORE_RULE_FUNCTIONS: dict[str, ScoreRule] = {
    "reliable_drop": rules.reliable_drop,
    "dip_1sd": rules.dip_1sd,
    "dip_2sd": rules.dip_2sd,
    "sudden_loss": rules.sudden_loss,
    "ceiling_drop": rules.ceiling_drop,
    "low_level": rules.low_level,
}


def scale_for(scales: Scales, dimension: str) -> Scale:
    """The scale of a dimension: one for all, or one per dimension."""
    if isinstance(scales, Scale):
        return scales
    try:
        return scales[dimension]
    except KeyError:
        raise ValueError(f"no scale given for dimension {dimension!r}") from None


class _Collector:
    """Turns rule outcomes into :class:`Signal` and :class:`NotEnoughData`."""

    def __init__(self, config: SignalConfig, at: int) -> None:
        self.config = config
        self.at = at
        self.signals: list[Signal] = []
        self.waiting: list[NotEnoughData] = []

    def add(self, outcome: Outcome, dimension: str, respondent: str) -> None:
        if isinstance(outcome, Missing):
            self.waiting.append(
                NotEnoughData(
                    outcome.rule, dimension, respondent, outcome.available, outcome.needed
                )
            )
        elif isinstance(outcome, Finding):
            self.signals.append(self._signal(outcome, dimension, respondent))

    def _signal(self, finding: Finding, dimension: str, respondent: str) -> Signal:
        info = RULES[finding.rule]
        return Signal(
            rule=finding.rule,
            dimension=dimension,
            respondent=respondent,
            session=finding.session,
            detected_at=self.at,
            severity=self.config.severity(finding.rule, finding.severity),
            magnitude=finding.magnitude,
            evidence=finding.evidence,
            source=info.source,
            heuristic=info.heuristic,
            is_rupture=info.is_rupture,
        )


def detect_signals(
    trajectory: Trajectory,
    scales: Scales,
    config: SignalConfig = DEFAULT_CONFIG,
    *,
    at: int | None = None,
    expected_outcome: ExpectedTrajectory | None = None,
) -> Detection:
    """Signals raised by the check-in at position ``at`` (default: the last one)."""
    if len(trajectory) == 0:
        return Detection([], [])
    t = len(trajectory) - 1 if at is None else at
    collector = _Collector(config, t)
    _score_series(trajectory, scales, config, t, collector)
    _discrepancies(trajectory, scales, config, t, collector)
    _checkin_answers(trajectory, config, t, collector)
    _outcome(trajectory, config, t, expected_outcome, collector)
    _attendance(trajectory, config, t, collector)
    return Detection(collector.signals, collector.waiting)


def detect_history(
    trajectory: Trajectory,
    scales: Scales,
    config: SignalConfig = DEFAULT_CONFIG,
    *,
    expected_outcome: ExpectedTrajectory | None = None,
) -> list[Signal]:
    """Every signal of a trajectory, as it would have been raised session by session."""
    found: list[Signal] = []
    for t in range(len(trajectory)):
        detection = detect_signals(
            trajectory, scales, config, at=t, expected_outcome=expected_outcome
        )
        found.extend(detection.signals)
    return found


def _score_series(
    trajectory: Trajectory, scales: Scales, config: SignalConfig, t: int, collector: _Collector
) -> None:
    for (respondent, dimension), series in trajectory.scores.items():
        scale = scale_for(scales, dimension)
        for rule, function in SCORE_RULE_FUNCTIONS.items():
            if rule in config.enabled_rules:
                collector.add(function(series, t, scale, config), dimension, respondent)


def _discrepancies(
    trajectory: Trajectory, scales: Scales, config: SignalConfig, t: int, collector: _Collector
) -> None:
    if "discrepancy" not in config.enabled_rules:
        return
    for (respondent, dimension), patient in trajectory.scores.items():
        therapist = trajectory.scores.get((Respondent.THERAPIST, dimension))
        if respondent != Respondent.PATIENT or therapist is None:
            continue
        finding = rules.discrepancy(patient, therapist, t, scale_for(scales, dimension), config)
        collector.add(finding, dimension, BOTH_RESPONDENTS)


def _checkin_answers(
    trajectory: Trajectory, config: SignalConfig, t: int, collector: _Collector
) -> None:
    enabled = config.enabled_rules
    if trajectory.tension is not None and "tension" in enabled:
        finding = rules.tension(
            trajectory.tension, trajectory.tension_intensity, trajectory.talked_through, t, config
        )
        collector.add(finding, CHECKIN_DIMENSION, Respondent.PATIENT)
    if trajectory.goal_ownership is not None and "goal_not_owned" in enabled:
        for finding in rules.goals_not_owned(trajectory.goal_ownership, t, config):
            collector.add(finding, "goal", Respondent.PATIENT)
    if "task_not_relevant" in enabled:
        for finding in rules.tasks_not_relevant(
            trajectory.task_relevance, trajectory.task_done, t, config
        ):
            collector.add(finding, "task", Respondent.PATIENT)
    if trajectory.safety is not None and "safety" in enabled:
        collector.add(rules.safety(trajectory.safety, t), OUTCOME_DIMENSION, Respondent.PATIENT)


def _outcome(
    trajectory: Trajectory,
    config: SignalConfig,
    t: int,
    model: ExpectedTrajectory | None,
    collector: _Collector,
) -> None:
    if trajectory.outcome is None or "not_on_track" not in config.enabled_rules:
        return
    finding = not_on_track(trajectory.outcome, t, model, config)
    collector.add(finding, OUTCOME_DIMENSION, Respondent.PATIENT)


def patient_answered(trajectory: Trajectory) -> np.ndarray:
    """Per session: did the patient answer any alliance item or the tension question?"""
    answered = np.zeros(len(trajectory), dtype=bool)
    for (respondent, _dimension), series in trajectory.scores.items():
        if respondent == Respondent.PATIENT:
            answered |= ~np.isnan(series)
    if trajectory.tension is not None:
        answered |= ~np.isnan(trajectory.tension)
    return answered


def _attendance(
    trajectory: Trajectory, config: SignalConfig, t: int, collector: _Collector
) -> None:
    has_patient_items = any(r == Respondent.PATIENT for r, _ in trajectory.scores)
    if "missed_checkins" in config.enabled_rules and has_patient_items:
        finding = rules.missed_checkins(
            patient_answered(trajectory), trajectory.attendance, t, config
        )
        collector.add(finding, ATTENDANCE_DIMENSION, Respondent.PATIENT)
    if trajectory.attendance is not None and "cancellations" in config.enabled_rules:
        finding = rules.cancellations(trajectory.attendance, t, config)
        collector.add(finding, ATTENDANCE_DIMENSION, Respondent.PATIENT)
