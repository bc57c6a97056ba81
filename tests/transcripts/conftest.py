"""A small real session transcript, and Théo's patient with a session to attach it to."""

from __future__ import annotations

import pytest

from alliance.accounts.models import User
from alliance.care.models import Patient, Session
from tests.care.factories import make_patient, make_session, open_episode_of

VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Dr Martin>Hello, how have things been since last week?

00:00:05.000 --> 00:00:15.000
<v Sam>Honestly not great. I keep putting off calling my sister and I feel awful about it.

00:00:16.000 --> 00:00:19.000
<v Dr Martin>Did you call her?

00:00:20.000 --> 00:00:30.000
<v Sam>No. Every time I pick up the phone I imagine her being angry with me, so I put it down.

00:00:31.000 --> 00:00:36.000
<v Dr Martin>You're afraid that reaching out will bring back the conflict.

00:00:37.000 --> 00:00:45.000
<v Sam>Yes, exactly. But I do want to fix things with her, she matters a lot to me.

00:00:46.000 --> 00:00:50.000
<v Dr Martin>What would make that first call a little easier?

00:00:51.000 --> 00:00:58.000
<v Sam>Maybe writing down what I want to say first.
"""


@pytest.fixture
def vtt_bytes() -> bytes:
    return VTT.encode()


@pytest.fixture
def patient(therapist: User) -> Patient:
    return make_patient(therapist=therapist, display_name="S. K.")


@pytest.fixture
def session(patient: Patient) -> Session:
    return make_session(episode=open_episode_of(patient))
