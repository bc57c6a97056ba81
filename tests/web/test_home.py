"""The home page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import Clinic, Role, User
from tests.accounts.helpers import page_text
from tests.factories import make_user
from tests.query_counts import steady_queries

URL = reverse("web:home")


@pytest.fixture
def manager(clinic: Clinic) -> User:
    """An administrator who is not a therapist (an office manager)."""
    return make_user(clinic=clinic, full_name="Margot Manager", roles=(Role.ADMINISTRATOR,))


@pytest.fixture
def manager_client(manager: User) -> Client:
    client = Client()
    client.force_login(manager)
    return client


def test_therapists_start_on_their_caseload(therapist_client: Client) -> None:
    response = therapist_client.get(URL)
    assert response["Location"] == reverse("monitoring:caseload")


def test_a_therapist_who_also_administers_starts_on_the_caseload(
    administrator_client: Client,
) -> None:
    assert administrator_client.get(URL)["Location"] == reverse("monitoring:caseload")


def test_supervisors_start_on_the_clinics_figures(supervisor_client: Client) -> None:
    assert supervisor_client.get(URL)["Location"] == reverse("monitoring:clinic")


def test_administrators_see_their_clinic(
    manager_client: Client, manager: User, therapist: User, colleague: User, outsider: User
) -> None:
    response = manager_client.get(URL)
    assert response.status_code == 200
    assert f"Hello, {manager.full_name}" in page_text(response)
    assert response.context["colleague_count"] == 2
    assert "2 colleagues can sign in." in page_text(response)
    assert reverse("accounts:clinic_members") in page_text(response)


def test_the_number_of_queries_does_not_grow_with_the_clinic(
    manager_client: Client, clinic: Clinic
) -> None:
    def count() -> int:
        return steady_queries(manager_client, URL)

    few = count()
    for _ in range(5):
        make_user(clinic=clinic)
    assert count() == few


def test_visitors_are_sent_to_sign_in(client: Client, clinic: Clinic) -> None:
    response = client.get(URL)
    assert response["Location"] == reverse("accounts:login")


def test_it_rejects_other_methods(therapist_client: Client) -> None:
    assert therapist_client.post(URL).status_code == 405
