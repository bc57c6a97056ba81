"""Small filters for the caseload and the brief."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Mapping[str, Any] | None, key: str) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def sparkline(row: Any, pillar: str) -> str:
    return str(row.sparkline(pillar))


@register.filter
def join_scores(values: list[float] | None) -> str:
    return ", ".join(f"{value:.0f}" for value in values or [])


@register.filter
def signed(value: float | None) -> str:
    """A whole change with its sign: "+1", "−7" (a true minus sign), "0"."""
    if value is None:
        return ""
    rounded = int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if rounded > 0:
        return f"+{rounded}"
    if rounded < 0:
        return f"\u2212{-rounded}"
    return "0"


@register.filter
def pillar_name(dimension: str) -> str:
    from alliance.monitoring.words import PILLAR_NAMES

    return str(PILLAR_NAMES.get(dimension, dimension))


@register.filter
def split_list(text: str) -> list[str]:
    return text.split(",")


@register.filter(name="rule_source")
def rule_source_filter(rule: str, source: str = "") -> Any:
    """The rule's source in the active language (the engine writes it in English)."""
    from alliance.monitoring.words import rule_source

    return rule_source(rule, source)
