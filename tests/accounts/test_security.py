"""The security page: two-factor status, password, sessions."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.accounts.models import Clinic, User
from tests.accounts.helpers import page_text
from tests.factories import make_totp_device

URL = reverse("accounts:security")


def test_it_offers_to_turn_two_factor_on(therapist_client: Client) -> None:
    response = therapist_client.get(URL)
    assert response.status_code == 200
    assert response.context["has_two_factor"] is False
    assert reverse("accounts:two_factor_setup") in page_text(response)
    assert reverse("accounts:sign_out_everywhere") in page_text(response)


def test_it_offers_to_turn_two_factor_off(therapist: User) -> None:
    make_totp_device(user=therapist)
    client = Client()
    client.force_login(therapist)
    # Verified in this session, as after entering a code.
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=therapist).persistent_id
    session.save()
    response = client.get(URL)
    assert response.context["has_two_factor"] is True
    assert reverse("accounts:two_factor_remove") in page_text(response)


def test_it_hides_removal_when_the_clinic_requires_two_factor(
    therapist: User, clinic: Clinic
) -> None:
    Clinic.objects.filter(pk=clinic.pk).update(require_two_factor=True)
    make_totp_device(user=therapist)
    client = Client()
    client.force_login(therapist)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=therapist).persistent_id
    session.save()
    response = client.get(URL)
    assert response.status_code == 200
    assert reverse("accounts:two_factor_remove") not in page_text(response)


def test_it_requires_sign_in(client: Client, db: None) -> None:
    assert client.get(URL)["Location"].startswith(reverse("accounts:login"))


def test_it_rejects_other_methods(therapist_client: Client) -> None:
    assert therapist_client.post(URL).status_code == 405
