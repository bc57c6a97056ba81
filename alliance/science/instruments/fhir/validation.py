"""Structural validation of a Questionnaire or QuestionnaireResponse with fhir.resources."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from alliance.science.errors import InputError, Location
from alliance.science.instruments.fhir._common import VERSIONS

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
