"""The journey a French-speaking therapist takes: sign in, switch to French."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from alliance.accounts.models import User
from tests.accounts.helpers import french
from tests.factories import PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_sign_in_then_switch_to_french(page: Page, live_server, therapist: User) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/\?next=/$|/accounts/sign-in/$"))
    page.get_by_label("Email address").fill(therapist.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # A therapist starts on their caseload.
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseload")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("button", name="Français").click()

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text(french("Caseload"))
    expect(page.get_by_role("button", name=french("Sign out"))).to_be_visible()
    expect(page.get_by_role("button", name="Français")).to_have_attribute("aria-pressed", "true")
    therapist.refresh_from_db()
    assert therapist.language == "fr"

    # The choice follows the person: the next page is French too.
    page.get_by_role("navigation").get_by_role("link", name=french("Security")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(french("Security"))
