from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from alliance.science.transcripts.parsing import MAX_TRANSCRIPT_BYTES, SUPPORTED_EXTENSIONS
from alliance.transcripts.models import TranscriptLanguage


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Transcript file"),
        help_text=_(
            "WebVTT (.vtt) or SubRip (.srt) from Zoom, Teams or Meet, a Word transcript (.docx), "
            "plain text with “Name: text” lines (.txt), or CSV. At most 10 MB. No audio."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{extension}" for extension in SUPPORTED_EXTENSIONS)}
        ),
    )
    keep_text = forms.BooleanField(
        label=_("Keep the words of the session after coding"),
        required=False,
        initial=True,
        help_text=_(
            "Untick to keep only the indicators: the text is deleted as soon as coding ends, "
            "and the coloured transcript and examples will not be available."
        ),
    )

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_TRANSCRIPT_BYTES:
            raise forms.ValidationError(
                _("This file is larger than %(megabytes)d MB. Split the transcript and try again.")
                % {"megabytes": MAX_TRANSCRIPT_BYTES // (1024 * 1024)}
            )
        return upload


class ConfirmForm(forms.Form):
    therapist_speaker = forms.ChoiceField(
        label=_("Who is the therapist in this transcript?"), widget=forms.RadioSelect
    )
    language = forms.ChoiceField(
        label=_("Language of the session"), choices=TranscriptLanguage.choices
    )

    def __init__(self, *args: Any, speakers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        speaker_field = self.fields["therapist_speaker"]
        assert isinstance(speaker_field, forms.ChoiceField)
        speaker_field.choices = [(speaker, speaker) for speaker in speakers]
