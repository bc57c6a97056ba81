"""Counting the queries of a page view, for tests that pages stay constant."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def steady_queries(client: Client, url: str) -> int:
    """The queries of a page view once the session is warm.

    The first request of a session also records its activity time; every
    later page view does not, so that is the one worth measuring.
    """
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)
