"""What the therapist reads of a patient's sent check-in, question by question."""

from __future__ import annotations

from dataclasses import dataclass, field

from alliance.checkins import flow
from alliance.checkins.instrument_ids import PATIENT_INSTRUMENT
from alliance.checkins.models import Checkin
from alliance.science.instruments import Item, get_instrument, localize


@dataclass(frozen=True)
class Line:
    question: str
    answer: str


@dataclass(frozen=True)
class PatientAnswers:
    ratings: list[Line] = field(default_factory=list)
    rupture: list[Line] = field(default_factory=list)
    free_text: list[Line] = field(default_factory=list)
    measures: list[Line] = field(default_factory=list)


def _label(item: Item, value: float, language: str) -> str:
    for option in item.options:
        if option.value == value:
            return localize(option.label, language)
    return f"{value:g}/10"


def patient_answers(checkin: Checkin, language: str) -> PatientAnswers:
    """The patient's own answers (prefetched ``responses`` and ``scores``), labelled."""
    saved = {r.item_id: r for r in checkin.responses.all() if r.instrument_id == PATIENT_INSTRUMENT}
    result = PatientAnswers()
    for item in get_instrument(PATIENT_INSTRUMENT).items:
        response = saved.get(item.id)
        question = localize(item.text, language)
        if not item.response.is_numeric:
            result.free_text.append(Line(question, response.text if response else ""))
        elif response is not None and response.value is not None:
            line = Line(question, _label(item, response.value, language))
            (result.rupture if item.pillar == "rupture" else result.ratings).append(line)
    for score in sorted(checkin.scores.all(), key=lambda s: s.instrument_id):
        if score.instrument_id not in flow.OUTCOME_MEASURES or score.total is None:
            continue
        instrument = get_instrument(score.instrument_id)
        band = next((b for b in instrument.bands if b.id == score.band), None)
        total = f"{score.total:g}/{instrument.total_range[1]:g}"
        answer = f"{total} · {localize(band.label, language)}" if band else total
        result.measures.append(Line(localize(instrument.title, language), answer))
    return result
