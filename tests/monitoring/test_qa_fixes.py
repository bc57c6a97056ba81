"""Fixes from the QA pass (brief, repair page, settings, caseload, supervision)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from alliance.accounts.models import User
from alliance.care.models import Attendance, Patient
from alliance.errors import ActionRefused
from alliance.monitoring import actions
from alliance.monitoring.forms import AddressedForm
from alliance.monitoring.models import Repair, Strategy
from alliance.monitoring.reading import PillarChange
from alliance.monitoring.templatetags.monitoring import signed
from tests.care.factories import make_session, open_episode_of
from tests.monitoring.factories import add_checkin, add_session, steady_history

# --- 1. The brief's change adds up --------------------------------------------------


def test_change_is_computed_from_the_displayed_values() -> None:
    change = PillarChange("task", "therapist", 7.4, 7.6)
    assert (change.shown_before, change.shown_now, change.change) == (7, 8, 1)
    assert PillarChange("task", "patient", 6.5, 7.4).change == 0
    assert PillarChange("task", "patient", None, 7.4).change is None


def test_signed_uses_a_sign_and_a_true_minus() -> None:
    assert signed(1) == "+1"
    assert signed(-7) == "\u22127"
    assert signed(0) == "0"
    assert signed(None) == ""


def test_brief_table_adds_up(therapist_client: Client, patient: Patient, therapist: User) -> None:
    add_checkin(patient, days_ago=14, task=7.4, therapist=therapist, mirror={"task": 7.4})
    add_checkin(patient, days_ago=7, task=7.6, therapist=therapist, mirror={"task": 7.6})
    response = therapist_client.get(reverse("monitoring:brief", args=[patient.uuid]))
    html = response.content.decode()
    assert "<td>7</td><td>8</td><td>+1</td>" in html


# --- 2. The session in which the rupture was addressed ------------------------------


@pytest.fixture
def repair(patient: Patient) -> Repair:
    steady_history(patient)
    add_checkin(patient, days_ago=20, bond=2, words="I did not feel heard today.")
    actions.refresh_patient_signals(patient=patient)
    return Repair.objects.get()


def _future(patient: Patient) -> object:
    return make_session(
        episode=open_episode_of(patient),
        starts_at=timezone.now() + timedelta(hours=15),
        attendance=Attendance.PLANNED,
    )


def test_only_started_sessions_are_offered_the_latest_first(
    repair: Repair, patient: Patient
) -> None:
    older = add_session(patient, days_ago=13)
    latest = add_session(patient, days_ago=6)
    future = _future(patient)
    form = AddressedForm(repair=repair)
    offered = list(form.fields["session"].queryset)
    assert future not in offered
    assert offered[:2] == [latest, older]
    assert form.fields["session"].initial == latest.uuid


def test_sessions_are_labelled_in_local_time_and_the_locale(repair: Repair) -> None:
    field = AddressedForm(repair=repair).fields["session"]
    session = repair.session
    with translation.override("fr"):
        label = field.label_from_instance(session)
    assert "T" not in label
    assert "+00" not in label
    local = timezone.localtime(session.starts_at)
    assert str(local.year) in label
    assert f"{local:%H}" in label


def test_a_future_session_is_refused(repair: Repair, patient: Patient, therapist: User) -> None:
    actions.plan_repair(repair=repair, strategy=Strategy.METACOMMUNICATION, note="", by=therapist)
    with pytest.raises(ActionRefused) as refusal:
        actions.record_addressed(repair=repair, session=_future(patient), by=therapist)
    assert refusal.value.code == "future_session"


# --- 4. The clinic's thresholds ------------------------------------------------------


def _settings_data(client: Client) -> dict[str, object]:
    form = client.get(reverse("monitoring:settings")).context["form"]
    return {name: field.initial for name, field in form.fields.items()}


def test_each_rule_is_one_exclusive_choice(
    administrator_client: Client, administrator: User
) -> None:
    from alliance.monitoring.models import ClinicSignalSettings

    url = reverse("monitoring:settings")
    data = _settings_data(administrator_client)
    assert data["rule_dip_1sd"] == "info"
    assert data["rule_tension"] == "signal"
    html = administrator_client.get(url).content.decode()
    assert 'type="radio" name="rule_tension"' in html
    assert 'type="checkbox"' not in html
    response = administrator_client.post(
        url, {**data, "rule_tension": "off", "rule_dip_2sd": "info"}
    )
    assert response.status_code == 302
    overrides = ClinicSignalSettings.objects.get(clinic=administrator.clinic).overrides
    assert "tension" not in overrides["enabled_rules"]
    assert set(overrides["info_only_rules"]) == {"dip_1sd", "dip_2sd", "ceiling_drop"}
    bad = administrator_client.post(url, {**data, "rule_tension": "both"})
    assert bad.status_code == 400


def test_settings_numbers_and_sources_are_in_french(administrator_client: Client) -> None:
    url = reverse("monitoring:settings")
    data = _settings_data(administrator_client)
    page = administrator_client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'value="1,96"' in page
    assert re.search(r"défaut\W{1,3}1,96", page)
    assert "Source: Heuristic" not in page
    assert "Heuristique" in page
    assert "exact rule ours" not in page
    bad = administrator_client.post(
        url, {**data, "not_on_track_band": "1,5"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert bad.status_code == 400
    assert "de 0,5 à 0,99" in bad.content.decode()
    ok = administrator_client.post(
        url, {**data, "reliable_change_z": "1,64"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert ok.status_code == 302


def test_scale_sources_are_translated() -> None:
    from alliance.monitoring.words import scale_source

    with translation.override("fr"):
        assert "estimé" in str(
            scale_source("estimated from 20 patients of this clinic (25 in all)")
        )
        assert "heuristic" not in str(
            scale_source(
                "heuristic default (reliability 0.8, SD 2 points) until the clinic has enough data"
            )
        )


# --- 5. An empty caseload -----------------------------------------------------------


def test_empty_caseload_has_no_attention_sentence(therapist_client: Client) -> None:
    html = therapist_client.get(reverse("monitoring:caseload")).content.decode()
    assert "You follow no patient yet." in html
    assert "need your attention" not in html
    assert "needs your attention" not in html
    assert "Then everyone else" not in html


def test_caseload_with_no_one_needing_attention(therapist_client: Client, patient: Patient) -> None:
    html = therapist_client.get(reverse("monitoring:caseload")).content.decode()
    assert "0 patient" not in html
    assert "No patient needs your attention now." in html


# --- 6. "You said / we changed" needs both halves -----------------------------------


@pytest.mark.parametrize(
    "data",
    [{"you_said": "Too fast.", "we_changed": ""}, {"you_said": "", "we_changed": "Slower."}],
)
def test_share_needs_both_fields(
    therapist_client: Client, repair: Repair, data: dict[str, str]
) -> None:
    response = therapist_client.post(reverse("monitoring:share_change", args=[repair.uuid]), data)
    assert response.status_code == 400
    assert b"both fields are needed" in response.content
    repair.refresh_from_db()
    assert repair.we_changed == ""
    assert repair.you_said == ""


def test_share_action_refuses_half_written(repair: Repair, therapist: User) -> None:
    with pytest.raises(ActionRefused) as refusal:
        actions.share_change(
            repair=repair, you_said="Too fast.", we_changed=" ", share=False, by=therapist
        )
    assert refusal.value.code == "half_written"


def test_share_saved_says_so(therapist_client: Client, repair: Repair) -> None:
    response = therapist_client.post(
        reverse("monitoring:share_change", args=[repair.uuid]),
        {"you_said": "Too fast.", "we_changed": "Slower."},
        follow=True,
    )
    assert b"Saved. The patient does not see it." in response.content


# --- 7. Supervision marks every figure resting on few ruptures -----------------------


def _few_cells(figures: object) -> list[bool]:
    import re

    from django.template.loader import render_to_string

    with translation.override("en"):
        html = render_to_string("monitoring/_figures_row.html", {"f": figures})
    return ["few" in cell for cell in re.findall(r"<td>(.*?)</td>", html, re.S)]


def test_few_ruptures_mark_count_rate_and_median() -> None:
    from alliance.monitoring.supervision import SMALL_N, Figures

    few = Figures(label="A", patients=50, ruptures=2, repair_rate=0.5, median_days_to_repair=12.0)
    # patients, check-ins, alliance, discrepancy, ruptures, rate, median, correlation
    assert _few_cells(few)[4:7] == [True, True, True]
    many = Figures(
        label="B", patients=50, ruptures=SMALL_N, repair_rate=0.5, median_days_to_repair=12.0
    )
    assert _few_cells(many)[4:7] == [False, False, False]
    none = Figures(label="C", patients=50)
    assert _few_cells(none)[4:7] == [False, False, False]


# --- 8. "Close the repair" is a real button ------------------------------------------


def test_close_the_repair_is_a_secondary_button(therapist_client: Client, repair: Repair) -> None:
    html = therapist_client.get(reverse("monitoring:repair", args=[repair.uuid])).content.decode()
    assert 'class="button button--secondary">Close the repair</button>' in html


# --- 9. Wording ------------------------------------------------------------------------


def test_outcome_label_has_a_french_space_before_the_colon(
    therapist_client: Client, patient: Patient
) -> None:
    add_checkin(patient, days_ago=14, phq9=15)
    url = reverse("monitoring:timeline", args=[patient.uuid])
    assert "PHQ-9: 15" in therapist_client.get(url).content.decode()
    french = therapist_client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "PHQ-9\u202f: 15" in french


def test_task_window_label_is_clear(administrator_client: Client) -> None:
    html = administrator_client.get(reverse("monitoring:settings")).content.decode()
    assert "in the last this many" not in html
    assert "number of recent ratings of the task looked at" in html
