"""The core's input errors as whole translated sentences, their parameters filled in safely."""

from __future__ import annotations

import pytest
from django.utils import translation

from alliance.science.errors import InputError
from alliance.transcripts.errors import parsing_error_message


def _message(code: str, language: str = "en", **params: object) -> str:
    with translation.override(language):
        return parsing_error_message(InputError("core text", code=code, params=params))


def test_one_speaker_names_the_speaker_in_both_languages() -> None:
    assert _message("transcript_one_speaker", speaker="Anna").startswith(
        "Only one speaker was found (Anna)."
    )
    assert _message("transcript_one_speaker", "fr", speaker="Anna").startswith(
        "Un seul locuteur a été trouvé (Anna)."
    )


def test_parameters_are_text_not_format_strings() -> None:
    message = _message("transcript_one_speaker", speaker="%(megabytes)s <b>Dr</b> 100%")
    assert "(%(megabytes)s <b>Dr</b> 100%)" in message  # escaped later by the template


def test_a_missing_csv_column_says_which_and_the_accepted_names() -> None:
    message = _message(
        "transcript_csv_missing_column",
        missing="text",
        accepted="text, utterance_text, texte",
    )
    assert "no “text” column" in message
    assert "text, utterance_text, texte" in message
    french = _message(
        "transcript_csv_missing_column", "fr", missing="speaker", accepted=["speaker", "locuteur"]
    )
    assert "«\u202flocuteur\u202f»" in french
    assert "speaker ou locuteur" in french


def test_without_the_new_parameters_the_general_message_is_used() -> None:
    message = _message("transcript_csv_missing_column", column="text")
    assert "It needs the columns speaker and text" in message
    assert "%(" not in message


@pytest.mark.parametrize(
    ("detected", "english", "french"),
    [
        ("pdf", "This is a PDF file", "Ceci est un fichier PDF"),
        ("doc", "old Word document (.doc)", "ancien document Word (.doc)"),
        ("rtf", "This is an RTF document", "Ceci est un document RTF"),
        ("image", "This is an image", "Ceci est une image"),
        ("recording", "audio or video recording", "enregistrement audio ou vidéo"),
        ("something-new", "This kind of file cannot be read", "Ce type de fichier"),
    ],
)
def test_an_unsupported_file_says_what_it_is_and_what_to_do(
    detected: str, english: str, french: str
) -> None:
    assert english in _message("transcript_unsupported_format", detected=detected)
    assert french in _message("transcript_unsupported_format", "fr", detected=detected)


def test_the_pdf_message_says_which_formats_to_export() -> None:
    assert ".vtt, .docx or .txt" in _message("transcript_unsupported_format", detected="pdf")
    assert ".vtt, .docx ou .txt" in _message("transcript_unsupported_format", "fr", detected="pdf")


def test_the_size_limit_is_in_megabytes() -> None:
    assert "larger than 10 MB" in _message("transcript_too_large", size=1, limit=2)


def test_an_unknown_code_falls_back_to_the_core_text() -> None:
    assert "(core text)" in _message("transcript_something_else")
