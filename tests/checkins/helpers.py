"""Answering a whole check-in in tests."""

from __future__ import annotations

from alliance.checkins import actions, flow
from alliance.checkins.models import Checkin, CheckinLink

ALLIANCE = {
    "goal": "8",
    "goal_shared": "9",
    "task": "7",
    "task_useful": "6",
    "bond": "9",
    "bond_respect": "10",
    "overall": "8",
    "tension": "0",
    "change_request": "More exercises, please.",
}
GOAL = {"still_my_goal": "9", "progress": "4"}
TASK = {"relevance": "8", "helpfulness": "6", "done": "1"}


def answers_for(step: flow.Step) -> dict[str, str]:
    if step.kind == "measure":
        return {item.id: "0" if item.id == "self_harm" else "1" for item in step.items}
    pool = {"goal": GOAL, "task": TASK}.get(step.kind, ALLIANCE)
    return {item_id: pool[item_id] for item_id in step.item_ids if item_id in pool}


def answer_everything(checkin: Checkin, link: CheckinLink, **overrides: dict[str, str]) -> None:
    for step in flow.steps_for(checkin):
        if step.instrument_id:
            answers = {**answers_for(step), **overrides.get(step.key, {})}
            actions.save_answers(checkin=checkin, step=step, answers=answers, link=link)
