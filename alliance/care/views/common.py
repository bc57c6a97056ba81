"""What every care view shares: who may use it, and how forms and refusals are shown."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render

from alliance.care.models import Patient
from alliance.errors import ActionRefused


def to_patient(patient: Patient, anchor: str = "") -> HttpResponseRedirect:
    response = redirect("care:patient_detail", patient_uuid=patient.uuid)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def form_page(
    request: HttpRequest,
    *,
    form: BaseForm,
    patient: Patient,
    title: Any,
    submit: Any,
    lead: Any = "",
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    """One calm page holding one form, with a way back to the patient."""
    context = {
        "form": form,
        "patient": patient,
        "title": title,
        "submit": submit,
        "lead": lead,
        **extra,
    }
    return render(request, "care/form_page.html", context, status=status)


def show_refusal(request: HttpRequest, form: BaseForm, refusal: ActionRefused) -> None:
    """The action changed nothing: say why above the form."""
    form.add_error(None, str(refusal.message))


def flash_refusal(request: HttpRequest, refusal: ActionRefused) -> None:
    messages.error(request, str(refusal.message))
