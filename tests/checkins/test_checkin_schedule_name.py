"""The page of a patient's check-in schedule has one name, in English and in French.

The patient's page, the session's check-in page, the page itself (title and
heading) and the message after saving all call it the same.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import User
from alliance.care.models import Patient, Session
from tests.accounts.helpers import french, page_text

OLD_NAMES = {
    "en": ("Check-in plan", "monitoring plan", "questionnaire schedule", "Schedule per patient"),
    "fr": ("Calendrier des bilans et des questionnaires",),
}
PLAN_FORM = {
    "phq9_every_sessions": "2",
    "gad7_every_sessions": "0",
    "auto_invite_after_minutes": "",
    "reminder_after_hours": "24",
}


def in_language(language: str, message: str) -> str:
    return french(message) if language == "fr" else message


def link_text(page: str, href: str) -> str:
    match = re.search(rf'<a [^>]*href="{re.escape(href)}"[^>]*>([^<]*)</a>', page)
    assert match, f"no link to {href}"
    return match.group(1).strip()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_page_calls_it_the_check_in_schedule(
    therapist_client: Client, therapist: User, patient: Patient, session: Session, language: str
) -> None:
    therapist.language = language
    therapist.save(update_fields=["language"])
    name = in_language(language, "Check-in schedule")
    for_patient = in_language(language, "Check-in schedule for %(name)s") % {"name": "A. L."}
    schedule = reverse("checkins:plan", kwargs={"patient_uuid": patient.uuid})

    detail = page_text(therapist_client.get(reverse("care:patient_detail", args=[patient.uuid])))
    assert link_text(detail, schedule) == name
    session_page = page_text(
        therapist_client.get(reverse("checkins:session", kwargs={"session_uuid": session.uuid}))
    )
    assert link_text(session_page, schedule) == for_patient
    page = page_text(therapist_client.get(schedule))
    assert f"<title>{name}" in page
    assert f"<h1>{for_patient}</h1>" in page
    saved = page_text(therapist_client.post(schedule, PLAN_FORM, follow=True))
    assert in_language(language, "The check-in schedule is saved.") in saved

    for old in OLD_NAMES[language]:
        for text in (detail, session_page, page, saved):
            assert old not in text
