"""Who may see which signal and repair: the patient's care team, nobody else.

Repairs are found through the care team of their patient, like every other
piece of patient data (``alliance.care.access``); anything else is a 404, and
the read is written to the audit trail.
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.http import Http404

from alliance.accounts.models import User
from alliance.audit.log import record
from alliance.care.access import patient_for, patients_for, within_care_team
from alliance.monitoring.models import Repair

__all__ = ["patient_for", "patients_for", "repair_for"]


@transaction.atomic
def repair_for(user: User, repair_uuid: uuid.UUID) -> Repair:
    repair = (
        within_care_team(Repair.objects.filter(uuid=repair_uuid), user)
        .select_related("patient__clinic", "session", "addressed_session")
        .first()
    )
    if repair is None:
        raise Http404
    record(
        "care.patient_read",
        by=user,
        target=repair.patient,
        clinic_id=user.clinic.uuid,
        data={"what": "repair", "object": str(repair.uuid)},
    )
    return repair
