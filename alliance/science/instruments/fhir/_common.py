"""The URLs Alliance mints or reads, and the codings shared by questionnaires and responses."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from alliance.science.errors import InputError, Location
from alliance.science.instruments.model import Coding, Item, LocalizedText, ResponseOption, localize

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


def _walk(items: Any) -> Iterator[dict[str, Any]]:
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            yield item
            yield from _walk(item.get("item", []))


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


def _option_code(option: ResponseOption) -> Coding:
    """The option's own code (a LOINC answer), or its value in Alliance's answer system."""
    return option.code or Coding(ANSWER_SYSTEM, _format_value(option.value))


def _answer_coding(option: ResponseOption, language: str) -> dict[str, Any]:
    """The option as a Coding, displayed in ``language`` (for answers and enableWhen)."""
    coding = _coding_json(replace(_option_code(option), display=""))
    return {**coding, **_translated("display", option.label, language)}


def _without_translations(element: dict[str, Any]) -> dict[str, Any]:
    """An answer holds one Coding as answered; translations belong to the Questionnaire."""
    return {name: value for name, value in element.items() if not name.startswith("_")}


def _format_value(value: float) -> str:
    return f"{value:g}"


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
