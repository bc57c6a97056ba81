"""The patient's pages, reached with the token of their link: no account.

Every page starts from the link (see :func:`common.patient_page`): a link
only ever shows its own patient. Each answer is saved as it is given (htmx
``hx-post`` on change) and again by the plain "Next" button, which works
without JavaScript.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.care.models import FrameVersion, Goal, GoalStatus, TaskStatus
from alliance.checkins import access, actions, crisis, durations, flow, progress
from alliance.checkins.models import Checkin, CheckinLink, SafetyAlert, kiosk_idle_timeout
from alliance.checkins.views.common import KIOSK_POLL_SECONDS, patient_page
from alliance.errors import ActionRefused
from alliance.science.instruments import Item, ResponseType, localize


def _step_url(token: str, key: str) -> str:
    return reverse("checkins:step", kwargs={"token": token, "step": key})


def _options(item: Item, language: str) -> list[tuple[str, str]]:
    if item.options:
        return [(f"{o.value:g}", localize(o.label, language)) for o in item.options]
    if item.response is ResponseType.YES_NO:
        return [("1", str(_("Yes"))), ("0", str(_("No")))]
    return [(str(value), str(value)) for value in range(11)]


def _anchors(item: Item, language: str) -> tuple[str, str]:
    if item.response is not ResponseType.SCALE_0_10 or not item.anchors:
        return "", ""
    labels = {a.value: localize(a.label, language) for a in item.anchors}
    return labels.get(0.0, ""), labels.get(10.0, "")


def _field(
    item: Item, saved: Mapping[str, float | str], errors: Mapping[str, Any], language: str
) -> dict[str, Any]:
    current = saved.get(item.id)
    current_str = (
        current if isinstance(current, str) else f"{current:g}" if current is not None else ""
    )
    low, high = _anchors(item, language)
    return {
        "id": item.id,
        "text": localize(item.text, language),
        "free_text": item.response is ResponseType.FREE_TEXT,
        "scale": item.response is ResponseType.SCALE_0_10,
        "options": [(v, label, v == current_str) for v, label in _options(item, language)],
        "current": current_str,
        "low": low,
        "high": high,
        "conditional": item.enable_when is not None,
        "error": errors.get(item.id, ""),
        "max_length": flow.FREE_TEXT_MAX_LENGTH,
    }


def _step_heading(step: flow.Step, language: str) -> tuple[str, str]:
    """The step's title and the words of the goal or task it is about."""
    if step.goal is not None:
        return str(_("One of your goals")), step.goal.patient_wording or step.goal.therapist_wording
    if step.task is not None:
        return str(_("Something we do together")), step.task.title
    titles = {
        "goals": _("What we work on"),
        "tasks": _("How we work"),
        "bond": _("Between us"),
        "rupture": _("A moment of tension?"),
        "voice": _("Your voice"),
        "send": _("Ready to send"),
    }
    if step.key in titles:
        return str(titles[step.key]), ""
    return localize(step.instrument.title, language), localize(
        step.instrument.instructions, language
    )


def _open_alerts(checkin: Checkin) -> bool:
    return SafetyAlert.objects.filter(checkin=checkin).exists()


def _step_context(
    link: CheckinLink,
    token: str,
    checkin: Checkin,
    step: flow.Step,
    steps: list[flow.Step],
    errors: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    language = translation.get_language() or "en"
    saved = flow.step_answers(step, flow.answers_of(checkin)) if step.instrument_id else {}
    title, subject = _step_heading(step, language)
    previous = flow.previous_step(steps, step)
    return {
        "link": link,
        "token": token,
        "step": step,
        "title": title,
        "subject": subject,
        "fields": [_field(item, saved, errors or {}, language) for item in step.items]
        if step.instrument_id
        else [],
        "number": steps.index(step) + 1,
        "count": len(steps),
        "previous_url": _step_url(token, previous.key) if previous else "",
        "autosave_url": reverse("checkins:autosave", kwargs={"token": token, "step": step.key}),
        "kiosk_poll_url": reverse("checkins:kiosk_poll") + "?from=checkin" if link.is_kiosk else "",
        "kiosk_poll_seconds": KIOSK_POLL_SECONDS,
        "kiosk_idle": _kiosk_idle(token) if link.is_kiosk else None,
        "crisis": crisis.resources_for(link.patient.country) if _open_alerts(checkin) else (),
    }


def _kiosk_idle(token: str) -> dict[str, Any]:
    """What the tablet's page needs to go back to the welcome screen when left idle."""
    timeout = kiosk_idle_timeout()
    return {
        "seconds": round(timeout.total_seconds()),
        "warning_seconds": round(durations.warning_lead(timeout).total_seconds()),
        "still_here_url": reverse("checkins:kiosk_still_here", kwargs={"token": token}),
        # Through the tablet's poll: it closes the idle check-in, then shows the welcome
        # screen (or a check-in the therapist has just sent).
        "leave_url": reverse("checkins:kiosk_poll"),
    }


def _resume_target(checkin: Checkin, steps: list[flow.Step]) -> flow.Step:
    return flow.find_step(steps, checkin.last_step) or actions.first_unanswered(checkin, steps)


@require_GET
@patient_page
def start(request: HttpRequest, link: CheckinLink, token: str) -> HttpResponseBase:
    """The link from the email: resume where the patient stopped, or start."""
    existing = access.patient_checkin(link)
    if existing is not None and existing.is_submitted:
        return redirect("checkins:thanks", token=token)
    try:
        checkin = actions.start_checkin(link=link)
    except ActionRefused as refusal:
        return render(
            request, "checkins/patient/link_problem.html", {"message": refusal.message}, status=410
        )
    steps = flow.steps_for(checkin)
    return redirect(_step_url(token, _resume_target(checkin, steps).key))


def _checkin_and_step(
    link: CheckinLink, key: str
) -> tuple[Checkin, list[flow.Step], flow.Step | None]:
    checkin = actions.start_checkin(link=link)
    steps = flow.steps_for(checkin)
    return checkin, steps, flow.find_step(steps, key)


@require_http_methods(["GET", "POST"])
@patient_page
def step(request: HttpRequest, link: CheckinLink, token: str, step: str) -> HttpResponseBase:
    checkin, steps, current = _checkin_and_step(link, step)
    if checkin.is_submitted:
        return redirect("checkins:thanks", token=token)
    if current is None:  # a goal or task no longer current, or a made-up key
        return redirect(_step_url(token, _resume_target(checkin, steps).key))
    if request.method == "POST":
        return _post_step(request, link, token, checkin, steps, current)
    actions.record_patient_view(link=link, page="step")
    return render(
        request, "checkins/patient/step.html", _step_context(link, token, checkin, current, steps)
    )


def _post_step(
    request: HttpRequest,
    link: CheckinLink,
    token: str,
    checkin: Checkin,
    steps: list[flow.Step],
    current: flow.Step,
) -> HttpResponseBase:
    if current.key == flow.SEND:
        return _submit(request, link, token, checkin)
    going_back = request.POST.get("direction") == "back"
    try:
        result = actions.save_answers(
            checkin=checkin, step=current, answers=request.POST, link=link
        )
    except ActionRefused as refusal:
        messages.error(request, str(refusal.message))
        return redirect("checkins:start", token=token)
    saved = flow.step_answers(current, flow.answers_of(checkin))
    missing = flow.missing_in(current, saved)
    if not going_back and (result.errors or missing):
        errors: dict[str, Any] = {m: _("Choose an answer to continue.") for m in missing}
        errors.update(result.errors)
        context = _step_context(link, token, checkin, current, steps, errors)
        context["form_error"] = _(
            "Some answers are missing or not valid. They are marked below; "
            "your other answers are saved."
        )
        return render(request, "checkins/patient/step.html", context, status=400)
    target = flow.previous_step(steps, current) if going_back else flow.next_step(steps, current)
    target = target or current
    actions.move_to(checkin=checkin, step_key=target.key)
    return redirect(_step_url(token, target.key))


def _submit(
    request: HttpRequest, link: CheckinLink, token: str, checkin: Checkin
) -> HttpResponseBase:
    try:
        actions.submit_checkin(checkin=checkin, link=link)
    except ActionRefused as refusal:
        messages.error(request, str(refusal.message))
        if refusal.code.startswith("missing:"):
            return redirect(_step_url(token, refusal.code.removeprefix("missing:")))
        return redirect("checkins:start", token=token)
    if link.is_kiosk:
        # The thanks come in the patient's language; nothing else of them goes along.
        language = translation.get_language() or link.patient.preferred_language
        return redirect(reverse("checkins:kiosk_done") + f"?language={language}")
    return redirect("checkins:thanks", token=token)


@require_POST
@patient_page
def autosave(request: HttpRequest, link: CheckinLink, token: str, step: str) -> HttpResponseBase:
    """Save the answers of one step as they change (htmx); answers with a status line."""
    checkin, _steps, current = _checkin_and_step(link, step)
    if current is None:
        return HttpResponse(status=404)
    if not request.headers.get("HX-Request"):
        return redirect(_step_url(token, current.key))
    context: dict[str, Any] = {"crisis": ()}
    try:
        result = actions.save_answers(
            checkin=checkin, step=current, answers=request.POST, link=link
        )
    except ActionRefused as refusal:
        context["refusal"] = refusal.message
    else:
        context["errors"] = list(result.errors.values())
        if result.alerts:
            context["crisis"] = crisis.resources_for(link.patient.country)
    return render(request, "checkins/patient/save_status.htmx.html", context)


@require_POST
@patient_page
def still_here(request: HttpRequest, link: CheckinLink, token: str) -> HttpResponseBase:
    """The patient is still at the tablet ("Continue", or a tap): the check-in stays open.

    A check-in already closed for inactivity never gets here: the decorator
    sends the tablet to its welcome screen.
    """
    if not link.is_kiosk:
        return HttpResponse(status=404)
    actions.note_kiosk_activity(link=link)
    return HttpResponse(status=204)


@require_GET
@patient_page
def thanks(request: HttpRequest, link: CheckinLink, token: str) -> HttpResponseBase:
    checkin = access.patient_checkin(link)
    if checkin is None or not checkin.is_submitted:
        return redirect("checkins:start", token=token)
    actions.record_patient_view(link=link, page="thanks")
    context = {
        "token": token,
        "link": link,
        "crisis": crisis.resources_for(link.patient.country) if _open_alerts(checkin) else (),
        "crisis_sent": True,
        "changes": progress.you_said_we_changed(link.patient),
    }
    return render(request, "checkins/patient/thanks.html", context)


# --- The patient's own space ----------------------------------------------------


@require_GET
@patient_page
def space(request: HttpRequest, link: CheckinLink, token: str) -> HttpResponseBase:
    """Their goals, tasks, the frame, and their progress, in plain language."""
    if link.is_kiosk:  # a shared tablet shows the check-in only
        return redirect("checkins:start", token=token)
    actions.record_patient_view(link=link, page="space")
    episode = link.session.episode
    goals = list(access.goals_of(link).prefetch_related("tasks"))
    frame = episode.frame_versions.select_related("acknowledgement").order_by("-number").first()
    objected = access.pending_objections_of(link)
    context = {
        "token": token,
        "link": link,
        "agreed_goals": [g for g in goals if g.status == GoalStatus.AGREED],
        "proposed_goals": [g for g in goals if g.status == GoalStatus.PROPOSED],
        "achieved_goals": [g for g in goals if g.status == GoalStatus.ACHIEVED],
        "tasks": [
            (t, objected.get(t.pk))
            for g in goals
            for t in g.tasks.all()
            if t.status == TaskStatus.OPEN
        ],
        "frame": frame,
        "frame_acknowledged": frame is not None and hasattr(frame, "acknowledgement"),
        "progress": progress.patient_progress(link.patient),
        "changes": progress.you_said_we_changed(link.patient),
    }
    return render(request, "checkins/patient/space.html", context)


def _to_space(token: str, anchor: str) -> HttpResponseBase:
    return redirect(reverse("checkins:space", kwargs={"token": token}) + f"#{anchor}")


@require_POST
@patient_page
def propose_goal(request: HttpRequest, link: CheckinLink, token: str) -> HttpResponseBase:
    try:
        actions.propose_goal(link=link, wording=request.POST.get("wording", ""))
    except ActionRefused as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(
            request, _("Thank you. Your therapist will see your proposal before your next session.")
        )
    return _to_space(token, "goals")


@require_POST
@patient_page
def acknowledge_frame(request: HttpRequest, link: CheckinLink, token: str) -> HttpResponseBase:
    frame_uuid = _uuid(request.POST.get("frame", ""))
    frame = (
        FrameVersion.objects.filter(episode_id=link.session.episode_id, uuid=frame_uuid).first()
        if frame_uuid
        else None
    )
    if frame is None:
        messages.error(
            request,
            _("This version of the frame could not be found. Reload the page and try again."),
        )
        return _to_space(token, "frame")
    try:
        actions.acknowledge_frame(link=link, frame_version=frame)
    except ActionRefused as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(
            request, _("Thank you. Your therapist will see that you have read the frame.")
        )
    return _to_space(token, "frame")


@require_http_methods(["GET", "POST"])
@patient_page
def object_to_task(
    request: HttpRequest, link: CheckinLink, token: str, task_uuid: uuid.UUID
) -> HttpResponseBase:
    task = access.task_of(link, task_uuid)
    error: Any = ""
    if task.pk in access.pending_objections_of(link):
        messages.info(
            request,
            _(
                "You have already said that this task does not fit you. Your therapist "
                "will talk about it with you."
            ),
        )
        return _to_space(token, "tasks")
    if request.method == "POST":
        try:
            actions.object_to_task(link=link, task=task, reason=request.POST.get("reason", ""))
        except ActionRefused as refusal:
            error = refusal.message
        else:
            messages.success(request, _("Thank you. Your therapist will talk about it with you."))
            return _to_space(token, "tasks")
    else:
        actions.record_patient_view(link=link, page="task_objection")
    context = {
        "token": token,
        "task": task,
        "error": error,
        "reason": request.POST.get("reason", ""),
    }
    return render(
        request, "checkins/patient/task_objection.html", context, status=400 if error else 200
    )


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def goal_wording(goal: Goal) -> str:
    return goal.patient_wording or goal.therapist_wording
