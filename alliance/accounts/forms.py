from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import Clinic, Role, User

LANGUAGE_CHOICES = [("", _("Same as my browser")), *settings.LANGUAGES]


class SignInForm(AuthenticationForm):
    """Email and password; one message for every failure, so nobody can learn
    which addresses have an account."""

    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _(
            "This email address and password do not match. Check them and try again."
        ),
        "inactive": _("This email address and password do not match. Check them and try again."),
    }

    def clean_username(self) -> str:
        # Addresses are stored in lower case; people type them as they like.
        return normalised_username(self.cleaned_data["username"])


def normalised_username(username: object) -> str:
    return str(username or "").strip().lower()


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The name django-axes counts failures against (``AXES_USERNAME_CALLABLE``).

    Normalised like the sign-in form does, so that typing the address in
    another case neither escapes the lock-out nor starts a new count.
    """
    username = (credentials or {}).get("username") or request.POST.get("username")
    return normalised_username(username)


class NewPasswordMixin(forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_password2(self) -> str:
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            raise forms.ValidationError(_("The two passwords differ. Type the same one twice."))
        return str(second)

    def validate_new_password(self, user: User | None) -> None:
        password = self.cleaned_data.get("password2")
        if password:
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)


class FirstAdministratorForm(NewPasswordMixin):
    clinic_name = forms.CharField(
        label=_("Name of your clinic or practice"),
        max_length=200,
        help_text=_("A solo therapist can simply use their own name."),
    )
    full_name = forms.CharField(label=_("Your full name"), max_length=200)
    email = forms.EmailField(
        label=_("Your email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    language = forms.ChoiceField(
        label=_("Interface language"), choices=LANGUAGE_CHOICES, required=False
    )
    field_order = ["clinic_name", "full_name", "email", "language", "password1", "password2"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.validate_new_password(
            User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
        )
        return cleaned


class AcceptInvitationForm(NewPasswordMixin):
    full_name = forms.CharField(label=_("Your full name"), max_length=200)
    language = forms.ChoiceField(
        label=_("Interface language"), choices=LANGUAGE_CHOICES, required=False
    )
    field_order = ["full_name", "language", "password1", "password2"]

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.validate_new_password(User(email=self.email, full_name=cleaned.get("full_name", "")))
        return cleaned


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.THERAPIST)
    language = forms.ChoiceField(
        label=_("Language of the invitation email"), choices=settings.LANGUAGES
    )


class MemberForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(label=_("Can sign in"), required=False)


class ClinicForm(forms.ModelForm[Clinic]):
    class Meta:
        model = Clinic
        fields = ["name", "country", "require_two_factor"]


class ProfileForm(forms.ModelForm[User]):
    language = forms.ChoiceField(
        label=_("Interface language"), choices=LANGUAGE_CHOICES, required=False
    )

    class Meta:
        model = User
        fields = ["full_name", "language"]


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )

    def clean_token(self) -> str:
        token = str(self.cleaned_data["token"]).replace(" ", "")
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError(_("Type the 6 digits shown in your authenticator app."))
        return token
