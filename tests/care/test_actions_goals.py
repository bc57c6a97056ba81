from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.care import actions
from alliance.care.models import Author, Episode, Goal, GoalEventKind, GoalStatus, TaskStatus
from alliance.errors import ActionRefused
from tests.care.factories import make_goal, make_task

pytestmark = pytest.mark.django_db


def _kinds(goal: Goal) -> list[str]:
    return list(goal.history.values_list("kind", flat=True))


def test_therapist_proposes_a_goal(therapist: User, episode: Episode) -> None:
    goal = actions.propose_goal(
        episode=episode,
        patient_wording="Stop panicking on the metro",
        therapist_wording="Reduce avoidance of public transport",
        by=therapist,
    )
    assert goal.status == GoalStatus.PROPOSED
    assert goal.proposed_by == Author.THERAPIST
    assert _kinds(goal) == ["proposed"]
    event = AuditEvent.objects.get(action="care.goal_proposed")
    assert "metro" not in str(event.data)


def test_a_goal_agreed_in_session_is_agreed_at_once(therapist: User, episode: Episode) -> None:
    goal = actions.propose_goal(
        episode=episode,
        patient_wording="",
        therapist_wording="Rebuild a regular sleep pattern",
        agreed_in_session=True,
        by=therapist,
    )
    assert goal.status == GoalStatus.AGREED
    assert goal.agreed_by == therapist
    assert _kinds(goal) == ["proposed", "agreed"]


def test_a_goal_needs_a_wording(therapist: User, episode: Episode) -> None:
    with pytest.raises(ActionRefused) as refusal:
        actions.propose_goal(
            episode=episode, patient_wording=" ", therapist_wording="", by=therapist
        )
    assert refusal.value.code == "no_wording"
    assert not Goal.objects.exists()


def test_patient_proposes_a_goal_from_their_link(episode: Episode) -> None:
    link = uuid.uuid4()
    goal = actions.propose_goal_as_patient(
        episode=episode, patient_wording="  Dare to say no to my mother  ", access_link_uuid=link
    )
    assert goal.patient_wording == "Dare to say no to my mother"
    assert goal.therapist_wording == ""
    assert goal.proposed_by == Author.PATIENT
    step = goal.history.get()
    assert (step.author, step.by, step.access_link_uuid) == (Author.PATIENT, None, link)
    event = AuditEvent.objects.get(action="care.goal_proposed")
    assert event.actor_id is None
    assert event.data["via"] == "patient_link"


def test_patient_cannot_propose_into_a_closed_episode(therapist: User, episode: Episode) -> None:
    actions.close_episode(episode=episode, ended_on=timezone.localdate(), by=therapist)
    with pytest.raises(ActionRefused):
        actions.propose_goal_as_patient(episode=episode, patient_wording="Something")
    assert not Goal.objects.exists()


def test_patient_cannot_propose_an_empty_goal(episode: Episode) -> None:
    with pytest.raises(ActionRefused) as refusal:
        actions.propose_goal_as_patient(episode=episode, patient_wording="   ")
    assert refusal.value.code == "no_wording"


def test_therapist_agrees_on_a_patient_proposal_with_their_words(
    therapist: User, episode: Episode
) -> None:
    goal = actions.propose_goal_as_patient(episode=episode, patient_wording="Feel less alone")
    actions.agree_goal(
        goal=goal,
        patient_wording="Feel less alone",
        therapist_wording="Widen the social network",
        by=therapist,
    )
    goal.refresh_from_db()
    assert goal.status == GoalStatus.AGREED
    assert goal.therapist_wording == "Widen the social network"
    authors = list(goal.history.values_list("author", flat=True))
    assert authors == [Author.PATIENT, Author.THERAPIST]


def test_agreeing_twice_is_refused(therapist: User, goal: Goal) -> None:
    with pytest.raises(ActionRefused) as refusal:
        actions.agree_goal(goal=goal, patient_wording="x", therapist_wording="y", by=therapist)
    assert refusal.value.code == "not_proposed"


def test_revise_keeps_the_reason_and_the_old_wording(therapist: User, goal: Goal) -> None:
    old = goal.patient_wording
    actions.revise_goal(
        goal=goal,
        patient_wording="Sleep through the night",
        therapist_wording=goal.therapist_wording,
        reason="More precise after the sleep diary",
        by=therapist,
    )
    history = list(goal.history.all())
    assert [step.kind for step in history] == [GoalEventKind.PROPOSED, GoalEventKind.REVISED]
    assert history[0].patient_wording == old
    assert history[1].patient_wording == "Sleep through the night"
    assert history[1].reason == "More precise after the sleep diary"
    event = AuditEvent.objects.get(action="care.goal_revised")
    assert "diary" not in str(event.data)


@pytest.mark.parametrize(
    ("reason", "patient_wording", "code"),
    [("", "Something new", "no_reason"), ("Because", "Sleep better", "unchanged")],
)
def test_revise_refusals(
    therapist: User, goal: Goal, reason: str, patient_wording: str, code: str
) -> None:
    with pytest.raises(ActionRefused) as refusal:
        actions.revise_goal(
            goal=goal,
            patient_wording=patient_wording,
            therapist_wording=goal.therapist_wording,
            reason=reason,
            by=therapist,
        )
    assert refusal.value.code == code
    assert goal.history.count() == 1


def test_a_proposed_goal_cannot_be_revised(therapist: User, episode: Episode) -> None:
    goal = make_goal(episode=episode, status=GoalStatus.PROPOSED, agreed_at=None)
    with pytest.raises(ActionRefused):
        actions.revise_goal(
            goal=goal, patient_wording="a", therapist_wording="b", reason="c", by=therapist
        )


def test_achieve_goal(therapist: User, goal: Goal) -> None:
    actions.achieve_goal(goal=goal, by=therapist)
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ACHIEVED
    assert goal.ended_by == therapist
    assert AuditEvent.objects.get(action="care.goal_achieved").data["status"] == "achieved"
    with pytest.raises(ActionRefused):
        actions.achieve_goal(goal=goal, by=therapist)


def test_drop_goal_needs_a_reason_and_drops_open_tasks(therapist: User, goal: Goal) -> None:
    open_task, done_task = make_task(goal=goal), make_task(goal=goal)
    actions.complete_task(task=done_task, by=therapist)
    with pytest.raises(ActionRefused):
        actions.drop_goal(goal=goal, reason=" ", by=therapist)
    actions.drop_goal(goal=goal, reason="No longer a priority", by=therapist)
    goal.refresh_from_db()
    open_task.refresh_from_db()
    done_task.refresh_from_db()
    assert goal.status == GoalStatus.DROPPED
    assert goal.history.last().reason == "No longer a priority"  # type: ignore[union-attr]
    assert (open_task.status, done_task.status) == (TaskStatus.DROPPED, TaskStatus.DONE)


def test_a_proposal_can_be_dropped(therapist: User, episode: Episode) -> None:
    goal = actions.propose_goal_as_patient(episode=episode, patient_wording="Win the lottery")
    actions.drop_goal(goal=goal, reason="Talked it over: not a therapy goal", by=therapist)
    goal.refresh_from_db()
    assert goal.status == GoalStatus.DROPPED
    assert goal.agreed_at is None


def test_goal_scale(therapist: User, goal: Goal) -> None:
    levels = {-2: "a", -1: "b", 0: "c", 1: "d", 2: "e"}
    actions.set_goal_scale(goal=goal, weight=2, descriptions=levels, attained=1, by=therapist)
    goal.refresh_from_db()
    assert goal.has_attainment_scale
    assert goal.gas_attained == 1
    assert goal.gas_descriptions() == list(levels.items())
    assert _kinds(goal)[-1] == "scale_changed"


def test_goal_scale_needs_all_levels_for_a_weight(therapist: User, goal: Goal) -> None:
    with pytest.raises(ActionRefused) as refusal:
        actions.set_goal_scale(
            goal=goal, weight=2, descriptions={0: "c"}, attained=None, by=therapist
        )
    assert refusal.value.code == "incomplete_scale"
    goal.refresh_from_db()
    assert goal.gas_weight is None
