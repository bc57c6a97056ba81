"""Write an instrument back to the YAML definition format.

``parse_instrument(instrument_to_dict(instrument)) == instrument`` for every
instrument (checked by the tests), so a FHIR Questionnaire imported on the
command line can be saved, read and edited as YAML.
"""

from __future__ import annotations

from typing import Any

import yaml

from alliance.science.instruments.model import (
    Coding,
    Instrument,
    Item,
    ResponseOption,
    ResponseType,
)


def instrument_to_dict(instrument: Instrument) -> dict[str, Any]:
    """The instrument as plain data in the YAML schema (empty fields left out)."""
    data: dict[str, Any] = {
        "id": instrument.id,
        "version": instrument.version,
        "title": dict(instrument.title),
        "instructions": dict(instrument.instructions),
        "respondent": instrument.respondent,
        "source": instrument.source,
        "licence": instrument.licence,
        "validated": instrument.validated,
        "notes": instrument.notes,
        "codes": [_coding(code) for code in instrument.codes],
        "total_code": _coding(instrument.total_code) if instrument.total_code else None,
        "items": [_item(item) for item in instrument.items],
        "subscales": [
            _compact(
                {
                    "id": s.id,
                    "title": dict(s.title),
                    "items": list(s.items),
                    "max_missing": s.max_missing or None,
                }
            )
            for s in instrument.subscales
        ],
        "scoring": _compact(
            {
                "method": instrument.scoring.method.value,
                "items": list(instrument.scoring.total_items),
                "max_missing": instrument.scoring.max_missing,
                "prorate": instrument.scoring.prorate or None,
                "higher_is_better": instrument.scoring.higher_is_better,
            }
        ),
        "bands": [
            _compact({"id": b.id, "from": b.lower, "label": dict(b.label)})
            for b in instrument.bands
        ],
        "cutoffs": [
            _compact(
                {
                    "id": c.id,
                    "threshold": c.threshold,
                    "direction": c.direction,
                    "scale": c.scale,
                    "label": dict(c.label),
                    "source": c.source,
                }
            )
            for c in instrument.cutoffs
        ],
        "safety": [
            _compact({"id": r.id, "item": r.item, "above": r.above, "label": dict(r.label)})
            for r in instrument.safety
        ],
        "reliable_change": _compact(vars(instrument.reliable_change))
        if instrument.reliable_change
        else None,
        "reliability": _compact(vars(instrument.reliability)) if instrument.reliability else None,
    }
    return _compact(data)


def dump_instrument_yaml(instrument: Instrument) -> str:
    """The instrument as YAML text, ready to be edited and loaded again."""
    return yaml.safe_dump(
        instrument_to_dict(instrument), allow_unicode=True, sort_keys=False, width=100
    )


def _item(item: Item) -> dict[str, Any]:
    default_yes_no = item.response is ResponseType.YES_NO and [
        option.value for option in item.options
    ] == [1.0, 0.0]
    return _compact(
        {
            "id": item.id,
            "text": dict(item.text),
            "response": item.response.value,
            "options": None if default_yes_no else [_option(o) for o in item.options],
            "anchors": [_option(o) for o in item.anchors],
            "reverse": item.reverse or None,
            "pillar": item.pillar,
            "enable_when": {"item": item.enable_when.item, "equals": item.enable_when.equals}
            if item.enable_when
            else None,
            "code": _coding(item.code) if item.code else None,
        }
    )


def _option(option: ResponseOption) -> dict[str, Any]:
    return _compact(
        {
            "value": option.value,
            "label": dict(option.label),
            "code": _coding(option.code) if option.code else None,
        }
    )


def _coding(coding: Coding) -> dict[str, Any]:
    return _compact({"system": coding.system, "code": coding.code, "display": coding.display})


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    """Leave out empty fields so that the YAML stays short and readable."""
    return {name: value for name, value in data.items() if value not in (None, "", [], {})}
