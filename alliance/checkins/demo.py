"""Demo check-ins: months of history for the demo caseload built by the care step.

Each past, attended session gets the patient's check-in and, most of the
time, the therapist's mirror rating. Ratings follow a slowly improving
trajectory with noise; two patients go through a rupture (one pillar drops
sharply for a session, with reported tension, then recovers over the next
two); the PHQ-9 is answered every four sessions and falls over time; one
patient's latest PHQ-9 raises a safety alert (left unacknowledged, so that
the banner can be seen). The latest session of a few patients has an
invitation that is not answered yet: emailed to those who gave an address (one
refused by the mail server), given in person by QR code to the others.

Rows are written directly, with the timestamps they would have had, for
speed; scores are computed by the same code as a real submission.
"""

from __future__ import annotations

import random
from datetime import timedelta
from uuid import UUID

from django.utils import timezone

from alliance.care.models import Attendance, GoalStatus, Patient, Session
from alliance.checkins.actions import store_scores
from alliance.checkins.instrument_ids import PATIENT_INSTRUMENT, THERAPIST_INSTRUMENT
from alliance.checkins.models import (
    Channel,
    Checkin,
    CheckinLink,
    CheckinStatus,
    EmailStatus,
    MonitoringPlan,
    Respondent,
    Response,
    SafetyAlert,
    hash_token,
    new_token,
)
from alliance.demo.registry import DemoContext, demo_step
from alliance.science.instruments import get_instrument

# Read from the instruments, so the demo always answers the items that exist.
_CHECKIN = get_instrument(PATIENT_INSTRUMENT)
PILLAR_ITEMS = {
    pillar: tuple(item.id for item in _CHECKIN.items_of_pillar(pillar))
    for pillar in ("goal", "task", "bond")
}
_PHQ9 = get_instrument("phq-9")
PHQ9_ITEMS = tuple(_PHQ9.scoring.total_items)  # the nine scored items
# Demo symptoms never touch the safety item: the one safety alert is planted on purpose.
PHQ9_SYMPTOM_ITEMS = tuple(
    item for item in PHQ9_ITEMS if item not in {rule.item for rule in _PHQ9.safety}
)


def _clamp(value: float, low: float = 0, high: float = 10) -> float:
    return float(max(low, min(high, round(value))))


class History:
    """One patient's check-ins, session after session."""

    def __init__(self, rng: random.Random, patient: Patient, rupture_pillar: str | None) -> None:
        self.rng = rng
        self.patient = patient
        self.rupture_pillar = rupture_pillar
        self.base = {pillar: rng.uniform(5.5, 7.5) for pillar in PILLAR_ITEMS}

    def level(self, pillar: str, index: int, rupture_at: int) -> float:
        value = self.base[pillar] + 0.12 * index
        if pillar == self.rupture_pillar and index >= rupture_at:
            value -= {0: 4.5, 1: 2.5, 2: 1.0}.get(index - rupture_at, 0.0)
        return value

    def alliance_answers(self, index: int, rupture_at: int, mirror: bool) -> dict[str, float]:
        answers: dict[str, float] = {}
        for pillar, items in PILLAR_ITEMS.items():
            level = self.level(pillar, index, rupture_at)
            if mirror:
                level -= 0.8  # therapists tend to rate a little lower
            for item in items:
                answers[item] = _clamp(level + self.rng.gauss(0, 0.6), 0, 10)
        answers["overall"] = _clamp(sum(answers.values()) / len(answers) + self.rng.gauss(0, 0.4))
        ruptured = self.rupture_pillar is not None and index == rupture_at
        answers["tension"] = 1.0 if ruptured else 0.0
        if ruptured:
            answers["tension_intensity"] = 6.0 if not mirror else 4.0
            answers["tension_discussed"] = 0.0
        return answers

    def phq9(self, index: int, count: int) -> dict[str, float]:
        target = 16 - 9 * index / max(count - 1, 1)
        answers = dict.fromkeys(PHQ9_ITEMS, 0.0)
        for _ in range(round(target)):
            item = self.rng.choice(PHQ9_SYMPTOM_ITEMS)
            answers[item] = min(3.0, answers[item] + 1)
        answers["difficulty"] = 1.0
        return answers


def _past_sessions(patient: Patient) -> list[Session]:
    episode = patient.episodes.filter(closed_at__isnull=True).first()
    if episode is None:
        return []
    return [
        session
        for session in episode.sessions.order_by("starts_at")
        if session.attendance == Attendance.ATTENDED and not session.is_in_the_future
    ]


def _write(
    checkin: Checkin, instrument_id: str, answers: dict[str, float], subject: UUID | None = None
) -> None:
    version = get_instrument(instrument_id).version
    Response.objects.bulk_create(
        Response(
            checkin=checkin,
            instrument_id=instrument_id,
            instrument_version=version,
            subject_uuid=subject,
            item_id=item_id,
            value=value,
            answered_at=checkin.submitted_at or checkin.started_at,
        )
        for item_id, value in answers.items()
    )


def _checkin(session: Session, respondent: Respondent, delay_hours: float) -> Checkin:
    # A session that ended an hour ago cannot have been answered "tomorrow".
    at = min(
        session.starts_at + timedelta(minutes=session.duration_minutes, hours=delay_hours),
        timezone.now(),
    )
    checkin = Checkin.objects.create(
        patient=session.episode.patient,
        session=session,
        respondent=respondent,
        by=session.created_by if respondent == Respondent.THERAPIST else None,
        language=session.episode.patient.preferred_language,
        status=CheckinStatus.SUBMITTED,
        submitted_at=at,
    )
    Checkin.objects.filter(pk=checkin.pk).update(started_at=at - timedelta(minutes=3))
    return checkin


def _patient_checkin(
    history: History, session: Session, index: int, rupture_at: int, count: int
) -> Checkin:
    checkin = _checkin(session, Respondent.PATIENT, history.rng.uniform(1, 30))
    _write(checkin, PATIENT_INSTRUMENT, history.alliance_answers(index, rupture_at, mirror=False))
    for goal in session.episode.goals.filter(status=GoalStatus.AGREED):
        progress = _clamp(1 + 6 * index / max(count - 1, 1) + history.rng.gauss(0, 0.7))
        _write(
            checkin,
            "goal-rating",
            {"still_my_goal": _clamp(9 + history.rng.gauss(0, 0.5)), "progress": progress},
            goal.uuid,
        )
    if index % 4 == 0:
        _write(checkin, "phq-9", history.phq9(index, count))
    store_scores(checkin, [])
    return checkin


def _mirror(history: History, session: Session, index: int, rupture_at: int) -> None:
    checkin = _checkin(session, Respondent.THERAPIST, 0.1)
    _write(checkin, THERAPIST_INSTRUMENT, history.alliance_answers(index, rupture_at, mirror=True))
    store_scores(checkin, [])


def _pending_link(session: Session, *, refused: bool) -> None:
    """The latest session's invitation, not answered yet, as it would really stand.

    Only a patient with an email address can have been emailed (or refused by
    the mail server); the others were given their link in person, by QR code.
    """
    patient = session.episode.patient
    emailed = bool(patient.contact_email)
    refused = refused and emailed
    CheckinLink.objects.create(
        patient=patient,
        session=session,
        channel=Channel.EMAIL if emailed else Channel.QR,
        token_hash=hash_token(new_token()),
        created_by=session.created_by,
        email_status=(
            EmailStatus.FAILED if refused else EmailStatus.SENT if emailed else EmailStatus.NOT_SENT
        ),
        email_error="smtp_550" if refused else "",
        emailed_at=session.starts_at + timedelta(hours=1) if emailed and not refused else None,
    )


def _safety_alert(checkin: Checkin) -> None:
    Response.objects.update_or_create(
        checkin=checkin,
        instrument_id="phq-9",
        subject_uuid=None,
        item_id="self_harm",
        defaults={"value": 1.0, "instrument_version": get_instrument("phq-9").version},
    )
    store_scores(checkin, [])
    SafetyAlert.objects.create(
        patient=checkin.patient,
        checkin=checkin,
        instrument_id="phq-9",
        rule_id="self_harm",
        value=1.0,
        raised_at=checkin.submitted_at or checkin.started_at,
        email_sent_at=checkin.submitted_at,
    )


def _history_of(
    rng: random.Random, patient: Patient, number: int, *, refused: bool
) -> Checkin | None:
    """Build one patient's history; return their last check-in with a PHQ-9."""
    MonitoringPlan.objects.get_or_create(patient=patient, defaults={"phq9_every_sessions": 4})
    rupture_pillar = {1: "bond", 4: "task"}.get(number)
    history = History(rng, patient, rupture_pillar)
    sessions = _past_sessions(patient)
    answered = sessions[:-1] if number % 3 == 0 else sessions  # a few latest not answered
    rupture_at = max(len(answered) - 5, 1)
    last_phq9 = None
    for index, session in enumerate(answered):
        checkin = _patient_checkin(history, session, index, rupture_at, len(answered))
        if index % 4 == 0:
            last_phq9 = checkin
        if rng.random() < 0.8:
            _mirror(history, session, index, rupture_at)
    if len(answered) < len(sessions):
        _pending_link(sessions[-1], refused=refused)
    return last_phq9


@demo_step(order=200)
def create_demo_checkins(context: DemoContext) -> None:
    rng = random.Random(context.seed + 200)
    patients: list[Patient] = context.objects.get("patients", [])
    for number, patient in enumerate(patients):
        # One invitation refused by the mail server: the first emailed one not answered.
        refuse = not CheckinLink.objects.filter(email_status=EmailStatus.FAILED).exists()
        last_phq9 = _history_of(rng, patient, number, refused=refuse)
        if number == 2 and last_phq9 is not None:
            _safety_alert(last_phq9)
