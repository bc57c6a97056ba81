"""Read an instrument from YAML and check it, with errors that say where.

The schema is documented in ``docs/instruments.md``. Every problem raises an
:class:`~alliance.science.errors.InputError` naming the file and the field
(``items[3].options[0].value``) with a stable ``code`` for translation.
Unknown fields are errors too: a misspelt ``revers: true`` must not silently
change a score.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import yaml

from alliance.science.errors import InputError, Location
from alliance.science.instruments.files import read_text_file
from alliance.science.instruments.model import (
    PILLARS,
    Coding,
    Condition,
    Cutoff,
    Instrument,
    Item,
    LocalizedText,
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

T = TypeVar("T")

# Ids are used as CSV column names and FHIR linkIds: keep them plain. They must
# start with a letter so that a column named "3" always means item number 3.
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_.-]*$")
INSTRUMENT_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")

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


@dataclass(frozen=True)
class Node:
    """A value read from YAML and where it was found, so that errors can say where."""

    value: Any
    file: str | None
    path: str = ""

    def at(self, name: str | int) -> Node:
        """The child ``name`` (a key or a list index) of this mapping or list."""
        path = f"{self.path}[{name}]" if isinstance(name, int) else _join(self.path, name)
        if isinstance(name, int):
            return Node(self.value[name], self.file, path)
        return Node(self.value.get(name) if isinstance(self.value, dict) else None, self.file, path)

    def element(self, index: int) -> Node:
        """The ``index``-th element of this list, or an empty node that still knows its path.

        Checks run on the built instrument name fields this way even when the
        instrument did not come from YAML (a FHIR import, a key applied in code).
        """
        if isinstance(self.value, list) and index < len(self.value):
            return self.at(index)
        return Node(None, self.file, f"{self.path}[{index}]")

    def fail(self, code: str, message: str, **params: Any) -> InputError:
        location = Location(file=self.file, field=self.path or None)
        return InputError(message, code=code, location=location, params=params)

    @property
    def missing(self) -> bool:
        return self.value is None

    def mapping(self, allowed: frozenset[str] | None = None) -> dict[str, Any]:
        """This node as a mapping; with ``allowed``, any other field is an error."""
        if not isinstance(self.value, dict):
            raise self.fail("wrong_type", "Expected a mapping of fields (name: value).")
        unknown = sorted(str(name) for name in self.value if allowed and name not in allowed)
        if unknown:
            raise self.at(unknown[0]).fail(
                "unknown_field",
                f"Unknown field '{unknown[0]}'; check its spelling.",
                field_name=unknown[0],
            )
        return self.value

    def children(self) -> list[Node]:
        if self.missing:
            return []
        if not isinstance(self.value, list):
            raise self.fail("wrong_type", "Expected a list.")
        return [self.at(index) for index in range(len(self.value))]

    def text(self, default: str | None = None) -> str:
        if self.missing and default is not None:
            return default
        if self.missing:
            raise self.fail("missing_field", "This field is required.")
        if not isinstance(self.value, str | int | float) or isinstance(self.value, bool):
            raise self.fail("wrong_type", "Expected text.")
        return str(self.value)

    def number(self, default: float | None = None) -> float:
        if self.missing and default is not None:
            return default
        if isinstance(self.value, bool) or not isinstance(self.value, int | float):
            raise self.fail("wrong_type", "Expected a number.")
        return float(self.value)

    def whole_number(self, default: int) -> int:
        if self.missing:
            return default
        if isinstance(self.value, bool) or not isinstance(self.value, int) or self.value < 0:
            raise self.fail("wrong_type", "Expected a whole number, 0 or more.")
        return self.value

    def boolean(self, default: bool | None = None) -> bool:
        if self.missing and default is not None:
            return default
        if not isinstance(self.value, bool):
            raise self.fail("wrong_type", "Expected true or false.")
        return self.value

    def choice(self, allowed: Sequence[str], default: str | None = None) -> str:
        value = self.text(default)
        if value not in allowed:
            raise self.fail(
                "invalid_value",
                f"'{value}' is not one of: {', '.join(allowed)}.",
                value=value,
                allowed=list(allowed),
            )
        return value

    def identifier(self, pattern: re.Pattern[str] = ID_PATTERN) -> str:
        value = self.text()
        if not pattern.match(value):
            raise self.fail(
                "invalid_id",
                f"'{value}' is not a valid id: use lower-case letters, digits, '_', '-' or '.', "
                "starting with a letter.",
                value=value,
            )
        return value

    def localized(self, required: bool = True) -> LocalizedText:
        if self.missing and not required:
            return {}
        texts = self.mapping()
        if not texts:
            raise self.fail("missing_field", "Give the text in at least one language (en: …).")
        for language, text in texts.items():
            if not isinstance(text, str) or not text.strip():
                raise self.at(str(language)).fail("wrong_type", "Expected non-empty text.")
        return {str(language): text.strip() for language, text in texts.items()}


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


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
