"""The therapy frame and the goals: propose, agree, revise, achieve, drop, scale."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from alliance.accounts.access import requesting_user, therapist_required
from alliance.accounts.models import User
from alliance.care import access, actions
from alliance.care.forms import (
    FrameVersionForm,
    GoalForm,
    GoalScaleForm,
    NewGoalForm,
    ReasonForm,
    ReviseGoalForm,
)
from alliance.care.models import FrameVersion, Goal
from alliance.care.views.common import (
    flash_refusal,
    form_page,
    show_refusal,
    to_patient,
)
from alliance.errors import ActionRefused


@therapist_required
@require_http_methods(["GET", "POST"])
def new_frame_version(request: HttpRequest, episode_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    episode = access.episode_for(user, episode_uuid)
    # A new version starts from the current one: most changes touch one section.
    current = actions.current_frame(episode)
    initial = model_to_dict(current, fields=FrameVersion.SECTIONS) if current else {}
    form = FrameVersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.publish_frame_version(episode=episode, by=user, **form.cleaned_data)
        except ActionRefused as refusal:
            show_refusal(request, form, refusal)
        else:
            messages.success(
                request,
                _("The new version of the frame is saved. The patient will be asked to read it."),
            )
            return to_patient(episode.patient, "frame")
    return form_page(
        request,
        form=form,
        patient=episode.patient,
        title=_("New version of the therapy frame"),
        lead=_(
            "The patient reads the frame from their link and says they have read it. "
            "Each new version asks them again."
        ),
        submit=_("Save this version"),
    )


@therapist_required
@require_POST
def record_acknowledgement(request: HttpRequest, episode_uuid: uuid.UUID) -> HttpResponse:
    """The patient read the frame on paper in session: the therapist records it."""
    user = requesting_user(request)
    episode = access.episode_for(user, episode_uuid)
    frame = actions.current_frame(episode)
    if frame is None:
        flash_refusal(
            request,
            ActionRefused(_("There is no therapy frame to acknowledge yet. Write it first.")),
        )
        return to_patient(episode.patient, "frame")
    try:
        actions.acknowledge_frame(frame_version=frame, by=user)
    except ActionRefused as refusal:
        flash_refusal(request, refusal)
    else:
        messages.success(request, _("The acknowledgement is recorded."))
    return to_patient(episode.patient, "frame")


@therapist_required
@require_http_methods(["GET", "POST"])
def new_goal(request: HttpRequest, episode_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    episode = access.episode_for(user, episode_uuid)
    form = NewGoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.propose_goal(episode=episode, by=user, **form.cleaned_data)
        except ActionRefused as refusal:
            show_refusal(request, form, refusal)
        else:
            messages.success(request, _("The goal was added."))
            return to_patient(episode.patient, "goals")
    return form_page(
        request,
        form=form,
        patient=episode.patient,
        title=_("New goal"),
        lead=_("Write it side by side: as the patient says it, and as you understand it."),
        submit=_("Add the goal"),
    )


def _wordings(goal: Goal) -> dict[str, str]:
    return {"patient_wording": goal.patient_wording, "therapist_wording": goal.therapist_wording}


@therapist_required
@require_http_methods(["GET", "POST"])
def agree_goal(request: HttpRequest, goal_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    goal = access.goal_for(user, goal_uuid)
    form = GoalForm(request.POST or None, initial=_wordings(goal))
    if request.method == "POST" and form.is_valid():
        try:
            actions.agree_goal(goal=goal, by=user, **form.cleaned_data)
        except ActionRefused as refusal:
            show_refusal(request, form, refusal)
        else:
            messages.success(request, _("You agreed on this goal."))
            return to_patient(goal.episode.patient, "goals")
    return form_page(
        request,
        form=form,
        patient=goal.episode.patient,
        title=_("Agree on a goal"),
        lead=_("Adjust the wordings if you agreed on different words, then confirm."),
        submit=_("We agree on this goal"),
    )


@therapist_required
@require_http_methods(["GET", "POST"])
def revise_goal(request: HttpRequest, goal_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    goal = access.goal_for(user, goal_uuid)
    form = ReviseGoalForm(request.POST or None, initial=_wordings(goal))
    if request.method == "POST" and form.is_valid():
        try:
            actions.revise_goal(goal=goal, by=user, **form.cleaned_data)
        except ActionRefused as refusal:
            show_refusal(request, form, refusal)
        else:
            messages.success(request, _("The goal was revised; its history keeps the reason."))
            return to_patient(goal.episode.patient, "goals")
    return form_page(
        request, form=form, patient=goal.episode.patient, title=_("Revise a goal"), submit=_("Save")
    )


@therapist_required
@require_POST
def achieve_goal(request: HttpRequest, goal_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    goal = access.goal_for(user, goal_uuid)
    try:
        actions.achieve_goal(goal=goal, by=user)
    except ActionRefused as refusal:
        flash_refusal(request, refusal)
    else:
        messages.success(request, _("The goal is marked achieved."))
    return to_patient(goal.episode.patient, "goals")


def _reason_page(
    request: HttpRequest,
    *,
    patient: Any,
    act: Callable[[str], None],
    title: Any,
    submit: Any,
    done: Any,
    anchor: str,
) -> HttpResponse:
    """A page that asks for a reason, then acts with it."""
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data["reason"])
        except ActionRefused as refusal:
            show_refusal(request, form, refusal)
        else:
            messages.success(request, done)
            return to_patient(patient, anchor)
    return form_page(request, form=form, patient=patient, title=title, submit=submit)


@therapist_required
@require_http_methods(["GET", "POST"])
def drop_goal(request: HttpRequest, goal_uuid: uuid.UUID) -> HttpResponse:
    user: User = requesting_user(request)
    goal = access.goal_for(user, goal_uuid)
    return _reason_page(
        request,
        patient=goal.episode.patient,
        act=lambda reason: actions.drop_goal(goal=goal, reason=reason, by=user),
        title=_("Drop a goal"),
        submit=_("Drop the goal"),
        done=_("The goal was dropped; its history keeps the reason."),
        anchor="goals",
    )


@therapist_required
@require_http_methods(["GET", "POST"])
def goal_scale(request: HttpRequest, goal_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    goal = access.goal_for(user, goal_uuid)
    form = GoalScaleForm.for_goal(goal, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_goal_scale(
                goal=goal,
                weight=form.cleaned_data["weight"],
                descriptions=form.descriptions(),
                attained=form.cleaned_data["attained"],
                by=user,
            )
        except ActionRefused as refusal:
            show_refusal(request, form, refusal)
        else:
            messages.success(request, _("The attainment scale was saved."))
            return to_patient(goal.episode.patient, "goals")
    return form_page(
        request,
        form=form,
        patient=goal.episode.patient,
        title=_("Goal Attainment Scaling"),
        lead=_(
            "Optional. Describe what each level would look like, from −2 to +2, "
            "with 0 the expected outcome (Kiresuk and Sherman, 1968)."
        ),
        submit=_("Save the scale"),
    )
