"""Session indicators from coded utterances, each with its uncertainty.

Counts are expected counts, the sum of each utterance's probabilities, not
counts of top labels: a session of hesitant codes should not look certain.
The uncertainty of each indicator is a 90 % interval obtained by drawing every
utterance's code from its probabilities many times (a parametric bootstrap of
the coder's uncertainty; it does not include the sampling of the session
itself, nor the model's systematic errors, described in the model card).

Reference thresholds: MITI 4.2.1 (Moyers, Manuel & Ernst 2014; Moyers et al.
2016, *J Subst Abuse Treat* 65:36–42) for the reflection-to-question ratio
(fair 1:1, good 2:1) and the percentage of complex reflections (fair 40 %,
good 50 %). MITI 4 dropped the percentage of open questions; its reference is
MITI 3.1.1 (Moyers et al. 2010: fair 50 %, good 70 %). Talk share and change
talk have no MITI threshold.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from alliance.science.transcripts.model import CLIENT_TALK, MITI_CODES, CodedUtterance

FloatArray = npt.NDArray[np.float64]

#: Draws of the codes used for the intervals; 2,000 keeps the 5th and 95th
#: percentiles stable to about one percentage point.
DRAWS = 2000
INTERVAL = (5.0, 95.0)


#: Decimals an indicator is shown with, by unit. The level is judged on the value rounded to
#: these decimals, so that a figure and its verdict never contradict each other: a ratio of
#: 0.998 is shown "1.00" and is at the fair level (1:1), not "1.0" and below it. Two decimals
#: for ratios keep 0.96 and 1.00 apart; the interval is far wider than the rounding.
DISPLAY_DECIMALS = {"ratio": 2, "percent": 0, "words": 0, "seconds": 0, "count": 0}


@dataclass(frozen=True)
class Reference:
    """A published threshold: below ``fair`` is below the fair level, above ``good`` good.

    ``note`` is a stable code for a remark that interfaces translate (``"not_in_miti4"``: the
    indicator was dropped from MITI 4, the reference comes from an earlier version).
    """

    fair: float
    good: float
    source: str
    note: str = ""


NOT_IN_MITI4 = "not_in_miti4"
MITI4_REFLECTION_TO_QUESTION = Reference(1.0, 2.0, "MITI 4.2.1 (Moyers et al. 2016)")
MITI4_COMPLEX_REFLECTIONS = Reference(40.0, 50.0, "MITI 4.2.1 (Moyers et al. 2016)")
MITI3_OPEN_QUESTIONS = Reference(50.0, 70.0, "MITI 3.1.1 (Moyers et al. 2010)", NOT_IN_MITI4)


def level_of(value: float | None, fair: float, good: float, unit: str) -> str | None:
    """``"below fair"``, ``"fair"`` or ``"good"``, judged on the value as it is displayed."""
    if value is None:
        return None
    shown = round(value, DISPLAY_DECIMALS.get(unit, 0))
    if shown >= good:
        return "good"
    return "fair" if shown >= fair else "below fair"


@dataclass(frozen=True)
class Indicator:
    """One indicator: its value, a 90 % interval, its reference and how far to trust it."""

    key: str
    value: float | None
    low: float | None
    high: float | None
    unit: str  # "ratio", "percent", "words", "seconds", "count"
    reference: Reference | None = None
    experimental: bool = False

    @property
    def level(self) -> str | None:
        """``"below fair"``, ``"fair"`` or ``"good"`` against the reference, if any.

        Judged on the displayed value (:data:`DISPLAY_DECIMALS`).
        """
        if self.reference is None:
            return None
        return level_of(self.value, self.reference.fair, self.reference.good, self.unit)


@dataclass(frozen=True)
class SessionIndicators:
    reflection_to_question: Indicator
    percent_open_questions: Indicator
    percent_complex_reflections: Indicator
    therapist_share_of_words: Indicator
    therapist_share_of_time: Indicator
    longest_therapist_monologue_words: Indicator
    longest_therapist_monologue_seconds: Indicator
    overlaps: Indicator
    overlap_seconds: Indicator
    change_talk_share: Indicator
    therapist_utterances: int
    client_utterances: int

    def indicators(self) -> list[Indicator]:
        return [value for value in self.__dict__.values() if isinstance(value, Indicator)]

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "therapist_utterances": self.therapist_utterances,
            "client_utterances": self.client_utterances,
        }
        for indicator in self.indicators():
            entry = asdict(indicator)
            entry["level"] = indicator.level
            result[indicator.key] = entry
        return result


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


def session_indicators(
    coded: Sequence[CodedUtterance],
    *,
    starts: Sequence[float | None] | None = None,
    ends: Sequence[float | None] | None = None,
    seed: int = 0,
) -> SessionIndicators:
    """Indicators of one session; ``starts``/``ends`` (seconds) enable the time-based ones."""
    therapist = [c for c in coded if c.role == "therapist"]
    client = [c for c in coded if c.role == "client"]
    rng = np.random.default_rng(seed)
    miti_draws = draw_codes(probability_matrix(therapist, MITI_CODES), rng)
    talk_draws = draw_codes(probability_matrix(client, CLIENT_TALK), rng)
    timing = Timing.of(coded, starts, ends)
    return SessionIndicators(
        reflection_to_question=ratio_indicator(
            "reflection_to_question",
            miti_draws,
            ("reflection_simple", "reflection_complex"),
            ("question_open", "question_closed"),
            MITI_CODES,
            reference=MITI4_REFLECTION_TO_QUESTION,
        ),
        percent_open_questions=share_indicator(
            "percent_open_questions",
            miti_draws,
            ("question_open",),
            ("question_open", "question_closed"),
            MITI_CODES,
            reference=MITI3_OPEN_QUESTIONS,
        ),
        percent_complex_reflections=share_indicator(
            "percent_complex_reflections",
            miti_draws,
            ("reflection_complex",),
            ("reflection_simple", "reflection_complex"),
            MITI_CODES,
            reference=MITI4_COMPLEX_REFLECTIONS,
            experimental=True,
        ),
        therapist_share_of_words=exact("therapist_share_of_words", word_share(coded), "percent"),
        therapist_share_of_time=exact(
            "therapist_share_of_time", timing.therapist_share(), "percent"
        ),
        longest_therapist_monologue_words=exact(
            "longest_therapist_monologue_words",
            max((len(c.text.split()) for c in therapist), default=None),
            "words",
        ),
        longest_therapist_monologue_seconds=exact(
            "longest_therapist_monologue_seconds", timing.longest_therapist_turn(), "seconds"
        ),
        overlaps=exact("overlaps", timing.overlap_count(), "count"),
        overlap_seconds=exact("overlap_seconds", timing.overlap_seconds(), "seconds"),
        change_talk_share=share_indicator(
            "change_talk_share",
            talk_draws,
            ("change",),
            ("change", "sustain"),
            CLIENT_TALK,
            experimental=True,
        ),
        therapist_utterances=len(therapist),
        client_utterances=len(client),
    )


# ---------------------------------------------------------------------------
# Code-based indicators
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Draws:
    """Expected counts per code, and the counts in each random draw of the codes."""

    expected: FloatArray  # (codes,)
    sampled: FloatArray  # (draws, codes)


def probability_matrix(coded: Sequence[CodedUtterance], labels: Sequence[str]) -> FloatArray:
    def probabilities(c: CodedUtterance) -> dict[str, float]:
        return c.client_talk_probabilities if labels is CLIENT_TALK else c.miti_probabilities

    matrix = np.array([[probabilities(c).get(label, 0.0) for label in labels] for c in coded])
    return matrix.reshape(len(coded), len(labels))


def draw_codes(probabilities: FloatArray, rng: np.random.Generator) -> Draws:
    """Draw each utterance's code from its probabilities, ``DRAWS`` times, and count."""
    n, k = probabilities.shape
    sampled = np.zeros((DRAWS, k))
    if n:
        cumulative = np.cumsum(probabilities / probabilities.sum(axis=1, keepdims=True), axis=1)
        uniforms = rng.random((DRAWS, n, 1))
        codes = np.minimum((uniforms > cumulative[None, :, :]).sum(axis=2), k - 1)
        for code in range(k):
            sampled[:, code] = (codes == code).sum(axis=1)
    return Draws(probabilities.sum(axis=0), sampled)


def columns(labels: Sequence[str], wanted: Sequence[str]) -> list[int]:
    return [labels.index(label) for label in wanted]


def interval_of(
    statistic: Callable[[FloatArray], FloatArray], draws: Draws
) -> tuple[float, float] | tuple[None, None]:
    values = statistic(draws.sampled)
    values = values[np.isfinite(values)]
    if len(values) < DRAWS // 2:
        return None, None  # the statistic is undefined in most draws (nothing to divide by)
    low, high = np.percentile(values, INTERVAL)
    return float(low), float(high)


def ratio_indicator(
    key: str,
    draws: Draws,
    numerator: Sequence[str],
    denominator: Sequence[str],
    labels: Sequence[str],
    *,
    reference: Reference | None = None,
    experimental: bool = False,
) -> Indicator:
    top, bottom = columns(labels, numerator), columns(labels, denominator)

    def ratio(counts: FloatArray) -> FloatArray:
        with np.errstate(divide="ignore", invalid="ignore"):
            result: FloatArray = counts[..., top].sum(axis=-1) / counts[..., bottom].sum(axis=-1)
        return result

    expected_bottom = draws.expected[bottom].sum()
    value = float(ratio(draws.expected)) if expected_bottom > 0.5 else None
    if value is None:
        return Indicator(key, None, None, None, "ratio", reference, experimental)
    low, high = interval_of(ratio, draws)
    if low is not None and high is not None:
        # In a short session the draws are discrete and a ratio of expected counts can fall
        # just outside their percentiles: widen the interval to hold the estimate.
        low, high = min(low, value), max(high, value)
    return Indicator(key, value, low, high, "ratio", reference, experimental)


def share_indicator(
    key: str,
    draws: Draws,
    part: Sequence[str],
    whole: Sequence[str],
    labels: Sequence[str],
    *,
    reference: Reference | None = None,
    experimental: bool = False,
) -> Indicator:
    ratio = ratio_indicator(key, draws, part, whole, labels)

    def percent(x: float | None) -> float | None:
        return None if x is None else 100.0 * x

    return Indicator(
        key,
        percent(ratio.value),
        percent(ratio.low),
        percent(ratio.high),
        "percent",
        reference,
        experimental,
    )


def exact(key: str, value: float | None, unit: str) -> Indicator:
    """An indicator that does not depend on the codes: no interval."""
    return Indicator(key, None if value is None else float(value), None, None, unit)


# ---------------------------------------------------------------------------
# Words and time
# ---------------------------------------------------------------------------


def word_share(coded: Sequence[CodedUtterance]) -> float | None:
    therapist = sum(len(c.text.split()) for c in coded if c.role == "therapist")
    total = sum(len(c.text.split()) for c in coded)
    return 100.0 * therapist / total if total else None


@dataclass(frozen=True)
class Timing:
    """Start and end of each utterance, where the transcript gives them."""

    roles: tuple[str, ...]
    starts: tuple[float | None, ...]
    ends: tuple[float | None, ...]

    @classmethod
    def of(
        cls,
        coded: Sequence[CodedUtterance],
        starts: Sequence[float | None] | None,
        ends: Sequence[float | None] | None,
    ) -> Timing:
        n = len(coded)
        starts = tuple(starts) if starts is not None else (None,) * n
        ends = tuple(ends) if ends is not None else (None,) * n
        return cls(tuple(c.role for c in coded), starts, ends)

    def durations(self) -> list[float | None]:
        """End minus start; without an end, until the next utterance starts."""
        durations: list[float | None] = []
        for i, start in enumerate(self.starts):
            end = self.ends[i] if i < len(self.ends) else None
            if end is None and i + 1 < len(self.starts):
                end = self.starts[i + 1]
            durations.append(
                max(0.0, end - start) if start is not None and end is not None else None
            )
        return durations

    def therapist_share(self) -> float | None:
        durations = self.durations()
        if not durations or any(d is None for d in durations[:-1]):
            return None  # a partial timeline would bias the share
        known = [(role, d) for role, d in zip(self.roles, durations, strict=True) if d is not None]
        total = sum(d for _, d in known)
        return 100.0 * sum(d for role, d in known if role == "therapist") / total if total else None

    def longest_therapist_turn(self) -> float | None:
        durations = [
            d
            for role, d in zip(self.roles, self.durations(), strict=True)
            if role == "therapist" and d is not None
        ]
        return max(durations, default=None)

    def overlapping_pairs(self) -> list[float] | None:
        """Overlap (seconds) of each utterance with the next one; needs ends."""
        if not any(end is not None for end in self.ends):
            return None
        overlaps = []
        for i in range(len(self.starts) - 1):
            end, following_start = self.ends[i], self.starts[i + 1]
            if end is not None and following_start is not None and following_start < end:
                overlaps.append(end - following_start)
        return overlaps

    def overlap_count(self) -> int | None:
        pairs = self.overlapping_pairs()
        return None if pairs is None else len(pairs)

    def overlap_seconds(self) -> float | None:
        pairs = self.overlapping_pairs()
        return None if pairs is None else float(sum(pairs))
