"""Hand-worked scoring examples for every shipped instrument and scoring key.

Each test names the section of the clinical reference
(``shared/product/clinical-reference.md``) its key comes from, and works the
expected numbers out by hand in its docstring.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pytest

from alliance.science.errors import InputError
from alliance.science.instruments import apply_key, get_instrument, get_scoring_key
from alliance.science.instruments.model import Instrument, Item, ResponseOption, ResponseType
from alliance.science.scoring import answers_matrix, score_response, score_table

PHQ9_ITEMS = [
    "interest",
    "mood",
    "sleep",
    "energy",
    "appetite",
    "self_worth",
    "concentration",
    "psychomotor",
    "self_harm",
]


def phq9_answers(*values: float | None) -> dict[str, float | None]:
    return dict(zip(PHQ9_ITEMS, values, strict=True))


def by_number(instrument: Instrument, values: Sequence[float | None]) -> dict[str, float | None]:
    return {item.id: value for item, value in zip(instrument.items, values, strict=True)}


# --- PHQ-9 and GAD-7 (clinical reference §2) --------------------------------


def test_phq9_total_band_and_cutoff() -> None:
    """1+2+1+1+0+1+1+0+0 = 7: mild (5–9), below the ≥10 cut-off, no safety flag."""
    score = get_instrument("phq-9").score(phq9_answers(1, 2, 1, 1, 0, 1, 1, 0, 0))
    assert score.total == 7
    assert score.band is not None
    assert score.band.id == "mild"
    assert score.cutoffs_met == ()
    assert score.safety_flags == ()


@pytest.mark.parametrize(
    ("total_answers", "band"),
    [
        ((0, 0, 0, 0, 0, 0, 0, 0, 0), "minimal"),  # 0
        ((1, 1, 1, 1, 0, 0, 0, 0, 0), "minimal"),  # 4
        ((1, 1, 1, 1, 1, 0, 0, 0, 0), "mild"),  # 5
        ((2, 2, 2, 2, 1, 1, 0, 0, 0), "moderate"),  # 10
        ((3, 3, 3, 2, 2, 2, 0, 0, 0), "moderately_severe"),  # 15
        ((3, 3, 3, 3, 2, 2, 2, 2, 0), "severe"),  # 20
        ((3, 3, 3, 3, 3, 3, 3, 3, 3), "severe"),  # 27
    ],
)
def test_phq9_band_edges(total_answers: tuple[int, ...], band: str) -> None:
    """Bands start at 0, 5, 10, 15 and 20 (clinical reference §2)."""
    score = get_instrument("phq-9").score(phq9_answers(*total_answers))
    assert score.band is not None
    assert score.band.id == band


def test_phq9_probable_depression_at_10() -> None:
    """2+2+2+2+1+1+0+0+0 = 10 ≥ 10: probable depression (clinical reference §2)."""
    score = get_instrument("phq-9").score(phq9_answers(2, 2, 2, 2, 1, 1, 0, 0, 0))
    assert [cutoff.id for cutoff in score.cutoffs_met] == ["probable_depression"]


def test_phq9_item_9_raises_the_safety_flag_whatever_the_total() -> None:
    """Item 9 > 0 alerts at once, even with a minimal total (clinical reference §2, Safety)."""
    score = get_instrument("phq-9").score(phq9_answers(0, 0, 0, 0, 0, 0, 0, 0, 1))
    assert score.total == 1
    assert [rule.id for rule in score.safety_flags] == ["self_harm"]


def test_phq9_safety_flag_even_when_the_total_cannot_be_computed() -> None:
    score = get_instrument("phq-9").score({"self_harm": 2})
    assert score.total is None
    assert score.problem is not None
    assert score.problem.code == "too_many_missing"
    assert [rule.id for rule in score.safety_flags] == ["self_harm"]


def test_phq9_difficulty_item_is_not_in_the_total() -> None:
    answers = {**phq9_answers(1, 1, 1, 1, 1, 1, 1, 1, 1), "difficulty": 3}
    assert get_instrument("phq-9").score(answers).total == 9


def test_phq9_is_not_prorated() -> None:
    """No prorating rule for the PHQ-9 in the clinical reference: one missing item, no total."""
    score = get_instrument("phq-9").score(phq9_answers(3, 3, 3, 3, 3, 3, 3, 3, None))
    assert score.total is None
    assert score.reason == "1 item(s) of the total unanswered; at most 0 allowed."


def test_gad7_total_and_band() -> None:
    """3+2+2+1+1+1+0 = 10: moderate (10–14), probable GAD (≥ 10) (clinical reference §2)."""
    gad7 = get_instrument("gad-7")
    score = gad7.score(by_number(gad7, [3, 2, 2, 1, 1, 1, 0]))
    assert score.total == 10
    assert score.band is not None
    assert score.band.id == "moderate"
    assert [c.id for c in score.cutoffs_met] == ["probable_gad"]


# --- Our check-in (clinical reference §1) ------------------------------------


def test_checkin_mean_of_pillar_items_and_subscales() -> None:
    """Total = mean(8, 9, 7, 6, 10, 9) = 49/6 ≈ 8.1667; goal (8+9)/2 = 8.5, task 6.5, bond 9.5."""
    checkin = get_instrument("alliance-checkin")
    score = checkin.score(
        {
            "goal": 8,
            "goal_shared": 9,
            "task": 7,
            "task_useful": 6,
            "bond": 10,
            "bond_respect": 9,
            "overall": 7,
            "tension": 0,
            "change_request": "Rien.",
        }
    )
    assert score.total == pytest.approx(49 / 6)
    assert score.subscales == {"goal": 8.5, "task": 6.5, "bond": 9.5, "overall": 7}


def test_checkin_tolerates_one_missing_pillar_item() -> None:
    """One missing: mean of the five others, (8+9+7+10+9)/5 = 8.6; its subscale is empty."""
    checkin = get_instrument("alliance-checkin")
    score = checkin.score({"goal": 8, "goal_shared": 9, "task": 7, "bond": 10, "bond_respect": 9})
    assert score.total == pytest.approx(8.6)
    assert score.subscales["task"] is None
    two_missing = checkin.score({"goal": 8, "goal_shared": 9, "bond": 10, "bond_respect": 9})
    assert two_missing.total is None


def test_checkin_rupture_items_are_read_but_not_scored() -> None:
    checkin = get_instrument("alliance-checkin")
    base = {"goal": 5, "goal_shared": 5, "task": 5, "task_useful": 5, "bond": 5, "bond_respect": 5}
    with_tension = {**base, "tension": True, "tension_intensity": 8, "tension_discussed": 2}
    assert checkin.score(with_tension).total == checkin.score(base).total == 5


# --- Scoring keys completed with licensed items (clinical reference §1, §2) ---


def test_wai_sr_subscale_sums() -> None:
    """Items 1..12 answered 1,2,3,4,5,1,2,3,4,5,1,2: Task (1,2,10,12) = 1+2+5+2 = 10,
    Goal (4,6,8,11) = 4+1+3+1 = 9, Bond (3,5,7,9) = 3+5+2+4 = 14, total 10+9+14 = 33."""
    key = get_scoring_key("wai-sr")
    score = key.score(by_number(key, [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2]))
    assert score.subscales == {"task": 10, "goal": 9, "bond": 14}
    assert score.total == 33


def test_wai_b3_and_sai() -> None:
    """B3: 4+5+3 = 12. SAI: goal/task items 2,4,6 = 4+4+5 = 13, bond 1,3,5 = 3+2+5 = 10."""
    b3 = get_scoring_key("wai-b3")
    assert b3.score({"goal": 4, "task": 5, "bond": 3}).total == 12
    sai = get_scoring_key("sai")
    score = sai.score(by_number(sai, [3, 4, 2, 4, 5, 5]))
    assert score.subscales == {"goal_task": 13, "bond": 10}
    assert score.total == 23


def test_srs_below_36_flags_an_alliance_concern() -> None:
    """9.5 + 8.7 + 9.1 + 8.6 = 35.9 < 36: concern; 9 × 4 = 36: none (clinical reference §1)."""
    srs = get_scoring_key("srs")
    low = srs.score(by_number(srs, [9.5, 8.7, 9.1, 8.6]))
    assert low.total == pytest.approx(35.9)
    assert [c.id for c in low.cutoffs_met] == ["alliance_concern"]
    assert srs.score(by_number(srs, [9, 9, 9, 9])).cutoffs_met == ()


def test_srs_lines_are_read_to_one_decimal() -> None:
    srs = get_scoring_key("srs")
    with pytest.raises(InputError) as error:
        srs.score(by_number(srs, [9.55, 9, 9, 9]))
    assert error.value.code == "answer_out_of_range"
    assert error.value.location.field == "relationship"


def test_ors_adult_and_child_cutoffs() -> None:
    """6 + 7 + 7 + 8 = 28: above the adult cut-off 25, below the child cut-off 32."""
    ors = get_scoring_key("ors")
    score = ors.score(by_number(ors, [6, 7, 7, 8]))
    assert score.total == 28
    assert [c.id for c in score.cutoffs_met] == ["clinical_range_child"]


def test_core10_reverse_scoring_and_prorating() -> None:
    """Answers 2,1,0,3,2,1,2,3,1,2. Items 2 and 3 reversed (4 − x): 3 and 4.
    Sum = 2+3+4+3+2+1+2+3+1+2 = 23 (clinical reference §2). With item 10 missing:
    sum of nine = 21, prorated 10 × 21 ÷ 9 = 23.33…; two missing: no score."""
    core = get_scoring_key("core-10")
    answers = [2, 1, 0, 3, 2, 1, 2, 3, 1, 2]
    assert core.score(by_number(core, answers)).total == 23
    assert core.score(by_number(core, [*answers[:9], None])).total == pytest.approx(210 / 9)
    assert core.score(by_number(core, [*answers[:8], None, None])).total is None


def test_a_key_applies_to_licensed_items_loaded_with_their_own_ids() -> None:
    """A clinic's WAI-SR items keep their ids; the key's subscales are renamed to them."""
    key = get_scoring_key("wai-sr")
    options = tuple(ResponseOption(float(v), {"en": str(v)}) for v in range(1, 6))
    items = [
        Item(
            id=f"w{n}",
            number=n,
            response=ResponseType.LABELLED_SCALE,
            text={"en": f"(licensed text {n})"},
            options=options,
        )
        for n in range(1, 13)
    ]
    licensed = apply_key(key, items, id="wai-sr-clinic")
    assert licensed.key == "wai-sr"
    assert licensed.subscale("bond").items == ("w3", "w5", "w7", "w9")
    score = licensed.score(
        {f"w{n}": v for n, v in enumerate([1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2], 1)}
    )
    assert score.subscales == {"task": 10, "goal": 9, "bond": 14}


# --- Impossible answers and unknown items -----------------------------------


def test_out_of_range_answer_is_refused_with_its_field() -> None:
    with pytest.raises(InputError) as error:
        get_instrument("phq-9").score({"mood": 4})
    assert error.value.code == "answer_out_of_range"
    assert error.value.location.field == "mood"
    assert error.value.params["maximum"] == 3


def test_fractional_answer_on_a_whole_number_scale_is_refused() -> None:
    with pytest.raises(InputError):
        get_instrument("alliance-checkin").score({"goal": 7.5})


def test_unknown_item_is_refused() -> None:
    with pytest.raises(InputError) as error:
        get_instrument("phq-9").score({"item_10": 1})
    assert error.value.code == "unknown_item"


def test_non_numeric_answer_is_refused() -> None:
    with pytest.raises(InputError) as error:
        get_instrument("phq-9").score({"mood": "often"})
    assert error.value.code == "not_a_number"


# --- The table path agrees with the single path ------------------------------


def test_score_table_matches_single_scores_and_threads_change_nothing() -> None:
    core = get_scoring_key("core-10")
    rng = np.random.default_rng(7)
    matrix = rng.integers(0, 5, size=(300_000, 10)).astype(float)
    matrix[rng.random(matrix.shape) < 0.08] = np.nan
    one_thread = score_table(core, matrix, workers=1)
    two_threads = score_table(core, matrix, workers=2)
    np.testing.assert_array_equal(one_thread.total, two_threads.total)
    for row in (0, 1, 2, 99_999, 299_999):
        single = score_response(
            core, by_number(core, [None if math.isnan(v) else v for v in matrix[row]])
        )
        expected = math.nan if single.total is None else single.total
        np.testing.assert_equal(one_thread.total[row], expected)


def test_score_table_marks_impossible_answers_cell_by_cell() -> None:
    phq9 = get_instrument("phq-9")
    matrix = answers_matrix(phq9, [phq9_answers(1, 1, 1, 1, 1, 1, 1, 1, 1)] * 2)
    matrix[1, 2] = 7
    table = score_table(phq9, matrix)
    assert table.total[0] == 9
    assert math.isnan(table.total[1])
    assert table.invalid[1].tolist() == [False, False, True] + [False] * 7
    problems = table.problems()
    assert problems[0] is None
    assert problems[1] is not None
    assert problems[1].code == "invalid_answer"


def test_score_table_refuses_the_wrong_number_of_columns() -> None:
    with pytest.raises(InputError) as error:
        score_table(get_instrument("phq-9"), np.zeros((3, 4)))
    assert error.value.code == "wrong_shape"


def test_a_score_as_plain_data_for_storage() -> None:
    score = get_instrument("phq-9").score({"self_harm": 1})
    assert score.to_dict() == {
        "instrument": "phq-9",
        "version": "1.0",
        "total": None,
        "subscales": {},
        "band": None,
        "cutoffs_met": [],
        "safety_flags": ["self_harm"],
        "missing_items": [i for i in PHQ9_ITEMS if i != "self_harm"] + ["difficulty"],
        "problem": {"code": "too_many_missing", "params": {"missing": 8, "max_missing": 0}},
    }
