"""An administrator hands a departing therapist's patients over to a colleague.

The page shows a count and the clinic's therapists, never a patient: the
administrator manages people, not clinical records (docs/decisions/0010).
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from alliance.accounts.access import colleague_for, requesting_user, role_required
from alliance.accounts.models import Role
from alliance.care import actions
from alliance.care.forms import TransferForm
from alliance.care.handover import count_patients_led, successors_for
from alliance.care.views.common import show_refusal
from alliance.errors import ActionRefused


@role_required(Role.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def transfer_patients(request: HttpRequest, member_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    departing = colleague_for(user, member_uuid)
    form = TransferForm(request.POST or None, colleagues=successors_for(departing))
    if request.method == "POST" and form.is_valid():
        successor = form.cleaned_data["colleague"]
        try:
            moved = actions.transfer_lead_patients(
                departing=departing, successor=successor, by=user
            )
        except ActionRefused as refusal:
            show_refusal(request, form, refusal)
        else:
            _say_what_moved(request, moved, successor.full_name)
            return redirect("accounts:clinic_member", member_uuid=departing.uuid)
    context = {"form": form, "departing": departing, "count": count_patients_led(departing)}
    return render(request, "care/transfer_patients.html", context)


def _say_what_moved(request: HttpRequest, moved: int, successor: str) -> None:
    if moved:
        messages.success(
            request,
            ngettext(
                "%(name)s is now the lead therapist of %(count)s patient.",
                "%(name)s is now the lead therapist of %(count)s patients.",
                moved,
            )
            % {"name": successor, "count": moved},
        )
    else:
        # A second submission of the same form, or someone else was quicker.
        messages.info(request, _("There were no patients left to transfer: nothing was changed."))
