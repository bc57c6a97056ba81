"""Two-factor authentication: enrolment, verification at sign-in, removal.

Codes are computed with ``django_otp.oath.totp`` from the device's own key,
exactly as an authenticator app does.
"""

from __future__ import annotations

import base64

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.accounts.models import Clinic, User
from tests.accounts.helpers import (
    actions_recorded,
    database_snapshot,
    french,
    messages_of,
    page_text,
)
from tests.factories import PASSWORD, make_totp_device, totp_code, wrong_totp_code

SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")
REMOVE = reverse("accounts:two_factor_remove")
SECURITY = reverse("accounts:security")
HOME = reverse("web:home")
PROFILE = reverse("accounts:profile")


def sign_in_with_password(user: User) -> Client:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


# --- Enrolment ----------------------------------------------------------------


def test_setup_shows_a_qr_code_and_the_key(therapist_client: Client, therapist: User) -> None:
    response = therapist_client.get(SETUP)
    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=therapist)
    assert not device.confirmed
    assert "<svg" in response.content.decode()
    secret = response.context["secret"]
    assert secret in page_text(response)
    typed = secret.replace(" ", "")
    assert base64.b32decode(typed + "=" * (-len(typed) % 8)) == device.bin_key


def test_the_app_shows_alliance_and_the_address(therapist_client: Client, therapist: User) -> None:
    therapist_client.get(SETUP)
    config_url = TOTPDevice.objects.get(user=therapist).config_url
    assert config_url.startswith("otpauth://totp/Alliance%3Atheo%40riviere.example?")
    assert "issuer=Alliance" in config_url


def test_setup_reuses_the_unconfirmed_device(therapist_client: Client, therapist: User) -> None:
    therapist_client.get(SETUP)
    therapist_client.get(SETUP)
    assert TOTPDevice.objects.filter(user=therapist).count() == 1


def test_a_right_code_turns_two_factor_on(therapist_client: Client, therapist: User) -> None:
    therapist_client.get(SETUP)
    device = TOTPDevice.objects.get(user=therapist)
    response = therapist_client.post(SETUP, {"token": totp_code(device)})
    assert response.status_code == 302
    assert response["Location"] == SECURITY
    assert messages_of(response) == ["Two-factor authentication is on."]
    device.refresh_from_db()
    assert device.confirmed
    assert "accounts.two_factor_enabled" in actions_recorded()
    # This session is verified: no second prompt right after enrolment.
    assert therapist_client.get(PROFILE).status_code == 200


def test_a_code_typed_with_spaces_is_accepted(therapist_client: Client, therapist: User) -> None:
    therapist_client.get(SETUP)
    device = TOTPDevice.objects.get(user=therapist)
    code = totp_code(device)
    therapist_client.post(SETUP, {"token": f"{code[:3]} {code[3:]}"})
    device.refresh_from_db()
    assert device.confirmed


def test_a_wrong_code_leaves_two_factor_off(therapist_client: Client, therapist: User) -> None:
    therapist_client.get(SETUP)
    device = TOTPDevice.objects.get(user=therapist)
    before = database_snapshot()
    response = therapist_client.post(SETUP, {"token": wrong_totp_code(device)})
    assert response.status_code == 200
    message = "This code is not right. Check your app's clock and try again."
    assert message in page_text(response)
    device.refresh_from_db()
    assert not device.confirmed
    assert database_snapshot()["audit"] == before["audit"]


@pytest.mark.parametrize("token", ["12345", "abcdef", "1234567"])
def test_a_malformed_code_is_explained(therapist_client: Client, token: str) -> None:
    response = therapist_client.post(SETUP, {"token": token})
    assert "Type the 6 digits shown in your authenticator app." in page_text(response)


def test_the_wrong_code_message_is_translated(therapist_client: Client, therapist: User) -> None:
    therapist_client.get(SETUP)
    device = TOTPDevice.objects.get(user=therapist)
    response = therapist_client.post(
        SETUP, {"token": wrong_totp_code(device)}, headers={"accept-language": "fr"}
    )
    message = french("This code is not right. Check your app's clock and try again.")
    assert message in page_text(response)


def test_setup_when_already_on_goes_to_security(therapist: User) -> None:
    device = make_totp_device(user=therapist)
    client = sign_in_with_password(therapist)
    client.post(VERIFY, {"token": totp_code(device)})
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response["Location"] == SECURITY


def test_setup_requires_sign_in(client: Client, db: None) -> None:
    assert client.get(SETUP)["Location"].startswith(reverse("accounts:login"))


def test_setup_rejects_other_methods(therapist_client: Client) -> None:
    assert therapist_client.delete(SETUP).status_code == 405


# --- Verification at sign-in ----------------------------------------------------


def test_a_password_alone_is_not_enough(therapist: User) -> None:
    make_totp_device(user=therapist)
    client = sign_in_with_password(therapist)
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Faccounts%2Fprofile%2F"


def test_the_right_code_completes_sign_in(therapist: User) -> None:
    device = make_totp_device(user=therapist)
    client = sign_in_with_password(therapist)
    response = client.post(f"{VERIFY}?next={PROFILE}", {"token": totp_code(device)})
    assert response.status_code == 302
    assert response["Location"] == PROFILE
    assert client.get(PROFILE).status_code == 200
    assert actions_recorded()[-1] == "accounts.two_factor_verified"


def test_a_wrong_code_keeps_the_door_closed(therapist: User) -> None:
    device = make_totp_device(user=therapist)
    client = sign_in_with_password(therapist)
    response = client.post(VERIFY, {"token": wrong_totp_code(device)})
    assert response.status_code == 200
    message = "This code is not right. Wait for a new code in your app and try again."
    assert message in page_text(response)
    assert client.get(PROFILE).status_code == 302
    assert actions_recorded()[-1] == "accounts.two_factor_failed"


def test_a_code_cannot_be_used_twice(therapist: User) -> None:
    device = make_totp_device(user=therapist)
    code = totp_code(device)
    first = sign_in_with_password(therapist)
    assert first.post(VERIFY, {"token": code}).status_code == 302
    second = sign_in_with_password(therapist)
    assert second.post(VERIFY, {"token": code}).status_code == 200
    assert second.get(PROFILE).status_code == 302


def test_another_persons_code_does_not_work(therapist: User, colleague: User) -> None:
    make_totp_device(user=therapist)
    colleague_device = make_totp_device(user=colleague)
    client = sign_in_with_password(therapist)
    client.post(VERIFY, {"token": totp_code(colleague_device)})
    assert client.get(PROFILE).status_code == 302


def test_verify_ignores_a_next_url_to_another_site(therapist: User) -> None:
    device = make_totp_device(user=therapist)
    client = sign_in_with_password(therapist)
    response = client.post(f"{VERIFY}?next=https://evil.example/", {"token": totp_code(device)})
    assert response["Location"] == HOME


def test_verify_without_a_device_goes_home(therapist_client: Client) -> None:
    assert therapist_client.get(VERIFY)["Location"] == HOME


def test_verify_requires_sign_in(client: Client, db: None) -> None:
    assert client.get(VERIFY)["Location"].startswith(reverse("accounts:login"))


def test_a_half_signed_in_person_may_still_sign_out(therapist: User) -> None:
    make_totp_device(user=therapist)
    client = sign_in_with_password(therapist)
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:login")


# --- Required by the clinic ---------------------------------------------------


def test_a_clinic_can_require_enrolment(therapist_client: Client, clinic: Clinic) -> None:
    Clinic.objects.filter(pk=clinic.pk).update(require_two_factor=True)
    response = therapist_client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"] == SETUP
    assert messages_of(response) == [
        "Your clinic requires two-factor authentication. Set it up to continue."
    ]
    assert therapist_client.get(SETUP).status_code == 200


def test_the_requirement_stops_at_the_clinic(outsider_client: Client, clinic: Clinic) -> None:
    Clinic.objects.filter(pk=clinic.pk).update(require_two_factor=True)
    assert outsider_client.get(PROFILE).status_code == 200


# --- Removal ------------------------------------------------------------------


@pytest.fixture
def verified(therapist: User) -> tuple[Client, TOTPDevice]:
    device = make_totp_device(user=therapist)
    client = sign_in_with_password(therapist)
    client.post(VERIFY, {"token": totp_code(device)})
    return client, device


def test_a_fresh_code_turns_two_factor_off(
    verified: tuple[Client, TOTPDevice], therapist: User
) -> None:
    client, device = verified
    response = client.post(REMOVE, {"token": totp_code(device, drift=1)})
    assert response["Location"] == SECURITY
    assert messages_of(response) == ["Two-factor authentication is off."]
    assert not TOTPDevice.objects.filter(user=therapist).exists()
    assert client.get(PROFILE).status_code == 200  # this session stays signed in
    assert actions_recorded()[-1] == "accounts.two_factor_disabled"


def test_removal_signs_out_other_sessions(
    verified: tuple[Client, TOTPDevice], therapist: User
) -> None:
    client, device = verified
    elsewhere = Client()
    elsewhere.force_login(therapist)
    client.post(REMOVE, {"token": totp_code(device, drift=1)})
    assert elsewhere.get(PROFILE).status_code == 302


def test_a_wrong_code_keeps_two_factor_on(
    verified: tuple[Client, TOTPDevice], therapist: User
) -> None:
    client, device = verified
    response = client.post(REMOVE, {"token": wrong_totp_code(device)})
    assert messages_of(response) == [
        "This code is not right. Two-factor authentication is still on."
    ]
    assert TOTPDevice.objects.filter(user=therapist, confirmed=True).exists()


def test_it_cannot_be_turned_off_when_the_clinic_requires_it(
    verified: tuple[Client, TOTPDevice], therapist: User, clinic: Clinic
) -> None:
    client, device = verified
    Clinic.objects.filter(pk=clinic.pk).update(require_two_factor=True)
    before = database_snapshot()
    response = client.post(REMOVE, {"token": totp_code(device, drift=1)})
    assert messages_of(response) == [
        "Your clinic requires two-factor authentication: it cannot be turned off."
    ]
    # The code was checked (the device notes its use); nothing else changed.
    after = database_snapshot()
    assert after["users"] == before["users"]
    assert TOTPDevice.objects.filter(user=therapist, confirmed=True).count() == 1
    assert after["audit"] == before["audit"]


def test_removal_needs_a_post(verified: tuple[Client, TOTPDevice]) -> None:
    client, _ = verified
    assert client.get(REMOVE).status_code == 405


def test_removal_requires_sign_in(client: Client, db: None) -> None:
    assert client.post(REMOVE)["Location"].startswith(reverse("accounts:login"))


def test_guessing_codes_is_slowed_down(therapist: User) -> None:
    """After a wrong code, even the right one waits (django-otp's throttling)."""
    device = make_totp_device(user=therapist)
    client = sign_in_with_password(therapist)
    client.post(VERIFY, {"token": wrong_totp_code(device)})
    response = client.post(VERIFY, {"token": totp_code(device)})
    assert response.status_code == 200
    assert client.get(PROFILE).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1
