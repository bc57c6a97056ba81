"""Goals: proposed by either side, agreed, revised with a reason, achieved or dropped.

Every change appends the goal's new state to its history (:class:`GoalEvent`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import User
from alliance.care.actions.common import PATIENT_LINK, audit, require_open_episode, require_text
from alliance.care.actions.tasks import end_task
from alliance.care.models import (
    Author,
    Episode,
    Goal,
    GoalEvent,
    GoalEventKind,
    GoalStatus,
    TaskStatus,
)
from alliance.errors import ActionRefused


def _wordings(patient_wording: str, therapist_wording: str) -> tuple[str, str]:
    patient_wording, therapist_wording = patient_wording.strip(), therapist_wording.strip()
    if not (patient_wording or therapist_wording):
        raise ActionRefused(
            _("Write the goal in the patient's words, in yours, or both."), code="no_wording"
        )
    return patient_wording, therapist_wording


def _log_goal(
    goal: Goal,
    kind: GoalEventKind,
    *,
    by: User | None,
    reason: str = "",
    access_link_uuid: uuid.UUID | None = None,
) -> GoalEvent:
    """Append the goal's new state to its history and to the audit trail."""
    event = GoalEvent.objects.create(
        goal=goal,
        kind=kind,
        author=Author.THERAPIST if by else Author.PATIENT,
        by=by,
        access_link_uuid=access_link_uuid,
        patient_wording=goal.patient_wording,
        therapist_wording=goal.therapist_wording,
        status=goal.status,
        reason=reason,
    )
    audit(
        f"goal_{kind}",
        by=by,
        target=goal,
        patient=goal.episode.patient,
        data={"status": goal.status, **({"via": PATIENT_LINK} if by is None else {})},
    )
    return event


@transaction.atomic
def propose_goal(
    *,
    episode: Episode,
    patient_wording: str,
    therapist_wording: str,
    agreed_in_session: bool = False,
    by: User,
) -> Goal:
    """The therapist writes a goal: a proposal, or already agreed with the patient."""
    require_open_episode(episode)
    patient_wording, therapist_wording = _wordings(patient_wording, therapist_wording)
    goal = Goal.objects.create(
        episode=episode,
        patient_wording=patient_wording,
        therapist_wording=therapist_wording,
        proposed_by=Author.THERAPIST,
    )
    _log_goal(goal, GoalEventKind.PROPOSED, by=by)
    if agreed_in_session:
        agree_goal(
            goal=goal, patient_wording=patient_wording, therapist_wording=therapist_wording, by=by
        )
    return goal


@transaction.atomic
def propose_goal_as_patient(
    *, episode: Episode, patient_wording: str, access_link_uuid: uuid.UUID | None = None
) -> Goal:
    """The patient proposes a goal in their own words, from their link."""
    require_open_episode(episode)
    patient_wording = require_text(
        patient_wording, _("Write your goal in a few words, then send it."), "no_wording"
    )
    goal = Goal.objects.create(
        episode=episode, patient_wording=patient_wording, proposed_by=Author.PATIENT
    )
    _log_goal(goal, GoalEventKind.PROPOSED, by=None, access_link_uuid=access_link_uuid)
    return goal


@transaction.atomic
def agree_goal(*, goal: Goal, patient_wording: str, therapist_wording: str, by: User) -> None:
    """Agree on a proposed goal, possibly with edited wordings."""
    require_open_episode(goal.episode)
    if goal.status != GoalStatus.PROPOSED:
        raise ActionRefused(
            _("Only a proposed goal can be agreed. Revise it instead."), code="not_proposed"
        )
    goal.patient_wording, goal.therapist_wording = _wordings(patient_wording, therapist_wording)
    goal.status, goal.agreed_at, goal.agreed_by = GoalStatus.AGREED, timezone.now(), by
    goal.save(
        update_fields=["patient_wording", "therapist_wording", "status", "agreed_at", "agreed_by"]
    )
    _log_goal(goal, GoalEventKind.AGREED, by=by)


@transaction.atomic
def revise_goal(
    *, goal: Goal, patient_wording: str, therapist_wording: str, reason: str, by: User
) -> None:
    """Change an agreed goal's wordings; the reason is kept in its history."""
    require_open_episode(goal.episode)
    if goal.status != GoalStatus.AGREED:
        raise ActionRefused(
            _("Only an agreed goal can be revised. Agree on it first."), code="not_agreed"
        )
    reason = require_text(
        reason, _("Say why the goal changes: the reason is kept in its history."), "no_reason"
    )
    patient_wording, therapist_wording = _wordings(patient_wording, therapist_wording)
    if (patient_wording, therapist_wording) == (goal.patient_wording, goal.therapist_wording):
        raise ActionRefused(
            _("The wordings are unchanged. Edit the goal, or cancel."), code="unchanged"
        )
    goal.patient_wording, goal.therapist_wording = patient_wording, therapist_wording
    goal.save(update_fields=["patient_wording", "therapist_wording"])
    _log_goal(goal, GoalEventKind.REVISED, by=by, reason=reason)


def _end_goal(goal: Goal, status: GoalStatus, *, reason: str, by: User) -> None:
    goal.status, goal.ended_at, goal.ended_by = status, timezone.now(), by
    goal.save(update_fields=["status", "ended_at", "ended_by"])
    kind = GoalEventKind.ACHIEVED if status == GoalStatus.ACHIEVED else GoalEventKind.DROPPED
    _log_goal(goal, kind, by=by, reason=reason)


@transaction.atomic
def achieve_goal(*, goal: Goal, by: User, reason: str = "") -> None:
    require_open_episode(goal.episode)
    if goal.status != GoalStatus.AGREED:
        raise ActionRefused(
            _("Only an agreed goal can be marked achieved. Agree on it first."),
            code="not_agreed",
        )
    _end_goal(goal, GoalStatus.ACHIEVED, reason=reason.strip(), by=by)


@transaction.atomic
def drop_goal(*, goal: Goal, reason: str, by: User) -> None:
    """Drop a proposed or agreed goal; its open tasks are dropped with it."""
    require_open_episode(goal.episode)
    if not goal.is_active:
        raise ActionRefused(
            _("This goal is already closed. Propose a new goal instead."), code="closed"
        )
    reason = require_text(
        reason, _("Say why the goal is dropped: the reason is kept in its history."), "no_reason"
    )
    _end_goal(goal, GoalStatus.DROPPED, reason=reason, by=by)
    for task in goal.tasks.filter(status=TaskStatus.OPEN):
        end_task(task, TaskStatus.DROPPED, reason="", by=by)


@transaction.atomic
def set_goal_scale(
    *,
    goal: Goal,
    weight: int | None,
    descriptions: Mapping[int, str],
    attained: int | None,
    by: User,
) -> None:
    """Set the optional Goal Attainment Scaling levels (−2…+2), weight and level reached."""
    require_open_episode(goal.episode)
    texts = {level: descriptions.get(level, "").strip() for level in (-2, -1, 0, 1, 2)}
    if weight is not None and not all(texts.values()):
        raise ActionRefused(
            _("Describe all five levels, from −2 to +2, before giving the goal a weight."),
            code="incomplete_scale",
        )
    if attained is not None and attained not in texts:
        raise ActionRefused(_("Choose a level between −2 and +2."), code="bad_level")
    goal.gas_weight, goal.gas_attained = weight, attained
    (
        goal.gas_much_less,
        goal.gas_less,
        goal.gas_expected,
        goal.gas_more,
        goal.gas_much_more,
    ) = texts.values()
    goal.save()
    _log_goal(goal, GoalEventKind.SCALE_CHANGED, by=by)
