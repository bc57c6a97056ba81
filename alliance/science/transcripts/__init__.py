"""Session transcripts: parsing, utterance coding and session indicators.

- :mod:`.parsing` reads WebVTT, SRT, DOCX, plain text and CSV transcripts
  (:mod:`.encoding` decodes them; :mod:`.speakers` suggests the therapist);
- :mod:`.language` tells French from English;
- :mod:`.model` codes each utterance (MITI-style behaviour, client talk type)
  with calibrated probabilities, in NumPy, from the weights shipped in
  ``weights/``;
- :mod:`.indicators` turns coded utterances into session indicators with
  their uncertainty.

The model is imported lazily (``from alliance.science.transcripts.model import
code_utterances``): parsing alone stays fast.
"""

from alliance.science.transcripts.features import Turn
from alliance.science.transcripts.language import detect_language
from alliance.science.transcripts.parsing import (
    MAX_TRANSCRIPT_BYTES,
    SUPPORTED_EXTENSIONS,
    Transcript,
    Utterance,
    parse_transcript,
)
from alliance.science.transcripts.speakers import suggest_therapist, turns_from_transcript

__all__ = [
    "MAX_TRANSCRIPT_BYTES",
    "SUPPORTED_EXTENSIONS",
    "Transcript",
    "Turn",
    "Utterance",
    "detect_language",
    "parse_transcript",
    "suggest_therapist",
    "turns_from_transcript",
]
