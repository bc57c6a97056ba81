"""What a member still holds that a colleague must take over when they leave.

Accounts knows nothing of patients: the clinical apps depend on it, never the
reverse. So each app that gives people a responsibility (the care app: being a
patient's lead therapist) registers a check here, in its own ``handover.py``,
and the administrator's member page shows what the checks report.

A check reports counts and a link, never clinical data: administrators manage
people, not patients.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules

from alliance.accounts.models import User


@dataclass(frozen=True)
class PendingHandover:
    """Something ``member`` still holds: a whole sentence and where to hand it over."""

    message: str
    link_url: str
    link_text: str


HandoverCheck = Callable[[User], PendingHandover | None]
_checks: list[HandoverCheck] = []


def handover_check(check: HandoverCheck) -> HandoverCheck:
    """Register ``check``: it answers what ``member`` still holds, or ``None``."""
    if check not in _checks:
        _checks.append(check)
    return check


def pending_handovers(member: User) -> list[PendingHandover]:
    """Everything every app reports ``member`` still holds."""
    autodiscover_modules("handover")
    return [found for check in _checks if (found := check(member)) is not None]
