"""A patient without an email address: no email is ever recorded or shown as sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import User
from alliance.care.models import Patient, Session
from alliance.checkins import actions
from alliance.checkins.mail import send_checkin_email
from alliance.checkins.models import Channel, CheckinLink, EmailStatus
from tests.checkins.factories import make_link

pytestmark = pytest.mark.django_db

NO_ADDRESS_ADVICE = "No email address: give the link in person (QR code or waiting-room tablet)"


def _without_address(patient: Patient) -> None:
    patient.contact_email = ""
    patient.save(update_fields=["contact_email"])


def test_nothing_is_emailed_to_no_address(session: Session, patient: Patient) -> None:
    _without_address(patient)
    link, token = make_link(session=session, email_status=EmailStatus.NOT_SENT, emailed_at=None)
    assert send_checkin_email(link, token, reminder=False) == "no_address"
    assert mail.outbox == []


def test_sent_is_never_recorded_for_no_address(session: Session, patient: Patient) -> None:
    _without_address(patient)
    link, _token = make_link(session=session, email_status=EmailStatus.NOT_SENT, emailed_at=None)
    actions.record_email_result(link=link, error=None, reminder=False)
    link.refresh_from_db()
    assert link.email_status == EmailStatus.FAILED
    assert link.email_error == "no_address"
    assert link.emailed_at is None


def test_no_reminder_once_the_address_is_removed(
    session: Session, therapist: User, patient: Patient
) -> None:
    actions.invite_by_email(session=session, by=therapist)
    _without_address(patient)
    link = CheckinLink.objects.get()
    assert link.emailed_at is not None
    assert not actions.send_reminder_if_due(link=link, now=link.emailed_at + timedelta(days=3))
    link.refresh_from_db()
    assert link.reminder_sent_at is None
    assert len(mail.outbox) == 1  # the invitation only


def test_not_answered_page_says_to_give_the_link_in_person(
    therapist_client: Client, session: Session, patient: Patient
) -> None:
    make_link(session=session)  # recorded as sent, as the old demo did
    _without_address(patient)
    response = therapist_client.get(reverse("checkins:not_answered"))
    content = response.content.decode()
    assert NO_ADDRESS_ADVICE in content
    assert "<td>Sent</td>" not in content


def test_session_page_says_to_give_the_link_in_person(
    therapist_client: Client, session: Session, patient: Patient
) -> None:
    make_link(session=session)
    _without_address(patient)
    response = therapist_client.get(
        reverse("checkins:session", kwargs={"session_uuid": session.uuid})
    )
    assert NO_ADDRESS_ADVICE in response.content.decode()


def test_french_pages_say_it_too(
    therapist_client: Client, therapist: User, session: Session, patient: Patient
) -> None:
    therapist.language = "fr"
    therapist.save(update_fields=["language"])
    make_link(session=session)
    _without_address(patient)
    response = therapist_client.get(
        reverse("checkins:not_answered"), headers={"accept-language": "fr"}
    )
    assert "Pas d’adresse e-mail : donnez le lien en personne" in response.content.decode()


def test_a_qr_link_of_a_patient_without_address_is_just_not_emailed(
    therapist_client: Client, session: Session, patient: Patient
) -> None:
    _without_address(patient)
    make_link(session=session, channel=Channel.QR)
    response = therapist_client.get(reverse("checkins:not_answered"))
    content = response.content.decode()
    assert NO_ADDRESS_ADVICE not in content
    assert "Not sent" in content
