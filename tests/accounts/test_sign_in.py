"""The sign-in page: email and password, one answer for every failure."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import User
from tests.accounts.helpers import (
    actions_recorded,
    database_snapshot,
    french,
    page_text,
)
from tests.factories import PASSWORD

URL = reverse("accounts:login")
WRONG = "This email address and password do not match. Check them and try again."


def sign_in(client: Client, email: str, password: str, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(URL, {"username": email, "password": password, **extra})


def test_it_shows_the_form(client: Client, db: None) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    assert 'name="username"' in page_text(response)
    assert 'name="password"' in page_text(response)


def test_it_signs_in_and_goes_home(client: Client, therapist: User) -> None:
    response = sign_in(client, therapist.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.session["_auth_user_id"] == str(therapist.pk)
    assert actions_recorded()[-1] == "accounts.signed_in"


def test_it_accepts_the_address_in_any_case(client: Client, therapist: User) -> None:
    response = sign_in(client, "  Theo@Riviere.EXAMPLE ", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(therapist.pk)


def test_it_follows_a_safe_next_url(client: Client, therapist: User) -> None:
    response = sign_in(client, therapist.email, PASSWORD, next=reverse("accounts:profile"))
    assert response["Location"] == reverse("accounts:profile")


def test_it_ignores_a_next_url_to_another_site(client: Client, therapist: User) -> None:
    response = sign_in(client, therapist.email, PASSWORD, next="https://evil.example/")
    assert response["Location"] == reverse("web:home")


def test_a_signed_in_person_is_sent_home(therapist_client: Client) -> None:
    response = therapist_client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")


def test_wrong_password_is_refused_with_a_clear_message(client: Client, therapist: User) -> None:
    before = database_snapshot(audit=False)
    response = sign_in(client, therapist.email, "not the password")
    assert response.status_code == 200
    assert WRONG in page_text(response)
    assert "_auth_user_id" not in client.session
    assert database_snapshot(audit=False) == before
    assert actions_recorded()[-1] == "accounts.sign_in_failed"


def test_wrong_password_message_is_translated(client: Client, therapist: User) -> None:
    response = client.post(
        URL, {"username": therapist.email, "password": "nope"}, headers={"accept-language": "fr"}
    )
    assert french(WRONG) in page_text(response)
    assert WRONG not in page_text(response)


@pytest.mark.parametrize(
    "case", ["unknown address", "wrong password", "deactivated account", "empty password"]
)
def test_no_message_tells_whether_an_account_exists(
    client: Client, therapist: User, case: str
) -> None:
    reference = sign_in(client, "nobody@riviere.example", "whatever password")
    if case == "deactivated account":
        therapist.is_active = False
        therapist.save()
    email, password = {
        "unknown address": ("someone-else@riviere.example", "whatever password"),
        "wrong password": (therapist.email, "whatever password"),
        "deactivated account": (therapist.email, PASSWORD),
        "empty password": (therapist.email, ""),
    }[case]
    response = sign_in(Client(), email, password)
    assert response.status_code == reference.status_code == 200
    if case != "empty password":
        assert _form_errors(response) == _form_errors(reference) == [WRONG]
    assert "_auth_user_id" not in client.session


def _form_errors(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(error) for error in response.context["form"].non_field_errors()]


def test_an_unknown_address_costs_as_much_work_as_a_known_one(
    client: Client, therapist: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Timing: a password is hashed once in both cases (Django's dummy hashing)."""
    from django.contrib.auth.hashers import MD5PasswordHasher

    calls: list[str] = []
    original_encode = MD5PasswordHasher.encode

    def counting_encode(self, password, salt):  # type: ignore[no-untyped-def]
        calls.append(password)
        return original_encode(self, password, salt)

    # Checking a password hashes it again (verify calls encode): count hashings.
    monkeypatch.setattr(MD5PasswordHasher, "encode", counting_encode)
    sign_in(client, therapist.email, "wrong password")
    known = len(calls)
    calls.clear()
    sign_in(Client(), "nobody@riviere.example", "wrong password")
    assert known == len(calls) == 1


def test_it_rejects_other_methods(client: Client, db: None) -> None:
    assert client.delete(URL).status_code == 405
