"""From the database to the engine: one patient's :class:`Trajectory`, and the clinic's scales.

The engine is pure; this module is the only place that knows where each of its
arrays comes from:

- alliance scores: the ``goal``/``task``/``bond``/``overall`` columns of the
  patient's check-in (``alliance-checkin``) and of the therapist's mirror
  (``alliance-checkin-therapist``);
- tension and its intensity: the patient's check-in score row; *talked
  through*: the ``tension_discussed`` answer, counted only when the patient
  answered "yes, fully" (2) — "partly" is not a repair (decision 0008);
- goal ownership: the "still my goal" answer of each goal-rating, one column per
  goal; task relevance and homework done: the task-rating answers, one column
  per task;
- outcome: the PHQ-9 total; safety: the check-in's safety alerts;
- attendance: the sessions of the patient's current episode.

Five queries for a patient, whatever the number of sessions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import numpy as np
from django.db.models import F, Q
from django.utils import timezone

from alliance.accounts.models import Clinic
from alliance.care.models import Attendance, Episode, Patient, Session
from alliance.checkins.instrument_ids import PATIENT_INSTRUMENT, THERAPIST_INSTRUMENT
from alliance.checkins.models import CheckinScore, CheckinStatus, Respondent, Response, SafetyAlert
from alliance.monitoring.config import DEFAULT_CHECKIN_SCALE, safe_config_from
from alliance.monitoring.models import ClinicSignalSettings
from alliance.science.signals import (
    DIMENSIONS,
    ExpectedTrajectory,
    Scale,
    SignalConfig,
    Trajectory,
    calibrate_scale,
    fit_expected_trajectory,
)
from alliance.science.signals import (
    Attendance as EngineAttendance,
)

GOAL_RATING = "goal-rating"
TASK_RATING = "task-rating"
OUTCOME_INSTRUMENT = "phq-9"
#: Answer of ``tension_discussed`` that means "yes, fully" (0 no, 1 partly, 2 yes).
TALKED_THROUGH_FULLY = 2.0
#: The clinic's scales are re-estimated at most this often (a clinic-wide read).
CALIBRATION_MAX_AGE = timedelta(hours=24)

_ATTENDANCE = {
    Attendance.ATTENDED: EngineAttendance.ATTENDED,
    Attendance.PLANNED: EngineAttendance.ATTENDED,  # past, not recorded, but answered
    Attendance.CANCELLED: EngineAttendance.CANCELLED,
    Attendance.MISSED: EngineAttendance.NO_SHOW,
}


@dataclass(frozen=True)
class CheckinRef:
    id: int
    submitted_at: datetime


@dataclass
class PatientData:
    """A patient's trajectory and how its positions map back to rows."""

    trajectory: Trajectory
    sessions: list[Session]
    patient_checkins: dict[int, CheckinRef] = field(default_factory=dict)
    therapist_checkins: dict[int, CheckinRef] = field(default_factory=dict)
    goals: list[UUID] = field(default_factory=list)
    tasks: list[UUID] = field(default_factory=list)

    def position_of_session(self, session_id: int) -> int | None:
        for position, session in enumerate(self.sessions):
            if session.pk == session_id:
                return position
        return None

    def checkin_at(self, position: int) -> CheckinRef | None:
        return self.patient_checkins.get(position) or self.therapist_checkins.get(position)

    def moment(self, position: int) -> datetime:
        checkin = self.checkin_at(position)
        return checkin.submitted_at if checkin else self.sessions[position].starts_at

    def subject_of(self, rule: str, evidence: Mapping[str, float]) -> str:
        column, subjects = _subject_column(rule, evidence, self.goals, self.tasks)
        if column is None or not 0 <= column < len(subjects):
            return ""
        return str(subjects[column])

    def column_of(self, rule: str, subject: str) -> int | None:
        subjects = self.goals if rule == "goal_not_owned" else self.tasks
        for column, uuid in enumerate(subjects):
            if str(uuid) == subject:
                return column
        return None


def _subject_column(
    rule: str, evidence: Mapping[str, float], goals: list[UUID], tasks: list[UUID]
) -> tuple[int | None, list[UUID]]:
    if rule == "goal_not_owned" and "goal" in evidence:
        return int(evidence["goal"]), goals
    if rule == "task_not_relevant" and "task" in evidence:
        return int(evidence["task"]), tasks
    return None, []


def current_episode(patient: Patient) -> Episode | None:
    """The open episode, or the most recent one."""
    return (
        Episode.objects.filter(patient=patient)
        .order_by(F("closed_at").desc(nulls_first=True), "-started_on", "-created_at")
        .first()
    )


def _nan(count: int) -> np.ndarray:
    return np.full(count, np.nan)


class _Builder:
    """Fills the trajectory's arrays from the rows of one patient."""

    def __init__(self, sessions: list[Session]) -> None:
        self.sessions = sessions
        self.index = {session.pk: i for i, session in enumerate(sessions)}
        n = len(sessions)
        self.scores: dict[tuple[str, str], np.ndarray] = {}
        self.tension, self.intensity, self.talked = _nan(n), _nan(n), _nan(n)
        self.outcome, self.safety = _nan(n), _nan(n)
        self.ownership: dict[UUID, np.ndarray] = {}
        self.relevance: dict[UUID, np.ndarray] = {}
        self.done: dict[UUID, np.ndarray] = {}
        self.patient_checkins: dict[int, CheckinRef] = {}
        self.therapist_checkins: dict[int, CheckinRef] = {}

    def add_score(self, row: Mapping[str, Any]) -> None:
        t = self.index[row["checkin__session_id"]]
        ref = CheckinRef(row["checkin_id"], row["checkin__submitted_at"])
        instrument = row["instrument_id"]
        if row["checkin__respondent"] == Respondent.PATIENT:
            self.patient_checkins[t] = ref
        else:
            self.therapist_checkins[t] = ref
        if instrument in (PATIENT_INSTRUMENT, THERAPIST_INSTRUMENT):
            self._alliance(t, row)
        elif instrument == OUTCOME_INSTRUMENT and row["total"] is not None:
            self.outcome[t] = row["total"]
            if math.isnan(self.safety[t]):
                self.safety[t] = 0.0

    def _alliance(self, t: int, row: Mapping[str, Any]) -> None:
        respondent = row["checkin__respondent"]
        for dimension in DIMENSIONS:
            if row[dimension] is not None:
                series = self.scores.setdefault((respondent, dimension), _nan(len(self.sessions)))
                series[t] = row[dimension]
        if respondent == Respondent.PATIENT and row["tension"] is not None:
            self.tension[t] = row["tension"]
            if row["tension_intensity"] is not None:
                self.intensity[t] = row["tension_intensity"]

    def add_response(self, row: Mapping[str, Any]) -> None:
        t = self.index[row["checkin__session_id"]]
        value, item = row["value"], row["item_id"]
        if value is None:
            return
        if item == "tension_discussed":
            self.talked[t] = 1.0 if value >= TALKED_THROUGH_FULLY else 0.0
            return
        subject: UUID | None = row["subject_uuid"]
        if subject is None:
            return
        target = {"still_my_goal": self.ownership, "relevance": self.relevance, "done": self.done}
        columns = target.get(item)
        if columns is not None:
            columns.setdefault(subject, _nan(len(self.sessions)))[t] = value

    def add_safety(self, session_id: int) -> None:
        self.safety[self.index[session_id]] = 1.0

    def build(self) -> PatientData:
        goals = list(self.ownership)
        tasks = list(dict.fromkeys([*self.relevance, *self.done]))
        n = len(self.sessions)
        attendance = tuple(_ATTENDANCE[Attendance(s.attendance)] for s in self.sessions)
        has_tension = not np.all(np.isnan(self.tension))
        trajectory = Trajectory(
            sessions=np.arange(n, dtype=float),
            scores=self.scores,
            tension=self.tension if has_tension else None,
            tension_intensity=self.intensity if has_tension else None,
            talked_through=self.talked,
            goal_ownership=_matrix(self.ownership, goals, n),
            task_relevance=_matrix(self.relevance, tasks, n) if self.relevance else None,
            task_done=_matrix(self.done, tasks, n) if self.done else None,
            attendance=attendance,
            outcome=None if np.all(np.isnan(self.outcome)) else self.outcome,
            safety=None if np.all(np.isnan(self.safety)) else self.safety,
        )
        return PatientData(
            trajectory, self.sessions, self.patient_checkins, self.therapist_checkins, goals, tasks
        )


def _matrix(columns: Mapping[UUID, np.ndarray], order: list[UUID], n: int) -> np.ndarray | None:
    if not order:
        return None
    matrix = np.full((n, len(order)), np.nan)
    for j, subject in enumerate(order):
        if subject in columns:
            matrix[:, j] = columns[subject]
    return matrix


SCORE_FIELDS = (
    "checkin_id",
    "checkin__session_id",
    "checkin__respondent",
    "checkin__submitted_at",
    "instrument_id",
    "total",
    "goal",
    "task",
    "bond",
    "overall",
    "tension",
    "tension_intensity",
)


def load_patient_data(patient: Patient, *, now: datetime | None = None) -> PatientData:
    """The patient's current episode as an engine :class:`Trajectory` (five queries)."""
    now = now or timezone.now()
    episode = current_episode(patient)
    sessions = (
        list(episode.sessions.filter(starts_at__lte=now).order_by("starts_at", "pk"))
        if episode
        else []
    )
    submitted = Q(checkin__status=CheckinStatus.SUBMITTED, checkin__session__in=sessions)
    scores = list(CheckinScore.objects.filter(submitted).values(*SCORE_FIELDS))
    answered = {row["checkin__session_id"] for row in scores}
    # A past session still "planned" counts only if a check-in says it took place.
    sessions = [s for s in sessions if s.attendance != Attendance.PLANNED or s.pk in answered]
    builder = _Builder(sessions)
    for row in scores:
        if row["checkin__session_id"] in builder.index:
            builder.add_score(row)
    responses = Response.objects.filter(
        checkin__status=CheckinStatus.SUBMITTED,
        checkin__respondent=Respondent.PATIENT,
        checkin__session__in=sessions,
        item_id__in=("tension_discussed", "still_my_goal", "relevance", "done"),
    ).order_by("checkin__session__starts_at", "pk")
    for response in responses.values("checkin__session_id", "item_id", "value", "subject_uuid"):
        builder.add_response(response)
    alerts = SafetyAlert.objects.filter(patient=patient, checkin__session__in=sessions)
    for session_id in alerts.values_list("checkin__session_id", flat=True):
        builder.add_safety(session_id)
    return builder.build()


# --- The clinic's scales -------------------------------------------------------


@dataclass(frozen=True)
class EngineSettings:
    config: SignalConfig
    scales: dict[str, Scale]
    expected_outcome: ExpectedTrajectory | None


def _scale_to_json(scale: Scale) -> dict[str, Any]:
    return {
        "minimum": scale.minimum,
        "maximum": scale.maximum,
        "reliability": scale.reliability,
        "sd": scale.sd,
        "within_sd": scale.within_sd,
        "low_cutoff": scale.low_cutoff,
        "source": scale.source,
    }


def _scale_from_json(data: Mapping[str, Any]) -> Scale:
    return Scale(**{key: data[key] for key in _scale_to_json(DEFAULT_CHECKIN_SCALE)})


def _expected_to_json(model: ExpectedTrajectory | None) -> dict[str, Any] | None:
    if model is None:
        return None
    return {
        "intercept": model.intercept,
        "intake_slope": model.intake_slope,
        "log_session_slope": model.log_session_slope,
        "variance_coefficients": list(model.variance_coefficients),
        "n_patients": model.n_patients,
        "n_observations": model.n_observations,
    }


def _expected_from_json(data: Mapping[str, Any] | None) -> ExpectedTrajectory | None:
    if not data:
        return None
    c0, c1, c2 = data["variance_coefficients"]
    return ExpectedTrajectory(
        intercept=data["intercept"],
        intake_slope=data["intake_slope"],
        log_session_slope=data["log_session_slope"],
        variance_coefficients=(c0, c1, c2),
        n_patients=data["n_patients"],
        n_observations=data["n_observations"],
    )


def _clinic_rows(clinic: Clinic) -> list[dict[str, Any]]:
    return list(
        CheckinScore.objects.filter(
            checkin__patient__clinic=clinic,
            checkin__status=CheckinStatus.SUBMITTED,
            checkin__respondent=Respondent.PATIENT,
            instrument_id__in=(PATIENT_INSTRUMENT, OUTCOME_INSTRUMENT),
        )
        .order_by("checkin__patient_id", "checkin__session__starts_at")
        .values("checkin__patient_id", "instrument_id", "total", *DIMENSIONS)
    )


def calibrate(clinic: Clinic) -> dict[str, Any]:
    """Each pillar's scale and the expected PHQ-9 trajectory, from the clinic's own data.

    The session number of the outcome model is the rank of the answer among
    the patient's PHQ-9 answers (one every few sessions): an approximation
    of the position used by the engine, recorded in decision 0008.
    """
    rows = _clinic_rows(clinic)
    alliance = [row for row in rows if row["instrument_id"] == PATIENT_INSTRUMENT]
    scales = {}
    for dimension in DIMENSIONS:
        patients = np.array([row["checkin__patient_id"] for row in alliance], dtype=float)
        values = np.array(
            [np.nan if row[dimension] is None else row[dimension] for row in alliance], dtype=float
        )
        scale = calibrate_scale(patients, values, DEFAULT_CHECKIN_SCALE)
        scales[dimension] = _scale_to_json(scale)
    outcome = [row for row in rows if row["instrument_id"] == OUTCOME_INSTRUMENT]
    ranks: dict[int, int] = {}
    numbers = []
    for row in outcome:
        ranks[row["checkin__patient_id"]] = ranks.get(row["checkin__patient_id"], 0) + 1
        numbers.append(ranks[row["checkin__patient_id"]])
    model = fit_expected_trajectory(
        [row["checkin__patient_id"] for row in outcome],
        numbers,
        [np.nan if row["total"] is None else row["total"] for row in outcome],
    )
    return {"scales": scales, "expected_outcome": _expected_to_json(model)}


def settings_of(clinic: Clinic) -> ClinicSignalSettings:
    found, _created = ClinicSignalSettings.objects.get_or_create(clinic=clinic)
    return found


def needs_calibration(settings: ClinicSignalSettings, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return settings.calibrated_at is None or now - settings.calibrated_at > CALIBRATION_MAX_AGE


def engine_settings(settings: ClinicSignalSettings) -> EngineSettings:
    config = safe_config_from(settings.overrides)
    stored = settings.calibration.get("scales", {}) if settings.calibration else {}
    scales = {
        dimension: _scale_from_json(stored[dimension])
        if dimension in stored
        else DEFAULT_CHECKIN_SCALE
        for dimension in DIMENSIONS
    }
    expected = _expected_from_json(settings.calibration.get("expected_outcome"))
    return EngineSettings(config, scales, expected)


def patients_of(ids: Iterable[int]) -> list[Patient]:
    return list(Patient.objects.filter(pk__in=list(ids)).select_related("clinic"))
