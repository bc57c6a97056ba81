"""The safety-alert banner, on every page of the care team until acknowledged."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from alliance.accounts.models import User
from alliance.checkins.access import alerts_for


def safety_alerts(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_therapist:
        return {"safety_alerts": ()}
    # Lazily evaluated: pages that do not render the banner cost no query.
    return {
        "safety_alerts": alerts_for(user).select_related("checkin__session").order_by("raised_at")
    }
