"""FHIR Questionnaire and QuestionnaireResponse, R4B and R5, both ways.

Export: every instrument becomes a Questionnaire with its items, answer
options (with LOINC answer codes and numeric weights), codes, enableWhen
conditions and translations (the standard ``translation`` extension on
``_text``, ``_title``, ``_display``). What FHIR has no element for — subscales,
reverse scoring, bands, cut-offs, safety rules — travels in one extension
holding the scoring definition as JSON, so that an export imports back to the
same instrument.

Import: any Questionnaire's items, answer options and codes become an
instrument. Its scoring comes, in order, from an explicit scoring key
(``key="wai-sr"``), from the scoring extension, from a shipped key whose id
matches the Questionnaire's id, or, failing all three, is a plain sum marked
as not validated.

Structural validation is done with ``fhir.resources``; the codes it does not
check (item types, status) are checked here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from alliance.science.errors import InputError, Location
from alliance.science.instruments.files import read_text_file
from alliance.science.instruments.loading import apply_key, parse_instrument
from alliance.science.instruments.model import (
    Coding,
    Condition,
    Instrument,
    Item,
    LocalizedText,
    ResponseOption,
    ResponseType,
    ScoringMethod,
    ScoringRule,
    localize,
)
from alliance.science.instruments.serialize import instrument_to_dict

#: Base of the canonical URLs Alliance mints. ``.invalid`` (RFC 2606) says
#: plainly that it resolves nowhere; a clinic may publish under its own base.
CANONICAL_BASE = "http://alliance.invalid/fhir"
SCORING_EXTENSION = f"{CANONICAL_BASE}/StructureDefinition/scoring-definition"
ANCHOR_EXTENSION = f"{CANONICAL_BASE}/StructureDefinition/scale-anchor"
ANSWER_SYSTEM = f"{CANONICAL_BASE}/CodeSystem/answer-value"

HL7 = "http://hl7.org/fhir/StructureDefinition"
TRANSLATION = f"{HL7}/translation"
WEIGHT_EXTENSIONS = (f"{HL7}/itemWeight", f"{HL7}/ordinalValue")  # R5, R4
ITEM_CONTROL = f"{HL7}/questionnaire-itemControl"
VERSIONS = ("R4B", "R5")
SUPPORTED_ITEM_TYPES = {
    "choice",
    "coding",
    "open-choice",
    "boolean",
    "integer",
    "decimal",
    "string",
    "text",
    "group",
    "display",
}


# ---------------------------------------------------------------------------
# Validation with fhir.resources
# ---------------------------------------------------------------------------


def _resource_class(resource_type: str, version: str) -> Any:
    if version not in VERSIONS:
        raise InputError(
            f"Unknown FHIR version '{version}'; use R4B or R5.",
            code="invalid_value",
            params={"version": version},
        )
    module = "fhir.resources" if version == "R5" else "fhir.resources.R4B"
    name = "questionnaire" if resource_type == "Questionnaire" else "questionnaireresponse"
    return getattr(__import__(f"{module}.{name}", fromlist=[resource_type]), resource_type)


def validate_resource(data: Mapping[str, Any], version: str, file: str | None = None) -> None:
    """Check a Questionnaire or QuestionnaireResponse against the FHIR ``version`` structure."""
    resource_type = data.get("resourceType")
    if resource_type not in {"Questionnaire", "QuestionnaireResponse"}:
        raise InputError(
            f"Expected a Questionnaire or QuestionnaireResponse, got '{resource_type}'.",
            code="fhir_malformed",
            location=Location(file=file, field="resourceType"),
        )
    try:
        _resource_class(str(resource_type), version).model_validate(dict(data))
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise InputError(
            f"Not a valid FHIR {version} {resource_type}: {first['msg']}.",
            code="fhir_malformed",
            location=Location(file=file, field=field),
            params={"version": version},
        ) from error


def _detect_version(data: Mapping[str, Any], file: str | None) -> str:
    """R5 renamed the ``choice`` item type to ``coding``: the item types tell the version."""
    types = {item.get("type") for item in _walk(data.get("item", []))}
    version = "R4B" if types & {"choice", "open-choice"} else "R5"
    validate_resource(data, version, file)
    return version


def _walk(items: Any) -> Iterator[dict[str, Any]]:
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            yield item
            yield from _walk(item.get("item", []))


# ---------------------------------------------------------------------------
# Export: Instrument → Questionnaire
# ---------------------------------------------------------------------------


def questionnaire_from_instrument(
    instrument: Instrument, version: str = "R5", language: str = "en"
) -> dict[str, Any]:
    """The instrument as a FHIR ``version`` Questionnaire (a JSON-ready dict), validated."""
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": instrument.id,
        "url": f"{CANONICAL_BASE}/Questionnaire/{instrument.id}",
        "version": instrument.version,
        "name": _computable_name(instrument.id),
        "status": "active",
        "language": language,
        "subjectType": ["Patient"],
        "extension": [{"url": SCORING_EXTENSION, "valueString": _scoring_json(instrument)}],
        **_translated("title", instrument.title, language),
        **_translated("description", instrument.instructions, language),
        "item": [_export_item(instrument, item, version, language) for item in instrument.items],
    }
    if instrument.licence:
        resource["copyright"] = instrument.licence
    if instrument.codes:
        resource["code"] = [_coding_json(code) for code in instrument.codes]
    validate_resource(resource, version)
    return resource


def _computable_name(instrument_id: str) -> str:
    """FHIR names start with a capital and hold letters, digits and '_': ``phq-9`` → ``Phq9``."""
    parts = re.split(r"[^A-Za-z0-9]+", instrument_id)
    name = "".join(part[:1].upper() + part[1:] for part in parts)
    return name if name[:1].isalpha() else f"Q{name}"


def _scoring_json(instrument: Instrument) -> str:
    """What FHIR cannot say about scoring, in the YAML schema, as compact JSON."""
    definition = instrument_to_dict(instrument)
    definition["items"] = [
        {name: item[name] for name in ("id", "reverse", "pillar") if name in item}
        for item in definition["items"]
    ]
    for name in ("title", "instructions", "codes", "licence", "version"):
        definition.pop(name, None)  # carried by standard Questionnaire elements
    return json.dumps(definition, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _translated(element: str, text: LocalizedText, language: str) -> dict[str, Any]:
    """``{element: text, _element: translations}`` for a localized text, or nothing."""
    if not text:
        return {}
    out: dict[str, Any] = {element: localize(text, language)}
    others = [(lang, value) for lang, value in text.items() if lang != language]
    if others:
        out[f"_{element}"] = {"extension": [_translation(lang, value) for lang, value in others]}
    return out


def _translation(language: str, text: str) -> dict[str, Any]:
    return {
        "url": TRANSLATION,
        "extension": [
            {"url": "lang", "valueCode": language},
            {"url": "content", "valueString": text},
        ],
    }


def _coding_json(code: Coding) -> dict[str, Any]:
    out = {"system": code.system, "code": code.code}
    return {**out, "display": code.display} if code.display else out


def _export_item(instrument: Instrument, item: Item, version: str, language: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "linkId": item.id,
        "prefix": str(item.number),
        **_translated("text", item.text, language),
        "type": _fhir_type(item.response, version),
    }
    if item.code:
        out["code"] = [_coding_json(item.code)]
    if item.response is ResponseType.LABELLED_SCALE:
        out["answerOption"] = [_answer_option(o, version, language) for o in item.options]
        if version == "R5":
            out["answerConstraint"] = "optionsOnly"
    extensions = _numeric_extensions(item) + [_anchor(a) for a in item.anchors]
    if extensions:
        out["extension"] = extensions
    if item.enable_when:
        out["enableWhen"] = [_enable_when(instrument, item.enable_when, language)]
    return out


def _fhir_type(response: ResponseType, version: str) -> str:
    return {
        ResponseType.LABELLED_SCALE: "coding" if version == "R5" else "choice",
        ResponseType.SCALE_0_10: "integer",
        ResponseType.VISUAL_ANALOGUE: "decimal",
        ResponseType.YES_NO: "boolean",
        ResponseType.FREE_TEXT: "text",
    }[response]


def _option_code(option: ResponseOption) -> Coding:
    """The option's own code (a LOINC answer), or its value in Alliance's answer system."""
    return option.code or Coding(ANSWER_SYSTEM, _format_value(option.value))


def _answer_coding(option: ResponseOption, language: str) -> dict[str, Any]:
    """The option as a Coding, displayed in ``language`` (for answers and enableWhen)."""
    coding = _coding_json(replace(_option_code(option), display=""))
    return {**coding, **_translated("display", option.label, language)}


def _answer_option(option: ResponseOption, version: str, language: str) -> dict[str, Any]:
    """An answerOption: the Coding with every translation and its numeric weight."""
    weight_url = WEIGHT_EXTENSIONS[0] if version == "R5" else WEIGHT_EXTENSIONS[1]
    weight = {"url": weight_url, "valueDecimal": option.value}
    return {"valueCoding": {**_answer_coding(option, language), "extension": [weight]}}


def _without_translations(element: dict[str, Any]) -> dict[str, Any]:
    """An answer holds one Coding as answered; translations belong to the Questionnaire."""
    return {name: value for name, value in element.items() if not name.startswith("_")}


def _format_value(value: float) -> str:
    return f"{value:g}"


def _numeric_extensions(item: Item) -> list[dict[str, Any]]:
    if item.response not in {ResponseType.SCALE_0_10, ResponseType.VISUAL_ANALOGUE}:
        return []
    if item.response is ResponseType.SCALE_0_10:
        bounds = [
            {"url": f"{HL7}/minValue", "valueInteger": int(item.minimum)},
            {"url": f"{HL7}/maxValue", "valueInteger": int(item.maximum)},
            {"url": f"{HL7}/questionnaire-sliderStepValue", "valueInteger": 1},
        ]
    else:
        bounds = [
            {"url": f"{HL7}/minValue", "valueDecimal": item.minimum},
            {"url": f"{HL7}/maxValue", "valueDecimal": item.maximum},
            {"url": f"{HL7}/maxDecimalPlaces", "valueInteger": 1},
        ]
    slider = {
        "url": ITEM_CONTROL,
        "valueCodeableConcept": {
            "coding": [
                {"system": "http://hl7.org/fhir/questionnaire-item-control", "code": "slider"}
            ]
        },
    }
    return [*bounds, slider]


def _anchor(anchor: ResponseOption) -> dict[str, Any]:
    labels = [
        {"url": "label", "extension": _translation(language, text)["extension"]}
        for language, text in anchor.label.items()
    ]
    return {
        "url": ANCHOR_EXTENSION,
        "extension": [{"url": "value", "valueDecimal": anchor.value}, *labels],
    }


def _enable_when(instrument: Instrument, condition: Condition, language: str) -> dict[str, Any]:
    target = instrument.item(condition.item)
    out: dict[str, Any] = {"question": target.id, "operator": "="}
    if target.response is ResponseType.YES_NO:
        out["answerBoolean"] = condition.equals == 1
    elif target.response is ResponseType.LABELLED_SCALE:
        option = next(o for o in target.options if o.value == condition.equals)
        out["answerCoding"] = _without_translations(_answer_coding(option, language))
    elif target.response is ResponseType.SCALE_0_10:
        out["answerInteger"] = int(condition.equals)
    else:
        out["answerDecimal"] = condition.equals
    return out


# ---------------------------------------------------------------------------
# Import: Questionnaire → Instrument
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# QuestionnaireResponse, both ways
# ---------------------------------------------------------------------------


def response_to_fhir(
    instrument: Instrument,
    answers: Mapping[str, Any],
    version: str = "R5",
    language: str = "en",
    *,
    subject: str | None = None,
    authored: str | None = None,
) -> dict[str, Any]:
    """One administration as a FHIR QuestionnaireResponse (a JSON-ready dict), validated.

    ``answers`` maps item ids to values, as given to ``instrument.score``;
    unanswered items are left out. ``subject`` is a reference such as
    ``"Patient/123"``; ``authored`` an ISO 8601 date-time.
    """
    known = {item.id: item for item in instrument.items}
    unknown = [item_id for item_id in answers if item_id not in known]
    if unknown:
        raise InputError(
            f"Unknown item '{unknown[0]}' for instrument '{instrument.id}'.",
            code="unknown_item",
            location=Location(field=unknown[0]),
            params={"item": unknown[0], "instrument": instrument.id},
        )
    items = [
        {"linkId": item.id, "answer": [_answer_json(item, answers[item.id], language)]}
        for item in instrument.items
        if answers.get(item.id) not in (None, "")
    ]
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{CANONICAL_BASE}/Questionnaire/{instrument.id}|{instrument.version}",
        "status": "completed",
        "item": items,
    }
    if subject:
        resource["subject"] = {"reference": subject}
    if authored:
        resource["authored"] = authored
    validate_resource(resource, version)
    return resource


def _answer_json(item: Item, value: Any, language: str) -> dict[str, Any]:
    where = Location(field=item.id)
    if item.response is ResponseType.FREE_TEXT:
        return {"valueString": str(value)}
    number = float(value)
    if not item.accepts(number):
        raise InputError(
            f"Answer {number:g} is not possible for item '{item.id}'.",
            code="answer_out_of_range",
            location=where,
            params={"item": item.id, "value": number},
        )
    if item.response is ResponseType.YES_NO:
        return {"valueBoolean": number == 1.0}
    if item.response is ResponseType.LABELLED_SCALE:
        option = next(o for o in item.options if o.value == number)
        return {"valueCoding": _without_translations(_answer_coding(option, language))}
    if item.response is ResponseType.SCALE_0_10:
        return {"valueInteger": int(number)}
    return {"valueDecimal": number}


def answers_from_response(
    instrument: Instrument, data: Mapping[str, Any], file: str | None = None
) -> dict[str, float | str]:
    """The answers of a FHIR QuestionnaireResponse, keyed by item id, ready to score.

    Items are matched by linkId; coded answers are matched to the item's
    options by code (and system, when the option has one).
    """
    try:
        validate_resource(data, "R5", file)
    except InputError:
        validate_resource(data, "R4B", file)  # the two differ little for responses
    if data.get("resourceType") != "QuestionnaireResponse":
        raise InputError(
            "Expected a QuestionnaireResponse.",
            code="fhir_malformed",
            location=Location(file=file, field="resourceType"),
        )
    known = {item.id: item for item in instrument.items}
    answers: dict[str, float | str] = {}
    for node in _walk(data.get("item", [])):
        if not node.get("answer"):
            continue
        item_id = item_id_from_link_id(str(node.get("linkId")))
        where = Location(file=file, field=f"item '{node.get('linkId')}'")
        if item_id not in known:
            raise InputError(
                f"Unknown item '{node.get('linkId')}' for instrument '{instrument.id}'.",
                code="unknown_item",
                location=where,
                params={"item": item_id, "instrument": instrument.id},
            )
        answers[item_id] = _answer_value(known[item_id], node["answer"][0], where)
    return answers


def _answer_value(item: Item, answer: Mapping[str, Any], where: Location) -> float | str:
    if "valueString" in answer:
        return str(answer["valueString"])
    if "valueBoolean" in answer:
        return 1.0 if answer["valueBoolean"] else 0.0
    for name in ("valueInteger", "valueDecimal"):
        if name in answer:
            return float(answer[name])
    if "valueCoding" in answer:
        return _coded_value(item, answer["valueCoding"], where)
    raise InputError(
        "Unsupported answer type; expected a string, boolean, number or coding.",
        code="fhir_unsupported",
        location=where,
    )


def _coded_value(item: Item, coding: Mapping[str, Any], where: Location) -> float:
    code, system = str(coding.get("code")), coding.get("system")
    for option in item.options:
        option_code = _option_code(option)
        if option_code.code == code and (system is None or option_code.system == system):
            return option.value
    raise InputError(
        f"Answer code '{code}' is not one of item '{item.id}''s options.",
        code="answer_out_of_range",
        location=where,
        params={"item": item.id, "code": code},
    )
