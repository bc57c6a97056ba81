"""Check-in factories on top of the care factories: rows written directly."""

from __future__ import annotations

from typing import Any

from alliance.accounts.models import User
from alliance.care.models import Session
from alliance.checkins.models import (
    Channel,
    Checkin,
    CheckinLink,
    EmailStatus,
    KioskDevice,
    MonitoringPlan,
    Respondent,
    hash_token,
    new_token,
)


def make_link(
    *, session: Session, token: str | None = None, **fields: Any
) -> tuple[CheckinLink, str]:
    token = token or new_token()
    fields.setdefault("channel", Channel.EMAIL)
    if fields["channel"] == Channel.EMAIL:
        fields.setdefault("email_status", EmailStatus.SENT)
        fields.setdefault("emailed_at", session.starts_at)
    link = CheckinLink.objects.create(
        patient=session.episode.patient,
        session=session,
        token_hash=hash_token(token),
        created_by=session.created_by,
        **fields,
    )
    return link, token


def make_checkin(*, session: Session, **fields: Any) -> Checkin:
    fields.setdefault("respondent", Respondent.PATIENT)
    return Checkin.objects.create(patient=session.episode.patient, session=session, **fields)


def make_plan(*, patient: Any, **fields: Any) -> MonitoringPlan:
    return MonitoringPlan.objects.create(patient=patient, **fields)


def make_kiosk(*, by: User, token: str | None = None, **fields: Any) -> tuple[KioskDevice, str]:
    token = token or new_token()
    fields.setdefault("name", "Waiting room")
    device = KioskDevice.objects.create(
        clinic=by.clinic, token_hash=hash_token(token), paired_by=by, **fields
    )
    return device, token
