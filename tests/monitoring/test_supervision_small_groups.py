"""Supervision withholds a therapist's figures when they rest on too few patients.

With one or two patients, "the mean alliance of Théo's patients" is one known
person's ratings: the figures would re-identify them (QA defect). The clinic's
figures are always shown.
"""

from __future__ import annotations

import re

from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from alliance.accounts.models import User
from alliance.care.models import Patient
from alliance.monitoring import supervision
from alliance.monitoring.supervision import MIN_PATIENTS_PER_THERAPIST, Figures
from tests.accounts.helpers import french, page_text
from tests.care.factories import make_patient
from tests.monitoring.factories import add_checkin

WITHHELD = (
    "Not shown: these figures rest on fewer than 3 patients with check-ins, so they would "
    "describe individual patients, who could be recognised."
)


def patients_with_checkins(therapist: User, count: int, *, bond: float) -> list[Patient]:
    patients = [make_patient(therapist=therapist) for _ in range(count)]
    for patient in patients:
        add_checkin(patient, days_ago=7, goal=bond, task=bond, bond=bond)
    return patients


def row_of(html: str, name: str) -> str:
    match = re.search(
        rf"<tr[^>]*>\s*<th scope=\"row\">{re.escape(name)}</th>(.*?)</tr>", html, re.S
    )
    assert match, f"no row for {name}"
    return match.group(1)


def test_the_minimum_is_three_patients() -> None:
    assert MIN_PATIENTS_PER_THERAPIST == 3


def test_two_patients_are_withheld_three_are_shown(
    supervisor: User, therapist: User, colleague: User
) -> None:
    patients_with_checkins(therapist, 2, bond=2)
    patients_with_checkins(colleague, 3, bond=8)
    overview = supervision.overview(supervisor)
    by_name = {figures.label: figures for figures in overview.therapists}
    few = by_name[therapist.full_name]
    assert few.withheld
    assert (few.patients, few.checkins, few.mean_alliance, few.ruptures) == (0, 0, None, 0)
    enough = by_name[colleague.full_name]
    assert not enough.withheld
    assert (enough.patients, enough.mean_alliance) == (3, 8)
    # The clinic's figures count every patient, the withheld ones included.
    assert overview.clinic.patients == 5
    assert overview.clinic.mean_alliance == (2 * 2 + 3 * 8) / 5


def test_a_single_patient_is_withheld(supervisor: User, therapist: User) -> None:
    patients_with_checkins(therapist, 1, bond=3)
    (figures,) = supervision.overview(supervisor).therapists
    assert figures.withheld


def test_the_page_says_why_and_shows_no_figure(
    supervisor_client: Client, therapist: User, colleague: User
) -> None:
    patients_with_checkins(therapist, 2, bond=2.4)
    patients_with_checkins(colleague, 3, bond=8)
    response = supervisor_client.get(reverse("monitoring:clinic"))
    html = page_text(response)
    withheld = row_of(html, therapist.full_name)
    assert WITHHELD in withheld
    assert 'colspan="8"' in withheld
    assert "2.4" not in withheld
    assert "<td>2</td>" not in withheld
    shown = row_of(html, colleague.full_name)
    assert WITHHELD not in shown
    assert "<td>3" in shown
    assert "fewer than 3 patients with check-ins" in html.split("<table")[0]
    assert "Whole clinic" in html


def test_the_page_speaks_french(supervisor_client: Client, therapist: User) -> None:
    patients_with_checkins(therapist, 1, bond=2)
    response = supervisor_client.get(
        reverse("monitoring:clinic"), headers={"accept-language": "fr"}
    )
    html = page_text(response)
    with translation.override("fr"):
        expected = translation.ngettext(
            "Not shown: these figures rest on fewer than %(n)s patient with check-ins, so they "
            "would describe individual patients, who could be recognised.",
            "Not shown: these figures rest on fewer than %(n)s patients with check-ins, so they "
            "would describe individual patients, who could be recognised.",
            3,
        ) % {"n": 3}
    assert expected != WITHHELD
    assert expected in html
    assert french("Whole clinic") in html


def test_a_withheld_row_renders_one_sentence() -> None:
    with translation.override("en"):
        html = render_to_string(
            "monitoring/_figures_row.html", {"f": Figures(label="T", withheld=True)}
        )
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)
    assert cells == [WITHHELD]
