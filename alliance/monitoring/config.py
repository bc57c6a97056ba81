"""A clinic's signal configuration: the engine's defaults, the clinic's changes, checked.

Every threshold of :class:`~alliance.science.signals.SignalConfig` can be
changed per clinic; the clinic settings page lists each one with its default,
its source and whether it is heuristic. Overrides are stored as JSON and
validated here, so a bad value never reaches the engine.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from alliance.science.signals import DEFAULT_CONFIG, RULES, Scale, SignalConfig

#: Used for the project's check-in until the clinic has enough data to estimate
#: its own values (20 patients with 3 check-ins): the check-in is new and has no
#: published reliability. Heuristic, shown as such.
DEFAULT_CHECKIN_SCALE = Scale(
    minimum=0.0,
    maximum=10.0,
    reliability=0.8,
    sd=2.0,
    source="heuristic default (reliability 0.8, SD 2 points) until the clinic has enough data",
)

#: PHQ-9 reliable change (NHS Talking Therapies: a change of 6 points) [S].
PHQ9_RELIABLE_CHANGE = 6.0


@dataclass(frozen=True)
class Threshold:
    """One editable number of the configuration, as the settings page shows it."""

    name: str
    label: Promise
    source: Promise
    heuristic: bool
    kind: type
    minimum: float
    maximum: float

    @property
    def default(self) -> Any:
        return getattr(DEFAULT_CONFIG, self.name)


def _t(
    name: str,
    label: Promise,
    source: Promise,
    *,
    heuristic: bool,
    kind: type = float,
    minimum: float = 0.0,
    maximum: float = 100.0,
) -> Threshold:
    return Threshold(name, label, source, heuristic, kind, minimum, maximum)


THRESHOLDS: tuple[Threshold, ...] = (
    _t(
        "reliable_change_z",
        _("Reliable drop: z value"),
        _("Jacobson & Truax 1991 (1.96)"),
        heuristic=False,
        maximum=5,
    ),
    _t(
        "min_prior_for_drop",
        _("Reliable drop: earlier check-ins needed"),
        _("Heuristic"),
        heuristic=True,
        kind=int,
        minimum=1,
        maximum=20,
    ),
    _t(
        "min_baseline",
        _("Dips: check-ins needed before a patient has a level"),
        _("Heuristic"),
        heuristic=True,
        kind=int,
        minimum=2,
        maximum=20,
    ),
    _t(
        "baseline_window",
        _("Dips: check-ins averaged into the patient's level"),
        _("Heuristic"),
        heuristic=True,
        kind=int,
        minimum=2,
        maximum=52,
    ),
    _t(
        "clinic_sd_weight",
        _("Dips: weight of the clinic's variation in the pooled SD"),
        _("Gumz et al. 2012 (pooling); weight heuristic"),
        heuristic=True,
        maximum=50,
    ),
    _t(
        "dip_2sd",
        _("Dip: depth in pooled SDs"),
        _("Stiles et al. 2004 (2 SD)"),
        heuristic=True,
        minimum=0.5,
        maximum=5,
    ),
    _t(
        "dip_1sd",
        _("Small dip (information): depth in pooled SDs"),
        _("Strauss et al. 2006 (1 SD)"),
        heuristic=True,
        minimum=0.25,
        maximum=5,
    ),
    _t(
        "discrepancy_share",
        _("Discrepancy: share of the scale between the two ratings"),
        _("Tryon et al. 2007; threshold heuristic"),
        heuristic=True,
        minimum=0.05,
        maximum=1,
    ),
    _t(
        "goal_ownership_max",
        _("Goal no longer owned: “still my goal” at or below"),
        _("Goal-Based Outcomes method (Law); threshold heuristic"),
        heuristic=True,
        maximum=10,
    ),
    _t(
        "task_relevance_max",
        _("Task not relevant: relevance at or below"),
        _("Bordin 1979; threshold heuristic"),
        heuristic=True,
        maximum=10,
    ),
    _t(
        "task_repeat",
        _("Task not relevant or not done: times"),
        _("Heuristic"),
        heuristic=True,
        kind=int,
        minimum=1,
        maximum=10,
    ),
    _t(
        "task_window",
        _("Task not relevant or not done: number of recent ratings of the task looked at"),
        _("Heuristic"),
        heuristic=True,
        kind=int,
        minimum=1,
        maximum=10,
    ),
    _t(
        "tension_urgent_intensity",
        _("Tension: intensity at or above which it is urgent"),
        _("Heuristic"),
        heuristic=True,
        maximum=10,
    ),
    _t(
        "not_on_track_band",
        _("Not on track: width of the expected band"),
        _("Finch, Lambert & Schaalje 2001; 80 % band ours"),
        heuristic=False,
        minimum=0.5,
        maximum=0.99,
    ),
    _t(
        "missed_checkins_in_a_row",
        _("Missed check-ins in a row"),
        _("Heuristic"),
        heuristic=True,
        kind=int,
        minimum=1,
        maximum=20,
    ),
    _t(
        "cancellations_count",
        _("Cancellations or no-shows"),
        _("Heuristic"),
        heuristic=True,
        kind=int,
        minimum=1,
        maximum=20,
    ),
    _t(
        "cancellations_window",
        _("Cancellations or no-shows: number of recent sessions looked at"),
        _("Heuristic"),
        heuristic=True,
        kind=int,
        minimum=1,
        maximum=52,
    ),
    _t(
        "repair_tolerance_sd",
        _("Repaired when the score is back within this many pooled SDs of its level"),
        _("Heuristic (“no longer a 1-SD dip”)"),
        heuristic=True,
        minimum=0.1,
        maximum=5,
    ),
)
THRESHOLDS_BY_NAME = {threshold.name: threshold for threshold in THRESHOLDS}
LIST_FIELDS = ("enabled_rules", "info_only_rules")


class InvalidOverridesError(ValueError):
    """The stored or submitted overrides are not a valid configuration."""


def _check_number(threshold: Threshold, value: Any) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidOverridesError(f"{threshold.name}: not a number")
    if threshold.kind is int and int(value) != value:
        raise InvalidOverridesError(f"{threshold.name}: not a whole number")
    if not threshold.minimum <= value <= threshold.maximum:
        raise InvalidOverridesError(f"{threshold.name}: out of range")
    return int(value) if threshold.kind is int else float(value)


def _check_rules(name: str, value: Any) -> frozenset[str]:
    if not isinstance(value, list | tuple | set | frozenset) or not set(value) <= set(RULES):
        raise InvalidOverridesError(f"{name}: unknown rule")
    return frozenset(str(rule) for rule in value)


def config_from(overrides: Mapping[str, Any]) -> SignalConfig:
    """The engine configuration for a clinic's overrides; raises :class:`InvalidOverridesError`."""
    changes: dict[str, Any] = {}
    for name, value in overrides.items():
        if name in LIST_FIELDS:
            changes[name] = _check_rules(name, value)
        elif name in THRESHOLDS_BY_NAME:
            changes[name] = _check_number(THRESHOLDS_BY_NAME[name], value)
        else:
            raise InvalidOverridesError(f"{name}: unknown setting")
    config = dataclasses.replace(DEFAULT_CONFIG, **changes)
    if config.outcome_reliable_change is None:
        config = dataclasses.replace(config, outcome_reliable_change=PHQ9_RELIABLE_CHANGE)
    return config


def safe_config_from(overrides: Mapping[str, Any]) -> SignalConfig:
    """Like :func:`config_from`, falling back to the defaults for a corrupt row."""
    try:
        return config_from(overrides)
    except InvalidOverridesError:
        return config_from({})


def jsonable_overrides(values: Mapping[str, Any]) -> dict[str, Any]:
    """Only the values that differ from the defaults, in JSON-friendly form."""
    changed: dict[str, Any] = {}
    for name, value in values.items():
        default = getattr(DEFAULT_CONFIG, name)
        if name in LIST_FIELDS:
            if frozenset(value) != default:
                changed[name] = sorted(value)
        elif value is not None and value != default:
            changed[name] = value
    return changed
