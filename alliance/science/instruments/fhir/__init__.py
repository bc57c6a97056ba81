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

from alliance.science.instruments.fhir._common import (
    ANCHOR_EXTENSION,
    ANSWER_SYSTEM,
    CANONICAL_BASE,
    HL7,
    ITEM_CONTROL,
    SCORING_EXTENSION,
    SUPPORTED_ITEM_TYPES,
    TRANSLATION,
    VERSIONS,
    WEIGHT_EXTENSIONS,
)
from alliance.science.instruments.fhir.exporting import questionnaire_from_instrument
from alliance.science.instruments.fhir.importing import (
    instrument_from_questionnaire,
    item_id_from_link_id,
    load_questionnaire_file,
)
from alliance.science.instruments.fhir.response import answers_from_response, response_to_fhir
from alliance.science.instruments.fhir.validation import validate_resource

__all__ = [
    "ANCHOR_EXTENSION",
    "ANSWER_SYSTEM",
    "CANONICAL_BASE",
    "HL7",
    "ITEM_CONTROL",
    "SCORING_EXTENSION",
    "SUPPORTED_ITEM_TYPES",
    "TRANSLATION",
    "VERSIONS",
    "WEIGHT_EXTENSIONS",
    "answers_from_response",
    "instrument_from_questionnaire",
    "item_id_from_link_id",
    "load_questionnaire_file",
    "questionnaire_from_instrument",
    "response_to_fhir",
    "validate_resource",
]
