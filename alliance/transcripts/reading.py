"""What the transcript pages show, computed from stored codes (no model needed)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from alliance.accounts.models import User
from alliance.care.models import Patient
from alliance.science.transcripts.checks import lacks_punctuation
from alliance.science.transcripts.indicators import DISPLAY_DECIMALS, NOT_IN_MITI4, level_of
from alliance.science.transcripts.speakers import (
    REASON_FIRST_SPEAKER,
    REASON_QUESTIONS,
    REASON_ROLE_WORD,
)
from alliance.transcripts.access import listening_of
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


SUGGESTION_REASONS = {
    REASON_ROLE_WORD: _(
        "Alliance suggests %(name)s because a role word in the speakers' names "
        "(such as “Dr”, “Therapist” or “Patient”) points to them."
    ),
    REASON_QUESTIONS: _("Alliance suggests %(name)s, the speaker who asks the most questions."),
    REASON_FIRST_SPEAKER: _(
        "Alliance suggests %(name)s, who speaks first: no speaker asks clearly more questions "
        "than the others."
    ),
}


def suggestion_text(transcript: Transcript) -> str:
    """Why the pre-selected speaker was suggested, so that the therapist can judge it."""
    reason = SUGGESTION_REASONS.get(transcript.suggestion_reason)
    if reason is None or not transcript.therapist_speaker:
        return str(_("Alliance pre-selects one speaker as the therapist."))
    return str(reason) % {"name": transcript.therapist_speaker}


def results(transcript: Transcript) -> dict[str, Any]:
    if transcript.status != TranscriptStatus.DONE:
        return {}
    utterances = list(transcript.utterances.order_by("position"))
    if transcript.has_text:
        unpunctuated = lacks_punctuation([utterance.text for utterance in utterances])
    else:
        unpunctuated = transcript.lacks_punctuation  # stored when it was coded
    return {
        "utterances": utterances,
        "examples": reflection_opportunities(utterances) if transcript.has_text else [],
        "code_labels": CODE_LABELS,
        "cards": indicator_cards(transcript.indicators),
        "lacks_punctuation": unpunctuated,
    }


def for_patient(patient: Patient) -> QuerySet[Transcript]:
    """Every coded transcript of ``patient`` (the caller checked the care team)."""
    return _coded(Transcript.objects.filter(session__episode__patient=patient))


def for_therapist(user: User) -> QuerySet[Transcript]:
    """``user``'s own listening: only the coded transcripts they attached."""
    return _coded(listening_of(user))


def _coded(transcripts: QuerySet[Transcript]) -> QuerySet[Transcript]:
    return (
        transcripts.filter(status=TranscriptStatus.DONE)
        .select_related("session__episode__patient", "uploaded_by")
        .order_by("session__starts_at", "uploaded_at")
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
            values.append(formatted(entry.get("value"), entry.get("unit", "")))
        rows.append(TrendRow(transcript, values))
    return rows


@dataclass(frozen=True)
class IndicatorText:
    label: Any
    meaning: Any
    advice_below_fair: Any = None
    # Agrees poorly with human coders (docs/transcripts.md): marked wherever it is shown.
    experimental: bool = False


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
        experimental=True,
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
        experimental=True,
    ),
}
LEVEL_LABELS = {
    "good": _("at the good level"),
    "fair": _("at the fair level"),
    "below fair": _("below the fair level"),
}
REFERENCE_NOTES = {NOT_IN_MITI4: _("not in MITI 4")}
_LEGACY_NOTE = "; not in MITI 4"  # how the note was stored before it had a code
# A number with its unit. French puts a non-breaking space before % (its translation);
# English does not. Seconds (SI) are written alike in both, after a non-breaking space, so
# that a number never wraps away from its unit.
UNIT_TEMPLATES: dict[str, Any] = {
    "percent": pgettext_lazy("a percentage, e.g. 45%", "%(number)s%%"),
    "seconds": "%(number)s\u00a0s",
}


def formatted(value: float | None, unit: str) -> str:
    """``value`` in the active language: its decimal separator, its way of writing units.

    Decimals per unit come from the core (:data:`DISPLAY_DECIMALS`), which judges levels on
    the same rounded value, so that the figure shown and its verdict agree.
    """
    if value is None:
        return "—"
    decimals = DISPLAY_DECIMALS.get(unit, 0)
    number = number_format(round(value, decimals) + 0.0, decimal_pos=decimals)
    template = UNIT_TEMPLATES.get(unit)
    return str(template) % {"number": number} if template is not None else number


def indicator_cards(indicators: dict[str, Any]) -> list[dict[str, Any]]:
    """What the page shows for each indicator, in words, with what to try next."""
    cards = []
    for key, text in INDICATOR_TEXTS.items():
        entry = indicators.get(key)
        if not entry or entry.get("value") is None:
            continue  # e.g. time-based indicators without time stamps
        unit = entry["unit"]
        value = formatted(entry["value"], unit)
        interval = None
        if entry.get("low") is not None and entry.get("high") is not None:
            low, high = formatted(entry["low"], unit), formatted(entry["high"], unit)
            if low != high:
                interval = (low, high)
        reference = _reference(entry.get("reference"), unit)
        level = None
        if reference is not None:
            # Judged again on the displayed value, also for indicators stored before the core
            # did so (see DISPLAY_DECIMALS).
            level = level_of(entry["value"], reference["fair_value"], reference["good_value"], unit)
        cards.append(
            {
                "key": key,
                "label": text.label,
                "meaning": text.meaning,
                "value": value,
                "interval": interval,
                "reference": reference,
                "level": LEVEL_LABELS.get(level) if level else None,
                "advice": text.advice_below_fair if level == "below fair" else None,
                "experimental": entry.get("experimental", False) or text.experimental,
            }
        )
    return cards


def _reference(stored: dict[str, Any] | None, unit: str) -> dict[str, Any] | None:
    if not stored:
        return None
    source, legacy, _rest = str(stored.get("source", "")).partition(_LEGACY_NOTE)
    note = stored.get("note") or (NOT_IN_MITI4 if legacy else "")
    return {
        "fair": formatted(stored["fair"], unit),
        "good": formatted(stored["good"], unit),
        "fair_value": float(stored["fair"]),
        "good_value": float(stored["good"]),
        "source": source,
        "note": REFERENCE_NOTES.get(note, ""),
    }
