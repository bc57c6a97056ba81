"""Two submissions of the same check-in racing each other record one check-in."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from alliance.audit.models import AuditEvent
from alliance.checkins import actions
from alliance.checkins.models import Checkin, CheckinLink
from tests.checkins.helpers import answer_everything


@pytest.mark.django_db(transaction=True)
def test_racing_submissions_record_one_checkin(link: CheckinLink) -> None:
    if connection.vendor == "sqlite":
        # The in-memory test database uses a shared cache, whose table locks
        # fail at once instead of waiting; a file database waits (busy_timeout).
        pytest.skip("needs PostgreSQL: run with DATABASE_URL")
    checkin = actions.start_checkin(link=link)
    answer_everything(checkin, link)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            barrier.wait()
            actions.submit_checkin(checkin=checkin, link=link)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Checkin.objects.filter(status="submitted").count() == 1
    assert AuditEvent.objects.filter(action="checkins.checkin_submitted").count() == 1
