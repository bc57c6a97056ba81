"""Verifying the hash chain: any tampering with the trail is detected."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import User
from alliance.audit.log import record, verify_chain
from alliance.audit.models import AuditChainHead, AuditEvent

TABLE = AuditEvent._meta.db_table


@pytest.fixture
def chain(therapist: User) -> list[AuditEvent]:
    """Five records, as a week of work would leave."""
    return [
        record(f"tests.step_{number}", by=therapist, target=therapist, data={"step": number})
        for number in range(1, 6)
    ]


def tamper(sql: str, *params: str | int) -> None:
    """What someone with access to the database, not to the application, could do."""
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("TABLE", TABLE), params)


def problems() -> list[tuple[int, str]]:
    return [(problem.sequence, problem.reason) for problem in verify_chain().problems]


def test_an_untouched_chain_is_intact(chain: list[AuditEvent]) -> None:
    report = verify_chain()
    assert report.intact
    assert report.checked == AuditEvent.objects.count() >= 5


def test_an_empty_trail_is_intact(db: None) -> None:
    assert verify_chain().intact
    assert verify_chain().checked == 0


def test_an_altered_record_is_detected(chain: list[AuditEvent]) -> None:
    target = chain[2]
    tamper("UPDATE TABLE SET data = %s WHERE id = %s", json.dumps({"step": 99}), target.pk)
    assert problems() == [(target.sequence, "content does not match its hash")]


def test_an_altered_actor_is_detected(chain: list[AuditEvent], colleague: User) -> None:
    target = chain[1]
    tamper("UPDATE TABLE SET actor_label = %s WHERE id = %s", colleague.email, target.pk)
    assert [sequence for sequence, _ in problems()] == [target.sequence]


def test_a_record_rehashed_after_alteration_breaks_the_next_link(chain: list[AuditEvent]) -> None:
    target = AuditEvent.objects.get(pk=chain[2].pk)
    target.action = "tests.forged"
    forged_hash = target.compute_hash()
    tamper(
        "UPDATE TABLE SET action = %s, hash = %s WHERE id = %s",
        "tests.forged",
        forged_hash,
        target.pk,
    )
    assert problems() == [(chain[3].sequence, "does not follow the previous record")]


def test_a_removed_record_is_detected(chain: list[AuditEvent]) -> None:
    tamper("DELETE FROM TABLE WHERE id = %s", chain[2].pk)
    found = problems()
    assert (chain[2].sequence, "record missing") in found
    assert (chain[3].sequence, "does not follow the previous record") in found


def test_removed_newest_records_are_detected(chain: list[AuditEvent]) -> None:
    tamper("DELETE FROM TABLE WHERE id IN (%s, %s)", chain[3].pk, chain[4].pk)
    assert problems() == [(chain[4].sequence, "newest records missing")]


def test_an_emptied_trail_is_detected(chain: list[AuditEvent]) -> None:
    tamper("DELETE FROM TABLE")
    assert not verify_chain().intact


def test_the_command_reports_an_intact_trail(chain: list[AuditEvent], capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("verify_audit_chain")
    assert f"Audit trail intact: {AuditEvent.objects.count()} records." in capsys.readouterr().out


def test_the_command_fails_on_a_tampered_trail(chain: list[AuditEvent], capsys) -> None:  # type: ignore[no-untyped-def]
    tamper("UPDATE TABLE SET data = %s WHERE id = %s", json.dumps({"step": 0}), chain[0].pk)
    with pytest.raises(CommandError, match="tampered with: 1 problem"):
        call_command("verify_audit_chain")
    assert (
        f"record #{chain[0].sequence}: content does not match its hash" in capsys.readouterr().err
    )


def test_a_removed_chain_head_is_detected(chain: list[AuditEvent]) -> None:
    tamper(f"DELETE FROM {AuditChainHead._meta.db_table}")
    assert problems() == [(chain[-1].sequence, "chain head missing")]


def test_the_chain_stays_intact_through_the_accounts_journeys(
    administrator_client: Client, administrator: User, therapist: User
) -> None:
    """Every kind of data the accounts actions record hashes the same once stored."""
    administrator_client.post(
        reverse("accounts:clinic_invite"),
        {"email": "new@riviere.example", "role": "supervisor", "language": "fr"},
    )
    administrator_client.post(
        reverse("accounts:clinic_member", args=[therapist.uuid]),
        {"roles": ["therapist", "supervisor"], "is_active": "on"},
        REMOTE_ADDR="2001:db8::7",
    )
    administrator_client.post(
        reverse("accounts:clinic_settings"),
        {"name": "Cabinet Rivière", "country": "BE", "require_two_factor": "on"},
    )
    administrator_client.post(reverse("web:set_language"), {"language": "fr"})
    Client().post(reverse("accounts:login"), {"username": "ghost@x.example", "password": "é"})
    assert AuditEvent.objects.count() >= 6
    assert verify_chain().intact
