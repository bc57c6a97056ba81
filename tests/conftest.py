"""Shared personas for every test, after healthchecks' Alice/Bob/Charlie.

- ``administrator``: Adèle, administrator (and therapist) of the Rivière clinic;
- ``therapist``: Théo, therapist in the Rivière clinic — the main user;
- ``colleague``: Colette, another therapist in the same clinic;
- ``supervisor``: Suzanne, supervisor in the same clinic;
- ``outsider``: Oscar, therapist of another clinic (Montagne).

Each ``*_client`` fixture is a Django test client signed in as that persona.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from alliance.accounts.models import Clinic, Role, User
from tests.factories import make_clinic, make_installation, make_user

# Live-server browser tests run Django's ORM from Playwright's event loop thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _each_test_starts_in_the_default_language() -> Any:
    # A view may activate the patient's language in the test's thread (the test client
    # runs views in it); without this, a later test would see French messages.
    yield
    translation.deactivate()


@pytest.fixture
def clinic(db: None) -> Clinic:
    # The personas' installation is in use: its first-run page is closed.
    make_installation()
    return make_clinic(name="Cabinet Rivière")


@pytest.fixture
def other_clinic(db: None) -> Clinic:
    return make_clinic(name="Centre Montagne")


@pytest.fixture
def administrator(clinic: Clinic) -> User:
    return make_user(
        clinic=clinic,
        email="adele@riviere.example",
        full_name="Adèle Admin",
        roles=(Role.ADMINISTRATOR, Role.THERAPIST),
    )


@pytest.fixture
def therapist(clinic: Clinic) -> User:
    return make_user(clinic=clinic, email="theo@riviere.example", full_name="Théo Thérapeute")


@pytest.fixture
def colleague(clinic: Clinic) -> User:
    return make_user(clinic=clinic, email="colette@riviere.example", full_name="Colette Collègue")


@pytest.fixture
def supervisor(clinic: Clinic) -> User:
    return make_user(
        clinic=clinic,
        email="suzanne@riviere.example",
        full_name="Suzanne Superviseure",
        roles=(Role.SUPERVISOR,),
    )


@pytest.fixture
def outsider(other_clinic: Clinic) -> User:
    return make_user(
        clinic=other_clinic, email="oscar@montagne.example", full_name="Oscar Outsider"
    )


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def administrator_client(administrator: User) -> Client:
    return _signed_in(administrator)


@pytest.fixture
def therapist_client(therapist: User) -> Client:
    return _signed_in(therapist)


@pytest.fixture
def colleague_client(colleague: User) -> Client:
    return _signed_in(colleague)


@pytest.fixture
def supervisor_client(supervisor: User) -> Client:
    return _signed_in(supervisor)


@pytest.fixture
def outsider_client(outsider: User) -> Client:
    return _signed_in(outsider)


# --- Browser tests (Playwright driving Debian's chromium) ---------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # Never `playwright install`: it downloads a browser, which this project forbids.
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("ALLIANCE_CHROMIUM", "/usr/bin/chromium"),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-dev-shm-usage",
        ],
    }
