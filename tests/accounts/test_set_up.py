"""The first-run page: creates the clinic and its first administrator, once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import Installation, User
from tests.accounts.helpers import actions_recorded, database_snapshot, french, page_text
from tests.factories import PASSWORD, make_installation

URL = reverse("accounts:setup")
ALREADY = "Alliance is already set up"


def form_data(**overrides: str) -> dict[str, str]:
    return {
        "clinic_name": "Cabinet Soleil",
        "full_name": "Sabine Soleil",
        "email": "Sabine@Soleil.example",
        "language": "fr",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }


def test_a_new_installation_sends_visitors_to_the_set_up_page(client: Client, db: None) -> None:
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"] == URL


def test_it_shows_the_form(client: Client, db: None) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    assert 'name="clinic_name"' in page_text(response)


def test_it_offers_the_browser_language(client: Client, db: None) -> None:
    response = client.get(URL, headers={"accept-language": "fr"})
    assert response.context["form"]["language"].value() == "fr"


def test_it_creates_the_clinic_and_its_administrator(client: Client, db: None) -> None:
    response = client.post(URL, form_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    user = User.objects.get()
    assert user.email == "sabine@soleil.example"
    assert user.clinic.name == "Cabinet Soleil"
    assert user.is_clinic_administrator
    assert user.is_therapist
    assert not user.is_supervisor
    assert user.language == "fr"
    assert user.check_password(PASSWORD)
    assert Installation.is_set_up()
    assert client.session["_auth_user_id"] == str(user.pk)
    assert actions_recorded() == ["accounts.installation_set_up", "accounts.signed_in"]


def test_the_page_closes_once_set_up(client: Client, db: None) -> None:
    client.post(URL, form_data())
    response = Client().get(URL)
    assert response.status_code == 409
    assert ALREADY in page_text(response)


def test_a_second_administrator_is_refused_and_nothing_changes(client: Client, db: None) -> None:
    client.post(URL, form_data())
    before = database_snapshot()
    response = Client().post(URL, form_data(email="intruder@example.org", clinic_name="Other"))
    assert response.status_code == 409
    assert ALREADY in page_text(response)
    assert database_snapshot() == before


def test_the_refusal_is_translated(client: Client, db: None) -> None:
    make_installation()
    response = client.post(URL, form_data(), headers={"accept-language": "fr"})
    assert response.status_code == 409
    assert french(ALREADY) in page_text(response)
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"password2": "another long password"}, "password2"),
        ({"password1": "short", "password2": "short"}, "password1"),
        ({"email": "not an address"}, "email"),
        ({"clinic_name": ""}, "clinic_name"),
        ({"language": "de"}, "language"),
    ],
)
def test_bad_input_is_explained_and_creates_nothing(
    client: Client, db: None, overrides: dict[str, str], field: str
) -> None:
    response = client.post(URL, form_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.exists()
    assert not Installation.is_set_up()


def test_differing_passwords_say_so(client: Client, db: None) -> None:
    response = client.post(URL, form_data(password2="another long password"))
    message = "The two passwords differ. Type the same one twice."
    assert message in page_text(response)
    french_response = client.post(
        URL, form_data(password2="another long password"), headers={"accept-language": "fr"}
    )
    assert french(message) in page_text(french_response)


def test_it_rejects_other_methods(client: Client, db: None) -> None:
    assert client.put(URL).status_code == 405


def test_a_set_up_racing_another_is_refused(
    client: Client, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two people submit the first-run form at once: the second insert fails."""
    make_installation()
    monkeypatch.setattr(Installation, "is_set_up", classmethod(lambda cls: False))
    before = database_snapshot()
    response = client.post(URL, form_data())
    assert response.status_code == 409
    assert ALREADY in page_text(response)
    assert database_snapshot() == before
