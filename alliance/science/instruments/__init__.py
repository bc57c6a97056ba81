"""Instrument definitions, the shipped instruments and scoring keys, YAML and FHIR.

Typical use::

    from alliance.science.instruments import get_instrument

    checkin = get_instrument("alliance-checkin")
    score = checkin.score({"goal": 8, "goal_shared": 9, "task": 7, "task_useful": 6,
                           "bond": 9, "bond_respect": 10, "overall": 8, "tension": 0})
    score.total, score.subscales["bond"]

A clinic with a licence for a questionnaire loads its items from YAML or FHIR,
naming the shipped scoring key (``key: wai-sr``); see ``docs/instruments.md``.
"""

from alliance.science.instruments.loading import (
    apply_key,
    check_instrument,
    load_instrument_file,
    parse_instrument,
    parse_instrument_yaml,
)
from alliance.science.instruments.model import (
    LANGUAGES,
    PILLARS,
    Coding,
    Condition,
    Cutoff,
    Instrument,
    Item,
    LocalizedText,
    Reliability,
    ReliableChange,
    ResponseOption,
    ResponseType,
    SafetyRule,
    ScoringMethod,
    ScoringRule,
    SeverityBand,
    Subscale,
    localize,
)
from alliance.science.instruments.registry import (
    get_instrument,
    get_scoring_key,
    resolve_instrument,
    scoring_keys,
    shipped_instruments,
)

__all__ = [
    "LANGUAGES",
    "PILLARS",
    "Coding",
    "Condition",
    "Cutoff",
    "Instrument",
    "Item",
    "LocalizedText",
    "Reliability",
    "ReliableChange",
    "ResponseOption",
    "ResponseType",
    "SafetyRule",
    "ScoringMethod",
    "ScoringRule",
    "SeverityBand",
    "Subscale",
    "apply_key",
    "check_instrument",
    "get_instrument",
    "get_scoring_key",
    "load_instrument_file",
    "localize",
    "parse_instrument",
    "parse_instrument_yaml",
    "resolve_instrument",
    "scoring_keys",
    "shipped_instruments",
]
