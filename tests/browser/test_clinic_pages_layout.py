"""The clinic lead's pages fit a phone: wide tables scroll inside their frame, the page does not.

A table wider than the screen scrolls sideways inside its ``.table-wrap``. Text
hidden for sight but read by screen readers (``.visually-hidden``, absolutely
positioned) must stay inside that frame too: before ``.table-wrap`` was made a
positioning context, the members table's hidden "Actions" header and "Edit
<name>" links pushed the whole page sideways at 390 px.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser

from alliance.accounts import actions
from alliance.accounts.models import Role, User
from tests.browser.test_checkin_patient import PHONE, sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/accounts/clinic/members/", "/caseload/clinic/"])
def test_clinic_pages_do_not_scroll_sideways_on_a_phone(
    browser: Browser, live_server: Any, administrator: User, path: str
) -> None:
    actions.invite(
        clinic=administrator.clinic,
        email="a.colleague.with.a.long.address@example.org",
        role=Role.SUPERVISOR,
        language="en",
        by=administrator,
    )
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    try:
        page = context.new_page()
        sign_in(page, live_server, administrator)
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()
