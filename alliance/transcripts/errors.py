"""Translated messages for the transcript core's input errors.

The core raises errors with stable codes; people see whole sentences in their
language that say what to do.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from alliance.science.errors import InputError
from alliance.science.transcripts.parsing import MAX_TRANSCRIPT_BYTES

_MESSAGES: dict[str, Promise] = {
    "transcript_too_large": _(
        "This file is larger than %(megabytes)d MB. "
        "Split the transcript, or export it as plain text."
    ),
    "transcript_empty": _(
        "No speech was found in this file. Check that it is the transcript of a session."
    ),
    "transcript_unsupported_format": _(
        "This kind of file cannot be read. Use a WebVTT (.vtt), SubRip (.srt), Word (.docx), "
        "plain text (.txt) or CSV transcript."
    ),
    "transcript_undecodable": _(
        "The characters of this file cannot be read. Save it as UTF-8 text and try again."
    ),
    "transcript_invalid_csv": _(
        "This CSV file cannot be read. Check that it is a comma-separated file with a header row."
    ),
    "transcript_csv_missing_column": _(
        "This CSV file lacks a column. It needs the columns speaker and text "
        "(and optionally conversation and utterance)."
    ),
    "transcript_invalid_docx": _(
        "This Word file cannot be opened. Open it in Word or LibreOffice, save it again as .docx "
        "and retry."
    ),
    "transcript_invalid_time": _(
        "A time stamp in this file is not valid. Check the times, or export it as plain text."
    ),
    "transcript_no_speakers": _(
        "No speaker names were found. Each line should start with a name, like “Anna: Hello”."
    ),
}
_FALLBACK = _("This transcript cannot be read (%(detail)s). Check the file and try again.")


def parsing_error_message(error: InputError) -> str:
    message = _MESSAGES.get(error.code)
    if message is None:
        return str(_FALLBACK) % {"detail": error.message}
    return str(message) % {"megabytes": MAX_TRANSCRIPT_BYTES // (1024 * 1024)}
