"""Small filters for the caseload and the brief."""

from __future__ import annotations

from collections.abc import Mapping
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
    if value is None:
        return ""
    rounded = round(value)
    return f"{rounded:+d}" if rounded else "0"


@register.filter
def pillar_name(dimension: str) -> str:
    from alliance.monitoring.words import PILLAR_NAMES

    return str(PILLAR_NAMES.get(dimension, dimension))


@register.filter
def split_list(text: str) -> list[str]:
    return text.split(",")
