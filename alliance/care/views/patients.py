"""My patients: the list, a new patient, the patient page, sharing, episodes."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from alliance.accounts.access import requesting_user, therapist_required
from alliance.accounts.models import User
from alliance.care import access, actions
from alliance.care.forms import (
    CloseEpisodeForm,
    EpisodeForm,
    NewPatientForm,
    PatientForm,
    ShareForm,
)
from alliance.care.models import Approach, Modality
from alliance.care.record import patient_record
from alliance.care.views.common import (
    form_page,
    show_refusal,
    to_patient,
)
from alliance.errors import ActionRefused
from alliance.web.htmx import HtmxHttpRequest


@therapist_required
@require_GET
def patient_list(request: HtmxHttpRequest) -> HttpResponse:
    search = request.GET.get("q", "")[:80]
    patients = access.list_patients(requesting_user(request), search=search)
    context = {"patients": patients, "search": search}
    if request.htmx and request.htmx.target == "patient-results":
        return render(request, "care/patient_list_results.htmx.html", context)
    return render(request, "care/patient_list.html", context)


@therapist_required
@require_http_methods(["GET", "POST"])
def create_patient(request: HttpRequest) -> HttpResponse:
    user = requesting_user(request)
    form = NewPatientForm(request.POST or None, default_country=user.clinic.country)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            patient = actions.create_patient(
                display_name=data["display_name"],
                preferred_language=data["preferred_language"],
                contact_email=data["contact_email"],
                country=data["country"],
                started_on=data["started_on"],
                approach=Approach(data["approach"]),
                modality=Modality(data["modality"]),
                by=user,
            )
        except ActionRefused as refusal:
            show_refusal(request, form, refusal)
        else:
            messages.success(request, _("The patient was added to your caseload."))
            return to_patient(patient)
    return render(request, "care/patient_new.html", {"form": form})


@therapist_required
@require_GET
def patient_detail(request: HttpRequest, patient_uuid: uuid.UUID) -> HttpResponse:
    patient = access.patient_for(requesting_user(request), patient_uuid)
    return render(request, "care/patient_detail.html", {"record": patient_record(patient)})


@therapist_required
@require_http_methods(["GET", "POST"])
def edit_patient(request: HttpRequest, patient_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    patient = access.patient_for(user, patient_uuid)
    # Initial values, not ``instance``: validating would change the patient
    # before the action could see what changed.
    initial = {name: getattr(patient, name) for name in PatientForm.Meta.fields}
    form = PatientForm(request.POST or None, initial=initial, default_country=user.clinic.country)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_patient(
                patient=patient,
                display_name=data["display_name"],
                preferred_language=data["preferred_language"],
                contact_email=data["contact_email"],
                country=data["country"],
                by=user,
            )
        except ActionRefused as refusal:
            show_refusal(request, form, refusal)
        else:
            messages.success(request, _("Changes saved."))
            return to_patient(patient)
    return form_page(request, form=form, patient=patient, title=_("Identity"), submit=_("Save"))


@therapist_required
@require_http_methods(["GET", "POST"])
def share_patient(request: HttpRequest, patient_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    patient = access.patient_for(user, patient_uuid)
    colleagues = User.objects.filter(clinic=user.clinic, is_active=True, is_therapist=True).exclude(
        care_teams__patient=patient
    )
    form = ShareForm(request.POST or None, colleagues=colleagues)
    if request.method == "POST" and form.is_valid():
        colleague = form.cleaned_data["colleague"]
        try:
            actions.share_patient(patient=patient, colleague=colleague, by=user)
        except ActionRefused as refusal:
            show_refusal(request, form, refusal)
        else:
            messages.success(
                request,
                _("%(name)s can now see and work with this patient's record.")
                % {"name": colleague.full_name},
            )
            return to_patient(patient)
    return form_page(
        request,
        form=form,
        patient=patient,
        title=_("Share with a colleague"),
        lead=_(
            "The colleague will see this patient's whole record and can work with it, as you do."
        ),
        submit=_("Share"),
    )


@therapist_required
@require_http_methods(["GET", "POST"])
def open_episode(request: HttpRequest, patient_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    patient = access.patient_for(user, patient_uuid)
    form = EpisodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.open_episode(
                patient=patient,
                started_on=form.cleaned_data["started_on"],
                approach=Approach(form.cleaned_data["approach"]),
                modality=Modality(form.cleaned_data["modality"]),
                by=user,
            )
        except ActionRefused as refusal:
            show_refusal(request, form, refusal)
        else:
            messages.success(request, _("A new episode of care is open."))
            return to_patient(patient)
    return form_page(
        request, form=form, patient=patient, title=_("New episode of care"), submit=_("Open")
    )


@therapist_required
@require_http_methods(["GET", "POST"])
def close_episode(request: HttpRequest, episode_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    episode = access.episode_for(user, episode_uuid)
    last = episode.sessions.order_by("-starts_at").values_list("starts_at", flat=True).first()
    form = CloseEpisodeForm(
        request.POST or None, initial={"ended_on": last.date() if last else None}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.close_episode(episode=episode, ended_on=form.cleaned_data["ended_on"], by=user)
        except ActionRefused as refusal:
            show_refusal(request, form, refusal)
        else:
            messages.success(request, _("The episode of care is closed."))
            return to_patient(episode.patient)
    return form_page(
        request,
        form=form,
        patient=episode.patient,
        title=_("Close the episode of care"),
        lead=_(
            "Goals, tasks and sessions stay in the record, read-only. "
            "You can open a new episode later."
        ),
        submit=_("Close the episode"),
    )
