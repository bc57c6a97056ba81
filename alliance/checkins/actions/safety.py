"""Safety alerts after they are raised: acknowledged by the therapist, emailed."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.log import record
from alliance.checkins.actions._common import _audit
from alliance.checkins.models import SafetyAlert

# --- Safety alerts ----------------------------------------------------------------


@transaction.atomic
def acknowledge_alert(*, alert: SafetyAlert, by: User) -> None:
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = timezone.now(), by
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        _audit("safety_alert_acknowledged", by=by, target=alert, patient=alert.patient)


@transaction.atomic
def mark_alert_emailed(*, alert: SafetyAlert) -> None:
    alert.email_sent_at = timezone.now()
    alert.save(update_fields=["email_sent_at"])
    record(
        "checkins.safety_alert_emailed",
        by=None,
        target=alert,
        clinic_id=alert.patient.clinic.uuid,
        data={"patient": str(alert.patient.uuid), "via": "mailer"},
    )
