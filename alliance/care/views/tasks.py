"""Tasks: in-session exercises, discussions and homework, each serving a goal."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from alliance.accounts.access import requesting_user, therapist_required
from alliance.care import access, actions
from alliance.care.forms import ReasonForm, TaskForm
from alliance.care.models import TaskKind
from alliance.care.views.common import (
    flash_refusal,
    form_page,
    show_refusal,
    to_patient,
)
from alliance.errors import ActionRefused
from alliance.web.htmx import HtmxHttpRequest


def _task_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The task form's values, as the create and update actions take them."""
    return {
        "goal": data["goal"],
        "kind": TaskKind(data["kind"]),
        "title": data["title"],
        "description": data["description"],
        "due_on": data["due_on"],
    }


@therapist_required
@require_http_methods(["GET", "POST"])
def new_task(request: HttpRequest, episode_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    episode = access.episode_for(user, episode_uuid)
    goals = access.goals_open_for_tasks(episode)
    initial = {"goal": request.GET.get("goal")}
    form = TaskForm(request.POST or None, goals=goals, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.create_task(**_task_fields(data), by=user)
        except ActionRefused as refusal:
            show_refusal(request, form, refusal)
        else:
            messages.success(request, _("The task was added."))
            return to_patient(episode.patient, "goals")
    return form_page(
        request, form=form, patient=episode.patient, title=_("New task"), submit=_("Add the task")
    )


@therapist_required
@require_http_methods(["GET", "POST"])
def edit_task(request: HttpRequest, task_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    task = access.task_for(user, task_uuid)
    initial = {
        "goal": task.goal.uuid,
        "kind": task.kind,
        "title": task.title,
        "description": task.description,
        "due_on": task.due_on,
    }
    goals = access.goals_open_for_tasks(task.goal.episode)
    form = TaskForm(request.POST or None, goals=goals, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_task(task=task, **_task_fields(data), by=user)
        except ActionRefused as refusal:
            show_refusal(request, form, refusal)
        else:
            messages.success(request, _("The task was changed."))
            return to_patient(task.goal.episode.patient, "goals")
    return form_page(
        request,
        form=form,
        patient=task.goal.episode.patient,
        title=_("Change the task"),
        submit=_("Save"),
    )


@therapist_required
@require_POST
def complete_task(request: HtmxHttpRequest, task_uuid: uuid.UUID) -> HttpResponse:
    """htmx swaps the task in place; without htmx the patient page reloads."""
    user = requesting_user(request)
    task = access.task_for(user, task_uuid)
    refusal: ActionRefused | None = None
    try:
        actions.complete_task(task=task, by=user)
    except ActionRefused as error:
        refusal = error
    if request.htmx:
        return render(request, "care/task_item.htmx.html", {"task": task, "refusal": refusal})
    if refusal is not None:
        flash_refusal(request, refusal)
    else:
        messages.success(request, _("The task is marked done."))
    return to_patient(task.goal.episode.patient, "goals")


@therapist_required
@require_http_methods(["GET", "POST"])
def drop_task(request: HttpRequest, task_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    task = access.task_for(user, task_uuid)
    patient = task.goal.episode.patient
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.drop_task(task=task, reason=form.cleaned_data["reason"], by=user)
        except ActionRefused as refusal:
            show_refusal(request, form, refusal)
        else:
            messages.success(request, _("The task was dropped."))
            return to_patient(patient, "goals")
    return form_page(
        request,
        form=form,
        patient=patient,
        title=_("Drop a task"),
        lead=_("For instance because the patient said it does not fit them: write why."),
        submit=_("Drop the task"),
    )
