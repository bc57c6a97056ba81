"""The signed-in header stays tidy: one line of navigation on a laptop, readable on a phone.

A therapist who administers their clinic sees the most header items: the main
navigation (Caseload, Patients, Not answered yet, Listening, Clinic), their
own links (Profile, Security), the language switch and Sign out. In English
and in French, at 1280×800 and 1024×768, each group sits on one line and the
header stays low; at 390×844 nothing overflows sideways or overlaps, and every
link is reachable with the keyboard, with a visible focus outline.
Screenshots go to /tmp/header-*.png for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import (
    Browser,
    BrowserContext,
    FloatRect,
    Locator,
    Page,
    ViewportSize,
    expect,
)

from alliance.accounts.models import User
from tests.browser.accessibility import assert_accessible
from tests.browser.test_checkin_patient import sign_in

LAPTOPS: list[ViewportSize] = [{"width": 1280, "height": 800}, {"width": 1024, "height": 768}]
PHONE: ViewportSize = {"width": 390, "height": 844}
MAX_HEADER_HEIGHT = 100  # px
SAME_LINE = 4  # px between the tops of items on one line

CLINICAL = ["Caseload", "Patients", "Not answered yet", "Listening", "Clinic"]
ACCOUNT = ["Profile", "Security"]


def _in(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


@pytest.fixture
def open_header(browser: Browser, live_server: Any, administrator: User) -> Iterator[Any]:
    """Open the caseload of the administrator, in a given language and window size."""
    contexts: list[BrowserContext] = []

    def open_(*, viewport: ViewportSize, language: str, path: str = "/caseload/") -> Page:
        administrator.language = language
        administrator.save(update_fields=["language"])
        context = browser.new_context(viewport=viewport, locale="en-GB")
        contexts.append(context)
        page = context.new_page()
        sign_in(page, live_server, administrator)
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("html")).to_have_attribute("lang", language)
        return page

    yield open_
    for context in contexts:
        context.close()


def _box(locator: Locator) -> FloatRect:
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not displayed"
    return box


def _tops(locator: Locator) -> list[float]:
    return [_box(item)["y"] for item in locator.all()]


def _assert_one_line(locator: Locator) -> None:
    tops = _tops(locator)
    assert tops, f"no {locator}"
    assert max(tops) - min(tops) <= SAME_LINE, f"{locator} wraps: tops {tops}"


def _overlaps(a: FloatRect, b: FloatRect) -> bool:
    return (
        a["x"] < b["x"] + b["width"] - 1
        and b["x"] < a["x"] + a["width"] - 1
        and a["y"] < b["y"] + b["height"] - 1
        and b["y"] < a["y"] + a["height"] - 1
    )


def _assert_nothing_overlaps(page: Page) -> None:
    controls = page.locator(".site-header a, .site-header button").all()
    boxes = [(c.inner_text(), _box(c)) for c in controls if c.is_visible()]
    for i, (name, box) in enumerate(boxes):
        for other, other_box in boxes[i + 1 :]:
            assert not _overlaps(box, other_box), f"{name!r} overlaps {other!r}"


def _assert_no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _header_height(page: Page) -> float:
    return _box(page.locator(".site-header"))["height"]


def _main_nav(page: Page, language: str) -> Locator:
    return page.get_by_role("navigation", name=_in(language, "Main"))


def _account_nav(page: Page, language: str) -> Locator:
    return page.get_by_role("navigation", name=_in(language, "Your profile"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("viewport", LAPTOPS, ids=lambda v: f"{v['width']}x{v['height']}")
def test_laptop_header_is_tidy(open_header: Any, language: str, viewport: ViewportSize) -> None:
    page = open_header(viewport=viewport, language=language)
    page.screenshot(path=f"/tmp/header-{language}-{viewport['width']}.png")

    for name in CLINICAL:
        link = _main_nav(page, language).get_by_role("link", name=_in(language, name), exact=True)
        expect(link).to_be_visible()
    for name in ACCOUNT:
        link = _account_nav(page, language).get_by_role("link", name=_in(language, name))
        expect(link).to_be_visible()
    expect(page.get_by_role("button", name=_in(language, "Sign out"))).to_be_visible()

    main_items = page.locator(".main-nav li")
    assert main_items.count() == len(CLINICAL)
    _assert_one_line(main_items)
    _assert_one_line(page.locator(".account-nav li, .language-switch button, .sign-out button"))
    assert _header_height(page) < MAX_HEADER_HEIGHT
    _assert_nothing_overlaps(page)
    _assert_no_sideways_scroll(page)
    if viewport["width"] >= 1280:
        # A wide screen has room for everything on a single row.
        _assert_one_line(page.locator(".site-header li, .site-header button"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_phone_header_fits_and_is_keyboard_reachable(open_header: Any, language: str) -> None:
    page = open_header(viewport=PHONE, language=language)
    page.screenshot(path=f"/tmp/header-{language}-390.png")

    _assert_no_sideways_scroll(page)
    _assert_nothing_overlaps(page)
    assert_accessible(page)

    # Tab from the skip link through every header control: each takes the
    # focus in turn, shows an outline, and stays inside the window.
    expected = (
        ["Alliance"]
        + [_in(language, name) for name in CLINICAL + ACCOUNT]
        + ["English", "Français", _in(language, "Sign out")]
    )
    page.keyboard.press("Tab")  # the skip link
    reached = []
    for _ in expected:
        page.keyboard.press("Tab")
        focused = page.locator(":focus")
        reached.append(focused.inner_text().strip())
        assert focused.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
        box = _box(focused)
        assert box["x"] >= 0, f"{reached[-1]!r} starts off screen"
        assert box["x"] + box["width"] <= PHONE["width"], f"{reached[-1]!r} ends off screen"
    assert reached == expected


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("path", "current"), [("/accounts/profile/", "Profile"), ("/accounts/security/", "Security")]
)
def test_account_links_mark_the_current_page(open_header: Any, path: str, current: str) -> None:
    page = open_header(viewport=LAPTOPS[0], language="en", path=path)
    account = _account_nav(page, "en")
    expect(account.get_by_role("link", name=current)).to_have_attribute("aria-current", "page")
    expect(page.locator("[aria-current='page']")).to_have_count(1)
    assert_accessible(page)
