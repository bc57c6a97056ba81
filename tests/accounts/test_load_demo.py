"""``manage.py load_demo``: the demo clinic's people (the accounts step)."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import Client

from alliance.accounts.models import Role, User
from alliance.audit.log import verify_chain
from alliance.demo.registry import DEMO_EMAIL, DEMO_PASSWORD


def load() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("load_demo", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_creates_a_clinic_whose_people_can_sign_in(db: None) -> None:
    load()
    administrator = User.objects.get(email=DEMO_EMAIL)
    assert administrator.roles == [Role.ADMINISTRATOR, Role.THERAPIST]
    colleagues = User.objects.filter(clinic=administrator.clinic).exclude(pk=administrator.pk)
    assert {tuple(user.roles) for user in colleagues} >= {(Role.THERAPIST,), (Role.SUPERVISOR,)}
    response = Client().post(
        "/accounts/sign-in/", {"username": DEMO_EMAIL, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert verify_chain().intact


def test_loading_twice_changes_nothing(db: None) -> None:
    load()
    count = User.objects.count()
    out, _ = load()
    assert "already there" in out
    assert User.objects.count() == count


def test_it_never_touches_a_real_clinic(therapist: User) -> None:
    _, err = load()
    assert "already holds a real clinic" in err
    assert not User.objects.filter(email=DEMO_EMAIL).exists()
