"""What every care action shares: the audit record and the common refusals."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import User
from alliance.audit.log import record
from alliance.care.models import (
    Episode,
    Patient,
)
from alliance.errors import ActionRefused

PATIENT_LINK = "patient_link"


def audit(
    action: str,
    *,
    by: User | None,
    target: Any,
    patient: Patient,
    data: Mapping[str, Any] | None = None,
) -> None:
    """Record ``action`` on ``target``, always naming the patient by UUID."""
    record(
        f"care.{action}",
        by=by,
        target=target,
        clinic_id=patient.clinic.uuid,
        data={"patient": str(patient.uuid), **(data or {})},
    )


def require_open_episode(episode: Episode) -> None:
    if not episode.is_open:
        raise ActionRefused(
            _("This episode of care is closed. Open a new episode to continue the work."),
            code="episode_closed",
        )


def require_text(text: str, message: Any, code: str) -> str:
    text = text.strip()
    if not text:
        raise ActionRefused(message, code=code)
    return text
