"""Checks on a parsed transcript: one speaker is refused, missing punctuation is noticed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.science.errors import InputError
from alliance.science.transcripts.checks import lacks_punctuation, require_two_speakers
from alliance.science.transcripts.parsing import parse_transcript

# --- One speaker ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "filename", "speaker"),
    [
        ("Anna: Hello.\nAnna: How are you?\n", "x.txt", "Anna"),
        ("Session 3, notes\nAnna: Hello.\nSo how are you?\n", "x.txt", "Anna"),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Anna>Hi.</v>\n", "x.vtt", "Anna"),
        ("speaker,text\nAnna,Hello.\nAnna,Bye.\n", "x.csv", "Anna"),
    ],
)
def test_a_transcript_with_one_speaker_is_refused(text: str, filename: str, speaker: str) -> None:
    transcript = parse_transcript(text.encode(), filename)
    with pytest.raises(InputError) as error:
        require_two_speakers(transcript)
    assert error.value.code == "transcript_one_speaker"
    assert error.value.params == {"speaker": speaker}
    assert f"Only one speaker was found ({speaker})" in error.value.message
    assert "therapist and the patient" in error.value.message


def test_two_speakers_pass() -> None:
    transcript = parse_transcript(b"Anna: How are you?\nBob: Fine.\n", "x.txt")
    require_two_speakers(transcript)  # no error


def test_rows_without_a_speaker_do_not_count_as_a_second_speaker() -> None:
    transcript = parse_transcript(b"speaker,text\n,Hello.\nAnna,Bye.\n", "x.csv")
    with pytest.raises(InputError) as error:
        require_two_speakers(transcript)
    assert error.value.params == {"speaker": "Anna"}


# --- Punctuation ------------------------------------------------------------------

ENGLISH_ASR = [
    "so what brings you here today",
    "well my wife says i drink too much",
    "and what do you think about that",
    "i dont know maybe she is right",
    "it sounds like part of you agrees with her",
] * 5
FRENCH_ASR = [
    "alors qu'est-ce qui vous amène aujourd'hui",
    "ben ma femme trouve que je bois trop",
    "et vous qu'est-ce que vous en pensez",
    "je sais pas peut-être qu'elle a raison",
    "une partie de vous lui donne raison",
] * 5
ENGLISH_PUNCTUATED = [
    "So, what brings you here today?",
    "Well, my wife says I drink too much.",
    "And what do you think about that?",
    "I don't know… Maybe she is right.",
    "It sounds like part of you agrees with her.",
] * 5
FRENCH_PUNCTUATED = [
    "Alors, qu'est-ce qui vous amène aujourd'hui ?",
    "Ben, ma femme trouve que je bois trop.",
    "Et vous, qu'est-ce que vous en pensez ?",
    "Je sais pas… peut-être qu'elle a raison !",
    "Une partie de vous lui donne raison.",
] * 5


@pytest.mark.parametrize("texts", [ENGLISH_ASR, FRENCH_ASR], ids=["en", "fr"])
def test_speech_recognition_without_punctuation_is_noticed(texts: list[str]) -> None:
    assert lacks_punctuation(texts)


@pytest.mark.parametrize("texts", [ENGLISH_PUNCTUATED, FRENCH_PUNCTUATED], ids=["en", "fr"])
def test_punctuated_transcripts_pass(texts: list[str]) -> None:
    assert not lacks_punctuation(texts)


def test_sentences_ended_but_no_question_marks_pass() -> None:
    # A session without questions is unusual, not unpunctuated.
    assert not lacks_punctuation(["I hear you.", "Yes, that's it.", "You feel stuck."] * 10)


def test_question_marks_without_full_stops_pass() -> None:
    texts = ["what brings you here?", "my wife", "and you", "i dont know", "right"] * 5
    assert not lacks_punctuation(texts)


def test_closing_quotes_and_brackets_after_the_full_stop_count() -> None:
    assert not lacks_punctuation(['She said "stop."', "mm", "yeah"] * 10)
    assert not lacks_punctuation(["Il a dit « stop. »", "mm", "ouais"] * 10)
    assert not lacks_punctuation(["I see (really.)", "mm", "yeah"] * 10)


def test_short_transcripts_are_not_judged() -> None:
    assert not lacks_punctuation(ENGLISH_ASR[:19])
    assert not lacks_punctuation([])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=60))
def test_lacks_punctuation_takes_any_text(texts: list[str]) -> None:
    assert lacks_punctuation(texts) in (True, False)
