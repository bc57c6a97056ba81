"""The waiting-room tablet: pairing, polling, one-use links, nothing left behind."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import User
from alliance.care.models import Session
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
    assert sent["Location"] == reverse("checkins:kiosk_done")
    done = client.get(reverse("checkins:kiosk_done"))
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
