"""Read an instrument from YAML text, a YAML file or parsed data, field by field."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from alliance.science.errors import InputError, Location
from alliance.science.instruments.files import read_text_file
from alliance.science.instruments.loading.checks import check_instrument
from alliance.science.instruments.loading.keys import apply_key
from alliance.science.instruments.loading.node import INSTRUMENT_ID_PATTERN, Node
from alliance.science.instruments.model import (
    PILLARS,
    Coding,
    Condition,
    Cutoff,
    Instrument,
    Item,
    Reliability,
    ReliableChange,
    ResponseOption,
    ResponseType,
    SafetyRule,
    ScoringMethod,
    ScoringRule,
    SeverityBand,
    Subscale,
)

TOP_LEVEL_FIELDS = frozenset(
    {
        "id",
        "version",
        "title",
        "instructions",
        "respondent",
        "source",
        "licence",
        "validated",
        "notes",
        "key",
        "codes",
        "total_code",
        "response_sets",
        "items",
        "subscales",
        "scoring",
        "bands",
        "cutoffs",
        "safety",
        "reliable_change",
        "reliability",
    }
)
# What a scoring key decides; a file that names a key must leave these out.
KEY_FIELDS = (
    "subscales",
    "scoring",
    "bands",
    "cutoffs",
    "safety",
    "reliable_change",
    "reliability",
)
ITEM_FIELDS = frozenset(
    {"id", "text", "response", "options", "anchors", "reverse", "pillar", "enable_when", "code"}
)
RESPONDENTS = ("patient", "therapist", "any")
DIRECTIONS = ("at_or_above", "below")


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------


def load_instrument_file(
    path: str | Path, keys: Callable[[str], Instrument] | None = None
) -> Instrument:
    """Read and check an instrument from a YAML file.

    When the file names a scoring ``key`` (e.g. ``key: wai-sr``), the scoring
    is taken from that key; ``keys`` looks keys up by id (the shipped keys by
    default).
    """
    return parse_instrument_yaml(read_text_file(path), file=str(path), keys=keys)


def parse_instrument_yaml(
    text: str, file: str | None = None, keys: Callable[[str], Instrument] | None = None
) -> Instrument:
    """Parse and check an instrument from YAML text."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise InputError(
            f"This is not valid YAML{where}: {getattr(error, 'problem', error)}.",
            code="yaml_malformed",
            location=Location(file=file),
            params={"line": mark.line + 1 if mark else None},
        ) from error
    return parse_instrument(data, file=file, keys=keys)


def parse_instrument(
    data: Any, file: str | None = None, keys: Callable[[str], Instrument] | None = None
) -> Instrument:
    """Build an :class:`Instrument` from already-parsed data (a dict), checking everything."""
    root = Node(data, file)
    root.mapping(TOP_LEVEL_FIELDS)
    key_id = root.at("key").text("") or None
    if key_id is not None:
        return _parse_with_key(root, key_id, keys)
    instrument = _parse_complete(root)
    check_instrument(instrument, root)
    return instrument


# ---------------------------------------------------------------------------
# Parts of the definition
# ---------------------------------------------------------------------------


def _parse_complete(root: Node) -> Instrument:
    # Read the header before the items, in the order of a typical file, so that
    # the first error reported is the first one a person meets when reading it.
    instrument_id = root.at("id").identifier(INSTRUMENT_ID_PATTERN)
    version = root.at("version").text()
    title = root.at("title").localized()
    validated = root.at("validated").boolean()
    items = _parse_items(root)
    numeric_ids = tuple(item.id for item in items if item.response.is_numeric)
    return Instrument(
        id=instrument_id,
        version=version,
        title=title,
        instructions=root.at("instructions").localized(required=False),
        respondent=root.at("respondent").choice(RESPONDENTS, "patient"),
        source=root.at("source").text(""),
        licence=root.at("licence").text(""),
        validated=validated,
        notes=root.at("notes").text(""),
        codes=tuple(_parse_coding(node) for node in root.at("codes").children()),
        total_code=None if root.at("total_code").missing else _parse_coding(root.at("total_code")),
        items=items,
        subscales=tuple(_parse_subscale(node) for node in root.at("subscales").children()),
        scoring=_parse_scoring(root.at("scoring"), numeric_ids),
        bands=tuple(_parse_band(node) for node in root.at("bands").children()),
        cutoffs=tuple(_parse_cutoff(node) for node in root.at("cutoffs").children()),
        safety=tuple(_parse_safety(node) for node in root.at("safety").children()),
        reliable_change=_parse_reliable_change(root.at("reliable_change")),
        reliability=_parse_reliability(root.at("reliability")),
    )


def _parse_items(root: Node) -> tuple[Item, ...]:
    response_sets = _parse_response_sets(root.at("response_sets"))
    nodes = root.at("items").children()
    if not nodes:
        raise root.at("items").fail("missing_field", "An instrument needs at least one item.")
    return tuple(
        _parse_item(node, number, response_sets) for number, node in enumerate(nodes, start=1)
    )


def _parse_response_sets(node: Node) -> dict[str, tuple[ResponseOption, ...]]:
    if node.missing:
        return {}
    return {str(name): _parse_options(node.at(str(name))) for name in node.mapping()}


def _parse_options(node: Node) -> tuple[ResponseOption, ...]:
    return tuple(_parse_option(child) for child in node.children())


def _parse_option(node: Node) -> ResponseOption:
    node.mapping(frozenset({"value", "label", "code"}))
    return ResponseOption(
        value=node.at("value").number(),
        label=node.at("label").localized(required=False),
        code=None if node.at("code").missing else _parse_coding(node.at("code")),
    )


def _parse_item(
    node: Node, number: int, response_sets: Mapping[str, tuple[ResponseOption, ...]]
) -> Item:
    node.mapping(ITEM_FIELDS)
    response = ResponseType(node.at("response").choice([kind.value for kind in ResponseType]))
    enable_node = node.at("enable_when")
    return Item(
        id=node.at("id").identifier(),
        number=number,
        response=response,
        text=node.at("text").localized(required=False),
        options=_options_or_set(node.at("options"), response_sets) or _default_options(response),
        anchors=_options_or_set(node.at("anchors"), response_sets),
        reverse=node.at("reverse").boolean(False),
        pillar=None if node.at("pillar").missing else node.at("pillar").choice(PILLARS),
        enable_when=None if enable_node.missing else _parse_condition(enable_node),
        code=None if node.at("code").missing else _parse_coding(node.at("code")),
    )


def _options_or_set(
    node: Node, response_sets: Mapping[str, tuple[ResponseOption, ...]]
) -> tuple[ResponseOption, ...]:
    """Options given in place, or the name of a set under ``response_sets``."""
    if not isinstance(node.value, str):
        return _parse_options(node)
    if node.value not in response_sets:
        raise node.fail(
            "unknown_response_set",
            f"No response set named '{node.value}' under response_sets.",
            name=node.value,
        )
    return response_sets[node.value]


def _default_options(response: ResponseType) -> tuple[ResponseOption, ...]:
    if response is ResponseType.YES_NO:
        return (
            ResponseOption(1.0, {"en": "Yes", "fr": "Oui"}),
            ResponseOption(0.0, {"en": "No", "fr": "Non"}),
        )
    return ()


def _parse_condition(node: Node) -> Condition:
    node.mapping(frozenset({"item", "equals"}))
    return Condition(item=node.at("item").identifier(), equals=node.at("equals").number())


def _parse_coding(node: Node) -> Coding:
    node.mapping(frozenset({"system", "code", "display"}))
    return Coding(node.at("system").text(), node.at("code").text(), node.at("display").text(""))


def _parse_subscale(node: Node) -> Subscale:
    node.mapping(frozenset({"id", "title", "items", "max_missing"}))
    return Subscale(
        id=node.at("id").identifier(),
        title=node.at("title").localized(required=False),
        items=tuple(child.identifier() for child in node.at("items").children()),
        max_missing=node.at("max_missing").whole_number(0),
    )


def _parse_scoring(node: Node, numeric_ids: tuple[str, ...]) -> ScoringRule:
    if node.missing:
        raise node.fail("missing_field", "Say how the instrument is scored (scoring: method: sum).")
    node.mapping(
        frozenset({"method", "items", "max_missing", "prorate", "higher_is_better", "range"})
    )
    items = tuple(child.identifier() for child in node.at("items").children()) or numeric_ids
    return ScoringRule(
        method=ScoringMethod(node.at("method").choice([method.value for method in ScoringMethod])),
        total_items=items,
        max_missing=node.at("max_missing").whole_number(0),
        prorate=node.at("prorate").boolean(False),
        higher_is_better=node.at("higher_is_better").boolean(True),
    )


def _parse_band(node: Node) -> SeverityBand:
    node.mapping(frozenset({"id", "from", "label"}))
    return SeverityBand(
        id=node.at("id").identifier(),
        lower=node.at("from").number(),
        label=node.at("label").localized(required=False),
    )


def _parse_cutoff(node: Node) -> Cutoff:
    node.mapping(frozenset({"id", "threshold", "direction", "scale", "label", "source"}))
    return Cutoff(
        id=node.at("id").identifier(),
        threshold=node.at("threshold").number(),
        direction=node.at("direction").choice(DIRECTIONS),
        scale=node.at("scale").text("total"),
        label=node.at("label").localized(required=False),
        source=node.at("source").text(""),
    )


def _parse_safety(node: Node) -> SafetyRule:
    node.mapping(frozenset({"id", "item", "above", "label"}))
    return SafetyRule(
        id=node.at("id").identifier(),
        item=node.at("item").identifier(),
        above=node.at("above").number(),
        label=node.at("label").localized(required=False),
    )


def _parse_reliable_change(node: Node) -> ReliableChange | None:
    if node.missing:
        return None
    node.mapping(frozenset({"value", "source"}))
    return ReliableChange(node.at("value").number(), node.at("source").text(""))


def _parse_reliability(node: Node) -> Reliability | None:
    if node.missing:
        return None
    node.mapping(frozenset({"alpha", "source"}))
    return Reliability(node.at("alpha").number(), node.at("source").text(""))


# ---------------------------------------------------------------------------
# Completing licensed items with a shipped scoring key
# ---------------------------------------------------------------------------


def _parse_with_key(
    root: Node, key_id: str, keys: Callable[[str], Instrument] | None
) -> Instrument:
    for name in KEY_FIELDS:
        if not root.at(name).missing:
            raise root.at(name).fail(
                "key_conflict",
                f"'{name}' comes from the scoring key '{key_id}'; remove it from this file.",
                field_name=name,
                key=key_id,
            )
    if keys is None:
        from alliance.science.instruments.registry import get_scoring_key

        keys = get_scoring_key
    key = keys(key_id)
    items = _parse_items(root)
    return apply_key(
        key,
        items,
        id=root.at("id").identifier(INSTRUMENT_ID_PATTERN) if not root.at("id").missing else key.id,
        version=root.at("version").text(key.version),
        title=root.at("title").localized(required=False) or key.title,
        instructions=root.at("instructions").localized(required=False),
        source=root.at("source").text(key.source),
        licence=root.at("licence").text(key.licence),
        where=root,
    )
