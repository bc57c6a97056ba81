"""Session indicators: expected counts, intervals, references and timing."""

from __future__ import annotations

import pytest

from alliance.science.transcripts.indicators import NOT_IN_MITI4, level_of, session_indicators
from alliance.science.transcripts.model import CLIENT_TALK, MITI_CODES, CodedUtterance


def therapist(code: str, text: str = "a b c", certainty: float = 1.0) -> CodedUtterance:
    rest = (1 - certainty) / (len(MITI_CODES) - 1)
    probabilities = {c: certainty if c == code else rest for c in MITI_CODES}
    return CodedUtterance("therapist", text, miti=code, miti_probabilities=probabilities)


def client(talk: str, text: str = "d e") -> CodedUtterance:
    probabilities = {t: 1.0 if t == talk else 0.0 for t in CLIENT_TALK}
    return CodedUtterance("client", text, client_talk=talk, client_talk_probabilities=probabilities)


def test_certain_codes_give_exact_figures_and_levels() -> None:
    coded = [
        therapist("reflection_complex"),
        client("change"),
        therapist("reflection_simple"),
        client("sustain"),
        therapist("question_open"),
        client("change"),
        therapist("reflection_complex"),
        client("neutral"),
    ]
    indicators = session_indicators(coded)
    assert indicators.reflection_to_question.value == pytest.approx(3.0)
    assert indicators.reflection_to_question.low == pytest.approx(3.0)
    assert indicators.reflection_to_question.level == "good"
    assert indicators.percent_open_questions.value == pytest.approx(100.0)
    assert indicators.percent_complex_reflections.value == pytest.approx(200 / 3)
    assert indicators.percent_complex_reflections.experimental
    assert indicators.change_talk_share.value == pytest.approx(200 / 3)
    assert indicators.change_talk_share.experimental
    assert indicators.therapist_share_of_words.value == pytest.approx(100 * 12 / 20)
    assert indicators.longest_therapist_monologue_words.value == 3
    assert indicators.therapist_share_of_time.value is None  # no timestamps


def test_uncertain_codes_widen_the_interval_and_sum_probabilities() -> None:
    coded = [
        therapist("reflection_simple", certainty=0.6),
        therapist("question_closed", certainty=0.6),
    ] * 10
    indicator = session_indicators(coded).reflection_to_question
    assert indicator.low is not None
    assert indicator.high is not None
    assert indicator.low < 1.0 < indicator.high
    assert indicator.value == pytest.approx(1.0)  # expected counts are symmetric


def test_undefined_ratios_are_none() -> None:
    indicators = session_indicators([therapist("other"), client("neutral")])
    assert indicators.reflection_to_question.value is None
    assert indicators.percent_open_questions.value is None
    assert indicators.reflection_to_question.level is None


def test_time_share_longest_turn_and_overlaps() -> None:
    coded = [therapist("question_open"), client("neutral"), therapist("reflection_simple")]
    indicators = session_indicators(coded, starts=[0.0, 9.0, 20.0], ends=[10.0, 20.0, 25.0])
    assert indicators.therapist_share_of_time.value == pytest.approx(100 * 15 / 26)
    assert indicators.longest_therapist_monologue_seconds.value == 10.0
    assert indicators.overlaps.value == 1
    assert indicators.overlap_seconds.value == pytest.approx(1.0)


def test_as_dict_is_json_ready() -> None:
    import json

    data = session_indicators([therapist("question_open"), client("change")]).as_dict()
    assert json.loads(json.dumps(data))["percent_open_questions"]["reference"]["good"] == 70.0


@pytest.mark.parametrize(
    ("value", "unit", "level"),
    [
        (0.958, "ratio", "below fair"),
        (0.998, "ratio", "fair"),  # shown 1.00: judged as shown
        (0.994, "ratio", "below fair"),  # shown 0.99
        (1.996, "ratio", "good"),
        (49.6, "percent", "fair"),  # shown 50 %
        (49.4, "percent", "below fair"),
        (None, "ratio", None),
    ],
)
def test_the_level_is_judged_on_the_displayed_value(
    value: float | None, unit: str, level: str | None
) -> None:
    fair, good = (1.0, 2.0) if unit == "ratio" else (50.0, 70.0)
    assert level_of(value, fair, good, unit) == level


def test_the_open_questions_reference_carries_a_code_not_english() -> None:
    entry = session_indicators([therapist("question_open"), client("change")]).as_dict()
    reference = entry["percent_open_questions"]["reference"]
    assert reference["note"] == NOT_IN_MITI4
    assert "not in" not in reference["source"]
    assert entry["reflection_to_question"]["reference"]["note"] == ""
