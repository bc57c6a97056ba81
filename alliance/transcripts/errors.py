"""Translated messages for the transcript core's input errors.

The core raises errors with stable codes and parameters; people see whole
sentences in their language that say what to do. A code may have several
messages: the first whose parameters the error carries is used, so that a
message never shows a placeholder the core did not fill.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from alliance.science.errors import InputError
from alliance.science.transcripts.parsing import MAX_TRANSCRIPT_BYTES


@dataclass(frozen=True)
class Message:
    text: Promise
    needs: frozenset[str] = frozenset()
    # Parameters that must have these exact values (e.g. the detected kind of file).
    when: Mapping[str, str] = field(default_factory=dict)

    def fits(self, params: Mapping[str, str]) -> bool:
        return self.needs <= params.keys() and all(
            params.get(name) == value for name, value in self.when.items()
        )


_EXPORT_AS_TEXT = (".vtt", ".docx", ".txt")  # joined with “or” in the reader's language

_MESSAGES: dict[str, list[Message]] = {
    "transcript_too_large": [
        Message(
            _(
                "This file is larger than %(megabytes)s MB. "
                "Split the transcript, or export it as plain text."
            ),
            frozenset({"megabytes"}),
        )
    ],
    "transcript_empty": [
        Message(
            _("No speech was found in this file. Check that it is the transcript of a session.")
        )
    ],
    "transcript_one_speaker": [
        Message(
            _(
                "Only one speaker was found (%(speaker)s). Alliance needs the therapist and the "
                "patient, each turn starting with the speaker's name, like “Anna: Hello”. Check "
                "that the transcription tool separated the speakers, or export the transcript "
                "again with speaker names."
            ),
            frozenset({"speaker"}),
        ),
    ],
    # "detected": what the core recognised the file to be, whatever its extension says.
    "transcript_unsupported_format": [
        Message(
            _(
                "This is a PDF file, which Alliance cannot read. Export the transcript as "
                "%(formats)s from the tool that made it, or copy its text into a .txt file."
            ),
            frozenset({"formats"}),
            {"detected": "pdf"},
        ),
        Message(
            _(
                "This is an old Word document (.doc). Open it in Word or LibreOffice, save it as "
                ".docx and attach that file."
            ),
            when={"detected": "doc"},
        ),
        Message(
            _(
                "This is an RTF document. Open it in Word or LibreOffice, save it as .docx or "
                ".txt and attach that file."
            ),
            when={"detected": "rtf"},
        ),
        Message(
            _(
                "This is an image. Alliance reads transcripts as text, not scans or screenshots: "
                "export the transcript as %(formats)s."
            ),
            frozenset({"formats"}),
            {"detected": "image"},
        ),
        Message(
            _(
                "This is an audio or video recording. Alliance reads the transcript of a session, "
                "not its recording: export the transcript (%(formats)s) from the tool that "
                "recorded it."
            ),
            frozenset({"formats"}),
            {"detected": "recording"},
        ),
        Message(
            _(
                "This kind of file cannot be read. Use a WebVTT (.vtt), SubRip (.srt), Word "
                "(.docx), plain text (.txt) or CSV transcript."
            )
        ),
    ],
    "transcript_undecodable": [
        Message(
            _("The characters of this file cannot be read. Save it as UTF-8 text and try again.")
        )
    ],
    "transcript_invalid_csv": [
        Message(
            _(
                "This CSV file cannot be read. Check that it is a comma-separated file with a "
                "header row."
            )
        )
    ],
    "transcript_csv_missing_column": [
        Message(
            _(
                "This CSV file has no “%(missing)s” column. In its header row, give that column "
                "one of these names: %(accepted)s."
            ),
            frozenset({"missing", "accepted"}),
        ),
        Message(
            _(
                "This CSV file lacks a column. It needs the columns speaker and text "
                "(and optionally conversation and utterance)."
            )
        ),
    ],
    "transcript_invalid_docx": [
        Message(
            _(
                "This Word file cannot be opened. Open it in Word or LibreOffice, save it again "
                "as .docx and retry."
            )
        )
    ],
    "transcript_invalid_time": [
        Message(
            _(
                "A time stamp in this file is not valid. Check the times, or export it as plain "
                "text."
            )
        )
    ],
    "transcript_no_speakers": [
        Message(
            _(
                "No speaker names were found. Each line should start with a name, like "
                "“Anna: Hello”."
            )
        )
    ],
}
_FALLBACK = _("This transcript cannot be read (%(detail)s). Check the file and try again.")
_OR = _("or")
# The role of a missing CSV column, in the reader's language (“texte” is an accepted name too).
_COLUMN_ROLES = {
    "speaker": pgettext_lazy("a CSV column", "speaker"),
    "text": pgettext_lazy("a CSV column", "text"),
}

_COMMON_PARAMS: dict[str, Any] = {
    "megabytes": MAX_TRANSCRIPT_BYTES // (1024 * 1024),
    "formats": _EXPORT_AS_TEXT,
}


def parsing_error_message(error: InputError) -> str:
    """The translated sentence for ``error``, its parameters filled in as plain text.

    Parameters are the core's (file names, speaker names, column names): they are turned
    into strings here and escaped by the template that shows the message, never trusted as
    markup. A message that would not format falls back to a generic one.
    """
    params = _as_text({**error.params, **_COMMON_PARAMS})
    if params.get("missing") in _COLUMN_ROLES:
        params["missing"] = str(_COLUMN_ROLES[params["missing"]])
    for message in _MESSAGES.get(error.code, []):
        if message.fits(params):
            try:
                return str(message.text) % params
            except (KeyError, TypeError, ValueError):
                break
    return str(_FALLBACK) % {"detail": error.message}


def _as_text(params: Mapping[str, Any]) -> dict[str, str]:
    """Every parameter as text; lists joined in words (“speaker, name or locuteur”)."""
    text: dict[str, str] = {}
    for name, value in params.items():
        if isinstance(value, list | tuple | set | frozenset):
            items = [str(item) for item in value]
            if len(items) > 1:
                text[name] = f"{', '.join(items[:-1])} {_OR} {items[-1]}"
            else:
                text[name] = "".join(items)
        else:
            text[name] = str(value)
    return text
