"""Every URL refuses anonymous visitors, unless it is listed as public with a reason.

The list of URLs is generated from the URL configuration, so a URL added later
by any app is checked without anyone remembering to write a test for it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, include, path, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

from tests.factories import make_installation

# view name -> why a visitor who has not signed in may open it.
PUBLIC_URLS: dict[str, str] = {
    "accounts:login": "the sign-in page itself",
    "accounts:logout": "signing out is harmless when nobody is signed in (POST only)",
    "accounts:setup": "the first-run page, before any account exists; closed once set up",
    "accounts:accept_invitation": "a new colleague has no account yet; the token is the key",
    "accounts:password_reset": "people who forgot their password cannot sign in",
    "accounts:password_reset_done": "says an email may be on its way",
    "accounts:password_reset_confirm": "the emailed reset link; the token is the key",
    "accounts:password_reset_complete": "says the new password was saved",
    "web:set_language": "the language can be chosen on the sign-in page",
    "web:health": "for load balancers; answers 'ok' and nothing else",
    # Patients have no account: the token in their link is the only key.
    "checkins:start": "a patient's check-in link",
    "checkins:step": "a patient's check-in link",
    "checkins:autosave": "a patient's check-in link",
    "checkins:thanks": "a patient's check-in link",
    "checkins:kiosk_still_here": "a patient's check-in link (on the tablet)",
    "checkins:space": "a patient's check-in link",
    "checkins:propose_goal": "a patient's check-in link",
    "checkins:acknowledge_frame": "a patient's check-in link",
    "checkins:object_to_task": "a patient's check-in link",
    # The waiting-room tablet: nobody is signed in on it; its device cookie is the key.
    "checkins:kiosk_home": "the paired tablet's neutral screen",
    "checkins:kiosk_poll": "the paired tablet looks for a check-in sent to it",
    "checkins:kiosk_done": "the paired tablet's screen after a check-in",
}

# A sample value for each path converter, by converter class name.
SAMPLE_VALUES = {
    "IntConverter": "1",
    "StringConverter": "sample",
    "SlugConverter": "sample-slug",
    "UUIDConverter": str(uuid.UUID(int=1)),
    "PathConverter": "sample/path",
}


@dataclass(frozen=True)
class Route:
    name: str
    path: str


def _concrete(pattern: RoutePattern | RegexPattern) -> str:
    if isinstance(pattern, RoutePattern):
        route = str(pattern._route)  # type: ignore[attr-defined]
        for name, converter in pattern.converters.items():
            kind = type(converter).__name__
            assert kind in SAMPLE_VALUES, f"Add a sample value for {kind} to SAMPLE_VALUES."
            route = re.sub(rf"<(?:\w+:)?{name}>", SAMPLE_VALUES[kind], route)
        return route
    regex = str(pattern.regex.pattern).lstrip("^").rstrip("$").replace("\\Z", "")
    assert "(" not in regex, f"Give {regex!r} a path() route, or teach this test its groups."
    return regex.replace("\\", "")


def walk(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[Route]:
    for entry in patterns:
        path = prefix + _concrete(entry.pattern)  # type: ignore[arg-type]
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, path, inner)
        else:
            name = f"{namespace}{entry.name}" if entry.name else path
            yield Route(name=name, path="/" + path)


ROUTES = sorted(set(walk(get_resolver().url_patterns)), key=lambda route: route.name)
PRIVATE = [route for route in ROUTES if route.name not in PUBLIC_URLS]


def test_the_walk_finds_the_known_urls() -> None:
    names = {route.name for route in ROUTES}
    assert {"web:home", "accounts:profile", "accounts:clinic_member"} <= names
    assert len(ROUTES) >= 25


def test_every_public_url_exists() -> None:
    """A URL renamed or removed must leave this list too."""
    assert set(PUBLIC_URLS) <= {route.name for route in ROUTES}


def _refused(response) -> bool:  # type: ignore[no-untyped-def]
    if response.status_code in {302, 303}:
        return bool(response["Location"].startswith(reverse(settings.LOGIN_URL)))
    return response.status_code in {401, 403}


@pytest.mark.parametrize("route", PRIVATE, ids=[route.name for route in PRIVATE])
def test_anonymous_visitors_are_refused(client: Client, db: None, route: Route) -> None:
    make_installation()  # otherwise the home page sends visitors to the first-run page
    responses = {method: getattr(client, method)(route.path) for method in ("get", "post")}
    outcome = {method: response.status_code for method, response in responses.items()}
    # 405 is fine for the method a view does not accept, but one of the two must
    # reach the view's own guard (a 405 before it would hide a missing one).
    assert all(
        _refused(response) or response.status_code == 405 for response in responses.values()
    ), outcome
    assert any(_refused(response) for response in responses.values()), outcome


@pytest.mark.parametrize(
    "route",
    [route for route in ROUTES if route.name in PUBLIC_URLS],
    ids=[route.name for route in ROUTES if route.name in PUBLIC_URLS],
)
def test_public_urls_answer_anonymous_visitors_without_error(
    client: Client, db: None, route: Route
) -> None:
    for method in ("get", "post"):
        assert getattr(client, method)(route.path).status_code < 500


def _forgotten_view(request: HttpRequest, number: int) -> HttpResponse:
    return HttpResponse("anyone can read this")


# The project's URLs plus one that a later app forgot to protect.
urlpatterns = [
    path("", include(settings.ROOT_URLCONF)),
    path("later-app/<int:number>/", _forgotten_view, name="forgotten"),
]


def test_a_forgotten_url_in_a_new_app_is_caught(client: Client, db: None) -> None:
    """The walk sees URLs it was never told about, and the check fails on them."""
    routes = {route.name: route for route in walk(get_resolver(__name__).url_patterns)}
    assert set(routes) >= {route.name for route in ROUTES}
    forgotten = routes["forgotten"]
    assert forgotten.path == "/later-app/1/"
    with override_settings(ROOT_URLCONF=__name__):
        response = client.get(forgotten.path)
    assert response.status_code == 200
    assert not _refused(response)
