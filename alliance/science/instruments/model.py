"""The instrument definition: plain, frozen dataclasses.

An :class:`Instrument` says what is asked (items, response types, texts in
each language) and how it is scored (subscales, reverse-scored items, sum or
mean, prorating, severity bands, cut-offs, safety items). It is built from a
YAML file (:mod:`.loading`) or a FHIR Questionnaire (:mod:`.fhir`), and scored
by :mod:`alliance.science.scoring`.

A *scoring key* is an instrument whose items carry no text: the facts needed to
score a licensed questionnaire (WAI-SR, SRS, …) without shipping its wording.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alliance.science.scoring import Answer, Score

#: Languages every shipped instrument is written in; the first is the fallback.
LANGUAGES = ("en", "fr")

#: Text in several languages, keyed by language code (``"en"``, ``"fr"``).
LocalizedText = Mapping[str, str]

#: The three pillars of the alliance (Bordin 1979), plus the overall rating and
#: the rupture questions, so that the signal engine can read dimensions.
PILLARS = ("goal", "task", "bond", "overall", "rupture")


def localize(text: LocalizedText, language: str) -> str:
    """Return ``text`` in ``language``, falling back to English, then to any language."""
    if language in text:
        return text[language]
    if LANGUAGES[0] in text:
        return text[LANGUAGES[0]]
    return next(iter(text.values()), "")


class ResponseType(enum.StrEnum):
    """How an item is answered; each type fixes the values an answer may take."""

    LABELLED_SCALE = (
        "labelled_scale"  # a few labelled options (0 = Not at all … 3 = Nearly every day)
    )
    SCALE_0_10 = "scale_0_10"  # whole numbers 0 to 10, labelled at the ends
    VISUAL_ANALOGUE = "visual_analogue"  # a 0–10 line read to one decimal (SRS, ORS)
    YES_NO = "yes_no"  # 1 = yes, 0 = no
    FREE_TEXT = "free_text"  # never scored

    @property
    def is_numeric(self) -> bool:
        return self is not ResponseType.FREE_TEXT


class ScoringMethod(enum.StrEnum):
    SUM = "sum"
    MEAN = "mean"


@dataclass(frozen=True)
class Coding:
    """A code in a terminology, e.g. LOINC ``44249-1``."""

    system: str
    code: str
    display: str = ""


@dataclass(frozen=True)
class ResponseOption:
    """One answer an item offers: its scored value and its label in each language."""

    value: float
    label: LocalizedText
    code: Coding | None = None  # e.g. the LOINC answer code LA6568-5


@dataclass(frozen=True)
class Condition:
    """Ask an item only when another item was answered with ``equals``."""

    item: str
    equals: float


@dataclass(frozen=True)
class Item:
    """One question.

    ``number`` is the item's 1-based position in the instrument, the way
    published keys and spreadsheets refer to it ("item 9").
    """

    id: str
    number: int
    response: ResponseType
    text: LocalizedText = field(default_factory=dict)
    options: tuple[ResponseOption, ...] = ()
    anchors: tuple[ResponseOption, ...] = ()  # labels at points of a 0–10 line or scale
    reverse: bool = False
    pillar: str | None = None
    enable_when: Condition | None = None
    code: Coding | None = None

    @property
    def minimum(self) -> float:
        """Smallest value an answer may take (0 for every type but labelled scales)."""
        if self.options:
            return min(option.value for option in self.options)
        return 0.0

    @property
    def maximum(self) -> float:
        """Largest value an answer may take."""
        if self.options:
            return max(option.value for option in self.options)
        return 1.0 if self.response is ResponseType.YES_NO else 10.0

    @property
    def step(self) -> float | None:
        """Resolution of a free numeric answer; ``None`` when only the options are allowed."""
        if self.response is ResponseType.VISUAL_ANALOGUE:
            return 0.1
        if self.response is ResponseType.SCALE_0_10:
            return 1.0
        return None

    @property
    def allowed_values(self) -> tuple[float, ...] | None:
        """The exact values allowed, or ``None`` for a continuous range."""
        if self.options:
            return tuple(option.value for option in self.options)
        if self.response is ResponseType.YES_NO:
            return (0.0, 1.0)
        return None

    def accepts(self, value: float) -> bool:
        """Whether ``value`` is a possible answer to this item."""
        if math.isnan(value) or not self.minimum <= value <= self.maximum:
            return False
        if self.allowed_values is not None:
            return value in self.allowed_values
        step = self.step or 1.0
        return math.isclose(value / step, round(value / step), abs_tol=1e-6)

    def reverse_value(self, value: float) -> float:
        """Reverse-score ``value`` on this item's range; applying it twice gives ``value`` back."""
        return self.minimum + self.maximum - value

    def label_for(self, value: float, language: str) -> str | None:
        """The label of the option with ``value``, if the item has one."""
        for option in self.options or self.anchors:
            if option.value == value:
                return localize(option.label, language)
        return None


@dataclass(frozen=True)
class Subscale:
    """A group of items scored together (e.g. WAI-SR Bond: items 3, 5, 7, 9)."""

    id: str
    items: tuple[str, ...]
    title: LocalizedText = field(default_factory=dict)
    max_missing: int = 0


@dataclass(frozen=True)
class ScoringRule:
    """How the total and the subscales are computed from item values.

    With ``method = sum`` and ``prorate = True``, a score with up to
    ``max_missing`` unanswered items is ``n_items × sum ÷ n_answered`` (the
    CORE-10 rule); a mean is always the mean of the answered items. Beyond
    ``max_missing`` the score is left empty, never guessed.
    """

    method: ScoringMethod
    total_items: tuple[str, ...]
    max_missing: int = 0
    prorate: bool = False
    higher_is_better: bool = True


@dataclass(frozen=True)
class SeverityBand:
    """A band of the total from ``lower`` (inclusive) to the next band's lower bound."""

    id: str
    lower: float
    label: LocalizedText = field(default_factory=dict)


@dataclass(frozen=True)
class Cutoff:
    """A published threshold on the total or a subscale (e.g. PHQ-9 ≥ 10)."""

    id: str
    threshold: float
    direction: str  # "at_or_above" or "below"
    scale: str = "total"  # "total" or a subscale id
    label: LocalizedText = field(default_factory=dict)
    source: str = ""

    def is_met(self, score: float) -> bool:
        return (
            score >= self.threshold if self.direction == "at_or_above" else score < self.threshold
        )


@dataclass(frozen=True)
class SafetyRule:
    """An item whose answer above ``above`` must alert the clinician at once.

    Only the rule lives here; the web layer decides what to show (crisis
    resources for the patient's country).
    """

    id: str
    item: str
    above: float
    label: LocalizedText = field(default_factory=dict)


@dataclass(frozen=True)
class ReliableChange:
    """The smallest change in the total that counts as reliable, with its source."""

    value: float
    source: str = ""


@dataclass(frozen=True)
class Reliability:
    """A published internal consistency (Cronbach's α), with its source."""

    alpha: float
    source: str = ""


@dataclass(frozen=True)
class Instrument:
    """A questionnaire and its scoring, in every language it is written in."""

    id: str
    version: str
    title: LocalizedText
    items: tuple[Item, ...]
    scoring: ScoringRule
    instructions: LocalizedText = field(default_factory=dict)
    respondent: str = "patient"
    subscales: tuple[Subscale, ...] = ()
    bands: tuple[SeverityBand, ...] = ()
    cutoffs: tuple[Cutoff, ...] = ()
    safety: tuple[SafetyRule, ...] = ()
    reliable_change: ReliableChange | None = None
    reliability: Reliability | None = None
    source: str = ""
    licence: str = ""
    validated: bool = False
    codes: tuple[Coding, ...] = ()
    total_code: Coding | None = None
    key: str | None = None  # id of the scoring key this instrument was completed with
    notes: str = ""

    @property
    def has_texts(self) -> bool:
        """False for a text-free scoring key, True when the items can be shown to someone."""
        return all(item.text for item in self.items)

    @property
    def numeric_items(self) -> tuple[Item, ...]:
        """Items with a numeric answer, in order: the columns of a scoring matrix."""
        return tuple(item for item in self.items if item.response.is_numeric)

    @property
    def total_range(self) -> tuple[float, float]:
        """The smallest and largest possible total."""
        return self.range_of(self.scoring.total_items)

    def subscale_range(self, subscale_id: str) -> tuple[float, float]:
        """The smallest and largest possible score of one subscale."""
        return self.range_of(self.subscale(subscale_id).items)

    def range_of(self, item_ids: tuple[str, ...]) -> tuple[float, float]:
        items = [self.item(item_id) for item_id in item_ids]
        low = sum(item.minimum for item in items)
        high = sum(item.maximum for item in items)
        if self.scoring.method is ScoringMethod.MEAN:
            return low / len(items), high / len(items)
        return low, high

    def item(self, item_id: str) -> Item:
        """The item with ``item_id``; raise ``KeyError`` when there is none."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def subscale(self, subscale_id: str) -> Subscale:
        for subscale in self.subscales:
            if subscale.id == subscale_id:
                return subscale
        raise KeyError(subscale_id)

    def band_for(self, total: float) -> SeverityBand | None:
        """The severity band a total falls in, if the instrument has bands."""
        found = None
        for band in self.bands:
            if total >= band.lower:
                found = band
        return found

    def items_of_pillar(self, pillar: str) -> tuple[Item, ...]:
        """The items of one pillar: ``goal``, ``task``, ``bond``, ``overall`` or ``rupture``."""
        return tuple(item for item in self.items if item.pillar == pillar)

    def score(self, answers: Mapping[str, Answer]) -> Score:
        """Score one administration; see :func:`alliance.science.scoring.score_response`."""
        from alliance.science.scoring import score_response

        return score_response(self, answers)
