"""The waiting-room tablet: pairing, polling, one-use links, nothing left behind."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import User
from alliance.care.models import Patient, Session
from alliance.checkins import actions
from alliance.checkins.models import CheckinLink, KioskDevice
from alliance.checkins.views.common import KIOSK_COOKIE
from tests.care.factories import make_patient, make_session, open_episode_of
from tests.checkins.factories import make_kiosk
from tests.checkins.helpers import answer_everything

pytestmark = pytest.mark.django_db


def test_pairing_signs_the_therapist_out_and_leaves_a_device_cookie(
    therapist_client: Client,
) -> None:
    response = therapist_client.post(reverse("checkins:kiosk_pair"), {"name": "Salle d'attente"})
    assert response["Location"] == reverse("checkins:kiosk_home")
    cookie = response.cookies[KIOSK_COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Strict"
    assert KioskDevice.objects.get().name == "Salle d'attente"
    assert therapist_client.get(reverse("checkins:not_answered")).status_code == 302  # signed out


def test_unpaired_tablet_sees_how_to_pair(client: Client) -> None:
    response = client.get(reverse("checkins:kiosk_home"))
    assert b"not paired" in response.content
    assert client.get(reverse("checkins:kiosk_poll"))["Location"] == reverse("checkins:kiosk_home")


def test_full_kiosk_round(
    client: Client, therapist_client: Client, therapist: User, session: Session
) -> None:
    device, device_token = make_kiosk(by=therapist)
    client.cookies[KIOSK_COOKIE] = device_token
    assert client.get(reverse("checkins:kiosk_poll"))["Location"] == reverse("checkins:kiosk_home")
    therapist_client.post(
        reverse("checkins:send_to_kiosk", kwargs={"session_uuid": session.uuid}),
        {"device": str(device.uuid)},
    )
    opened = client.get(reverse("checkins:kiosk_poll"))["Location"]
    assert opened.startswith("/c/")
    token = opened.split("/")[2]
    link = CheckinLink.objects.get()
    checkin = actions.start_checkin(link=link)
    answer_everything(checkin, link)
    sent = client.post(reverse("checkins:step", kwargs={"token": token, "step": "send"}))
    assert sent["Location"] == reverse("checkins:kiosk_done") + "?language=en"
    done = client.get(sent["Location"])
    assert b"A. L." not in done.content
    assert b"Sleep" not in done.content
    # The back button: every page of that link now leads to the neutral screen.
    for name, kwargs in [("start", {}), ("step", {"step": "goals"}), ("thanks", {}), ("space", {})]:
        back = client.get(reverse(f"checkins:{name}", kwargs={"token": token, **kwargs}))
        assert back["Location"] == reverse("checkins:kiosk_home")
    # And the poll opens nothing more.
    assert client.get(reverse("checkins:kiosk_poll"))["Location"] == reverse("checkins:kiosk_home")


def test_kiosk_link_is_claimed_once(therapist: User, session: Session) -> None:
    device, _token = make_kiosk(by=therapist)
    actions.send_to_kiosk(session=session, device=device, by=therapist)
    assert actions.claim_kiosk_link(device=device) is not None
    assert actions.claim_kiosk_link(device=device) is None


def test_another_clinic_cannot_send_to_the_tablet(
    outsider_client: Client, outsider: User, therapist: User
) -> None:
    device, _token = make_kiosk(by=therapist)
    patient = make_patient(therapist=outsider)
    session = make_session(episode=open_episode_of(patient))
    response = outsider_client.post(
        reverse("checkins:send_to_kiosk", kwargs={"session_uuid": session.uuid}),
        {"device": str(device.uuid)},
    )
    assert response.status_code == 404
    assert not CheckinLink.objects.exists()


def test_kiosk_space_is_not_shown(client: Client, therapist: User, session: Session) -> None:
    device, _device_token = make_kiosk(by=therapist)
    actions.send_to_kiosk(session=session, device=device, by=therapist)
    token = actions.claim_kiosk_link(device=device)
    assert token is not None
    response = client.get(reverse("checkins:space", kwargs={"token": token}))
    assert response["Location"] == reverse("checkins:start", kwargs={"token": token})


def test_unpaired_device_opens_nothing(client: Client, therapist: User, session: Session) -> None:
    device, device_token = make_kiosk(by=therapist)
    actions.send_to_kiosk(session=session, device=device, by=therapist)
    actions.unpair_kiosk(device=device, by=therapist)
    client.cookies[KIOSK_COOKIE] = device_token
    assert client.get(reverse("checkins:kiosk_poll"))["Location"] == reverse("checkins:kiosk_home")


def _on_tablet(client: Client, therapist: User, session: Session) -> tuple[KioskDevice, str]:
    """The tablet opens ``session``'s check-in; returns the device and the link's token."""
    device, device_token = make_kiosk(by=therapist)
    client.cookies[KIOSK_COOKIE] = device_token
    actions.send_to_kiosk(session=session, device=device, by=therapist)
    opened = client.get(reverse("checkins:kiosk_poll"))["Location"]
    return device, opened.split("/")[2]


def test_autosave_after_the_link_is_closed_sends_the_tablet_home(
    client: Client, therapist: User, session: Session
) -> None:
    _device, token = _on_tablet(client, therapist, session)
    CheckinLink.objects.update(revoked_at=timezone.now())
    response = client.post(
        reverse("checkins:autosave", kwargs={"token": token, "step": "goals"}),
        {"goal": "8"},
        headers={"HX-Request": "true"},
    )
    # Not a plain redirect: htmx would follow it and show the welcome page inside the status.
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("checkins:kiosk_home")
    assert response.content == b""


def test_a_new_checkin_replaces_one_left_unfinished_on_the_tablet(
    client: Client, therapist: User, session: Session
) -> None:
    device, first_token = _on_tablet(client, therapist, session)
    first_link = CheckinLink.objects.get()
    checkin = actions.start_checkin(link=first_link)
    step = client.get(reverse("checkins:step", kwargs={"token": first_token, "step": "goals"}))
    assert b"?from=checkin" in step.content  # the unfinished page keeps looking
    client.post(
        reverse("checkins:autosave", kwargs={"token": first_token, "step": "goals"}),
        {"goal": "8"},
        headers={"HX-Request": "true"},
    )
    second = make_patient(therapist=therapist, display_name="B. M.", preferred_language="fr")
    second_session = make_session(episode=open_episode_of(second))
    actions.send_to_kiosk(session=second_session, device=device, by=therapist)
    first_link.refresh_from_db()
    assert first_link.revoked_at is not None
    assert checkin.responses.filter(item_id="goal", value=8.0).exists()  # nothing lost
    # The page left open on the tablet moves to the new check-in by itself.
    poll = client.get(reverse("checkins:kiosk_poll") + "?from=checkin", headers={"HX-Request": "1"})
    second_token = poll["HX-Redirect"].split("/")[2]
    assert CheckinLink.objects.for_token(second_token).get().session == second_session
    # The first patient's pages, with the back button, lead to the neutral screen.
    back = client.get(reverse("checkins:step", kwargs={"token": first_token, "step": "goals"}))
    assert back["Location"] == reverse("checkins:kiosk_home")
    opened = client.get(reverse("checkins:start", kwargs={"token": second_token}), follow=True)
    assert b'value="8" checked' not in opened.content
    assert b"A. L." not in opened.content


def test_a_checkin_sent_by_email_has_no_tablet_poll(
    client: Client, session: Session, token: str
) -> None:
    step = client.get(reverse("checkins:step", kwargs={"token": token, "step": "goals"}))
    assert b"kiosk/poll" not in step.content


def test_each_patient_on_the_tablet_speaks_their_own_language(
    client: Client, therapist: User, session: Session, patient: Patient
) -> None:
    patient.preferred_language = "fr"
    patient.save(update_fields=["preferred_language"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # chosen by someone before
    device, device_token = make_kiosk(by=therapist)
    client.cookies[KIOSK_COOKIE] = device_token
    actions.send_to_kiosk(session=session, device=device, by=therapist)
    poll = client.get(reverse("checkins:kiosk_poll"), headers={"HX-Request": "1"})
    assert poll.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""  # forgotten
    opened = client.get(poll["HX-Redirect"], follow=True)
    assert "Ce sur quoi nous travaillons" in opened.content.decode()
    token = poll["HX-Redirect"].split("/")[2]
    link = CheckinLink.objects.get()
    answer_everything(actions.start_checkin(link=link), link)
    sent = client.post(reverse("checkins:step", kwargs={"token": token, "step": "send"}))
    done = client.get(sent["Location"])
    assert "Merci" in done.content.decode()
    assert b"A. L." not in done.content


def test_done_page_forgets_the_language_chosen_on_the_tablet(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    done = client.get(reverse("checkins:kiosk_done") + "?language=fr")
    assert "Merci" in done.content.decode()
    assert done.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""
    assert done["Cache-Control"] == "no-store"
    # A made-up language changes nothing.
    assert client.get(reverse("checkins:kiosk_done") + "?language=xx").status_code == 200


def test_poll_from_a_checkin_on_screen_only_reads(
    client: Client, therapist: User, session: Session
) -> None:
    device, _token = _on_tablet(client, therapist, session)
    KioskDevice.objects.filter(pk=device.pk).update(last_seen_at=None)
    poll = client.get(reverse("checkins:kiosk_poll") + "?from=checkin", headers={"HX-Request": "1"})
    assert poll.status_code == 204
    assert "HX-Redirect" not in poll
    assert KioskDevice.objects.get(pk=device.pk).last_seen_at is None
