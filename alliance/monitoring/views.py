"""Caseload, brief, timeline, the repair loop, supervision and the clinic's thresholds.

Views parse, authorise (role, then the care team through the access helpers),
call an action or a reading function, and render.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.accounts.access import requesting_user, role_required, therapist_required
from alliance.accounts.models import Role
from alliance.errors import ActionRefused
from alliance.monitoring import access, actions, charts, reading, supervision
from alliance.monitoring.config import safe_config_from
from alliance.monitoring.forms import (
    AddressedForm,
    CloseForm,
    PlanForm,
    ShareForm,
    SignalSettingsForm,
)
from alliance.monitoring.models import Repair, Strategy
from alliance.monitoring.rows import rows_html
from alliance.monitoring.trajectories import settings_of
from alliance.monitoring.words import PILLAR_NAMES, RULE_TITLES, SUGGESTED_STRATEGY, scale_source
from alliance.web.htmx import HtmxHttpRequest

administrator_required = role_required(Role.ADMINISTRATOR)


def _supervision_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Supervisors and clinic administrators; 403 for anyone else."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = requesting_user(request)
        if not (user.has_role(Role.SUPERVISOR) or user.has_role(Role.ADMINISTRATOR)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


# --- Caseload, brief, timeline -----------------------------------------------------


@therapist_required
@require_GET
def caseload(request: HtmxHttpRequest) -> HttpResponse:
    rows = reading.caseload(requesting_user(request))
    context = {
        "rows": rows,
        "rows_html": rows_html(rows),
        "attention": sum(1 for row in rows if row.needs_attention),
    }
    if request.htmx:
        return render(request, "monitoring/caseload_rows.htmx.html", context)
    return render(request, "monitoring/caseload.html", context)


@therapist_required
@require_GET
def brief(request: HttpRequest, patient_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    patient = access.patient_for(user, patient_uuid)
    context = {"brief": reading.brief(patient, user=user), "rule_titles": RULE_TITLES}
    return render(request, "monitoring/brief.html", context)


@therapist_required
@require_GET
def timeline(request: HttpRequest, patient_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    patient = access.patient_for(user, patient_uuid)
    return render(request, "monitoring/timeline.html", {"timeline": charts.timeline(patient)})


@therapist_required
@require_POST
def refresh(request: HttpRequest, patient_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    patient = access.patient_for(user, patient_uuid)
    actions.refresh_patient_signals(patient=patient, by=user)
    messages.success(request, _("The signals were computed again from every check-in."))
    return redirect("monitoring:brief", patient_uuid=patient.uuid)


# --- The repair loop ---------------------------------------------------------------


def _repair_page(
    request: HttpRequest, repair: Repair, status: int = 200, **forms: Any
) -> HttpResponse:
    rules = {signal.rule for signal in repair.signals.all()}
    suggested = next(
        (SUGGESTED_STRATEGY[r] for r in sorted(rules) if r in SUGGESTED_STRATEGY), None
    )
    initial_strategy = repair.strategy or (suggested or Strategy.METACOMMUNICATION)
    context = {
        "repair": repair,
        "signals": list(repair.signals.select_related("session").all()),
        "rule_titles": RULE_TITLES,
        "plan_form": forms.get("plan_form")
        or PlanForm(initial={"strategy": initial_strategy, "note": repair.note}),
        "addressed_form": forms.get("addressed_form") or AddressedForm(repair=repair),
        "close_form": forms.get("close_form") or CloseForm(),
        "share_form": forms.get("share_form")
        or ShareForm(
            initial={
                "you_said": repair.you_said or reading.words_at_rupture(repair),
                "we_changed": repair.we_changed,
                "share": repair.shared_at is not None,
            }
        ),
        "suggested": suggested,
    }
    return render(request, "monitoring/repair.html", context, status=status)


def _to_repair(repair: Repair) -> HttpResponseRedirect:
    return redirect("monitoring:repair", repair_uuid=repair.uuid)


@therapist_required
@require_GET
def repair_detail(request: HttpRequest, repair_uuid: uuid.UUID) -> HttpResponse:
    repair = access.repair_for(requesting_user(request), repair_uuid)
    return _repair_page(request, repair)


@therapist_required
@require_POST
def plan_repair(request: HttpRequest, repair_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    repair = access.repair_for(user, repair_uuid)
    form = PlanForm(request.POST)
    if not form.is_valid():
        return _repair_page(request, repair, status=400, plan_form=form)
    try:
        actions.plan_repair(
            repair=repair,
            strategy=Strategy(form.cleaned_data["strategy"]),
            note=form.cleaned_data["note"],
            by=user,
        )
    except ActionRefused as refusal:
        form.add_error(None, str(refusal.message))
        return _repair_page(request, repair, status=400, plan_form=form)
    messages.success(request, _("The repair is planned."))
    return _to_repair(repair)


@therapist_required
@require_POST
def record_addressed(request: HttpRequest, repair_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    repair = access.repair_for(user, repair_uuid)
    form = AddressedForm(request.POST, repair=repair)
    if not form.is_valid():
        return _repair_page(request, repair, status=400, addressed_form=form)
    try:
        actions.record_addressed(repair=repair, session=form.cleaned_data["session"], by=user)
    except ActionRefused as refusal:
        form.add_error(None, str(refusal.message))
        return _repair_page(request, repair, status=400, addressed_form=form)
    messages.success(
        request, _("Recorded. The patient's next check-in will tell whether it is repaired.")
    )
    return _to_repair(repair)


@therapist_required
@require_POST
def close_repair(request: HttpRequest, repair_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    repair = access.repair_for(user, repair_uuid)
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _repair_page(request, repair, status=400, close_form=form)
    try:
        actions.close_repair(repair=repair, reason=form.cleaned_data["reason"], by=user)
    except ActionRefused as refusal:
        form.add_error(None, str(refusal.message))
        return _repair_page(request, repair, status=400, close_form=form)
    messages.success(request, _("The repair is closed."))
    return _to_repair(repair)


@therapist_required
@require_POST
def share_change(request: HttpRequest, repair_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    repair = access.repair_for(user, repair_uuid)
    form = ShareForm(request.POST)
    if not form.is_valid():
        return _repair_page(request, repair, status=400, share_form=form)
    data = form.cleaned_data
    try:
        actions.share_change(
            repair=repair,
            you_said=data["you_said"],
            we_changed=data["we_changed"],
            share=data["share"],
            by=user,
        )
    except ActionRefused as refusal:
        form.add_error(None, str(refusal.message))
        return _repair_page(request, repair, status=400, share_form=form)
    if data["share"]:
        messages.success(request, _("The patient will see it in their next check-in."))
    else:
        messages.success(request, _("Saved. The patient does not see it."))
    return _to_repair(repair)


# --- Supervision and clinic settings -----------------------------------------------------


@_supervision_required
@require_GET
def clinic_overview(request: HttpRequest) -> HttpResponse:
    user = requesting_user(request)
    return render(request, "monitoring/clinic.html", {"overview": supervision.overview(user)})


def _scales_in_words(calibration: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The estimated scales with the pillar's name and the source in the active language."""
    scales = (calibration or {}).get("scales", {})
    return [
        {
            "pillar": PILLAR_NAMES.get(dimension, dimension),
            "reliability": scale.get("reliability"),
            "sd": scale.get("sd"),
            "source": scale_source(str(scale.get("source", ""))),
        }
        for dimension, scale in scales.items()
    ]


@administrator_required
@require_http_methods(["GET", "POST"])
def signal_settings(request: HttpRequest) -> HttpResponse:
    user = requesting_user(request)
    stored = settings_of(user.clinic)
    form = SignalSettingsForm(request.POST or None, overrides=stored.overrides)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_signal_settings(clinic=user.clinic, values=form.values(), by=user)
        except ActionRefused as refusal:
            form.add_error(None, str(refusal.message))
        else:
            messages.success(
                request,
                _(
                    "Saved. New check-ins use these values; past signals are computed again "
                    "the next time the patient's signals are refreshed."
                ),
            )
            return redirect("monitoring:settings")
    context = {
        "form": form,
        "settings": stored,
        "config": safe_config_from(stored.overrides),
        "scales": _scales_in_words(stored.calibration),
    }
    return render(request, "monitoring/settings.html", context, status=400 if form.errors else 200)
