"""Bad definitions fail with a message that names the file and the field, and a stable code."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from alliance.science.errors import InputError
from alliance.science.instruments import (
    get_instrument,
    get_scoring_key,
    load_instrument_file,
    parse_instrument,
    resolve_instrument,
)

MINIMAL = """
id: mood-check
version: "1"
title: {en: Mood check, fr: Point sur l’humeur}
validated: false
items:
  - id: mood
    response: scale_0_10
    text: {en: "How is your mood?", fr: "Comment est votre humeur ?"}
  - id: energy
    response: scale_0_10
    text: {en: "How is your energy?", fr: "Comment est votre énergie ?"}
scoring: {method: mean}
"""


def definition(**changes: object) -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load(MINIMAL)
    data.update(changes)
    return data


def error_of(data: object) -> InputError:
    with pytest.raises(InputError) as error:
        parse_instrument(data, file="mood.yaml")
    return error.value


def test_a_minimal_definition_loads(tmp_path: Path) -> None:
    path = tmp_path / "mood.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    instrument = load_instrument_file(path)
    assert instrument.score({"mood": 6, "energy": 3}).total == 4.5
    assert resolve_instrument(str(path)) == instrument


def test_malformed_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_instrument_file(path)
    assert error.value.code == "yaml_malformed"
    assert str(path) in str(error.value)
    assert "line" in str(error.value)


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        (definition(revers=True), "unknown_field", "revers"),
        (definition(version=None), "missing_field", "version"),
        (definition(validated="yes"), "wrong_type", "validated"),
        (definition(id="Mood Check"), "invalid_id", "id"),
        (definition(scoring={"method": "median"}), "invalid_value", "scoring.method"),
        (
            definition(scoring={"method": "sum", "items": ["mood", "sleep"]}),
            "unknown_item",
            "scoring.items",
        ),
        (
            definition(subscales=[{"id": "a", "items": ["nope"]}]),
            "unknown_item",
            "subscales[0].items",
        ),
        (definition(scoring={"method": "sum", "max_missing": 1}), "invalid_value", "scoring"),
        (definition(scoring={"method": "mean", "max_missing": 2}), "invalid_value", "scoring"),
        (definition(bands=[{"id": "low", "from": 1}]), "bands_invalid", "bands"),
        (
            definition(bands=[{"id": "a", "from": 0}, {"id": "b", "from": 0}]),
            "bands_invalid",
            "bands",
        ),
        (
            definition(safety=[{"id": "s", "item": "ghost", "above": 0}]),
            "unknown_item",
            "safety[0].item",
        ),
        (
            definition(
                cutoffs=[{"id": "c", "threshold": 5, "direction": "at_or_above", "scale": "x"}]
            ),
            "unknown_scale",
            "cutoffs[0].scale",
        ),
        (definition(items=[]), "missing_field", "items"),
        (
            definition(items=[{"id": "a", "response": "slider"}]),
            "invalid_value",
            "items[0].response",
        ),
        (
            definition(items=[{"id": "a", "response": "labelled_scale", "options": "ghost"}]),
            "unknown_response_set",
            "items[0].options",
        ),
        (
            definition(
                items=[{"id": "a", "response": "scale_0_10"}, {"id": "a", "response": "scale_0_10"}]
            ),
            "duplicate_id",
            "items[1].id",
        ),
        (
            definition(
                items=[{"id": "a", "response": "labelled_scale", "options": [{"value": 1}]}]
            ),
            "missing_field",
            "items[0].options",
        ),
        (
            definition(
                items=[{"id": "t", "response": "free_text"}],
                scoring={"method": "sum", "items": ["t"]},
            ),
            "invalid_value",
            "scoring.items",
        ),
        (["not", "a", "mapping"], "wrong_type", None),
    ],
)
def test_definition_errors_name_the_field(data: object, code: str, field: str | None) -> None:
    error = error_of(data)
    assert error.code == code
    assert error.location.file == "mood.yaml"
    assert error.location.field == field
    assert str(error).startswith("mood.yaml")


def test_a_file_naming_a_key_takes_its_scoring_from_the_key() -> None:
    items = [
        {"id": f"q{n}", "response": "visual_analogue", "text": {"en": f"Line {n}"}}
        for n in range(1, 5)
    ]
    instrument = parse_instrument({"key": "srs", "items": items, "title": {"en": "Our SRS"}})
    assert instrument.key == "srs"
    assert instrument.id == "srs"
    assert instrument.cutoffs == get_scoring_key("srs").cutoffs
    assert instrument.subscale("bond").items == ("q1",)


def test_a_file_naming_a_key_cannot_redefine_its_scoring() -> None:
    items = [{"id": f"q{n}", "response": "visual_analogue"} for n in range(1, 5)]
    error = error_of({"key": "srs", "items": items, "scoring": {"method": "mean"}})
    assert (error.code, error.location.field) == ("key_conflict", "scoring")


def test_a_key_refuses_items_of_another_count_or_range() -> None:
    too_few = [{"id": "q1", "response": "visual_analogue"}]
    assert error_of({"key": "srs", "items": too_few}).code == "key_mismatch"
    seven_points = [
        {
            "id": f"q{n}",
            "response": "labelled_scale",
            "options": [{"value": v} for v in range(1, 8)],
        }
        for n in range(1, 13)
    ]
    error = error_of({"key": "wai-sr", "items": seven_points})
    assert (error.code, error.location.field) == ("key_mismatch", "items[0].options")


def test_unknown_ids_list_what_is_known() -> None:
    with pytest.raises(InputError) as error:
        get_instrument("phq-8")
    assert error.value.code == "unknown_instrument"
    assert "phq-9" in error.value.params["known"]
    with pytest.raises(InputError) as key_error:
        parse_instrument({"key": "wai-long", "items": [{"id": "a", "response": "yes_no"}]})
    assert key_error.value.code == "unknown_key"
