from __future__ import annotations

import re

import pytest

from alliance.accounts.demo import create_demo_clinic
from alliance.audit.models import AuditEvent
from alliance.care import access
from alliance.care.demo import create_demo_caseload
from alliance.care.models import (
    Attendance,
    Author,
    FrameAcknowledgement,
    FrameVersion,
    GoalEvent,
    GoalEventKind,
    GoalStatus,
    Patient,
    Session,
    Task,
    TaskStatus,
)
from alliance.demo.registry import DemoContext

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> DemoContext:
    context = DemoContext()
    create_demo_clinic(context)
    create_demo_caseload(context)
    return context


def test_the_demo_therapist_has_about_a_dozen_patients(demo: DemoContext) -> None:
    therapist, colleague = demo.objects["therapist"], demo.objects["colleague"]
    mine = access.patients_for(therapist)
    assert 12 <= mine.count() <= 15
    shared = demo.objects["shared_patient"]
    assert shared in mine
    assert shared in access.patients_for(colleague)
    assert Patient.objects.count() == len(demo.objects["patients"])


def test_the_demo_history_is_realistic(demo: DemoContext) -> None:
    attendance = set(Session.objects.values_list("attendance", flat=True))
    assert attendance == {a.value for a in Attendance}
    assert GoalEvent.objects.filter(kind=GoalEventKind.REVISED).exclude(reason="").exists()
    assert GoalEvent.objects.filter(author=Author.PATIENT).exists()
    statuses = set(GoalEvent.objects.values_list("goal__status", flat=True))
    assert {GoalStatus.PROPOSED, GoalStatus.AGREED, GoalStatus.DROPPED} <= statuses
    assert Task.objects.filter(status=TaskStatus.DROPPED, end_reason__contains="fit").exists()
    assert FrameAcknowledgement.objects.exists()
    assert Patient.objects.filter(episodes__closed_at__isnull=False).exists()


def test_the_demo_spans_months(demo: DemoContext) -> None:
    first = Session.objects.order_by("starts_at").first()
    last = Session.objects.order_by("-starts_at").first()
    assert first is not None
    assert last is not None
    assert (last.starts_at - first.starts_at).days > 120


def test_the_demo_audit_trail_names_no_patient(demo: DemoContext) -> None:
    created = AuditEvent.objects.filter(action="care.patient_created")
    assert created.count() == Patient.objects.count()
    names = list(Patient.objects.values_list("display_name", flat=True))
    trail = str(list(AuditEvent.objects.values_list("data", flat=True)))
    assert not [name for name in names if name in trail]


def test_the_demo_frames_write_fees_the_way_each_language_does(demo: DemoContext) -> None:
    written = {"en": re.compile(r"^€\d+ a session\."), "fr": re.compile(r"^\d+\u00a0€ la séance\.")}
    frames = FrameVersion.objects.select_related("episode__patient")
    languages = set()
    for frame in frames:
        language = frame.episode.patient.preferred_language
        assert written[language].match(frame.fees), (language, frame.fees)
        languages.add(language)
    assert languages == {"en", "fr"}
