"""Forms of the repair loop and of the clinic's signal settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.care.models import Session
from alliance.monitoring.config import LIST_FIELDS, THRESHOLDS
from alliance.monitoring.models import Repair, Strategy
from alliance.monitoring.words import RULE_TITLES
from alliance.science.signals import DEFAULT_CONFIG, RULES


class PlanForm(forms.Form):
    strategy = forms.ChoiceField(
        label=_("What you plan to do"), choices=Strategy.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For you: what you will say or try. The patient does not see it."),
    )


class SessionChoiceField(forms.ModelChoiceField[Session]):
    def label_from_instance(self, obj: Session) -> str:
        return f"{obj.starts_at:%Y-%m-%d %H:%M}"


class AddressedForm(forms.Form):
    session = SessionChoiceField(
        label=_("Session in which you talked about it"),
        queryset=Session.objects.none(),
        to_field_name="uuid",
        empty_label=None,
    )

    def __init__(self, *args: Any, repair: Repair, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["session"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Session.objects.filter(
            episode__patient=repair.patient, starts_at__gte=repair.session.starts_at
        ).order_by("-starts_at")


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you close it"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: a false alarm; the patient explained the low rating."),
    )


class ShareForm(forms.Form):
    you_said = forms.CharField(
        label=_("You said"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("In the patient's own words if you can; they will read it."),
    )
    we_changed = forms.CharField(
        label=_("We changed"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    share = forms.BooleanField(
        label=_("Show it to the patient in their next check-in"), required=False
    )


def _rule_choices() -> list[tuple[str, Any]]:
    return [(rule, RULE_TITLES.get(rule, rule)) for rule in RULES]


class SignalSettingsForm(forms.Form):
    """One field per threshold, and the rules on and shown as information only."""

    enabled_rules = forms.MultipleChoiceField(
        label=_("Rules that raise signals"),
        choices=_rule_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    info_only_rules = forms.MultipleChoiceField(
        label=_("Rules shown as information only (never as an alert)"),
        choices=_rule_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, overrides: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in LIST_FIELDS:
            self.fields[name].initial = sorted(overrides.get(name, getattr(DEFAULT_CONFIG, name)))
        for threshold in THRESHOLDS:
            label: Any = threshold.label
            field: forms.Field
            if threshold.kind is int:
                field = forms.IntegerField(
                    min_value=int(threshold.minimum), max_value=int(threshold.maximum)
                )
            else:
                field = forms.FloatField(min_value=threshold.minimum, max_value=threshold.maximum)
            field.label = label
            self.fields[threshold.name] = field
            field.initial = overrides.get(threshold.name, threshold.default)
            field.help_text = _("Default %(default)s. Source: %(source)s.") % {
                "default": threshold.default,
                "source": threshold.source,
            }

    def threshold_fields(self) -> list[tuple[Any, Any]]:
        return [(self[t.name], t) for t in THRESHOLDS]
