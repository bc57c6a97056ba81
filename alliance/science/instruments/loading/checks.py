"""Consistency checks across the fields of a built instrument."""

from __future__ import annotations

from alliance.science.instruments.loading.node import Node
from alliance.science.instruments.model import Instrument, ResponseType, ScoringMethod, ScoringRule

# ---------------------------------------------------------------------------
# Consistency checks across fields
# ---------------------------------------------------------------------------


def check_instrument(instrument: Instrument, root: Node | None = None) -> None:
    """Check that the parts of an instrument agree with each other.

    Raises an :class:`InputError` for the first problem: duplicate ids, a
    subscale naming an unknown item, bands out of order, a sum that could be
    prorated without saying so, …
    """
    root = root or Node({}, None)
    _check_items(instrument, root)
    _check_scales(instrument, root)
    _check_bands_and_cutoffs(instrument, root)
    for index, rule in enumerate(instrument.safety):
        _require_numeric_item(instrument, rule.item, root.at("safety").element(index).at("item"))


def _check_items(instrument: Instrument, root: Node) -> None:
    seen: set[str] = set()
    for index, item in enumerate(instrument.items):
        node = root.at("items").element(index)
        if item.id in seen:
            raise node.at("id").fail(
                "duplicate_id", f"Two items have the id '{item.id}'.", id=item.id
            )
        seen.add(item.id)
        values = [option.value for option in item.options]
        if item.response is ResponseType.LABELLED_SCALE and len(values) < 2:
            raise node.at("options").fail(
                "missing_field", "A labelled scale needs at least two options."
            )
        if len(set(values)) != len(values):
            raise node.at("options").fail("duplicate_value", "Two options have the same value.")
        condition = item.enable_when
        if condition is not None and condition.item not in seen:
            raise node.at("enable_when").fail(
                "unknown_item",
                f"enable_when must name an earlier item; '{condition.item}' is not one.",
                item=condition.item,
            )


def _check_scales(instrument: Instrument, root: Node) -> None:
    scoring = instrument.scoring
    if not scoring.total_items:
        raise root.at("scoring").fail("missing_field", "The total needs at least one item.")
    for item_id in scoring.total_items:
        _require_numeric_item(instrument, item_id, root.at("scoring").at("items"))
    _check_missing_rule(scoring.max_missing, len(scoring.total_items), scoring, root.at("scoring"))
    seen: set[str] = {"total"}
    for index, subscale in enumerate(instrument.subscales):
        where = root.at("subscales").element(index)
        if subscale.id in seen:
            raise where.fail("duplicate_id", f"Two scales have the id '{subscale.id}'.")
        seen.add(subscale.id)
        if not subscale.items:
            raise where.fail("missing_field", "A subscale needs at least one item.")
        for item_id in subscale.items:
            _require_numeric_item(instrument, item_id, where.at("items"))
        _check_missing_rule(subscale.max_missing, len(subscale.items), scoring, where)


def _check_missing_rule(max_missing: int, n_items: int, scoring: ScoringRule, where: Node) -> None:
    if max_missing >= n_items:
        raise where.fail(
            "invalid_value",
            "max_missing must be smaller than the number of items.",
            max_missing=max_missing,
            items=n_items,
        )
    # A sum over fewer items than asked is a wrong number unless it is prorated.
    if max_missing > 0 and scoring.method is ScoringMethod.SUM and not scoring.prorate:
        raise where.fail(
            "invalid_value",
            "A sum with missing items allowed must be prorated: set scoring.prorate: true "
            "or max_missing: 0.",
        )


def _check_bands_and_cutoffs(instrument: Instrument, root: Node) -> None:
    low, high = instrument.total_range
    lowers = [band.lower for band in instrument.bands]
    if lowers and (lowers != sorted(set(lowers)) or lowers[0] != low or lowers[-1] > high):
        raise root.at("bands").fail(
            "bands_invalid",
            f"Bands must start at the lowest total ({low:g}) and rise strictly within "
            f"the range {low:g}–{high:g}.",
            low=low,
            high=high,
        )
    scales = {"total", *(subscale.id for subscale in instrument.subscales)}
    for index, cutoff in enumerate(instrument.cutoffs):
        if cutoff.scale not in scales:
            raise (
                root.at("cutoffs")
                .element(index)
                .at("scale")
                .fail("unknown_scale", f"No scale named '{cutoff.scale}'.", scale=cutoff.scale)
            )


def _require_numeric_item(instrument: Instrument, item_id: str, where: Node) -> None:
    try:
        item = instrument.item(item_id)
    except KeyError:
        raise where.fail("unknown_item", f"No item has the id '{item_id}'.", item=item_id) from None
    if not item.response.is_numeric:
        raise where.fail(
            "invalid_value", f"Item '{item_id}' is free text and cannot be scored.", item=item_id
        )
