"""The repair loop in Chromium: a sharp drop in a patient's check-in shows a rupture on
the caseload; the therapist plans the repair and records it; the next good
check-in resolves it.

The patient answers through their emailed link, in the browser. The check-ins
app's submit action does not call the signal refresh yet (the lead wires it):
this test calls ``refresh_patient_signals(patient=…, at_checkin=…)`` right
after each submission, exactly as the submit hook will.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from alliance.accounts.models import User
from alliance.care.models import Patient, Session
from alliance.checkins import actions as checkin_actions
from alliance.checkins.models import Checkin, MonitoringPlan
from alliance.monitoring import actions
from alliance.monitoring.models import Repair, Resolution
from tests.browser.accessibility import assert_accessible
from tests.browser.test_checkin_patient import settle, sign_in
from tests.care.factories import make_patient, make_session, open_episode_of
from tests.monitoring.factories import steady_history


def _patient(therapist: User) -> Patient:
    patient = make_patient(
        therapist=therapist,
        display_name="R. P.",
        contact_email="rp@example.org",
        preferred_language="en",
    )
    MonitoringPlan.objects.create(patient=patient, phq9_every_sessions=0, gad7_every_sessions=0)
    steady_history(patient, count=6, start_days_ago=60, level=8)
    return patient


def _new_session(patient: Patient, days_ago: int) -> Session:
    from datetime import timedelta

    from django.utils import timezone

    return make_session(
        episode=open_episode_of(patient), starts_at=timezone.now() - timedelta(days=days_ago)
    )


def _answer_checkin(
    page: Page, live_server: Any, session: Session, therapist: User, value: str
) -> None:
    """The patient opens the emailed link and answers every rating with ``value``."""
    checkin_actions.invite_by_email(session=session, by=therapist)
    line = next(line for line in mail.outbox[-1].body.splitlines() if "/c/" in line)
    page.goto(live_server.url + "/c/" + line.strip().split("/c/")[1])
    while "/step/send/" not in page.url:
        for group in page.locator("fieldset.question").all():
            wanted = group.locator(f'input[type="radio"][value="{value}"]')
            choice = wanted if wanted.count() else group.locator('input[type="radio"][value="0"]')
            choice.first.check()
        settle(page)
        page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    checkin = Checkin.objects.get(session=session, respondent="patient")
    # What the check-ins submit action will do once the lead wires it.
    actions.refresh_patient_signals(patient=session.episode.patient, at_checkin=checkin)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_drop_appears_is_planned_recorded_and_resolved(
    page: Page, live_server: Any, therapist: User
) -> None:
    patient = _patient(therapist)
    rupture_session = _new_session(patient, days_ago=9)
    _answer_checkin(page, live_server, rupture_session, therapist, value="1")

    sign_in(page, live_server, therapist)
    page.goto(f"{live_server.url}/caseload/")
    row = page.get_by_role("row", name=re.compile("R. P."))
    expect(row).to_contain_text("Rupture not yet repaired")
    expect(row).to_contain_text("Plan a repair")
    assert_accessible(page)

    row.get_by_role("link", name=re.compile("Open repair")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Repair of the rupture")
    assert_accessible(page)
    page.get_by_label("Talk about what happened between us").check()
    page.get_by_label("Note").fill("Ask what felt wrong in that session.")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator("#repair-status")).to_have_text("Planned")

    page.get_by_role("link", name=re.compile("Back to the brief")).click()
    expect(page.get_by_role("heading", name="Suggested next step")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Timeline").first.click()
    expect(page.locator("img.chart").first).to_be_visible()
    assert_accessible(page)
    page.go_back()
    page.go_back()

    next_session = _new_session(patient, days_ago=2)
    page.reload()
    page.get_by_label("Session in which you talked about it").select_option(str(next_session.uuid))
    page.get_by_role("button", name="Record it").click()
    expect(page.locator("#repair-status")).to_have_text("Addressed in session")

    _answer_checkin(page, live_server, next_session, therapist, value="8")
    repair = Repair.objects.get(patient=patient)
    assert repair.resolution == Resolution.RATINGS_BACK

    page.goto(f"{live_server.url}/caseload/")
    row = page.get_by_role("row", name=re.compile("R. P."))
    expect(row).not_to_contain_text("Rupture not yet repaired")
    page.goto(f"{live_server.url}/caseload/repairs/{repair.uuid}/")
    expect(page.locator("#repair-status")).to_have_text("Repaired")
