"""Import: any FHIR Questionnaire as an instrument, scored by a key, its extension or a sum."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from alliance.science.errors import InputError, Location
from alliance.science.instruments.fhir._common import (
    ANCHOR_EXTENSION,
    ANSWER_SYSTEM,
    HL7,
    SCORING_EXTENSION,
    SUPPORTED_ITEM_TYPES,
    TRANSLATION,
    WEIGHT_EXTENSIONS,
    _coded_value,
    _walk,
)
from alliance.science.instruments.fhir.validation import validate_resource
from alliance.science.instruments.files import read_text_file
from alliance.science.instruments.loading import apply_key, parse_instrument
from alliance.science.instruments.model import (
    Coding,
    Condition,
    Instrument,
    Item,
    ResponseOption,
    ResponseType,
    ScoringMethod,
    ScoringRule,
)
from alliance.science.instruments.serialize import instrument_to_dict

# ---------------------------------------------------------------------------
# Import: Questionnaire → Instrument
# ---------------------------------------------------------------------------


def _detect_version(data: Mapping[str, Any], file: str | None) -> str:
    """R5 renamed the ``choice`` item type to ``coding``: the item types tell the version."""
    types = {item.get("type") for item in _walk(data.get("item", []))}
    version = "R4B" if types & {"choice", "open-choice"} else "R5"
    validate_resource(data, version, file)
    return version


def load_questionnaire_file(path: str | Path, key: str | None = None) -> Instrument:
    """Read a FHIR Questionnaire from a JSON file; see :func:`instrument_from_questionnaire`."""
    return instrument_from_questionnaire(_read_json(path), key=key, file=str(path))


def _read_json(path: str | Path) -> dict[str, Any]:
    file = str(path)
    try:
        data = json.loads(read_text_file(path))
    except json.JSONDecodeError as error:
        raise InputError(
            f"This is not valid JSON: {error}.", code="fhir_malformed", location=Location(file=file)
        ) from error
    if not isinstance(data, dict):
        raise InputError(
            "Expected a JSON object.", code="fhir_malformed", location=Location(file=file)
        )
    return data


def instrument_from_questionnaire(
    data: Mapping[str, Any], key: str | None = None, file: str | None = None
) -> Instrument:
    """Build an instrument from a FHIR R4B or R5 Questionnaire (a parsed JSON dict)."""
    _detect_version(data, file)
    if data.get("resourceType") != "Questionnaire":
        raise InputError(
            "Expected a Questionnaire.",
            code="fhir_malformed",
            location=Location(file=file, field="resourceType"),
        )
    language = str(data.get("language") or "en")
    earlier: dict[str, Item] = {}
    for number, node in enumerate(_questions(data), start=1):
        item = _import_item(node, number, language, earlier, file)
        if item.id in earlier:
            raise InputError(
                f"Two items have the linkId '{node.get('linkId')}'.",
                code="duplicate_id",
                location=Location(file=file, field="item"),
            )
        earlier[item.id] = item
    items = list(earlier.values())
    if not items:
        raise InputError(
            "The Questionnaire has no question items.",
            code="fhir_malformed",
            location=Location(file=file, field="item"),
        )
    return _with_scoring(data, tuple(items), key, language, file)


def _questions(data: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Question items in order, groups flattened, display-only items left out."""
    for item in _walk(data.get("item", [])):
        if item.get("type") not in {"group", "display"}:
            yield item


def _import_item(
    node: Mapping[str, Any],
    number: int,
    language: str,
    earlier: Mapping[str, Item],
    file: str | None,
) -> Item:
    link_id = str(node.get("linkId"))
    where = Location(file=file, field=f"item '{link_id}'")
    fhir_type = str(node.get("type"))
    if fhir_type not in SUPPORTED_ITEM_TYPES:
        raise InputError(
            f"Item type '{fhir_type}' is not supported; use choice/coding, boolean, integer, "
            "decimal, string or text.",
            code="fhir_unsupported",
            location=where,
            params={"type": fhir_type},
        )
    response, options = _import_response(node, fhir_type, language, where)
    codes = node.get("code") or []
    return Item(
        id=item_id_from_link_id(link_id),
        number=number,
        response=response,
        text=_localized(node, "text", language),
        options=options,
        anchors=tuple(_import_anchor(ext) for ext in _extensions(node, ANCHOR_EXTENSION)),
        enable_when=_import_condition(node, earlier, where),
        code=_import_coding(codes[0]) if codes else None,
    )


def item_id_from_link_id(link_id: str) -> str:
    """A FHIR linkId as an Alliance item id: ``/44250-9`` → ``item_44250-9``, ``Q1`` → ``q1``."""
    cleaned = re.sub(r"[^a-z0-9_.-]+", "_", link_id.strip().lower()).strip("_")
    return cleaned if cleaned[:1].isalpha() else f"item_{cleaned}"


def _import_response(
    node: Mapping[str, Any], fhir_type: str, language: str, where: Location
) -> tuple[ResponseType, tuple[ResponseOption, ...]]:
    if fhir_type in {"choice", "coding", "open-choice"}:
        return ResponseType.LABELLED_SCALE, _import_options(node, language, where)
    if fhir_type == "boolean":
        return ResponseType.YES_NO, (
            ResponseOption(1.0, {"en": "Yes", "fr": "Oui"}),
            ResponseOption(0.0, {"en": "No", "fr": "Non"}),
        )
    if fhir_type in {"string", "text"}:
        return ResponseType.FREE_TEXT, ()
    return _import_numeric(node, fhir_type, where)


def _import_numeric(
    node: Mapping[str, Any], fhir_type: str, where: Location
) -> tuple[ResponseType, tuple[ResponseOption, ...]]:
    low = _extension_number(node, f"{HL7}/minValue", 0.0)
    high = _extension_number(node, f"{HL7}/maxValue", 10.0)
    if (low, high) == (0.0, 10.0):
        kind = ResponseType.SCALE_0_10 if fhir_type == "integer" else ResponseType.VISUAL_ANALOGUE
        return kind, ()
    if fhir_type == "integer" and 1 <= high - low <= 20:
        # Another whole-number range (1–7, say) is a labelled scale without labels.
        values = range(int(low), int(high) + 1)
        return ResponseType.LABELLED_SCALE, tuple(ResponseOption(float(v), {}) for v in values)
    raise InputError(
        f"A {fhir_type} item must be 0–10 (or a whole-number range of at most 21 values); "
        f"this one goes from {low:g} to {high:g}.",
        code="fhir_unsupported",
        location=where,
    )


def _import_options(
    node: Mapping[str, Any], language: str, where: Location
) -> tuple[ResponseOption, ...]:
    options = []
    for option in node.get("answerOption") or []:
        coding = option.get("valueCoding")
        if coding is None:
            raise InputError(
                "Only coded answer options (valueCoding) can be scored.",
                code="fhir_unsupported",
                location=where,
            )
        label = _localized(coding, "display", language)
        # The display of a standard code (LOINC) is the code system's own, in English.
        code = replace(_import_coding(coding), display=label.get("en", ""))
        options.append(
            ResponseOption(
                value=_option_value(option, coding, where),
                label=label,
                code=None if code.system == ANSWER_SYSTEM else code,
            )
        )
    if len(options) < 2:
        raise InputError(
            "A choice item needs at least two answerOptions with codes.",
            code="fhir_unsupported",
            location=where,
        )
    return tuple(options)


def _option_value(option: Mapping[str, Any], coding: Mapping[str, Any], where: Location) -> float:
    """The score of an option: its itemWeight/ordinalValue, else a numeric code."""
    for holder in (coding, option):
        for url in WEIGHT_EXTENSIONS:
            for extension in _extensions(holder, url):
                return float(extension["valueDecimal"])
    try:
        return float(str(coding.get("code")))
    except ValueError:
        raise InputError(
            f"Option '{coding.get('code')}' has no numeric value: add an itemWeight (R5) or "
            "ordinalValue (R4) extension.",
            code="fhir_unsupported",
            location=where,
        ) from None


def _import_anchor(extension: Mapping[str, Any]) -> ResponseOption:
    value, label = 0.0, {}
    for part in extension.get("extension", []):
        if part.get("url") == "value":
            value = float(part["valueDecimal"])
        elif part.get("url") == "label":
            fields = {
                p["url"]: p.get("valueCode") or p.get("valueString") for p in part["extension"]
            }
            label[str(fields["lang"])] = str(fields["content"])
    return ResponseOption(value, label)


def _import_condition(
    node: Mapping[str, Any], earlier: Mapping[str, Item], where: Location
) -> Condition | None:
    """The first ``=`` enableWhen condition on an earlier item, as a Condition.

    Alliance conditions are a single equality; other operators and further
    conditions are left out (the item is then always asked).
    """
    conditions = [c for c in node.get("enableWhen") or [] if c.get("operator") == "="]
    if not conditions:
        return None
    condition = conditions[0]
    question = item_id_from_link_id(str(condition["question"]))
    if question not in earlier:
        raise InputError(
            f"enableWhen refers to '{condition['question']}', which is not an earlier question.",
            code="fhir_unsupported",
            location=where,
        )
    if "answerBoolean" in condition:
        return Condition(question, 1.0 if condition["answerBoolean"] else 0.0)
    if "answerCoding" in condition:
        return Condition(
            question, _coded_value(earlier[question], condition["answerCoding"], where)
        )
    for name in ("answerInteger", "answerDecimal"):
        if name in condition:
            return Condition(question, float(condition[name]))
    return None


def _import_coding(coding: Mapping[str, Any]) -> Coding:
    return Coding(
        str(coding.get("system", "")), str(coding.get("code", "")), str(coding.get("display", ""))
    )


def _localized(node: Mapping[str, Any], element: str, language: str) -> dict[str, str]:
    texts: dict[str, str] = {}
    if node.get(element):
        texts[language] = str(node[element])
    for extension in _extensions(node.get(f"_{element}") or {}, TRANSLATION):
        fields = {
            p["url"]: p.get("valueCode") or p.get("valueString") for p in extension["extension"]
        }
        texts[str(fields["lang"])] = str(fields["content"])
    return texts


def _extensions(node: Mapping[str, Any], url: str) -> list[dict[str, Any]]:
    return [ext for ext in node.get("extension") or [] if ext.get("url") == url]


def _extension_number(node: Mapping[str, Any], url: str, default: float) -> float:
    for extension in _extensions(node, url):
        for name in ("valueInteger", "valueDecimal"):
            if name in extension:
                return float(extension[name])
    return default


def _with_scoring(
    data: Mapping[str, Any],
    items: tuple[Item, ...],
    key: str | None,
    language: str,
    file: str | None,
) -> Instrument:
    from alliance.science.instruments.registry import get_scoring_key, scoring_keys

    questionnaire_id = _questionnaire_id(data)
    header: dict[str, Any] = {
        "id": questionnaire_id,
        "version": str(data.get("version") or "1"),
        "title": _localized(data, "title", language) or {language: questionnaire_id},
        "instructions": _localized(data, "description", language),
        "licence": str(data.get("copyright") or ""),
        "codes": tuple(_import_coding(c) for c in data.get("code") or []),
    }
    embedded = _extensions(data, SCORING_EXTENSION)
    known_keys = {k.id for k in scoring_keys()}
    if key is None and not embedded and questionnaire_id in known_keys:
        key = questionnaire_id
    if key is not None:
        instrument = apply_key(get_scoring_key(key), items)
        return replace(
            instrument, **{k: v for k, v in header.items() if v and k != "id"}, id=questionnaire_id
        )
    if embedded:
        return _from_embedded_scoring(embedded[0], items, header, file)
    return _plain_sum(items, header)


def _questionnaire_id(data: Mapping[str, Any]) -> str:
    raw = str(
        data.get("id")
        or str(data.get("url") or "").rstrip("/").rsplit("/", 1)[-1]
        or data.get("name")
        or "imported"
    )
    cleaned = re.sub(r"[^a-z0-9_.-]+", "-", raw.lower()).strip("-")
    return cleaned or "imported"


def _from_embedded_scoring(
    extension: Mapping[str, Any],
    items: tuple[Item, ...],
    header: Mapping[str, Any],
    file: str | None,
) -> Instrument:
    try:
        definition = json.loads(str(extension.get("valueString")))
    except json.JSONDecodeError as error:
        raise InputError(
            "The scoring extension is not valid JSON.",
            code="fhir_malformed",
            location=Location(file=file, field="extension"),
        ) from error
    per_item = {entry["id"]: entry for entry in definition.pop("items", [])}
    items = tuple(
        replace(
            item,
            reverse=bool(per_item.get(item.id, {}).get("reverse", False)),
            pillar=per_item.get(item.id, {}).get("pillar"),
        )
        for item in items
    )
    # Read everything back through the YAML schema: the same checks, the same errors.
    data = instrument_to_dict(_plain_sum(items, header))
    for name in ("scoring", "notes", "validated"):
        data.pop(name, None)
    return parse_instrument({**data, **definition}, file=file)


def _plain_sum(items: tuple[Item, ...], header: Mapping[str, Any]) -> Instrument:
    numeric = tuple(item.id for item in items if item.response.is_numeric)
    return Instrument(
        id=str(header["id"]),
        version=str(header["version"]),
        title=header["title"],
        instructions=header["instructions"],
        licence=header["licence"],
        codes=header["codes"],
        items=items,
        scoring=ScoringRule(ScoringMethod.SUM, numeric),
        validated=False,
        notes="Imported from FHIR without a scoring key: scored as a plain sum of all items.",
    )
