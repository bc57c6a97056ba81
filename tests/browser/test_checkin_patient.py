"""The patient's check-in in Chromium, on a phone-sized screen.

From the invitation email's link to the thank-you page, resuming after a
reload, sending twice, an expired link, the keyboard alone, the crisis
resources shown at once, and the patient's own space. axe-core checks every
patient page (no serious or critical violation).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, Response, expect

from alliance.accounts.models import User
from alliance.care.models import Patient, Session
from alliance.checkins import actions
from alliance.checkins.models import Checkin, CheckinLink, MonitoringPlan
from tests.browser.accessibility import assert_accessible
from tests.care.factories import make_goal, make_patient, make_session, make_task, open_episode_of

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Browser) -> Any:
    context = browser.new_context(viewport=PHONE, locale="en-GB", java_script_enabled=True)
    page = context.new_page()
    yield page
    context.close()


def _patient(therapist: User, *, phq9: int = 0) -> tuple[Patient, Session]:
    patient = make_patient(
        therapist=therapist,
        display_name="A. L.",
        contact_email="al@example.org",
        preferred_language="en",
    )
    MonitoringPlan.objects.create(patient=patient, phq9_every_sessions=phq9, gad7_every_sessions=0)
    episode = open_episode_of(patient)
    goal = make_goal(episode=episode, patient_wording="Sleep better")
    make_task(goal=goal, title="Keep a sleep diary")
    return patient, make_session(episode=episode)


def _emailed_url(live_server: Any, session: Session, therapist: User) -> str:
    actions.invite_by_email(session=session, by=therapist)
    line = next(line for line in mail.outbox[-1].body.splitlines() if "/c/" in line)
    return live_server.url + "/c/" + line.strip().split("/c/")[1]


def _answer_step(page: Page, value: str = "8") -> None:
    """Choose an answer in every question of the current step (0 for yes/no and lists).

    Each choice waits for its own autosave to be answered before the next one,
    so that "Next" is never pressed while an autosave is still writing.
    """
    for group in page.locator("fieldset.question").all():
        wanted = group.locator(f'input[type="radio"][value="{value}"]')
        choice = wanted if wanted.count() else group.locator('input[type="radio"][value="0"]')
        if choice.first.is_checked():
            continue  # no change event, so no autosave to wait for
        with page.expect_response(_is_autosave) as saved:
            choice.first.check()
        assert saved.value.ok, f"autosave answered {saved.value.status}"
    settle(page)


def _is_autosave(response: Response) -> bool:
    return response.request.method == "POST" and "/autosave/" in response.url


def settle(page: Page) -> None:
    """Wait until no autosave is in flight (the in-memory test database allows one writer).

    htmx marks the form ``htmx-request`` from the moment it sends until the last
    queued request is answered. (``wait_for_load_state("networkidle")`` waited
    for nothing: the page had reached that state once, when it loaded.)
    """
    page.wait_for_function("() => document.querySelector('.htmx-request') === null")


def _answer_until_send(page: Page, next_label: str = "Next") -> None:
    while "/step/send/" not in page.url:
        assert_accessible(page)
        _answer_step(page)
        with page.expect_navigation():  # the next step is loaded before it is answered
            page.get_by_role("button", name=next_label).click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_from_the_email_link_to_the_thank_you_page(
    phone: Page, live_server: Any, therapist: User
) -> None:
    _p, session = _patient(therapist, phq9=1)
    phone.goto(_emailed_url(live_server, session, therapist))
    expect(phone.get_by_role("heading", level=1)).to_have_text("What we work on")
    _answer_until_send(phone)
    assert_accessible(phone)
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert_accessible(phone)
    checkin = Checkin.objects.get(respondent="patient")
    assert checkin.is_submitted
    assert checkin.scores.filter(instrument_id="phq-9").exists()
    phone.get_by_role("link", name="See your goals and your progress").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your space")
    assert_accessible(phone)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_resume_after_reload_and_send_twice(phone: Page, live_server: Any, therapist: User) -> None:
    _p, session = _patient(therapist)
    url = _emailed_url(live_server, session, therapist)
    phone.goto(url)
    _answer_step(phone, "6")
    phone.get_by_role("button", name="Next").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("How we work")
    # Answer one question; htmx saves it before "Next" is ever pressed.
    phone.locator("fieldset.question").first.locator('input[value="3"]').check()
    expect(phone.locator("#save-status")).to_contain_text("Saved.")
    phone.reload()
    expect(phone.locator("fieldset.question").first.locator('input[value="3"]')).to_be_checked()
    phone.goto(url)  # reopening the link resumes on the same step
    expect(phone.get_by_role("heading", level=1)).to_have_text("How we work")
    _answer_until_send(phone)
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you")
    phone.go_back()  # the send page again: sending twice shows the same thank-you
    if "/step/send/" in phone.url:
        phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert Checkin.objects.filter(respondent="patient", status="submitted").count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_expired_link(phone: Page, live_server: Any, therapist: User) -> None:
    _p, session = _patient(therapist)
    url = _emailed_url(live_server, session, therapist)
    CheckinLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    phone.goto(url)
    expect(phone.get_by_role("alert")).to_contain_text("This link has expired")
    assert_accessible(phone)
    phone.goto(live_server.url + "/c/made-up-token/")
    expect(phone.get_by_role("alert")).to_contain_text("This link is not valid")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_step_with_the_keyboard_alone(phone: Page, live_server: Any, therapist: User) -> None:
    _p, session = _patient(therapist)
    phone.goto(_emailed_url(live_server, session, therapist))
    first_radio = phone.locator("fieldset.question").first.locator('input[type="radio"]').first
    first_radio.focus()
    phone.keyboard.press("ArrowRight")  # 1
    phone.keyboard.press("ArrowRight")  # 2
    phone.keyboard.press("Tab")  # to the next question
    phone.keyboard.press("Space")  # 0
    phone.keyboard.press("ArrowRight")  # 1
    settle(phone)
    for _ in range(6):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.textContent") == "Next":
            break
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", level=1)).to_have_text("How we work")
    checkin = Checkin.objects.get()
    assert sorted(checkin.responses.values_list("item_id", "value")) == [
        ("goal", 2.0),
        ("goal_shared", 1.0),
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_crisis_resources_appear_at_once(phone: Page, live_server: Any, therapist: User) -> None:
    _p, session = _patient(therapist, phq9=1)
    url = _emailed_url(live_server, session, therapist)
    phone.goto(url.rstrip("/") + "/step/phq-9/")
    phone.locator("fieldset.question").nth(8).locator('input[value="1"]').check()
    expect(phone.get_by_role("heading", name="You do not have to face this alone")).to_be_visible()
    expect(phone.get_by_role("link", name=re.compile("3114"))).to_be_visible()
    assert_accessible(phone)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_patient_proposes_a_goal_and_the_therapist_sees_it(
    phone: Page, page: Page, live_server: Any, therapist: User
) -> None:
    _p, session = _patient(therapist)
    url = _emailed_url(live_server, session, therapist)
    phone.goto(url.rstrip("/") + "/space/")
    assert_accessible(phone)
    phone.get_by_label("Propose a goal, in your own words").fill("Go back to swimming")
    phone.get_by_role("button", name="Propose this goal").click()
    expect(phone.get_by_role("status")).to_contain_text("Your therapist will see your proposal")
    expect(phone.get_by_text("Go back to swimming")).to_be_visible()
    phone.get_by_role("link", name="This does not fit me").click()
    assert_accessible(phone)
    phone.get_by_label("Why does it not fit you?").fill("No time in the evening")
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_role("status")).to_contain_text("Your therapist will talk about it")
    sign_in(page, live_server, therapist)
    page.goto(f"{live_server.url}/checkins/session/{session.uuid}/")
    expect(page.get_by_text("Go back to swimming")).to_be_visible()
    expect(page.get_by_text("No time in the evening")).to_be_visible()


def sign_in(page: Page, live_server: Any, user: User) -> None:
    from tests.factories import PASSWORD

    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/sign-in/"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_missing_answers_are_announced_and_focused(
    phone: Page, live_server: Any, therapist: User
) -> None:
    _p, session = _patient(therapist)
    phone.goto(_emailed_url(live_server, session, therapist))
    phone.get_by_role("button", name="Next").click()
    expect(phone).to_have_title(re.compile(r"^Error: Step 1 of \d+ · Check-in"))
    summary = phone.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    assert_accessible(phone)
    summary.get_by_role("link").first.click()
    expect(phone).to_have_url(re.compile(r"#q-goal$"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pasted_free_text_is_saved_without_a_key(
    phone: Page, live_server: Any, therapist: User
) -> None:
    _p, session = _patient(therapist)
    url = _emailed_url(live_server, session, therapist)
    phone.goto(url)
    phone.goto(url.rstrip("/") + "/step/voice/")
    # fill() sends an input event and no key event, as a paste or dictation does.
    phone.get_by_role("textbox").fill("Pasted: more exercises")
    expect(phone.locator("#save-status")).to_contain_text("Saved.")
    assert Checkin.objects.get().responses.get(item_id="change_request").text == (
        "Pasted: more exercises"
    )
