"""A colleague invited in French, on an English browser, joins in French from start to finish."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from alliance.accounts.models import User
from tests.accounts.helpers import french
from tests.factories import PASSWORD, make_invitation

TOKEN = "a-secret-token-from-the-email"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_french_invitation_stays_french(page: Page, live_server, administrator: User) -> None:  # type: ignore[no-untyped-def]
    make_invitation(
        clinic=administrator.clinic,
        by=administrator,
        token=TOKEN,
        email="nina@riviere.example",
        language="fr",
    )
    page.set_extra_http_headers({"Accept-Language": "en"})
    page.goto(f"{live_server.url}/accounts/invitation/{TOKEN}/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_label(french("Interface language"))).to_have_value("fr")

    # A first try with a mistake comes back in French too.
    page.get_by_label(french("Your full name")).fill("Nina Nouvelle")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill("not the same password")
    page.get_by_role("button", name=french("Create my account")).click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name=french("Create my account")).click()

    welcome = french("Welcome to %(clinic)s.") % {"clinic": "Cabinet Rivière"}
    expect(page.get_by_role("status")).to_have_text(welcome)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text(french("Caseload"))
    assert User.objects.get(email="nina@riviere.example").language == "fr"
