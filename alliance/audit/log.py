"""Writing and verifying the audit trail.

Every action that reads or changes clinical data calls :func:`record` inside
its own transaction, so the record exists if and only if the change does.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import transaction
from django.utils import timezone

from alliance.audit import context
from alliance.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent


class Identified(Protocol):
    uuid: uuid.UUID


class Actor(Protocol):
    uuid: uuid.UUID
    email: str


def _target_type(target: object) -> str:
    meta = getattr(target, "_meta", None)
    return meta.label_lower if meta is not None else type(target).__name__.lower()


@transaction.atomic
def record(
    action: str,
    *,
    by: Actor | None,
    target: Identified | None = None,
    clinic_id: uuid.UUID | None = None,
    data: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one record to the chain and return it.

    ``by`` is ``None`` only for what nobody in particular did (a patient using
    their link is recorded with ``data['via']``, a scheduled job as itself).
    """
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    event = AuditEvent(
        sequence=head.last_sequence + 1,
        created_at=timezone.now(),
        actor_id=by.uuid if by is not None else None,
        actor_label=by.email if by is not None else "",
        clinic_id=clinic_id,
        action=action,
        target_type=_target_type(target) if target is not None else "",
        target_id=str(target.uuid) if target is not None else "",
        ip_address=context.current().ip_address,
        data=dict(data or {}),
        previous_hash=head.last_hash,
    )
    event.hash = event.compute_hash()
    event.save()
    head.last_sequence, head.last_hash = event.sequence, event.hash
    head.save(update_fields=["last_sequence", "last_hash"])
    return event


@dataclass(frozen=True)
class ChainProblem:
    sequence: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    problems: tuple[ChainProblem, ...]

    @property
    def intact(self) -> bool:
        return not self.problems


def _problems_in(events: Iterator[AuditEvent]) -> Iterator[ChainProblem]:
    expected_previous, expected_sequence = GENESIS_HASH, 1
    for event in events:
        if event.sequence != expected_sequence:
            yield ChainProblem(expected_sequence, "record missing")
        if event.previous_hash != expected_previous:
            yield ChainProblem(event.sequence, "does not follow the previous record")
        if event.compute_hash() != event.hash:
            yield ChainProblem(event.sequence, "content does not match its hash")
        expected_previous, expected_sequence = event.hash, event.sequence + 1


def verify_chain() -> ChainReport:
    """Recompute every hash; report each record that was altered or removed."""
    problems = list(_problems_in(AuditEvent.objects.order_by("sequence").iterator()))
    head = AuditChainHead.objects.filter(pk=1).first()
    count = AuditEvent.objects.count()
    last = AuditEvent.objects.order_by("-sequence").first()
    if head is not None and (last is None or head.last_hash != last.hash):
        # The newest records were removed: nothing else would show it.
        problems.append(ChainProblem(head.last_sequence, "newest records missing"))
    if head is None and last is not None:
        # Without its head the chain's end cannot be checked, and the next
        # record would restart at #1 and fail.
        problems.append(ChainProblem(last.sequence, "chain head missing"))
    return ChainReport(checked=count, problems=tuple(problems))
