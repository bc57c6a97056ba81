"""The request details that every audit record carries, without threading
them through every function call."""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None


# RequestContext is frozen, so sharing one default instance is safe.
_current: ContextVar[RequestContext] = ContextVar(
    "audit_request",
    default=RequestContext(),  # noqa: B039
)


def bind(*, ip_address: str | None) -> Token[RequestContext]:
    return _current.set(RequestContext(ip_address=ip_address))


def reset(token: Token[RequestContext]) -> None:
    _current.reset(token)


def current() -> RequestContext:
    return _current.get()
