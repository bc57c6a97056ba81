"""Every view of the monitoring app: works, sign-in, care team, role, method."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import User
from alliance.care.models import Patient
from alliance.monitoring import actions
from alliance.monitoring.models import Repair, RepairStatus, Resolution
from tests.monitoring.factories import add_checkin, add_session, steady_history


@pytest.fixture
def repair(patient: Patient) -> Repair:
    steady_history(patient)
    add_checkin(patient, days_ago=20, bond=2, words="I did not feel heard today.")
    actions.refresh_patient_signals(patient=patient)
    return Repair.objects.get()


def _patient_urls(patient: Patient) -> list[str]:
    return [
        reverse("monitoring:brief", args=[patient.uuid]),
        reverse("monitoring:timeline", args=[patient.uuid]),
    ]


def _repair_posts(repair: Repair) -> list[str]:
    return [
        reverse(name, args=[repair.uuid])
        for name in (
            "monitoring:plan_repair",
            "monitoring:addressed",
            "monitoring:close_repair",
            "monitoring:share_change",
        )
    ]


# --- Caseload -----------------------------------------------------------------------


def test_caseload_lists_the_rupture_first(
    therapist_client: Client, therapist: User, repair: Repair, patient: Patient
) -> None:
    from tests.care.factories import make_patient

    calm = make_patient(therapist=therapist, display_name="AAA Calm")
    steady_history(calm, count=3)
    response = therapist_client.get(reverse("monitoring:caseload"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.patient for row in rows] == [patient, calm]
    assert "Rupture not yet repaired" in str(rows[0].first_reason.text)
    html = response.content.decode()
    assert "the bond" in html
    assert "Plan a repair" in html
    assert str(repair.uuid) in html


def test_caseload_htmx_returns_the_rows(therapist_client: Client, repair: Repair) -> None:
    response = therapist_client.get(reverse("monitoring:caseload"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"caseload-row" in response.content


def test_caseload_shows_only_my_patients(
    therapist_client: Client, patient: Patient, other_patient: Patient
) -> None:
    response = therapist_client.get(reverse("monitoring:caseload"))
    assert [row.patient for row in response.context["rows"]] == [patient]


def test_caseload_safety_comes_first(
    therapist_client: Client, therapist: User, repair: Repair
) -> None:
    from tests.care.factories import make_patient

    unsafe = make_patient(therapist=therapist, display_name="ZZ Unsafe")
    add_checkin(unsafe, days_ago=3, phq9=12, safety=True)
    rows = therapist_client.get(reverse("monitoring:caseload")).context["rows"]
    assert rows[0].patient == unsafe
    assert rows[0].first_reason.urgent


def test_caseload_empty(therapist_client: Client) -> None:
    response = therapist_client.get(reverse("monitoring:caseload"))
    assert b"You follow no patient yet." in response.content


def _caseload_queries(client: Client, therapist: User, count: int, capture: Any) -> int:
    from tests.care.factories import make_patient

    for i in range(count - Patient.objects.count()):
        patient = make_patient(therapist=therapist, display_name=f"P{i}")
        steady_history(patient, count=3)
        add_checkin(patient, days_ago=20, bond=2, tension=1, intensity=5)
        add_session(patient, days_ago=10)
        add_session(patient, days_ago=5)
        actions.refresh_patient_signals(patient=patient)
    client.get(reverse("monitoring:caseload"))  # warm the session
    with capture() as context:
        response = client.get(reverse("monitoring:caseload"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == count
    return len(context.captured_queries)


def test_caseload_queries_do_not_grow_with_patients(
    therapist_client: Client, therapist: User, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def capture() -> CaptureQueriesContext:
        return CaptureQueriesContext(connection)

    three = _caseload_queries(therapist_client, therapist, 3, capture)
    thirty = _caseload_queries(therapist_client, therapist, 30, capture)
    assert three == thirty
    assert thirty <= 20


# --- Brief and timeline -----------------------------------------------------------------


def test_brief_shows_the_next_step_and_the_words(
    therapist_client: Client, repair: Repair, patient: Patient
) -> None:
    response = therapist_client.get(reverse("monitoring:brief", args=[patient.uuid]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Suggested next step" in html
    assert "Plan a repair" in html
    assert "I did not feel heard today." in html
    assert "heuristic rule" in html


def test_brief_without_checkins(therapist_client: Client, patient: Patient) -> None:
    response = therapist_client.get(reverse("monitoring:brief", args=[patient.uuid]))
    assert response.status_code == 200
    assert b"No check-in yet" in response.content


def test_timeline_has_charts_and_tables(
    therapist_client: Client, repair: Repair, patient: Patient
) -> None:
    add_checkin(patient, days_ago=13, phq9=12)
    response = therapist_client.get(reverse("monitoring:timeline", args=[patient.uuid]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('src="data:image/svg+xml;base64,') == 2
    assert "The ratings as a table" in html
    assert "PHQ-9" in html
    # Cached: the second rendering does not call vl_convert again.
    import vl_convert

    calls = []
    original = vl_convert.vegalite_to_svg
    vl_convert.vegalite_to_svg = lambda spec: calls.append(spec) or original(spec)  # type: ignore[assignment]
    try:
        therapist_client.get(reverse("monitoring:timeline", args=[patient.uuid]))
    finally:
        vl_convert.vegalite_to_svg = original  # type: ignore[assignment]
    assert calls == []


def test_timeline_without_checkins(therapist_client: Client, patient: Patient) -> None:
    response = therapist_client.get(reverse("monitoring:timeline", args=[patient.uuid]))
    assert response.status_code == 200
    assert b"No check-in yet" in response.content


def test_refresh_recomputes(therapist_client: Client, patient: Patient) -> None:
    steady_history(patient)
    add_checkin(patient, days_ago=20, bond=2)
    response = therapist_client.post(reverse("monitoring:refresh", args=[patient.uuid]))
    assert response.status_code == 302
    assert Repair.objects.filter(patient=patient).exists()


# --- The repair loop ---------------------------------------------------------------------


def test_repair_page(therapist_client: Client, repair: Repair) -> None:
    response = therapist_client.get(reverse("monitoring:repair", args=[repair.uuid]))
    assert response.status_code == 200
    assert b"Plan the repair" in response.content


def test_the_whole_loop_through_the_views(
    therapist_client: Client, repair: Repair, patient: Patient
) -> None:
    plan = therapist_client.post(
        reverse("monitoring:plan_repair", args=[repair.uuid]),
        {"strategy": "metacommunication", "note": "Ask how last session felt."},
    )
    assert plan.status_code == 302
    session = add_session(patient, days_ago=13)
    addressed = therapist_client.post(
        reverse("monitoring:addressed", args=[repair.uuid]), {"session": str(session.uuid)}
    )
    assert addressed.status_code == 302
    repair.refresh_from_db()
    assert repair.status == RepairStatus.ADDRESSED
    shared = therapist_client.post(
        reverse("monitoring:share_change", args=[repair.uuid]),
        {"you_said": "Not heard.", "we_changed": "We start with your week.", "share": "on"},
    )
    assert shared.status_code == 302
    add_checkin(patient, days_ago=6, session=session)
    actions.refresh_patient_signals(patient=patient)
    repair.refresh_from_db()
    assert repair.resolution == Resolution.RATINGS_BACK


def test_bad_forms_are_shown_again(therapist_client: Client, repair: Repair) -> None:
    for name, data in (
        ("monitoring:plan_repair", {"strategy": "nonsense"}),
        ("monitoring:addressed", {"session": "not-a-session"}),
        ("monitoring:close_repair", {"reason": ""}),
        ("monitoring:share_change", {"we_changed": "", "share": "on"}),
    ):
        response = therapist_client.post(reverse(name, args=[repair.uuid]), data)
        assert response.status_code == 400, name


def test_refusals_are_shown(therapist_client: Client, repair: Repair, patient: Patient) -> None:
    session = add_session(patient, days_ago=13)
    response = therapist_client.post(
        reverse("monitoring:addressed", args=[repair.uuid]), {"session": str(session.uuid)}
    )
    assert response.status_code == 400
    assert b"Plan the repair first" in response.content


def test_close(therapist_client: Client, repair: Repair) -> None:
    response = therapist_client.post(
        reverse("monitoring:close_repair", args=[repair.uuid]), {"reason": "False alarm."}
    )
    assert response.status_code == 302
    repair.refresh_from_db()
    assert repair.resolution == Resolution.CLOSED


# --- Supervision and settings ------------------------------------------------------------


def test_clinic_overview_is_de_identified(
    supervisor_client: Client, repair: Repair, patient: Patient, therapist: User
) -> None:
    response = supervisor_client.get(reverse("monitoring:clinic"))
    assert response.status_code == 200
    html = response.content.decode()
    assert patient.display_name not in html
    assert therapist.full_name in html
    assert "few" in html
    overview = response.context["overview"]
    assert overview.clinic.ruptures == 1
    assert overview.clinic.patients == 1


def test_administrators_see_the_overview_too(administrator_client: Client) -> None:
    assert administrator_client.get(reverse("monitoring:clinic")).status_code == 200


def test_clinic_overview_queries_do_not_grow(
    supervisor_client: Client, therapist: User, colleague: User
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.care.factories import make_patient

    counts = []
    for batch in (2, 10):
        for i in range(batch):
            patient = make_patient(therapist=therapist if i % 2 else colleague)
            steady_history(patient, count=3)
            add_checkin(patient, days_ago=20, bond=2, phq9=10)
            actions.refresh_patient_signals(patient=patient)
        supervisor_client.get(reverse("monitoring:clinic"))
        with CaptureQueriesContext(connection) as context:
            supervisor_client.get(reverse("monitoring:clinic"))
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]


def test_settings_page_saves(administrator_client: Client, administrator: User) -> None:
    url = reverse("monitoring:settings")
    page = administrator_client.get(url)
    assert page.status_code == 200
    assert b"heuristic" in page.content
    form = page.context["form"]
    data: dict[str, Any] = {name: field.initial for name, field in form.fields.items()}
    data["dip_1sd"] = 1.5
    response = administrator_client.post(url, data)
    assert response.status_code == 302
    from alliance.monitoring.models import ClinicSignalSettings

    assert ClinicSignalSettings.objects.get(clinic=administrator.clinic).overrides == {
        "dip_1sd": 1.5
    }
    bad = administrator_client.post(url, {**data, "dip_1sd": 99})
    assert bad.status_code == 400


# --- Rules every view follows ---------------------------------------------------------


def _all_urls(patient: Patient, repair: Repair) -> list[tuple[str, str]]:
    gets = [*_patient_urls(patient), reverse("monitoring:repair", args=[repair.uuid])]
    posts = [reverse("monitoring:refresh", args=[patient.uuid]), *_repair_posts(repair)]
    return [("get", url) for url in gets] + [("post", url) for url in posts]


def test_sign_in_required(client: Client, repair: Repair, patient: Patient) -> None:
    urls = [*_all_urls(patient, repair)]
    urls += [
        ("get", reverse(n))
        for n in ("monitoring:caseload", "monitoring:clinic", "monitoring:settings")
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert "/accounts/" in response["Location"], url


@pytest.mark.parametrize("persona", ["colleague_client", "outsider_client"])
def test_not_on_the_care_team_gets_404(
    request: pytest.FixtureRequest, persona: str, repair: Repair, patient: Patient
) -> None:
    client: Client = request.getfixturevalue(persona)
    for method, url in _all_urls(patient, repair):
        assert getattr(client, method)(url).status_code == 404, url
    repair.refresh_from_db()
    assert repair.status == RepairStatus.DETECTED


def test_wrong_role_gets_403(
    supervisor_client: Client,
    therapist_client: Client,
    colleague_client: Client,
    repair: Repair,
    patient: Patient,
) -> None:
    for method, url in _all_urls(patient, repair):
        assert getattr(supervisor_client, method)(url).status_code == 403, url
    assert supervisor_client.get(reverse("monitoring:caseload")).status_code == 403
    assert therapist_client.get(reverse("monitoring:clinic")).status_code == 403
    assert therapist_client.get(reverse("monitoring:settings")).status_code == 403
    assert supervisor_client.get(reverse("monitoring:settings")).status_code == 403


def test_wrong_method_gets_405(
    therapist_client: Client,
    administrator_client: Client,
    supervisor_client: Client,
    repair: Repair,
    patient: Patient,
) -> None:
    for method, url in _all_urls(patient, repair):
        other = "post" if method == "get" else "get"
        assert getattr(therapist_client, other)(url).status_code == 405, url
    assert therapist_client.post(reverse("monitoring:caseload")).status_code == 405
    assert supervisor_client.post(reverse("monitoring:clinic")).status_code == 405
    assert administrator_client.delete(reverse("monitoring:settings")).status_code == 405


def test_bad_ids_get_404(therapist_client: Client) -> None:
    import uuid

    assert (
        therapist_client.get(reverse("monitoring:repair", args=[uuid.uuid4()])).status_code == 404
    )
    assert therapist_client.get(reverse("monitoring:brief", args=[uuid.uuid4()])).status_code == 404
    assert therapist_client.get("/caseload/repairs/not-a-uuid/").status_code == 404


def test_you_said_starts_from_the_patients_words(therapist_client: Client, repair: Repair) -> None:
    response = therapist_client.get(reverse("monitoring:repair", args=[repair.uuid]))
    assert response.context["share_form"].initial["you_said"] == "I did not feel heard today."
