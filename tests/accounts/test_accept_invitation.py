"""A colleague follows the emailed link and creates their account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import Invitation, Role, User
from tests.accounts.helpers import actions_recorded, database_snapshot, french, page_text
from tests.factories import PASSWORD, make_invitation

TOKEN = "a-secret-token-from-the-email"


def url(token: str = TOKEN) -> str:
    return reverse("accounts:accept_invitation", args=[token])


def form_data(**overrides: str) -> dict[str, str]:
    return {
        "full_name": "Nina Nouvelle",
        "language": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }


@pytest.fixture
def invitation(administrator: User) -> Invitation:
    return make_invitation(
        clinic=administrator.clinic,
        by=administrator,
        token=TOKEN,
        email="nina@riviere.example",
        language="en",
    )


def test_it_shows_the_form(client: Client, invitation: Invitation) -> None:
    response = client.get(url())
    assert response.status_code == 200
    assert "nina@riviere.example" in page_text(response)
    assert "Join Cabinet Rivière" in page_text(response)


def test_it_offers_the_language_chosen_by_the_administrator(
    client: Client, invitation: Invitation
) -> None:
    response = client.get(url())
    assert response.context["form"]["language"].value() == invitation.language


def test_it_creates_the_account_and_signs_in(client: Client, invitation: Invitation) -> None:
    response = client.post(url(), form_data(language="en"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    user = User.objects.get(email="nina@riviere.example")
    assert user.clinic == invitation.clinic
    assert user.full_name == "Nina Nouvelle"
    assert user.language == "en"
    assert user.roles == [Role.THERAPIST]
    assert user.check_password(PASSWORD)
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.ACCEPTED
    assert invitation.accepted_by == user
    assert client.session["_auth_user_id"] == str(user.pk)
    assert actions_recorded()[-2:] == ["accounts.invitation_accepted", "accounts.signed_in"]


@pytest.mark.parametrize(
    ("role", "roles"),
    [(Role.SUPERVISOR, [Role.SUPERVISOR]), (Role.ADMINISTRATOR, [Role.ADMINISTRATOR])],
)
def test_the_account_gets_the_invited_role(
    client: Client, administrator: User, role: Role, roles: list[Role]
) -> None:
    make_invitation(
        clinic=administrator.clinic,
        by=administrator,
        token=TOKEN,
        email="r@riviere.example",
        role=role,
    )
    client.post(url(), form_data())
    assert User.objects.get(email="r@riviere.example").roles == roles


REUSED = "This invitation has already been used. Sign in, or reset your password."
EXPIRED = "This invitation has expired. Ask your clinic administrator for a new one."
REVOKED = "This invitation was withdrawn. Ask your clinic administrator for a new one."
UNKNOWN = "This invitation link is not valid. Check that you copied it whole."


def test_a_used_link_is_refused_and_changes_nothing(client: Client, invitation: Invitation) -> None:
    client.post(url(), form_data())
    before = database_snapshot()
    second = Client()
    for response in (second.get(url()), second.post(url(), form_data(full_name="Intruder"))):
        assert response.status_code == 410
        assert REUSED in page_text(response)
    assert database_snapshot() == before
    assert "_auth_user_id" not in second.session


def test_an_expired_link_is_refused_and_changes_nothing(
    client: Client, invitation: Invitation
) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    before = database_snapshot()
    response = client.post(url(), form_data())
    assert response.status_code == 410
    assert EXPIRED in page_text(response)
    assert database_snapshot() == before


def test_a_withdrawn_link_is_refused(client: Client, invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    response = client.get(url())
    assert response.status_code == 410
    assert REVOKED in page_text(response)


def test_an_unknown_link_is_refused(client: Client, invitation: Invitation) -> None:
    before = database_snapshot()
    response = client.post(url("not-the-token"), form_data())
    assert response.status_code == 410
    assert UNKNOWN in page_text(response)
    assert database_snapshot() == before


@pytest.mark.parametrize("message", [REUSED, EXPIRED, REVOKED], ids=["used", "expired", "revoked"])
def test_refusals_speak_the_language_of_the_email(
    client: Client, invitation: Invitation, message: str
) -> None:
    Invitation.objects.update(language="fr")
    if message == REUSED:
        client.post(url(), form_data(language="en"))
    if message == EXPIRED:
        Invitation.objects.update(expires_at=timezone.now() - timedelta(days=1))
    if message == REVOKED:
        Invitation.objects.update(revoked_at=timezone.now())
    response = Client().get(url(), headers={"accept-language": "en"})
    assert french(message) in page_text(response)
    assert response["Content-Language"] == "fr"


def test_an_unknown_link_is_refused_in_the_browsers_language(
    client: Client, invitation: Invitation
) -> None:
    response = client.get(url("wrong"), headers={"accept-language": "fr"})
    assert french(UNKNOWN) in page_text(response)


def test_an_address_that_already_has_an_account_is_refused(
    client: Client, administrator: User, colleague: User
) -> None:
    make_invitation(
        clinic=administrator.clinic, by=administrator, token=TOKEN, email=colleague.email
    )
    before = database_snapshot()
    response = client.post(url(), form_data())
    assert response.status_code == 410
    assert REUSED in page_text(response)
    assert database_snapshot() == before


def test_differing_passwords_create_nothing(client: Client, invitation: Invitation) -> None:
    before = database_snapshot()
    response = client.post(url(), form_data(password2="not the same password"))
    assert response.status_code == 200
    assert "The two passwords differ. Type the same one twice." in page_text(response)
    assert database_snapshot() == before


def test_a_password_like_the_address_is_refused(client: Client, invitation: Invitation) -> None:
    response = client.post(url(), form_data(password1="nina@riviere", password2="nina@riviere"))
    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    assert not User.objects.filter(email=invitation.email).exists()


def test_an_unknown_language_is_refused(client: Client, invitation: Invitation) -> None:
    response = client.post(url(), form_data(language="klingon"))
    assert response.status_code == 200
    assert "language" in response.context["form"].errors
    assert not User.objects.filter(email=invitation.email).exists()


def test_it_rejects_other_methods(client: Client, invitation: Invitation) -> None:
    assert client.put(url()).status_code == 405


# --- One language from the emailed link to the first page signed in ---------------------


@pytest.fixture
def french_invitation(invitation: Invitation) -> Invitation:
    invitation.language = "fr"
    invitation.save(update_fields=["language"])
    return invitation


def test_the_form_speaks_the_language_of_the_email_not_the_browsers(
    client: Client, french_invitation: Invitation
) -> None:
    response = client.get(url(), headers={"accept-language": "en"})
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr">' in page_text(response)
    assert french("Create my account") in page_text(response)
    assert response.context["form"]["language"].value() == "fr"


def test_a_language_picked_with_the_language_switch_wins_over_the_emails(
    client: Client, french_invitation: Invitation
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(url(), headers={"accept-language": "fr"})
    assert response["Content-Language"] == "en"
    assert "Create my account" in page_text(response)
    # The form offers the language the page speaks, so that submitting keeps it.
    assert response.context["form"]["language"].value() == "en"


def test_a_form_with_mistakes_comes_back_in_the_language_chosen_in_it(
    client: Client, invitation: Invitation
) -> None:
    response = client.post(
        url(),
        form_data(language="fr", password2="not the same password"),
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    assert french("The two passwords differ. Type the same one twice.") in page_text(response)
    assert response.context["form"]["language"].value() == "fr"


def test_the_welcome_and_the_next_pages_speak_the_language_chosen(
    client: Client, invitation: Invitation
) -> None:
    response = client.post(
        url(), form_data(language="fr"), headers={"accept-language": "en"}, follow=True
    )
    welcome = french("Welcome to %(clinic)s.") % {"clinic": "Cabinet Rivière"}
    assert welcome in page_text(response)
    assert "Welcome to" not in page_text(response)
    assert response["Content-Language"] == "fr"
    # Kept on this browser too: after signing out, the sign-in page speaks French.
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    client.post(reverse("accounts:logout"))
    sign_in = client.get(reverse("accounts:login"), headers={"accept-language": "en"})
    assert sign_in["Content-Language"] == "fr"


def test_same_as_my_browser_follows_the_browser_to_the_end(
    client: Client, french_invitation: Invitation
) -> None:
    response = client.post(
        url(), form_data(language=""), headers={"accept-language": "en"}, follow=True
    )
    assert "Welcome to Cabinet Rivière." in page_text(response)
    assert response["Content-Language"] == "en"
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies
