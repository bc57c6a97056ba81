"""The administrator's list of members and pending invitations."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import Clinic, User
from tests.accounts.helpers import page_text
from tests.factories import make_invitation, make_user
from tests.query_counts import steady_queries

URL = reverse("accounts:clinic_members")


def test_it_lists_the_clinic_members_and_pending_invitations(
    administrator_client: Client,
    administrator: User,
    therapist: User,
    colleague: User,
    outsider: User,
) -> None:
    make_invitation(clinic=administrator.clinic, by=administrator, email="pending@riviere.example")
    make_invitation(
        clinic=outsider.clinic, by=outsider, token="other", email="elsewhere@montagne.example"
    )
    response = administrator_client.get(URL)
    assert response.status_code == 200
    text = page_text(response)
    assert therapist.full_name in text
    assert colleague.full_name in text
    assert "pending@riviere.example" in text
    assert outsider.full_name not in text
    assert "elsewhere@montagne.example" not in text


def test_deactivated_members_are_listed_last(
    administrator_client: Client, administrator: User, therapist: User
) -> None:
    therapist.is_active = False
    therapist.save()
    members = list(administrator_client.get(URL).context["members"])
    assert members[-1] == therapist


def test_the_number_of_queries_does_not_grow_with_the_clinic(
    administrator_client: Client,
    administrator: User,
    clinic: Clinic,
    django_assert_max_num_queries: object,
) -> None:
    def count_queries() -> int:
        return steady_queries(administrator_client, URL)

    few = count_queries()
    for number in range(10):
        make_user(clinic=clinic, roles=())
        make_invitation(clinic=clinic, by=administrator, token=f"t{number}")
    assert count_queries() == few
    assert few <= 12


def test_it_requires_sign_in(client: Client, db: None) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={URL}"


@pytest.mark.parametrize("persona", ["therapist_client", "supervisor_client", "outsider_client"])
def test_it_is_for_administrators_only(persona: str, request: pytest.FixtureRequest) -> None:
    response = request.getfixturevalue(persona).get(URL)
    assert response.status_code == 403


def test_it_rejects_other_methods(administrator_client: Client) -> None:
    assert administrator_client.post(URL).status_code == 405
