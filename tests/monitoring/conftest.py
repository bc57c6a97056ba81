"""Monitoring fixtures: Théo's patient with an open episode; the colleague's patient."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from alliance.accounts.models import User
from alliance.care.models import Patient
from tests.care.factories import make_patient


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


@pytest.fixture
def patient(therapist: User) -> Patient:
    return make_patient(therapist=therapist, display_name="A. L.")


@pytest.fixture
def other_patient(colleague: User) -> Patient:
    return make_patient(therapist=colleague, display_name="Z. Z.")
