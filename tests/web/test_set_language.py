"""Switching the interface language, signed in or not."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import User
from tests.accounts.helpers import actions_recorded, database_snapshot, french, messages_of

URL = reverse("web:set_language")
PROFILE = reverse("accounts:profile")
UNKNOWN = "This language is not available. Choose English or French."


def test_a_visitor_gets_a_language_cookie(client: Client, db: None) -> None:
    response = client.post(URL, {"language": "fr", "next": reverse("accounts:login")})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    page = client.get(reverse("accounts:login"))
    assert page["Content-Language"] == "fr"


def test_a_signed_in_person_keeps_their_choice(therapist_client: Client, therapist: User) -> None:
    therapist_client.post(URL, {"language": "fr", "next": PROFILE})
    therapist.refresh_from_db()
    assert therapist.language == "fr"
    assert actions_recorded()[-1] == "accounts.language_changed"
    # On another device, with an English browser and no cookie, still French.
    other_device = Client()
    other_device.force_login(therapist)
    response = other_device.get(PROFILE, headers={"accept-language": "en"})
    assert response["Content-Language"] == "fr"


def test_the_browser_language_is_the_default(therapist_client: Client) -> None:
    response = therapist_client.get(PROFILE, headers={"accept-language": "fr-FR,fr;q=0.9"})
    assert response["Content-Language"] == "fr"
    response = therapist_client.get(PROFILE, headers={"accept-language": "en-GB"})
    assert response["Content-Language"] == "en"


@pytest.mark.parametrize("language", ["de", "", "fr-XX", "<script>"])
def test_an_unknown_language_changes_nothing(
    therapist_client: Client, therapist: User, language: str
) -> None:
    before = database_snapshot()
    response = therapist_client.post(URL, {"language": language, "next": PROFILE})
    assert response.status_code == 302
    assert response["Location"] == PROFILE
    assert messages_of(response) == [UNKNOWN]
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert database_snapshot() == before


def test_the_unknown_language_message_is_translated(client: Client, db: None) -> None:
    response = client.post(URL, {"language": "de"}, headers={"accept-language": "fr"}, follow=True)
    assert french(UNKNOWN) in response.content.decode()


def test_it_never_redirects_to_another_site(client: Client, db: None) -> None:
    response = client.post(URL, {"language": "fr", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_it_needs_a_post(client: Client, db: None) -> None:
    assert client.get(URL, {"language": "fr"}).status_code == 405
