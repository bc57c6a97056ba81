"""Simulation study: how far can a therapist trust each rupture signal?

We simulate clinics of patients answering the project's 0–10 check-in item
after every session, plant ruptures of known size in some of them, run the
signal engine exactly as the product does (scale calibrated on the clinic's
own data, default thresholds) and count what each rule finds.

Model of one patient (all choices stated, all seeded):

- ``n_sessions`` = 20 sessions; a true level μ ~ U(4, 8) for *typical*
  patients or U(9, 10) for patients *near the ceiling*; a slow growth of
  0.03 points per session (the alliance tends to grow over therapy);
- each answer = round(clip(μ + growth + ε, 0, 10)), ε ~ N(0, σ²) with the
  session-to-session noise σ ∈ {0.5, 1, 1.5} points; 10 % of check-ins missing
  at random (never the rupture session, which must be seen to be judged);
- a rupture is a fall of k·σ in the true score (k from 1 to 5) at a random
  session r ∈ [8, 15]: *repaired* ruptures recover at the next session (the
  V-shape of Stiles et al. 2004), *unrepaired* ones persist to the end.

Measures, per rule and for the default rule set (any of its rules):

- **recall**: share of planted ruptures with a signal about session r;
- **precision**: among the signals in ruptured trajectories, the share about
  session r, with one rupture per 20 sessions. Signals before r count as false;
  after a dip that recovered, signals after r + 2 too (those about r + 1 and
  r + 2 are not counted either way); after a lasting drop, later signals are
  about the same rupture and are not counted;
- **false alarms per 100 stable sessions**: signals in patients without any
  rupture, per 100 sessions at which a rule could fire (from the 4th on).

Run ``python research/simulation/simulate.py`` (about a minute) or with
``--quick`` (a few seconds, fewer patients: for CI). Outputs:
``research/simulation/results.csv``, ``docs/img/simulation-detection.svg`` and
``docs/img/simulation-false-alarms.svg``, and a Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import csv
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from alliance.science.signals import (
    DEFAULT_CONFIG,
    DEFAULT_RULES,
    Checkins,
    Scale,
    SignalTable,
    calibrate_scale,
    detect_batch,
)
from alliance.science.signals.config import SCORE_RULES

ROOT = Path(__file__).resolve().parents[2]
RESULTS_CSV = ROOT / "research" / "simulation" / "results.csv"
IMAGES = ROOT / "docs" / "img"

SCALE_MIN, SCALE_MAX = 0.0, 10.0
N_SESSIONS = 20
GROWTH_PER_SESSION = 0.03
MISSING_SHARE = 0.10
FIRST_RUPTURE, LAST_RUPTURE = 8, 15
#: Sessions before the 4th cannot raise a score alarm: they are not counted.
FIRST_ELIGIBLE_SESSION = 3
NOISE_LEVELS = (0.5, 1.0, 1.5)
GROUPS = {"typical": (4.0, 8.0), "near ceiling": (9.0, 10.0)}
DROP_SIZES = (1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0)
#: Rules the study can judge (no cut-off exists for the project's 0–10 item).
STUDIED_RULES = tuple(rule for rule in SCORE_RULES if rule != "low_level")
DEFAULT_SET = "default set"
DEFAULT_SET_RULES = frozenset(STUDIED_RULES) & DEFAULT_RULES
CONFIG = DEFAULT_CONFIG

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Clinic:
    """Simulated answers, one row per patient, and each patient's rupture session."""

    scores: FloatArray  # patients × sessions
    rupture: NDArray[np.int64]  # −1 when no rupture was planted


def simulate(
    rng: np.random.Generator,
    patients: int,
    noise_sd: float,
    group: str,
    drop_sd: float = 0.0,
    *,
    repaired: bool = True,
) -> Clinic:
    low, high = GROUPS[group]
    level = rng.uniform(low, high, size=(patients, 1))
    sessions = np.arange(N_SESSIONS)
    truth = level + GROWTH_PER_SESSION * sessions
    rupture = np.full(patients, -1, dtype=np.int64)
    if drop_sd > 0:
        rupture = rng.integers(FIRST_RUPTURE, LAST_RUPTURE + 1, size=patients)
        after = sessions[None, :] - rupture[:, None]
        affected = (after == 0) if repaired else (after >= 0)
        truth = truth - drop_sd * noise_sd * affected
    noisy = truth + rng.normal(0.0, noise_sd, size=truth.shape)
    answers = np.round(np.clip(noisy, SCALE_MIN, SCALE_MAX))
    missing = rng.random(answers.shape) < MISSING_SHARE
    if drop_sd > 0:
        missing[np.arange(patients), rupture] = False
    answers[missing] = np.nan
    return Clinic(answers, rupture)


def as_checkins(clinic: Clinic) -> Checkins:
    patients, sessions = clinic.scores.shape
    codes = np.repeat(np.arange(patients, dtype=np.int64), sessions)
    return Checkins(codes, {("patient", "bond"): clinic.scores.ravel()})


def calibrated_scale(rng: np.random.Generator, patients: int, noise_sd: float) -> Scale:
    """The scale as the product would estimate it on a clinic of both groups."""
    clinics = [simulate(rng, patients, noise_sd, group) for group in GROUPS]
    scores = np.vstack([c.scores for c in clinics])
    codes = np.repeat(np.arange(scores.shape[0]), N_SESSIONS)
    # The instrument default only matters if calibration fails (it does not here).
    default = Scale(SCALE_MIN, SCALE_MAX, reliability=0.7, sd=2.0)
    return calibrate_scale(codes, scores.ravel(), default)


# --------------------------------------------------------------------------- #
# Scoring the signals
# --------------------------------------------------------------------------- #


def alarms(table: SignalTable, rules: frozenset[str], patients: int) -> NDArray[np.bool_]:
    """patients × sessions: did any of ``rules`` raise a signal about this session?"""
    raised = np.zeros(patients * N_SESSIONS, dtype=bool)
    for index, rule in enumerate(table.rule):
        if rule in rules:
            raised[table.row[index]] = True
    return raised.reshape(patients, N_SESSIONS)


@dataclass(frozen=True)
class Counts:
    recall: float
    precision: float


def score_ruptures(
    raised: NDArray[np.bool_], rupture: NDArray[np.int64], *, lasting: bool
) -> Counts:
    """Recall at session r; precision counting signals before r (and, for a dip
    that recovered, after r + 2) as false: after a lasting drop, later signals
    are about the same rupture and are counted neither way."""
    patients = np.arange(rupture.size)
    hits = raised[patients, rupture]
    sessions = np.arange(N_SESSIONS)[None, :]
    offset = sessions - rupture[:, None]
    unrelated = (offset < 0) if lasting else ((offset < 0) | (offset > 2))
    false = raised & unrelated & (sessions >= FIRST_ELIGIBLE_SESSION)
    true_count, false_count = int(hits.sum()), int(false.sum())
    flagged = true_count + false_count
    return Counts(hits.mean(), true_count / flagged if flagged else math.nan)


def false_alarms_per_100(raised: NDArray[np.bool_]) -> float:
    eligible = raised[:, FIRST_ELIGIBLE_SESSION:]
    return 100.0 * float(eligible.sum()) / eligible.size


def rule_sets() -> Iterator[tuple[str, frozenset[str]]]:
    for rule in STUDIED_RULES:
        yield rule, frozenset({rule})
    yield DEFAULT_SET, DEFAULT_SET_RULES


# --------------------------------------------------------------------------- #
# The study
# --------------------------------------------------------------------------- #


Row = dict[str, object]


def run_study(patients: int, seed: int) -> list[Row]:
    rng = np.random.default_rng(seed)
    rows: list[Row] = []
    for noise_sd in NOISE_LEVELS:
        scale = calibrated_scale(rng, patients, noise_sd)
        for group in GROUPS:
            stable = simulate(rng, patients, noise_sd, group)
            stable_table = detect_batch(as_checkins(stable), scale, CONFIG)
            for name, rules in rule_sets():
                rate = false_alarms_per_100(alarms(stable_table, rules, patients))
                rows.append(_row(noise_sd, group, name, "stable", 0.0, math.nan, math.nan, rate))
            for repaired in (True, False):
                rows.extend(_ruptured(rng, patients, noise_sd, group, scale, repaired=repaired))
    return rows


def _ruptured(
    rng: np.random.Generator,
    patients: int,
    noise_sd: float,
    group: str,
    scale: Scale,
    *,
    repaired: bool,
) -> Iterator[Row]:
    kind = "repaired" if repaired else "unrepaired"
    for drop in DROP_SIZES:
        clinic = simulate(rng, patients, noise_sd, group, drop, repaired=repaired)
        table = detect_batch(as_checkins(clinic), scale, CONFIG)
        for name, rules in rule_sets():
            raised = alarms(table, rules, patients)
            counts = score_ruptures(raised, clinic.rupture, lasting=not repaired)
            yield _row(noise_sd, group, name, kind, drop, counts.recall, counts.precision, math.nan)


def _row(
    noise: float,
    group: str,
    rule: str,
    kind: str,
    drop: float,
    recall: float,
    precision: float,
    false_alarms: float,
) -> Row:
    return {
        "noise_sd": noise,
        "group": group,
        "rule": rule,
        "scenario": kind,
        "drop_sd": drop,
        "recall": recall,
        "precision": precision,
        "false_alarms_per_100": false_alarms,
    }


# --------------------------------------------------------------------------- #
# Outputs
# --------------------------------------------------------------------------- #


def write_csv(rows: Sequence[Row], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: f"{v:.4g}" if isinstance(v, float) else v for k, v in row.items()})


def _find(rows: Sequence[Row], **match: object) -> Row:
    return next(r for r in rows if all(r[k] == v for k, v in match.items()))


def markdown_table(rows: Sequence[Row], noise_sd: float = 1.0) -> str:
    """Recall at 4 SD (repaired and not), precision, false alarms, per rule and group."""
    lines = [
        "| rule | group | recall, 4 SD dip repaired next session | recall, 4 SD lasting drop "
        "| precision, dip | precision, lasting | false alarms / 100 stable sessions |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, _rules in rule_sets():
        for group in GROUPS:
            common = {"noise_sd": noise_sd, "group": group, "rule": name}
            dip = _find(rows, **common, scenario="repaired", drop_sd=4.0)
            lasting = _find(rows, **common, scenario="unrepaired", drop_sd=4.0)
            stable = _find(rows, **common, scenario="stable")
            label = f"**{name}**" if name == DEFAULT_SET else f"`{name}`"
            lines.append(
                f"| {label} | {group} | {dip['recall']:.2f} | {lasting['recall']:.2f} "
                f"| {dip['precision']:.2f} | {lasting['precision']:.2f} "
                f"| {stable['false_alarms_per_100']:.1f} |"
            )
    return "\n".join(lines)


def plots(rows: Sequence[Row], directory: Path) -> None:
    """The detection curves (dip repaired next session, lasting drop) and false alarms."""
    import vl_convert

    directory.mkdir(parents=True, exist_ok=True)
    safe = [_json_safe(r) for r in rows]
    charts = {
        "detection": _detection_chart(safe, "repaired", "a one-session dip (repaired)"),
        "detection-lasting": _detection_chart(safe, "unrepaired", "a lasting drop (unrepaired)"),
        "false-alarms": _false_alarm_chart(safe),
    }
    for name, chart in charts.items():
        spec = chart.to_json()
        (directory / f"simulation-{name}.svg").write_text(
            vl_convert.vegalite_to_svg(spec), encoding="utf-8"
        )
        (directory / f"simulation-{name}.png").write_bytes(vl_convert.vegalite_to_png(spec))


def _detection_chart(rows: Sequence[Row], scenario: str, what: str) -> Any:
    import altair as alt

    curve = [r for r in rows if r["scenario"] == scenario]
    lines = (
        alt.Chart()
        .mark_line(point=True)
        .encode(
            x=alt.X("drop_sd:Q", title="Size of the drop (× the patient's session-to-session SD)"),
            y=alt.Y("recall:Q", title="Recall", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("rule:N", title="Rule"),
            strokeWidth=alt.condition(alt.datum.rule == DEFAULT_SET, alt.value(4), alt.value(1.5)),
        )
    )
    goal = alt.Chart().mark_rule(strokeDash=[4, 4], color="gray").encode(y=alt.datum(0.9))
    return (
        alt.layer(lines, goal, data={"values": curve})
        .properties(width=260, height=180)
        .facet(
            column=alt.Column("group:N", title=None),
            row=alt.Row("noise_sd:O", title="Noise SD (points)"),
        )
        .properties(title=f"Recall for {what} on the 0–10 item; dashed: goal 0.9")
    )


def _false_alarm_chart(rows: Sequence[Row]) -> Any:
    import altair as alt

    stable = [r for r in rows if r["scenario"] == "stable"]
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=alt.X("false_alarms_per_100:Q", title="False alarms per 100 stable sessions"),
            y=alt.Y("rule:N", title=None),
            color=alt.Color("noise_sd:O", title="Noise SD (points)"),
            yOffset="noise_sd:O",
        )
    )
    goal = alt.Chart().mark_rule(strokeDash=[4, 4], color="gray").encode(x=alt.datum(5))
    return (
        alt.layer(bars, goal, data={"values": stable})
        .properties(width=300, height=260)
        .facet(column=alt.Column("group:N", title=None))
        .properties(title="False alarms in patients without any rupture; dashed: goal 5")
    )


def _json_safe(row: Row) -> Row:
    """Vega-Lite reads JSON, which has no NaN: use null."""
    return {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in row.items()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="100 patients a scenario (CI)")
    parser.add_argument("--patients", type=int, default=1000, help="patients per scenario")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--no-plots", action="store_true")
    args = parser.parse_args(argv)
    patients = 100 if args.quick else args.patients
    rows = run_study(patients, args.seed)
    if not args.quick:
        write_csv(rows, RESULTS_CSV)
        if not args.no_plots:
            plots(rows, IMAGES)
    for noise in NOISE_LEVELS:
        print(f"\nNoise SD {noise:g} point(s), {patients} patients per scenario\n")
        print(markdown_table(rows, noise))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
