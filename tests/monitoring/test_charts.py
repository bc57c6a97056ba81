"""The timeline's charts speak the page's language: month names, date order, numbers."""

from __future__ import annotations

import base64
import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from alliance.accounts.models import User
from alliance.care.models import Patient
from alliance.monitoring.charts import render_svg
from tests.monitoring.factories import add_checkin, steady_history

ENGLISH_MONTH = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)")
FRENCH_MONTHS = [
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
]


def chart_labels(page: str) -> list[str]:
    """Every piece of text drawn in the page's charts."""
    labels = []
    for encoded in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', page):
        svg = base64.b64decode(encoded).decode()
        labels += [html.unescape(text) for text in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    return labels


def timeline_labels(client: Client, therapist: User, patient: Patient, language: str) -> list[str]:
    therapist.language = language
    therapist.save(update_fields=["language"])
    steady_history(patient)
    add_checkin(patient, days_ago=13, phq9=12)
    response = client.get(reverse("monitoring:timeline", args=[patient.uuid]))
    assert response.status_code == 200
    labels = chart_labels(response.content.decode())
    assert labels, "the timeline drew no chart"
    return labels


def test_a_french_timeline_writes_months_in_french(
    therapist_client: Client, therapist: User, patient: Patient
) -> None:
    labels = timeline_labels(therapist_client, therapist, patient, "fr")
    assert any(month in label for label in labels for month in FRENCH_MONTHS), labels
    assert not [label for label in labels if ENGLISH_MONTH.search(label)]


def test_an_english_timeline_writes_months_in_english(
    therapist_client: Client, therapist: User, patient: Patient
) -> None:
    labels = timeline_labels(therapist_client, therapist, patient, "en")
    assert any(ENGLISH_MONTH.search(label) for label in labels), labels
    assert not [label for label in labels if any(m in label for m in FRENCH_MONTHS[:3])]


def _labels(svg: str) -> list[str]:
    return [html.unescape(text) for text in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


SPEC = {
    "data": {"values": [{"at": "2025-01-06T10:00:00", "v": 0}, {"at": "2025-01-16", "v": 3}]},
    "mark": "line",
    "encoding": {
        "x": {"field": "at", "type": "temporal"},
        "y": {"field": "v", "type": "quantitative"},
    },
}


@pytest.mark.parametrize(
    ("language", "number", "absent"), [("fr", "0,5", "0.5"), ("en", "0.5", "0,5")]
)
def test_numbers_follow_the_language(language: str, number: str, absent: str) -> None:
    with translation.override(language):
        labels = _labels(render_svg(SPEC))
    assert number in labels
    assert absent not in labels


def test_nothing_is_fetched_while_rendering() -> None:
    spec = {**SPEC, "data": {"url": "https://example.org/data.json"}}
    with pytest.raises(ValueError, match="not allowed"):
        render_svg(spec)
