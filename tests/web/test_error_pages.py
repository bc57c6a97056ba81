"""Translated error pages, and no asset from another site."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import User
from tests.accounts.helpers import french, page_text

NOT_FOUND = "This page does not exist"
FORBIDDEN = "You are not allowed to see this page"
SERVER_ERROR = "Something went wrong on our side"


def test_an_unknown_address_shows_the_404_page(therapist_client: Client) -> None:
    response = therapist_client.get("/no/such/page/")
    assert response.status_code == 404
    assert NOT_FOUND in page_text(response)


def test_the_404_page_is_translated(therapist_client: Client) -> None:
    response = therapist_client.get("/no/such/page/", headers={"accept-language": "fr"})
    assert french(NOT_FOUND) in page_text(response)


def test_the_404_page_follows_the_language_cookie(client: Client, db: None) -> None:
    client.cookies["alliance_language"] = "fr"
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert french(NOT_FOUND) in page_text(response)


def test_a_wrong_role_shows_the_403_page(therapist_client: Client) -> None:
    response = therapist_client.get(reverse("accounts:clinic_members"))
    assert response.status_code == 403
    assert FORBIDDEN in page_text(response)


def test_the_403_page_is_translated(therapist_client: Client) -> None:
    response = therapist_client.get(
        reverse("accounts:clinic_members"), headers={"accept-language": "fr"}
    )
    assert french(FORBIDDEN) in page_text(response)


@pytest.fixture
def broken_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("alliance.accounts.views.ProfileForm", explode)


@pytest.mark.usefixtures("broken_profile")
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_bug_shows_the_translated_500_page(therapist: User, language: str) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(therapist)
    response = client.get(reverse("accounts:profile"), headers={"accept-language": language})
    assert response.status_code == 500
    expected = SERVER_ERROR if language == "en" else french(SERVER_ERROR)
    assert expected in page_text(response)


def _asset_urls(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


@pytest.mark.parametrize(
    "url", ["/", "/accounts/profile/", "/accounts/security/", "/no/such/page/"]
)
def test_no_page_loads_anything_from_another_site(administrator_client: Client, url: str) -> None:
    html = administrator_client.get(url, follow=True).content.decode()
    urls = _asset_urls(html)
    assert urls, "the page should link its own stylesheet"
    assert all(not re.match(r"^(https?:)?//", found) for found in urls), urls


def test_the_content_security_policy_allows_only_this_site(client: Client, db: None) -> None:
    policy = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "http" not in policy
