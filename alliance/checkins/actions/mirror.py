"""The therapist's mirror rating of a session."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import User
from alliance.care.models import Session
from alliance.checkins import flow
from alliance.checkins.actions._common import (
    SaveResult,
    _audit,
    _parse_step,
    _refresh_signals_after_commit,
    _require_open_episode,
    _upsert,
)
from alliance.checkins.actions.checkin import store_scores
from alliance.checkins.instrument_ids import THERAPIST_INSTRUMENT
from alliance.checkins.models import Checkin, CheckinStatus, Respondent
from alliance.errors import ActionRefused
from alliance.science.instruments import get_instrument

# --- The therapist's mirror rating ---------------------------------------------


@transaction.atomic
def rate_session(*, session: Session, answers: Mapping[str, str], by: User) -> Checkin:
    """The therapist's own rating of the same session; rating again replaces it."""
    _require_open_episode(session)
    instrument = get_instrument(THERAPIST_INSTRUMENT)
    checkin, created = Checkin.objects.select_for_update().get_or_create(
        session=session,
        respondent=Respondent.THERAPIST,
        defaults={"patient": session.episode.patient, "by": by, "language": "en"},
    )
    step = flow.Step(
        "mirror", "mirror", THERAPIST_INSTRUMENT, tuple(i.id for i in instrument.items)
    )
    result = SaveResult()
    parsed = _parse_step(step, answers, result)
    missing = [i.id for i in instrument.items if i.response.is_numeric and i.id not in parsed]
    missing = [m for m in missing if flow.is_enabled(instrument.item(m), parsed)]
    if result.errors or missing:
        raise ActionRefused(
            _("Rate each line from 0 to 10 and say whether there was tension, then save."),
            code="incomplete",
        )
    for item in instrument.items:
        value = parsed.get(item.id)
        enabled = flow.is_enabled(item, parsed)
        _upsert(checkin, step, item.id, value if enabled and value != "" else None)
    checkin.by = by
    checkin.status, checkin.submitted_at = CheckinStatus.SUBMITTED, timezone.now()
    checkin.save(update_fields=["by", "status", "submitted_at"])
    store_scores(checkin, [step])
    _refresh_signals_after_commit(checkin)
    _audit(
        "mirror_rated" if created else "mirror_rerated",
        by=by,
        target=checkin,
        patient=session.episode.patient,
    )
    return checkin
