"""The patient's check-in: start it, save answers, move between steps, submit, scores."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.checkins import flow
from alliance.checkins.actions._common import (
    SaveResult,
    _audit,
    _parse_step,
    _raise_safety_alerts,
    _refresh_signals_after_commit,
    _refuse_unusable,
    _require_open_episode,
    _upsert,
)
from alliance.checkins.actions.kiosk import note_kiosk_activity
from alliance.checkins.actions.links import measures_due, plan_for
from alliance.checkins.models import Checkin, CheckinLink, CheckinScore, CheckinStatus, Respondent
from alliance.errors import ActionRefused
from alliance.science.instruments import get_instrument

# --- The patient's check-in -------------------------------------------------------


@transaction.atomic
def start_checkin(*, link: CheckinLink) -> Checkin:
    """The session's patient check-in, started on first use of any of its links."""
    existing = Checkin.objects.filter(session=link.session, respondent=Respondent.PATIENT).first()
    if existing is not None:
        return existing
    _refuse_unusable(link)
    _require_open_episode(link.session)
    plan = plan_for(link.patient)
    try:
        with transaction.atomic():
            checkin = Checkin.objects.create(
                patient=link.patient,
                session=link.session,
                respondent=Respondent.PATIENT,
                link=link,
                language=link.patient.preferred_language,
                measures=measures_due(link.patient, plan),
            )
    except IntegrityError:  # another tab started it at the same moment
        return Checkin.objects.get(session=link.session, respondent=Respondent.PATIENT)
    _audit("checkin_started", by=None, target=checkin, patient=link.patient)
    return checkin


def _refuse_if_submitted(checkin: Checkin) -> None:
    if checkin.is_submitted:
        raise ActionRefused(
            _("You have already sent this check-in. Thank you: nothing more is needed."),
            code="already_submitted",
        )


def _store_step(checkin: Checkin, step: flow.Step, parsed: dict[str, Any]) -> list[str]:
    saved = flow.step_answers(step, flow.answers_of(checkin))
    merged = {**saved, **parsed}
    stored = []
    for item in step.items:
        if not flow.is_enabled(item, merged):
            # "No tension" drops every follow-up, saved before or posted with it.
            if item.id in saved:
                _upsert(checkin, step, item.id, None)
            continue
        if item.id in parsed:
            _upsert(checkin, step, item.id, parsed[item.id] if parsed[item.id] != "" else None)
            stored.append(item.id)
    return stored


@transaction.atomic
def save_answers(
    *, checkin: Checkin, step: flow.Step, answers: Mapping[str, str], link: CheckinLink
) -> SaveResult:
    """Save what the patient answered on one step (every autosave and every "Next").

    Valid answers are kept even when another answer on the step is invalid,
    so no answer is lost; a safety item is checked as soon as it is saved.
    """
    checkin = Checkin.objects.select_for_update().get(pk=checkin.pk)
    _refuse_if_submitted(checkin)
    _refuse_unusable(link)
    _require_open_episode(checkin.session)
    note_kiosk_activity(link=link)
    result = SaveResult()
    if step.instrument_id:
        parsed = _parse_step(step, answers, result)
        result.saved = _store_step(checkin, step, parsed)
    checkin.last_step = step.key
    checkin.save(update_fields=["last_step"])
    result.alerts = _raise_safety_alerts(checkin, step)
    _audit(
        "answers_saved",
        by=None,
        target=checkin,
        patient=checkin.patient,
        data={"step": step.kind, "instrument": step.instrument_id, "count": len(result.saved)},
    )
    return result


def first_unanswered(checkin: Checkin, steps: list[flow.Step]) -> flow.Step:
    saved = flow.answers_of(checkin)
    for step in steps:
        if step.instrument_id and flow.missing_in(step, flow.step_answers(step, saved)):
            return step
    return steps[-1]


@transaction.atomic
def submit_checkin(*, checkin: Checkin, link: CheckinLink) -> Checkin:
    """Send the check-in: scores are stored; a second submit changes nothing.

    The row is locked so that two submissions racing each other record one
    check-in; the second one finds it sent and returns it as it is.
    """
    checkin = (
        Checkin.objects.select_for_update().select_related("session__episode").get(pk=checkin.pk)
    )
    if checkin.is_submitted:
        return checkin
    _refuse_unusable(link)
    _require_open_episode(checkin.session)
    steps = flow.steps_for(checkin)
    missing = first_unanswered(checkin, steps)
    if missing.key != flow.SEND:
        raise ActionRefused(
            _("A few questions still need an answer. We took you back to the first one."),
            code=f"missing:{missing.key}",
        )
    store_scores(checkin, steps)
    checkin.status, checkin.submitted_at = CheckinStatus.SUBMITTED, timezone.now()
    checkin.save(update_fields=["status", "submitted_at"])
    if link.is_kiosk:
        # A tablet's link is used once: nothing of the patient stays reachable on it.
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    _audit("checkin_submitted", by=None, target=checkin, patient=checkin.patient)
    _refresh_signals_after_commit(checkin)
    return checkin


PILLAR_COLUMNS = ("goal", "task", "bond", "overall")


def _score_row(checkin: Checkin, instrument_id: str, subject: Any, answers: dict[str, Any]) -> None:
    instrument = get_instrument(instrument_id)
    score = instrument.score(answers)
    pillars = {p: score.subscales.get(p) for p in PILLAR_COLUMNS if p in score.subscales}
    if instrument_id in (flow.GOAL_RATING, flow.TASK_RATING):
        pillars = {"goal" if instrument_id == flow.GOAL_RATING else "task": score.total}
    tension = answers.get("tension")
    CheckinScore.objects.update_or_create(
        checkin=checkin,
        instrument_id=instrument_id,
        subject_uuid=subject,
        defaults={
            "instrument_version": instrument.version,
            "total": score.total,
            **pillars,
            "tension": tension if isinstance(tension, float) else None,
            "tension_intensity": answers.get("tension_intensity"),
            "subscales": dict(score.subscales.items()),
            "band": score.band.id if score.band else "",
            "problem": score.problem.code if score.problem else "",
            "scored_at": timezone.now(),
        },
    )


def store_scores(checkin: Checkin, steps: list[flow.Step]) -> None:
    grouped: dict[tuple[str, Any], dict[str, Any]] = {}
    for response in checkin.responses.all():
        if response.value is not None:
            key = (response.instrument_id, response.subject_uuid)
            grouped.setdefault(key, {})[response.item_id] = response.value
    for (instrument_id, subject), answers in grouped.items():
        _score_row(checkin, instrument_id, subject, answers)


@transaction.atomic
def move_to(*, checkin: Checkin, step_key: str) -> None:
    """Remember which screen the patient goes to, so reopening the link resumes there.

    Not audited on its own: it only follows an audited save of the same step.
    """
    Checkin.objects.filter(pk=checkin.pk, status=CheckinStatus.IN_PROGRESS).update(
        last_step=step_key
    )
