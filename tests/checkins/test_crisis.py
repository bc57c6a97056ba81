"""Crisis resources per country: defaults, configuration, fallback."""

from __future__ import annotations

from django.test import override_settings

from alliance.checkins.crisis import FALLBACK, resources_for


def test_defaults_of_the_countries_named_in_the_clinical_reference() -> None:
    assert "3114" in [r.number for r in resources_for("FR")]
    assert "988" in [r.number for r in resources_for("us")]
    assert {"111", "116 123"} <= {r.number for r in resources_for("GB")}
    assert "988" in [r.number for r in resources_for("CA")]
    assert resources_for("BE")
    assert resources_for("CH")


def test_unknown_country_gets_the_local_emergency_number() -> None:
    assert resources_for("ZZ") == FALLBACK
    assert resources_for("") == FALLBACK


def test_a_clinic_can_configure_its_numbers() -> None:
    configured = {"FR": [{"name": "Local line", "number": "01 23 45 67 89"}]}
    with override_settings(CHECKIN_CRISIS_RESOURCES=configured):
        (resource,) = resources_for("FR")
    assert resource.number == "01 23 45 67 89"
    assert resource.tel == "0123456789"
