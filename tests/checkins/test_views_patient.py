"""The patient's pages, through the token of their link."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alliance.care.models import Episode, Goal, GoalStatus, Patient, Session, Task
from alliance.checkins import actions, flow
from alliance.checkins.models import Checkin, CheckinLink, MonitoringPlan, Response, TaskObjection
from alliance.errors import ActionRefused
from tests.care.factories import make_frame_version, make_session
from tests.checkins.factories import make_link
from tests.checkins.helpers import ALLIANCE, answer_everything

pytestmark = pytest.mark.django_db


def url(name: str, token: str, **kwargs: str) -> str:
    return reverse(f"checkins:{name}", kwargs={"token": token, **kwargs})


def test_start_redirects_to_the_first_step(client: Client, token: str) -> None:
    response = client.get(url("start", token))
    assert response.status_code == 302
    assert response["Location"] == url("step", token, step="goals")


def test_patient_pages_are_private(client: Client, token: str) -> None:
    client.get(url("start", token))
    response = client.get(url("step", token, step="goals"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"]
    assert b"A. L." not in response.content  # no name needed on patient pages
    assert b"alliance-checkin" not in response.content  # no internal codes


def test_next_saves_and_moves_on_without_javascript(client: Client, token: str) -> None:
    response = client.post(
        url("step", token, step="goals"), {"goal": "7", "goal_shared": "8", "direction": "next"}
    )
    assert response.status_code == 302
    assert response["Location"] == url("step", token, step="tasks")
    assert Response.objects.count() == 2


def test_missing_answer_is_shown_and_others_kept(client: Client, token: str) -> None:
    response = client.post(url("step", token, step="goals"), {"goal": "7", "direction": "next"})
    assert response.status_code == 400
    assert b"Choose an answer to continue." in response.content
    assert list(Response.objects.values_list("item_id", flat=True)) == ["goal"]


def test_out_of_range_answer_is_shown(client: Client, token: str) -> None:
    response = client.post(url("step", token, step="goals"), {"goal": "12", "goal_shared": "3"})
    assert response.status_code == 400
    assert b"not one of the choices" in response.content


def test_autosave_htmx(client: Client, token: str) -> None:
    response = client.post(
        url("autosave", token, step="goals"), {"goal": "4"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert b"Saved." in response.content
    assert Response.objects.get().value == 4.0


def test_autosave_without_htmx_redirects(client: Client, token: str) -> None:
    response = client.post(url("autosave", token, step="goals"), {"goal": "4"})
    assert response.status_code == 302


def test_back_keeps_answers_without_checking_them(client: Client, token: str) -> None:
    client.get(url("start", token))
    response = client.post(url("step", token, step="tasks"), {"task": "5", "direction": "back"})
    assert response["Location"] == url("step", token, step="goals")


def test_reopening_the_link_resumes_where_the_patient_was(client: Client, token: str) -> None:
    client.post(url("step", token, step="goals"), {"goal": "7", "goal_shared": "8"})
    client.post(url("step", token, step="tasks"), {"task": "7", "task_useful": "8"})
    fresh = Client()
    response = fresh.get(url("start", token))
    assert response["Location"] == url("step", token, step="bond")
    page = fresh.get(url("step", token, step="tasks"))
    assert b'value="7" checked' in page.content


def test_unknown_step_redirects_to_resume(client: Client, token: str) -> None:
    response = client.get(url("step", token, step="goal-00000000-0000-0000-0000-000000000000"))
    assert response.status_code == 302


def test_send_then_thanks_and_double_submit(client: Client, token: str, link: CheckinLink) -> None:
    checkin = actions.start_checkin(link=link)
    answer_everything(checkin, link)
    first = client.post(url("step", token, step="send"))
    second = client.post(url("step", token, step="send"))
    assert first["Location"] == second["Location"] == url("thanks", token)
    assert Checkin.objects.get().is_submitted
    thanks = client.get(url("thanks", token))
    assert thanks.status_code == 200
    assert b"Thank you" in thanks.content
    assert client.get(url("start", token))["Location"] == url("thanks", token)


def test_send_with_missing_answers_goes_to_the_step(client: Client, token: str) -> None:
    client.get(url("start", token))
    response = client.post(url("step", token, step="send"))
    assert response["Location"] == url("step", token, step="goals")


@pytest.mark.parametrize("name", ["start", "thanks", "space"])
def test_forged_token_shows_a_clear_message(client: Client, name: str, token: str) -> None:
    response = client.get(url(name, "forged-" + token[:20]))
    assert response.status_code == 404
    assert b"This link is not valid" in response.content
    assert response["Cache-Control"] == "no-store"


def test_expired_link(client: Client, link: CheckinLink, token: str) -> None:
    link.expires_at = timezone.now() - timedelta(seconds=1)
    link.save()
    response = client.get(url("start", token))
    assert response.status_code == 410
    assert b"expired" in response.content


def test_revoked_link(client: Client, link: CheckinLink, token: str) -> None:
    link.revoked_at = timezone.now()
    link.save()
    response = client.get(url("step", token, step="goals"))
    assert response.status_code == 410
    assert b"withdrawn" in response.content


def test_closed_episode(client: Client, episode: Episode, token: str) -> None:
    episode.ended_on, episode.closed_at, episode.closed_by = (
        timezone.localdate(),
        timezone.now(),
        episode.created_by,
    )
    episode.save()
    response = client.get(url("start", token))
    assert response.status_code == 410
    assert b"closed" in response.content


def test_a_link_only_shows_its_own_patient(
    client: Client, token: str, other_patient: Patient, goal: Goal
) -> None:
    from tests.care.factories import make_goal, open_episode_of

    make_goal(episode=open_episode_of(other_patient), patient_wording="Secret of another patient")
    response = client.get(url("space", token))
    assert b"Sleep better" in response.content
    assert b"Secret of another patient" not in response.content


def test_safety_answer_shows_crisis_resources_at_once(
    client: Client, link: CheckinLink, token: str
) -> None:
    MonitoringPlan.objects.filter(patient=link.patient).update(phq9_every_sessions=1)
    client.get(url("start", token))
    response = client.post(
        url("autosave", token, step="phq-9"), {"self_harm": "1"}, HTTP_HX_REQUEST="true"
    )
    assert b"3114" in response.content
    assert b'role="alert"' in response.content


def test_crisis_resources_follow_the_country(
    client: Client, link: CheckinLink, token: str, patient: Patient
) -> None:
    patient.country = "GB"
    patient.save()
    MonitoringPlan.objects.filter(patient=patient).update(phq9_every_sessions=1)
    client.get(url("start", token))
    client.post(url("step", token, step="phq-9"), {"self_harm": "2"})
    page = client.get(url("step", token, step="send"))
    assert b"116 123" in page.content


def test_goal_and_task_steps_show_their_wording(
    client: Client, token: str, goal: Goal, task: Task
) -> None:
    client.get(url("start", token))
    assert b"Sleep better" in client.get(url("step", token, step=f"goal-{goal.uuid}")).content
    assert b"Keep a sleep diary" in client.get(url("step", token, step=f"task-{task.uuid}")).content


def test_patient_proposes_a_goal(client: Client, token: str, episode: Episode) -> None:
    response = client.post(url("propose_goal", token), {"wording": "Feel calmer at work"})
    assert response.status_code == 302
    goal = episode.goals.get(patient_wording="Feel calmer at work")
    assert goal.status == GoalStatus.PROPOSED
    assert goal.proposed_by == "patient"


def test_empty_goal_is_refused(client: Client, token: str, episode: Episode) -> None:
    response = client.post(url("propose_goal", token), {"wording": "  "}, follow=True)
    assert b"Write your goal" in response.content
    assert not episode.goals.exists()


def test_patient_acknowledges_the_frame(
    client: Client, token: str, episode: Episode, link: CheckinLink
) -> None:
    frame = make_frame_version(episode=episode)
    client.post(url("acknowledge_frame", token), {"frame": str(frame.uuid)})
    frame.refresh_from_db()
    assert frame.acknowledgement.access_link_uuid == link.uuid
    assert b"You have read this version" in client.get(url("space", token)).content


def test_patient_says_a_task_does_not_fit(client: Client, token: str, task: Task) -> None:
    page = url("object_to_task", token, task_uuid=str(task.uuid))
    assert client.get(page).status_code == 200
    assert client.post(page, {"reason": ""}).status_code == 400
    assert client.post(page, {"reason": "I have no time in the evening"}).status_code == 302
    assert TaskObjection.objects.get().task == task


def test_task_of_another_patient_is_404(client: Client, token: str, other_patient: Patient) -> None:
    from tests.care.factories import make_goal, make_task, open_episode_of

    other_task = make_task(goal=make_goal(episode=open_episode_of(other_patient)))
    assert (
        client.get(url("object_to_task", token, task_uuid=str(other_task.uuid))).status_code == 404
    )


def test_space_shows_progress_in_plain_words(
    client: Client, link: CheckinLink, token: str, episode: Episode
) -> None:
    checkin = actions.start_checkin(link=link)
    answer_everything(checkin, link)
    actions.submit_checkin(checkin=checkin, link=link)
    second = make_session(episode=episode, starts_at=timezone.now() - timedelta(hours=1))
    second_link, _t = make_link(session=second)
    second_checkin = actions.start_checkin(link=second_link)
    answer_everything(second_checkin, second_link, goals={"goal": "10", "goal_shared": "10"})
    actions.submit_checkin(checkin=second_checkin, link=second_link)
    page = client.get(url("space", token))
    assert b"you first rated it 8 out of 10, and 10 last time" in page.content


@pytest.mark.parametrize("method", ["put", "delete"])
def test_wrong_method(client: Client, token: str, method: str) -> None:
    assert getattr(client, method)(url("step", token, step="goals")).status_code == 405


def test_post_only_pages_refuse_get(client: Client, token: str) -> None:
    assert client.get(url("propose_goal", token)).status_code == 405
    assert client.get(url("autosave", token, step="goals")).status_code == 405


def test_language_is_the_patient_s(client: Client, token: str, patient: Patient) -> None:
    patient.preferred_language = "fr"
    patient.save()
    client.get(url("start", token))
    response = client.get(url("step", token, step="goals"))
    assert response.headers.get("Content-Language") == "fr"


def test_steps_are_stable(client: Client, link: CheckinLink, session: Session) -> None:
    checkin = actions.start_checkin(link=link)
    assert [s.key for s in flow.steps_for(checkin)][:3] == ["goals", "tasks", "bond"]
    assert set(ALLIANCE) >= {"goal", "bond"}


def test_space_dates_each_rating_by_its_session(
    client: Client, link: CheckinLink, token: str, session: Session
) -> None:
    session.starts_at = timezone.make_aware(datetime(2026, 3, 2, 10, 0))
    session.save(update_fields=["starts_at"])
    checkin = actions.start_checkin(link=link)
    answer_everything(checkin, link)
    actions.submit_checkin(checkin=checkin, link=link)
    page = client.get(url("space", token)).content.decode()
    table = page[page.index('id="progress-caption"') :]
    assert "03/02/2026" in table  # the session's date, en's SHORT_DATE_FORMAT
    assert timezone.localdate().strftime("%m/%d/%Y") not in table  # not the day it was sent


def test_task_objection_is_shown_and_not_offered_twice(
    client: Client, link: CheckinLink, token: str, task: Task
) -> None:
    page = url("object_to_task", token, task_uuid=str(task.uuid))
    client.post(page, {"reason": "I have no time in the evening"})
    space = client.get(url("space", token)).content.decode()
    assert "you said that this does not fit you" in space
    assert page not in space
    again = client.get(page)
    assert again.status_code == 302
    client.post(page, {"reason": "Still no time"})
    assert TaskObjection.objects.count() == 1
    with pytest.raises(ActionRefused) as refused:
        actions.object_to_task(link=link, task=task, reason="Once more")
    assert refused.value.code == "already_objected"
    TaskObjection.objects.update(
        seen_at=timezone.now(), seen_by=task.goal.episode.patient.created_by
    )
    assert page in client.get(url("space", token)).content.decode()


def test_crisis_box_tells_the_truth_before_and_after_sending(
    client: Client, link: CheckinLink, token: str
) -> None:
    MonitoringPlan.objects.filter(patient=link.patient).update(phq9_every_sessions=1)
    checkin = actions.start_checkin(link=link)
    answer_everything(checkin, link, **{"phq-9": {"self_harm": "1"}})
    before = client.get(url("step", token, step="send")).content.decode()
    assert "will get back to you" not in before
    assert "Your therapist will be told about this answer" in before
    client.post(url("step", token, step="send"))
    after = client.get(url("thanks", token)).content.decode()
    assert "Your therapist has been told about this answer" in after


def test_crisis_box_is_not_between_the_instruction_and_the_items(
    client: Client, link: CheckinLink, token: str
) -> None:
    MonitoringPlan.objects.filter(patient=link.patient).update(gad7_every_sessions=1)
    client.get(url("start", token))
    Checkin.objects.update(measures=["phq-9", "gad-7"])
    client.post(url("step", token, step="phq-9"), {"self_harm": "1"})
    page = client.get(url("step", token, step="gad-7")).content.decode()
    instruction = page.index('class="subject"')
    assert page.index('class="crisis"') < instruction < page.index("<fieldset")


def test_free_text_autosaves_on_input_for_paste_and_dictation(client: Client, token: str) -> None:
    client.get(url("start", token))
    page = client.get(url("step", token, step="voice")).content.decode()
    assert 'hx-trigger="change, input changed delay:1000ms from:textarea"' in page
    assert "keyup" not in page
    client.post(url("step", token, step="voice"), {"change_request": "Pasted text"})
    assert Response.objects.get(item_id="change_request").text == "Pasted text"


@pytest.mark.parametrize(("language", "prefix"), [("en", "Error: Step 1 of"), ("fr", "Erreur")])
def test_validation_errors_are_announced(
    client: Client, token: str, patient: Patient, language: str, prefix: str
) -> None:
    patient.preferred_language = language
    patient.save(update_fields=["preferred_language"])
    client.get(url("start", token))
    response = client.post(url("step", token, step="goals"), {"direction": "next"})
    assert response.status_code == 400
    page = response.content.decode()
    title = page[page.index("<title>") : page.index("</title>")]
    assert title.startswith(f"<title>{prefix}")
    assert ("· Check-in" if language == "en" else "· Bilan de séance") in title
    summary = page[
        page.index('class="error-summary"') - 5 : page.index(
            "</div>", page.index('class="error-summary"')
        )
    ]
    for attribute in ('role="alert"', 'tabindex="-1"', "autofocus", 'href="#q-goal"'):
        assert attribute in summary
    assert 'id="q-goal"' in page
    assert "<script" not in summary
