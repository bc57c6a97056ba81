"""Benchmarks of the signal engine (pure Python core, no database).

Run from the repository root::

    .venv/bin/python bench/signals.py            # both benchmarks
    .venv/bin/python bench/signals.py --rows 200000   # a smaller batch

1. **Update when a check-in arrives**: a patient with 100 sessions, every
   measure filled in (goal, task, bond and overall from both sides, tension,
   three goals, three tasks, attendance, an outcome and the safety item);
   time of :func:`detect_signals` for the last check-in plus
   :func:`repaired_at` for five open ruptures. Goal: ≤ 5 ms.
2. **Batch**: every signal for 1,000,000 check-ins (50,000 patients × 20
   sessions, eight score series, tension and the safety item) with
   :func:`detect_batch`. Goal: ≤ 5 s.

Wall-clock figures depend on the machine; tests never assert them.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np

from alliance.science.signals import (
    DIMENSIONS,
    Attendance,
    Checkins,
    Scale,
    Trajectory,
    detect_batch,
    detect_history,
    detect_signals,
    repaired_at,
)

SCALE = Scale(minimum=0, maximum=10, reliability=0.8, sd=2.0)
RESPONDENTS = ("patient", "therapist")


def noisy_scores(rng: np.random.Generator, size: int, missing: float = 0.1) -> np.ndarray:
    values = np.clip(np.round(rng.uniform(5, 9) + rng.normal(0, 1, size)), 0, 10)
    values[rng.random(size) < missing] = np.nan
    return values


def full_patient(rng: np.random.Generator, sessions: int) -> Trajectory:
    choices = (Attendance.ATTENDED,) * 8 + (Attendance.CANCELLED, Attendance.NO_SHOW)
    return Trajectory(
        sessions=np.arange(sessions, dtype=float),
        scores={(r, d): noisy_scores(rng, sessions) for r in RESPONDENTS for d in DIMENSIONS},
        tension=(rng.random(sessions) < 0.2).astype(float),
        tension_intensity=rng.integers(0, 11, sessions).astype(float),
        talked_through=(rng.random(sessions) < 0.5).astype(float),
        goal_ownership=rng.integers(0, 11, (sessions, 3)).astype(float),
        task_relevance=rng.integers(0, 11, (sessions, 3)).astype(float),
        task_done=(rng.random((sessions, 3)) < 0.8).astype(float),
        attendance=tuple(choices[i] for i in rng.integers(0, len(choices), sessions)),
        outcome=rng.integers(0, 28, sessions).astype(float),
        safety=np.zeros(sessions),
    )


def timed(function: Callable[[], object], repeats: int) -> list[float]:
    durations = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        durations.append(time.perf_counter() - start)
    return durations


def bench_update(sessions: int = 100, repeats: int = 300) -> None:
    rng = np.random.default_rng(1)
    trajectory = full_patient(rng, sessions)
    open_ruptures = [s for s in detect_history(trajectory, SCALE) if s.is_rupture][-5:]

    def update() -> None:
        detect_signals(trajectory, SCALE)
        for rupture in open_ruptures:
            repaired_at(rupture, trajectory, SCALE)

    detect_only = timed(lambda: detect_signals(trajectory, SCALE), repeats)
    with_repairs = timed(update, repeats)
    print(
        f"| update, {sessions} sessions: detect_signals | "
        f"{statistics.median(detect_only) * 1e3:.2f} ms (median of {repeats}) | ≤ 5 ms |"
    )
    print(
        f"| update, {sessions} sessions: detect_signals + 5 × repaired_at | "
        f"{statistics.median(with_repairs) * 1e3:.2f} ms (median of {repeats}) | ≤ 5 ms |"
    )


def clinic(rows: int, sessions_per_patient: int = 20) -> Checkins:
    rng = np.random.default_rng(2)
    patients = rows // sessions_per_patient
    codes = np.repeat(np.arange(patients, dtype=np.int64), sessions_per_patient)
    level = rng.uniform(4, 9.5, patients)[codes]
    scores = {}
    for key in ((r, d) for r in RESPONDENTS for d in DIMENSIONS):
        values = np.clip(np.round(level + rng.normal(0, 1, codes.size)), 0, 10)
        values[rng.random(codes.size) < 0.1] = np.nan
        scores[key] = values
    tension = (rng.random(codes.size) < 0.2).astype(float)
    intensity = rng.integers(0, 11, codes.size).astype(float)
    talked = (rng.random(codes.size) < 0.5).astype(float)
    safety = (rng.random(codes.size) < 0.01).astype(float)
    return Checkins(codes, scores, tension, intensity, talked, safety)


def bench_batch(rows: int, repeats: int = 3) -> None:
    checkins = clinic(rows)
    counts: list[int] = []
    durations = timed(lambda: counts.append(len(detect_batch(checkins, SCALE))), repeats)
    print(
        f"| batch, {rows:,} check-ins × 8 series: detect_batch | "
        f"{min(durations):.2f} s (best of {repeats}; {counts[-1]:,} signals) | ≤ 5 s |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1_000_000, help="check-ins in the batch")
    args = parser.parse_args()
    print("| benchmark | result | goal |")
    print("|---|---|---|")
    bench_update()
    bench_batch(args.rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
