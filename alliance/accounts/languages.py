"""Which language a page speaks, and remembering the language a person chose.

The choice lives in two places: ``User.language`` for a signed-in person
(``UserLanguageMiddleware`` activates it), and the language cookie that
``LocaleMiddleware`` reads for everyone else, including on the sign-in page.
An empty ``User.language`` means "follow the browser": the cookie, else the
``Accept-Language`` header.
"""

from __future__ import annotations

from typing import Literal, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation

COOKIE_MAX_AGE_SECONDS = 365 * 24 * 3600


def is_available(language: str | None) -> bool:
    return language in dict(settings.LANGUAGES)


def browser_language(request: HttpRequest) -> str:
    """What ``LocaleMiddleware`` chose: the language cookie, else ``Accept-Language``."""
    return translation.get_language_from_request(request)


def cookie_language(request: HttpRequest) -> str | None:
    """The language picked with the language switch on this browser, if any."""
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return language if is_available(language) else None


def speak(request: HttpRequest, language: str) -> None:
    """Answer this request in ``language``: its text, ``<html lang>`` and Content-Language."""
    translation.activate(language)
    request.LANGUAGE_CODE = language


def remember(response: HttpResponseBase, language: str) -> None:
    """Keep ``language`` on this browser, so that pages shown signed out speak it too."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=COOKIE_MAX_AGE_SECONDS,
        samesite=cast(Literal["Lax", "Strict", "None"], settings.LANGUAGE_COOKIE_SAMESITE),
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
        httponly=True,
    )
