"""Property-based tests of scoring (hypothesis), on every shipped instrument and key."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.science.instruments import Instrument, Item, scoring_keys, shipped_instruments
from alliance.science.scoring import score_table

INSTRUMENTS = [*shipped_instruments(), *scoring_keys()]


def possible_answers(item: Item) -> st.SearchStrategy[float]:
    if item.allowed_values is not None:
        return st.sampled_from(item.allowed_values)
    step = item.step or 1.0
    steps = round((item.maximum - item.minimum) / step)
    return st.integers(0, steps).map(lambda n: round(item.minimum + n * step, 6))


def answer_rows(instrument: Instrument) -> st.SearchStrategy[list[float]]:
    return st.tuples(*(possible_answers(item) for item in instrument.numeric_items)).map(list)


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=lambda i: i.id)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_complete_answers_always_score_within_range(
    instrument: Instrument, data: st.DataObject
) -> None:
    rows = data.draw(st.lists(answer_rows(instrument), min_size=1, max_size=20))
    table = score_table(instrument, np.array(rows))
    low, high = instrument.total_range
    assert not np.isnan(table.total).any()
    assert ((table.total >= low - 1e-9) & (table.total <= high + 1e-9)).all()
    for subscale in instrument.subscales:
        sub_low, sub_high = instrument.subscale_range(subscale.id)
        values = table.scales[subscale.id]
        assert ((values >= sub_low - 1e-9) & (values <= sub_high + 1e-9)).all()
    assert ((table.band >= 0) if instrument.bands else (table.band == -1)).all()


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=lambda i: i.id)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_reverse_scoring_is_its_own_inverse(instrument: Instrument, data: st.DataObject) -> None:
    for item in instrument.numeric_items:
        value = data.draw(possible_answers(item))
        reversed_value = item.reverse_value(value)
        assert item.accepts(reversed_value)
        assert item.reverse_value(reversed_value) == pytest.approx(value)


@pytest.mark.parametrize(
    "instrument",
    [i for i in INSTRUMENTS if i.scoring.max_missing > 0],
    ids=lambda i: i.id,
)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_prorating_agrees_with_complete_answers(
    instrument: Instrument, data: st.DataObject
) -> None:
    """Leave out up to max_missing items of the total; if their (reverse-scored) values
    equal the mean of the answered ones, the complete score must equal the prorated one."""
    columns = instrument.numeric_items
    total_positions = [
        i for i, item in enumerate(columns) if item.id in instrument.scoring.total_items
    ]
    row = data.draw(answer_rows(instrument))
    n_missing = data.draw(st.integers(1, instrument.scoring.max_missing))
    missing = data.draw(st.permutations(total_positions))[:n_missing]
    partial = np.array([row], dtype=float)
    partial[0, missing] = np.nan
    prorated = score_table(instrument, partial).total[0]

    answered = [p for p in total_positions if p not in missing]
    scored = [_scored_value(columns[p], row[p]) for p in answered]
    mean = sum(scored) / len(scored)
    complete = [
        _scored_value(columns[p], row[p]) if p in answered else mean for p in total_positions
    ]
    expected = (
        sum(complete) / len(complete)
        if instrument.scoring.method.value == "mean"
        else sum(complete)
    )
    assert not math.isnan(prorated)
    assert prorated == pytest.approx(expected)


def _scored_value(item: Item, value: float) -> float:
    return item.reverse_value(value) if item.reverse else value


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=lambda i: i.id)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_partial_answers_score_within_range_or_not_at_all(
    instrument: Instrument, data: st.DataObject
) -> None:
    """With items left out at random, a score is either empty or within range, never outside."""
    row = data.draw(answer_rows(instrument))
    dropped = data.draw(st.lists(st.booleans(), min_size=len(row), max_size=len(row)))
    partial = np.array(
        [[math.nan if drop else value for value, drop in zip(row, dropped, strict=True)]]
    )
    table = score_table(instrument, partial)
    total = table.total[0]
    low, high = instrument.total_range
    assert math.isnan(total) or low - 1e-9 <= total <= high + 1e-9
    missing_in_total = sum(
        drop
        for item, drop in zip(instrument.numeric_items, dropped, strict=True)
        if item.id in instrument.scoring.total_items
    )
    assert math.isnan(total) == (missing_in_total > instrument.scoring.max_missing)
