"""What the check-in actions share: audit, refusals, saving a step, safety alerts, signals."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import User
from alliance.audit.log import record
from alliance.care.models import Patient, Session
from alliance.checkins import flow
from alliance.checkins.models import Checkin, CheckinLink, LinkState, Response, SafetyAlert
from alliance.errors import ActionRefused

PATIENT_LINK = "patient_link"


def _audit(
    action: str,
    *,
    by: User | None,
    target: Any,
    patient: Patient,
    data: Mapping[str, Any] | None = None,
) -> None:
    via = {} if by is not None else {"via": PATIENT_LINK}
    record(
        f"checkins.{action}",
        by=by,
        target=target,
        clinic_id=patient.clinic.uuid,
        data={"patient": str(patient.uuid), **via, **(data or {})},
    )


def _require_open_episode(session: Session) -> None:
    if not session.episode.is_open:
        raise ActionRefused(
            _("This episode of care is closed, so it takes no more check-ins."),
            code="episode_closed",
        )


def _refuse_unusable(link: CheckinLink) -> None:
    messages = {
        LinkState.REVOKED: _(
            "This link was withdrawn by your therapist. Ask them for a new one if you need it."
        ),
        LinkState.EXPIRED: _("This link has expired. Ask your therapist for a new one."),
    }
    if link.state in messages:
        raise ActionRefused(messages[link.state], code=link.state)


@dataclass
class SaveResult:
    saved: list[str] = field(default_factory=list)
    errors: dict[str, str | Promise] = field(default_factory=dict)
    alerts: list[SafetyAlert] = field(default_factory=list)


def _upsert(checkin: Checkin, step: flow.Step, item_id: str, answer: float | str | None) -> None:
    lookup: dict[str, Any] = {
        "checkin": checkin,
        "instrument_id": step.instrument_id,
        "subject_uuid": step.subject_uuid,
        "item_id": item_id,
    }
    if answer is None:
        Response.objects.filter(**lookup).delete()
        return
    Response.objects.update_or_create(
        **lookup,
        defaults={
            "instrument_version": step.instrument.version,
            "value": answer if isinstance(answer, float) else None,
            "text": answer if isinstance(answer, str) else "",
            "answered_at": timezone.now(),
        },
    )


def _parse_step(step: flow.Step, raw: Mapping[str, str], result: SaveResult) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for item in step.items:
        value = raw.get(item.id)
        if value is None or (value == "" and item.response.is_numeric):
            continue
        try:
            parsed[item.id] = flow.parse_answer(item, value)
        except flow.InvalidAnswerError as problem:
            result.errors[item.id] = problem.message
    return parsed


def _raise_safety_alerts(checkin: Checkin, step: flow.Step) -> list[SafetyAlert]:
    if not step.instrument_id or not step.instrument.safety:
        return []
    saved = flow.step_answers(step, flow.answers_of(checkin))
    alerts = []
    for rule in step.instrument.safety:
        value = saved.get(rule.item)
        if isinstance(value, float) and value > rule.above:
            alerts.append(_raise_alert(checkin, step.instrument_id, rule.id, value))
    return alerts


def _raise_alert(checkin: Checkin, instrument_id: str, rule_id: str, value: float) -> SafetyAlert:
    alert, created = SafetyAlert.objects.get_or_create(
        checkin=checkin,
        instrument_id=instrument_id,
        rule_id=rule_id,
        defaults={"patient": checkin.patient, "value": value},
    )
    if created:
        _audit(
            "safety_alert_raised",
            by=None,
            target=alert,
            patient=checkin.patient,
            data={"instrument": instrument_id, "rule": rule_id},
        )
        from alliance.checkins.tasks import email_safety_alert

        alert_uuid = str(alert.uuid)
        transaction.on_commit(lambda: email_safety_alert.enqueue(alert_uuid))
    return alert


def _refresh_signals_after_commit(checkin: Checkin) -> None:
    """Update the patient's signals and repairs from the scores just stored.

    After the commit, and robustly: an error in the signal engine is logged
    and can never lose or block the answers that were just sent.
    """
    from alliance.monitoring.actions import refresh_patient_signals  # monitoring reads checkins

    transaction.on_commit(
        lambda: refresh_patient_signals(patient=checkin.patient, at_checkin=checkin), robust=True
    )
