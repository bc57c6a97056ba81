"""Amounts of money, written the way each language writes them.

English puts the euro sign first ("€60"), French after the amount with a
no-break space ("60 €"): where the sign goes is a translation of the pattern
"€%(amount)s", and the digits follow Django's number formats for the language
("€1,250.50", "1 250,50 €").
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats, translation
from django.utils.translation import pgettext


def euros(amount: int | Decimal, *, language: str | None = None) -> str:
    """``amount`` euros in ``language`` (by default the active one); cents only when there are."""
    with translation.override(language or translation.get_language()):
        places = 0 if Decimal(amount) == Decimal(amount).to_integral_value() else 2
        number = formats.number_format(
            amount, decimal_pos=places, use_l10n=True, force_grouping=True
        )
        # Translators: an amount in euros; "%(amount)s" is the number, already formatted.
        return pgettext("amount of money", "€%(amount)s") % {"amount": number}
