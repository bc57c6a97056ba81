"""FHIR Questionnaire and QuestionnaireResponse, R4B and R5, validated with fhir.resources."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.questionnaire import Questionnaire as QuestionnaireR5
from fhir.resources.questionnaireresponse import QuestionnaireResponse as ResponseR5
from fhir.resources.R4B.questionnaire import Questionnaire as QuestionnaireR4B
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse as ResponseR4B

from alliance.science.errors import InputError
from alliance.science.instruments import (
    Instrument,
    get_instrument,
    parse_instrument,
    scoring_keys,
    shipped_instruments,
)
from alliance.science.instruments.fhir import (
    answers_from_response,
    instrument_from_questionnaire,
    load_questionnaire_file,
    questionnaire_from_instrument,
    response_to_fhir,
)

QUESTIONNAIRE: dict[str, Any] = {"R4B": QuestionnaireR4B, "R5": QuestionnaireR5}
RESPONSE: dict[str, Any] = {"R4B": ResponseR4B, "R5": ResponseR5}
INSTRUMENTS = [*shipped_instruments(), *scoring_keys()]
LOINC = "http://loinc.org"


@pytest.mark.parametrize("version", ["R4B", "R5"])
@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=lambda i: i.id)
def test_questionnaire_round_trip(instrument: Instrument, version: str, language: str) -> None:
    exported = questionnaire_from_instrument(instrument, version, language)
    QUESTIONNAIRE[version].model_validate(exported)  # structurally valid FHIR
    text = json.dumps(exported, ensure_ascii=False)
    assert instrument_from_questionnaire(json.loads(text)) == instrument


def test_phq9_export_carries_loinc_codes_and_french_translations() -> None:
    exported = questionnaire_from_instrument(get_instrument("phq-9"), "R4B", "en")
    assert exported["code"][0] == {
        "system": LOINC,
        "code": "44249-1",
        "display": "PHQ-9 quick depression assessment panel",
    }
    interest = exported["item"][0]
    assert interest["type"] == "choice"
    assert interest["code"] == [{"system": LOINC, "code": "44250-9"}]
    first_option = interest["answerOption"][0]["valueCoding"]
    assert (first_option["system"], first_option["code"], first_option["display"]) == (
        LOINC,
        "LA6568-5",
        "Not at all",
    )
    translation = first_option["_display"]["extension"][0]["extension"]
    assert {"url": "content", "valueString": "Jamais"} in translation


def test_r5_uses_the_coding_item_type() -> None:
    exported = questionnaire_from_instrument(get_instrument("gad-7"), "R5")
    assert {item["type"] for item in exported["item"]} == {"coding"}
    assert exported["item"][0]["answerConstraint"] == "optionsOnly"


def third_party_phq9() -> dict[str, Any]:
    """A PHQ-9 as other systems publish it: LOINC linkIds, ordinalValue weights, no scoring."""
    answers = [
        ("LA6568-5", "Not at all"),
        ("LA6569-3", "Several days"),
        ("LA6570-1", "More than half the days"),
        ("LA6571-9", "Nearly every day"),
    ]
    options = [
        {
            "valueCoding": {
                "system": LOINC,
                "code": code,
                "display": display,
                "extension": [
                    {
                        "url": "http://hl7.org/fhir/StructureDefinition/ordinalValue",
                        "valueDecimal": weight,
                    }
                ],
            }
        }
        for weight, (code, display) in enumerate(answers)
    ]
    codes = [
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        "44260-8",
    ]
    return {
        "resourceType": "Questionnaire",
        "id": "phq9-other",
        "status": "active",
        "title": "PHQ-9",
        "item": [
            {"linkId": "intro", "type": "display", "text": "Over the last 2 weeks…"},
            {
                "linkId": "g",
                "type": "group",
                "item": [
                    {
                        "linkId": f"/{code}",
                        "type": "choice",
                        "text": f"Item {n}",
                        "code": [{"system": LOINC, "code": code}],
                        "answerOption": options,
                    }
                    for n, code in enumerate(codes, start=1)
                ],
            },
        ],
    }


def test_importing_a_third_party_phq9_without_a_key_gives_a_plain_unvalidated_sum() -> None:
    instrument = instrument_from_questionnaire(third_party_phq9())
    assert [item.id for item in instrument.items][:2] == ["item_44250-9", "item_44255-8"]
    assert instrument.item("item_44260-8").code is not None
    assert not instrument.validated
    assert instrument.total_range == (0, 27)
    assert instrument.score({item.id: 1 for item in instrument.items}).total == 9


def licensed_wai_sr(version: str = "R4B") -> dict[str, Any]:
    options = [{"valueCoding": {"code": str(v), "display": f"(label {v})"}} for v in range(1, 6)]
    item_type = "choice" if version == "R4B" else "coding"
    return {
        "resourceType": "Questionnaire",
        "id": "wai-sr",
        "status": "active",
        "item": [
            {
                "linkId": f"wai{n}",
                "type": item_type,
                "text": f"(licensed text {n})",
                "answerOption": options,
            }
            for n in range(1, 13)
        ],
    }


@pytest.mark.parametrize("version", ["R4B", "R5"])
def test_a_licensed_wai_sr_from_fhir_is_scored_by_the_shipped_key_at_once(version: str) -> None:
    """Clinical reference §1: WAI-SR items loaded by a licensed clinic get the shipped key."""
    instrument = instrument_from_questionnaire(licensed_wai_sr(version))
    assert instrument.key == "wai-sr"
    assert instrument.subscale("task").items == ("wai1", "wai2", "wai10", "wai12")
    answers = dict(
        zip([f"wai{n}" for n in range(1, 13)], [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2], strict=True)
    )
    assert instrument.score(answers).subscales == {"task": 10, "goal": 9, "bond": 14}


def test_an_explicit_key_is_applied_to_a_file(tmp_path: Path) -> None:
    srs = {
        "resourceType": "Questionnaire",
        "id": "our-srs",
        "status": "active",
        "item": [
            {"linkId": f"line{n}", "type": "decimal", "text": f"Line {n}"} for n in range(1, 5)
        ],
    }
    path = tmp_path / "srs.json"
    path.write_text(json.dumps(srs), encoding="utf-8")
    instrument = load_questionnaire_file(path, key="srs")
    assert (instrument.id, instrument.key) == ("our-srs", "srs")
    assert [c.threshold for c in instrument.cutoffs] == [36]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("{not json", "fhir_malformed"),
        ('{"resourceType": "Patient"}', "fhir_malformed"),
        (
            '{"resourceType": "Questionnaire", "item": [{"linkId": "a", "type": "boolean"}]}',
            "fhir_malformed",
        ),
        (
            '{"resourceType": "Questionnaire", "status": "active",'
            ' "item": [{"linkId": "a", "type": "date"}]}',
            "fhir_unsupported",
        ),
        (
            '{"resourceType": "Questionnaire", "status": "active",'
            ' "item": [{"linkId": "a", "type": "choice", "answerOption":'
            ' [{"valueCoding": {"code": "x"}}, {"valueCoding": {"code": "y"}}]}]}',
            "fhir_unsupported",
        ),
        ('{"resourceType": "Questionnaire", "status": "active"}', "fhir_malformed"),
    ],
)
def test_bad_fhir_names_the_file(tmp_path: Path, content: str, code: str) -> None:
    path = tmp_path / "q.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_questionnaire_file(path)
    assert error.value.code == code
    assert str(path) in str(error.value)


@pytest.mark.parametrize("version", ["R4B", "R5"])
def test_questionnaire_response_round_trip(version: str) -> None:
    checkin = get_instrument("alliance-checkin")
    answers: dict[str, Any] = {
        "goal": 8,
        "goal_shared": 9,
        "task": 7,
        "task_useful": 6,
        "bond": 10,
        "bond_respect": 9,
        "overall": 8,
        "tension": 1,
        "tension_intensity": 4,
        "tension_discussed": 1,
        "change_request": "Un peu plus de pauses, s’il vous plaît.",
    }
    resource = response_to_fhir(
        checkin, answers, version, subject="Patient/p1", authored="2026-03-01T18:00:00Z"
    )
    RESPONSE[version].model_validate(resource)
    assert answers_from_response(checkin, json.loads(json.dumps(resource))) == answers


def test_phq9_response_uses_loinc_answer_codes() -> None:
    phq9 = get_instrument("phq-9")
    resource = response_to_fhir(phq9, {"self_harm": 2}, "R4B")
    assert resource["item"][0]["answer"][0]["valueCoding"]["code"] == "LA6570-1"
    assert answers_from_response(phq9, resource) == {"self_harm": 2.0}


def test_bad_responses_are_refused() -> None:
    phq9 = get_instrument("phq-9")
    with pytest.raises(InputError) as out_of_range:
        response_to_fhir(phq9, {"mood": 5})
    assert out_of_range.value.code == "answer_out_of_range"
    unknown = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": [{"linkId": "ghost", "answer": [{"valueInteger": 1}]}],
    }
    with pytest.raises(InputError) as unknown_error:
        answers_from_response(phq9, unknown)
    assert unknown_error.value.code == "unknown_item"
    wrong_code = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": [
            {"linkId": "mood", "answer": [{"valueCoding": {"system": LOINC, "code": "LA0000-0"}}]}
        ],
    }
    with pytest.raises(InputError) as code_error:
        answers_from_response(phq9, wrong_code)
    assert code_error.value.code == "answer_out_of_range"


def test_a_condition_on_a_coded_answer_survives_the_round_trip() -> None:
    instrument = parse_instrument(
        {
            "id": "screen",
            "version": "1",
            "title": {"en": "Screen"},
            "validated": False,
            "items": [
                {
                    "id": "often",
                    "response": "labelled_scale",
                    "options": [
                        {
                            "value": 0,
                            "label": {"en": "Never"},
                            "code": {"system": LOINC, "code": "LA6568-5", "display": "Never"},
                        },
                        {
                            "value": 3,
                            "label": {"en": "Always"},
                            "code": {"system": LOINC, "code": "LA6571-9", "display": "Always"},
                        },
                    ],
                },
                {
                    "id": "details",
                    "response": "free_text",
                    "enable_when": {"item": "often", "equals": 3},
                },
            ],
            "scoring": {"method": "sum"},
        }
    )
    for version in ("R4B", "R5"):
        exported = questionnaire_from_instrument(instrument, version)
        assert exported["item"][1]["enableWhen"][0]["answerCoding"]["code"] == "LA6571-9"
        assert instrument_from_questionnaire(exported) == instrument


def test_duplicate_link_ids_are_refused() -> None:
    duplicated = {
        "resourceType": "Questionnaire",
        "status": "active",
        "item": [{"linkId": "a", "type": "boolean"}, {"linkId": "A", "type": "boolean"}],
    }
    with pytest.raises(InputError) as error:
        instrument_from_questionnaire(duplicated)
    assert error.value.code == "duplicate_id"
