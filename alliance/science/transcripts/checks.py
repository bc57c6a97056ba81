"""Checks on a parsed transcript that reading it cannot make on its own.

:func:`require_two_speakers` refuses what cannot be a session (one person
talking); :func:`lacks_punctuation` notices what can be coded, but less well
(speech recognition without punctuation), so that the person can be warned.
"""

from __future__ import annotations

from collections.abc import Sequence

from alliance.science.errors import InputError
from alliance.science.transcripts.parsing import UNKNOWN_SPEAKER, Transcript

# Below this many turns, a transcript says too little about its punctuation.
MIN_TURNS_TO_JUDGE_PUNCTUATION = 20
# Even a session of reflections has a few questions; machine transcripts have none.
MAX_QUESTION_SHARE = 0.02
# A punctuated transcript ends most turns with a full stop; a few end mid-sentence.
MAX_ENDED_SHARE = 0.30
SENTENCE_ENDS = (".", "!", "?", "…", "\uff1f", "\uff01", "\u3002")
# Closing quotes and brackets may follow the full stop: 'She said "stop."'.
AFTER_SENTENCE_END = " \t\"'»”’)]\u00a0\u202f"


def require_two_speakers(transcript: Transcript) -> None:
    """Refuse a transcript in which one person speaks: it is not a session.

    Text before the first named speaker (kept as "Unknown") does not count as
    a second speaker.
    """
    named = [speaker for speaker in transcript.speakers if speaker != UNKNOWN_SPEAKER]
    if len(named) >= 2:
        return
    speaker = named[0] if named else UNKNOWN_SPEAKER
    raise one_speaker(speaker)


def one_speaker(speaker: str) -> InputError:
    return InputError(
        f"Only one speaker was found ({speaker}). A session transcript needs the therapist and "
        "the patient: check that each line starts with the speaker's name.",
        code="transcript_one_speaker",
        params={"speaker": speaker},
    )


def lacks_punctuation(texts: Sequence[str]) -> bool:
    """True for a transcript from speech recognition that left out punctuation.

    The coding model relies on "?" to recognise questions, so such a transcript
    is coded less well. Judged only on enough turns: almost no turn holds a
    question mark, and few end like a sentence.
    """
    turns = [text for text in texts if text.strip()]
    if len(turns) < MIN_TURNS_TO_JUDGE_PUNCTUATION:
        return False
    questions = sum(1 for text in turns if "?" in text or "\uff1f" in text)
    ended = sum(1 for text in turns if text.rstrip(AFTER_SENTENCE_END).endswith(SENTENCE_ENDS))
    return questions / len(turns) < MAX_QUESTION_SHARE and ended / len(turns) < MAX_ENDED_SHARE
