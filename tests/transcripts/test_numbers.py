"""Figures in the reader's language, and a verdict that never contradicts its figure."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from alliance.transcripts.models import Transcript
from alliance.transcripts.reading import formatted, indicator_cards

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"  # before seconds, in both languages
NNBSP = "\u202f"  # before % in French, as the catalogue writes it


@pytest.mark.parametrize(
    ("value", "unit", "english", "french"),
    [
        (0.958, "ratio", "0.96", "0,96"),
        (1.5, "ratio", "1.50", "1,50"),
        (45.4, "percent", "45%", f"45{NNBSP}%"),
        (12.2, "seconds", f"12{NBSP}s", f"12{NBSP}s"),
        (130.0, "words", "130", "130"),
        (None, "ratio", "—", "—"),
    ],
)
def test_numbers_follow_the_language(
    value: float | None, unit: str, english: str, french: str
) -> None:
    with translation.override("en"):
        assert formatted(value, unit) == english
    with translation.override("fr"):
        assert formatted(value, unit) == french


def _ratio(value: float, low: float, high: float) -> dict[str, Any]:
    return {
        "reflection_to_question": {
            "value": value,
            "low": low,
            "high": high,
            "unit": "ratio",
            "reference": {"fair": 1.0, "good": 2.0, "source": "MITI 4.2.1 (Moyers et al. 2016)"},
            "level": "below fair",  # as stored before levels were judged on displayed values
        }
    }


@pytest.mark.parametrize(
    ("value", "shown", "level"),
    [
        (0.958, "0.96", "below the fair level"),
        (0.998, "1.00", "at the fair level"),  # shown as 1.00: it is 1:1, the fair level
        (1.994, "1.99", "at the fair level"),
    ],
)
def test_the_level_agrees_with_the_displayed_value(value: float, shown: str, level: str) -> None:
    with translation.override("en"):
        (card,) = indicator_cards(_ratio(value, 0.7, 1.3))
    assert card["value"] == shown
    assert str(card["level"]) == level
    assert card["interval"] == ("0.70", "1.30")
    assert card["reference"]["fair"] == "1.00"


def test_percent_references_carry_the_sign_and_the_miti_note_is_translated() -> None:
    stored = {
        "percent_open_questions": {
            "value": 49.6,
            "low": 30.0,
            "high": 70.0,
            "unit": "percent",
            # As stored before the note had a code: still understood.
            "reference": {
                "fair": 50.0,
                "good": 70.0,
                "source": "MITI 3.1.1 (Moyers et al. 2010); not in MITI 4",
            },
        }
    }
    with translation.override("fr"):
        (card,) = indicator_cards(stored)
        assert card["value"] == f"50{NNBSP}%"
        assert str(card["level"]) == "au niveau acceptable"
        assert card["reference"]["fair"] == f"50{NNBSP}%"
        assert card["reference"]["good"] == f"70{NNBSP}%"
        assert card["reference"]["source"] == "MITI 3.1.1 (Moyers et al. 2010)"
        assert str(card["reference"]["note"]) == "absent du MITI 4"
    stored["percent_open_questions"]["reference"] = {
        "fair": 50.0,
        "good": 70.0,
        "source": "MITI 3.1.1 (Moyers et al. 2010)",
        "note": "not_in_miti4",
    }
    with translation.override("en"):
        (card,) = indicator_cards(stored)
    assert str(card["reference"]["note"]) == "not in MITI 4"
    assert card["value"] == "50%"


def test_the_french_results_page_has_no_decimal_point_nor_english_note(
    therapist_client: Client, coded: Transcript
) -> None:
    page = therapist_client.get(
        reverse("transcripts:detail", args=[coded.uuid]), HTTP_ACCEPT_LANGUAGE="fr"
    ).text
    assert "not in MITI 4" not in page
    assert "absent du MITI 4" in page
    assert f"50{NNBSP}%" in page  # the open-questions reference
    assert "50,0" not in page
    assert "1,00" in page  # the ratio reference, as the ratio itself is written
