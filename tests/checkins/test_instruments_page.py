"""The instruments page: the check-in's reliability on the clinic's own answers."""

from __future__ import annotations

import random

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.checkins.models import CheckinStatus, Response
from alliance.checkins.reliability import clinic_answers, clinic_reliability
from alliance.science.instruments import get_instrument
from alliance.science.reliability import cronbach_alpha
from tests.care.factories import make_patient, make_session, open_episode_of
from tests.checkins.factories import make_checkin

pytestmark = pytest.mark.django_db
URL = reverse("checkins:instruments")
PILLAR_ITEMS = ("goal", "goal_shared", "task", "task_useful", "bond", "bond_respect")


def _answered_checkins(therapist: User, count: int, seed: int) -> None:
    """Check-ins whose six pillar items share one level per patient, plus noise."""
    rng = random.Random(seed)
    patient = make_patient(therapist=therapist)
    episode = open_episode_of(patient)
    for _ in range(count):
        checkin = make_checkin(
            session=make_session(episode=episode),
            status=CheckinStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
        level = rng.randint(3, 9)
        for item_id in (*PILLAR_ITEMS, "overall"):
            value = max(0, min(10, level + rng.choice((-1, 0, 0, 1))))
            Response.objects.create(
                checkin=checkin,
                instrument_id="alliance-checkin",
                instrument_version="1.0",
                item_id=item_id,
                value=value,
            )


def test_alpha_is_computed_on_this_clinics_answers_only(therapist: User, outsider: User) -> None:
    _answered_checkins(therapist, 12, seed=1)
    _answered_checkins(outsider, 5, seed=2)
    instrument = get_instrument("alliance-checkin")
    assert len(clinic_answers(therapist.clinic, instrument)) == 12
    result = clinic_reliability(therapist.clinic, "alliance-checkin", "en")
    total = result.scales[0].result
    assert total.n_rows == 12
    # Independent computation of α (clinical reference, section 1) on the same rows.
    rows = clinic_answers(therapist.clinic, instrument)
    matrix = np.array([[row[item] for item in (*PILLAR_ITEMS, "overall")] for row in rows])
    assert total.alpha is not None
    assert total.alpha.value == pytest.approx(cronbach_alpha(matrix[:, :6]), abs=1e-9)


def test_the_page_shows_the_figures_to_every_member(
    therapist: User, therapist_client: Client, supervisor_client: Client
) -> None:
    _answered_checkins(therapist, 10, seed=3)
    for client in (therapist_client, supervisor_client):
        response = client.get(URL)
        assert response.status_code == 200
        assert "Computed on 10 sent check-ins of your clinic." in response.text
        assert "Not validated" in response.text
    assert AuditEvent.objects.filter(action="checkins.reliability_read").count() == 2


def test_with_too_few_answers_it_says_so(therapist_client: Client) -> None:
    response = therapist_client.get(URL)
    assert "Not computable yet" in response.text
    assert "few answers: read with caution" in response.text


def test_it_is_translated(therapist_client: Client) -> None:
    response = therapist_client.get(URL, HTTP_ACCEPT_LANGUAGE="fr")
    assert "Les questionnaires et leur fiabilité" in response.text


def test_visitors_are_sent_to_sign_in(client: Client) -> None:
    assert client.get(URL).status_code == 302


def test_other_methods_are_refused(therapist_client: Client) -> None:
    assert therapist_client.post(URL).status_code == 405
