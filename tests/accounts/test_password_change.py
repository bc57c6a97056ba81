"""A signed-in person changes their password."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import User
from tests.accounts.helpers import actions_recorded, database_snapshot, messages_of
from tests.factories import PASSWORD

URL = reverse("accounts:password_change")
NEW = "another long passphrase"


def change(client: Client, old: str = PASSWORD, new: str = NEW):  # type: ignore[no-untyped-def]
    return client.post(URL, {"old_password": old, "new_password1": new, "new_password2": new})


def test_it_shows_the_form(therapist_client: Client) -> None:
    assert therapist_client.get(URL).status_code == 200


def test_it_changes_the_password_and_keeps_this_session(
    therapist_client: Client, therapist: User
) -> None:
    elsewhere = Client()
    elsewhere.force_login(therapist)
    response = change(therapist_client)
    assert response["Location"] == reverse("accounts:security")
    assert messages_of(response) == ["Your password was changed."]
    therapist.refresh_from_db()
    assert therapist.check_password(NEW)
    assert therapist_client.get(reverse("accounts:profile")).status_code == 200
    assert elsewhere.get(reverse("accounts:profile")).status_code == 302
    assert actions_recorded()[-1] == "accounts.password_changed"


def test_a_wrong_old_password_changes_nothing(therapist_client: Client) -> None:
    before = database_snapshot()
    response = change(therapist_client, old="not my password")
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    assert database_snapshot() == before


def test_it_requires_sign_in(client: Client, db: None) -> None:
    assert client.post(URL)["Location"].startswith(reverse("accounts:login"))


def test_it_rejects_other_methods(therapist_client: Client) -> None:
    assert therapist_client.delete(URL).status_code == 405


def test_the_new_password_is_kept_only_with_its_audit_record(
    therapist_client: Client, therapist: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_record(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr("alliance.accounts.views.record", broken_record)
    with pytest.raises(RuntimeError):
        change(therapist_client)
    therapist.refresh_from_db()
    assert therapist.check_password(PASSWORD)
