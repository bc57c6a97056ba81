"""A de-identified export of a clinic's alliance check-ins, for research.

One row per patient, session and respondent, in the long format that
``alliance ruptures`` and a notebook read (``docs/signals.md``): ``patient``,
``session``, ``respondent``, ``goal``, ``task``, ``bond``, ``overall``,
``tension``, and ``therapist`` (the lead therapist, for multilevel models).

De-identified: patients and therapists get pseudonyms (``P001``, ``T01``)
drawn in a random order for each export, so they follow neither the
database's order nor any identifier; sessions are numbered 1, 2, … per patient
instead of dated; no free text, no name, no UUID. Every cell is a pseudonym,
a word of ours or a number, so no cell can start a spreadsheet formula. The
export is written to the audit trail with who made it.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from alliance.accounts.models import Clinic, User
from alliance.audit.log import record
from alliance.care.models import CareTeamMember, CareTeamRole
from alliance.checkins.instrument_ids import PATIENT_INSTRUMENT, THERAPIST_INSTRUMENT
from alliance.checkins.models import CheckinScore, CheckinStatus

HEADER = ("patient", "session", "respondent", "goal", "task", "bond", "overall", "tension")
COLUMNS = (*HEADER, "therapist")
RESPONDENT_OF = {PATIENT_INSTRUMENT: "patient", THERAPIST_INSTRUMENT: "therapist"}


def _pseudonyms(keys: Iterable[int], prefix: str, width: int) -> dict[int, str]:
    shuffled = sorted(set(keys))
    random.SystemRandom().shuffle(shuffled)
    return {key: f"{prefix}{number:0{width}d}" for number, key in enumerate(shuffled, 1)}


def _number(value: float | None) -> str:
    if value is None or math.isnan(value):
        return ""
    return f"{round(value, 6):.6f}".rstrip("0").rstrip(".")


@transaction.atomic
def export_checkins(*, clinic: Clinic, by: User) -> list[tuple[str, ...]]:
    """The clinic's submitted alliance check-ins, de-identified; the export is audited."""
    scores = list(
        CheckinScore.objects.filter(
            checkin__patient__clinic=clinic,
            checkin__status=CheckinStatus.SUBMITTED,
            subject_uuid__isnull=True,
            instrument_id__in=RESPONDENT_OF,
        )
        .order_by("checkin__patient_id", "checkin__session__starts_at", "checkin__session_id")
        .values_list(
            "checkin__patient_id",
            "checkin__session_id",
            "instrument_id",
            "goal",
            "task",
            "bond",
            "overall",
            "tension",
        )
    )
    leads = dict(
        CareTeamMember.objects.filter(patient__clinic=clinic, role=CareTeamRole.LEAD).values_list(
            "patient_id", "therapist_id"
        )
    )
    patients = _pseudonyms((row[0] for row in scores), "P", 3)
    therapists = _pseudonyms(leads.values(), "T", 2)
    session_numbers: dict[int, dict[int, int]] = defaultdict(dict)
    rows = []
    for patient, session, instrument, *values in scores:
        numbers = session_numbers[patient]
        numbers.setdefault(session, len(numbers) + 1)
        lead = leads.get(patient)
        rows.append(
            (
                patients[patient],
                str(numbers[session]),
                RESPONDENT_OF[instrument],
                *(_number(value) for value in values),
                therapists[lead] if lead is not None else "",
            )
        )
    rows.sort(key=lambda row: (row[0], int(row[1]), row[2]))  # not the database's order
    record(
        "research.checkins_exported",
        by=by,
        target=clinic,
        clinic_id=clinic.uuid,
        data={"rows": len(rows), "patients": len(patients)},
    )
    return rows
