"""The plain data the signal engine reads and writes.

A :class:`Trajectory` is one patient's check-ins in session order, as NumPy
arrays aligned on the session axis (NaN where an answer is missing). The engine
returns :class:`Signal` objects, each carrying the numbers that justify it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sized
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

#: The alliance dimensions of the project's check-in (Bordin's three pillars and
#: an overall item). Other dimension names (for example ``"score"`` for a
#: total) are accepted everywhere.
DIMENSIONS = ("goal", "task", "bond", "overall")


class Respondent(StrEnum):
    PATIENT = "patient"
    THERAPIST = "therapist"


class Severity(StrEnum):
    """How soon the therapist should look: before the next session, or now."""

    INFO = "info"
    WARNING = "warning"
    URGENT = "urgent"


class Attendance(StrEnum):
    ATTENDED = "attended"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


SeriesKey = tuple[str, str]
"""``(respondent, dimension)``, for example ``("patient", "bond")``."""


@dataclass(frozen=True)
class Trajectory:
    """One patient's check-ins, aligned on sessions in chronological order.

    Only ``sessions`` is required; every other array has the same length along
    its first axis. Missing answers are NaN (or ``None`` for a whole measure the
    patient does not use).

    - ``sessions``: the session number or the day (e.g. days since intake);
      only its order matters to the alliance rules, its value to the expected
      outcome trajectory.
    - ``scores``: alliance scores per ``(respondent, dimension)``.
    - ``tension``: 1.0 when the patient reported a moment of tension, 0.0 when not;
      ``tension_intensity`` 0–10; ``talked_through`` 1.0 / 0.0.
    - ``goal_ownership``: sessions × goals, "how much is this still your goal" 0–10.
    - ``task_relevance``: sessions × tasks, 0–10; ``task_done``: 1.0 / 0.0.
    - ``attendance``: one :class:`Attendance` value per scheduled session.
    - ``outcome``: an outcome measure (e.g. PHQ-9 total); ``safety``: 1.0 when
      the safety item was endorsed (e.g. PHQ-9 item 9 > 0).
    """

    sessions: FloatArray
    scores: Mapping[SeriesKey, FloatArray] = field(default_factory=dict)
    tension: FloatArray | None = None
    tension_intensity: FloatArray | None = None
    talked_through: FloatArray | None = None
    goal_ownership: FloatArray | None = None
    task_relevance: FloatArray | None = None
    task_done: FloatArray | None = None
    attendance: tuple[Attendance, ...] | None = None
    outcome: FloatArray | None = None
    safety: FloatArray | None = None

    def __post_init__(self) -> None:
        n = len(self.sessions)
        for name, array in self._arrays():
            if array is not None and len(array) != n:
                raise ValueError(f"{name} has {len(array)} sessions, expected {n}")
        if n > 1 and np.any(np.diff(self.sessions) < 0):
            raise ValueError("sessions must be in chronological order")

    def _arrays(self) -> list[tuple[str, Sized | None]]:
        named: list[tuple[str, Sized | None]] = [
            (f"scores{key}", value) for key, value in self.scores.items()
        ]
        for name in (
            "tension",
            "tension_intensity",
            "talked_through",
            "goal_ownership",
            "task_relevance",
            "task_done",
            "attendance",
            "outcome",
            "safety",
        ):
            named.append((name, getattr(self, name)))
        return named

    def __len__(self) -> int:
        return len(self.sessions)


@dataclass(frozen=True)
class Signal:
    """One detected event, with the numbers behind it.

    ``session`` is the position (0-based) of the session the event is about;
    ``detected_at`` the position of the check-in that made it detectable (the
    same, except for a sudden loss, which needs the sessions after it).
    ``magnitude`` is the size of the event in the rule's own unit (score
    points for a drop), repeated in ``evidence``.
    """

    rule: str
    dimension: str
    respondent: str
    session: int
    detected_at: int
    severity: Severity
    magnitude: float
    evidence: Mapping[str, float]
    source: str
    heuristic: bool
    is_rupture: bool


@dataclass(frozen=True)
class NotEnoughData:
    """A rule that could not run yet: how many observations it has and needs."""

    rule: str
    dimension: str
    respondent: str
    available: int
    needed: int


@dataclass(frozen=True)
class Detection:
    """What the engine found at one check-in: signals and rules still waiting for data."""

    signals: list[Signal]
    not_enough_data: list[NotEnoughData]
