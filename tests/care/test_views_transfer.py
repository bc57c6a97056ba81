"""The administrator's pages: the member page warns, the transfer page hands patients over.

Administrators manage people, not patients: these pages show counts, never a patient.
"""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.care.models import CareTeamMember, CareTeamRole, Patient
from tests.accounts.helpers import french, messages_of, page_text
from tests.care.factories import make_patient, make_session, open_episode_of
from tests.checkins.factories import make_link
from tests.factories import make_user


def transfer_url(member: User | uuid.UUID) -> str:
    member_uuid = member.uuid if isinstance(member, User) else member
    return reverse("care:transfer_patients", args=[member_uuid])


def member_url(member: User) -> str:
    return reverse("accounts:clinic_member", args=[member.uuid])


@pytest.fixture
def caseload(therapist: User) -> list[Patient]:
    return [make_patient(therapist=therapist, display_name=f"Z.{n}") for n in range(3)]


def care_teams() -> list[tuple[int, int, str]]:
    return sorted(CareTeamMember.objects.values_list("patient_id", "therapist_id", "role"))


def assert_no_patient_in(text: str, patients: list[Patient]) -> None:
    for patient in patients:
        assert patient.display_name not in text
        assert str(patient.uuid) not in text


# --- The transfer page ------------------------------------------------------------------


def test_the_page_shows_a_count_and_the_clinic_s_therapists(
    administrator_client: Client,
    caseload: list[Patient],
    therapist: User,
    colleague: User,
    supervisor: User,
    outsider: User,
) -> None:
    inactive = make_user(clinic=therapist.clinic, full_name="Ivan Inactif", is_active=False)
    response = administrator_client.get(transfer_url(therapist))
    assert response.status_code == 200
    text = page_text(response)
    assert "Théo Thérapeute is the lead therapist of 3 patients." in text
    assert_no_patient_in(text, caseload)
    choices = set(response.context["form"].fields["colleague"].queryset)
    assert colleague in choices
    assert not choices & {therapist, supervisor, outsider, inactive}
    # Reading the page reads no patient.
    assert not AuditEvent.objects.filter(action="care.patient_read").exists()


def test_transferring_moves_the_patients_and_says_so(
    administrator_client: Client,
    administrator: User,
    caseload: list[Patient],
    therapist: User,
    colleague: User,
) -> None:
    response = administrator_client.post(transfer_url(therapist), {"colleague": colleague.uuid})
    assert response.status_code == 302
    assert response["Location"] == member_url(therapist)
    assert messages_of(response) == ["Colette Collègue is now the lead therapist of 3 patients."]
    assert set(
        CareTeamMember.objects.filter(role=CareTeamRole.LEAD).values_list("therapist", flat=True)
    ) == {colleague.pk}
    assert not CareTeamMember.objects.filter(therapist=therapist).exists()
    events = AuditEvent.objects.filter(action="care.lead_therapist_transferred")
    assert events.count() == 3
    assert {event.actor_id for event in events} == {administrator.uuid}


def test_a_double_submit_transfers_once(
    administrator_client: Client, caseload: list[Patient], therapist: User, colleague: User
) -> None:
    administrator_client.post(transfer_url(therapist), {"colleague": colleague.uuid})
    before, records = care_teams(), AuditEvent.objects.count()
    again = administrator_client.post(transfer_url(therapist), {"colleague": colleague.uuid})
    assert again.status_code == 302
    assert messages_of(again)[-1] == "There were no patients left to transfer: nothing was changed."
    assert care_teams() == before
    assert AuditEvent.objects.count() == records


def test_a_colleague_outside_the_list_is_refused(
    administrator_client: Client, caseload: list[Patient], therapist: User, outsider: User
) -> None:
    before = care_teams()
    for choice in (outsider.uuid, therapist.uuid, uuid.uuid4(), "not-a-uuid", ""):
        response = administrator_client.post(transfer_url(therapist), {"colleague": choice})
        assert response.status_code == 200
        assert response.context["form"].errors
    assert care_teams() == before
    assert not AuditEvent.objects.filter(action="care.lead_therapist_transferred").exists()


def test_nothing_to_transfer(administrator_client: Client, therapist: User) -> None:
    response = administrator_client.get(transfer_url(therapist))
    assert "is not the lead therapist of any patient" in page_text(response)
    assert b'<form method="post" class="panel"' not in response.content


def test_no_colleague_to_transfer_to(
    administrator_client: Client, administrator: User, caseload: list[Patient], therapist: User
) -> None:
    administrator.is_therapist = False
    administrator.save()
    response = administrator_client.get(transfer_url(therapist))
    assert "There is no other active therapist in your clinic." in page_text(response)


def test_the_page_speaks_french(
    administrator_client: Client, caseload: list[Patient], therapist: User
) -> None:
    response = administrator_client.get(transfer_url(therapist), headers={"accept-language": "fr"})
    assert french("Transfer the patients") in page_text(response)
    assert french("New lead therapist") in page_text(response)


def test_another_clinic_s_member_or_an_unknown_id_is_not_found(
    administrator_client: Client, outsider: User, colleague: User
) -> None:
    make_patient(therapist=outsider)
    before = care_teams()
    assert administrator_client.get(transfer_url(outsider)).status_code == 404
    response = administrator_client.post(transfer_url(outsider), {"colleague": colleague.uuid})
    assert response.status_code == 404
    assert administrator_client.get(transfer_url(uuid.uuid4())).status_code == 404
    assert administrator_client.get("/patients/transfer-from/42/").status_code == 404
    assert care_teams() == before


@pytest.mark.parametrize(
    "persona", ["therapist_client", "colleague_client", "supervisor_client", "outsider_client"]
)
def test_it_is_for_administrators_only(
    persona: str,
    request: pytest.FixtureRequest,
    caseload: list[Patient],
    therapist: User,
    colleague: User,
) -> None:
    client = request.getfixturevalue(persona)
    before = care_teams()
    assert client.get(transfer_url(therapist)).status_code == 403
    assert client.post(transfer_url(therapist), {"colleague": colleague.uuid}).status_code == 403
    assert care_teams() == before


def test_anonymous_visitors_are_sent_to_sign_in(
    client: Client, caseload: list[Patient], therapist: User, colleague: User
) -> None:
    for response in (
        client.get(transfer_url(therapist)),
        client.post(transfer_url(therapist), {"colleague": colleague.uuid}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_a_patient_with_their_check_in_link_is_sent_to_sign_in(
    client: Client, caseload: list[Patient], therapist: User, colleague: User
) -> None:
    _, token = make_link(session=make_session(episode=open_episode_of(caseload[0])))
    assert client.get(reverse("checkins:start", kwargs={"token": token})).status_code == 302
    before = care_teams()
    response = client.post(transfer_url(therapist), {"colleague": colleague.uuid})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert care_teams() == before


def test_other_methods_are_refused(administrator_client: Client, therapist: User) -> None:
    assert administrator_client.delete(transfer_url(therapist)).status_code == 405


# --- The member page warns ----------------------------------------------------------------


def test_the_member_page_says_how_many_patients_they_lead(
    administrator_client: Client, caseload: list[Patient], therapist: User
) -> None:
    response = administrator_client.get(member_url(therapist))
    text = page_text(response)
    assert "Théo Thérapeute is the lead therapist of 3 patients." in text
    assert "Before you deactivate this person or remove their therapist role" in text
    assert f'href="{transfer_url(therapist)}"' in text
    assert "Transfer their patients to a colleague" in text
    assert_no_patient_in(text, caseload)
    french_text = page_text(
        administrator_client.get(member_url(therapist), headers={"accept-language": "fr"})
    )
    assert french("Transfer their patients to a colleague") in french_text
    assert "Théo Thérapeute est" in french_text


def test_one_patient_is_said_in_the_singular(administrator_client: Client, therapist: User) -> None:
    make_patient(therapist=therapist)
    text = page_text(administrator_client.get(member_url(therapist)))
    assert "is the lead therapist of 1 patient." in text


def test_no_warning_without_patients_led(
    administrator_client: Client, colleague: User, therapist: User
) -> None:
    patient = make_patient(therapist=colleague)
    CareTeamMember.objects.create(
        patient=patient, therapist=therapist, role=CareTeamRole.SHARED, added_by=colleague
    )
    response = administrator_client.get(member_url(therapist))
    assert response.context["handovers"] == []
    assert "lead therapist of" not in page_text(response)


def test_deactivating_a_lead_therapist_stays_on_the_page_that_warns(
    administrator_client: Client, caseload: list[Patient], therapist: User
) -> None:
    response = administrator_client.post(member_url(therapist), {"roles": ["therapist"]})
    assert response.status_code == 302
    assert response["Location"] == member_url(therapist)
    text = page_text(administrator_client.get(member_url(therapist)))
    assert (
        "Théo Thérapeute can no longer work as a therapist but is still the lead therapist "
        "of 3 patients" in text
    )
    assert f'href="{transfer_url(therapist)}"' in text


def test_removing_the_therapist_role_warns_too(
    administrator_client: Client, caseload: list[Patient], therapist: User
) -> None:
    response = administrator_client.post(
        member_url(therapist), {"roles": ["supervisor"], "is_active": "on"}
    )
    assert response["Location"] == member_url(therapist)


def test_other_changes_go_back_to_the_members(
    administrator_client: Client, caseload: list[Patient], therapist: User
) -> None:
    response = administrator_client.post(
        member_url(therapist), {"roles": ["therapist", "supervisor"], "is_active": "on"}
    )
    assert response["Location"] == reverse("accounts:clinic_members")


def test_the_warning_goes_once_the_patients_are_transferred(
    administrator_client: Client, caseload: list[Patient], therapist: User, colleague: User
) -> None:
    administrator_client.post(member_url(therapist), {"roles": ["therapist"]})
    administrator_client.post(transfer_url(therapist), {"colleague": colleague.uuid})
    response = administrator_client.get(member_url(therapist))
    assert response.context["handovers"] == []
