"""The steps of a patient's check-in, one short screen each, and answer parsing.

Order (the issue's): the alliance items a pillar at a time, each agreed goal,
each current task, the rupture question, the free text, then an outcome
measure when it is due, and a last screen to send. Steps are computed from the
check-in and the episode each time, so a step is addressed by a stable key
(``goals``, ``goal-<uuid>``, ``phq-9``, …), never by a position.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from alliance.care.models import Goal, GoalStatus, Session, Task, TaskKind, TaskStatus
from alliance.checkins.instrument_ids import PATIENT_INSTRUMENT
from alliance.checkins.models import Checkin, Response
from alliance.science.instruments import Instrument, Item, ResponseType, get_instrument

GOAL_RATING = "goal-rating"
TASK_RATING = "task-rating"
OUTCOME_MEASURES = ("phq-9", "gad-7")
FREE_TEXT_MAX_LENGTH = 2000
SEND = "send"

# Alliance-item steps: which pillars each screen shows.
ALLIANCE_SCREENS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("goals", ("goal",)),
    ("tasks", ("task",)),
    ("bond", ("bond", "overall")),
)


@dataclass(frozen=True)
class Step:
    """One screen: some items of one instrument, about one goal or task or none."""

    key: str
    kind: str  # alliance, goal, task, rupture, voice, measure, send
    instrument_id: str = ""
    item_ids: tuple[str, ...] = ()
    goal: Goal | None = None
    task: Task | None = None
    required: tuple[str, ...] = field(default=())

    @property
    def subject_uuid(self) -> UUID | None:
        subject = self.goal or self.task
        return subject.uuid if subject is not None else None

    @property
    def instrument(self) -> Instrument:
        return get_instrument(self.instrument_id)

    @property
    def items(self) -> tuple[Item, ...]:
        instrument = self.instrument
        return tuple(instrument.item(item_id) for item_id in self.item_ids)


def agreed_goals(session: Session) -> list[Goal]:
    return list(session.episode.goals.filter(status=GoalStatus.AGREED).order_by("proposed_at"))


def current_tasks(session: Session) -> list[Task]:
    """Open tasks of the episode's active goals, and any task set in this session."""
    return list(
        Task.objects.filter(goal__episode_id=session.episode_id)
        .filter(
            Q(status=TaskStatus.OPEN, goal__status__in=[GoalStatus.PROPOSED, GoalStatus.AGREED])
            | Q(session=session)
        )
        .select_related("goal")
        .order_by("created_at")
    )


def _numeric(items: tuple[Item, ...]) -> tuple[str, ...]:
    return tuple(item.id for item in items if item.response.is_numeric and not item.enable_when)


def _alliance_steps(instrument: Instrument) -> list[Step]:
    steps = []
    for key, pillars in ALLIANCE_SCREENS:
        items = tuple(item for item in instrument.items if item.pillar in pillars)
        if items:
            ids = tuple(item.id for item in items)
            steps.append(Step(key, "alliance", instrument.id, ids, required=_numeric(items)))
    rupture = instrument.items_of_pillar("rupture")
    if rupture:
        ids = tuple(item.id for item in rupture)
        steps.append(Step("rupture", "rupture", instrument.id, ids, required=_numeric(rupture)))
    voice = tuple(item.id for item in instrument.items if item.response is ResponseType.FREE_TEXT)
    if voice:
        steps.append(Step("voice", "voice", instrument.id, voice))
    return steps


def _task_step(task: Task) -> Step:
    instrument = get_instrument(TASK_RATING)
    items = tuple(
        item for item in instrument.items if item.id != "done" or task.kind == TaskKind.HOMEWORK
    )
    return Step(
        f"task-{task.uuid}",
        "task",
        TASK_RATING,
        tuple(item.id for item in items),
        task=task,
        required=_numeric(items),
    )


def _goal_step(goal: Goal) -> Step:
    items = get_instrument(GOAL_RATING).items
    ids = tuple(item.id for item in items)
    return Step(f"goal-{goal.uuid}", "goal", GOAL_RATING, ids, goal=goal, required=_numeric(items))


def _measure_step(instrument_id: str) -> Step:
    items = get_instrument(instrument_id).items
    ids = tuple(item.id for item in items)
    return Step(instrument_id, "measure", instrument_id, ids, required=_numeric(items))


def steps_for(checkin: Checkin, instrument_id: str = PATIENT_INSTRUMENT) -> list[Step]:
    """Every screen of ``checkin``, in order, ending with the screen that sends it."""
    alliance = _alliance_steps(get_instrument(instrument_id))
    head = [step for step in alliance if step.kind == "alliance"]
    tail = [step for step in alliance if step.kind != "alliance"]
    goals = [_goal_step(goal) for goal in agreed_goals(checkin.session)]
    tasks = [_task_step(task) for task in current_tasks(checkin.session)]
    measures = [_measure_step(m) for m in checkin.measures if m in OUTCOME_MEASURES]
    return [*head, *goals, *tasks, *tail, *measures, Step(SEND, "send")]


def find_step(steps: list[Step], key: str) -> Step | None:
    return next((step for step in steps if step.key == key), None)


def next_step(steps: list[Step], step: Step) -> Step:
    index = steps.index(step)
    return steps[min(index + 1, len(steps) - 1)]


def previous_step(steps: list[Step], step: Step) -> Step | None:
    index = steps.index(step)
    return steps[index - 1] if index > 0 else None


# --- Answers --------------------------------------------------------------------


def answers_of(checkin: Checkin) -> dict[tuple[str, UUID | None, str], Response]:
    """Every saved answer of ``checkin`` by (instrument, subject, item)."""
    return {
        (response.instrument_id, response.subject_uuid, response.item_id): response
        for response in checkin.responses.all()
    }


def step_answers(
    step: Step, saved: Mapping[tuple[str, UUID | None, str], Response]
) -> dict[str, float | str]:
    found: dict[str, float | str] = {}
    for item_id in step.item_ids:
        response = saved.get((step.instrument_id, step.subject_uuid, item_id))
        if response is not None and response.answer is not None:
            found[item_id] = response.answer
    return found


def is_enabled(item: Item, answers: Mapping[str, float | str]) -> bool:
    """Whether a conditional item applies given the answers so far."""
    if item.enable_when is None:
        return True
    return answers.get(item.enable_when.item) == item.enable_when.equals


def missing_in(step: Step, answers: Mapping[str, float | str]) -> list[str]:
    """Required items of ``step`` not answered yet (conditional ones only when they apply)."""
    missing = [item_id for item_id in step.required if item_id not in answers]
    for item in step.items if step.instrument_id else ():
        conditional = item.enable_when is not None and item.response.is_numeric
        if conditional and is_enabled(item, answers) and item.id not in answers:
            missing.append(item.id)
    return missing


class InvalidAnswerError(ValueError):
    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = message


def parse_answer(item: Item, raw: str) -> float | str:
    """A submitted value, checked against the item; raise :class:`InvalidAnswerError`."""
    if item.response is ResponseType.FREE_TEXT:
        text = raw.strip()
        if len(text) > FREE_TEXT_MAX_LENGTH:
            raise InvalidAnswerError(
                _("Your text is too long. Shorten it to %(limit)s characters or fewer.")
                % {"limit": FREE_TEXT_MAX_LENGTH}
            )
        return text
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not item.accepts(value):
        raise InvalidAnswerError(
            _("This answer is not one of the choices. Choose one of the options.")
        )
    return value
