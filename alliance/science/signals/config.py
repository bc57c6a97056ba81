"""Every threshold of the signal engine, with its source, and the rule catalogue.

A clinic can change any value (``dataclasses.replace(DEFAULT_CONFIG, ...)``).
Values marked *heuristic* are our choices, not published ones: the product
labels them so, and ``docs/signals.md`` shows how they behave in simulation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from alliance.science.change import RELIABLE_CHANGE_Z, standard_error_of_measurement
from alliance.science.signals.model import Severity


@dataclass(frozen=True)
class Scale:
    """What the engine needs to know about the scale a series is measured on.

    - ``sd``: SD₁ of Jacobson & Truax, the spread of scores between patients.
    - ``reliability``: r_xx; with ``sd`` it gives the reliable-change cut-off.
    - ``within_sd``: the clinic's typical session-to-session SD within a
      patient, used to steady each patient's own SD (see ``dip`` rules). When
      unknown, the standard error of measurement stands in for it.
    - ``low_cutoff``: a published "alliance concern" cut-off, if any (SRS < 36).
    - ``source``: where ``sd``/``reliability`` come from (instrument default or
      "estimated from N patients of this clinic").
    """

    minimum: float
    maximum: float
    reliability: float
    sd: float
    within_sd: float | None = None
    low_cutoff: float | None = None
    source: str = "instrument default"

    def __post_init__(self) -> None:
        if not self.maximum > self.minimum:
            raise ValueError("a scale's maximum must be above its minimum")

    @property
    def width(self) -> float:
        return self.maximum - self.minimum

    @property
    def measurement_error(self) -> float:
        return standard_error_of_measurement(self.sd, self.reliability)

    @property
    def typical_within_sd(self) -> float:
        return self.within_sd if self.within_sd is not None else self.measurement_error

    def reliable_change(self, z: float = RELIABLE_CHANGE_Z) -> float:
        """z · √2 · SE, in points (Jacobson & Truax 1991)."""
        return z * math.sqrt(2.0) * self.measurement_error

    def reliable_change_from_mean(self, sessions: int, z: float = RELIABLE_CHANGE_Z) -> float:
        """z · SE · √(1 + 1/n): reliable change of one score from the mean of n scores.

        The mean of n scores has a standard error SE/√n; for n = 1 this is
        Jacobson & Truax's z · √2 · SE.
        """
        return z * self.measurement_error * math.sqrt(1.0 + 1.0 / sessions)

    @classmethod
    def from_range(
        cls, minimum: float, maximum: float, reliability: float, sd: float | None = None
    ) -> Scale:
        """A scale known only by its range: SD₁ defaults to a sixth of the range.

        The sixth of the range (a normal distribution filling the scale at ±3 SD)
        is a heuristic; pass ``sd`` or calibrate on the clinic's data instead.
        """
        spread = sd if sd is not None else (maximum - minimum) / 6.0
        source = "instrument default" if sd is not None else "heuristic SD (range / 6)"
        return cls(minimum, maximum, reliability, spread, source=source)


@dataclass(frozen=True)
class RuleInfo:
    """What a therapist needs to know about a rule before trusting it."""

    rule: str
    title: str
    source: str
    heuristic: bool
    is_rupture: bool


_RULES = (
    RuleInfo(
        "tension",
        "Patient-reported tension",
        "Post-Session Questionnaire (Muran et al. 2009, Psychotherapy 46:233)",
        heuristic=False,
        is_rupture=True,
    ),
    RuleInfo(
        "reliable_drop",
        "Reliable drop since the last check-in",
        "Reliable change index (Jacobson & Truax 1991)",
        heuristic=False,
        is_rupture=True,
    ),
    RuleInfo(
        "dip_1sd",
        "Dip 1 SD below the patient's own level",
        "Strauss et al. 2006; pooled SD after Gumz et al. 2012 (exact rule ours)",
        heuristic=True,
        is_rupture=True,
    ),
    RuleInfo(
        "dip_2sd",
        "Dip 2 SD below the patient's own level",
        "Stiles et al. 2004; pooled SD after Gumz et al. 2012 (exact rule ours)",
        heuristic=True,
        is_rupture=True,
    ),
    RuleInfo(
        "sudden_loss",
        "Sudden loss",
        "Tang & DeRubeis 1999, criteria as in the R package suddengains",
        heuristic=False,
        is_rupture=True,
    ),
    RuleInfo(
        "ceiling_drop",
        "Small drop from a high level",
        "OpenFIT alert rule (≥ 1 point on the 0–40 SRS) [vendor]; scaled to other ranges",
        heuristic=True,
        is_rupture=True,
    ),
    RuleInfo(
        "low_level",
        "Below the instrument's cut-off",
        "Instrument cut-off (e.g. SRS < 36, Duncan & Miller)",
        heuristic=False,
        is_rupture=True,
    ),
    RuleInfo(
        "discrepancy",
        "Therapist and patient see it differently",
        "Tryon et al. 2007 (r = .36 between the two views); threshold ours",
        heuristic=True,
        is_rupture=True,
    ),
    RuleInfo(
        "goal_not_owned",
        "A goal that is no longer the patient's",
        "Goal-Based Outcomes method (Law); threshold ours",
        heuristic=True,
        is_rupture=True,
    ),
    RuleInfo(
        "task_not_relevant",
        "A task judged irrelevant or not done, repeatedly",
        "Agreement on tasks (Bordin 1979); threshold ours",
        heuristic=True,
        is_rupture=True,
    ),
    RuleInfo(
        "not_on_track",
        "Outcome not on track",
        "Expected trajectory (Finch, Lambert & Schaalje 2001), re-fitted on the clinic's "
        "data; 80 % band ours; falls back to reliable deterioration (Jacobson & Truax 1991)",
        heuristic=False,
        is_rupture=False,
    ),
    RuleInfo(
        "safety",
        "Safety item endorsed",
        "PHQ-9 item 9 > 0 (Kroenke et al. 2001)",
        heuristic=False,
        is_rupture=False,
    ),
    RuleInfo(
        "missed_checkins",
        "Check-ins missed in a row",
        "Heuristic",
        heuristic=True,
        is_rupture=False,
    ),
    RuleInfo(
        "cancellations",
        "Repeated cancellations or no-shows",
        "Heuristic",
        heuristic=True,
        is_rupture=False,
    ),
)

#: Every rule the engine knows, by id.
RULES: dict[str, RuleInfo] = {info.rule: info for info in _RULES}

#: Rules computed on each alliance score series (per respondent and dimension).
SCORE_RULES = ("reliable_drop", "dip_1sd", "dip_2sd", "sudden_loss", "ceiling_drop", "low_level")

#: The default rule set: the rules on by default with a severity of
#: "warning" or more. The simulation study (``docs/signals.md``) measures this
#: set against the goal "recall ≥ 0.9 for a 4-SD dip, ≤ 5 false alarms per 100
#: stable sessions". ``dip_1sd`` and ``ceiling_drop`` stay available as
#: "info" because they raise too many false alarms to interrupt a therapist.
DEFAULT_RULES = frozenset(RULES) - {"dip_1sd", "ceiling_drop"}


@dataclass(frozen=True)
class SignalConfig:
    """Every threshold, per clinic. Defaults cite their source or say "heuristic"."""

    #: Rules that raise signals; the others are skipped entirely.
    enabled_rules: frozenset[str] = field(default_factory=lambda: frozenset(RULES))
    #: Rules shown as "info" whatever they find (they are noisy; see the simulation).
    info_only_rules: frozenset[str] = frozenset({"dip_1sd", "ceiling_drop"})

    # Reliable drop (Jacobson & Truax 1991).
    reliable_change_z: float = RELIABLE_CHANGE_Z
    #: Heuristic: observed scores needed before a session can be judged as a drop.
    min_prior_for_drop: int = 2
    #: Compare with the patient's level (mean of the last ``baseline_window``
    #: scores; our generalisation, steadier) or with the previous score only
    #: (Jacobson & Truax's two-score form).
    reliable_drop_from: Literal["level", "previous"] = "level"

    # Dips below the patient's own level (Stiles 2004: 2 SD; Strauss 2006: 1 SD).
    #: Heuristic: observed sessions needed before the patient has a "level".
    min_baseline: int = 3
    #: Heuristic: the level is the mean of the last this-many observed sessions.
    baseline_window: int = 8
    #: Heuristic: weight (in degrees of freedom) of the clinic's within-patient SD
    #: when pooling it with the patient's own SD (Gumz et al. 2012 recommend
    #: combining within- and between-patient variation; the weighting is ours).
    clinic_sd_weight: float = 4.0
    dip_1sd: float = 1.0
    dip_2sd: float = 2.0

    # Sudden loss (Tang & DeRubeis 1999).
    sudden_min_share: float = 0.25
    sudden_alpha: float = 0.05

    # Small drop from a high level (OpenFIT: SRS ≥ 1 point below last session).
    #: Share of the range above which a score is "high" (36 of 40 = the SRS cut-off).
    ceiling_high_share: float = 0.9
    #: Share of the range that counts as a drop (1 of 40 on the SRS).
    ceiling_min_drop_share: float = 1.0 / 40.0

    # Therapist–patient discrepancy (heuristic: a quarter of the range).
    discrepancy_share: float = 0.25

    # Goals and tasks (0–10 ratings; heuristic thresholds).
    goal_ownership_max: float = 4.0
    task_relevance_max: float = 3.0
    task_repeat: int = 2
    task_window: int = 3

    # Patient-reported tension: intensity (0–10) at or above which it is urgent.
    tension_urgent_intensity: float = 8.0

    # Not on track (Finch, Lambert & Schaalje 2001; band width our choice).
    not_on_track_band: float = 0.80
    outcome_higher_is_better: bool = False
    #: Reliable change of the outcome measure in points (PHQ-9: 6, NHS Talking
    #: Therapies); used when the clinic has too little data for a trajectory model.
    outcome_reliable_change: float | None = None

    # Attendance (heuristic).
    missed_checkins_in_a_row: int = 2
    cancellations_count: int = 2
    cancellations_window: int = 4

    # Repair: back within this many pooled SDs of the pre-rupture level (heuristic).
    repair_tolerance_sd: float = 1.0

    def severity(self, rule: str, found: Severity) -> Severity:
        return Severity.INFO if rule in self.info_only_rules else found


DEFAULT_CONFIG = SignalConfig()
