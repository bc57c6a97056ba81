"""Care fixtures on top of the shared personas: Théo's patient, with an open episode."""

from __future__ import annotations

import pytest

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.care.models import Episode, Goal, Patient
from tests.care.factories import make_goal, make_patient, open_episode_of


@pytest.fixture
def patient(therapist: User) -> Patient:
    return make_patient(therapist=therapist, display_name="A. L.")


@pytest.fixture
def episode(patient: Patient) -> Episode:
    return open_episode_of(patient)


@pytest.fixture
def goal(episode: Episode) -> Goal:
    return make_goal(episode=episode)


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.values_list("action", flat=True))
