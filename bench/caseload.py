"""Benchmark: the caseload page of a therapist with 300 patients and months of check-ins.

Builds a temporary SQLite database (migrated from scratch), one therapist with
300 patients, each with 26 weekly sessions (six months) answered by the
patient and mirrored by the therapist, a few ruptures and missed check-ins,
computes every patient's signals, then times ``GET /caseload/`` with Django's
test client (the whole request: middleware, queries, template).

    .venv/bin/python bench/caseload.py                # 300 patients, 30 timed requests
    .venv/bin/python bench/caseload.py --patients 100 --runs 10

Goal: ≤ 150 ms server time and a number of queries that does not depend on
the number of patients. Figures: ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _configure(directory: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "alliance.project.settings_test"
    os.environ["ALLIANCE_DATA_DIR"] = directory
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _build(patients: int, sessions: int, seed: int) -> object:
    from django.utils import timezone

    from alliance.accounts.models import Clinic, User
    from alliance.care.models import Attendance, CareTeamMember, Episode, Patient, Session
    from alliance.checkins.models import Checkin, CheckinScore, CheckinStatus

    rng = random.Random(seed)
    clinic = Clinic.objects.create(name="Bench clinic")
    therapist = User.objects.create_user(
        "bench@example.org", "unused-password", full_name="Bench Therapist", clinic=clinic
    )
    now = timezone.now()
    people = Patient.objects.bulk_create(
        Patient(clinic=clinic, display_name=f"P{i:03d}", country="FR", created_by=therapist)
        for i in range(patients)
    )
    CareTeamMember.objects.bulk_create(
        CareTeamMember(patient=p, therapist=therapist, role="lead", added_by=therapist)
        for p in people
    )
    start = now - timedelta(weeks=sessions)
    episodes = Episode.objects.bulk_create(
        Episode(
            patient=p,
            started_on=start.date(),
            approach="cbt",
            modality="in_person",
            created_by=therapist,
        )
        for p in people
    )
    rows = []
    for episode in episodes:
        for k in range(sessions):
            moment = start + timedelta(weeks=k, hours=rng.uniform(0, 8))
            rows.append(
                Session(
                    episode=episode,
                    starts_at=moment,
                    attendance=Attendance.ATTENDED,
                    attendance_recorded_at=moment,
                    attendance_recorded_by=therapist,
                    created_by=therapist,
                )
            )
    all_sessions = Session.objects.bulk_create(rows)
    checkins, plans = [], []
    for index, session in enumerate(all_sessions):
        patient_index, k = divmod(index, sessions)
        missed = patient_index % 10 == 0 and k >= sessions - 2  # a few missed check-ins
        if missed:
            continue
        at = session.starts_at + timedelta(hours=2)
        for respondent in ("patient", "therapist"):
            checkins.append(
                Checkin(
                    patient_id=session.episode.patient_id,
                    session=session,
                    respondent=respondent,
                    by=therapist if respondent == "therapist" else None,
                    status=CheckinStatus.SUBMITTED,
                    submitted_at=at,
                )
            )
            plans.append((patient_index, k, respondent))
    created = Checkin.objects.bulk_create(checkins, batch_size=2000)
    scores = []
    for checkin, (patient_index, k, respondent) in zip(created, plans, strict=True):
        level = 6 + (patient_index % 4) + rng.gauss(0, 0.6)
        rupture = patient_index % 7 == 0 and k == sessions - 3
        pillars = {
            p: max(0.0, min(10.0, round(level - (5 if rupture and p == "bond" else 0))))
            for p in ("goal", "task", "bond", "overall")
        }
        instrument = "alliance-checkin" if respondent == "patient" else "alliance-checkin-therapist"
        scores.append(
            CheckinScore(
                checkin=checkin,
                instrument_id=instrument,
                instrument_version="1.0",
                total=sum(pillars.values()) / 4,
                tension=1.0 if rupture else 0.0,
                tension_intensity=6.0 if rupture else None,
                **pillars,
            )
        )
    CheckinScore.objects.bulk_create(scores, batch_size=2000)
    return therapist


def _refresh_all() -> float:
    from alliance.care.models import Patient
    from alliance.monitoring.actions import calibrate_clinic, refresh_patient_signals

    began = time.perf_counter()
    patients = list(Patient.objects.select_related("clinic"))
    calibrate_clinic(clinic=patients[0].clinic)
    for patient in patients:
        refresh_patient_signals(patient=patient)
    return (time.perf_counter() - began) / len(patients)


def _refresh_one_checkin(count: int = 50) -> float:
    """What a submission costs: the signals of the check-in that just arrived (median, ms)."""
    from alliance.care.models import Patient
    from alliance.checkins.models import Checkin
    from alliance.monitoring.actions import refresh_patient_signals

    timings = []
    for patient in Patient.objects.select_related("clinic")[:count]:
        last = Checkin.objects.filter(patient=patient, respondent="patient").latest("submitted_at")
        began = time.perf_counter()
        refresh_patient_signals(patient=patient, at_checkin=last)
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def _time_caseload(therapist: object, runs: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(therapist)  # type: ignore[arg-type]
    client.get("/caseload/")  # warm-up: templates compiled, session loaded
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get("/caseload/")
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get("/caseload/")
    return timings, len(queries.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=300)
    parser.add_argument("--sessions", type=int, default=26)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20261124)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        _configure(directory)
        began = time.perf_counter()
        therapist = _build(args.patients, args.sessions, args.seed)
        built = time.perf_counter() - began
        per_patient = _refresh_all()
        from alliance.checkins.models import Checkin
        from alliance.monitoring.models import Repair, StoredSignal

        print(
            f"built {args.patients} patients × {args.sessions} sessions "
            f"({Checkin.objects.count()} check-ins) in {built:.1f} s; "
            f"{StoredSignal.objects.count()} signals, {Repair.objects.count()} repairs"
        )
        print(f"refresh_patient_signals (whole history): {per_patient * 1000:.1f} ms per patient")
        print(f"refresh_patient_signals at one check-in: median {_refresh_one_checkin():.1f} ms")
        timings, queries = _time_caseload(therapist, args.runs)
        timings.sort()
        p90 = timings[int(0.9 * (len(timings) - 1))]
        median = statistics.median(timings)
        print(
            f"GET /caseload/ ({args.patients} patients): median {median:.1f} ms, "
            f"p90 {p90:.1f} ms, min {timings[0]:.1f} ms over {args.runs} requests; "
            f"{queries} queries"
        )


if __name__ == "__main__":
    main()
