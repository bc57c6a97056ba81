"""Transcript pages: attach, confirm the therapist, follow the coding, read the results.

Who sees what (``access.py``): the patient's care team reads a transcript; only the
therapist who attached it confirms, changes or deletes it, and only their own transcripts
make up their "Listening" page.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.accounts.access import requesting_user, therapist_required
from alliance.audit.log import record
from alliance.care.access import patient_for, session_for
from alliance.errors import ActionRefused
from alliance.transcripts import actions, reading
from alliance.transcripts.access import (
    own_transcript_for,
    transcript_for,
    transcript_of_session,
    unfinished_of,
)
from alliance.transcripts.forms import ConfirmForm, UploadForm
from alliance.transcripts.models import TranscriptStatus
from alliance.web.htmx import HtmxHttpRequest

# Where to go back after deleting, from the delete page's hidden field (never a URL).
BACK_TO_LISTENING = "listening"


@therapist_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, session_uuid: uuid.UUID) -> HttpResponse:
    """Attach a transcript to a session; a session that has one opens it instead."""
    user = requesting_user(request)
    session = session_for(user, session_uuid)
    existing = transcript_of_session(session)
    if existing is not None:
        if request.method == "POST":
            messages.error(request, actions.SESSION_HAS_TRANSCRIPT)
        return redirect("transcripts:detail", existing.uuid)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            transcript = actions.attach_transcript(
                session=session,
                filename=upload_file.name or "transcript",
                content=upload_file.read(),
                keep_text=form.cleaned_data["keep_text"],
                by=user,
            )
        except ActionRefused as refusal:
            form.add_error("file", str(refusal.message))
        else:
            return redirect("transcripts:confirm", transcript.uuid)
    return render(request, "transcripts/upload.html", {"form": form, "session": session})


@therapist_required
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, transcript_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    transcript = own_transcript_for(user, transcript_uuid, purpose="confirm")
    if transcript.status != TranscriptStatus.AWAITING_SPEAKER:
        return redirect("transcripts:detail", transcript.uuid)
    speakers = actions.speakers_of(transcript)
    initial = {"therapist_speaker": transcript.therapist_speaker, "language": transcript.language}
    form = ConfirmForm(request.POST or None, speakers=speakers, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.confirm_and_queue(
                transcript=transcript,
                therapist_speaker=form.cleaned_data["therapist_speaker"],
                language=form.cleaned_data["language"],
                by=user,
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal.message))
        else:
            return redirect("transcripts:detail", transcript.uuid)
    context = {
        "form": form,
        "transcript": transcript,
        "suggestion": reading.suggestion_text(transcript),
        "samples": reading.speaker_samples(transcript, speakers),
    }
    return render(request, "transcripts/confirm.html", context)


@therapist_required
@require_GET
def detail(request: HtmxHttpRequest, transcript_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    transcript = transcript_for(user, transcript_uuid)
    manages = transcript.is_managed_by(user)
    if transcript.status == TranscriptStatus.AWAITING_SPEAKER and manages:
        return redirect("transcripts:confirm", transcript.uuid)
    if request.htmx:
        response = render(request, "transcripts/_progress.htmx.html", {"transcript": transcript})
        if not transcript.is_working:
            response["HX-Refresh"] = "true"  # the full results replace the progress bar
        return response
    context = {"transcript": transcript, "manages": manages, **reading.results(transcript)}
    return render(request, "transcripts/detail.html", context)


@therapist_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, transcript_uuid: uuid.UUID) -> HttpResponse:
    """Asks first (GET), deletes on the confirmation's POST."""
    user = requesting_user(request)
    transcript = own_transcript_for(user, transcript_uuid, purpose="delete")
    back = request.POST.get("back") or request.GET.get("back")
    if request.method == "GET":
        context = {"transcript": transcript, "back": back if back == BACK_TO_LISTENING else ""}
        return render(request, "transcripts/delete.html", context)
    patient = transcript.session.episode.patient
    actions.delete_transcript(transcript=transcript, by=user)
    messages.success(request, _("The transcript and its codes were deleted."))
    if back == BACK_TO_LISTENING:
        return redirect("transcripts:my_trends")
    return redirect("transcripts:patient_trends", patient.uuid)


@therapist_required
@require_POST
def delete_text(request: HttpRequest, transcript_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    transcript = own_transcript_for(user, transcript_uuid, purpose="delete_text")
    if transcript.is_working:
        messages.error(request, _("Wait until coding has finished, then delete the text."))
    else:
        actions.delete_text(transcript=transcript, by=user)
        messages.success(
            request,
            _(
                "The words of the session, the speakers' names and the file name were deleted; "
                "the indicators stay."
            ),
        )
    return redirect("transcripts:detail", transcript.uuid)


@therapist_required
@require_GET
def patient_trends(request: HttpRequest, patient_uuid: uuid.UUID) -> HttpResponse:
    user = requesting_user(request)
    patient = patient_for(user, patient_uuid)
    context = {
        "patient": patient,
        "rows": reading.trend_rows(reading.for_patient(patient)),
        "columns": reading.trend_columns(),
        "unfinished": unfinished_of(user).filter(session__episode__patient=patient),
    }
    return render(request, "transcripts/patient_trends.html", context)


@therapist_required
@require_GET
def my_trends(request: HttpRequest) -> HttpResponse:
    user = requesting_user(request)
    rows = reading.trend_rows(reading.for_therapist(user))
    unfinished = list(unfinished_of(user))
    record(
        "transcripts.listed",
        by=user,
        clinic_id=user.clinic.uuid,
        data={"count": len(rows), "unfinished": len(unfinished)},
    )
    context = {"rows": rows, "columns": reading.trend_columns(), "unfinished": unfinished}
    return render(request, "transcripts/my_trends.html", context)
