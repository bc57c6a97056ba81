"""The results page in a real browser: spacing at 1280 px, accessibility, in French.

A screenshot goes to /tmp/transcript-results-fr.png for a person to look at.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from alliance.accounts.models import User
from alliance.care.models import Session
from tests.browser.accessibility import assert_accessible
from tests.browser.test_checkin_patient import sign_in
from tests.transcripts.factories import make_transcript

MIN_GAP = 8  # px between blocks that must not touch


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_results_page_breathes_and_is_accessible(
    browser: Browser, live_server: Any, therapist: User, session: Session
) -> None:
    therapist.language = "fr"
    therapist.save(update_fields=["language"])
    transcript = make_transcript(session=session, by=therapist)
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="en-GB"
    )  # signs in in English, then the profile says French
    page = context.new_page()
    sign_in(page, live_server, therapist)
    page.goto(f"{live_server.url}/transcripts/{transcript.uuid}/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    cards = page.locator(".indicator")
    examples = page.locator("section[aria-labelledby=examples-title]")
    expect(examples).to_be_visible()
    bottom = max(
        box["y"] + box["height"]
        for box in (cards.nth(i).bounding_box() for i in range(cards.count()))
        if box is not None
    )
    examples_box = examples.bounding_box()
    assert examples_box is not None
    assert examples_box["y"] - bottom >= MIN_GAP

    ranges = page.locator(".indicator__range")
    assert ranges.count() > 0
    for i in range(ranges.count()):
        gap = ranges.nth(i).evaluate(
            "e => e.nextElementSibling.getBoundingClientRect().top"
            " - e.getBoundingClientRect().bottom"
        )
        assert gap >= MIN_GAP / 2

    page.screenshot(path="/tmp/transcript-results-fr.png", full_page=True)
    assert_accessible(page)
    context.close()
