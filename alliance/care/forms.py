"""Forms for the therapist's pages; they parse input, the actions decide."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import User
from alliance.care.models import (
    WORDING_MAX_LENGTH,
    Approach,
    Attendance,
    FrameVersion,
    Goal,
    Modality,
    Patient,
    TaskKind,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
REASON_HELP = _("Kept in the history, and shown to both of you.")


def _wording_field(label: Any, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=WORDING_MAX_LENGTH,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PatientForm(forms.ModelForm[Patient]):
    class Meta:
        model = Patient
        fields = ["display_name", "preferred_language", "contact_email", "country"]
        widgets = {"country": forms.TextInput(attrs={"size": 2, "autocapitalize": "characters"})}

    def __init__(self, *args: Any, default_country: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].required = False
        self.fields["country"].help_text = _(
            "Two letters (FR, BE, CH, CA, GB…), for the right crisis resources. "
            "Leave empty for your clinic's country."
        )
        self.default_country = default_country

    def clean_country(self) -> str:
        country = str(self.cleaned_data.get("country") or "").strip().upper()
        if not country:
            return self.default_country
        if len(country) != 2 or not country.isalpha():
            raise forms.ValidationError(_("Write the country as two letters, such as FR or CA."))
        return country


class EpisodeForm(forms.Form):
    started_on = forms.DateField(label=_("First session"), widget=DATE_INPUT)
    approach = forms.ChoiceField(label=_("Approach"), choices=Approach.choices)
    modality = forms.ChoiceField(label=_("Modality"), choices=Modality.choices)


class NewPatientForm(PatientForm):
    """The patient and their first episode of care, in one page."""

    started_on = EpisodeForm.base_fields["started_on"]
    approach = EpisodeForm.base_fields["approach"]
    modality = EpisodeForm.base_fields["modality"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["started_on"].initial = timezone.localdate()
        self.fields["preferred_language"].initial = "fr"


class CloseEpisodeForm(forms.Form):
    ended_on = forms.DateField(label=_("Date of the last session"), widget=DATE_INPUT)


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=DATETIME_INPUT)
    duration_minutes = forms.IntegerField(
        label=_("Duration in minutes"), min_value=5, max_value=480, initial=50
    )


class NewSessionForm(SessionForm):
    attendance = forms.ChoiceField(
        label=_("Attendance"), choices=Attendance.choices, initial=Attendance.ATTENDED
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Most sessions are written down just after they took place.
        now = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["starts_at"].initial = now - timedelta(minutes=50)


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(choices=Attendance.choices)


class FrameVersionForm(forms.ModelForm[FrameVersion]):
    class Meta:
        model = FrameVersion
        fields = list(FrameVersion.SECTIONS)
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in FrameVersion.SECTIONS}


class GoalForm(forms.Form):
    patient_wording = _wording_field(
        _("In the patient's words"), _("As the patient says it, in their own words.")
    )
    therapist_wording = _wording_field(
        _("In your words"), _("How you understand it, as a therapist.")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (
            data.get("patient_wording", "").strip() or data.get("therapist_wording", "").strip()
        ):
            raise forms.ValidationError(
                _("Write the goal in the patient's words, in yours, or both.")
            )
        return data


class NewGoalForm(GoalForm):
    agreed_in_session = forms.BooleanField(
        label=_("We agreed on this goal together in session"), required=False
    )


class ReviseGoalForm(GoalForm):
    reason = forms.CharField(
        label=_("Why does the goal change?"),
        help_text=REASON_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), help_text=REASON_HELP, widget=forms.Textarea(attrs={"rows": 2})
    )


class GoalScaleForm(forms.Form):
    """Goal Attainment Scaling: what each level would look like, and the weight."""

    much_less = forms.CharField(label=_("−2: much less than expected"), required=False)
    less = forms.CharField(label=_("−1: less than expected"), required=False)
    expected = forms.CharField(label=_("0: the expected level"), required=False)
    more = forms.CharField(label=_("+1: more than expected"), required=False)
    much_more = forms.CharField(label=_("+2: much more than expected"), required=False)
    weight = forms.IntegerField(
        label=_("Weight"),
        min_value=1,
        max_value=10,
        required=False,
        help_text=_("How much this goal counts compared with the others (1 to 10)."),
    )
    attained = forms.TypedChoiceField(
        label=_("Level reached so far"),
        choices=[
            ("", _("Not rated yet")),
            *[(level, f"{level:+d}") for level in (-2, -1, 0, 1, 2)],
        ],
        coerce=int,
        empty_value=None,
        required=False,
    )
    LEVEL_FIELDS = {-2: "much_less", -1: "less", 0: "expected", 1: "more", 2: "much_more"}

    @classmethod
    def for_goal(cls, goal: Goal, data: Any = None) -> GoalScaleForm:
        initial: dict[str, Any] = {
            field: text
            for (_level, text), field in zip(
                goal.gas_descriptions(), cls.LEVEL_FIELDS.values(), strict=True
            )
        }
        initial.update(weight=goal.gas_weight, attained=goal.gas_attained)
        return cls(data, initial=initial)

    def descriptions(self) -> dict[int, str]:
        return {level: self.cleaned_data[name] for level, name in self.LEVEL_FIELDS.items()}


class TaskForm(forms.Form):
    goal = forms.ModelChoiceField(label=_("Goal it serves"), queryset=Goal.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=TaskKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DATE_INPUT)

    def __init__(self, *args: Any, goals: QuerySet[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["goal"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = goals
        field.to_field_name = "uuid"


class ShareForm(forms.Form):
    colleague = forms.ModelChoiceField(
        label=_("Colleague"), queryset=User.objects.none(), to_field_name="uuid"
    )

    def __init__(self, *args: Any, colleagues: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["colleague"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = colleagues
        field.error_messages["invalid_choice"] = _(
            "Choose a therapist of your clinic from the list."
        )


class TransferForm(ShareForm):
    """The colleague who becomes the lead therapist of a departing therapist's patients."""

    def __init__(self, *args: Any, colleagues: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, colleagues=colleagues, **kwargs)
        self.fields["colleague"].label = _("New lead therapist")
