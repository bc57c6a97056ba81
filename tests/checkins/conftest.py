"""Check-in fixtures: Théo's patient, a past session, agreed goal and homework, a link."""

from __future__ import annotations

import pytest

from alliance.accounts.models import User
from alliance.care.models import Episode, Goal, Patient, Session, Task
from alliance.checkins.models import CheckinLink
from tests.care.factories import make_goal, make_patient, make_session, make_task, open_episode_of
from tests.checkins.factories import make_link, make_plan


@pytest.fixture
def patient(therapist: User) -> Patient:
    patient = make_patient(
        therapist=therapist,
        display_name="A. L.",
        contact_email="al@example.org",
        preferred_language="en",
    )
    make_plan(patient=patient, phq9_every_sessions=0, gad7_every_sessions=0)
    return patient


@pytest.fixture
def episode(patient: Patient) -> Episode:
    return open_episode_of(patient)


@pytest.fixture
def session(episode: Episode) -> Session:
    return make_session(episode=episode)


@pytest.fixture
def goal(episode: Episode) -> Goal:
    return make_goal(episode=episode, patient_wording="Sleep better")


@pytest.fixture
def task(goal: Goal) -> Task:
    return make_task(goal=goal, title="Keep a sleep diary")


@pytest.fixture
def link_and_token(session: Session) -> tuple[CheckinLink, str]:
    return make_link(session=session)


@pytest.fixture
def link(link_and_token: tuple[CheckinLink, str]) -> CheckinLink:
    return link_and_token[0]


@pytest.fixture
def token(link_and_token: tuple[CheckinLink, str]) -> str:
    return link_and_token[1]


@pytest.fixture
def other_patient(colleague: User) -> Patient:
    return make_patient(therapist=colleague, display_name="Z. Z.", contact_email="zz@example.org")
