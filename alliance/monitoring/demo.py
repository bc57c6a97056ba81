"""Demo step: signals computed for every demo patient, and a living repair loop.

Runs after the check-ins step (order 200). The check-ins demo's ruptures are
old and already repaired, so this step adds two recent ones to the lead
therapist's patients (a session with a sharp drop and reported tension): the
older is planned and recorded as addressed in the next session (its check-in
will tell), the newer is left to plan. Every demo patient's signals are then
computed, so the caseload opens sorted by what needs attention, and the first
repaired rupture is shared with its patient as "you said / we changed".
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.accounts.models import User
from alliance.care.models import Attendance, Patient, Session
from alliance.checkins.actions import store_scores
from alliance.checkins.instrument_ids import PATIENT_INSTRUMENT
from alliance.checkins.models import Checkin, CheckinStatus, Respondent, Response
from alliance.demo.registry import DemoContext, demo_step
from alliance.monitoring import actions
from alliance.monitoring.models import Repair, Strategy

ITEMS = ("goal", "goal_shared", "task", "task_useful", "bond", "bond_respect", "overall")


def _session(patient: Patient, moment: datetime, by: User) -> Session:
    return Session.objects.create(
        episode=patient.episodes.get(closed_at__isnull=True),
        starts_at=moment,
        duration_minutes=5,
        attendance=Attendance.ATTENDED,
        attendance_recorded_at=moment,
        attendance_recorded_by=by,
        created_by=by,
    )


def _rupture(patient: Patient, moment: datetime, pillar: str, words: str, by: User) -> None:
    """A session whose check-in drops sharply on ``pillar``, with reported tension."""
    session = _session(patient, moment, by)
    checkin = Checkin.objects.create(
        patient=patient,
        session=session,
        respondent=Respondent.PATIENT,
        language=patient.preferred_language,
        status=CheckinStatus.SUBMITTED,
        submitted_at=moment + timedelta(minutes=10),
    )
    values = {item: (2.0 if item.startswith(pillar) else 8.0) for item in ITEMS}
    values.update({"overall": 4.0, "tension": 1.0, "tension_intensity": 6.0})
    values["tension_discussed"] = 0.0
    rows = [Response(item_id=item, value=value) for item, value in values.items()]
    rows.append(Response(item_id="change_request", text=words))
    for row in rows:
        row.checkin, row.instrument_id, row.instrument_version = checkin, PATIENT_INSTRUMENT, "1.0"
    Response.objects.bulk_create(rows)
    store_scores(checkin, [])


def _window(patient: Patient) -> tuple[datetime, timedelta] | None:
    """From the patient's last past session to now: where the new sessions go."""
    now = timezone.now()
    last = (
        Session.objects.filter(episode__patient=patient, starts_at__lte=now)
        .order_by("-starts_at")
        .first()
    )
    if last is None or not last.checkins.filter(respondent=Respondent.PATIENT).exists():
        return None
    start = last.starts_at + timedelta(minutes=last.duration_minutes)
    return (start, now - start) if now > start else None


def _recent_ruptures(therapist: User, patients: list[Patient]) -> None:
    """Two of the therapist's patients whose last check-in is answered get a new rupture
    after it: the first one followed by a session where it can be addressed."""
    windows = [
        (patient, window)
        for patient in patients
        if patient.episodes.filter(closed_at__isnull=True).exists()
        and (window := _window(patient)) is not None
        and window[1] > timedelta(minutes=30)
    ][:2]
    if len(windows) < 2:
        return
    (first, (start, gap)), (second, (start2, gap2)) = windows
    words = _("I felt judged when we talked about my mother.")
    _rupture(first, start + gap * 0.2, "bond", words, therapist)
    _session(first, start + gap * 0.6, therapist)
    _rupture(
        second,
        start2 + gap2 * 0.5,
        "task",
        _("The breathing exercise does not help me."),
        therapist,
    )


def _session_after(repair: Repair) -> Session:
    later = Session.objects.filter(
        episode__patient=repair.patient,
        starts_at__gt=repair.session.starts_at,
        starts_at__lte=timezone.now(),
    )
    return later.order_by("starts_at").first() or repair.session


def _work_on_repairs(therapist: User, patients: list[Patient]) -> None:
    repairs = Repair.objects.filter(patient__in=patients).select_related(
        "patient__clinic", "session"
    )
    open_repairs = [r for r in repairs.order_by("opened_at") if r.is_open]
    if len(open_repairs) > 1:  # the older one; the newest is left to plan
        first = open_repairs[0]
        actions.plan_repair(
            repair=first,
            strategy=Strategy.METACOMMUNICATION,
            note=_("Ask what happened for them in that session, and acknowledge my part."),
            by=therapist,
        )
        actions.record_addressed(repair=first, session=_session_after(first), by=therapist)
    resolved = [r for r in repairs.order_by("opened_at") if not r.is_open]
    if resolved:
        actions.share_change(
            repair=resolved[0],
            you_said=_("The exercises went too fast for you."),
            we_changed=_("We now take one exercise per session and start with your week."),
            share=True,
            by=therapist,
        )


@demo_step(order=300)
def refresh_demo_signals(context: DemoContext) -> None:
    patients: list[Patient] = context.objects.get("patients", [])
    therapist: User | None = context.objects.get("therapist")
    mine = [p for p in patients if therapist and p.care_team.filter(therapist=therapist).exists()]
    if therapist is not None:
        _recent_ruptures(therapist, mine)
    for patient in patients:
        actions.refresh_patient_signals(patient=patient)
    if therapist is not None:
        _work_on_repairs(therapist, mine)
