"""Every change made by the repair loop: signals refreshed, repairs planned,
addressed, resolved or closed, changes shared with the patient, clinic thresholds.

Keyword-only arguments, an explicit actor (``by=``; ``None`` for the engine
itself), one transaction, and the audit record in it: UUIDs and codes only.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import Clinic, User
from alliance.audit.log import record
from alliance.care.models import Patient, Session
from alliance.checkins.models import Checkin
from alliance.errors import ActionRefused
from alliance.monitoring.config import InvalidOverridesError, config_from, jsonable_overrides
from alliance.monitoring.models import (
    ClinicSignalSettings,
    Repair,
    Resolution,
    Severity,
    StoredSignal,
    Strategy,
)
from alliance.monitoring.trajectories import (
    EngineSettings,
    PatientData,
    calibrate,
    engine_settings,
    load_patient_data,
    needs_calibration,
    settings_of,
)
from alliance.science.signals import Signal, detect_history, detect_signals, repaired_at

SignalKey = tuple[str, str, str, int, str]


def _audit(
    action: str, *, by: User | None, target: Any, clinic: Clinic, data: Mapping[str, Any]
) -> None:
    record(f"monitoring.{action}", by=by, target=target, clinic_id=clinic.uuid, data=dict(data))


def _finite(evidence: Mapping[str, float]) -> dict[str, float | None]:
    """JSON has no NaN (PostgreSQL refuses it): a missing value becomes null."""
    return {
        key: None if isinstance(value, float) and math.isnan(value) else value
        for key, value in evidence.items()
    }


# --- Refreshing a patient's signals ------------------------------------------------


@dataclass(frozen=True)
class RefreshResult:
    created: int
    updated: int
    removed: int
    repairs_opened: int
    repairs_resolved: int


@transaction.atomic
def calibrate_clinic(*, clinic: Clinic) -> ClinicSignalSettings:
    """Re-estimate the clinic's scales and expected outcome curve from its own data."""
    settings = settings_of(clinic)
    settings.calibration = calibrate(clinic)
    settings.calibrated_at = timezone.now()
    settings.save(update_fields=["calibration", "calibrated_at"])
    _audit("clinic_calibrated", by=None, target=None, clinic=clinic, data={})
    return settings


def clinic_engine(clinic: Clinic) -> EngineSettings:
    settings = settings_of(clinic)
    if needs_calibration(settings):
        settings = calibrate_clinic(clinic=clinic)
    return engine_settings(settings)


@transaction.atomic
def refresh_patient_signals(
    *, patient: Patient, at_checkin: Checkin | None = None, by: User | None = None
) -> RefreshResult:
    """Run the engine on the patient's trajectory, upsert its signals, update repairs.

    With ``at_checkin``, only the signals that check-in raises are computed
    (what a submission needs); without, the whole history is recomputed and
    signals no longer raised are removed, unless a therapist already worked on
    their repair.
    """
    data = load_patient_data(patient)
    engine = clinic_engine(patient.clinic)
    found = _detect(data, engine, at_checkin)
    existing = {
        _key(s): s for s in StoredSignal.objects.filter(patient=patient).select_related("repair")
    }
    created, updated = _upsert(patient, data, found, existing)
    removed = 0 if at_checkin is not None else _remove_stale(patient, found, existing, data)
    opened, resolved_on_the_way = _open_repairs(patient, data, engine)
    resolved = resolved_on_the_way + _resolve_repairs(patient, data, engine)
    result = RefreshResult(created, updated, removed, opened, resolved)
    _audit(
        "signals_refreshed",
        by=by,
        target=patient,
        clinic=patient.clinic,
        data={"patient": str(patient.uuid), **dataclasses.asdict(result)},
    )
    return result


def _detect(data: PatientData, engine: EngineSettings, at_checkin: Checkin | None) -> list[Signal]:
    trajectory = data.trajectory
    if at_checkin is not None:
        position = data.position_of_session(at_checkin.session_id)
        if position is None:
            return []
        detection = detect_signals(
            trajectory,
            engine.scales,
            engine.config,
            at=position,
            expected_outcome=engine.expected_outcome,
        )
        return detection.signals
    return detect_history(
        trajectory, engine.scales, engine.config, expected_outcome=engine.expected_outcome
    )


def _key(stored: StoredSignal) -> SignalKey:
    return (stored.rule, stored.dimension, stored.respondent, stored.session_id, stored.subject)


def _signal_key(signal: Signal, data: PatientData) -> SignalKey:
    session = data.sessions[signal.session]
    subject = data.subject_of(signal.rule, signal.evidence)
    return (signal.rule, signal.dimension, signal.respondent, session.pk, subject)


def _fields(signal: Signal, data: PatientData) -> dict[str, Any]:
    checkin = data.checkin_at(signal.detected_at)
    return {
        "checkin_id": checkin.id if checkin else None,
        "severity": str(signal.severity),
        "magnitude": float(signal.magnitude),
        "evidence": _finite(signal.evidence),
        "source": signal.source[:300],
        "heuristic": signal.heuristic,
        "is_rupture": signal.is_rupture,
        "detected_at": data.moment(signal.detected_at),
    }


def _upsert(
    patient: Patient,
    data: PatientData,
    found: list[Signal],
    existing: dict[SignalKey, StoredSignal],
) -> tuple[int, int]:
    now = timezone.now()
    to_create: list[StoredSignal] = []
    to_update: list[StoredSignal] = []
    for signal in found:
        key = _signal_key(signal, data)
        values = _fields(signal, data)
        stored = existing.get(key)
        if stored is None:
            rule, dimension, respondent, session_id, subject = key
            stored = StoredSignal(
                patient=patient,
                session_id=session_id,
                rule=rule,
                dimension=dimension,
                respondent=respondent,
                subject=subject,
                computed_at=now,
                **values,
            )
            existing[key] = stored
            to_create.append(stored)
        elif any(getattr(stored, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(stored, name, value)
            stored.computed_at = now
            to_update.append(stored)
    StoredSignal.objects.bulk_create(to_create)
    if to_update:
        StoredSignal.objects.bulk_update(to_update, [*_fields_names(), "computed_at"])
    return len(to_create), len(to_update)


def _fields_names() -> list[str]:
    return [
        "checkin",
        "severity",
        "magnitude",
        "evidence",
        "source",
        "heuristic",
        "is_rupture",
        "detected_at",
    ]


def _remove_stale(
    patient: Patient,
    found: list[Signal],
    existing: dict[SignalKey, StoredSignal],
    data: PatientData,
) -> int:
    """Signals the engine no longer raises (new thresholds, corrected answers) go,
    unless a therapist already planned or closed their repair."""
    still = {_signal_key(signal, data) for signal in found}
    stale = [key for key, stored in existing.items() if key not in still and not _worked_on(stored)]
    if not stale:
        return 0
    StoredSignal.objects.filter(pk__in=[existing[key].pk for key in stale]).delete()
    # A repair nobody worked on, left without signals, goes with them.
    Repair.objects.filter(
        patient=patient, signals__isnull=True, planned_at__isnull=True, resolved_by__isnull=True
    ).delete()
    for key in stale:
        del existing[key]
    return len(stale)


def _worked_on(stored: StoredSignal) -> bool:
    repair = stored.repair
    return repair is not None and (
        repair.planned_at is not None or repair.resolved_by_id is not None
    )


def _open_repairs(patient: Patient, data: PatientData, engine: EngineSettings) -> tuple[int, int]:
    """Every rupture worth attention belongs to a repair: the one of its session, else
    the patient's repair still open at that time (a rupture that goes on is the same
    rupture), else a new one. Returns (opened, resolved on the way)."""
    orphans = list(
        StoredSignal.objects.filter(patient=patient, repair__isnull=True, is_rupture=True)
        .exclude(severity=Severity.INFO)
        .select_related("checkin")
    )
    if not orphans:
        return 0, 0
    repairs = list(
        Repair.objects.filter(patient=patient)
        .prefetch_related("signals__checkin")
        .order_by("opened_at")
    )
    members = {repair.pk: list(repair.signals.all()) for repair in repairs}
    by_session = {repair.session_id: repair for repair in repairs}
    still_open = next((r for r in reversed(repairs) if r.is_open), None)
    opened = resolved = 0
    for signal in sorted(orphans, key=lambda s: s.detected_at):
        repair = by_session.get(signal.session_id)
        if repair is None and still_open is not None:
            if _repaired_before(members[still_open.pk], signal, data, engine, still_open, patient):
                resolved += 1
                still_open = None
            else:
                repair = still_open
        if repair is None:
            repair = Repair.objects.create(
                patient=patient, session_id=signal.session_id, opened_at=signal.detected_at
            )
            members[repair.pk] = []
            by_session[signal.session_id] = still_open = repair
            opened += 1
        members[repair.pk].append(signal)
        signal.repair = repair
    StoredSignal.objects.bulk_update(orphans, ["repair"])
    return opened, resolved


def _repaired_before(
    signals: list[StoredSignal],
    later: StoredSignal,
    data: PatientData,
    engine: EngineSettings,
    repair: Repair,
    patient: Patient,
) -> bool:
    """Had ``repair`` recovered by the session of the ``later`` rupture? Then resolve it."""
    position = _repaired_position(signals, data, engine)
    later_position = data.position_of_session(later.session_id)
    if position is None or later_position is None or position > later_position:
        return False
    repair.patient = patient
    _mark_resolved(repair, data, position)
    return True


def _repaired_position(
    signals: list[StoredSignal], data: PatientData, engine: EngineSettings
) -> int | None:
    """The check-in at which every rupture of a repair had recovered, or None."""
    positions = []
    for stored in signals:
        signal = engine_signal(stored, data)
        if signal is None:
            continue
        position = repaired_at(signal, data.trajectory, engine.scales, engine.config)
        if position is None:
            return None
        positions.append(position)
    return max(positions) if positions else None


def engine_signal(stored: StoredSignal, data: PatientData) -> Signal | None:
    """The engine's view of a stored signal, on the current trajectory (None if gone)."""
    session = data.position_of_session(stored.session_id)
    detected = data.position_of_session(stored.checkin.session_id) if stored.checkin else session
    if session is None:
        return None
    evidence = {k: (math.nan if v is None else float(v)) for k, v in stored.evidence.items()}
    if stored.subject:
        column = data.column_of(stored.rule, stored.subject)
        if column is None:
            return None
        evidence["goal" if stored.rule == "goal_not_owned" else "task"] = float(column)
    return Signal(
        rule=stored.rule,
        dimension=stored.dimension,
        respondent=stored.respondent,
        session=session,
        detected_at=detected if detected is not None else session,
        severity=Severity(stored.severity),  # type: ignore[arg-type]
        magnitude=stored.magnitude,
        evidence=evidence,
        source=stored.source,
        heuristic=stored.heuristic,
        is_rupture=stored.is_rupture,
    )


def _resolve_repairs(patient: Patient, data: PatientData, engine: EngineSettings) -> int:
    """A repair resolves when every one of its ruptures has recovered (engine's rule)."""
    open_repairs = Repair.objects.filter(patient=patient, resolved_at__isnull=True)
    resolved = 0
    for repair in open_repairs.prefetch_related("signals__checkin"):
        position = _repaired_position(list(repair.signals.all()), data, engine)
        if position is not None:
            repair.patient = patient
            _mark_resolved(repair, data, position)
            resolved += 1
    return resolved


def _mark_resolved(repair: Repair, data: PatientData, position: int) -> None:
    talked = data.trajectory.talked_through
    said_so = talked is not None and talked[position] == 1.0
    checkin = data.checkin_at(position)
    repair.resolution = Resolution.TALKED_THROUGH if said_so else Resolution.RATINGS_BACK
    repair.resolved_at = data.moment(position)
    repair.resolved_checkin_id = checkin.id if checkin else None
    repair.save(update_fields=["resolution", "resolved_at", "resolved_checkin"])
    _audit(
        "repair_resolved",
        by=None,
        target=repair,
        clinic=repair.patient.clinic,
        data={"patient": str(repair.patient.uuid), "resolution": repair.resolution},
    )


# --- The therapist's side of the loop ------------------------------------------------


def _require_open(repair: Repair) -> None:
    if not repair.is_open:
        raise ActionRefused(
            _("This repair is already closed. Nothing was changed."), code="repair_closed"
        )


def _repair_audit(action: str, repair: Repair, by: User, **data: Any) -> None:
    _audit(
        action,
        by=by,
        target=repair,
        clinic=repair.patient.clinic,
        data={"patient": str(repair.patient.uuid), **data},
    )


@transaction.atomic
def plan_repair(*, repair: Repair, strategy: Strategy, note: str, by: User) -> Repair:
    """Say how the rupture will be worked on; planning again replaces the plan."""
    _require_open(repair)
    repair.strategy, repair.note = strategy, note.strip()
    repair.planned_at, repair.planned_by = timezone.now(), by
    repair.save(update_fields=["strategy", "note", "planned_at", "planned_by"])
    _repair_audit("repair_planned", repair, by, strategy=str(strategy))
    return repair


@transaction.atomic
def record_addressed(*, repair: Repair, session: Session, by: User) -> Repair:
    """The rupture was talked about in ``session`` (at or after the rupture)."""
    _require_open(repair)
    if repair.planned_at is None:
        raise ActionRefused(
            _("Plan the repair first: choose what you will do, then record the session."),
            code="repair_not_planned",
        )
    if session.episode.patient_id != repair.patient_id or session.starts_at < (
        repair.session.starts_at
    ):
        raise ActionRefused(
            _("Choose a session of this patient held at or after the rupture."),
            code="wrong_session",
        )
    if session.starts_at > timezone.now():
        raise ActionRefused(
            _("This session has not started yet: record it once it has taken place."),
            code="future_session",
        )
    repair.addressed_session = session
    repair.addressed_at, repair.addressed_by = timezone.now(), by
    repair.save(update_fields=["addressed_session", "addressed_at", "addressed_by"])
    _repair_audit("repair_addressed", repair, by, session=str(session.uuid))
    return repair


@transaction.atomic
def close_repair(*, repair: Repair, reason: str, by: User) -> Repair:
    """The therapist closes the repair themselves (for example, a false alarm), with a reason."""
    _require_open(repair)
    reason = reason.strip()
    if not reason:
        raise ActionRefused(
            _("Say in a few words why you close this repair, then close it again."),
            code="reason_missing",
        )
    repair.resolution, repair.close_reason = Resolution.CLOSED, reason
    repair.resolved_at, repair.resolved_by = timezone.now(), by
    repair.save(update_fields=["resolution", "close_reason", "resolved_at", "resolved_by"])
    _repair_audit("repair_closed", repair, by)
    return repair


@transaction.atomic
def share_change(
    *, repair: Repair, you_said: str, we_changed: str, share: bool, by: User
) -> Repair:
    """Write "you said / we changed" and choose whether the patient sees it."""
    repair.you_said, repair.we_changed = you_said.strip(), we_changed.strip()
    if not repair.you_said or not repair.we_changed:
        raise ActionRefused(
            _("Write both what the patient said and what you changed, then save."),
            code="half_written",
        )
    if share:
        repair.shared_at, repair.shared_by = repair.shared_at or timezone.now(), by
    else:
        repair.shared_at, repair.shared_by = None, None
    repair.save(update_fields=["you_said", "we_changed", "shared_at", "shared_by"])
    _repair_audit("repair_shared" if share else "repair_unshared", repair, by)
    return repair


# --- Clinic settings ---------------------------------------------------------------


@transaction.atomic
def update_signal_settings(
    *, clinic: Clinic, values: Mapping[str, Any], by: User
) -> ClinicSignalSettings:
    """Store the clinic's thresholds (only those that differ from the defaults)."""
    overrides = jsonable_overrides(values)
    try:
        config_from(overrides)
    except InvalidOverridesError as problem:
        raise ActionRefused(
            _("One of the values is not allowed. Check the values marked below and save again."),
            code="invalid_settings",
        ) from problem
    settings = settings_of(clinic)
    settings.overrides = overrides
    settings.updated_at, settings.updated_by = timezone.now(), by
    settings.save(update_fields=["overrides", "updated_at", "updated_by"])
    _audit(
        "signal_settings_updated",
        by=by,
        target=None,
        clinic=clinic,
        data={"changed": sorted(overrides)},
    )
    return settings
