"""De-identified figures for supervision: per therapist and for the clinic.

No patient is named or identified: only counts, means and rates, each with the
number of patients or ruptures it rests on, flagged when it is too small to
read much into (fewer than :data:`SMALL_N`). Patients count for their lead
therapist; a therapist's figures resting on fewer than
:data:`MIN_PATIENTS_PER_THERAPIST` patients are withheld, not computed. Four
queries for the whole clinic.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from statistics import fmean
from typing import Any, ClassVar

import numpy as np
from django.db import transaction
from django.db.models import Q

from alliance.accounts.models import User
from alliance.audit.log import record
from alliance.care.models import CareTeamMember, CareTeamRole
from alliance.checkins.instrument_ids import PATIENT_INSTRUMENT, THERAPIST_INSTRUMENT
from alliance.checkins.models import CheckinScore, CheckinStatus
from alliance.monitoring.models import Repair, Resolution
from alliance.monitoring.trajectories import (
    OUTCOME_INSTRUMENT,
)
from alliance.science.signals import RuptureRecord, repair_statistics

#: Heuristic: below this many patients (or ruptures), a figure is flagged as fragile.
SMALL_N = 10
#: Heuristic, against re-identification: a therapist's figures resting on fewer
#: patients than this are withheld. With one patient, "the mean alliance of Théo's
#: patients" is that person's ratings, which a supervisor who knows the caseload can
#: attribute; with two, whoever knows one patient's ratings can work out the other's.
#: Three is the smallest group where neither holds. It is a floor, not a guarantee:
#: the clinic's figures and a colleague's can still be compared (docs/decisions/0010).
MIN_PATIENTS_PER_THERAPIST = 3
SECONDS_PER_DAY = 86400.0


@dataclass
class Figures:
    """The aggregates of one group of patients (a therapist's, or the clinic's)."""

    label: str
    patients: int = 0
    checkins: int = 0
    mean_alliance: float | None = None
    mean_discrepancy: float | None = None
    ruptures: int = 0
    repaired: int = 0
    closed: int = 0
    unrepaired: int = 0
    repair_rate: float | None = None
    median_days_to_repair: float | None = None
    ruptures_per_10_checkins: float | None = None
    correlation: float | None = None
    correlation_n: int = 0
    #: Too few patients to show anything without describing individual patients.
    withheld: bool = False
    min_patients: ClassVar[int] = MIN_PATIENTS_PER_THERAPIST

    @property
    def small(self) -> bool:
        return self.patients < SMALL_N

    @property
    def small_ruptures(self) -> bool:
        return self.ruptures < SMALL_N

    @property
    def small_correlation(self) -> bool:
        return self.correlation_n < SMALL_N


@dataclass
class _Group:
    alliance: list[float] = field(default_factory=list)
    discrepancy: list[float] = field(default_factory=list)
    patients: set[int] = field(default_factory=set)
    checkins: int = 0
    repairs: list[Mapping[str, Any]] = field(default_factory=list)
    per_patient_alliance: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    per_patient_outcome: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    last_seen: dict[int, datetime] = field(default_factory=dict)


@dataclass
class Overview:
    clinic: Figures
    therapists: list[Figures]
    small_n: int = SMALL_N
    min_patients: int = MIN_PATIENTS_PER_THERAPIST


def _pearson(pairs: list[tuple[float, float]]) -> float | None:
    if len(pairs) < 3:
        return None
    x, y = np.array(pairs, dtype=float).T
    if x.std() == 0 or y.std() == 0:
        return None
    return float(np.corrcoef(x, y)[0, 1])


def _therapist_figures(label: str, group: _Group) -> Figures:
    """A therapist's figures, or only their name when too few patients would be described."""
    if len(group.patients) < MIN_PATIENTS_PER_THERAPIST:
        return Figures(label=label, withheld=True)
    return _figures(label, group)


def _figures(label: str, group: _Group) -> Figures:
    figures = Figures(label=label, patients=len(group.patients), checkins=group.checkins)
    figures.mean_alliance = fmean(group.alliance) if group.alliance else None
    figures.mean_discrepancy = fmean(group.discrepancy) if group.discrepancy else None
    records = []
    for repair in group.repairs:
        opened = repair["opened_at"].timestamp() / SECONDS_PER_DAY
        repaired = repair["resolution"] in (Resolution.RATINGS_BACK, Resolution.TALKED_THROUGH)
        last = group.last_seen.get(repair["patient_id"], repair["opened_at"])
        records.append(
            RuptureRecord(
                opened=opened,
                repaired=repair["resolved_at"].timestamp() / SECONDS_PER_DAY if repaired else None,
                followed_until=max(last.timestamp() / SECONDS_PER_DAY, opened),
            )
        )
        figures.closed += repair["resolution"] == Resolution.CLOSED
    stats = repair_statistics(records)
    figures.ruptures, figures.repaired, figures.unrepaired = (
        stats.ruptures,
        stats.repaired,
        stats.unrepaired,
    )
    figures.repair_rate = None if math.isnan(stats.repair_rate) else stats.repair_rate
    median = stats.median_time_to_repair
    figures.median_days_to_repair = None if math.isnan(median) else median
    if group.checkins:
        figures.ruptures_per_10_checkins = 10 * stats.ruptures / group.checkins
    pairs = [
        (fmean(group.per_patient_alliance[p]), outcome[0] - outcome[-1])
        for p, outcome in group.per_patient_outcome.items()
        if len(outcome) >= 2 and group.per_patient_alliance.get(p)
    ]
    figures.correlation, figures.correlation_n = _pearson(pairs), len(pairs)
    return figures


def _add_scores(
    groups: dict[int, _Group], clinic: _Group, lead_of: dict[int, int], user: User
) -> None:
    rows = (
        CheckinScore.objects.filter(
            checkin__patient__clinic_id=user.clinic_id,
            checkin__status=CheckinStatus.SUBMITTED,
            subject_uuid__isnull=True,
            instrument_id__in=(PATIENT_INSTRUMENT, THERAPIST_INSTRUMENT, OUTCOME_INSTRUMENT),
        )
        .order_by("checkin__session__starts_at")
        .values_list(
            "checkin__patient_id",
            "checkin__session_id",
            "instrument_id",
            "total",
            "checkin__submitted_at",
        )
    )
    by_session: dict[int, dict[str, float]] = defaultdict(dict)
    for patient, session, instrument, total, submitted_at in rows:
        targets = [clinic] + ([groups[lead_of[patient]]] if patient in lead_of else [])
        for group in targets:
            if submitted_at is not None:
                group.last_seen[patient] = submitted_at
            if total is None:
                continue
            if instrument == PATIENT_INSTRUMENT:
                group.alliance.append(total)
                group.patients.add(patient)
                group.checkins += 1
                group.per_patient_alliance[patient].append(total)
            elif instrument == OUTCOME_INSTRUMENT:
                group.per_patient_outcome[patient].append(total)
        if total is not None:
            by_session[session][instrument] = total
            by_session[session]["patient_id"] = patient
    for values in by_session.values():
        if PATIENT_INSTRUMENT in values and THERAPIST_INSTRUMENT in values:
            difference = values[PATIENT_INSTRUMENT] - values[THERAPIST_INSTRUMENT]
            patient = int(values["patient_id"])
            clinic.discrepancy.append(difference)
            if patient in lead_of:
                groups[lead_of[patient]].discrepancy.append(difference)


@transaction.atomic
def overview(user: User) -> Overview:
    """The clinic's figures and each therapist's, de-identified; the read is audited."""
    leads = CareTeamMember.objects.filter(
        patient__clinic_id=user.clinic_id, role=CareTeamRole.LEAD
    ).values_list("patient_id", "therapist_id", "therapist__full_name")
    lead_of: dict[int, int] = {}
    names: dict[int, str] = {}
    for patient, therapist, name in leads:
        lead_of[patient] = therapist
        names[therapist] = name
    groups: dict[int, _Group] = {therapist: _Group() for therapist in names}
    clinic = _Group()
    _add_scores(groups, clinic, lead_of, user)
    repairs = (
        Repair.objects.filter(patient__clinic_id=user.clinic_id)
        .filter(Q(signals__isnull=False))
        .distinct()
        .values("patient_id", "opened_at", "resolved_at", "resolution")
    )
    for repair in repairs:
        clinic.repairs.append(repair)
        if repair["patient_id"] in lead_of:
            groups[lead_of[repair["patient_id"]]].repairs.append(repair)
    record("monitoring.clinic_overview_read", by=user, clinic_id=user.clinic.uuid, data={})
    therapists = sorted(
        (_therapist_figures(names[t], group) for t, group in groups.items()),
        key=lambda f: f.label,
    )
    return Overview(clinic=_figures(user.clinic.name, clinic), therapists=therapists)
