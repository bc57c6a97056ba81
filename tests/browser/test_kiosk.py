"""The waiting-room tablet as a clinic uses it: two patients in turn, in French and English.

A phone-sized tablet (390 px wide): the neutral screen opens the check-in the
therapist sends, the patient answers (each answer saved as given), sends, and
the tablet returns to the neutral screen. Back and reload then show nothing of
the patient; the next patient sees nothing of the previous one, and is not
left in the language the previous one chose.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from playwright.sync_api import Browser, Page, expect

from alliance.accounts.models import User
from alliance.care.models import Session
from alliance.checkins import actions
from alliance.checkins.models import Checkin, CheckinLink, MonitoringPlan, Response
from alliance.checkins.views.common import KIOSK_COOKIE
from tests.browser.accessibility import assert_accessible
from tests.browser.test_checkin_patient import PHONE, _answer_until_send, _is_autosave
from tests.care.factories import make_goal, make_patient, make_session, open_episode_of

WORDS = {
    "en": {
        "welcome": "Welcome",
        "first_step": "What we work on",
        "saved": "Saved.",
        "next": "Next",
        "send": "Send my answers",
        "thanks": "Thank you",
    },
    "fr": {
        "welcome": "Bienvenue",
        "first_step": "Ce sur quoi nous travaillons",
        "saved": "Enregistré.",
        "next": "Suivant",
        "send": "Envoyer mes réponses",
        "thanks": "Merci",
    },
}
OTHER = {"en": "fr", "fr": "en"}
#: The tablet looks for a check-in every 3 seconds: wait a few of its polls, even on a busy machine.
POLLS = 15_000


def _session_of(therapist: User, name: str, goal: str, language: str) -> Session:
    patient = make_patient(
        therapist=therapist, display_name=name, preferred_language=language, contact_email=""
    )
    MonitoringPlan.objects.create(patient=patient, phq9_every_sessions=0, gad7_every_sessions=0)
    episode = open_episode_of(patient)
    make_goal(episode=episode, patient_wording=goal)
    return make_session(episode=episode)


def _fits_the_screen(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _shows_nothing_of(page: Page, *words: str) -> None:
    content = page.content()
    for word in words:
        assert word not in content


def _answer_and_send(tablet: Page, language: str) -> str:
    """Answer every step, send, and return the text of the page that thanked the patient."""
    _answer_until_send(tablet, WORDS[language]["next"])
    assert_accessible(tablet)
    # The thank-you screen gives way to the neutral one after a few seconds:
    # read it from its own response rather than racing the page.
    with tablet.expect_response(lambda response: "/kiosk/done/" in response.url) as thanked:
        tablet.get_by_role("button", name=WORDS[language]["send"]).click()
    return thanked.value.text()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_two_patients_in_turn_on_the_tablet(
    browser: Browser, live_server: Any, therapist: User, language: str
) -> None:
    """The first patient reads in ``language``; the tablet and the next patient speak the other."""
    tablet_language = OTHER[language]
    words, tablet_words = WORDS[language], WORDS[tablet_language]
    first = _session_of(therapist, "A. L.", "Sleep better", tablet_language)
    second = _session_of(therapist, "B. M.", "Swim again", tablet_language)
    device, device_token = actions.pair_kiosk(
        clinic=therapist.clinic, name="Waiting room", by=therapist
    )
    locale = "fr-FR" if tablet_language == "fr" else "en-GB"
    context = browser.new_context(viewport=PHONE, locale=locale)
    context.add_cookies([{"name": KIOSK_COOKIE, "value": device_token, "url": live_server.url}])
    tablet = context.new_page()
    tablet.goto(f"{live_server.url}/kiosk/")
    expect(tablet.get_by_role("heading", level=1)).to_have_text(tablet_words["welcome"])
    _fits_the_screen(tablet)

    # The therapist sends the first check-in; the neutral screen opens it, and
    # the patient chooses to read it in the other language.
    actions.send_to_kiosk(session=first, device=device, by=therapist)
    heading = tablet.get_by_role("heading", level=1)
    expect(heading).to_have_text(tablet_words["first_step"], timeout=POLLS)
    tablet.locator(f'.language-switch button[value="{language}"]').click()
    expect(tablet.get_by_role("heading", level=1)).to_have_text(words["first_step"])
    _fits_the_screen(tablet)
    # One answer is saved as it is given, and is still there after a reload.
    choice = tablet.locator("fieldset.question").first.locator('input[value="3"]')
    with tablet.expect_response(_is_autosave):
        choice.check()
    expect(tablet.locator("#save-status")).to_contain_text(words["saved"])
    tablet.reload()
    expect(choice).to_be_checked()

    thanks = _answer_and_send(tablet, language)
    assert words["thanks"] in thanks
    for private in ("A. L.", "Sleep better"):
        assert private not in thanks
    # Back to the neutral screen, in the tablet's language again.
    expect(heading).to_have_text(tablet_words["welcome"], timeout=POLLS)
    assert Checkin.objects.get(session=first).is_submitted
    # Back, again and again, then reload: only neutral screens, nothing of the patient.
    neutral = re.compile(f"^({tablet_words['welcome']}|{words['thanks']})$")
    for _ in range(4):
        tablet.go_back()
        expect(tablet.get_by_role("heading", level=1)).to_have_text(neutral)
        _shows_nothing_of(tablet, "A. L.", "Sleep better", "/c/")
    tablet.reload()
    _shows_nothing_of(tablet, "A. L.", "Sleep better", "/c/")

    # The next patient: their own check-in, in their own language, nothing of the first.
    tablet.goto(f"{live_server.url}/kiosk/")
    actions.send_to_kiosk(session=second, device=device, by=therapist)
    expect(heading).to_have_text(tablet_words["first_step"], timeout=POLLS)
    expect(tablet.locator("input:checked")).to_have_count(0)
    _shows_nothing_of(tablet, "A. L.", "Sleep better")
    _fits_the_screen(tablet)
    assert_accessible(tablet)
    context.close()


#: A timeout of a few seconds instead of 10 minutes: the notice shows after half of it.
SHORT_IDLE_SECONDS = 8


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_checkin_left_unfinished_returns_to_the_welcome_screen(
    browser: Browser, live_server: Any, therapist: User, settings: Any
) -> None:
    """A notice before the end, "Continue" keeps the check-in; left alone, the tablet goes home."""
    if connection.vendor == "sqlite":
        # The live server shares the in-memory database's one connection between its
        # threads; the tablet's overlapping requests (its 3-second check and "still
        # here") then fail at random under load. PostgreSQL runs this test in CI.
        pytest.skip("needs PostgreSQL: run with DATABASE_URL")
    settings.KIOSK_IDLE_MINUTES = SHORT_IDLE_SECONDS / 60
    session = _session_of(therapist, "A. L.", "Sleep better", "en")
    device, device_token = actions.pair_kiosk(
        clinic=therapist.clinic, name="Waiting room", by=therapist
    )
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    context.add_cookies([{"name": KIOSK_COOKIE, "value": device_token, "url": live_server.url}])
    tablet = context.new_page()
    tablet.goto(f"{live_server.url}/kiosk/")
    actions.send_to_kiosk(session=session, device=device, by=therapist)
    heading = tablet.get_by_role("heading", level=1)
    expect(heading).to_have_text(WORDS["en"]["first_step"], timeout=POLLS)
    choice = tablet.locator("fieldset.question").first.locator('input[value="3"]')
    with tablet.expect_response(_is_autosave):
        choice.check()

    # Left alone: the notice, announced and focused, offers to continue.
    carry_on = tablet.get_by_role("button", name="Continue my check-in")
    expect(carry_on).to_be_visible(timeout=SHORT_IDLE_SECONDS * 1000)
    expect(carry_on).to_be_focused()
    notice = tablet.locator("#kiosk-idle[aria-live=assertive]")
    expect(notice).to_contain_text("Are you still there?")
    assert_accessible(tablet)
    with tablet.expect_response(lambda response: "/still-here/" in response.url):
        carry_on.click()
    expect(carry_on).to_have_count(0)
    expect(heading).to_have_text(WORDS["en"]["first_step"])

    # Left alone again: back to the welcome screen, and nothing of the patient.
    expect(heading).to_have_text(WORDS["en"]["welcome"], timeout=3 * SHORT_IDLE_SECONDS * 1000)
    _shows_nothing_of(tablet, "A. L.", "Sleep better", "/c/")
    link = CheckinLink.objects.get(session=session)
    assert link.revoked_at is not None
    assert Response.objects.filter(checkin__session=session, value=3.0).exists()  # kept
    tablet.go_back()
    expect(tablet.get_by_role("heading", level=1)).to_have_text(WORDS["en"]["welcome"])
    _shows_nothing_of(tablet, "A. L.", "Sleep better")
    context.close()
