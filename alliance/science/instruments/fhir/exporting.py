"""Export: an instrument as a FHIR Questionnaire, with a scoring extension for what FHIR lacks."""

from __future__ import annotations

import json
import re
from typing import Any

from alliance.science.instruments.fhir._common import (
    ANCHOR_EXTENSION,
    CANONICAL_BASE,
    HL7,
    ITEM_CONTROL,
    SCORING_EXTENSION,
    WEIGHT_EXTENSIONS,
    _answer_coding,
    _coding_json,
    _translated,
    _translation,
    _without_translations,
)
from alliance.science.instruments.fhir.validation import validate_resource
from alliance.science.instruments.model import (
    Condition,
    Instrument,
    Item,
    ResponseOption,
    ResponseType,
)
from alliance.science.instruments.serialize import instrument_to_dict

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


def _answer_option(option: ResponseOption, version: str, language: str) -> dict[str, Any]:
    """An answerOption: the Coding with every translation and its numeric weight."""
    weight_url = WEIGHT_EXTENSIONS[0] if version == "R5" else WEIGHT_EXTENSIONS[1]
    weight = {"url": weight_url, "valueDecimal": option.value}
    return {"valueCoding": {**_answer_coding(option, language), "extension": [weight]}}


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
