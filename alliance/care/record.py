"""The patient's record as the patient page shows it, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from alliance.care.models import (
    CareTeamMember,
    Episode,
    FrameVersion,
    Goal,
    GoalEvent,
    GoalStatus,
    Patient,
    Session,
    Task,
    TaskStatus,
)
from alliance.science.goals import gas_t_score


@dataclass
class GoalView:
    """A goal, its tasks, and its history with what each step changed."""

    goal: Goal
    tasks: list[Task]
    history: list[HistoryStep]

    @property
    def open_tasks(self) -> list[Task]:
        return [task for task in self.tasks if task.status == TaskStatus.OPEN]


@dataclass
class HistoryStep:
    event: GoalEvent
    patient_wording_changed: bool
    therapist_wording_changed: bool
    previous: GoalEvent | None = None

    @property
    def patient_wording_before(self) -> str:
        """The patient's wording before this step ("" if none): each row stores the after."""
        return self.previous.patient_wording if self.previous else ""

    @property
    def therapist_wording_before(self) -> str:
        return self.previous.therapist_wording if self.previous else ""


@dataclass(frozen=True)
class AttainmentSummary:
    """The Goal Attainment Scaling T-score of the goals rated so far (50 = as expected)."""

    t_score: float
    goal_count: int


@dataclass
class PatientRecord:
    patient: Patient
    care_team: list[CareTeamMember]
    episodes: list[Episode]
    current: Episode | None
    sessions: list[Session]
    frame: FrameVersion | None
    frame_versions_count: int
    proposals: list[GoalView] = field(default_factory=list)
    active_goals: list[GoalView] = field(default_factory=list)
    closed_goals: list[GoalView] = field(default_factory=list)
    attainment: AttainmentSummary | None = None

    @property
    def frame_acknowledged(self) -> bool:
        return self.frame is not None and hasattr(self.frame, "acknowledgement")


def _history(events: list[GoalEvent]) -> list[HistoryStep]:
    steps, previous = [], None
    for event in events:
        steps.append(
            HistoryStep(
                event=event,
                patient_wording_changed=previous is not None
                and previous.patient_wording != event.patient_wording,
                therapist_wording_changed=previous is not None
                and previous.therapist_wording != event.therapist_wording,
                previous=previous,
            )
        )
        previous = event
    return steps


def _goal_views(episode: Episode) -> list[GoalView]:
    goals = episode.goals.prefetch_related(
        Prefetch("history", queryset=GoalEvent.objects.select_related("by")),
        Prefetch(
            "tasks",
            # The patient's "this task does not fit me" (check-ins app) shows beside the task.
            queryset=Task.objects.select_related("session").prefetch_related("objections"),
        ),
    )
    return [
        GoalView(
            goal=goal, tasks=list(goal.tasks.all()), history=_history(list(goal.history.all()))
        )
        for goal in goals
    ]


def _attainment(views: list[GoalView]) -> AttainmentSummary | None:
    """T-score over agreed or achieved goals with a full scale and a level reached."""
    rated = [
        view.goal
        for view in views
        if view.goal.status in (GoalStatus.AGREED, GoalStatus.ACHIEVED)
        and view.goal.has_attainment_scale
        and view.goal.gas_attained is not None
    ]
    if not rated:
        return None
    score = gas_t_score(
        [float(goal.gas_attained or 0) for goal in rated],
        [float(goal.gas_weight or 1) for goal in rated],
    )
    return AttainmentSummary(t_score=score, goal_count=len(rated))


def patient_record(patient: Patient) -> PatientRecord:
    episodes = list(patient.episodes.all())
    current = next((episode for episode in episodes if episode.is_open), None)
    shown = current or (episodes[0] if episodes else None)
    record = PatientRecord(
        patient=patient,
        care_team=list(patient.care_team.select_related("therapist")),
        episodes=episodes,
        current=current,
        sessions=list(shown.sessions.all()) if shown else [],
        frame=None,
        frame_versions_count=0,
    )
    if shown is None:
        return record
    versions = list(shown.frame_versions.select_related("acknowledgement", "created_by"))
    record.frame = versions[0] if versions else None
    record.frame_versions_count = len(versions)
    views = _goal_views(shown)
    record.attainment = _attainment(views)
    for view in views:
        status = view.goal.status
        if status == GoalStatus.PROPOSED:
            record.proposals.append(view)
        elif status == GoalStatus.AGREED:
            record.active_goals.append(view)
        else:
            record.closed_goals.append(view)
    return record
