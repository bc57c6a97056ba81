"""Scoring: one administration, or a whole table of them at once.

Both paths share one vectorised implementation (:func:`score_table`), so a
score shown in the app and a score computed by a researcher on a million rows
can never disagree.

Rows are scored in blocks that fit in the CPU cache, each turned to
items × rows so that every item's answers are contiguous: a scale's sum is
then a few additions of whole vectors, the fastest thing NumPy does.

The arithmetic, for each scale (the total and every subscale):

1. reverse-scored items become ``minimum + maximum − answer``;
2. the scale's answered items are summed and counted;
3. ``mean = sum ÷ answered``; a prorated sum is ``n_items × sum ÷ answered``;
4. a scale with more than ``max_missing`` unanswered items is left empty
   (NaN), never guessed; so is every scale of a row with an impossible answer.

Example::

    >>> from alliance.science.instruments import get_instrument
    >>> phq9 = get_instrument("phq-9")
    >>> score = phq9.score({"interest": 1, "mood": 2, "sleep": 1, "energy": 1,
    ...     "appetite": 0, "self_worth": 1, "concentration": 1, "psychomotor": 0,
    ...     "self_harm": 1})
    >>> score.total, score.band.id, [flag.id for flag in score.safety_flags]
    (8.0, 'mild', ['self_harm'])
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from alliance.science.errors import InputError, Location
from alliance.science.instruments.model import (
    Cutoff,
    Instrument,
    Item,
    ResponseType,
    SafetyRule,
    ScoringMethod,
    SeverityBand,
)

#: What an answer may be: a number (or a bool for yes/no), text for free-text
#: items, or ``None`` when the item was not answered.
Answer = float | int | bool | str | None

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

TOTAL = "total"

# Rows per block when a table is split between threads: large enough to keep
# NumPy's per-call overhead negligible, small enough to stay in cache.
BLOCK_ROWS = 16_384


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreProblem:
    """Why a score could not be computed, in words and as a stable code for translation."""

    code: str  # "too_many_missing" or "invalid_answer"
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Score:
    """The scores of one administration, in the instrument's own units.

    ``total`` and each subscale are ``None`` when they cannot be computed;
    ``problem`` then says why. Safety flags are raised from the answers
    themselves, even when the total cannot be computed.
    """

    instrument_id: str
    instrument_version: str
    total: float | None
    subscales: Mapping[str, float | None]
    band: SeverityBand | None
    cutoffs_met: tuple[Cutoff, ...]
    safety_flags: tuple[SafetyRule, ...]
    missing_items: tuple[str, ...]
    problem: ScoreProblem | None = None

    @property
    def is_scored(self) -> bool:
        return self.total is not None

    @property
    def reason(self) -> str | None:
        """A sentence saying why the total is empty, or ``None``."""
        return self.problem.message if self.problem else None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (ids, not labels) to store beside the answers."""
        return {
            "instrument": self.instrument_id,
            "version": self.instrument_version,
            "total": self.total,
            "subscales": dict(self.subscales),
            "band": self.band.id if self.band else None,
            "cutoffs_met": [cutoff.id for cutoff in self.cutoffs_met],
            "safety_flags": [rule.id for rule in self.safety_flags],
            "missing_items": list(self.missing_items),
            "problem": {"code": self.problem.code, "params": dict(self.problem.params)}
            if self.problem
            else None,
        }


@dataclass(frozen=True)
class TableScores:
    """Scores of many administrations, one array element per row.

    ``scales`` maps ``"total"`` and each subscale id to an array of scores
    (NaN where a score cannot be computed); ``band`` holds indexes into
    ``instrument.bands`` (−1 when there is no band); ``safety`` has one column
    per safety rule; ``invalid`` marks impossible answers cell by cell.
    """

    instrument: Instrument
    scales: Mapping[str, FloatArray]
    missing: Mapping[str, NDArray[np.int64]]
    band: NDArray[np.int64]
    safety: BoolArray
    invalid: BoolArray

    @property
    def total(self) -> FloatArray:
        return self.scales[TOTAL]

    def __len__(self) -> int:
        return len(self.total)

    def problems(self) -> list[ScoreProblem | None]:
        """Why each row's total is empty (``None`` for rows that were scored)."""
        invalid_rows = self.invalid.any(axis=1)
        return [
            _row_problem(self, row, bool(invalid_rows[row])) if math.isnan(total) else None
            for row, total in enumerate(self.total.tolist())
        ]


def _row_problem(table: TableScores, row: int, invalid: bool) -> ScoreProblem:
    columns = table.instrument.numeric_items
    if invalid:
        bad = [columns[index].id for index in np.flatnonzero(table.invalid[row])]
        return ScoreProblem(
            "invalid_answer", f"Impossible answer to item(s) {', '.join(bad)}.", {"items": bad}
        )
    missing = int(table.missing[TOTAL][row])
    allowed = table.instrument.scoring.max_missing
    return ScoreProblem(
        "too_many_missing",
        f"{missing} item(s) of the total unanswered; at most {allowed} allowed.",
        {"missing": missing, "max_missing": allowed},
    )


# ---------------------------------------------------------------------------
# The layout of a scoring matrix, computed once per call
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    """Everything the vectorised scorer needs, as arrays over the matrix columns."""

    scale_ids: tuple[str, ...]
    scale_columns: tuple[NDArray[np.intp], ...]  # per scale, the columns of its items
    max_missing: tuple[int, ...]  # per scale
    is_mean: bool
    prorate: bool
    reversed_columns: tuple[int, ...]
    # Per column, shaped (columns, 1) to broadcast over an items × rows block:
    reverse_sign: FloatArray  # −1 for reverse-scored columns, else 1
    reverse_offset: FloatArray  # minimum + maximum for reverse-scored columns, else 0
    minimum: FloatArray
    inverse_step: FloatArray  # 1 / resolution; NaN where only listed values are allowed
    span: FloatArray  # (maximum − minimum) / resolution: the number of steps
    listed_values: Mapping[int, FloatArray]  # irregular option sets, checked one by one
    safety_columns: NDArray[np.int64]
    safety_above: FloatArray  # shaped (rules, 1)
    band_lowers: FloatArray


def _column(values: list[float]) -> FloatArray:
    return np.array(values, dtype=np.float64).reshape(-1, 1)


def _layout(instrument: Instrument) -> _Layout:
    columns = instrument.numeric_items
    index = {item.id: position for position, item in enumerate(columns)}
    scales = [(TOTAL, instrument.scoring.total_items, instrument.scoring.max_missing)]
    scales += [(s.id, s.items, s.max_missing) for s in instrument.subscales]
    steps, listed = _resolutions(columns)  # steps shaped (columns, 1)
    return _Layout(
        scale_ids=tuple(scale_id for scale_id, _, _ in scales),
        scale_columns=tuple(np.array([index[i] for i in item_ids]) for _, item_ids, _ in scales),
        max_missing=tuple(maximum for _, _, maximum in scales),
        is_mean=instrument.scoring.method is ScoringMethod.MEAN,
        prorate=instrument.scoring.prorate,
        reversed_columns=tuple(i for i, item in enumerate(columns) if item.reverse),
        reverse_sign=_column([-1.0 if item.reverse else 1.0 for item in columns]),
        reverse_offset=_column(
            [item.minimum + item.maximum if item.reverse else 0.0 for item in columns]
        ),
        minimum=_column([item.minimum for item in columns]),
        inverse_step=1.0 / steps,
        span=np.rint(_column([item.maximum - item.minimum for item in columns]) / steps),
        listed_values=listed,
        safety_columns=np.array([index[rule.item] for rule in instrument.safety], dtype=np.int64),
        safety_above=_column([rule.above for rule in instrument.safety]),
        band_lowers=np.array([band.lower for band in instrument.bands]),
    )


def _resolutions(columns: tuple[Item, ...]) -> tuple[FloatArray, dict[int, FloatArray]]:
    """The step of each column, and the columns whose options are not evenly spaced.

    Most labelled scales are whole numbers without gaps (0, 1, 2, 3): checking
    "whole and within range" is then exact and much faster than a set lookup.
    """
    steps = np.full(len(columns), np.nan)
    listed: dict[int, FloatArray] = {}
    for position, item in enumerate(columns):
        allowed = item.allowed_values
        if allowed is None:
            steps[position] = item.step or 1.0
        elif sorted(allowed) == [item.minimum + n for n in range(len(allowed))] and all(
            float(value).is_integer() for value in allowed
        ):
            steps[position] = 1.0
        else:
            listed[position] = np.array(sorted(allowed))
    return steps.reshape(-1, 1), listed


# ---------------------------------------------------------------------------
# Scoring a table
# ---------------------------------------------------------------------------


def score_table(
    instrument: Instrument, answers: NDArray[Any], *, workers: int | None = 1
) -> TableScores:
    """Score many administrations at once.

    ``answers`` has one row per administration and one column per numeric item
    (``instrument.numeric_items``, in order), with NaN for an unanswered item.
    ``workers`` threads share the rows (``None``: one per CPU); NumPy releases
    the GIL, so threads scale without copying the data.
    """
    matrix = np.asarray(answers, dtype=np.float64)
    expected = len(instrument.numeric_items)
    if matrix.ndim != 2 or matrix.shape[1] != expected:
        raise InputError(
            f"Expected a table with {expected} columns (one per numeric item); "
            f"got shape {matrix.shape}.",
            code="wrong_shape",
            params={"expected": expected, "shape": list(matrix.shape)},
        )
    layout = _layout(instrument)
    n_rows = matrix.shape[0]
    out = _allocate(layout, n_rows, expected)
    blocks = [
        slice(start, min(start + BLOCK_ROWS, n_rows)) for start in range(0, n_rows, BLOCK_ROWS)
    ]
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(blocks) == 1:
        for block in blocks:
            _score_block(layout, matrix, block, out)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(lambda block: _score_block(layout, matrix, block, out), blocks))
    return TableScores(
        instrument=instrument,
        scales=dict(zip(layout.scale_ids, out.scores, strict=True)),
        missing=dict(zip(layout.scale_ids, out.missing, strict=True)),
        band=out.band,
        safety=out.safety.T,
        invalid=out.invalid.T,
    )


@dataclass(frozen=True)
class _Outputs:
    """Results for the whole table, scale-major so that each block writes contiguous runs."""

    scores: FloatArray  # scales × rows
    missing: NDArray[np.int64]  # scales × rows
    band: NDArray[np.int64]
    safety: BoolArray  # rules × rows
    invalid: BoolArray  # columns × rows


def _allocate(layout: _Layout, n_rows: int, n_columns: int) -> _Outputs:
    n_scales = len(layout.scale_ids)
    return _Outputs(
        scores=np.empty((n_scales, n_rows)),
        missing=np.empty((n_scales, n_rows), dtype=np.int64),
        band=np.empty(n_rows, dtype=np.int64),
        safety=np.empty((len(layout.safety_columns), n_rows), dtype=bool),
        invalid=np.empty((n_columns, n_rows), dtype=bool),
    )


def _score_block(layout: _Layout, matrix: FloatArray, rows: slice, out: _Outputs) -> None:
    block = np.ascontiguousarray(matrix[rows].T)  # items × rows
    answered = ~np.isnan(block)
    invalid = _impossible_answers(layout, block)
    row_is_valid = ~invalid.any(axis=0)
    values = np.where(answered, block, 0.0)
    for column in layout.reversed_columns:  # usually none or a few
        values[column] = np.where(
            answered[column], layout.reverse_offset[column] - block[column], 0.0
        )
    for scale, columns in enumerate(layout.scale_columns):
        counts = np.add.reduce(answered[columns], axis=0, dtype=np.int64)
        missing = len(columns) - counts
        scores = _scale_scores(layout, values[columns].sum(axis=0), counts, len(columns))
        scorable = (missing <= layout.max_missing[scale]) & (counts > 0) & row_is_valid
        out.scores[scale, rows] = np.where(scorable, scores, np.nan)
        out.missing[scale, rows] = missing
    out.invalid[:, rows] = invalid
    out.safety[:, rows] = block[layout.safety_columns] > layout.safety_above
    out.band[rows] = _bands(layout, out.scores[0, rows])


def _scale_scores(
    layout: _Layout, sums: FloatArray, counts: NDArray[np.int64], n_items: int
) -> FloatArray:
    """Mean of the answered items, prorated sum, or plain sum (valid only when complete)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        if layout.is_mean:
            return sums / counts
        if layout.prorate:
            return sums * (n_items / counts)
    return sums


def _impossible_answers(layout: _Layout, block: FloatArray) -> BoolArray:
    """Cells (items × rows) whose answer the item does not allow; NaN (unanswered) is allowed.

    An answer is possible when it lies on the item's grid of steps (a whole
    number, or a tenth on a visual-analogue line) between its minimum and
    maximum. NaN compares false everywhere, so unanswered cells pass. In-place
    operations keep this, the costliest step of scoring, to a few passes.
    """
    steps = block - layout.minimum
    steps *= layout.inverse_step
    nearest = np.rint(steps)
    steps -= nearest
    np.abs(steps, out=steps)
    invalid = steps > 1e-6
    invalid |= nearest < 0
    invalid |= nearest > layout.span
    for column, allowed in layout.listed_values.items():
        values = block[column]
        invalid[column] = ~np.isnan(values) & ~np.isin(values, allowed)
    return invalid


def _bands(layout: _Layout, totals: FloatArray) -> NDArray[np.int64]:
    if not len(layout.band_lowers):
        return np.full(len(totals), -1, dtype=np.int64)
    bands = np.searchsorted(layout.band_lowers, totals, side="right") - 1
    return np.where(np.isnan(totals), -1, bands).astype(np.int64)


def reverse_scored(instrument: Instrument, answers: NDArray[Any]) -> FloatArray:
    """The answers with reverse-scored items turned round (``minimum + maximum − x``).

    This is what reliability is computed on. Unanswered cells stay NaN.
    """
    layout = _layout(instrument)
    matrix = np.asarray(answers, dtype=np.float64)
    return matrix * layout.reverse_sign.T + layout.reverse_offset.T


# ---------------------------------------------------------------------------
# From answers keyed by item id to the scoring matrix
# ---------------------------------------------------------------------------


def answers_matrix(
    instrument: Instrument,
    rows: Iterable[Mapping[str, Answer]],
    file: str | None = None,
    *,
    number_rows: bool = True,
) -> FloatArray:
    """Build the scoring matrix from answers keyed by item id (one mapping per administration).

    Free-text answers are ignored; unknown item ids and non-numeric answers to
    numeric items raise an :class:`InputError` naming the row and the item.
    """
    columns = instrument.numeric_items
    position = {item.id: index for index, item in enumerate(columns)}
    known = {item.id for item in instrument.items}
    matrix_rows = []
    for row_number, answers in enumerate(rows, start=1):
        vector = np.full(len(columns), np.nan)
        for item_id, answer in answers.items():
            where = Location(file=file, row=row_number if number_rows else None, field=item_id)
            if item_id not in known:
                raise InputError(
                    f"Unknown item '{item_id}' for instrument '{instrument.id}'.",
                    code="unknown_item",
                    location=where,
                    params={"item": item_id, "instrument": instrument.id},
                )
            if item_id in position:
                vector[position[item_id]] = _as_number(answer, where)
        matrix_rows.append(vector)
    return np.array(matrix_rows).reshape(len(matrix_rows), len(columns))


def _as_number(answer: Answer, where: Location) -> float:
    if answer is None or answer == "":
        return math.nan
    if isinstance(answer, bool):
        return 1.0 if answer else 0.0
    if isinstance(answer, int | float):
        return float(answer)
    try:
        return float(answer)
    except ValueError:
        raise InputError(
            f"Expected a number, got '{answer}'.",
            code="not_a_number",
            location=where,
            params={"value": answer},
        ) from None


# ---------------------------------------------------------------------------
# Scoring one administration
# ---------------------------------------------------------------------------


def score_response(instrument: Instrument, answers: Mapping[str, Answer]) -> Score:
    """Score one administration given as ``{item id: answer}``.

    An impossible answer (out of range, off the scale's steps) raises an
    :class:`InputError`; the web form should never send one. Too many
    unanswered items give a :class:`Score` whose total is ``None`` and whose
    ``problem`` says why.
    """
    matrix = answers_matrix(instrument, [answers], number_rows=False)
    _raise_on_impossible_answer(instrument, matrix)
    return _single_score(score_table(instrument, matrix), matrix[0])


def _raise_on_impossible_answer(instrument: Instrument, matrix: FloatArray) -> None:
    invalid = _impossible_answers(_layout(instrument), np.ascontiguousarray(matrix.T))
    for column in np.flatnonzero(invalid[:, 0]):
        item = instrument.numeric_items[column]
        value = float(matrix[0, column])
        raise InputError(
            f"Answer {value:g} is not possible for item '{item.id}' ({describe_allowed(item)}).",
            code="answer_out_of_range",
            location=Location(field=item.id),
            params={
                "item": item.id,
                "value": value,
                "minimum": item.minimum,
                "maximum": item.maximum,
            },
        )


def describe_allowed(item: Item) -> str:
    """The answers an item allows, in words, for error messages."""
    allowed = item.allowed_values
    if allowed is not None:
        return "one of " + ", ".join(f"{value:g}" for value in sorted(allowed))
    if item.response is ResponseType.VISUAL_ANALOGUE:
        return f"{item.minimum:g} to {item.maximum:g} in steps of 0.1"
    return f"a whole number from {item.minimum:g} to {item.maximum:g}"


def _single_score(table: TableScores, answers: FloatArray) -> Score:
    instrument = table.instrument
    scales = {scale_id: _optional(values[0]) for scale_id, values in table.scales.items()}
    total = scales.pop(TOTAL)
    band_index = int(table.band[0])
    missing_columns = np.flatnonzero(np.isnan(answers))
    return Score(
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        total=total,
        subscales=scales,
        band=instrument.bands[band_index] if band_index >= 0 else None,
        cutoffs_met=_cutoffs_met(instrument, total, scales),
        safety_flags=tuple(
            rule for rule, raised in zip(instrument.safety, table.safety[0], strict=True) if raised
        ),
        missing_items=tuple(instrument.numeric_items[column].id for column in missing_columns),
        problem=table.problems()[0],
    )


def _optional(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _cutoffs_met(
    instrument: Instrument, total: float | None, subscales: Mapping[str, float | None]
) -> tuple[Cutoff, ...]:
    scores = {TOTAL: total, **subscales}
    return tuple(
        cutoff
        for cutoff in instrument.cutoffs
        if (value := scores.get(cutoff.scale)) is not None and cutoff.is_met(value)
    )
