"""The home page."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from alliance.accounts.models import Clinic, User
from tests.accounts.helpers import page_text
from tests.factories import make_user
from tests.query_counts import steady_queries

URL = reverse("web:home")


def test_it_greets_the_person(therapist_client: Client, therapist: User) -> None:
    response = therapist_client.get(URL)
    assert response.status_code == 200
    assert f"Hello, {therapist.full_name}" in page_text(response)
    assert reverse("accounts:clinic_members") not in page_text(response)


def test_administrators_see_their_clinic(
    administrator_client: Client, therapist: User, colleague: User, outsider: User
) -> None:
    response = administrator_client.get(URL)
    assert response.context["colleague_count"] == 2
    assert "2 colleagues can sign in." in page_text(response)
    assert reverse("accounts:clinic_members") in page_text(response)


def test_the_number_of_queries_does_not_grow_with_the_clinic(
    administrator_client: Client, clinic: Clinic
) -> None:
    def count() -> int:
        return steady_queries(administrator_client, URL)

    few = count()
    for _ in range(5):
        make_user(clinic=clinic)
    assert count() == few


def test_visitors_are_sent_to_sign_in(client: Client, clinic: Clinic) -> None:
    response = client.get(URL)
    assert response["Location"] == reverse("accounts:login")


def test_it_rejects_other_methods(therapist_client: Client) -> None:
    assert therapist_client.post(URL).status_code == 405
