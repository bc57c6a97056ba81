"""The instruments page: what each questionnaire is, and how reliable the check-in is here."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from alliance.accounts.access import requesting_user
from alliance.audit.log import record
from alliance.checkins.reliability import CHECKIN_INSTRUMENTS, clinic_reliability
from alliance.science.instruments import localize, shipped_instruments


@login_required
@require_GET
def instruments(request: HttpRequest) -> HttpResponse:
    """For every member of the clinic: figures are aggregates, never about one patient."""
    user = requesting_user(request)
    language = (get_language() or "en")[:2]
    reliability = [clinic_reliability(user.clinic, i, language) for i in CHECKIN_INSTRUMENTS]
    record(
        "checkins.reliability_read",
        by=user,
        clinic_id=user.clinic.uuid,
        data={"administrations": [r.administrations for r in reliability]},
    )
    shipped = [
        {"instrument": instrument, "title": localize(instrument.title, language)}
        for instrument in shipped_instruments()
    ]
    context = {"reliability": reliability, "shipped": shipped}
    return render(request, "checkins/instruments.html", context)
