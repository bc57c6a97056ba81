"""The therapy frame: versions, and the patient's acknowledgement of each."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import User
from alliance.care.actions.common import PATIENT_LINK, audit, require_open_episode
from alliance.care.models import (
    Episode,
    FrameAcknowledgement,
    FrameVersion,
)
from alliance.errors import ActionRefused


@transaction.atomic
def publish_frame_version(
    *,
    episode: Episode,
    goals: str,
    methods: str,
    rhythm: str,
    fees: str,
    confidentiality: str,
    data_use: str,
    by: User,
) -> FrameVersion:
    """Add a new version of the frame; the patient will be asked to acknowledge it."""
    require_open_episode(episode)
    sections = {
        "goals": goals,
        "methods": methods,
        "rhythm": rhythm,
        "fees": fees,
        "confidentiality": confidentiality,
        "data_use": data_use,
    }
    if not all(text.strip() for text in sections.values()):
        raise ActionRefused(
            _("Every section of the therapy frame needs a text. Fill in the empty ones."),
            code="empty_section",
        )
    # Lock the episode so that two versions published at once get distinct numbers.
    Episode.objects.select_for_update().filter(pk=episode.pk).first()
    latest = episode.frame_versions.order_by("-number").values_list("number", flat=True).first()
    version = FrameVersion.objects.create(
        episode=episode,
        number=(latest or 0) + 1,
        created_by=by,
        **{name: text.strip() for name, text in sections.items()},
    )
    audit(
        "frame_version_published",
        by=by,
        target=version,
        patient=episode.patient,
        data={"number": version.number},
    )
    return version


def current_frame(episode: Episode) -> FrameVersion | None:
    return episode.frame_versions.order_by("-number").first()


@transaction.atomic
def acknowledge_frame(
    *,
    frame_version: FrameVersion,
    access_link_uuid: uuid.UUID | None = None,
    by: User | None = None,
) -> FrameAcknowledgement:
    """The patient acknowledges a frame version: from their link, or in session.

    From the link, pass ``access_link_uuid`` and no ``by``; a therapist
    recording a paper acknowledgement passes ``by``. Acknowledging twice
    returns the first acknowledgement (a double submit must not fail).
    """
    existing = FrameAcknowledgement.objects.filter(frame_version=frame_version).first()
    if existing is not None:
        return existing
    latest = current_frame(frame_version.episode)
    if latest is not None and latest.pk != frame_version.pk:
        raise ActionRefused(
            _("The therapy frame has changed since this version. Read the new version first."),
            code="outdated_version",
        )
    acknowledgement = FrameAcknowledgement.objects.create(
        frame_version=frame_version, access_link_uuid=access_link_uuid, recorded_by=by
    )
    audit(
        "frame_acknowledged",
        by=by,
        target=frame_version,
        patient=frame_version.episode.patient,
        data={"via": "therapist" if by else PATIENT_LINK, "number": frame_version.number},
    )
    return acknowledgement
