"""A check-in left unfinished on the waiting-room tablet closes after KIOSK_IDLE_MINUTES.

Time travels the way the other check-in tests do it: the stored timestamps are
moved into the past (``last_active_at``), or an action is given ``now=``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.care.models import Session
from alliance.checkins import actions, durations
from alliance.checkins.models import CheckinLink, KioskDevice, LinkState, Response
from alliance.checkins.views.common import KIOSK_COOKIE
from tests.checkins.factories import make_kiosk

pytestmark = pytest.mark.django_db

HOME = reverse("checkins:kiosk_home")
HTMX = {"HX-Request": "true"}


def _on_tablet(client: Client, therapist: User, session: Session) -> tuple[KioskDevice, str]:
    device, device_token = make_kiosk(by=therapist)
    client.cookies[KIOSK_COOKIE] = device_token
    actions.send_to_kiosk(session=session, device=device, by=therapist)
    opened = client.get(reverse("checkins:kiosk_poll"))["Location"]
    return device, opened.split("/")[2]


def _idle_for(minutes: float) -> None:
    """The patient's last answer or tap was ``minutes`` ago."""
    CheckinLink.objects.update(last_active_at=timezone.now() - timedelta(minutes=minutes))


def _autosave(client: Client, token: str, answer: str) -> object:
    return client.post(
        reverse("checkins:autosave", kwargs={"token": token, "step": "goals"}),
        {"goal": answer},
        headers=HTMX,
    )


# --- The rule -----------------------------------------------------------------------


def test_the_rule_in_plain_datetimes() -> None:
    last = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    ten = timedelta(minutes=durations.DEFAULT_KIOSK_IDLE_MINUTES)
    assert ten == timedelta(minutes=10)
    assert not durations.is_idle(last, last + ten - timedelta(seconds=1), ten)
    assert durations.is_idle(last, last + ten, ten)
    assert durations.warning_lead(ten) == timedelta(seconds=60)
    assert durations.warning_lead(timedelta(seconds=4)) == timedelta(seconds=2)


def test_only_a_claimed_tablet_link_can_be_idle(
    therapist: User, session: Session, link: CheckinLink
) -> None:
    link.last_opened_at = timezone.now() - timedelta(days=1)
    assert link.idle_deadline() is None  # an emailed link has no idle deadline
    device, _token = make_kiosk(by=therapist)
    waiting = actions.send_to_kiosk(session=session, device=device, by=therapist)
    assert waiting.idle_deadline() is None  # not on screen yet
    actions.claim_kiosk_link(device=device)
    waiting.refresh_from_db()
    later = timezone.now() + timedelta(minutes=10)
    assert waiting.idle_deadline() == waiting.claimed_at + timedelta(minutes=10)
    assert not waiting.is_idle()
    assert waiting.is_idle(now=later)


# --- Server-side enforcement ----------------------------------------------------------


def test_an_idle_checkin_closes_and_the_tablet_shows_the_welcome_screen(
    client: Client, therapist: User, session: Session
) -> None:
    _device, token = _on_tablet(client, therapist, session)
    assert _autosave(client, token, "8").status_code == 200
    _idle_for(10)
    page = client.get(reverse("checkins:step", kwargs={"token": token, "step": "goals"}))
    assert page["Location"] == HOME
    link = CheckinLink.objects.get()
    assert link.revoked_at is not None
    assert link.revoked_by is None
    assert link.state == LinkState.REVOKED
    event = AuditEvent.objects.get(action="checkins.kiosk_link_timed_out")
    assert event.data["idle_minutes"] == 10
    assert event.data["patient"] == str(session.episode.patient.uuid)
    # The answers already saved are kept.
    assert Response.objects.filter(item_id="goal", value=8.0).exists()


def test_a_stale_page_can_neither_save_nor_see_after_the_timeout(
    client: Client, therapist: User, session: Session
) -> None:
    _device, token = _on_tablet(client, therapist, session)
    assert _autosave(client, token, "8").status_code == 200
    _idle_for(11)
    response = _autosave(client, token, "2")
    assert response["HX-Redirect"] == HOME
    assert response.content == b""
    assert Response.objects.get(item_id="goal").value == 8.0  # the late answer was not saved
    for name, kwargs in [("start", {}), ("step", {"step": "goals"}), ("thanks", {})]:
        back = client.get(reverse(f"checkins:{name}", kwargs={"token": token, **kwargs}))
        assert back["Location"] == HOME
    sent = client.post(reverse("checkins:step", kwargs={"token": token, "step": "send"}))
    assert sent["Location"] == HOME
    assert AuditEvent.objects.filter(action="checkins.kiosk_link_timed_out").count() == 1


def test_answers_and_taps_keep_the_checkin_open(
    client: Client, therapist: User, session: Session
) -> None:
    _device, token = _on_tablet(client, therapist, session)
    _idle_for(9)
    assert _autosave(client, token, "8").status_code == 200  # an answer: ten more minutes
    link = CheckinLink.objects.get()
    assert not link.is_idle(now=timezone.now() + timedelta(minutes=9))
    _idle_for(9)
    still_here = reverse("checkins:kiosk_still_here", kwargs={"token": token})
    assert client.post(still_here).status_code == 204  # "Continue", or a tap
    link.refresh_from_db()
    assert timezone.now() - link.last_active_at < timedelta(minutes=1)
    assert link.revoked_at is None


def test_still_here_after_the_timeout_goes_to_the_welcome_screen(
    client: Client, therapist: User, session: Session
) -> None:
    _device, token = _on_tablet(client, therapist, session)
    _idle_for(10)
    still_here = reverse("checkins:kiosk_still_here", kwargs={"token": token})
    assert client.post(still_here)["Location"] == HOME
    assert CheckinLink.objects.get().revoked_at is not None


def test_still_here_is_only_for_the_tablet_and_only_posted(client: Client, token: str) -> None:
    still_here = reverse("checkins:kiosk_still_here", kwargs={"token": token})
    assert client.post(still_here).status_code == 404
    assert client.get(still_here).status_code == 405


def test_the_poll_of_a_page_left_open_takes_the_tablet_home(
    client: Client, therapist: User, session: Session
) -> None:
    _on_tablet(client, therapist, session)
    poll = reverse("checkins:kiosk_poll") + "?from=checkin"
    assert client.get(poll, headers=HTMX).status_code == 204  # still in use: stays
    _idle_for(10)
    response = client.get(poll, headers=HTMX)
    assert response["HX-Redirect"] == HOME
    assert CheckinLink.objects.get().revoked_at is not None


def test_the_welcome_screen_closes_a_checkin_left_idle(
    client: Client, therapist: User, session: Session
) -> None:
    _on_tablet(client, therapist, session)
    _idle_for(10)
    assert client.get(reverse("checkins:kiosk_poll"), headers=HTMX).status_code == 204
    assert CheckinLink.objects.get().revoked_at is not None
    assert AuditEvent.objects.filter(action="checkins.kiosk_link_timed_out").count() == 1


def test_the_hourly_sweep_closes_a_checkin_on_a_tablet_switched_off(
    client: Client, therapist: User, session: Session
) -> None:
    _on_tablet(client, therapist, session)
    call_command("checkins_sweep")
    assert CheckinLink.objects.get().revoked_at is None
    _idle_for(30)
    call_command("checkins_sweep")
    assert CheckinLink.objects.get().revoked_at is not None


def test_the_therapist_can_send_it_again_and_the_answers_are_there(
    client: Client, therapist: User, session: Session
) -> None:
    device, token = _on_tablet(client, therapist, session)
    _autosave(client, token, "8")
    _idle_for(10)
    actions.close_idle_kiosk_links(device=device)
    actions.send_to_kiosk(session=session, device=device, by=therapist)
    opened = client.get(reverse("checkins:kiosk_poll"))["Location"]
    page = client.get(opened, follow=True)
    assert b'value="8" checked' in page.content


@override_settings(KIOSK_IDLE_MINUTES=30)
def test_the_timeout_is_a_setting(client: Client, therapist: User, session: Session) -> None:
    _device, token = _on_tablet(client, therapist, session)
    _idle_for(20)
    page = client.get(reverse("checkins:step", kwargs={"token": token, "step": "goals"}))
    assert page.status_code == 200
    assert b'data-idle-seconds="1800"' in page.content
    assert b'data-warning-seconds="60"' in page.content
    _idle_for(30)
    assert client.get(reverse("checkins:start", kwargs={"token": token}))["Location"] == HOME


def test_the_notice_is_on_tablet_pages_only(
    client: Client, therapist: User, session: Session, token: str
) -> None:
    emailed = client.get(reverse("checkins:step", kwargs={"token": token, "step": "goals"}))
    assert b"kiosk-idle" not in emailed.content
    _device, kiosk_token = _on_tablet(client, therapist, session)
    page = client.get(reverse("checkins:step", kwargs={"token": kiosk_token, "step": "goals"}))
    content = page.content.decode()
    assert 'aria-live="assertive"' in content
    assert "Are you still there?" in content
    assert '<button type="button" class="button" data-kiosk-continue>' in content
    assert "kiosk-idle.js" in content


def test_the_notice_speaks_the_patients_language(
    client: Client, therapist: User, session: Session
) -> None:
    patient = session.episode.patient
    patient.preferred_language = "fr"
    patient.save(update_fields=["preferred_language"])
    _device, token = _on_tablet(client, therapist, session)
    page = client.get(reverse("checkins:step", kwargs={"token": token, "step": "goals"}))
    content = page.content.decode()
    assert "Vous êtes toujours là\u202f?" in content
    assert "Continuer mon bilan de séance" in content
    assert "vos réponses sont enregistrées" in content.lower()
