"""The therapist's journeys, and the waiting-room tablet, in Chromium."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from alliance.accounts.models import User
from alliance.checkins import actions
from alliance.checkins.models import Checkin, CheckinLink, KioskDevice
from tests.browser.accessibility import assert_accessible
from tests.browser.test_checkin_patient import PHONE, _answer_until_send, _patient, sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_send_an_invitation_and_rate_the_session(
    page: Page, live_server: Any, therapist: User
) -> None:
    _p, session = _patient(therapist)
    sign_in(page, live_server, therapist)
    page.goto(f"{live_server.url}/checkins/session/{session.uuid}/")
    assert_accessible(page)
    page.get_by_role("button", name="Send the check-in by email").click()
    expect(page.get_by_role("status")).to_contain_text("sent by email")
    assert len(mail.outbox) == 1
    page.get_by_role("link", name="Check-ins not answered yet").click()
    expect(page.get_by_role("row", name=re.compile("A. L."))).to_be_visible()
    assert_accessible(page)
    page.go_back()
    # The mirror rating: one click per line, then save.
    form = page.locator("form.mirror")
    for group in form.locator("fieldset").all():
        wanted = group.locator('input[value="7"]')
        (wanted if wanted.count() else group.locator('input[value="0"]')).first.check()
    form.get_by_role("button", name="Save my rating").click()
    expect(page.get_by_role("status")).to_contain_text("Your rating of the session is saved")
    assert Checkin.objects.get(respondent="therapist").is_submitted


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_qr_code(page: Page, live_server: Any, therapist: User) -> None:
    _p, session = _patient(therapist)
    sign_in(page, live_server, therapist)
    page.goto(f"{live_server.url}/checkins/session/{session.uuid}/")
    page.get_by_role("button", name="Show a QR code").click()
    expect(page.locator(".qr-code svg")).to_be_visible()
    assert CheckinLink.objects.get().channel == "qr"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_kiosk_leaves_nothing_on_screen(
    browser: Browser, live_server: Any, therapist: User
) -> None:
    _p, session = _patient(therapist)
    tablet_context = browser.new_context(viewport=PHONE)
    tablet = tablet_context.new_page()
    sign_in(tablet, live_server, therapist)
    tablet.goto(f"{live_server.url}/kiosk/pair/")
    tablet.get_by_label("Name of the tablet").fill("Waiting room")
    tablet.get_by_role("button", name="Pair and sign out").click()
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Welcome")
    expect(tablet.get_by_role("button", name="Sign out")).to_have_count(0)
    assert_accessible(tablet)
    device = KioskDevice.objects.get()
    actions.send_to_kiosk(session=session, device=device, by=therapist)
    # The neutral screen looks for it every few seconds and opens it.
    expect(tablet.get_by_role("heading", level=1)).to_have_text("What we work on", timeout=15000)
    _answer_until_send(tablet)
    # The thank-you screen lasts one poll (3 s): under load the page may already
    # have left it when an assertion looks, so read it from its own response.
    with tablet.expect_response(lambda response: "/kiosk/done/" in response.url) as thanked:
        tablet.get_by_role("button", name="Send my answers").click()
    assert "Thank you" in thanked.value.text()
    assert "Sleep better" not in thanked.value.text()
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Welcome", timeout=15000)
    for _ in range(3):
        tablet.go_back()
        expect(tablet.get_by_role("heading", level=1)).to_have_text(re.compile("Welcome|Thank you"))
        content = tablet.content()
        assert "Sleep better" not in content
        assert "A. L." not in content
    assert Checkin.objects.get(respondent="patient").is_submitted
    tablet_context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_from_the_safety_banner_to_the_answers_on_a_phone(
    browser: Browser, live_server: Any, therapist: User
) -> None:
    from tests.checkins.helpers import answer_everything

    _p, session = _patient(therapist, phq9=1)
    link, _token = actions.create_link(session=session, channel="qr", by=therapist)
    checkin = actions.start_checkin(link=link)
    answer_everything(
        checkin,
        link,
        rupture={"tension": "1", "tension_intensity": "7", "tension_discussed": "0"},
        **{"phq-9": {"self_harm": "2"}},
    )
    actions.submit_checkin(checkin=checkin, link=link)
    context = browser.new_context(viewport=PHONE)
    phone = context.new_page()
    sign_in(phone, live_server, therapist)
    phone.get_by_role("link", name="See the check-in and acknowledge the alert").first.click()
    answers = phone.locator("#patient-answers")
    expect(answers).to_contain_text("Was there a moment of tension")
    expect(answers).to_contain_text("7/10")
    expect(answers).to_contain_text("More exercises, please.")
    expect(answers).to_contain_text("PHQ-9")
    expect(phone.get_by_role("button", name="Send the check-in by email")).to_have_count(0)
    expect(phone.get_by_text(re.compile("^Answered on"))).to_be_visible()
    assert_accessible(phone)
    context.close()
