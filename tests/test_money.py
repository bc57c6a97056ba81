"""Amounts in euros, in English and in French."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from alliance.money import euros

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("amount", "language", "written"),
    [
        (60, "en", "€60"),
        (60, "fr", f"60{NBSP}€"),
        (Decimal("62.50"), "en", "€62.50"),
        (Decimal("62.50"), "fr", f"62,50{NBSP}€"),
        (1250, "en", "€1,250"),
        (1250, "fr", f"1{NBSP}250{NBSP}€"),
    ],
)
def test_amounts_are_written_the_way_each_language_does(
    amount: int | Decimal, language: str, written: str
) -> None:
    assert euros(amount, language=language) == written


def test_the_active_language_is_the_default() -> None:
    with translation.override("fr"):
        assert euros(60) == f"60{NBSP}€"
        assert euros(60, language="en") == "€60"
        # Asking for another language leaves the active one alone.
        assert translation.get_language() == "fr"
