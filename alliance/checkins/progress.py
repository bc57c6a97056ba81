"""What the patient's own space shows of their check-ins, in plain language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from alliance.care.models import Patient
from alliance.checkins.instrument_ids import PATIENT_INSTRUMENT
from alliance.checkins.models import CheckinScore, CheckinStatus, Respondent

PILLARS = (("goal", _("What we work on")), ("task", _("How we work")), ("bond", _("Between us")))


@dataclass(frozen=True)
class ProgressRow:
    session_date: datetime  # the session the check-in is about, not when it was sent
    goal: float | None
    task: float | None
    bond: float | None


def patient_progress(patient: Patient) -> dict[str, Any]:
    """The patient's own alliance ratings over time, and one sentence per pillar."""
    scores = list(
        CheckinScore.objects.filter(
            checkin__patient=patient,
            checkin__respondent=Respondent.PATIENT,
            checkin__status=CheckinStatus.SUBMITTED,
            subject_uuid__isnull=True,
            instrument_id=PATIENT_INSTRUMENT,
        )
        .select_related("checkin__session")
        .order_by("checkin__session__starts_at")
    )
    rows = [ProgressRow(s.checkin.session.starts_at, s.goal, s.task, s.bond) for s in scores]
    return {"rows": rows, "sentences": _sentences(rows)}


def _sentences(rows: list[ProgressRow]) -> list[str]:
    if len(rows) < 2:
        return []
    sentences = []
    for pillar, label in PILLARS:
        first, last = getattr(rows[0], pillar), getattr(rows[-1], pillar)
        if first is None or last is None:
            continue
        sentences.append(
            str(
                _("%(label)s: you first rated it %(first)s out of 10, and %(last)s last time.")
                % {"label": label, "first": f"{first:.0f}", "last": f"{last:.0f}"}
            )
        )
    return sentences


def you_said_we_changed(patient: Patient) -> list[dict[str, str]]:
    """After a repair the therapist chose to share: what the patient said, what changed.

    ``[{"you_said": ..., "we_changed": ...}]``, newest first, from the repair loop.
    """
    from alliance.monitoring.reading import changes_to_share  # monitoring reads checkins

    return changes_to_share(patient)
