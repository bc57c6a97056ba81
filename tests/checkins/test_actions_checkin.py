"""The patient's check-in: steps, autosave, resume, submit once, safety."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.care.models import Episode, Goal, Session, Task
from alliance.checkins import actions, flow
from alliance.checkins.models import (
    Checkin,
    CheckinLink,
    CheckinScore,
    MonitoringPlan,
    Response,
    SafetyAlert,
)
from alliance.errors import ActionRefused
from tests.care.factories import make_session
from tests.checkins.helpers import answer_everything

pytestmark = pytest.mark.django_db


def test_steps_follow_the_issue_order(link: CheckinLink, goal: Goal, task: Task) -> None:
    MonitoringPlan.objects.filter(patient=link.patient).update(phq9_every_sessions=1)
    checkin = actions.start_checkin(link=link)
    keys = [step.key for step in flow.steps_for(checkin)]
    assert keys == [
        "goals",
        "tasks",
        "bond",
        f"goal-{goal.uuid}",
        f"task-{task.uuid}",
        "rupture",
        "voice",
        "phq-9",
        "send",
    ]


def test_starting_twice_gives_the_same_checkin(link: CheckinLink, session: Session) -> None:
    first = actions.start_checkin(link=link)
    other_link, _token = actions.create_link(session=session, channel="qr", by=None)
    assert actions.start_checkin(link=other_link) == first


def test_each_answer_is_saved_and_resaving_is_idempotent(link: CheckinLink) -> None:
    checkin = actions.start_checkin(link=link)
    step = flow.steps_for(checkin)[0]
    for value in ("3", "3", "7"):
        actions.save_answers(checkin=checkin, step=step, answers={"goal": value}, link=link)
    response = Response.objects.get(checkin=checkin, item_id="goal")
    assert response.value == 7.0
    assert response.instrument_version == "1.0"
    assert Response.objects.filter(checkin=checkin).count() == 1


def test_out_of_range_answer_is_refused_and_other_answers_kept(link: CheckinLink) -> None:
    checkin = actions.start_checkin(link=link)
    step = flow.steps_for(checkin)[0]
    result = actions.save_answers(
        checkin=checkin, step=step, answers={"goal": "11", "goal_shared": "5"}, link=link
    )
    assert list(result.errors) == ["goal"]
    assert list(Response.objects.values_list("item_id", "value")) == [("goal_shared", 5.0)]


@pytest.mark.parametrize("bad", ["-1", "abc", "5.5", "nan", "1e9"])
def test_impossible_values_are_refused(link: CheckinLink, bad: str) -> None:
    checkin = actions.start_checkin(link=link)
    step = flow.steps_for(checkin)[0]
    result = actions.save_answers(checkin=checkin, step=step, answers={"goal": bad}, link=link)
    assert "goal" in result.errors
    assert not Response.objects.exists()


def test_no_tension_clears_its_follow_up_questions(link: CheckinLink) -> None:
    checkin = actions.start_checkin(link=link)
    rupture = flow.find_step(flow.steps_for(checkin), "rupture")
    assert rupture is not None
    actions.save_answers(
        checkin=checkin,
        step=rupture,
        answers={"tension": "1", "tension_intensity": "6", "tension_discussed": "1"},
        link=link,
    )
    actions.save_answers(checkin=checkin, step=rupture, answers={"tension": "0"}, link=link)
    assert set(Response.objects.values_list("item_id", flat=True)) == {"tension"}


def test_resume_goes_back_to_the_first_unanswered_step(link: CheckinLink) -> None:
    checkin = actions.start_checkin(link=link)
    steps = flow.steps_for(checkin)
    actions.save_answers(
        checkin=checkin, step=steps[0], answers={"goal": "5", "goal_shared": "5"}, link=link
    )
    assert actions.first_unanswered(checkin, steps).key == "tasks"


def test_submit_stores_scores_per_pillar(link: CheckinLink, goal: Goal, task: Task) -> None:
    checkin = actions.start_checkin(link=link)
    answer_everything(checkin, link)
    actions.submit_checkin(checkin=checkin, link=link)
    checkin.refresh_from_db()
    assert checkin.is_submitted
    main = CheckinScore.objects.get(checkin=checkin, instrument_id="alliance-checkin")
    assert (main.goal, main.task, main.bond, main.overall) == (8.5, 6.5, 9.5, 8.0)
    assert main.tension == 0.0
    goal_score = CheckinScore.objects.get(checkin=checkin, subject_uuid=goal.uuid)
    assert goal_score.goal == 4.0
    task_score = CheckinScore.objects.get(checkin=checkin, subject_uuid=task.uuid)
    assert task_score.task == 7.0


def test_submitting_twice_records_one_checkin(link: CheckinLink) -> None:
    checkin = actions.start_checkin(link=link)
    answer_everything(checkin, link)
    first = actions.submit_checkin(checkin=checkin, link=link)
    second = actions.submit_checkin(checkin=checkin, link=link)
    assert first.submitted_at == second.submitted_at
    assert Checkin.objects.count() == 1
    assert AuditEvent.objects.filter(action="checkins.checkin_submitted").count() == 1


def test_submit_with_missing_answers_names_the_step(link: CheckinLink) -> None:
    checkin = actions.start_checkin(link=link)
    with pytest.raises(ActionRefused) as refused:
        actions.submit_checkin(checkin=checkin, link=link)
    assert refused.value.code == "missing:goals"


def test_answers_after_submit_are_refused(link: CheckinLink) -> None:
    checkin = actions.start_checkin(link=link)
    answer_everything(checkin, link)
    actions.submit_checkin(checkin=checkin, link=link)
    with pytest.raises(ActionRefused, match="already sent"):
        actions.save_answers(
            checkin=checkin, step=flow.steps_for(checkin)[0], answers={"goal": "0"}, link=link
        )
    assert Response.objects.get(item_id="goal").value == 8.0


@pytest.mark.parametrize("state", ["expired", "revoked"])
def test_unusable_link_saves_nothing(link: CheckinLink, state: str) -> None:
    checkin = actions.start_checkin(link=link)
    if state == "expired":
        link.expires_at = timezone.now() - timedelta(minutes=1)
    else:
        link.revoked_at = timezone.now()
    link.save()
    with pytest.raises(ActionRefused) as refused:
        actions.save_answers(
            checkin=checkin, step=flow.steps_for(checkin)[0], answers={"goal": "3"}, link=link
        )
    assert refused.value.code == state


def test_closed_episode_takes_no_answers(link: CheckinLink, episode: Episode) -> None:
    checkin = actions.start_checkin(link=link)
    episode.ended_on, episode.closed_at, episode.closed_by = (
        timezone.localdate(),
        timezone.now(),
        episode.created_by,
    )
    episode.save()
    with pytest.raises(ActionRefused) as refused:
        actions.save_answers(
            checkin=checkin, step=flow.steps_for(checkin)[0], answers={"goal": "3"}, link=link
        )
    assert refused.value.code == "episode_closed"


def test_safety_item_alerts_when_the_step_is_saved(
    link: CheckinLink, django_capture_on_commit_callbacks: Any
) -> None:
    MonitoringPlan.objects.filter(patient=link.patient).update(phq9_every_sessions=1)
    checkin = actions.start_checkin(link=link)
    phq9 = flow.find_step(flow.steps_for(checkin), "phq-9")
    assert phq9 is not None
    with django_capture_on_commit_callbacks(execute=True):
        result = actions.save_answers(
            checkin=checkin, step=phq9, answers={"self_harm": "2"}, link=link
        )
    assert [alert.rule_id for alert in result.alerts] == ["self_harm"]
    alert = SafetyAlert.objects.get()
    assert alert.patient == link.patient
    assert alert.email_sent_at is not None
    assert [message.to for message in mail.outbox] == [[link.session.created_by.email]]
    assert link.patient.display_name not in mail.outbox[0].body
    # Saving the step again raises no second alert.
    with django_capture_on_commit_callbacks(execute=True):
        actions.save_answers(checkin=checkin, step=phq9, answers={"self_harm": "3"}, link=link)
    assert SafetyAlert.objects.count() == 1
    assert len(mail.outbox) == 1


def test_zero_on_the_safety_item_raises_nothing(link: CheckinLink) -> None:
    MonitoringPlan.objects.filter(patient=link.patient).update(phq9_every_sessions=1)
    checkin = actions.start_checkin(link=link)
    phq9 = flow.find_step(flow.steps_for(checkin), "phq-9")
    assert phq9 is not None
    actions.save_answers(checkin=checkin, step=phq9, answers={"self_harm": "0"}, link=link)
    assert not SafetyAlert.objects.exists()


def test_outcome_measure_follows_the_schedule(link: CheckinLink, episode: Episode) -> None:
    MonitoringPlan.objects.filter(patient=link.patient).update(phq9_every_sessions=2)
    first = actions.start_checkin(link=link)
    assert first.measures == ["phq-9"]
    answer_everything(first, link)
    actions.submit_checkin(checkin=first, link=link)
    second_session = make_session(episode=episode, starts_at=timezone.now() - timedelta(days=1))
    second_link, _t = actions.create_link(session=second_session, channel="qr", by=None)
    second = actions.start_checkin(link=second_link)
    assert second.measures == []
    answer_everything(second, second_link)
    actions.submit_checkin(checkin=second, link=second_link)
    third_session = make_session(episode=episode, starts_at=timezone.now() - timedelta(hours=2))
    third_link, _t = actions.create_link(session=third_session, channel="qr", by=None)
    assert actions.start_checkin(link=third_link).measures == ["phq-9"]


def test_audit_names_no_patient_and_no_free_text(link: CheckinLink) -> None:
    checkin = actions.start_checkin(link=link)
    answer_everything(checkin, link)
    actions.submit_checkin(checkin=checkin, link=link)
    dump = str(list(AuditEvent.objects.values_list("data", flat=True)))
    assert "A. L." not in dump
    assert "More exercises" not in dump


def test_no_tension_drops_follow_ups_posted_with_it(link: CheckinLink) -> None:
    """Without JavaScript every follow-up is on the form: "No" must drop them all."""
    checkin = actions.start_checkin(link=link)
    rupture = flow.find_step(flow.steps_for(checkin), "rupture")
    assert rupture is not None
    result = actions.save_answers(
        checkin=checkin,
        step=rupture,
        answers={"tension": "0", "tension_intensity": "6", "tension_discussed": "1"},
        link=link,
    )
    assert set(Response.objects.values_list("item_id", flat=True)) == {"tension"}
    assert result.saved == ["tension"]
    actions.save_answers(
        checkin=checkin, step=rupture, answers={"tension_discussed": "2"}, link=link
    )
    assert set(Response.objects.values_list("item_id", flat=True)) == {"tension"}
