"""How consistent the clinic's own check-in answers are: Cronbach's α and McDonald's ω.

Alliance's check-in is written for the project and not validated (clinical
reference, section 1): computing its reliability on the clinic's own data,
per pillar, is how a clinic can judge it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from alliance.accounts.models import Clinic
from alliance.checkins.instrument_ids import PATIENT_INSTRUMENT, THERAPIST_INSTRUMENT
from alliance.checkins.models import CheckinStatus, Response
from alliance.science.instruments import Instrument, get_instrument, localize
from alliance.science.reliability import ScaleReliability, instrument_reliability
from alliance.science.scoring import TOTAL, answers_matrix

# The instruments whose reliability the clinic's answers can estimate.
CHECKIN_INSTRUMENTS = (PATIENT_INSTRUMENT, THERAPIST_INSTRUMENT)
# Enough for a stable percentile interval, cheap enough for a page view.
BOOTSTRAP_RESAMPLES = 300


@dataclass(frozen=True)
class ScaleRow:
    label: str
    result: ScaleReliability


@dataclass(frozen=True)
class InstrumentReliability:
    instrument: Instrument
    title: str
    administrations: int
    scales: list[ScaleRow]


def clinic_answers(clinic: Clinic, instrument: Instrument) -> list[dict[str, float]]:
    """One mapping of item → value per submitted check-in of the clinic."""
    numeric = {item.id for item in instrument.numeric_items}
    rows: dict[int, dict[str, float]] = defaultdict(dict)
    answers = Response.objects.filter(
        checkin__patient__clinic=clinic,
        checkin__status=CheckinStatus.SUBMITTED,
        instrument_id=instrument.id,
        subject_uuid__isnull=True,
        value__isnull=False,
    ).values_list("checkin_id", "item_id", "value")
    for checkin_id, item_id, value in answers:
        if item_id in numeric and value is not None:  # the filter already excludes None
            rows[checkin_id][item_id] = value
    return list(rows.values())


def _scale_label(instrument: Instrument, scale: str, language: str) -> str:
    if scale == TOTAL:
        return ""
    subscale = next(s for s in instrument.subscales if s.id == scale)
    return localize(subscale.title, language) or scale


def clinic_reliability(clinic: Clinic, instrument_id: str, language: str) -> InstrumentReliability:
    instrument = get_instrument(instrument_id)
    rows = clinic_answers(clinic, instrument)
    matrix = answers_matrix(instrument, rows, number_rows=False)
    results = instrument_reliability(instrument, matrix, n_bootstrap=BOOTSTRAP_RESAMPLES)
    return InstrumentReliability(
        instrument=instrument,
        title=localize(instrument.title, language),
        administrations=len(rows),
        scales=[ScaleRow(_scale_label(instrument, r.scale, language), r) for r in results],
    )
