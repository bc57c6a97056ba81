"""Rupture and disagreement signals on each patient's own trajectory.

The public API, for the web application and for notebooks::

    from alliance.science.signals import (
        Trajectory, Scale, SignalConfig, detect_signals, detect_history,
        repaired_at, repair_statistics,
    )

- :func:`detect_signals` — the signals raised by the check-in that just
  arrived (per patient, incremental);
- :func:`detect_history` — every signal of a trajectory, session by session;
- :func:`detect_batch` — the same for many patients at once (NumPy);
- :func:`calibrate_scale` — reliability and noise estimated on the clinic's data;
- :func:`fit_expected_trajectory` — the expected outcome curve for "not on track";
- :func:`repaired_at`, :func:`is_repaired`, :func:`repair_statistics` — the repair loop.

Every rule, its formula, default threshold and source: ``docs/signals.md``.
"""

from alliance.science.signals.batch import Checkins, SignalTable, detect_batch
from alliance.science.signals.calibration import calibrate_scale
from alliance.science.signals.config import (
    DEFAULT_CONFIG,
    DEFAULT_RULES,
    RULES,
    RuleInfo,
    Scale,
    SignalConfig,
)
from alliance.science.signals.engine import detect_history, detect_signals
from alliance.science.signals.model import (
    DIMENSIONS,
    Attendance,
    Detection,
    NotEnoughData,
    Respondent,
    Severity,
    Signal,
    Trajectory,
)
from alliance.science.signals.repair import (
    RepairStatistics,
    RuptureRecord,
    is_repaired,
    repair_statistics,
    repaired_at,
)
from alliance.science.signals.trajectory import ExpectedTrajectory, fit_expected_trajectory

__all__ = [
    "DEFAULT_CONFIG",
    "DEFAULT_RULES",
    "DIMENSIONS",
    "RULES",
    "Attendance",
    "Checkins",
    "Detection",
    "ExpectedTrajectory",
    "NotEnoughData",
    "RepairStatistics",
    "Respondent",
    "RuleInfo",
    "RuptureRecord",
    "Scale",
    "Severity",
    "Signal",
    "SignalConfig",
    "SignalTable",
    "Trajectory",
    "calibrate_scale",
    "detect_batch",
    "detect_history",
    "detect_signals",
    "fit_expected_trajectory",
    "is_repaired",
    "repair_statistics",
    "repaired_at",
]
