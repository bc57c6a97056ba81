"""Forms of the repair loop and of the clinic's signal settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from alliance.care.models import Session
from alliance.monitoring.config import THRESHOLDS
from alliance.monitoring.models import Repair, Strategy
from alliance.monitoring.words import RULE_TITLES, rule_source
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
        """In local time and the active language's date format."""
        return formats.date_format(timezone.localtime(obj.starts_at), "DATETIME_FORMAT")


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
        # Only sessions that have started, the most recent first and preselected.
        field.queryset = Session.objects.filter(
            episode__patient=repair.patient,
            starts_at__gte=repair.session.starts_at,
            starts_at__lte=timezone.now(),
        ).order_by("-starts_at")
        if not self.is_bound and field.initial is None:
            latest = field.queryset.first()
            field.initial = latest.uuid if latest else None


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

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, message in (
            ("you_said", _("Write what the patient said: both fields are needed.")),
            ("we_changed", _("Write what you changed: both fields are needed.")),
        ):
            if name not in self.errors and not cleaned.get(name, "").strip():
                self.add_error(name, message)
        return cleaned


class RuleUse:
    """What a rule does for the clinic: one exclusive choice per rule."""

    SIGNAL = "signal"
    INFO = "info"
    OFF = "off"

    CHOICES = (
        (SIGNAL, _("Raises a signal")),
        (INFO, _("Information only (never an alert)")),
        (OFF, _("Off")),
    )


def _rule_field_name(rule: str) -> str:
    return f"rule_{rule}"


def _number(value: float | int) -> str:
    """A number in the active language (1,96 in French)."""
    return formats.number_format(value)


class SignalSettingsForm(forms.Form):
    """One exclusive choice per rule (signal, information only, off) and one field per
    threshold, numbers in the active language."""

    def __init__(self, *args: Any, overrides: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        enabled = frozenset(overrides.get("enabled_rules", DEFAULT_CONFIG.enabled_rules))
        info_only = frozenset(overrides.get("info_only_rules", DEFAULT_CONFIG.info_only_rules))
        for rule in RULES:
            if rule not in enabled:
                use = RuleUse.OFF
            elif rule in info_only:
                use = RuleUse.INFO
            else:
                use = RuleUse.SIGNAL
            title: Any = RULE_TITLES.get(rule, rule)
            self.fields[_rule_field_name(rule)] = forms.ChoiceField(
                label=title,
                choices=RuleUse.CHOICES,
                widget=forms.RadioSelect,
                initial=use,
                help_text=rule_source(rule),
            )
        for threshold in THRESHOLDS:
            field: forms.Field
            if threshold.kind is int:
                field = forms.IntegerField(localize=True)
            else:
                field = forms.FloatField(localize=True)
            label: Any = threshold.label
            field.label = label
            self.fields[threshold.name] = field
            field.initial = overrides.get(threshold.name, threshold.default)
            field.help_text = _("Default %(default)s. Source: %(source)s.") % {
                "default": _number(threshold.default),
                "source": threshold.source,
            }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for threshold in THRESHOLDS:
            value = cleaned.get(threshold.name)
            if value is not None and not threshold.minimum <= value <= threshold.maximum:
                self.add_error(
                    threshold.name,
                    _("Enter a value from %(minimum)s to %(maximum)s.")
                    % {
                        "minimum": _number(threshold.minimum),
                        "maximum": _number(threshold.maximum),
                    },
                )
        return cleaned

    def rule_fields(self) -> list[Any]:
        return [self[_rule_field_name(rule)] for rule in RULES]

    def threshold_fields(self) -> list[tuple[Any, Any]]:
        return [(self[t.name], t) for t in THRESHOLDS]

    def values(self) -> dict[str, Any]:
        """The settings as the configuration stores them (call once valid)."""
        uses = {rule: self.cleaned_data[_rule_field_name(rule)] for rule in RULES}
        values: dict[str, Any] = {
            "enabled_rules": [rule for rule, use in uses.items() if use != RuleUse.OFF],
            "info_only_rules": [rule for rule, use in uses.items() if use == RuleUse.INFO],
        }
        values.update({t.name: self.cleaned_data[t.name] for t in THRESHOLDS})
        return values
