"""QuestionnaireResponse, both ways: answers out to FHIR, and back in ready to score."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from alliance.science.errors import InputError, Location
from alliance.science.instruments.fhir._common import (
    CANONICAL_BASE,
    _answer_coding,
    _coded_value,
    _walk,
    _without_translations,
)
from alliance.science.instruments.fhir.importing import item_id_from_link_id
from alliance.science.instruments.fhir.validation import validate_resource
from alliance.science.instruments.model import Instrument, Item, ResponseType

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
