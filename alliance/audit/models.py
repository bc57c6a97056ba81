"""The audit trail: an append-only, hash-chained record of who did what.

Records hold no foreign keys (as in OpenSAFELY's job-server): they must outlive
the people and objects they mention, and erasing a patient must not erase the
record that the erasure happened. They name people and objects by UUID only,
never by a patient's name.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, ClassVar, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit record."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit records cannot be changed.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Audit records cannot be deleted.")


class AuditEvent(models.Model):
    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True, editable=False)
    created_at = models.DateTimeField(_("when"), editable=False)
    actor_id = models.UUIDField(_("actor"), null=True, blank=True, editable=False)
    actor_label = models.CharField(_("actor label"), max_length=254, blank=True, editable=False)
    clinic_id = models.UUIDField(_("clinic"), null=True, blank=True, editable=False)
    action = models.CharField(_("action"), max_length=100, editable=False)
    target_type = models.CharField(_("object type"), max_length=100, blank=True, editable=False)
    target_id = models.CharField(_("object"), max_length=64, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True, editable=False)
    data = models.JSONField(_("details"), default=dict, blank=True, editable=False)
    previous_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    objects: ClassVar[models.Manager[AuditEvent]] = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        indexes = [
            models.Index(fields=["clinic_id", "created_at"]),
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["actor_id", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit records cannot be deleted.")

    def canonical_content(self) -> bytes:
        """The bytes the hash covers: every field but the hash itself."""
        content = {
            "sequence": self.sequence,
            "created_at": self.created_at.isoformat(),
            "actor_id": str(self.actor_id) if self.actor_id else None,
            "actor_label": self.actor_label,
            "clinic_id": str(self.clinic_id) if self.clinic_id else None,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "ip_address": self.ip_address,
            "data": self.data,
            "previous_hash": self.previous_hash,
        }
        return json.dumps(content, sort_keys=True, separators=(",", ":"), default=str).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical_content()).hexdigest()


class AuditChainHead(models.Model):
    """A single row pointing at the newest record.

    Appending locks this row, which serialises writers on every database, so
    two concurrent actions can never fork the chain.
    """

    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"head at #{self.last_sequence}"
