"""Who may see what: role checks and queries scoped to the requesting person.

Views never look up people or invitations by id directly: they call these
helpers, which only ever search the requester's own clinic and answer 404 for
anything outside it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme

from alliance.accounts.models import Invitation, Role, User, hash_token

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def requesting_user(request: HttpRequest) -> User:
    """The signed-in person; only for views behind ``login_required``."""
    return cast(User, request.user)


def role_required(role: Role) -> Callable[[View], View]:
    """Require a signed-in person with ``role``: 403 for anyone else."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not requesting_user(request).has_role(role):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return cast(View, wrapped)

    return decorator


def colleague_for(user: User, member_uuid: uuid.UUID) -> User:
    return get_object_or_404(User, clinic=user.clinic, uuid=member_uuid)


def invitation_for(user: User, invitation_uuid: uuid.UUID) -> Invitation:
    return get_object_or_404(Invitation, clinic=user.clinic, uuid=invitation_uuid)


def invitation_language(token: str) -> str | None:
    """The language an invitation link's email was written in, whatever the link's state.

    Only the holder of the secret token finds it; an unknown link has none.
    """
    language: str | None = (
        Invitation.objects.filter(token_hash=hash_token(token))
        .values_list("language", flat=True)
        .first()
    )
    return language


def safe_next_url(request: HttpRequest, parameter: str = "next") -> str | None:
    """The ``next`` URL of the request, if it stays on this site."""
    candidate = request.POST.get(parameter) or request.GET.get(parameter)
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


# Only therapists follow patients; supervisors see de-identified figures.
therapist_required = role_required(Role.THERAPIST)
