from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.care import actions
from alliance.care.models import Episode, FrameAcknowledgement, FrameVersion
from alliance.errors import ActionRefused

pytestmark = pytest.mark.django_db

SECTIONS = {
    "goals": "Worry less at work.",
    "methods": "CBT, weekly exercises.",
    "rhythm": "Weekly, 50 minutes, about 20 sessions.",
    "fees": "60 € a session; cancel 48 hours ahead.",
    "confidentiality": "Everything stays between us, except danger to life.",
    "data_use": "Your answers help us adjust the therapy; nothing leaves the server.",
}


def _publish(episode: Episode, by: User, **overrides: str) -> FrameVersion:
    return actions.publish_frame_version(episode=episode, by=by, **{**SECTIONS, **overrides})


def test_versions_are_numbered(therapist: User, episode: Episode) -> None:
    first = _publish(episode, therapist)
    second = _publish(episode, therapist, fees="65 € a session.")
    assert (first.number, second.number) == (1, 2)
    assert actions.current_frame(episode) == second
    events = AuditEvent.objects.filter(action="care.frame_version_published")
    assert [event.data["number"] for event in events] == [1, 2]
    assert "€" not in str([event.data for event in events])


def test_an_empty_section_is_refused(therapist: User, episode: Episode) -> None:
    with pytest.raises(ActionRefused) as refusal:
        _publish(episode, therapist, fees="  ")
    assert refusal.value.code == "empty_section"
    assert not FrameVersion.objects.exists()


def test_no_new_frame_in_a_closed_episode(therapist: User, episode: Episode) -> None:
    actions.close_episode(episode=episode, ended_on=timezone.localdate(), by=therapist)
    with pytest.raises(ActionRefused):
        _publish(episode, therapist)


def test_patient_acknowledges_from_their_link(therapist: User, episode: Episode) -> None:
    version = _publish(episode, therapist)
    link = uuid.uuid4()
    acknowledgement = actions.acknowledge_frame(frame_version=version, access_link_uuid=link)
    assert acknowledgement.access_link_uuid == link
    assert acknowledgement.recorded_by is None
    event = AuditEvent.objects.get(action="care.frame_acknowledged")
    assert event.actor_id is None
    assert event.data["via"] == "patient_link"


def test_acknowledging_twice_returns_the_first(therapist: User, episode: Episode) -> None:
    version = _publish(episode, therapist)
    first = actions.acknowledge_frame(frame_version=version)
    assert actions.acknowledge_frame(frame_version=version) == first
    assert FrameAcknowledgement.objects.count() == 1
    assert AuditEvent.objects.filter(action="care.frame_acknowledged").count() == 1


def test_therapist_records_an_acknowledgement_given_in_session(
    therapist: User, episode: Episode
) -> None:
    version = _publish(episode, therapist)
    acknowledgement = actions.acknowledge_frame(frame_version=version, by=therapist)
    assert acknowledgement.recorded_by == therapist
    assert AuditEvent.objects.get(action="care.frame_acknowledged").data["via"] == "therapist"


def test_an_outdated_version_cannot_be_acknowledged(therapist: User, episode: Episode) -> None:
    old = _publish(episode, therapist)
    new = _publish(episode, therapist, rhythm="Every two weeks.")
    with pytest.raises(ActionRefused) as refusal:
        actions.acknowledge_frame(frame_version=old)
    assert refusal.value.code == "outdated_version"
    actions.acknowledge_frame(frame_version=new)
    assert FrameAcknowledgement.objects.get().frame_version == new
