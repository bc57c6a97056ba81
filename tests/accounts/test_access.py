"""The access helpers that every view relies on."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.test import RequestFactory

from alliance.accounts.access import colleague_for, invitation_for, role_required, safe_next_url
from alliance.accounts.models import Role, User
from tests.factories import make_invitation


@role_required(Role.SUPERVISOR)
def supervisors_only(request: HttpRequest) -> HttpResponse:
    return HttpResponse("welcome")


def request_by(user: User) -> HttpRequest:
    request = RequestFactory().get("/somewhere/")
    request.user = user
    return request


def test_role_required_lets_the_role_in(supervisor: User) -> None:
    assert supervisors_only(request_by(supervisor)).content == b"welcome"


def test_role_required_refuses_other_roles(therapist: User, administrator: User) -> None:
    for user in (therapist, administrator):
        with pytest.raises(PermissionDenied):
            supervisors_only(request_by(user))


def test_role_required_sends_visitors_to_sign_in(db: None) -> None:
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    response = supervisors_only(request)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/?next=/somewhere/"


def test_colleague_for_finds_only_the_same_clinic(
    therapist: User, colleague: User, outsider: User
) -> None:
    assert colleague_for(therapist, colleague.uuid) == colleague
    with pytest.raises(Http404):
        colleague_for(therapist, outsider.uuid)
    with pytest.raises(Http404):
        colleague_for(therapist, uuid.uuid4())


def test_invitation_for_finds_only_the_same_clinic(administrator: User, outsider: User) -> None:
    ours = make_invitation(clinic=administrator.clinic, by=administrator, token="ours")
    theirs = make_invitation(clinic=outsider.clinic, by=outsider, token="theirs")
    assert invitation_for(administrator, ours.uuid) == ours
    with pytest.raises(Http404):
        invitation_for(administrator, theirs.uuid)


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/accounts/profile/", "/accounts/profile/"),
        ("https://evil.example/", None),
        ("//evil.example/", None),
        ("javascript:alert(1)", None),
        ("", None),
    ],
)
def test_safe_next_url_stays_on_this_site(next_url: str, expected: str | None) -> None:
    request = RequestFactory().post("/", {"next": next_url})
    assert safe_next_url(request) == expected
