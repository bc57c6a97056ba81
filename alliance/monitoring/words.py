"""Signals and repairs in words: what happened, and what to do next.

Principle 2 of the brief: a number without a suggested next step is
unfinished work. Every reason the caseload or the brief gives comes with one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from alliance.monitoring.models import RepairStatus, Strategy

PILLAR_NAMES: dict[str, Promise] = {
    "goal": _("agreement on goals"),
    "task": _("agreement on tasks"),
    "bond": _("the bond"),
    "overall": _("the session overall"),
    "outcome": _("the outcome measure"),
    "attendance": pgettext_lazy("dimension of the alliance", "attendance"),
}

RULE_TITLES: dict[str, Promise] = {
    "tension": _("Patient-reported tension"),
    "reliable_drop": _("Reliable drop"),
    "dip_1sd": _("Small dip below the patient's level"),
    "dip_2sd": _("Dip below the patient's level"),
    "sudden_loss": _("Sudden loss"),
    "ceiling_drop": _("Small drop from a high level"),
    "low_level": _("Below the instrument's cut-off"),
    "discrepancy": _("You and the patient see it differently"),
    "goal_not_owned": _("A goal that is no longer the patient's"),
    "task_not_relevant": _("A task judged irrelevant or not done"),
    "not_on_track": _("Outcome not on track"),
    "safety": _("Safety item endorsed"),
    "missed_checkins": _("Check-ins missed in a row"),
    "cancellations": _("Repeated cancellations or no-shows"),
}

#: The repair strategy that fits each rule best (the literature's list).
SUGGESTED_STRATEGY: dict[str, Strategy] = {
    "tension": Strategy.METACOMMUNICATION,
    "reliable_drop": Strategy.METACOMMUNICATION,
    "dip_1sd": Strategy.METACOMMUNICATION,
    "dip_2sd": Strategy.METACOMMUNICATION,
    "sudden_loss": Strategy.METACOMMUNICATION,
    "ceiling_drop": Strategy.VALIDATE,
    "low_level": Strategy.METACOMMUNICATION,
    "discrepancy": Strategy.METACOMMUNICATION,
    "goal_not_owned": Strategy.REVISIT_GOALS,
    "task_not_relevant": Strategy.RETHINK_TASK,
}

DISAGREEMENT_RULES = frozenset({"discrepancy", "goal_not_owned", "task_not_relevant"})


class Attention:
    """What needs attention, most pressing first (the issue's order)."""

    SAFETY = 0
    RUPTURE = 1
    MISSED = 2
    DISAGREEMENT = 3
    NOT_ON_TRACK = 4
    NONE = 9


@dataclass(frozen=True)
class Reason:
    rank: int
    text: Any
    step: Any
    urgent: bool = False


def pillars_in_words(dimensions: set[str]) -> str:
    names = [
        str(PILLAR_NAMES.get(d, d)) for d in ("goal", "task", "bond", "overall") if d in dimensions
    ]
    return ", ".join(names) if names else str(PILLAR_NAMES["overall"])


def safety_reason() -> Reason:
    return Reason(
        Attention.SAFETY,
        _("Safety alert not yet acknowledged."),
        _("Read the check-in and contact the patient today, as your clinic's procedure says."),
        urgent=True,
    )


def repair_step(status: RepairStatus, rules: set[str]) -> Any:
    if status == RepairStatus.ADDRESSED:
        return _("Addressed in session: the next check-in will tell whether it is repaired.")
    if status == RepairStatus.PLANNED:
        return _("Repair planned: bring it up at the start of the next session.")
    strategy = next((SUGGESTED_STRATEGY[r] for r in sorted(rules) if r in SUGGESTED_STRATEGY), None)
    label = strategy.label if strategy else Strategy.METACOMMUNICATION.label
    return _("Plan a repair, for example: %(strategy)s.") % {"strategy": str(label).lower()}


def repair_reason(
    status: RepairStatus, rules: set[str], dimensions: set[str], urgent: bool
) -> Reason:
    pillars = pillars_in_words(dimensions)
    if rules <= DISAGREEMENT_RULES:
        text = _("Disagreement not yet repaired, on %(pillars)s.") % {"pillars": pillars}
        rank = Attention.DISAGREEMENT
    else:
        text = _("Rupture not yet repaired, on %(pillars)s.") % {"pillars": pillars}
        rank = Attention.RUPTURE
    return Reason(rank, text, repair_step(status, rules), urgent=urgent)


def signal_reason(rule: str, dimension: str) -> Reason | None:
    """Reasons from signals that open no repair (attendance, outcome, safety item)."""
    if rule == "missed_checkins":
        return Reason(
            Attention.MISSED,
            _("Check-ins missed in a row."),
            _("Ask whether the check-in still suits the patient, or send a new link."),
        )
    if rule == "cancellations":
        return Reason(
            Attention.MISSED,
            _("Repeated cancellations or no-shows."),
            _("Ask what makes coming difficult at the moment; it may be about the alliance."),
        )
    if rule == "not_on_track":
        return Reason(
            Attention.NOT_ON_TRACK,
            _("The outcome measure is worse than expected."),
            _("Review progress and the plan with the patient; ask how therapy is going for them."),
        )
    if rule == "safety":
        return safety_reason()
    if rule == "discrepancy":
        return Reason(
            Attention.DISAGREEMENT,
            _("You and the patient rated %(pillar)s far apart.")
            % {"pillar": PILLAR_NAMES.get(dimension, dimension)},
            _("Compare your view with the patient's: ask what they saw in the session."),
        )
    return None


def nothing_flagged() -> Reason:
    return Reason(
        Attention.NONE,
        _("Nothing flagged."),
        _("Ask about the alliance anyway: small changes often pass unseen."),
    )
