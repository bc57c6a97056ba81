"""The demo caseload: a dozen patients with months of history for the demo
therapist, a few for a colleague, and one patient they share.

Everything goes through the actions (so the demo obeys the same rules and
leaves the same audit trail as real use); timestamps the actions set to
"now" are then moved back to when the event would have happened, so that
histories read naturally. A seeded generator makes every load identical.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Model
from django.utils import timezone

from alliance.accounts.models import User
from alliance.care import actions
from alliance.care.demo_content import (
    COLLEAGUE_PATIENTS,
    DOES_NOT_FIT,
    DROPPED_GOAL,
    FRAME,
    FRAME_CHANGE_REASON,
    PATIENT_PROPOSALS,
    PATIENTS,
    THEMES,
    DemoGoal,
    Theme,
)
from alliance.care.models import (
    Attendance,
    CareTeamMember,
    Episode,
    FrameAcknowledgement,
    FrameVersion,
    Goal,
    GoalEvent,
    Modality,
    Patient,
    Session,
    Task,
)
from alliance.demo.registry import DemoContext, demo_step
from alliance.money import euros

SESSION_HOURS = (9, 10, 11, 14, 15, 16, 17, 18, 19)


def _stamp(instance: Model, **moments: datetime | None) -> None:
    """Move timestamps back in time, without touching anything else."""
    type(instance)._default_manager.filter(pk=instance.pk).update(**moments)


def _stamp_last_event(goal: Goal, when: datetime) -> None:
    last = GoalEvent.objects.filter(goal=goal).order_by("-pk").first()
    if last is not None:
        _stamp(last, at=when)


@dataclass
class Timeline:
    """An episode's weekly sessions: the dates everything else hangs on."""

    sessions: list[Session]

    def at(self, index: int, *, minutes_after: int = 55) -> datetime:
        index = max(0, min(index, len(self.sessions) - 1))
        return self.sessions[index].starts_at + timedelta(minutes=minutes_after)

    def session(self, index: int) -> Session:
        return self.sessions[max(0, min(index, len(self.sessions) - 1))]

    @property
    def past_count(self) -> int:
        return sum(1 for session in self.sessions if not session.is_in_the_future)


class CaseloadBuilder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.now = timezone.now()
        self.today = timezone.localdate()

    # --- Patients and episodes ------------------------------------------------

    def patient(self, name: str, language: str, country: str, *, index: int, by: User) -> Patient:
        theme = THEMES[index % len(THEMES)]
        previous_episode = index == 3  # one patient came back after an earlier episode
        weeks = self.rng.randint(6, 30)
        first_start = self.today - timedelta(weeks=weeks + (100 if previous_episode else 0))
        patient = actions.create_patient(
            display_name=name,
            preferred_language=language,
            contact_email=self._email(name),
            country=country,
            started_on=first_start,
            approach=theme.approach,
            modality=self.rng.choice([Modality.IN_PERSON] * 4 + [Modality.VIDEO, Modality.MIXED]),
            by=by,
        )
        _stamp(patient, created_at=self._morning(first_start))
        CareTeamMember.objects.filter(patient=patient).update(added_at=self._morning(first_start))
        episode = patient.episodes.get()
        if previous_episode:
            self._earlier_episode(patient, episode, language, by=by)
            episode = actions.open_episode(
                patient=patient,
                started_on=self.today - timedelta(weeks=weeks),
                approach=theme.approach,
                modality=Modality.IN_PERSON,
                by=by,
            )
        self._episode(patient, episode, theme, language, index=index, by=by)
        return patient

    def _email(self, name: str) -> str:
        # Only about half of the patients gave an address (check-in links can be handed out).
        if self.rng.random() < 0.5:
            return ""
        handle = "".join(ch for ch in name.lower() if ch.isalpha())
        return f"{handle}{self.rng.randint(10, 99)}@example.org"

    def _morning(self, day: date) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(8, 30)))

    def _earlier_episode(
        self, patient: Patient, episode: Episode, language: str, *, by: User
    ) -> None:
        """A short, finished episode two years ago, with one goal achieved."""
        timeline = self._sessions(episode, weeks=12, by=by, plan_next=False)
        self._frame(episode, timeline, language, acknowledged=True, by=by)
        goal = self._agreed_goal(
            episode, THEMES[4].fr if language == "fr" else THEMES[4].en, timeline, by=by
        )
        actions.achieve_goal(goal=goal, by=by)
        _stamp(goal, ended_at=timeline.at(11))
        _stamp_last_event(goal, timeline.at(11))
        actions.close_episode(
            episode=episode, ended_on=timeline.session(11).starts_at.date(), by=by
        )
        _stamp(episode, closed_at=timeline.at(11, minutes_after=120))

    def _episode(
        self,
        patient: Patient,
        episode: Episode,
        theme: Theme,
        language: str,
        *,
        index: int,
        by: User,
    ) -> None:
        weeks = (self.today - episode.started_on).days // 7
        timeline = self._sessions(episode, weeks=weeks, by=by)
        self._frame(
            episode, timeline, language, acknowledged=index % 5 != 4, by=by, revise=index % 3 == 0
        )
        wording = theme.fr if language == "fr" else theme.en
        first = self._agreed_goal(episode, wording, timeline, by=by)
        # In the order they happen, so that each history row holds the wordings of its time.
        self._scale(first, wording, timeline, by=by)
        self._revise(first, wording, timeline, by=by)
        self._tasks(first, wording, timeline, language, start=1, by=by, misfit=index == 6)
        if timeline.past_count >= 10:
            second_theme = THEMES[(index + 3) % len(THEMES)]
            second = second_theme.fr if language == "fr" else second_theme.en
            goal = self._agreed_goal(episode, second, timeline, by=by, session=4)
            self._tasks(goal, second, timeline, language, start=5, by=by)
            if timeline.past_count >= 20 and self.rng.random() < 0.5:
                actions.achieve_goal(goal=goal, by=by)
                _stamp(goal, ended_at=timeline.at(timeline.past_count - 2))
                _stamp_last_event(goal, timeline.at(timeline.past_count - 2))
        self._patient_voice(episode, timeline, language, index=index, by=by)

    # --- Sessions -------------------------------------------------------------

    def _attendance(self) -> Attendance:
        draw = self.rng.random()
        if draw < 0.08:
            return Attendance.CANCELLED
        if draw < 0.13:
            return Attendance.MISSED
        return Attendance.ATTENDED

    def _sessions(
        self, episode: Episode, *, weeks: int, by: User, plan_next: bool = True
    ) -> Timeline:
        """Weekly sessions at the same hour, and the next one planned."""
        hour = self.rng.choice(SESSION_HOURS)
        first = timezone.make_aware(datetime.combine(episode.started_on, time(hour)))
        sessions = []
        for week in range(weeks + 1):
            starts_at = first + timedelta(weeks=week)
            future = starts_at > self.now
            attendance = Attendance.PLANNED if future else self._attendance()
            if week == 0 and not future:
                attendance = Attendance.ATTENDED  # a first session always took place
            session = actions.add_session(
                episode=episode, starts_at=starts_at, attendance=attendance, by=by
            )
            recorded = None if future else starts_at + timedelta(minutes=55)
            _stamp(
                session,
                created_at=starts_at - timedelta(days=7) if future else recorded,
                attendance_recorded_at=recorded,
            )
            session.refresh_from_db()
            sessions.append(session)
        if plan_next and not any(session.is_in_the_future for session in sessions):
            sessions.append(
                actions.add_session(
                    episode=episode, starts_at=first + timedelta(weeks=weeks + 1), by=by
                )
            )
        _stamp(episode, created_at=first - timedelta(hours=1))
        return Timeline(sessions)

    # --- The frame ------------------------------------------------------------

    def _frame(
        self,
        episode: Episode,
        timeline: Timeline,
        language: str,
        *,
        acknowledged: bool,
        by: User,
        revise: bool = False,
    ) -> None:
        fee = self.rng.choice([55, 60, 65, 70])
        # The amount written the patient's language's way: "€60" in English, "60 €" in French.
        amount = euros(fee, language=language)
        sections = {name: text.format(fee=amount) for name, text in FRAME[language].items()}
        version = actions.publish_frame_version(episode=episode, by=by, **sections)
        _stamp(version, created_at=timeline.at(0, minutes_after=-120))
        revise = revise and timeline.past_count >= 16
        if acknowledged or revise:
            self._acknowledge(version, timeline.at(0, minutes_after=60 * 26))
        if revise:
            field, text = FRAME_CHANGE_REASON[language]
            version = actions.publish_frame_version(
                episode=episode, by=by, **{**sections, field: text}
            )
            when = timeline.at(timeline.past_count - 5)
            _stamp(version, created_at=when)
            if acknowledged:
                self._acknowledge(version, when + timedelta(days=2))

    def _acknowledge(self, version: FrameVersion, when: datetime) -> None:
        acknowledgement = actions.acknowledge_frame(frame_version=version)
        FrameAcknowledgement.objects.filter(pk=acknowledgement.pk).update(acknowledged_at=when)

    # --- Goals ----------------------------------------------------------------

    def _agreed_goal(
        self, episode: Episode, wording: DemoGoal, timeline: Timeline, *, by: User, session: int = 0
    ) -> Goal:
        """Proposed by the therapist at one session, agreed at the next."""
        goal = actions.propose_goal(
            episode=episode,
            patient_wording=wording.patient,
            therapist_wording=wording.therapist,
            by=by,
        )
        proposed_at, agreed_at = timeline.at(session), timeline.at(session + 1)
        _stamp(goal, proposed_at=proposed_at)
        _stamp_last_event(goal, proposed_at)
        goal.refresh_from_db()
        actions.agree_goal(
            goal=goal,
            patient_wording=wording.patient,
            therapist_wording=wording.therapist,
            by=by,
        )
        _stamp(goal, agreed_at=agreed_at)
        _stamp_last_event(goal, agreed_at)
        goal.refresh_from_db()
        return goal

    def _revise(self, goal: Goal, wording: DemoGoal, timeline: Timeline, *, by: User) -> None:
        if not wording.revision_reason or timeline.past_count < 8:
            return
        actions.revise_goal(
            goal=goal,
            patient_wording=wording.revised_patient or wording.patient,
            therapist_wording=wording.revised_therapist or wording.therapist,
            reason=wording.revision_reason,
            by=by,
        )
        _stamp_last_event(goal, timeline.at(timeline.past_count // 2))

    def _scale(self, goal: Goal, wording: DemoGoal, timeline: Timeline, *, by: User) -> None:
        if wording.scale is None or timeline.past_count < 6:
            return
        actions.set_goal_scale(
            goal=goal,
            weight=2,
            descriptions=dict(zip((-2, -1, 0, 1, 2), wording.scale, strict=True)),
            attained=self.rng.choice([-1, 0, 0, 1]),
            by=by,
        )
        _stamp_last_event(goal, timeline.at(3))

    def _patient_voice(
        self, episode: Episode, timeline: Timeline, language: str, *, index: int, by: User
    ) -> None:
        """Goals the patient proposed from their link: some pending, one dropped together."""
        if index in (1, 4, 9, 13):
            proposals = PATIENT_PROPOSALS[language]
            goal = actions.propose_goal_as_patient(
                episode=episode, patient_wording=proposals[index % len(proposals)]
            )
            when = timeline.at(timeline.past_count - 1, minutes_after=60 * 20)
            _stamp(goal, proposed_at=when)
            _stamp_last_event(goal, when)
        if index == 5:
            patient_words, _, reason = DROPPED_GOAL[language]
            goal = actions.propose_goal_as_patient(episode=episode, patient_wording=patient_words)
            _stamp(goal, proposed_at=timeline.at(1, minutes_after=60 * 30))
            _stamp_last_event(goal, timeline.at(1, minutes_after=60 * 30))
            actions.drop_goal(goal=goal, reason=reason, by=by)
            _stamp(goal, ended_at=timeline.at(2))
            _stamp_last_event(goal, timeline.at(2))

    # --- Tasks ----------------------------------------------------------------

    def _tasks(
        self,
        goal: Goal,
        wording: DemoGoal,
        timeline: Timeline,
        language: str,
        *,
        start: int,
        by: User,
        misfit: bool = False,
    ) -> None:
        """One task every other session; older ones done, the latest still open."""
        for number, planned in enumerate(wording.tasks):
            session_index = start + 2 * number
            if session_index >= timeline.past_count:
                return
            session = timeline.session(session_index)
            task = actions.create_task(
                goal=goal,
                kind=planned.kind,
                title=planned.title,
                description=planned.description,
                due_on=(session.starts_at + timedelta(days=7)).date(),
                session=session,
                by=by,
            )
            _stamp(task, created_at=timeline.at(session_index))
            self._close_task(task, timeline, session_index, language, by=by, misfit=misfit)
            misfit = False

    def _close_task(
        self,
        task: Task,
        timeline: Timeline,
        session_index: int,
        language: str,
        *,
        by: User,
        misfit: bool,
    ) -> None:
        ended_at = timeline.at(session_index + 1)
        if misfit:
            actions.drop_task(task=task, reason=DOES_NOT_FIT[language], by=by)
        elif session_index + 2 < timeline.past_count and self.rng.random() < 0.85:
            actions.complete_task(task=task, by=by)
        else:
            return
        _stamp(task, ended_at=ended_at)


def _build(
    builder: CaseloadBuilder, roster: list[tuple[str, str, str]], *, offset: int, by: User
) -> list[Patient]:
    return [
        builder.patient(name, language, country, index=offset + number, by=by)
        for number, (name, language, country) in enumerate(roster)
    ]


@demo_step(order=100)
def create_demo_caseload(context: DemoContext) -> None:
    therapist: User = context.objects["therapist"]
    colleague: User = context.objects["colleague"]
    builder = CaseloadBuilder(random.Random(context.seed + 100))
    mine = _build(builder, PATIENTS, offset=0, by=therapist)
    theirs = _build(builder, COLLEAGUE_PATIENTS, offset=len(PATIENTS), by=colleague)
    # A colleague's patient the demo therapist co-follows (for instance a couple's therapy).
    actions.share_patient(patient=theirs[0], colleague=therapist, by=colleague)
    context.objects["patients"] = mine + theirs
    context.objects["shared_patient"] = theirs[0]
