"""Crisis resources shown to a patient at once when a safety item is answered.

Configurable: a clinic sets ``CHECKIN_CRISIS_RESOURCES`` in its settings, a
mapping from a two-letter country code to a list of ``{"name", "number",
"description"}`` dicts, which replaces the default for that country. Any
country without an entry gets the fallback: call the local emergency number.

Defaults and their sources (the services' own public pages; each clinic should
check its country's numbers before going live — clinical reference, section 2,
lists FR 3114, US 988, UK 111 / Samaritans 116 123, CA 988):

- FR: 3114, numéro national de prévention du suicide, 24/7, free — https://3114.fr ;
  15 (SAMU) and 112 for emergencies — https://www.service-public.fr (numéros d'urgence).
- US: 988 Suicide & Crisis Lifeline, call or text — https://988lifeline.org ; 911.
- GB: NHS 111 —
  https://www.nhs.uk/nhs-services/urgent-and-emergency-care-services/when-to-use-111/ ;
  Samaritans 116 123, 24/7, free — https://www.samaritans.org ; 999.
- CA: 988 Suicide Crisis Helpline, call or text — https://988.ca ; 911.
- BE: Centre de Prévention du Suicide 0800 32 123 — https://www.preventionsuicide.be ;
  Zelfmoordlijn 1813 — https://www.zelfmoord1813.be ; 112.
- CH: La Main Tendue / Die Dargebotene Hand 143 — https://www.143.ch ; 144 (ambulance), 112.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class CrisisResource:
    name: str | Promise
    number: str
    description: str | Promise = ""

    @property
    def tel(self) -> str:
        return "".join(character for character in self.number if character.isdigit())


EMERGENCY = _("Emergency services")
DEFAULT_RESOURCES: dict[str, tuple[CrisisResource, ...]] = {
    "FR": (
        CrisisResource(
            _("Suicide prevention line (3114)"),
            "3114",
            _("Free, day and night, to talk to a trained professional."),
        ),
        CrisisResource(EMERGENCY, "15", _("Medical emergency (SAMU), or 112.")),
    ),
    "US": (
        CrisisResource(
            _("988 Suicide & Crisis Lifeline"), "988", _("Call or text, day and night.")
        ),
        CrisisResource(EMERGENCY, "911"),
    ),
    "GB": (
        CrisisResource(_("Samaritans"), "116 123", _("Free, day and night.")),
        CrisisResource(_("NHS 111"), "111", _("Urgent mental health help.")),
        CrisisResource(EMERGENCY, "999"),
    ),
    "CA": (
        CrisisResource(_("988 Suicide Crisis Helpline"), "988", _("Call or text, day and night.")),
        CrisisResource(EMERGENCY, "911"),
    ),
    "BE": (
        CrisisResource(
            _("Suicide Prevention Centre (French)"), "0800 32 123", _("Free, day and night.")
        ),
        CrisisResource(_("Zelfmoordlijn (Dutch)"), "1813", _("Free, day and night.")),
        CrisisResource(EMERGENCY, "112"),
    ),
    "CH": (
        CrisisResource(_("La Main Tendue"), "143", _("Someone to talk to, day and night.")),
        CrisisResource(EMERGENCY, "144", _("Ambulance, or 112.")),
    ),
}
DEFAULT_RESOURCES["UK"] = DEFAULT_RESOURCES["GB"]

FALLBACK: tuple[CrisisResource, ...] = (
    CrisisResource(
        _("Your local emergency number"),
        "112",
        _("If you are in danger, call your local emergency number now (112 in Europe)."),
    ),
)


def resources_for(country: str) -> tuple[CrisisResource, ...]:
    """The crisis resources of ``country`` (two letters), or the fallback."""
    code = (country or "").strip().upper()
    configured = getattr(settings, "CHECKIN_CRISIS_RESOURCES", {}) or {}
    if code in configured:
        return tuple(CrisisResource(**entry) for entry in configured[code])
    return DEFAULT_RESOURCES.get(code, FALLBACK)
