"""Completing licensed items with the scoring of a shipped scoring key."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from alliance.science.instruments.loading.checks import check_instrument
from alliance.science.instruments.loading.node import Node
from alliance.science.instruments.model import Instrument, Item


def apply_key(
    key: Instrument,
    items: Sequence[Item],
    *,
    where: Node | None = None,
    **fields: Any,
) -> Instrument:
    """Complete licensed ``items`` (with their texts) with the scoring of ``key``.

    Items are matched by position: the n-th item loaded is the key's item n.
    The loaded ids are kept (they name the clinic's data columns and FHIR
    linkIds) and the key's subscales and safety rules are renamed to them.
    Each loaded item must have the key's range of values.
    """
    where = where or Node({}, None)
    if len(items) != len(key.items):
        raise where.at("items").fail(
            "key_mismatch",
            f"The scoring key '{key.id}' has {len(key.items)} items; this file has {len(items)}.",
            key=key.id,
            expected=len(key.items),
            found=len(items),
        )
    renamed = {key_item.id: item.id for key_item, item in zip(key.items, items, strict=True)}
    merged = tuple(
        _merge_item(key_item, item, where.at("items").element(index).at("options"), key.id)
        for index, (key_item, item) in enumerate(zip(key.items, items, strict=True))
    )
    instrument = replace(
        key,
        items=merged,
        subscales=tuple(
            replace(s, items=tuple(renamed[i] for i in s.items)) for s in key.subscales
        ),
        scoring=replace(
            key.scoring, total_items=tuple(renamed[i] for i in key.scoring.total_items)
        ),
        safety=tuple(replace(rule, item=renamed[rule.item]) for rule in key.safety),
        key=key.id,
        **{name: value for name, value in fields.items() if value},
    )
    check_instrument(instrument, where)
    return instrument


def _merge_item(key_item: Item, item: Item, where: Node, key_id: str) -> Item:
    options = item.options or key_item.options
    merged = replace(
        key_item,
        id=item.id,
        text=item.text,
        options=options,
        anchors=item.anchors or key_item.anchors,
        enable_when=item.enable_when,
        code=item.code or key_item.code,
    )
    if (merged.minimum, merged.maximum) != (key_item.minimum, key_item.maximum):
        raise where.fail(
            "key_mismatch",
            f"Item {key_item.number} is scored {key_item.minimum:g}–{key_item.maximum:g} in the "
            f"key '{key_id}', but its options here go from {merged.minimum:g} to "
            f"{merged.maximum:g}.",
            key=key_id,
            item=key_item.number,
        )
    return merged
