"""Writing the audit trail: who did what to which object, when, from where."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from alliance.accounts import actions
from alliance.accounts.models import Clinic, Role, User
from alliance.audit import context
from alliance.audit.log import record, verify_chain
from alliance.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from alliance.errors import ActionRefused


def test_it_records_who_did_what_to_which_object(therapist: User, clinic: Clinic) -> None:
    event = record(
        "tests.did_something", by=therapist, target=clinic, clinic_id=clinic.uuid, data={"n": 1}
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor_id == therapist.uuid
    assert stored.actor_label == therapist.email
    assert stored.action == "tests.did_something"
    assert stored.target_type == "accounts.clinic"
    assert stored.target_id == str(clinic.uuid)
    assert stored.clinic_id == clinic.uuid
    assert stored.data == {"n": 1}
    assert stored.created_at is not None


def test_each_record_follows_the_previous_one(therapist: User) -> None:
    AuditEvent.objects.all()  # the personas' creation wrote nothing yet
    first = record("tests.first", by=therapist)
    second = record("tests.second", by=None)
    assert second.sequence == first.sequence + 1
    assert second.previous_hash == first.hash
    assert AuditEvent.objects.order_by("sequence").first().previous_hash == GENESIS_HASH  # type: ignore[union-attr]
    head = AuditChainHead.objects.get()
    assert (head.last_sequence, head.last_hash) == (second.sequence, second.hash)


def test_the_stored_record_hashes_to_its_hash(therapist: User, clinic: Clinic) -> None:
    event = record(
        "tests.x",
        by=therapist,
        target=therapist,
        clinic_id=clinic.uuid,
        data={"b": [1, "é"], "a": None},
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.compute_hash() == stored.hash == event.hash


def test_the_address_of_the_request_is_recorded(client: Client, therapist: User) -> None:
    client.post(
        reverse("accounts:login"),
        {"username": therapist.email, "password": "wrong"},
        REMOTE_ADDR="192.0.2.44",
    )
    assert AuditEvent.objects.get(action="accounts.sign_in_failed").ip_address == "192.0.2.44"


@pytest.mark.parametrize(
    ("address", "stored"),
    [
        ("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
        ("not an address", None),
        ("fe80::1%eth0", "fe80::1"),
    ],
)
def test_any_address_keeps_the_chain_verifiable(
    therapist_client: Client, address: str, stored: str | None
) -> None:
    therapist_client.post(reverse("web:set_language"), {"language": "fr"}, REMOTE_ADDR=address)
    event = AuditEvent.objects.get(action="accounts.language_changed")
    assert event.ip_address == stored
    assert verify_chain().intact


def test_outside_a_request_there_is_no_address(therapist: User) -> None:
    assert context.current().ip_address is None
    assert record("tests.from_a_command", by=therapist).ip_address is None


def test_an_action_and_its_record_are_one_transaction(
    therapist: User, administrator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_record(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("alliance.accounts.actions.record", broken_record)
    with pytest.raises(RuntimeError):
        actions.update_member(
            member=therapist, roles={Role.SUPERVISOR}, is_active=True, by=administrator
        )
    therapist.refresh_from_db()
    assert therapist.roles == [Role.THERAPIST]


def test_a_change_rolled_back_leaves_no_record(therapist: User) -> None:
    count = AuditEvent.objects.count()

    @transaction.atomic
    def change_then_fail() -> None:
        actions.set_language(user=therapist, language="fr")
        raise RuntimeError("something later failed")

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert AuditEvent.objects.count() == count
    assert verify_chain().intact
    record("tests.after", by=therapist)
    assert verify_chain().intact


def test_a_refused_action_records_nothing(administrator: User) -> None:
    count = AuditEvent.objects.count()
    with pytest.raises(ActionRefused):
        actions.update_member(member=administrator, roles=set(), is_active=False, by=administrator)
    assert AuditEvent.objects.count() == count


def test_records_name_people_by_uuid_and_address_only(
    administrator_client: Client, administrator: User, therapist: User
) -> None:
    administrator_client.post(
        reverse("accounts:clinic_member", args=[therapist.uuid]), {"roles": ["supervisor"]}
    )
    event = AuditEvent.objects.get(action="accounts.member_updated")
    assert event.target_id == str(therapist.uuid)
    assert therapist.full_name not in str(event.data)
