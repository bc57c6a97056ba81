"""The rules every care view keeps (healthchecks' ``test_it_checks_ownership``):
login required, therapists only, 404 outside the care team or for an unknown
id, and 405 for a method the view does not take."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from alliance.care.models import Episode, Goal, Patient, Session, Task
from tests.care.factories import make_session, make_task


@dataclass
class World:
    patient: Patient
    episode: Episode
    session: Session
    goal: Goal
    task: Task

    def key(self, parameter: str) -> uuid.UUID:
        owner = parameter.removesuffix("_uuid")
        return getattr(self, owner).uuid  # type: ignore[no-any-return]


# (url name, its uuid parameter or None, methods it takes)
VIEWS = [
    ("patient_list", None, {"GET"}),
    ("create_patient", None, {"GET", "POST"}),
    ("patient_detail", "patient_uuid", {"GET"}),
    ("edit_patient", "patient_uuid", {"GET", "POST"}),
    ("share_patient", "patient_uuid", {"GET", "POST"}),
    ("open_episode", "patient_uuid", {"GET", "POST"}),
    ("close_episode", "episode_uuid", {"GET", "POST"}),
    ("add_session", "episode_uuid", {"GET", "POST"}),
    ("edit_session", "session_uuid", {"GET", "POST"}),
    ("set_attendance", "session_uuid", {"POST"}),
    ("new_frame", "episode_uuid", {"GET", "POST"}),
    ("record_acknowledgement", "episode_uuid", {"POST"}),
    ("new_goal", "episode_uuid", {"GET", "POST"}),
    ("agree_goal", "goal_uuid", {"GET", "POST"}),
    ("revise_goal", "goal_uuid", {"GET", "POST"}),
    ("achieve_goal", "goal_uuid", {"POST"}),
    ("drop_goal", "goal_uuid", {"GET", "POST"}),
    ("goal_scale", "goal_uuid", {"GET", "POST"}),
    ("new_task", "episode_uuid", {"GET", "POST"}),
    ("edit_task", "task_uuid", {"GET", "POST"}),
    ("complete_task", "task_uuid", {"POST"}),
    ("drop_task", "task_uuid", {"GET", "POST"}),
]
SCOPED = [view for view in VIEWS if view[1]]
IDS = [view[0] for view in VIEWS]


@pytest.fixture
def world(patient: Patient, episode: Episode, goal: Goal) -> World:
    return World(
        patient=patient,
        episode=episode,
        session=make_session(episode=episode),
        goal=goal,
        task=make_task(goal=goal),
    )


def _url(world: World, name: str, parameter: str | None, key: uuid.UUID | None = None) -> str:
    if parameter is None:
        return reverse(f"care:{name}")
    return reverse(f"care:{name}", kwargs={parameter: key or world.key(parameter)})


def _call(client: Client, method: str, url: str) -> int:
    return client.generic(method, url).status_code


def _a_method(methods: set[str]) -> str:
    return "GET" if "GET" in methods else "POST"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "parameter", "methods"), VIEWS, ids=IDS)
def test_login_required(world: World, name: str, parameter: str | None, methods: set[str]) -> None:
    response = Client().generic(_a_method(methods), _url(world, name, parameter))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "parameter", "methods"), VIEWS, ids=IDS)
def test_therapists_only(
    world: World, supervisor_client: Client, name: str, parameter: str | None, methods: set[str]
) -> None:
    assert _call(supervisor_client, _a_method(methods), _url(world, name, parameter)) == 403


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["colleague_client", "outsider_client"])
@pytest.mark.parametrize(("name", "parameter", "methods"), SCOPED, ids=[v[0] for v in SCOPED])
def test_outside_the_care_team_is_404(
    request: pytest.FixtureRequest,
    world: World,
    who: str,
    name: str,
    parameter: str,
    methods: set[str],
) -> None:
    client = request.getfixturevalue(who)
    for method in methods:
        assert _call(client, method, _url(world, name, parameter)) == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "parameter", "methods"), SCOPED, ids=[v[0] for v in SCOPED])
def test_unknown_uuid_is_404(
    world: World, therapist_client: Client, name: str, parameter: str, methods: set[str]
) -> None:
    url = _url(world, name, parameter, key=uuid.uuid4())
    assert _call(therapist_client, _a_method(methods), url) == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "parameter", "methods"), SCOPED, ids=[v[0] for v in SCOPED])
def test_malformed_uuid_is_404(
    world: World, therapist_client: Client, name: str, parameter: str, methods: set[str]
) -> None:
    url = _url(world, name, parameter).replace(str(world.key(parameter)), "not-a-uuid")
    assert _call(therapist_client, _a_method(methods), url) == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "parameter", "methods"), VIEWS, ids=IDS)
def test_wrong_method_is_405(
    world: World, therapist_client: Client, name: str, parameter: str | None, methods: set[str]
) -> None:
    wrong = "POST" if methods == {"GET"} else "GET" if methods == {"POST"} else "DELETE"
    assert _call(therapist_client, wrong, _url(world, name, parameter)) == 405


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "parameter", "methods"),
    [view for view in VIEWS if "GET" in view[2]],
    ids=[view[0] for view in VIEWS if "GET" in view[2]],
)
def test_every_page_renders(
    world: World, therapist_client: Client, name: str, parameter: str | None, methods: set[str]
) -> None:
    assert _call(therapist_client, "GET", _url(world, name, parameter)) == 200
