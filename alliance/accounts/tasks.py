"""Background work of the accounts app, run by ``manage.py db_worker``."""

from __future__ import annotations

from django.contrib.auth.forms import PasswordResetForm
from django.tasks import task
from django.utils import translation

from alliance.accounts.models import User
from alliance.audit.log import record


@task()
def send_password_reset_email(email: str, domain: str, use_https: bool, language: str) -> None:
    """Look the address up and email a reset link if it has an account.

    The look-up happens here, in the worker, so that the page answers in the
    same time whether or not the address exists: no account can be discovered.
    """
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    with translation.override(language):
        form.save(
            domain_override=domain,
            use_https=use_https,
            subject_template_name="accounts/emails/password_reset_subject.txt",
            email_template_name="accounts/emails/password_reset.txt",
        )
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is not None:
        record(
            "accounts.password_reset_requested", by=None, target=user, clinic_id=user.clinic.uuid
        )
