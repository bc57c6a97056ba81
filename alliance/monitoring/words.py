"""Signals and repairs in words: what happened, and what to do next.

Principle 2 of the brief: a number without a suggested next step is
unfinished work. Every reason the caseload or the brief gives comes with one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

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


# --- The engine's sources in the active language ------------------------------------
# The pure core (alliance.science) keeps its sources in English, without Django;
# the web layer maps each rule and scale source to a translated label here.

RULE_SOURCES: dict[str, Promise] = {
    "tension": _("Post-Session Questionnaire (Muran et al. 2009, Psychotherapy 46:233)"),
    "reliable_drop": _("Reliable change index (Jacobson & Truax 1991)"),
    "dip_1sd": _("Strauss et al. 2006; pooled SD after Gumz et al. 2012 (exact rule ours)"),
    "dip_2sd": _("Stiles et al. 2004; pooled SD after Gumz et al. 2012 (exact rule ours)"),
    "sudden_loss": _("Tang & DeRubeis 1999, criteria as in the R package suddengains"),
    "ceiling_drop": _(
        "OpenFIT alert rule (≥ 1 point on the 0–40 SRS) [vendor]; scaled to other ranges"
    ),
    "low_level": _("Instrument cut-off (e.g. SRS < 36, Duncan & Miller)"),
    "discrepancy": _("Tryon et al. 2007 (r = .36 between the two views); threshold ours"),
    "goal_not_owned": _("Goal-Based Outcomes method (Law); threshold ours"),
    "task_not_relevant": _("Agreement on tasks (Bordin 1979); threshold ours"),
    "not_on_track": _(
        "Expected trajectory (Finch, Lambert & Schaalje 2001), re-fitted on the clinic's "
        "data; 80 % band ours; falls back to reliable deterioration (Jacobson & Truax 1991)"
    ),
    "safety": _("PHQ-9 item 9 > 0 (Kroenke et al. 2001)"),
    "missed_checkins": _("Heuristic"),
    "cancellations": _("Heuristic"),
}


def rule_source(rule: str, source: str = "") -> Any:
    """The translated source of ``rule``; the engine's own text for an unknown rule."""
    return RULE_SOURCES.get(rule, source)


_SCALE_SOURCES: dict[str, Promise] = {
    "heuristic default (reliability 0.8, SD 2 points) until the clinic has enough data": _(
        "heuristic default (reliability 0.8, SD 2 points) until the clinic has enough data"
    ),
    "instrument default": _("instrument default"),
    "heuristic SD (range / 6)": _("heuristic SD (range / 6)"),
}
_ESTIMATED = re.compile(r"estimated from (\d+) patients of this clinic \((\d+) in all\)")


def scale_source(source: str) -> Any:
    """A calibration's source (written by the engine in English) in the active language."""
    if source in _SCALE_SOURCES:
        return _SCALE_SOURCES[source]
    found = _ESTIMATED.fullmatch(source)
    if found:
        return gettext("estimated from %(eligible)s patients of this clinic (%(total)s in all)") % {
            "eligible": found[1],
            "total": found[2],
        }
    return source
