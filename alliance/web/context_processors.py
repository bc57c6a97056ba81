from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def interface(request: HttpRequest) -> dict[str, Any]:
    """What the base layout needs on every page."""
    return {"available_languages": settings.LANGUAGES}
