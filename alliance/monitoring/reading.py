"""What the caseload, the brief and the patient's pages read, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext

from alliance.accounts.models import User
from alliance.audit.log import record
from alliance.care.access import patients_for
from alliance.care.models import Goal, GoalStatus, Patient, Task, TaskStatus
from alliance.checkins.instrument_ids import PATIENT_INSTRUMENT, THERAPIST_INSTRUMENT
from alliance.checkins.models import (
    Checkin,
    CheckinScore,
    CheckinStatus,
    Respondent,
    Response,
    SafetyAlert,
    TaskObjection,
)
from alliance.monitoring.models import SEVERITY_RANK, Repair, Severity, StoredSignal
from alliance.monitoring.trajectories import (
    current_episode,
)
from alliance.monitoring.words import (
    Attention,
    Reason,
    nothing_flagged,
    repair_reason,
    safety_reason,
    signal_reason,
)

#: Signals that open no repair count on the caseload for this long (attendance,
#: outcome, discrepancies shown as information).
ATTENTION_WINDOW = timedelta(days=28)
TREND_LENGTH = 6
PILLARS = ("goal", "task", "bond")
NON_REPAIR_RULES = ("missed_checkins", "cancellations", "not_on_track", "safety", "discrepancy")


_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


@lru_cache(maxsize=16)
def _url_pattern(name: str, language: str) -> str:
    return reverse(name, args=[_PLACEHOLDER])


def _url(name: str, uuid: Any) -> str:
    """reverse() once per page and view name, then fill in each UUID (hundreds of rows)."""
    return _url_pattern(name, get_language() or "").replace(_PLACEHOLDER, str(uuid))


@dataclass
class OpenRepair:
    uuid: str
    status: Any
    rules: set[str] = field(default_factory=set)
    dimensions: set[str] = field(default_factory=set)
    urgent: bool = False
    session_at: datetime | None = None

    @property
    def url(self) -> str:
        return _url("monitoring:repair", self.uuid)


@dataclass(frozen=True)
class PillarCell:
    """One pillar of one caseload row, ready to print (the page has hundreds of them)."""

    pillar: str
    patient: str
    therapist: str
    points: str
    label: str


@dataclass
class CaseloadRow:
    patient: Patient
    reasons: list[Reason]
    last_checkin_at: datetime | None
    latest: dict[str, dict[str, float | None]]
    trend: dict[str, list[float]]
    open_repairs: list[OpenRepair]

    @property
    def brief_url(self) -> str:
        return _url("monitoring:brief", self.patient.uuid)

    @property
    def timeline_url(self) -> str:
        return _url("monitoring:timeline", self.patient.uuid)

    @property
    def first_reason(self) -> Reason:
        return self.reasons[0]

    @property
    def needs_attention(self) -> bool:
        return self.first_reason.rank != Attention.NONE

    def sort_key(self) -> tuple[int, int, float, str]:
        first = self.first_reason
        seen = self.last_checkin_at.timestamp() if self.last_checkin_at else 0.0
        return (first.rank, 0 if first.urgent else 1, seen, self.patient.display_name.lower())

    def cells(self) -> list[PillarCell]:
        patient = self.latest.get(Respondent.PATIENT, {})
        therapist = self.latest.get(Respondent.THERAPIST, {})
        found = []
        for pillar in PILLARS:
            mine, yours = patient.get(pillar), therapist.get(pillar)
            values = ", ".join(f"{v:.0f}" for v in self.trend.get(pillar, []))
            found.append(
                PillarCell(
                    pillar=pillar,
                    patient="–" if mine is None else f"{mine:.0f}",
                    therapist=""
                    if yours is None
                    else gettext("you: %(score)s") % {"score": f"{yours:.0f}"},
                    points=self.sparkline(pillar),
                    label=gettext("Patient's last ratings: %(values)s") % {"values": values},
                )
            )
        return found

    def sparkline(self, pillar: str, width: int = 60, height: int = 18) -> str:
        """Points of an SVG polyline for the patient's last ratings (0–10, oldest left)."""
        values = self.trend.get(pillar, [])
        if len(values) < 2:
            return ""
        step = width / (len(values) - 1)
        return " ".join(
            f"{i * step:.1f},{height - value / 10 * height:.1f}" for i, value in enumerate(values)
        )


def _count(queryset: Any) -> Coalesce:
    counted = queryset.values("patient").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted), 0)


def _annotated_patients(user: User) -> list[Patient]:
    unacknowledged = SafetyAlert.objects.filter(
        patient=OuterRef("pk"), acknowledged_at__isnull=True
    )
    last_checkin = (
        Checkin.objects.filter(
            patient=OuterRef("pk"),
            respondent=Respondent.PATIENT,
            status=CheckinStatus.SUBMITTED,
        )
        .order_by("-submitted_at")
        .values("submitted_at")[:1]
    )
    return list(
        patients_for(user)
        .annotate(safety_alerts_open=_count(unacknowledged), last_checkin_at=Subquery(last_checkin))
        .order_by("display_name")
    )


def _recent_scores(patient_ids: list[int]) -> list[dict[str, Any]]:
    """The last TREND_LENGTH alliance scores of each patient and respondent (one query)."""
    ranked = CheckinScore.objects.filter(
        checkin__patient_id__in=patient_ids,
        checkin__status=CheckinStatus.SUBMITTED,
        instrument_id__in=(PATIENT_INSTRUMENT, THERAPIST_INSTRUMENT),
        subject_uuid__isnull=True,
    ).annotate(
        position=Window(
            RowNumber(),
            partition_by=[F("checkin__patient_id"), F("instrument_id")],
            order_by=F("checkin__session__starts_at").desc(),
        )
    )
    return list(
        ranked.filter(position__lte=TREND_LENGTH)
        .order_by("checkin__session__starts_at")
        .values("checkin__patient_id", "checkin__respondent", *PILLARS)
    )


def _open_repairs(patient_ids: list[int]) -> dict[int, list[OpenRepair]]:
    rows = StoredSignal.objects.filter(
        patient_id__in=patient_ids, repair__isnull=False, repair__resolved_at__isnull=True
    ).values(
        "patient_id",
        "repair__uuid",
        "repair__planned_at",
        "repair__addressed_at",
        "repair__opened_at",
        "rule",
        "dimension",
        "severity",
    )
    found: dict[int, dict[str, OpenRepair]] = defaultdict(dict)
    for row in rows.order_by("repair__opened_at"):
        key = str(row["repair__uuid"])
        repair = found[row["patient_id"]].get(key)
        if repair is None:
            repair = OpenRepair(key, _status(row), session_at=row["repair__opened_at"])
            found[row["patient_id"]][key] = repair
        repair.rules.add(row["rule"])
        repair.dimensions.add(row["dimension"])
        repair.urgent = repair.urgent or row["severity"] == Severity.URGENT
    return {patient: list(repairs.values()) for patient, repairs in found.items()}


def _status(row: Mapping[str, Any]) -> Any:
    from alliance.monitoring.models import RepairStatus

    if row["repair__addressed_at"]:
        return RepairStatus.ADDRESSED
    if row["repair__planned_at"]:
        return RepairStatus.PLANNED
    return RepairStatus.DETECTED


def _recent_signals(patient_ids: list[int], since: datetime) -> dict[int, list[tuple[str, str]]]:
    rows = (
        StoredSignal.objects.filter(
            patient_id__in=patient_ids, detected_at__gte=since, rule__in=NON_REPAIR_RULES
        )
        .exclude(severity=Severity.INFO)
        .values_list("patient_id", "rule", "dimension")
    )
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for patient_id, rule, dimension in rows:
        found[patient_id].append((rule, dimension))
    return found


def reasons_for(
    safety_alerts_open: int, repairs: list[OpenRepair], signals: list[tuple[str, str]]
) -> list[Reason]:
    """Everything that needs attention for one patient, most pressing first."""
    reasons: list[Reason] = []
    if safety_alerts_open:
        reasons.append(safety_reason())
    for repair in repairs:
        reasons.append(repair_reason(repair.status, repair.rules, repair.dimensions, repair.urgent))
    seen: set[tuple[str, str]] = set()
    for rule, dimension in signals:
        if rule == "safety" and safety_alerts_open:
            continue
        reason = signal_reason(rule, dimension)
        if reason is not None and (rule, dimension) not in seen:
            seen.add((rule, dimension))
            reasons.append(reason)
    reasons.sort(key=lambda r: (r.rank, 0 if r.urgent else 1))
    return reasons or [nothing_flagged()]


def _latest_and_trend(
    rows: list[dict[str, Any]],
) -> tuple[dict[int, dict[str, dict[str, float | None]]], dict[int, dict[str, list[float]]]]:
    latest: dict[int, dict[str, dict[str, float | None]]] = defaultdict(dict)
    trend: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:  # oldest first: the last one seen is the latest
        patient = row["checkin__patient_id"]
        latest[patient][row["checkin__respondent"]] = {p: row[p] for p in PILLARS}
        if row["checkin__respondent"] == Respondent.PATIENT:
            for pillar in PILLARS:
                if row[pillar] is not None:
                    trend[patient][pillar].append(row[pillar])
    return latest, trend


@transaction.atomic
def caseload(user: User, *, now: datetime | None = None) -> list[CaseloadRow]:
    """The therapist's patients, what needs attention first: four queries and the audit."""
    now = now or timezone.now()
    patients = _annotated_patients(user)
    ids = [patient.pk for patient in patients]
    latest, trend = _latest_and_trend(_recent_scores(ids)) if ids else ({}, {})
    repairs = _open_repairs(ids) if ids else {}
    signals = _recent_signals(ids, now - ATTENTION_WINDOW) if ids else {}
    rows = [
        CaseloadRow(
            patient=patient,
            reasons=reasons_for(
                patient.safety_alerts_open,  # type: ignore[attr-defined]
                repairs.get(patient.pk, []),
                signals.get(patient.pk, []),
            ),
            last_checkin_at=patient.last_checkin_at,  # type: ignore[attr-defined]
            latest=latest.get(patient.pk, {}),
            trend={p: v[-TREND_LENGTH:] for p, v in trend.get(patient.pk, {}).items()},
            open_repairs=repairs.get(patient.pk, []),
        )
        for patient in patients
    ]
    rows.sort(key=CaseloadRow.sort_key)
    record(
        "monitoring.caseload_read",
        by=user,
        clinic_id=user.clinic.uuid,
        data={"count": len(rows)},
    )
    return rows


# --- The before-the-session brief ----------------------------------------------------


@dataclass
class PillarChange:
    pillar: str
    respondent: str
    before: float | None
    now: float | None

    @property
    def shown_before(self) -> int | None:
        """The previous rating as displayed: whole points, halves rounded up."""
        return _whole(self.before)

    @property
    def shown_now(self) -> int | None:
        return _whole(self.now)

    @property
    def change(self) -> int | None:
        """The change between the displayed values, so the table adds up."""
        if self.shown_before is None or self.shown_now is None:
            return None
        return self.shown_now - self.shown_before


def _whole(value: float | None) -> int | None:
    if value is None:
        return None
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class GoalStatusRow:
    goal: Goal
    still_mine: float | None
    progress: float | None
    tasks: list[TaskStatusRow]


@dataclass
class TaskStatusRow:
    task: Task
    relevance: float | None
    done: float | None
    objections: int


@dataclass
class Brief:
    patient: Patient
    reasons: list[Reason]
    changes: list[PillarChange]
    last_checkin_at: datetime | None
    checkin_count: int
    signals: list[StoredSignal]
    repairs: list[Repair]
    words: list[tuple[datetime | None, str]]
    objections: list[TaskObjection]
    proposals: list[Goal]
    goals: list[GoalStatusRow]

    @property
    def next_step(self) -> Any:
        return self.reasons[0].step

    @property
    def too_few_checkins(self) -> bool:
        return self.checkin_count < 3


def _changes(patient: Patient) -> tuple[list[PillarChange], datetime | None, int]:
    rows = list(
        CheckinScore.objects.filter(
            checkin__patient=patient,
            checkin__status=CheckinStatus.SUBMITTED,
            instrument_id__in=(PATIENT_INSTRUMENT, THERAPIST_INSTRUMENT),
            subject_uuid__isnull=True,
        )
        .order_by("checkin__session__starts_at")
        .values("checkin__respondent", "checkin__submitted_at", "goal", "task", "bond", "overall")
    )
    by_respondent: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        by_respondent[row["checkin__respondent"]].append(row)
    changes = []
    for respondent in (Respondent.PATIENT, Respondent.THERAPIST):
        series = by_respondent.get(respondent, [])
        if not series:
            continue
        before = series[-2] if len(series) > 1 else {}
        for pillar in (*PILLARS, "overall"):
            changes.append(PillarChange(pillar, respondent, before.get(pillar), series[-1][pillar]))
    patient_rows = by_respondent.get(Respondent.PATIENT, [])
    last = patient_rows[-1]["checkin__submitted_at"] if patient_rows else None
    return changes, last, len(patient_rows)


def _goal_rows(patient: Patient) -> list[GoalStatusRow]:
    episode = current_episode(patient)
    if episode is None:
        return []
    goals = list(
        episode.goals.filter(status__in=[GoalStatus.PROPOSED, GoalStatus.AGREED]).order_by(
            "proposed_at"
        )
    )
    tasks = list(
        Task.objects.filter(goal__in=goals, status=TaskStatus.OPEN).annotate(
            objections_count=Count("objections", filter=Q(objections__seen_at__isnull=True))
        )
    )
    last: dict[tuple[Any, str], float | None] = {}
    answers = Response.objects.filter(
        checkin__patient=patient,
        checkin__status=CheckinStatus.SUBMITTED,
        subject_uuid__in=[g.uuid for g in goals] + [t.uuid for t in tasks],
        item_id__in=("still_my_goal", "progress", "relevance", "done"),
    ).order_by("checkin__session__starts_at")
    for subject, item, value in answers.values_list("subject_uuid", "item_id", "value"):
        last[(subject, item)] = value
    rows = []
    for goal in goals:
        task_rows = [
            TaskStatusRow(
                t,
                last.get((t.uuid, "relevance")),
                last.get((t.uuid, "done")),
                t.objections_count,
            )
            for t in tasks
            if t.goal_id == goal.pk
        ]
        rows.append(
            GoalStatusRow(
                goal,
                last.get((goal.uuid, "still_my_goal")),
                last.get((goal.uuid, "progress")),
                task_rows,
            )
        )
    return rows


@transaction.atomic
def brief(patient: Patient, *, user: User, now: datetime | None = None) -> Brief:
    """Everything a therapist reads in the two minutes before a session."""
    now = now or timezone.now()
    changes, last_checkin_at, count = _changes(patient)
    repairs = list(
        Repair.objects.filter(patient=patient, resolved_at__isnull=True)
        .select_related("session")
        .prefetch_related("signals")
        .order_by("opened_at")
    )
    signals = list(
        StoredSignal.objects.filter(patient=patient, detected_at__gte=now - ATTENTION_WINDOW)
        .select_related("session")
        .order_by("-detected_at")
    )
    open_repairs = [
        OpenRepair(
            str(r.uuid),
            r.status,
            {s.rule for s in r.signals.all()},
            {s.dimension for s in r.signals.all()},
            any(s.severity == Severity.URGENT for s in r.signals.all()),
        )
        for r in repairs
    ]
    alerts = SafetyAlert.objects.filter(patient=patient, acknowledged_at__isnull=True).count()
    recent = [
        (s.rule, s.dimension)
        for s in signals
        if s.rule in NON_REPAIR_RULES and s.severity != Severity.INFO
    ]
    words = list(
        Response.objects.filter(
            checkin__patient=patient,
            checkin__status=CheckinStatus.SUBMITTED,
            checkin__respondent=Respondent.PATIENT,
            item_id="change_request",
        )
        .exclude(text="")
        .order_by("-checkin__submitted_at")
        .values_list("checkin__submitted_at", "text")[:3]
    )
    objections = list(
        TaskObjection.objects.filter(task__goal__episode__patient=patient, seen_at__isnull=True)
        .select_related("task")
        .order_by("-created_at")
    )
    proposals = list(
        Goal.objects.filter(
            episode__patient=patient, status=GoalStatus.PROPOSED, proposed_by="patient"
        )
    )
    record(
        "care.patient_read",
        by=user,
        target=patient,
        clinic_id=user.clinic.uuid,
        data={"what": "brief", "object": str(patient.uuid)},
    )
    signals.sort(key=lambda s: (-SEVERITY_RANK[Severity(s.severity)], -s.detected_at.timestamp()))
    return Brief(
        patient=patient,
        reasons=reasons_for(alerts, open_repairs, recent),
        changes=changes,
        last_checkin_at=last_checkin_at,
        checkin_count=count,
        signals=signals,
        repairs=repairs,
        words=words,
        objections=objections,
        proposals=proposals,
        goals=_goal_rows(patient),
    )


# --- What the patient sees ----------------------------------------------------------


def changes_to_share(patient: Patient) -> list[dict[str, str]]:
    """ "You said / we changed" of the repairs the therapist chose to share, newest first.

    The same shape as ``alliance.checkins.progress.you_said_we_changed``:
    ``[{"you_said": ..., "we_changed": ...}]``. No audit here: the patient's
    page that shows it records the visit.
    """
    repairs = Repair.objects.filter(patient=patient, shared_at__isnull=False).order_by("-shared_at")
    return [
        {"you_said": you_said, "we_changed": we_changed}
        for you_said, we_changed in repairs.values_list("you_said", "we_changed")[:5]
    ]


def words_at_rupture(repair: Repair) -> str:
    """What the patient wrote in the check-in of the rupture, to start "you said" from."""
    found = (
        Response.objects.filter(
            checkin__session_id=repair.session_id,
            checkin__respondent=Respondent.PATIENT,
            item_id="change_request",
        )
        .exclude(text="")
        .values_list("text", flat=True)
        .first()
    )
    return found or ""
