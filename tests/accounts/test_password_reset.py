"""Password reset by email: one answer for every address, single-use links."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core import mail
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from alliance.accounts.models import User
from tests.accounts.helpers import (
    actions_recorded,
    comparable_page,
    database_snapshot,
    french,
    page_text,
)
from tests.factories import PASSWORD

REQUEST = reverse("accounts:password_reset")
DONE = reverse("accounts:password_reset_done")
COMPLETE = reverse("accounts:password_reset_complete")
NEW_PASSWORD = "a brand new passphrase"
UNUSABLE = "This link cannot be used"
UNUSABLE_DETAIL = "The link has expired or has already been used. Ask for a new one."


def link_in(message: mail.EmailMessage) -> str:
    # Links are built from SITE_URL, never from the request's Host header.
    match = re.search(
        r"http://127\.0\.0\.1:8000(/accounts/password/reset/\S+/\S+/)", str(message.body)
    )
    assert match, message.body
    return match.group(1)


def choose_password(client: Client, link: str, password: str = NEW_PASSWORD):  # type: ignore[no-untyped-def]
    form_page = client.get(link, follow=True)
    return client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"new_password1": password, "new_password2": password},
    )


def test_it_shows_the_form(client: Client, db: None) -> None:
    assert client.get(REQUEST).status_code == 200


def test_it_emails_a_link_that_sets_a_new_password(client: Client, therapist: User) -> None:
    response = client.post(REQUEST, {"email": therapist.email})
    assert response.status_code == 302
    assert response["Location"] == DONE
    [message] = mail.outbox
    assert message.to == [therapist.email]
    assert message.subject == "Reset your Alliance password"
    response = choose_password(client, link_in(message))
    assert response.status_code == 302
    assert response["Location"] == COMPLETE
    therapist.refresh_from_db()
    assert therapist.check_password(NEW_PASSWORD)
    assert not therapist.check_password(PASSWORD)
    assert actions_recorded()[-2:] == [
        "accounts.password_reset_requested",
        "accounts.password_reset",
    ]


def test_the_address_may_be_typed_in_any_case(client: Client, therapist: User) -> None:
    client.post(REQUEST, {"email": therapist.email.upper()})
    assert mail.outbox[0].to == [therapist.email]


def test_the_email_is_in_the_language_of_the_page(client: Client, therapist: User) -> None:
    client.post(REQUEST, {"email": therapist.email}, headers={"accept-language": "fr"})
    assert mail.outbox[0].subject == french("Reset your Alliance password")


def test_an_unknown_address_gets_the_same_answer_and_no_email(
    client: Client, therapist: User
) -> None:
    known = client.post(REQUEST, {"email": therapist.email}, follow=True)
    mail.outbox.clear()
    before = database_snapshot()
    unknown = Client().post(REQUEST, {"email": "nobody@riviere.example"}, follow=True)
    assert unknown.redirect_chain == known.redirect_chain == [(DONE, 302)]
    assert comparable_page(unknown) == comparable_page(known)
    assert not mail.outbox
    assert database_snapshot() == before


@override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}})
def test_the_page_does_the_same_work_for_any_address(therapist: User) -> None:
    """Timing: the look-up happens in the background task, never in the request."""

    def queries_for(email: str) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            Client().post(REQUEST, {"email": email})
        return [query["sql"] for query in captured.captured_queries]

    assert queries_for(therapist.email) == queries_for("nobody@riviere.example")
    assert not any('"accounts_user"' in sql for sql in queries_for(therapist.email))
    assert not mail.outbox


def test_a_deactivated_account_gets_no_email(client: Client, therapist: User) -> None:
    therapist.is_active = False
    therapist.save()
    response = client.post(REQUEST, {"email": therapist.email})
    assert response["Location"] == DONE
    assert not mail.outbox


def test_a_malformed_address_is_explained(client: Client, db: None) -> None:
    response = client.post(REQUEST, {"email": "not-an-address"})
    assert response.status_code == 200
    assert "Enter a valid email address." in page_text(response)
    assert not mail.outbox


def test_a_used_link_cannot_be_used_again(client: Client, therapist: User) -> None:
    client.post(REQUEST, {"email": therapist.email})
    link = link_in(mail.outbox[0])
    choose_password(client, link)
    before = database_snapshot()
    again = Client()
    response = again.get(link, follow=True)
    assert response.status_code == 200
    assert UNUSABLE in page_text(response)
    assert UNUSABLE_DETAIL in page_text(response)
    choose_password(again, link, "yet another passphrase")
    assert database_snapshot() == before
    therapist.refresh_from_db()
    assert therapist.check_password(NEW_PASSWORD)


def _link_made_at(user: User, moment: datetime, monkeypatch: pytest.MonkeyPatch) -> str:
    with monkeypatch.context() as patch:
        patch.setattr(PasswordResetTokenGenerator, "_now", lambda self: moment)
        token = default_token_generator.make_token(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:password_reset_confirm", args=[uid, token])


def test_an_expired_link_is_refused_and_changes_nothing(
    client: Client, therapist: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    expired_at = datetime.now() - timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    link = _link_made_at(therapist, expired_at, monkeypatch)
    before = database_snapshot()
    response = client.get(link, follow=True)
    assert UNUSABLE_DETAIL in page_text(response)
    choose_password(client, link)
    assert database_snapshot() == before


def test_a_link_within_the_hour_works(
    client: Client, therapist: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    recent = datetime.now() - timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT - 120)
    response = choose_password(client, _link_made_at(therapist, recent, monkeypatch))
    assert response["Location"] == COMPLETE


def test_a_tampered_link_is_refused(client: Client, therapist: User) -> None:
    uid = urlsafe_base64_encode(force_bytes(therapist.pk))
    link = reverse("accounts:password_reset_confirm", args=[uid, "abc-0123456789abcdef"])
    assert UNUSABLE in page_text(client.get(link, follow=True))


def test_the_refusal_is_translated(client: Client, therapist: User) -> None:
    uid = urlsafe_base64_encode(force_bytes(therapist.pk))
    link = reverse("accounts:password_reset_confirm", args=[uid, "abc-0123456789abcdef"])
    response = client.get(link, follow=True, headers={"accept-language": "fr"})
    assert french(UNUSABLE_DETAIL) in page_text(response)


def test_a_weak_new_password_is_refused(client: Client, therapist: User) -> None:
    client.post(REQUEST, {"email": therapist.email})
    response = choose_password(client, link_in(mail.outbox[0]), "12345")
    assert response.status_code == 200
    therapist.refresh_from_db()
    assert therapist.check_password(PASSWORD)


def test_a_reset_signs_out_every_session(client: Client, therapist: User) -> None:
    elsewhere = Client()
    elsewhere.force_login(therapist)
    client.post(REQUEST, {"email": therapist.email})
    choose_password(client, link_in(mail.outbox[0]))
    assert elsewhere.get(reverse("accounts:profile")).status_code == 302


def test_the_request_form_rejects_other_methods(client: Client, db: None) -> None:
    assert client.delete(REQUEST).status_code == 405


def test_the_new_password_is_kept_only_with_its_audit_record(
    client: Client, therapist: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.post(REQUEST, {"email": therapist.email})
    link = link_in(mail.outbox[0])

    def broken_record(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr("alliance.accounts.views.record", broken_record)
    with pytest.raises(RuntimeError):
        choose_password(client, link)
    therapist.refresh_from_db()
    assert therapist.check_password(PASSWORD)
