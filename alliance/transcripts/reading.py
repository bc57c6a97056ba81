"""What the transcript pages show, computed from stored codes (no model needed)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import User
from alliance.care.access import within_care_team
from alliance.care.models import Patient
from alliance.transcripts.models import Role, Transcript, TranscriptStatus, Utterance

SAMPLES_PER_SPEAKER = 3
EXAMPLES_SHOWN = 5
# A client turn this long carries enough content to be reflected back.
SUBSTANTIVE_CLIENT_WORDS = 8

CODE_LABELS = {
    "question_open": _("Open question"),
    "question_closed": _("Closed question"),
    "reflection_simple": _("Simple reflection"),
    "reflection_complex": _("Complex reflection"),
    "therapist_input": _("Information or advice"),
    "other": _("Other"),
    "change": _("Change talk"),
    "sustain": _("Sustain talk"),
    "neutral": _("Neutral"),
}


def speaker_samples(transcript: Transcript, speakers: list[str]) -> dict[str, list[str]]:
    """A few lines of each speaker, so that the therapist recognises who is who."""
    samples: dict[str, list[str]] = {speaker: [] for speaker in speakers}
    for speaker, text in transcript.utterances.order_by("position").values_list("speaker", "text"):
        if len(samples[speaker]) < SAMPLES_PER_SPEAKER and text:
            samples[speaker].append(text if len(text) <= 160 else text[:157] + "…")
    return samples


@dataclass(frozen=True)
class Example:
    """A therapist question after a substantive patient turn, where a reflection could fit."""

    client: Utterance
    question: Utterance
    reflection_probability: float


def reflection_opportunities(utterances: list[Utterance]) -> list[Example]:
    """Questions that could have been reflections, most reflection-like first.

    A question right after the patient said something substantial is where
    MITI coders look for a missed reflection; the model's own probability that
    the turn was a reflection ranks them.
    """
    examples = []
    for before, after in itertools.pairwise(utterances):
        if (
            before.role == Role.CLIENT
            and before.word_count >= SUBSTANTIVE_CLIENT_WORDS
            and after.role == Role.THERAPIST
            and after.behaviour == "question"
        ):
            probability = after.probability("behaviour", "reflection")
            examples.append(Example(before, after, probability))
    examples.sort(key=lambda example: example.reflection_probability, reverse=True)
    return examples[:EXAMPLES_SHOWN]


def results(transcript: Transcript) -> dict[str, Any]:
    if transcript.status != TranscriptStatus.DONE:
        return {}
    utterances = list(transcript.utterances.order_by("position"))
    return {
        "utterances": utterances,
        "examples": reflection_opportunities(utterances) if transcript.has_text else [],
        "code_labels": CODE_LABELS,
        "cards": indicator_cards(transcript.indicators),
    }


def for_patient(patient: Patient) -> QuerySet[Transcript]:
    return _coded().filter(session__episode__patient=patient)


def for_therapist(user: User) -> QuerySet[Transcript]:
    return within_care_team(_coded(), user, patient="session__episode__patient")


def _coded() -> QuerySet[Transcript]:
    return (
        Transcript.objects.filter(status=TranscriptStatus.DONE)
        .select_related("session__episode__patient")
        .order_by("session__starts_at")
    )


TREND_KEYS = (
    "reflection_to_question",
    "percent_open_questions",
    "percent_complex_reflections",
    "therapist_share_of_words",
    "change_talk_share",
)


@dataclass(frozen=True)
class TrendRow:
    transcript: Transcript
    values: list[str]


def trend_columns() -> list[IndicatorText]:
    return [INDICATOR_TEXTS[key] for key in TREND_KEYS]


def trend_rows(transcripts: QuerySet[Transcript]) -> list[TrendRow]:
    """One row per coded session, oldest first: the indicators that track listening."""
    rows = []
    for transcript in transcripts:
        values = []
        for key in TREND_KEYS:
            entry = transcript.indicators.get(key) or {}
            values.append(_formatted(entry.get("value"), entry.get("unit", "")))
        rows.append(TrendRow(transcript, values))
    return rows


@dataclass(frozen=True)
class IndicatorText:
    label: Any
    meaning: Any
    advice_below_fair: Any = None


INDICATOR_TEXTS = {
    "reflection_to_question": IndicatorText(
        _("Reflections per question"),
        _("How many reflections you offered for each question you asked."),
        _(
            "Next session, try answering one question in two with a reflection of what you "
            "heard, before asking the next."
        ),
    ),
    "percent_open_questions": IndicatorText(
        _("Open questions"),
        _("Share of your questions that invite the patient to elaborate."),
        _("Try turning closed questions (yes/no) into “how” or “what” questions."),
    ),
    "percent_complex_reflections": IndicatorText(
        _("Complex reflections"),
        _("Share of your reflections that add meaning or feeling to what the patient said."),
        _("Try adding the feeling or the meaning you sense behind the patient's words."),
    ),
    "therapist_share_of_words": IndicatorText(
        _("Your share of the words"),
        _("How much of what was said, in words, was said by you."),
    ),
    "therapist_share_of_time": IndicatorText(
        _("Your share of the speaking time"),
        _("How much of the speaking time was yours, from the transcript's time stamps."),
    ),
    "longest_therapist_monologue_words": IndicatorText(
        _("Your longest turn (words)"),
        _("The longest stretch you spoke without the patient speaking."),
    ),
    "longest_therapist_monologue_seconds": IndicatorText(
        _("Your longest turn (seconds)"),
        _("The longest stretch you spoke without the patient speaking, in time."),
    ),
    "overlaps": IndicatorText(
        _("Overlaps"),
        _("How often one of you started speaking before the other had finished."),
    ),
    "overlap_seconds": IndicatorText(
        _("Time spoken over each other"), _("The total time both of you spoke at once.")
    ),
    "change_talk_share": IndicatorText(
        _("Change talk"),
        _("Share of the patient's change and sustain talk that was about changing."),
    ),
}
LEVEL_LABELS = {
    "good": _("at the good level"),
    "fair": _("at the fair level"),
    "below fair": _("below the fair level"),
}
UNIT_FORMATS = {"percent": "{:.0f} %", "ratio": "{:.1f}", "seconds": "{:.0f} s"}


def _formatted(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return UNIT_FORMATS.get(unit, "{:.0f}").format(value)


def indicator_cards(indicators: dict[str, Any]) -> list[dict[str, Any]]:
    """What the page shows for each indicator, in words, with what to try next."""
    cards = []
    for key, text in INDICATOR_TEXTS.items():
        entry = indicators.get(key)
        if not entry or entry.get("value") is None:
            continue  # e.g. time-based indicators without time stamps
        unit = entry["unit"]
        interval = None
        if entry.get("low") is not None and entry.get("low") != entry.get("high"):
            interval = (_formatted(entry["low"], unit), _formatted(entry["high"], unit))
        level = entry.get("level")
        cards.append(
            {
                "key": key,
                "label": text.label,
                "meaning": text.meaning,
                "value": _formatted(entry["value"], unit),
                "interval": interval,
                "reference": entry.get("reference"),
                "level": LEVEL_LABELS.get(level) if level else None,
                "advice": text.advice_below_fair if level == "below fair" else None,
                "experimental": entry.get("experimental", False),
            }
        )
    return cards
