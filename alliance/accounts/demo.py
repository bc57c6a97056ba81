"""The demo clinic's people: an administrator-therapist, colleagues, a supervisor."""

from __future__ import annotations

from alliance.accounts import actions
from alliance.accounts.models import Role, User
from alliance.demo.registry import DEMO_EMAIL, DEMO_PASSWORD, DemoContext, demo_step


@demo_step(order=0)
def create_demo_clinic(context: DemoContext) -> None:
    administrator = actions.set_up_first_administrator(
        clinic_name="Cabinet Alliance (démo)",
        full_name="Camille Martin",
        email=DEMO_EMAIL,
        password=DEMO_PASSWORD,
        language="",
    )
    context.objects["clinic"] = administrator.clinic
    context.objects["therapist"] = administrator
    context.objects["colleague"] = _join(
        administrator, "Louis Bernard", "louis.bernard@alliance.example", Role.THERAPIST
    )
    context.objects["supervisor"] = _join(
        administrator, "Dr Inès Moreau", "ines.moreau@alliance.example", Role.SUPERVISOR
    )


def _join(administrator: User, full_name: str, email: str, role: Role) -> User:
    _, token = actions.invite(
        clinic=administrator.clinic, email=email, role=role, language="fr", by=administrator
    )
    return actions.accept_invitation(
        token=token, full_name=full_name, password=DEMO_PASSWORD, language="fr"
    )
