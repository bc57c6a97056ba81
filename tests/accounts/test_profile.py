"""A person's own name and interface language."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from alliance.accounts.models import User
from tests.accounts.helpers import actions_recorded, database_snapshot, messages_of

URL = reverse("accounts:profile")


def test_it_shows_the_profile(therapist_client: Client, therapist: User) -> None:
    response = therapist_client.get(URL)
    assert response.status_code == 200
    assert response.context["form"].instance == therapist


def test_it_saves_the_name_and_language(therapist_client: Client, therapist: User) -> None:
    response = therapist_client.post(URL, {"full_name": "Théo T.", "language": "fr"})
    assert response["Location"] == URL
    therapist.refresh_from_db()
    assert (therapist.full_name, therapist.language) == ("Théo T.", "fr")
    assert actions_recorded()[-1] == "accounts.profile_updated"
    assert messages_of(response) == ["Your profile was saved."]


def test_an_empty_language_follows_the_browser(therapist_client: Client, therapist: User) -> None:
    therapist.language = "fr"
    therapist.save()
    therapist_client.post(URL, {"full_name": therapist.full_name, "language": ""})
    therapist.refresh_from_db()
    assert therapist.language == ""
    response = therapist_client.get(URL, headers={"accept-language": "en"})
    assert response["Content-Language"] == "en"


def test_an_unknown_language_changes_nothing(therapist_client: Client) -> None:
    before = database_snapshot()
    response = therapist_client.post(URL, {"full_name": "Théo", "language": "de"})
    assert response.status_code == 200
    assert "language" in response.context["form"].errors
    assert database_snapshot() == before


def test_it_changes_only_ones_own_profile(therapist_client: Client, colleague: User) -> None:
    therapist_client.post(URL, {"full_name": "Changed", "language": "fr", "id": colleague.pk})
    colleague.refresh_from_db()
    assert colleague.full_name == "Colette Collègue"


def test_it_requires_sign_in(client: Client, db: None) -> None:
    assert client.get(URL)["Location"] == f"{reverse('accounts:login')}?next={URL}"


def test_it_rejects_other_methods(therapist_client: Client) -> None:
    assert therapist_client.delete(URL).status_code == 405
