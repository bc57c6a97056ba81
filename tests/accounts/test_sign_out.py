"""Signing out: this session, every session, and after idling."""

from __future__ import annotations

import time

from django.conf import settings
from django.test import Client
from django.urls import reverse

from alliance.accounts.middleware import LAST_ACTIVITY_KEY
from alliance.accounts.models import User
from tests.accounts.helpers import actions_recorded, french, messages_of

HOME = reverse("web:home")
PROFILE = reverse("accounts:profile")
SIGN_IN = reverse("accounts:login")


def is_signed_in(client: Client) -> bool:
    return client.get(PROFILE).status_code == 200


def test_sign_out_ends_the_session(therapist_client: Client) -> None:
    response = therapist_client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == SIGN_IN
    assert messages_of(response) == ["You are signed out."]
    assert not is_signed_in(therapist_client)
    assert actions_recorded()[-1] == "accounts.signed_out"


def test_sign_out_needs_a_post(therapist_client: Client) -> None:
    """A link (or an image tag on another site) cannot sign anyone out."""
    assert therapist_client.get(reverse("accounts:logout")).status_code == 405
    assert is_signed_in(therapist_client)


def test_sign_out_everywhere_ends_every_session(therapist: User, therapist_client: Client) -> None:
    phone = Client()
    phone.force_login(therapist)
    epoch = therapist.session_epoch
    response = therapist_client.post(reverse("accounts:sign_out_everywhere"))
    assert response.status_code == 302
    assert response["Location"] == SIGN_IN
    assert not is_signed_in(therapist_client)
    assert not is_signed_in(phone)
    therapist.refresh_from_db()
    assert therapist.session_epoch != epoch
    assert "accounts.signed_out_everywhere" in actions_recorded()


def test_sign_out_everywhere_leaves_colleagues_signed_in(
    therapist_client: Client, colleague_client: Client
) -> None:
    therapist_client.post(reverse("accounts:sign_out_everywhere"))
    assert is_signed_in(colleague_client)


def test_sign_out_everywhere_needs_a_post(therapist_client: Client) -> None:
    assert therapist_client.get(reverse("accounts:sign_out_everywhere")).status_code == 405
    assert is_signed_in(therapist_client)


def test_sign_out_everywhere_requires_sign_in(client: Client, db: None) -> None:
    response = client.post(reverse("accounts:sign_out_everywhere"))
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)


def _idle_for(client: Client, seconds: int) -> None:
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - seconds
    session.save()


def test_an_idle_session_is_signed_out(therapist_client: Client) -> None:
    therapist_client.get(PROFILE)
    _idle_for(therapist_client, settings.SESSION_IDLE_TIMEOUT_SECONDS + 5)
    response = therapist_client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next=%2Faccounts%2Fprofile%2F"
    minutes = settings.SESSION_IDLE_TIMEOUT_SECONDS // 60
    expected = f"You were signed out after {minutes} minutes without activity."
    assert messages_of(response) == [expected]
    assert not is_signed_in(therapist_client)
    assert actions_recorded()[-1] == "accounts.signed_out"


def test_the_idle_message_is_translated(therapist_client: Client) -> None:
    therapist_client.get(PROFILE)
    _idle_for(therapist_client, settings.SESSION_IDLE_TIMEOUT_SECONDS + 5)
    response = therapist_client.get(PROFILE, headers={"accept-language": "fr"}, follow=True)
    minutes = settings.SESSION_IDLE_TIMEOUT_SECONDS // 60
    expected = french("You were signed out after %(minutes)d minutes without activity.")
    assert expected % {"minutes": minutes} in response.content.decode()


def test_activity_within_the_timeout_keeps_the_session(therapist_client: Client) -> None:
    therapist_client.get(PROFILE)
    _idle_for(therapist_client, settings.SESSION_IDLE_TIMEOUT_SECONDS - 60)
    assert is_signed_in(therapist_client)
    # The previous request counted as activity: the clock restarted.
    assert therapist_client.session[LAST_ACTIVITY_KEY] >= int(time.time()) - 5
