"""The therapist's pages: every URL for every persona."""

from __future__ import annotations

import smtplib
import uuid
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.care.models import Patient, Session
from alliance.checkins import actions
from alliance.checkins.models import (
    Checkin,
    CheckinLink,
    CheckinScore,
    EmailStatus,
    MonitoringPlan,
    SafetyAlert,
)
from tests.care.factories import make_patient, make_session, open_episode_of
from tests.checkins.factories import make_checkin, make_link
from tests.checkins.helpers import answer_everything

pytestmark = pytest.mark.django_db

MIRROR = {
    "goal": "7",
    "goal_shared": "8",
    "task": "6",
    "task_useful": "7",
    "bond": "9",
    "bond_respect": "9",
    "overall": "7",
    "tension": "0",
}


def session_urls(session: Session) -> list[tuple[str, str]]:
    kwargs = {"session_uuid": session.uuid}
    return [
        ("get", reverse("checkins:session", kwargs=kwargs)),
        ("post", reverse("checkins:invite", kwargs=kwargs)),
        ("post", reverse("checkins:qr", kwargs=kwargs)),
        ("post", reverse("checkins:rate", kwargs=kwargs)),
        ("post", reverse("checkins:send_to_kiosk", kwargs=kwargs)),
    ]


def test_session_page_works(therapist_client: Client, session: Session) -> None:
    response = therapist_client.get(
        reverse("checkins:session", kwargs={"session_uuid": session.uuid})
    )
    assert response.status_code == 200
    assert b"Send the check-in by email" in response.content


@pytest.mark.parametrize("persona", ["colleague_client", "outsider_client"])
def test_other_therapists_get_404_everywhere(
    request: Any, persona: str, session: Session, link: CheckinLink, patient: Patient
) -> None:
    client: Client = request.getfixturevalue(persona)
    for method, path in session_urls(session):
        assert getattr(client, method)(path).status_code == 404, path
    assert (
        client.post(reverse("checkins:revoke_link", kwargs={"link_uuid": link.uuid})).status_code
        == 404
    )
    assert (
        client.get(reverse("checkins:plan", kwargs={"patient_uuid": patient.uuid})).status_code
        == 404
    )
    assert not CheckinLink.objects.exclude(pk=link.pk).exists()


def test_supervisor_is_refused(supervisor_client: Client, session: Session) -> None:
    for method, path in session_urls(session):
        assert getattr(supervisor_client, method)(path).status_code == 403


def test_login_required(client: Client, session: Session) -> None:
    for method, path in session_urls(session):
        response = getattr(client, method)(path)
        assert response.status_code == 302
        assert "/accounts/" in response["Location"]
    assert client.get(reverse("checkins:not_answered")).status_code == 302


def test_bad_uuid_is_404(therapist_client: Client) -> None:
    assert (
        therapist_client.get(
            reverse("checkins:session", kwargs={"session_uuid": uuid.uuid4()})
        ).status_code
        == 404
    )
    assert therapist_client.get("/checkins/session/not-a-uuid/").status_code == 404


def test_wrong_method(therapist_client: Client, session: Session) -> None:
    assert (
        therapist_client.get(
            reverse("checkins:invite", kwargs={"session_uuid": session.uuid})
        ).status_code
        == 405
    )


def test_send_invitation_in_one_click(therapist_client: Client, session: Session) -> None:
    response = therapist_client.post(
        reverse("checkins:invite", kwargs={"session_uuid": session.uuid}), follow=True
    )
    assert b"was sent by email" in response.content
    assert len(mail.outbox) == 1


def test_refused_address_tells_the_therapist(
    therapist_client: Client, session: Session, monkeypatch: Any
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise smtplib.SMTPRecipientsRefused({"al@example.org": (550, b"unknown")})

    monkeypatch.setattr("alliance.checkins.mail.send_mail", refuse)
    response = therapist_client.post(
        reverse("checkins:invite", kwargs={"session_uuid": session.uuid}), follow=True
    )
    assert b"refused the patient" in response.content
    assert b"QR code" in response.content
    assert CheckinLink.objects.get().email_status == EmailStatus.FAILED
    listing = therapist_client.get(reverse("checkins:not_answered"))
    assert b"Refused: check the address" in listing.content


def test_qr_code_is_inline_svg(therapist_client: Client, session: Session) -> None:
    response = therapist_client.post(reverse("checkins:qr", kwargs={"session_uuid": session.uuid}))
    assert response.status_code == 200
    assert b"<svg" in response.content
    assert response["Cache-Control"] == "no-store"
    assert CheckinLink.objects.get().channel == "qr"


def test_mirror_rating(therapist_client: Client, session: Session, therapist: User) -> None:
    path = reverse("checkins:rate", kwargs={"session_uuid": session.uuid})
    therapist_client.post(path, MIRROR)
    mirror = Checkin.objects.get(respondent="therapist")
    assert mirror.by == therapist
    assert mirror.is_submitted
    assert CheckinScore.objects.get(checkin=mirror).bond == 9.0
    therapist_client.post(path, {**MIRROR, "bond": "5"})
    assert CheckinScore.objects.get(checkin=mirror).bond == 7.0
    assert Checkin.objects.filter(respondent="therapist").count() == 1


def test_incomplete_mirror_rating_is_refused(therapist_client: Client, session: Session) -> None:
    response = therapist_client.post(
        reverse("checkins:rate", kwargs={"session_uuid": session.uuid}), {"goal": "7"}, follow=True
    )
    assert b"Rate each line" in response.content
    assert not Checkin.objects.exists()


def test_revoke_link(therapist_client: Client, link: CheckinLink) -> None:
    therapist_client.post(reverse("checkins:revoke_link", kwargs={"link_uuid": link.uuid}))
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_not_answered_list_and_its_queries(
    therapist_client: Client, therapist: User, colleague: User
) -> None:
    for _ in range(3):
        patient = make_patient(therapist=therapist)
        make_link(session=make_session(episode=open_episode_of(patient)))
    answered_session = make_session(episode=open_episode_of(make_patient(therapist=therapist)))
    make_link(session=answered_session)
    make_checkin(session=answered_session, status="submitted", submitted_at=timezone.now())
    make_link(
        session=make_session(
            episode=open_episode_of(make_patient(therapist=colleague, display_name="Not mine"))
        )
    )
    path = reverse("checkins:not_answered")
    therapist_client.get(path)
    with CaptureQueriesContext(connection) as few:
        response = therapist_client.get(path)
    patient = make_patient(therapist=therapist)
    make_link(session=make_session(episode=open_episode_of(patient)))
    with CaptureQueriesContext(connection) as more:
        therapist_client.get(path)
    assert response.content.count(b"<tr>") == 4  # header + 3
    assert b"Not mine" not in response.content
    assert len(more) == len(few)


def test_safety_banner_until_acknowledged(
    therapist_client: Client, colleague_client: Client, session: Session, therapist: User
) -> None:
    checkin = make_checkin(session=session)
    alert = SafetyAlert.objects.create(
        patient=checkin.patient,
        checkin=checkin,
        instrument_id="phq-9",
        rule_id="self_harm",
        value=1,
    )
    home = therapist_client.get(reverse("checkins:not_answered"))
    assert b"Safety alert." in home.content
    assert b"Safety alert." not in colleague_client.get(reverse("checkins:not_answered")).content
    assert (
        colleague_client.post(
            reverse("checkins:acknowledge_alert", kwargs={"alert_uuid": alert.uuid})
        ).status_code
        == 404
    )
    therapist_client.post(reverse("checkins:acknowledge_alert", kwargs={"alert_uuid": alert.uuid}))
    alert.refresh_from_db()
    assert alert.acknowledged_by == therapist
    assert b"Safety alert." not in therapist_client.get(reverse("checkins:not_answered")).content


def test_plan_page(therapist_client: Client, patient: Patient) -> None:
    path = reverse("checkins:plan", kwargs={"patient_uuid": patient.uuid})
    assert therapist_client.get(path).status_code == 200
    therapist_client.post(
        path,
        {
            "phq9_every_sessions": "2",
            "gad7_every_sessions": "0",
            "auto_invite_after_minutes": "60",
            "reminder_after_hours": "24",
        },
    )
    patient.monitoring_plan.refresh_from_db()
    assert patient.monitoring_plan.phq9_every_sessions == 2
    assert patient.monitoring_plan.auto_invite_after_minutes == 60


def test_patient_link_does_not_open_therapist_pages(
    client: Client, token: str, session: Session
) -> None:
    client.get(reverse("checkins:start", kwargs={"token": token}))
    response = client.get(reverse("checkins:session", kwargs={"session_uuid": session.uuid}))
    assert response.status_code == 302


def test_proposed_goal_shows_on_the_session_page(
    therapist_client: Client, link: CheckinLink, session: Session
) -> None:
    actions.propose_goal(link=link, wording="Go back to swimming")
    page = therapist_client.get(reverse("checkins:session", kwargs={"session_uuid": session.uuid}))
    assert b"Go back to swimming" in page.content


def _sent_checkin(link: CheckinLink, **overrides: dict[str, str]) -> Checkin:
    checkin = actions.start_checkin(link=link)
    answer_everything(checkin, link, **overrides)
    return actions.submit_checkin(checkin=checkin, link=link)


def test_session_page_shows_the_patient_s_answers_and_audits_the_read(
    therapist_client: Client, link: CheckinLink, session: Session, patient: Patient
) -> None:
    MonitoringPlan.objects.filter(patient=patient).update(phq9_every_sessions=1)
    _sent_checkin(
        link,
        rupture={"tension": "1", "tension_intensity": "6", "tension_discussed": "1"},
        **{"phq-9": {"self_harm": "1"}},
    )
    path = reverse("checkins:session", kwargs={"session_uuid": session.uuid})
    page = therapist_client.get(path).content.decode()
    answers = page[page.index('id="patient-answers"') :]
    assert "Was there a moment of tension or misunderstanding between us today?" in answers
    assert "<dd>Yes</dd>" in answers
    assert "<dd>6/10</dd>" in answers  # how strong
    assert "<dd>Partly</dd>" in answers  # talked it through
    assert "More exercises, please." in answers
    assert "Patient Health Questionnaire (PHQ-9)</dt><dd>9/27 · Mild</dd>" in answers
    read = AuditEvent.objects.get(action="checkins.answers_read")
    assert read.data["session"] == str(session.uuid)
    assert "More exercises" not in str(read.data)


def test_answers_in_progress_stay_with_the_patient(
    therapist_client: Client, link: CheckinLink, session: Session
) -> None:
    answer_everything(actions.start_checkin(link=link), link)
    page = therapist_client.get(reverse("checkins:session", kwargs={"session_uuid": session.uuid}))
    assert b"More exercises" not in page.content
    assert b"appear here once they have sent them" in page.content
    assert not AuditEvent.objects.filter(action="checkins.answers_read").exists()


def test_session_page_answers_in_french(
    therapist_client: Client, link: CheckinLink, session: Session
) -> None:
    _sent_checkin(link)
    therapist_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = therapist_client.get(reverse("checkins:session", kwargs={"session_uuid": session.uuid}))
    assert "Les réponses du patient" in page.content.decode()
    assert "<dd>Non</dd>" in page.content.decode()


def test_answered_checkin_is_not_offered_again(
    therapist_client: Client, link: CheckinLink, session: Session
) -> None:
    checkin = _sent_checkin(link)
    path = reverse("checkins:session", kwargs={"session_uuid": session.uuid})
    page = therapist_client.get(path).content.decode()
    assert "Send the check-in by email" not in page
    assert "Show a QR code" not in page
    assert "Usable" not in page
    assert "Answered on" in page
    assert checkin.submitted_at is not None
    response = therapist_client.post(
        reverse("checkins:invite", kwargs={"session_uuid": session.uuid}), follow=True
    )
    assert b"already sent their check-in" in response.content
    assert len(mail.outbox) == 0
    therapist_client.post(reverse("checkins:qr", kwargs={"session_uuid": session.uuid}))
    assert CheckinLink.objects.count() == 1
