"""Lock-out after repeated failures (django-axes), counted per address and account."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import User
from tests.accounts.helpers import french, page_text
from tests.factories import PASSWORD

URL = reverse("accounts:login")
LOCKED = "Too many failed attempts"


def fail(client: Client, email: str, times: int, **extra: str) -> None:
    for _ in range(times):
        response = client.post(URL, {"username": email, "password": "wrong guess"}, **extra)  # type: ignore[arg-type]
        assert response.status_code in {200, 429}


def sign_in(client: Client, email: str, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(URL, {"username": email, "password": PASSWORD}, **extra)  # type: ignore[arg-type]


def test_the_right_password_is_refused_once_locked_out(client: Client, therapist: User) -> None:
    fail(client, therapist.email, settings.AXES_FAILURE_LIMIT)
    response = sign_in(client, therapist.email)
    assert response.status_code == 429
    assert LOCKED in page_text(response)
    assert "_auth_user_id" not in client.session


def test_one_failure_fewer_does_not_lock(client: Client, therapist: User) -> None:
    fail(client, therapist.email, settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in(client, therapist.email).status_code == 302


def test_a_success_resets_the_count(client: Client, therapist: User) -> None:
    fail(client, therapist.email, settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in(client, therapist.email).status_code == 302
    client.logout()
    fail(client, therapist.email, settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in(client, therapist.email).status_code == 302


def test_an_unknown_address_is_locked_out_the_same_way(client: Client, db: None) -> None:
    fail(client, "nobody@riviere.example", settings.AXES_FAILURE_LIMIT)
    response = client.post(URL, {"username": "nobody@riviere.example", "password": "x"})
    assert response.status_code == 429
    assert LOCKED in page_text(response)


def test_changing_the_case_of_the_address_does_not_escape(client: Client, therapist: User) -> None:
    variants = ["theo@riviere.example", "THEO@riviere.example", "Theo@Riviere.example"]
    for number in range(settings.AXES_FAILURE_LIMIT):
        fail(client, variants[number % len(variants)], 1)
    assert sign_in(client, "tHeO@riviere.example").status_code == 429
    assert AccessAttempt.objects.get().username == therapist.email


def test_a_colleague_at_another_address_is_not_locked_out(client: Client, therapist: User) -> None:
    """An attacker elsewhere cannot lock a therapist out of their own office."""
    fail(client, therapist.email, settings.AXES_FAILURE_LIMIT, REMOTE_ADDR="203.0.113.9")
    assert sign_in(Client(), therapist.email, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_the_lock_is_lifted_after_the_cool_off(client: Client, therapist: User) -> None:
    fail(client, therapist.email, settings.AXES_FAILURE_LIMIT)
    assert sign_in(client, therapist.email).status_code == 429
    long_ago = (
        timezone.now() - settings.AXES_COOLOFF_TIME * timedelta(hours=1) - timedelta(minutes=1)
    )
    AccessAttempt.objects.update(attempt_time=long_ago)
    assert sign_in(client, therapist.email).status_code == 302


def test_the_lock_out_page_is_translated(client: Client, therapist: User) -> None:
    fail(client, therapist.email, settings.AXES_FAILURE_LIMIT)
    response = client.post(
        URL,
        {"username": therapist.email, "password": PASSWORD},
        headers={"accept-language": "fr"},
    )
    assert response.status_code == 429
    assert french(LOCKED) in page_text(response)
