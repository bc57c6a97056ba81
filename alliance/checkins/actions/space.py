"""What patients do from their own space: page views, goal proposals, the frame, objections."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.care import actions as care_actions
from alliance.care.models import FrameVersion, Goal, Task
from alliance.checkins.actions._common import _audit, _refuse_unusable, _require_open_episode
from alliance.checkins.actions.kiosk import note_kiosk_activity
from alliance.checkins.models import CheckinLink, TaskObjection
from alliance.errors import ActionRefused

# --- From the patient's own space ----------------------------------------------


@transaction.atomic
def record_patient_view(*, link: CheckinLink, page: str) -> None:
    """A patient opened a page of their own data through their link: audited like any read."""
    link.last_opened_at = timezone.now()
    link.save(update_fields=["last_opened_at"])
    note_kiosk_activity(link=link, now=link.last_opened_at)  # a page opened on the tablet
    _audit("patient_page_viewed", by=None, target=link, patient=link.patient, data={"page": page})


@transaction.atomic
def propose_goal(*, link: CheckinLink, wording: str) -> Goal:
    _refuse_unusable(link)
    return care_actions.propose_goal_as_patient(
        episode=link.session.episode, patient_wording=wording, access_link_uuid=link.uuid
    )


@transaction.atomic
def acknowledge_frame(*, link: CheckinLink, frame_version: FrameVersion) -> None:
    _refuse_unusable(link)
    care_actions.acknowledge_frame(frame_version=frame_version, access_link_uuid=link.uuid)


@transaction.atomic
def object_to_task(*, link: CheckinLink, task: Task, reason: str) -> TaskObjection:
    """The patient says a task does not fit them, with a reason (required)."""
    _refuse_unusable(link)
    _require_open_episode(link.session)
    reason = reason.strip()
    if not reason:
        raise ActionRefused(
            _("Say in a few words why this task does not fit you, then send it."),
            code="no_reason",
        )
    if len(reason) > 2000:
        raise ActionRefused(
            _("Your text is too long. Shorten it to %(limit)s characters or fewer.")
            % {"limit": 2000},
            code="too_long",
        )
    # Locked, so that two quick sends record one objection.
    Task.objects.select_for_update().filter(pk=task.pk).first()
    if TaskObjection.objects.filter(task=task, seen_at__isnull=True).exists():
        raise ActionRefused(
            _(
                "You have already said that this task does not fit you. Your therapist "
                "will talk about it with you."
            ),
            code="already_objected",
        )
    objection = TaskObjection.objects.create(task=task, link=link, reason=reason)
    _audit("task_objection", by=None, target=task, patient=link.patient)
    return objection
