"""The patients a member leads, for the administrator who hands them over.

Only counts and colleagues: an administrator transfers a caseload without
seeing a single patient (see docs/decisions/0010).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from alliance.accounts.handover import PendingHandover, handover_check
from alliance.accounts.models import Role, User
from alliance.care.models import CareTeamMember, CareTeamRole


def lead_memberships(member: User) -> QuerySet[CareTeamMember]:
    """The care-team rows that make ``member`` a lead therapist in their clinic."""
    return CareTeamMember.objects.filter(
        therapist=member, role=CareTeamRole.LEAD, patient__clinic_id=member.clinic_id
    )


def count_patients_led(member: User) -> int:
    return lead_memberships(member).count()


def successors_for(departing: User) -> QuerySet[User]:
    """Who may take over ``departing``'s patients: the clinic's other active therapists."""
    return User.objects.filter(
        clinic_id=departing.clinic_id, is_active=True, is_therapist=True
    ).exclude(pk=departing.pk)


def _message(member: User, count: int) -> str:
    values = {"name": member.full_name, "count": count}
    if member.is_active and member.has_role(Role.THERAPIST):
        return (
            ngettext(
                "%(name)s is the lead therapist of %(count)s patient. Before you deactivate "
                "this person or remove their therapist role, transfer this patient to a "
                "colleague: otherwise nobody else may be able to see or share them.",
                "%(name)s is the lead therapist of %(count)s patients. Before you deactivate "
                "this person or remove their therapist role, transfer these patients to a "
                "colleague: otherwise nobody else may be able to see or share them.",
                count,
            )
            % values
        )
    return (
        ngettext(
            "%(name)s can no longer work as a therapist but is still the lead therapist of "
            "%(count)s patient, whom nobody else may be able to see or share. Transfer this "
            "patient to a colleague.",
            "%(name)s can no longer work as a therapist but is still the lead therapist of "
            "%(count)s patients, whom nobody else may be able to see or share. Transfer these "
            "patients to a colleague.",
            count,
        )
        % values
    )


@handover_check
def patients_led(member: User) -> PendingHandover | None:
    count = count_patients_led(member)
    if not count:
        return None
    return PendingHandover(
        message=_message(member, count),
        link_url=reverse("care:transfer_patients", args=[member.uuid]),
        link_text=str(_("Transfer their patients to a colleague")),
    )
