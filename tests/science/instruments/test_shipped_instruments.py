"""The shipped instruments and scoring keys match the clinical reference.

"Clinical reference" below is /work/shared/product/clinical-reference.md
(``../shared/product/clinical-reference.md`` from the project root).
"""

from __future__ import annotations

import re

import pytest

from alliance.science.instruments import (
    LANGUAGES,
    Instrument,
    ResponseType,
    get_instrument,
    get_scoring_key,
    scoring_keys,
    shipped_instruments,
)

CHECKIN_IDS = [
    "goal",
    "goal_shared",
    "task",
    "task_useful",
    "bond",
    "bond_respect",
    "overall",
    "tension",
    "tension_intensity",
    "tension_discussed",
    "change_request",
]


def all_texts(instrument: Instrument) -> list[dict[str, str]]:
    texts = [dict(instrument.title), dict(instrument.instructions)]
    for item in instrument.items:
        texts.append(dict(item.text))
        texts += [dict(option.label) for option in (*item.options, *item.anchors)]
    texts += [dict(subscale.title) for subscale in instrument.subscales]
    texts += [dict(band.label) for band in instrument.bands]
    texts += [dict(cutoff.label) for cutoff in instrument.cutoffs]
    texts += [dict(rule.label) for rule in instrument.safety]
    return [text for text in texts if text]


def test_the_shipped_instruments_are_the_ones_the_app_expects() -> None:
    assert {instrument.id for instrument in shipped_instruments()} == {
        "alliance-checkin",
        "alliance-checkin-therapist",
        "goal-rating",
        "task-rating",
        "intake",
        "phq-9",
        "gad-7",
    }


@pytest.mark.parametrize("instrument", shipped_instruments(), ids=lambda i: i.id)
def test_every_shipped_text_is_in_english_and_french(instrument: Instrument) -> None:
    assert instrument.has_texts
    for text in all_texts(instrument):
        assert set(LANGUAGES) <= set(text), text


@pytest.mark.parametrize("instrument", shipped_instruments(), ids=lambda i: i.id)
def test_french_texts_follow_french_typography(instrument: Instrument) -> None:
    """Narrow no-break space before ? ! ;, no-break space before :, curly apostrophes."""
    for text in all_texts(instrument):
        french = text["fr"]
        assert not re.search(r"[^\u202f][?!;]", french), french
        assert not re.search(r"[^\u00a0]:", french), french
        assert "'" not in french, french


def test_our_own_instruments_are_marked_not_validated() -> None:
    """Clinical reference §1 "Project check-in": it is not validated; say so."""
    ours = [i for i in shipped_instruments() if i.id not in {"phq-9", "gad-7"}]
    assert ours
    assert not any(instrument.validated for instrument in ours)
    assert all("Alliance" in instrument.licence for instrument in ours)


def test_checkin_ids_and_pillars_are_stable() -> None:
    """The signal engine reads dimensions by these ids and pillars (clinical reference §1)."""
    checkin = get_instrument("alliance-checkin")
    assert [item.id for item in checkin.items] == CHECKIN_IDS
    pillars = {item.id: item.pillar for item in checkin.items}
    assert pillars["goal"] == pillars["goal_shared"] == "goal"
    assert pillars["task"] == pillars["task_useful"] == "task"
    assert pillars["bond"] == pillars["bond_respect"] == "bond"
    assert pillars["overall"] == "overall"
    assert pillars["tension"] == pillars["tension_intensity"] == "rupture"
    assert checkin.item("change_request").response is ResponseType.FREE_TEXT
    assert checkin.item("tension_intensity").enable_when is not None
    assert {s.id for s in checkin.subscales} == {"goal", "task", "bond", "overall"}


def test_therapist_mirror_has_the_same_ids_pillars_and_scoring() -> None:
    patient = get_instrument("alliance-checkin")
    therapist = get_instrument("alliance-checkin-therapist")
    assert therapist.respondent == "therapist"
    assert [(i.id, i.pillar, i.response) for i in therapist.items] == [
        (i.id, i.pillar, i.response) for i in patient.items
    ]
    assert therapist.subscales == patient.subscales
    assert therapist.scoring == patient.scoring


def test_checkin_ratings_are_0_to_10_for_phone_use() -> None:
    checkin = get_instrument("alliance-checkin")
    for item_id in ("goal", "goal_shared", "task", "task_useful", "bond", "bond_respect"):
        item = checkin.item(item_id)
        assert (item.response, item.minimum, item.maximum) == (ResponseType.SCALE_0_10, 0, 10)


def test_phq9_key_codes_and_safety_item() -> None:
    """Clinical reference §2: 9 × 0–3, 0–27, bands 5/10/15/20, ≥10, LOINC 44249-1 / 44261-6,
    item 9 > 0 raises a safety alert, public domain."""
    phq9 = get_instrument("phq-9")
    assert phq9.validated
    assert "Public domain" in phq9.licence
    assert [c.code for c in phq9.codes] == ["44249-1"]
    assert phq9.total_code is not None
    assert phq9.total_code.code == "44261-6"
    assert len(phq9.scoring.total_items) == 9
    assert phq9.total_range == (0, 27)
    assert [band.lower for band in phq9.bands] == [0, 5, 10, 15, 20]
    assert [(c.threshold, c.direction) for c in phq9.cutoffs] == [(10, "at_or_above")]
    assert phq9.item("self_harm").number == 9
    [rule] = phq9.safety
    assert (rule.item, rule.above) == ("self_harm", 0)
    assert phq9.reliable_change is not None
    assert phq9.reliable_change.value == 6


def test_gad7_key_and_codes() -> None:
    """Clinical reference §2: 7 × 0–3, 0–21, bands 5/10/15, ≥10, LOINC 69737-5 / 70274-6."""
    gad7 = get_instrument("gad-7")
    assert [c.code for c in gad7.codes] == ["69737-5"]
    assert gad7.total_code is not None
    assert gad7.total_code.code == "70274-6"
    assert gad7.total_range == (0, 21)
    assert [band.lower for band in gad7.bands] == [0, 5, 10, 15]
    assert [c.threshold for c in gad7.cutoffs] == [10]
    assert gad7.reliable_change is not None
    assert gad7.reliable_change.value == 4


def test_scoring_keys_ship_no_item_text() -> None:
    """Clinical reference §8: WAI, SRS/ORS and CORE-10 items are not shipped."""
    keys = scoring_keys()
    assert {key.id for key in keys} == {"wai-sr", "wai-b3", "sai", "srs", "ors", "core-10"}
    for key in keys:
        assert not any(item.text for item in key.items), key.id
        assert not any(option.label for item in key.items for option in item.options), key.id


def test_wai_sr_key() -> None:
    """Clinical reference §1: 12 × 1–5; Task 1,2,10,12 · Goal 4,6,8,11 · Bond 3,5,7,9; 12–60."""
    key = get_scoring_key("wai-sr")
    numbers = {s.id: [key.item(i).number for i in s.items] for s in key.subscales}
    assert numbers == {"task": [1, 2, 10, 12], "goal": [4, 6, 8, 11], "bond": [3, 5, 7, 9]}
    assert key.total_range == (12, 60)
    assert key.subscale_range("bond") == (4, 20)
    assert not any(item.reverse for item in key.items)
    assert key.cutoffs == ()


def test_sai_and_wai_b3_keys() -> None:
    """Clinical reference §1: SAI = WAI-SR 6, 8, 12 (goal/task) and 5, 7, 9 (bond);
    WAI-B3 = WAI-SR items 11 (goal), 10 (task), 9 (bond)."""
    sai = get_scoring_key("sai")
    assert len(sai.items) == 6
    assert [len(s.items) for s in sai.subscales] == [3, 3]
    b3 = get_scoring_key("wai-b3")
    assert [item.pillar for item in b3.items] == ["goal", "task", "bond"]


def test_srs_and_ors_keys() -> None:
    """Clinical reference §1: four 0–10 lines, 0–40; SRS < 36; ORS 25 adult, 32 child, RC 5."""
    srs, ors = get_scoring_key("srs"), get_scoring_key("ors")
    for key in (srs, ors):
        assert all(item.response is ResponseType.VISUAL_ANALOGUE for item in key.items)
        assert key.total_range == (0, 40)
    assert [(c.threshold, c.direction) for c in srs.cutoffs] == [(36, "below")]
    assert [(c.id, c.threshold) for c in ors.cutoffs] == [
        ("clinical_range_adult", 25),
        ("clinical_range_child", 32),
    ]
    assert ors.reliable_change is not None
    assert ors.reliable_change.value == 5
    assert [item.pillar for item in srs.items] == ["bond", "goal", "task", "overall"]


def test_core10_key() -> None:
    """Clinical reference §2: 10 × 0–4, items 2 and 3 reversed, 0–40, prorated, cut-off 11."""
    core = get_scoring_key("core-10")
    assert [item.number for item in core.items if item.reverse] == [2, 3]
    assert core.total_range == (0, 40)
    assert core.scoring.prorate
    assert [c.threshold for c in core.cutoffs] == [11]
    assert core.reliable_change is not None
    assert core.reliable_change.value == 6
