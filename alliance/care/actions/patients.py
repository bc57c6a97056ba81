"""Patients, their care team and their episodes of care."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import Role, User
from alliance.care.actions.common import audit, require_open_episode, require_text
from alliance.care.handover import lead_memberships
from alliance.care.models import (
    Approach,
    CareTeamMember,
    CareTeamRole,
    Episode,
    Modality,
    Patient,
)
from alliance.errors import ActionRefused

# --- Patients and their care team ----------------------------------------------


@transaction.atomic
def create_patient(
    *,
    display_name: str,
    preferred_language: str,
    contact_email: str = "",
    country: str = "",
    started_on: date,
    approach: Approach,
    modality: Modality,
    by: User,
) -> Patient:
    """Create a patient with ``by`` as lead therapist, and their first episode."""
    if not by.has_role(Role.THERAPIST):
        raise ActionRefused(
            _("Only therapists can follow patients. Ask your clinic administrator for the role."),
            code="not_therapist",
        )
    patient = Patient.objects.create(
        clinic=by.clinic,
        display_name=require_text(
            display_name, _("Give the patient a display name or initials."), "no_name"
        ),
        preferred_language=preferred_language,
        contact_email=contact_email.strip().lower(),
        country=(country or by.clinic.country).upper(),
        created_by=by,
    )
    CareTeamMember.objects.create(
        patient=patient, therapist=by, role=CareTeamRole.LEAD, added_by=by
    )
    audit("patient_created", by=by, target=patient, patient=patient)
    open_episode(
        patient=patient, started_on=started_on, approach=approach, modality=modality, by=by
    )
    return patient


@transaction.atomic
def update_patient(
    *,
    patient: Patient,
    display_name: str,
    preferred_language: str,
    contact_email: str,
    country: str,
    by: User,
) -> None:
    values = {
        "display_name": require_text(
            display_name, _("Give the patient a display name or initials."), "no_name"
        ),
        "preferred_language": preferred_language,
        "contact_email": contact_email.strip().lower(),
        "country": country.upper(),
    }
    changed = [field for field, value in values.items() if getattr(patient, field) != value]
    for field in changed:
        setattr(patient, field, values[field])
    patient.save(update_fields=changed)
    # Field names only: the values are personal data.
    audit("patient_updated", by=by, target=patient, patient=patient, data={"fields": changed})


@transaction.atomic
def share_patient(*, patient: Patient, colleague: User, by: User) -> CareTeamMember:
    """Add a colleague of the same clinic to the patient's care team."""
    if colleague.clinic_id != patient.clinic_id or not colleague.is_active:
        raise ActionRefused(
            _("You can only share a patient with an active colleague of your clinic."),
            code="other_clinic",
        )
    if not colleague.has_role(Role.THERAPIST):
        raise ActionRefused(
            _("This colleague is not a therapist. Choose a therapist of your clinic."),
            code="not_therapist",
        )
    if patient.care_team.filter(therapist=colleague).exists():
        raise ActionRefused(
            _("This colleague already follows this patient. Choose another colleague."),
            code="already_shared",
        )
    member = CareTeamMember.objects.create(
        patient=patient, therapist=colleague, role=CareTeamRole.SHARED, added_by=by
    )
    audit(
        "patient_shared",
        by=by,
        target=patient,
        patient=patient,
        data={"colleague": str(colleague.uuid)},
    )
    return member


def _require_successor(*, departing: User, successor: User, by: User) -> None:
    if not by.has_role(Role.ADMINISTRATOR) or by.clinic_id != departing.clinic_id:
        raise ActionRefused(
            _("Only an administrator of the clinic can transfer a therapist's patients."),
            code="not_administrator",
        )
    if successor.pk == departing.pk:
        raise ActionRefused(
            _("Choose a colleague other than the therapist whose patients you transfer."),
            code="same_therapist",
        )
    if (
        successor.clinic_id != departing.clinic_id
        or not successor.is_active
        or not successor.has_role(Role.THERAPIST)
    ):
        raise ActionRefused(
            _("Patients can only be transferred to an active therapist of your clinic."),
            code="not_active_therapist",
        )


@transaction.atomic
def transfer_lead_patients(*, departing: User, successor: User, by: User) -> int:
    """Make ``successor`` the lead therapist of every patient ``departing`` leads.

    The departing therapist leaves those care teams; a successor who already
    shared a patient becomes its lead. Audited per patient (UUIDs only) and
    returns how many patients moved: a second submission finds none left and
    changes nothing. See docs/decisions/0010.
    """
    _require_successor(departing=departing, successor=successor, by=by)
    # Locked, so that two submissions at once move each patient once.
    leads = list(
        lead_memberships(departing)
        .select_for_update(of=("self",))
        .select_related("patient__clinic")
        .order_by("pk")
    )
    if not leads:
        return 0
    patients = [lead.patient for lead in leads]
    already_shared = {
        member.patient_id: member
        for member in CareTeamMember.objects.select_for_update().filter(
            therapist=successor, patient__in=patients
        )
    }
    CareTeamMember.objects.filter(pk__in=[lead.pk for lead in leads]).delete()
    for patient in patients:
        shared = already_shared.get(patient.pk)
        if shared is not None:
            shared.role = CareTeamRole.LEAD
            shared.save(update_fields=["role"])
        else:
            CareTeamMember.objects.create(
                patient=patient, therapist=successor, role=CareTeamRole.LEAD, added_by=by
            )
        audit(
            "lead_therapist_transferred",
            by=by,
            target=patient,
            patient=patient,
            data={
                "from": str(departing.uuid),
                "to": str(successor.uuid),
                "was_shared": shared is not None,
            },
        )
    return len(patients)


# --- Episodes ------------------------------------------------------------------


@transaction.atomic
def open_episode(
    *, patient: Patient, started_on: date, approach: Approach, modality: Modality, by: User
) -> Episode:
    if patient.episodes.filter(closed_at__isnull=True).exists():
        raise ActionRefused(
            _("This patient already has an open episode of care. Close it before opening another."),
            code="episode_open",
        )
    episode = Episode.objects.create(
        patient=patient, started_on=started_on, approach=approach, modality=modality, created_by=by
    )
    audit(
        "episode_opened",
        by=by,
        target=episode,
        patient=patient,
        data={"approach": approach, "modality": modality},
    )
    return episode


@transaction.atomic
def close_episode(*, episode: Episode, ended_on: date, by: User) -> None:
    require_open_episode(episode)
    if ended_on < episode.started_on:
        raise ActionRefused(
            _("The end date is before the start of the episode. Choose a later date."),
            code="ends_before_start",
        )
    if ended_on > timezone.localdate():
        raise ActionRefused(
            _("An episode cannot end in the future. Close it on the day of the last session."),
            code="ends_in_future",
        )
    episode.ended_on, episode.closed_at, episode.closed_by = ended_on, timezone.now(), by
    episode.save(update_fields=["ended_on", "closed_at", "closed_by"])
    audit("episode_closed", by=by, target=episode, patient=episode.patient)
